"""Cases: the duty bank, allocation and reallocation, step up / step down, sibling groups and closure.

Every rule has a refusal test that also checks nothing was written.
"""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseworkPolicy,
    CINEpisode,
    LevelChange,
    LookedAfterEpisode,
    Plan,
    S47Enquiry,
    StrategyDiscussion,
)
from familyhelp.casework.permissions import can_view_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import cases as svc
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.people.models import FamilyMember, ProfessionalInvolvement
from familyhelp.people.tests.factories import ChildFactory, FamilyFactory

NOW = "2026-03-09 10:30"  # a Monday
TODAY = datetime.date(2026, 3, 9)


def duty_case(world, *, level=4, person=None, opened_on=datetime.date(2026, 3, 2)):  # type: ignore[no-untyped-def]
    person = person or ChildFactory(given_names="Zoë", family_name="Nguyễn")
    case, _ = svc.case_open_from_front_door(
        actor=world.frontdoor,
        person=person,
        level=level,
        contact=None,
        opened_on=opened_on,
        referral_source="2A",
        primary_need="N1",
    )
    return case


def allocate(world, case, worker, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("actor", world.manager)
    kw.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    return svc.case_allocate(case=case, worker=worker, **kw)


def snapshot(case):  # type: ignore[no-untyped-def]
    """What a refused write must leave untouched."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.version,
        case.status,
        case.level,
        case.worker_id,
        case.closed_on,
        Allocation.objects.filter(case=case).count(),
        LevelChange.objects.filter(case=case).count(),
        CINEpisode.objects.filter(case=case, closed_on__isnull=True).count(),
        Plan.objects.filter(case=case, ended_on__isnull=True).count(),
        ProfessionalInvolvement.objects.filter(person=case.person, end_date__isnull=True).count(),
        ChronologyEvent.objects.filter(person=case.person).count(),
    )


@pytest.fixture
def fhp(world):  # type: ignore[no-untyped-def]
    return world.eh_worker  # a family help practitioner


# --- allocation --------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_allocating_a_level_4_case_to_a_social_worker_puts_the_child_on_their_caseload(world):
    case = duty_case(world, person=world.other)
    assert not can_view_case(world.sw, case)  # another team's child
    allocate(world, case, world.sw, reason="Closest to the family")
    case.refresh_from_db()
    assert (case.status, case.worker, case.team, case.allocated_on, case.version) == (
        "open",
        world.sw,
        world.sw.team,
        TODAY,
        2,
    )
    (lead,) = Allocation.objects.filter(case=case)
    assert (lead.role, lead.worker, lead.started_on, lead.allocated_by, lead.ended_on) == (
        "lead",
        world.sw,
        TODAY,
        world.manager,
        None,
    )
    assert ProfessionalInvolvement.objects.filter(
        person=world.other, worker=world.sw, role="allocated_worker", start_date=TODAY, end_date=None
    ).exists()
    assert can_view_case(world.sw, case)
    event = ChronologyEvent.objects.get(person=world.other, kind="casework.allocated")
    assert "allocated to" in event.summary and event.occurred_on == TODAY


@freeze_time(NOW)
def test_who_may_hold_level_4_work(world, fhp):
    case = duty_case(world)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        allocate(world, case, world.colleague)  # a family support worker
    assert exc.value.errors["worker"] == [
        "A family support worker holds level 3 work only: choose a social worker for level 4 work"
    ]
    with pytest.raises(DomainError) as exc:
        allocate(world, case, fhp)
    assert "Name the supervising social worker" in exc.value.errors["supervisor"][0]
    with pytest.raises(DomainError) as exc:
        allocate(world, case, fhp, supervisor=world.colleague)
    assert exc.value.errors["supervisor"] == ["The supervisor must be a social worker"]
    with pytest.raises(DomainError) as exc:
        allocate(world, case, world.manager)
    assert "Choose a social worker, family support worker or family help practitioner" in exc.value.errors["worker"]
    casework_policy()
    CaseworkPolicy.objects.update(family_help_holds_cin=False)
    with pytest.raises(DomainError) as exc:
        allocate(world, case, fhp, supervisor=world.sw)
    assert "does not let family help practitioners hold child in need work" in exc.value.errors["worker"][0]
    assert snapshot(case) == before


@freeze_time(NOW)
def test_a_family_help_practitioner_holds_cin_work_with_a_supervising_social_worker(world, fhp):
    case = duty_case(world)
    allocate(world, case, fhp, supervisor=world.sw)
    case.refresh_from_db()
    assert (case.worker, case.supervisor) == (fhp, world.sw)
    assert set(Allocation.objects.filter(case=case).values_list("role", "worker__username")) == {
        ("lead", "ehworker"),
        ("supervising", "sw"),
    }
    involved = set(
        ProfessionalInvolvement.objects.filter(person=case.person, end_date=None).values_list(
            "role", "worker__username"
        )
    )
    assert involved == {("lead_practitioner", "ehworker"), ("supervising_social_worker", "sw")}


@freeze_time(NOW)
def test_a_family_support_worker_holds_level_3_work(world):
    case = duty_case(world, level=3)
    allocate(world, case, world.colleague)
    assert ProfessionalInvolvement.objects.filter(
        person=case.person, worker=world.colleague, role="lead_practitioner"
    ).exists()


@freeze_time(NOW)
def test_only_managers_allocate_and_a_stale_form_is_refused(world):
    case = duty_case(world)
    before = snapshot(case)
    with pytest.raises(ForbiddenError):
        allocate(world, case, world.sw, actor=world.sw)
    with pytest.raises(ConcurrentEditError):
        allocate(world, case, world.sw, expected_version=case.version - 1)
    with pytest.raises(ConcurrentEditError):
        svc.case_allocate(actor=world.manager, case=case, worker=world.sw, expected_version=None)
    assert snapshot(case) == before


@freeze_time(NOW)
def test_allocating_twice_names_who_allocated_it(world):
    case = duty_case(world)
    version = case.version
    svc.case_allocate(actor=world.manager, case=case, worker=world.sw, expected_version=version)
    other_manager = UserFactory(username="manager2", role=Role.TEAM_MANAGER, team=world.team_b)
    with pytest.raises(DomainError) as exc:
        svc.case_allocate(actor=other_manager, case=case, worker=world.cp_worker, expected_version=version)
    assert exc.value.errors["worker"] == [
        f"Case {case.reference} has already been allocated: {world.manager} allocated it to {world.sw} on 9 March 2026"
    ]
    assert Allocation.objects.filter(case=case).count() == 1


@freeze_time(NOW)
def test_reallocation_keeps_the_history_of_who_held_the_case(world, fhp):
    case = duty_case(world)
    allocate(world, case, world.sw)
    case.refresh_from_db()
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        svc.case_reallocate(
            actor=world.manager, case=case, worker=world.cp_worker, reason=" ", expected_version=case.version
        )
    assert exc.value.errors["reason"] == ["Say why the case is being reallocated"]
    with pytest.raises(DomainError) as exc:
        svc.case_reallocate(
            actor=world.manager, case=case, worker=world.sw, reason="Again", expected_version=case.version
        )
    assert "already holds this case" in exc.value.errors["worker"][0]
    assert snapshot(case) == before
    with freeze_time("2026-03-16 09:00"):
        svc.case_reallocate(
            actor=world.manager,
            case=case,
            worker=fhp,
            supervisor=world.sw,
            reason="Family Help model: ongoing CIN work",
            expected_version=case.version,
        )
    history = list(
        Allocation.objects.filter(case=case)
        .order_by("started_on", "role")
        .values_list("worker__username", "role", "started_on", "ended_on", "end_reason")
    )
    assert history == [
        ("sw", "lead", TODAY, datetime.date(2026, 3, 16), "Family Help model: ongoing CIN work"),
        ("ehworker", "lead", datetime.date(2026, 3, 16), None, ""),
        ("sw", "supervising", datetime.date(2026, 3, 16), None, ""),
    ]
    sw_roles = dict(
        ProfessionalInvolvement.objects.filter(person=case.person, worker=world.sw).values_list("role", "end_date")
    )
    assert sw_roles == {"allocated_worker": datetime.date(2026, 3, 16), "supervising_social_worker": None}
    case.refresh_from_db()
    assert (case.worker, case.supervisor, case.team, case.allocated_on) == (fhp, world.sw, fhp.team, TODAY)
    assert ChronologyEvent.objects.filter(person=case.person, kind="casework.reallocated").count() == 1


# --- step up / step down -----------------------------------------------------------------------------
def step_up(world, case, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.manager,
        "case": case,
        "requested_by": world.colleague,
        "reason": "Neglect is getting worse",
        "changed_on": TODAY,
        "referral_source": "2A",
        "primary_need": "N1",
        "expected_version": Case.objects.get(pk=case.pk).version,
    }
    values.update(kw)
    return svc.case_step_up(**values)


@freeze_time(NOW)
def test_step_up_opens_a_cin_episode_in_the_same_case(world):
    case = duty_case(world, level=3)
    allocate(world, case, world.sw)
    change = step_up(world, case, changed_on=datetime.date(2026, 3, 6))
    case.refresh_from_db()
    assert case.level == 4 and Case.objects.filter(person=case.person).count() == 1
    assert (change.from_level, change.to_level, change.direction, change.requested_by, change.authorised_by) == (
        3,
        4,
        "up",
        world.colleague,
        world.manager,
    )
    episode = CINEpisode.objects.get(case=case)
    assert (episode.referral_date, episode.referral_source, episode.primary_need, episode.closed_on) == (
        datetime.date(2026, 3, 6),
        "2A",
        "N1",
        None,
    )
    kinds = set(ChronologyEvent.objects.filter(person=case.person).values_list("kind", flat=True))
    assert {"casework.stepped_up", "casework.referral"} <= kinds


@freeze_time(NOW)
def test_step_up_refusals_write_nothing(world):
    case = duty_case(world, level=3)
    allocate(world, case, world.colleague)  # a family support worker: level 3 only
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        step_up(
            world,
            case,
            requested_by=None,
            reason="",
            referral_source="ZZ",
            primary_need="",
            changed_on=datetime.date(2026, 3, 10),
        )
    errors = exc.value.errors
    assert errors["requested_by"] == ["Choose the practitioner who asked for the change"]
    assert errors["reason"] == ["Say why the case is stepping up"]
    assert errors["changed_on"] == ["The date of the step up must be today or in the past"]
    assert set(errors) >= {"referral_source", "primary_need", "__all__"}
    assert "reallocate the case first" in errors["__all__"][0]
    with pytest.raises(ForbiddenError):
        step_up(world, case, actor=world.sw)
    assert snapshot(case) == before
    level4 = duty_case(world, person=ChildFactory())
    with pytest.raises(DomainError) as exc:
        step_up(world, level4)
    assert "already at level 4" in exc.value.message


@freeze_time(NOW)
def test_step_up_is_refused_while_the_child_has_an_open_episode(world):
    case = duty_case(world, level=3)
    CINEpisode.objects.create(
        case=case, person=case.person, referral_date=datetime.date(2026, 3, 3), referral_source="2A", primary_need="N1"
    )
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        step_up(world, case)
    assert exc.value.errors["__all__"] == [
        "The child already has an open children in need episode: it must close before a new one opens"
    ]
    assert snapshot(case) == before


def _plan(case, kind, started_on=datetime.date(2026, 3, 4)):  # type: ignore[no-untyped-def]
    return Plan.objects.create(
        case=case,
        person=case.person,
        kind=kind,
        started_on=started_on,
        cin_episode=case.cin_episodes.filter(closed_on=None).first(),
    )


def _assessment(case, status, authorised_on=datetime.date(2026, 3, 6)):  # type: ignore[no-untyped-def]
    """An assessment in the case's episode; an authorised one carries its stored authorisation date."""
    return Assessment.objects.create(
        case=case,
        person=case.person,
        cin_episode=case.cin_episodes.first(),
        kind="single",
        status=status,
        started_on=datetime.date(2026, 3, 2),
        due_on=datetime.date(2026, 5, 5),
        authorised_on=authorised_on if status == "authorised" else None,
    )


def step_down(world, case, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.manager,
        "case": case,
        "to_level": 3,
        "requested_by": world.sw,
        "reason": "Risks reduced",
        "changed_on": TODAY,
        "closure_reason": "RC9",
        "expected_version": Case.objects.get(pk=case.pk).version,
    }
    values.update(kw)
    return svc.case_step_down(**values)


@freeze_time(NOW)
def test_step_down_to_family_support_closes_the_episode_and_ends_cin_and_cp_plans(world):
    case = duty_case(world)
    allocate(world, case, world.sw)
    _assessment(case, "authorised")
    cin = _plan(case, "cin")
    family = _plan(case, "family_support")
    # RC9 ("closed after assessment, referred to early help") is refused once the episode had a plan: the CIN
    # census error 2990, enforced at entry. Nothing is written.
    with pytest.raises(DomainError) as exc:
        step_down(world, case, closure_reason="RC9")
    assert exc.value.errors["closure_reason"] == [
        "RC9 means the case closed straight after its assessment, but this children in need episode had a plan: "
        "choose another reason, usually RC7 (services ceased)"
    ]
    assert CINEpisode.objects.get(case=case).closed_on is None and not LevelChange.objects.exists()
    step_down(world, case, closure_reason="RC7")
    case.refresh_from_db()
    assert (case.level, case.status, case.closed_on) == (3, "open", None)
    episode = CINEpisode.objects.get(case=case)
    assert (episode.closed_on, episode.closure_reason) == (TODAY, "RC7")
    cin.refresh_from_db()
    family.refresh_from_db()
    assert cin.ended_on == TODAY and family.ended_on is None
    change = LevelChange.objects.get(case=case)
    assert (change.from_level, change.to_level, change.direction) == (4, 3, "down")
    assert ChronologyEvent.objects.filter(person=case.person, kind="casework.stepped_down").exists()
    ended = ChronologyEvent.objects.get(person=case.person, kind="casework.plan_ended")
    assert (ended.subject_id, ended.occurred_on) == (str(cin.pk), TODAY)


@freeze_time(NOW)
def test_an_episode_closes_only_with_authorised_assessments_and_concluded_s47s(world):
    case = duty_case(world)
    allocate(world, case, world.sw)
    assessment = _assessment(case, "submitted")
    episode = case.cin_episodes.get()
    discussion = StrategyDiscussion.objects.create(
        case=case, cin_episode=episode, person=case.person, held_on=datetime.date(2026, 3, 3), decision="s47"
    )
    S47Enquiry.objects.create(
        case=case,
        cin_episode=episode,
        person=case.person,
        strategy_discussion=discussion,
        started_on=datetime.date(2026, 3, 3),
        icpc_due_on=datetime.date(2026, 3, 24),
    )
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        step_down(world, case, closure_reason="")
    messages = exc.value.errors["closure_reason"]
    assert messages[0].startswith("Choose the reason the children in need episode closes")
    assert "1 assessment is not authorised yet" in messages[1]
    assert "1 section 47 enquiry is not concluded yet" in messages[2]
    with pytest.raises(DomainError) as exc:
        svc.case_close(
            actor=world.manager,
            case=case,
            closure_reason="RC8",
            step_down_to="none",
            closing_summary="No further action",
            closed_on=TODAY,
            expected_version=before[0],
        )
    assert "not authorised yet" in exc.value.errors["closure_reason"][0]
    assert snapshot(case) == before
    Assessment.objects.filter(pk=assessment.pk).update(status="authorised", authorised_on=TODAY)
    S47Enquiry.objects.update(concluded_on=TODAY, outcome="nfa")
    with pytest.raises(DomainError, match="this children in need episode had a section 47 enquiry"):
        step_down(world, case, closure_reason="RC8")  # not "closed after assessment": there was an enquiry
    step_down(world, case, closure_reason="RC7")
    assert CINEpisode.objects.get(pk=episode.pk).closed_on == TODAY


@freeze_time(NOW)
def test_a_looked_after_child_does_not_step_down_or_close(world):
    case = duty_case(world)
    allocate(world, case, world.sw)
    lac = _plan(case, "lac")
    LookedAfterEpisode.objects.create(
        plan=lac, person=case.person, started_on=datetime.date(2026, 3, 4), legal_status="V2", placement_type="U6"
    )
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        step_down(world, case)
    assert "looked-after child's case cannot step down" in exc.value.errors["__all__"][0]
    with pytest.raises(DomainError) as exc:
        svc.case_close(
            actor=world.manager,
            case=case,
            closure_reason="RC7",
            step_down_to="none",
            closing_summary="Ended",
            closed_on=TODAY,
            expected_version=before[0],
        )
    assert exc.value.errors["__all__"] == [
        "The child is looked after: end the looked-after episode before the case closes"
    ]
    assert snapshot(case) == before
    LookedAfterEpisode.objects.update(ended_on=TODAY, reason_ended="E4A")
    svc.case_close(
        actor=world.manager,
        case=case,
        closure_reason="RC7",
        step_down_to="none",
        closing_summary="Returned home; support ended",
        closed_on=TODAY,
        expected_version=before[0],
    )
    lac.refresh_from_db()
    assert lac.ended_on == TODAY


@freeze_time(NOW)
def test_step_down_to_early_help_closes_the_case_with_that_destination(world):
    case = duty_case(world, level=3)
    allocate(world, case, world.colleague)
    step_down(world, case, to_level=2, closure_reason="", reason="Needs met by the family hub")
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.step_down_to, case.closure_reason) == (
        "closed",
        TODAY,
        "early_help",
        "Needs met by the family hub",
    )
    assert Allocation.objects.get(case=case).ended_on == TODAY
    assert set(
        ChronologyEvent.objects.filter(
            person=case.person, kind__in=["casework.stepped_down", "casework.closed"]
        ).values_list("kind", flat=True)
    ) == {"casework.stepped_down", "casework.closed"}
    with pytest.raises(DomainError):
        step_down(world, case, to_level=1)


# --- closure -----------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_closing_a_level_4_case_closes_its_episode_plans_allocations_and_involvements(world, fhp):
    case = duty_case(world)
    allocate(world, case, fhp, supervisor=world.sw)
    _assessment(case, "authorised")
    plan = _plan(case, "cin")
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(DomainError) as exc:
        svc.case_close(
            actor=world.manager,
            case=case,
            closure_reason="Finished",
            step_down_to="moon",
            closing_summary=" ",
            closed_on=datetime.date(2026, 3, 1),
            expected_version=version,
        )
    errors = exc.value.errors
    assert errors["closure_reason"][0].startswith("Choose the reason for closure from the CIN census list")
    assert errors["step_down_to"] == ["Choose where the child's support goes next"]
    assert errors["closing_summary"] == ["Write the closing summary"]
    # The closing date is checked against every step it follows; the latest one it contradicts is named.
    assert errors["closed_on"] == [
        "The date the case closes must be on or after the date the single assessment was authorised (6 March 2026)"
    ]
    with pytest.raises(ForbiddenError):
        svc.case_close(
            actor=world.sw,
            case=case,
            closure_reason="RC9",
            step_down_to="early_help",
            closing_summary="x",
            closed_on=TODAY,
            expected_version=version,
        )
    svc.case_close(
        actor=world.manager,
        case=case,
        closure_reason="RC7",
        step_down_to="early_help",
        closing_summary="Zoë is doing well; the family hub will continue.",
        closed_on=TODAY,
        expected_version=version,
    )
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason) == (
        "closed",
        TODAY,
        "RC7 Services ceased for any other reason, including the child no longer in need",
    )
    assert CINEpisode.objects.get(case=case).closure_reason == "RC7"
    plan.refresh_from_db()
    assert plan.ended_on == TODAY
    assert not Allocation.objects.filter(case=case, ended_on=None).exists()
    assert not ProfessionalInvolvement.objects.filter(
        person=case.person, end_date=None, role__in=ProfessionalInvolvement.CASELOAD_ROLES
    ).exists()
    with pytest.raises(DomainError) as exc:
        svc.case_close(
            actor=world.manager,
            case=case,
            closure_reason="RC9",
            step_down_to="early_help",
            closing_summary="x",
            closed_on=TODAY,
            expected_version=case.version,
        )
    assert "already closed on 9 March 2026" in exc.value.message


@freeze_time(NOW)
def test_a_new_contact_within_12_months_of_closure_is_a_re_referral(world):
    from familyhelp.frontdoor import services as fd
    from familyhelp.frontdoor.defaults import install
    from familyhelp.frontdoor.tests.conftest import make_contact

    install()
    case = duty_case(world, person=world.own, opened_on=datetime.date(2026, 1, 5))
    allocate(world, case, world.sw, allocated_on=datetime.date(2026, 1, 6), late_reason="Recorded from the paper file")
    svc.case_close(
        actor=world.manager,
        case=case,
        closure_reason="RC8",
        step_down_to="none",
        closing_summary="No further action after assessment",
        closed_on=datetime.date(2026, 2, 2),
        late_reason="Recorded from the paper file",
        expected_version=Case.objects.get(pk=case.pk).version,
    )
    (contact,) = make_contact(world)
    contact = fd.contact_identify_child(actor=world.frontdoor, contact=contact, person=world.own)
    assert contact.is_rereferral and contact.previous_referral_date == datetime.date(2026, 1, 5)
    decision = fd.decision_propose(
        actor=world.frontdoor,
        contact=contact,
        level=4,
        outcome="single_assessment",
        rationale="Second injury",
        primary_need="N1",
    )
    fd.decision_authorise(actor=world.manager, decision=decision)
    reopened = Case.objects.get(person=world.own, closed_on=None)
    assert reopened.pk != case.pk and reopened.status == "awaiting_allocation"


# --- sibling groups ----------------------------------------------------------------------------------
@freeze_time(NOW)
def test_siblings_are_linked_and_allocated_together(world):
    family = FamilyFactory(name="Nguyễn family")
    a, b, stranger = ChildFactory(given_names="Minh"), ChildFactory(given_names="Lan"), ChildFactory()
    for child in (a, b):
        FamilyMember.objects.create(family=family, person=child, role="child")
    case_a, case_b, case_c = (
        duty_case(world, person=a),
        duty_case(world, person=b, level=3),
        duty_case(world, person=stranger),
    )
    with pytest.raises(DomainError) as exc:
        svc.case_link_siblings(
            actor=world.manager, case=case_a, siblings=[case_b, case_c], expected_version=case_a.version
        )
    assert exc.value.errors["cases"] == [f"Case {case_c.reference} is not for a child in the same family"]
    assert not Case.objects.filter(sibling_group__isnull=False).exists()
    svc.case_link_siblings(actor=world.manager, case=case_a, siblings=[case_b], expected_version=case_a.version)
    case_a.refresh_from_db()
    case_b.refresh_from_db()
    assert case_a.sibling_group == case_b.sibling_group == case_a.pk
    assert ChronologyEvent.objects.filter(kind="casework.siblings_linked").count() == 2
    # The level 3 sibling cannot go to a family support worker with the level 4 case; a social worker takes both.
    with pytest.raises(DomainError):
        allocate(world, case_a, world.colleague, include_siblings=True)
    allocate(world, case_a, world.sw, include_siblings=True)
    case_b.refresh_from_db()
    assert (case_b.status, case_b.worker) == ("open", world.sw)
    assert Allocation.objects.filter(worker=world.sw, role="lead").count() == 2
