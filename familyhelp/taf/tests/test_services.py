"""Team around the family services: the happy paths, every refusal, concurrency and the chronology written."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.casework.models import Plan, PlanAction
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.taf import services as svc
from familyhelp.taf.models import PlanActionSignpost, TafAction, TafMember
from familyhelp.taf.tests.conftest import OPENED, TODAY
from familyhelp.taf.tests.factories import LocalServiceFactory

D = datetime.date


def kinds(person):  # type: ignore[no-untyped-def]
    return list(ChronologyEvent.objects.filter(person=person, kind__startswith="taf.").values_list("kind", flat=True))


# --- Members -------------------------------------------------------------------------------------------
def test_add_member_from_a_partner_agency_writes_the_chronology(world, taf):
    member = svc.taf_member_add(
        actor=world.sw,
        case=taf.case,
        name="Jo Bell",
        role="Housing officer",
        agency_name="Northfield Homes",
        email="jo@example.org",
        phone="01632 960002",
        consent="given",
        consent_date=D(2024, 12, 3),
        joined_on=D(2024, 12, 3),
    )
    assert member.is_active and member.version == 1
    event = ChronologyEvent.objects.get(person=world.own, kind="taf.member_joined")
    assert event.occurred_on == D(2024, 12, 3)
    assert "Jo Bell (Housing officer, Northfield Homes) joined" in event.summary


def test_linking_a_partner_account_takes_its_agency(world, taf):
    other = world.partner.__class__.objects.create_user(
        username="p2", role="partner", partner_agency=world.partner.partner_agency
    )
    member = svc.taf_member_add(
        actor=world.sw, case=taf.case, name="Sam", role="Youth worker", joined_on=TODAY, user=other
    )
    assert member.partner_agency == world.partner.partner_agency
    assert member.agency == world.partner.partner_agency.name


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the member's name"),
        ({"role": " "}, "role", "Enter their role"),
        ({"agency_name": ""}, "agency_name", "Enter the agency, or choose a partner agency"),
        ({"consent": "given", "consent_date": None}, "consent_date", "Enter the date of the consent decision"),
        ({"consent": "refused", "consent_date": D(2025, 2, 1)}, "consent_date", "must be today or in the past"),
        ({"joined_on": D(2024, 11, 30)}, "joined_on", "on or after the date the case opened (1 December 2024)"),
        ({"joined_on": None}, "joined_on", "Enter the date they joined"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_member_validation(world, taf, fields, field, message):
    values = {
        "name": "Jo",
        "role": "Housing officer",
        "agency_name": "Homes",
        "joined_on": TODAY,
        "consent": "not_asked",
    }
    values.update(fields)
    with pytest.raises(DomainError) as exc:
        svc.taf_member_add(actor=world.sw, case=taf.case, **values)
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert TafMember.objects.filter(case=taf.case).count() == 2


def test_a_partner_already_on_the_team_cannot_be_added_twice(world, taf):
    with pytest.raises(DomainError) as exc:
        svc.taf_member_add(actor=world.sw, case=taf.case, name="Dan", role="x", joined_on=TODAY, user=world.partner)
    assert exc.value.errors["user"] == ["This user is already on the team"]


def test_a_council_worker_account_cannot_be_linked_as_a_partner(world, taf):
    with pytest.raises(DomainError) as exc:
        svc.taf_member_add(
            actor=world.sw, case=taf.case, name="X", role="x", agency_name="y", joined_on=TODAY, user=world.colleague
        )
    assert exc.value.errors["user"] == ["Choose an active partner user account"]


@pytest.mark.parametrize("who", ["partner", "cp_worker", "leader", "specialist", "admin"])
def test_only_practitioners_who_may_work_the_case_manage_the_team(world, taf, who):
    with pytest.raises(ForbiddenError):
        svc.taf_member_add(actor=world.users[who], case=taf.case, name="X", role="y", agency_name="z", joined_on=TODAY)


def test_nothing_changes_on_a_closed_case(world, taf):
    taf.case.closed_on = TODAY
    taf.case.save()
    with pytest.raises(ForbiddenError):
        svc.taf_member_add(actor=world.sw, case=taf.case, name="X", role="y", agency_name="z", joined_on=TODAY)


def test_member_update_detects_a_concurrent_edit(world, taf):
    svc.taf_member_update(actor=world.sw, member=taf.nurse, expected_version=1, phone="01632 960999")
    stale = TafMember.objects.get(pk=taf.nurse.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        svc.taf_member_update(actor=world.colleague, member=stale, expected_version=1, phone="0")
    fresh = TafMember.objects.get(pk=taf.nurse.pk)
    assert fresh.phone == "01632 960999" and fresh.version == 2


def test_consent_not_asked_clears_its_date(world, taf):
    member = svc.taf_member_update(
        actor=world.sw, member=taf.nurse, expected_version=1, consent="not_asked", consent_date=D(2024, 12, 2)
    )
    assert member.consent_date is None


def test_a_member_with_open_actions_cannot_leave(world, taf):
    with pytest.raises(DomainError) as exc:
        svc.taf_member_leave(actor=world.sw, member=taf.nurse, left_on=TODAY, expected_version=1)
    assert "still owns 1 open action" in exc.value.errors["left_on"][0]
    assert TafMember.objects.get(pk=taf.nurse.pk).left_on is None


def test_leaving_writes_the_chronology_and_a_second_leave_is_refused(world, taf):
    svc.taf_action_set_status(actor=world.sw, action=taf.nurse_action, status="dropped", expected_version=1)
    member = svc.taf_member_leave(
        actor=world.sw, member=taf.nurse, left_on=D(2025, 1, 9), reason="Moved school", expected_version=1
    )
    assert member.left_on == D(2025, 1, 9) and member.version == 2
    event = ChronologyEvent.objects.get(person=world.own, kind="taf.member_left")
    assert event.occurred_on == D(2025, 1, 9) and event.summary.endswith(": Moved school")
    with pytest.raises(DomainError):
        svc.taf_member_leave(actor=world.sw, member=member, left_on=TODAY, expected_version=2)


def test_leaving_before_joining_is_refused(world, taf):
    TafAction.objects.filter(owner=taf.nurse).update(status="dropped")
    with pytest.raises(DomainError) as exc:
        svc.taf_member_leave(actor=world.sw, member=taf.nurse, left_on=D(2024, 11, 1), expected_version=1)
    assert "on or after the date they joined (1 December 2024)" in exc.value.errors["left_on"][0]


# --- Meetings ------------------------------------------------------------------------------------------
def test_record_a_meeting_with_members_and_others(world, taf):
    meeting = svc.taf_meeting_record(
        actor=world.sw,
        case=taf.case,
        held_on=D(2025, 1, 8),
        attendees=[taf.nurse, taf.probation],
        other_attendees="Mother",
        decisions="Weekly check-ins",
        next_meeting_on=D(2025, 2, 5),
    )
    assert set(meeting.attendees.all()) == {taf.nurse, taf.probation}
    event = ChronologyEvent.objects.get(person=world.own, kind="taf.meeting_held")
    assert event.occurred_on == D(2025, 1, 8) and "2 members attended" in event.summary


def test_meeting_validation(world, taf):
    left = TafMember.objects.create(
        case=taf.case, name="Gone", role="r", agency_name="a", joined_on=OPENED, left_on=D(2024, 12, 5)
    )
    with pytest.raises(DomainError) as exc:
        svc.taf_meeting_record(
            actor=world.sw,
            case=taf.case,
            held_on=D(2025, 1, 8),
            attendees=[left],
            decisions="",
            next_meeting_on=D(2025, 1, 8),
        )
    errors = exc.value.errors
    assert errors["decisions"] == ["Enter what the meeting decided"]
    assert errors["attendees"] == ["Gone was not on the team on 8 January 2025"]
    assert errors["next_meeting_on"] == ["The next meeting must be after this one"]


def test_a_meeting_needs_someone_there_and_a_late_one_a_reason(world, taf):
    with pytest.raises(DomainError) as exc:
        svc.taf_meeting_record(actor=world.sw, case=taf.case, held_on=D(2024, 12, 1), decisions="x")
    assert exc.value.errors["attendees"] == ["Choose who attended"]
    assert "late_reason" in exc.value.errors


def test_meeting_update_is_versioned(world, taf):
    meeting = svc.taf_meeting_record(
        actor=world.sw, case=taf.case, held_on=D(2025, 1, 8), attendees=[taf.nurse], decisions="First"
    )
    svc.taf_meeting_update(
        actor=world.sw, meeting=meeting, expected_version=1, decisions="Corrected", attendees=[taf.nurse, taf.probation]
    )
    assert meeting.attendees.count() == 2
    with pytest.raises(ConcurrentEditError):
        svc.taf_meeting_update(actor=world.sw, meeting=meeting, expected_version=1, decisions="Stale")


# --- Actions -------------------------------------------------------------------------------------------
def test_agree_an_action_with_a_signpost(world, taf):
    hub = LocalServiceFactory(name="North family hub")
    action = svc.taf_action_add(
        actor=world.sw,
        case=taf.case,
        text="Join a parenting group",
        owner=taf.nurse,
        due_on=D(2025, 2, 1),
        signpost_to=hub,
    )
    assert action.status == "open" and action.signpost_to == hub
    event = ChronologyEvent.objects.get(person=world.own, kind="taf.action_agreed")
    assert "Priya Shah" in event.summary and "Signposted to North family hub" in event.summary


def test_action_validation(world, taf):
    closed_hub = LocalServiceFactory(is_active=False)
    TafAction.objects.filter(owner=taf.nurse).delete()
    svc.taf_member_leave(actor=world.sw, member=taf.nurse, left_on=TODAY, expected_version=1)
    with pytest.raises(DomainError) as exc:
        svc.taf_action_add(
            actor=world.sw, case=taf.case, text="", owner=taf.nurse, due_on=D(2024, 1, 1), signpost_to=closed_hub
        )
    errors = exc.value.errors
    assert errors["text"] == ["Enter what needs to happen"]
    assert errors["owner"] == ["Choose a current member of this team"]
    assert "on or after the date the case opened" in errors["due_on"][0]
    assert errors["signpost_to"] == ["Choose a service that is open"]


def test_an_owner_from_another_team_is_refused(world, taf, frozen):
    from familyhelp.casework.models import Case

    other_case = Case.objects.create(
        reference="TAF0002", person=world.team_child, level=3, status="open", opened_on=OPENED, team=world.sw.team
    )
    stranger = TafMember.objects.create(case=other_case, name="S", role="r", agency_name="a", joined_on=OPENED)
    with pytest.raises(DomainError) as exc:
        svc.taf_action_add(actor=world.sw, case=taf.case, text="x", owner=stranger, due_on=TODAY)
    assert exc.value.errors["owner"] == ["Choose a current member of this team"]


def test_the_partner_may_mark_their_own_action_done(world, taf):
    action = svc.taf_action_set_status(
        actor=world.partner, action=taf.partner_action, status="done", expected_version=1
    )
    assert action.status == "done" and action.done_on == TODAY and action.status_changed_by == world.partner
    assert kinds(world.own) == ["taf.action_done"]


def test_the_partner_may_not_change_someone_elses_action(world, taf):
    with pytest.raises(ForbiddenError):
        svc.taf_action_set_status(actor=world.partner, action=taf.nurse_action, status="done", expected_version=1)
    assert TafAction.objects.get(pk=taf.nurse_action.pk).status == "open"


def test_a_partner_who_left_may_not_change_their_action(world, taf):
    TafMember.objects.filter(pk=taf.probation.pk).update(left_on=TODAY)
    with pytest.raises(ForbiddenError):
        svc.taf_action_set_status(actor=world.partner, action=taf.partner_action, status="done", expected_version=1)


def test_the_partner_may_not_edit_the_action_itself(world, taf):
    with pytest.raises(ForbiddenError):
        svc.taf_action_update(actor=world.partner, action=taf.partner_action, expected_version=1, text="Changed")


def test_status_moves_follow_the_table(world, taf):
    action = svc.taf_action_set_status(actor=world.sw, action=taf.nurse_action, status="dropped", expected_version=1)
    with pytest.raises(DomainError) as exc:
        svc.taf_action_set_status(actor=world.sw, action=action, status="done", expected_version=2)
    assert exc.value.errors["status"] == ["An action that is no longer needed cannot become done"]
    action = svc.taf_action_set_status(actor=world.sw, action=action, status="open", expected_version=2)
    assert action.status == "open" and action.done_on is None
    assert kinds(world.own) == ["taf.action_dropped", "taf.action_reopened"]


def test_done_date_cannot_be_in_the_future(world, taf):
    with pytest.raises(DomainError) as exc:
        svc.taf_action_set_status(
            actor=world.sw, action=taf.nurse_action, status="done", expected_version=1, done_on=D(2025, 1, 11)
        )
    assert exc.value.errors["done_on"] == ["The date it was done must be today or in the past"]


def test_two_people_marking_the_same_action(world, taf):
    svc.taf_action_set_status(actor=world.partner, action=taf.partner_action, status="done", expected_version=1)
    with pytest.raises(ConcurrentEditError):
        svc.taf_action_set_status(actor=world.sw, action=taf.partner_action, status="dropped", expected_version=1)
    assert TafAction.objects.get(pk=taf.partner_action.pk).status == "done"


def test_only_open_actions_are_edited(world, taf):
    action = svc.taf_action_update(
        actor=world.sw, action=taf.nurse_action, expected_version=1, owner=taf.probation, due_on=D(2025, 3, 1)
    )
    assert action.owner == taf.probation and action.version == 2
    svc.taf_action_set_status(actor=world.sw, action=action, status="done", expected_version=2)
    with pytest.raises(DomainError) as exc:
        svc.taf_action_update(actor=world.sw, action=action, expected_version=3, text="x")
    assert exc.value.errors["status"] == ["Only an open action can be changed: reopen it first"]


def test_overdue_actions(world, taf):
    assert [a.pk for a in svc.taf_overdue_actions(taf.case)] == [taf.nurse_action.pk]
    assert taf.nurse_action.is_overdue(TODAY) and not taf.partner_action.is_overdue(TODAY)


# --- Signposting from a casework plan action ----------------------------------------------------------------
@pytest.fixture
def plan_action(taf):  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(case=taf.case, person=taf.case.person, kind="family_support", started_on=OPENED)
    return PlanAction.objects.create(plan=plan, text="Stay and play", owner_name="Mum", owner_agency="Family")


def test_signpost_a_plan_action_then_change_and_clear_it(world, taf, plan_action):
    hub, library = LocalServiceFactory(name="Hub"), LocalServiceFactory(name="Library")
    sp = svc.plan_action_signpost(actor=world.sw, plan_action=plan_action, local_service=hub, expected_version=0)
    assert sp is not None and sp.local_service == hub and sp.version == 1
    with pytest.raises(ConcurrentEditError):  # someone else's form still thinks there is none
        svc.plan_action_signpost(
            actor=world.colleague, plan_action=plan_action, local_service=library, expected_version=0
        )
    sp = svc.plan_action_signpost(actor=world.sw, plan_action=plan_action, local_service=library, expected_version=1)
    assert sp is not None and sp.local_service == library and sp.version == 2
    assert (
        svc.plan_action_signpost(actor=world.sw, plan_action=plan_action, local_service=None, expected_version=2)
        is None
    )
    assert not PlanActionSignpost.objects.exists()
    assert kinds(world.own) == ["taf.signposted", "taf.signposted"]


def test_signposting_needs_the_case_in_scope(world, taf, plan_action):
    with pytest.raises(ForbiddenError):
        svc.plan_action_signpost(
            actor=world.cp_worker, plan_action=plan_action, local_service=LocalServiceFactory(), expected_version=0
        )
