"""Cases and effective dates (issue 13): allocation, reallocation, step up, step down and closure each take the date
they happened (default today) and a late-recording reason, on the pages and in the API; the dates can never
contradict each other (a CIN episode never closes before its assessment was authorised: CIN census 8867).

Every refusal checks that nothing was written; every accepted backdated step checks the stored dates and the
chronology event's occurred_on and late_reason.
"""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CINEpisode,
    LevelChange,
    Plan,
    S47Enquiry,
    StrategyDiscussion,
)
from familyhelp.casework.services import cases as svc
from familyhelp.casework.tests.test_cases_services import allocate, duty_case, snapshot
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.frontdoor.tests.conftest import api_as  # noqa: F401 - the API client fixture
from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.people.tests.factories import ChildFactory

NOW = "2026-03-09 10:30"  # a Monday
TODAY = datetime.date(2026, 3, 9)
OPENED = datetime.date(2026, 1, 5)
D = datetime.date
ALLOCATED = D(2026, 1, 6)
LATE = "Recorded from the paper file after the outage"
LATE_MESSAGE_START = "Explain why this is being recorded more than 7 days after the"


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def summary(response) -> str:  # type: ignore[no-untyped-def]
    found = soup(response).select_one(".govuk-error-summary")
    assert found is not None, "no error summary"
    return str(found.text)


def date_parts(name: str, on: datetime.date) -> dict[str, str]:
    return {f"{name}_day": str(on.day), f"{name}_month": str(on.month), f"{name}_year": str(on.year)}


def event(case: Case, kind: str) -> ChronologyEvent:
    return ChronologyEvent.objects.get(person=case.person, kind=kind)


def version(case: Case) -> int:
    return int(Case.objects.get(pk=case.pk).version)


def allocated_case(world, *, level=4, on=ALLOCATED, worker=None):  # type: ignore[no-untyped-def]
    """A case opened on 5 January and allocated (recorded late, with a reason) on `on`."""
    case = duty_case(world, level=level, opened_on=OPENED)
    allocate(world, case, worker or world.sw, allocated_on=on, late_reason=LATE)
    return Case.objects.get(pk=case.pk)


def authorised_assessment(case: Case, authorised_on: datetime.date) -> Assessment:
    return Assessment.objects.create(
        case=case,
        person=case.person,
        cin_episode=case.cin_episodes.get(closed_on=None),
        kind="single",
        status="authorised",
        started_on=D(2026, 1, 7),
        completed_on=authorised_on,
        authorised_on=authorised_on,
        due_on=D(2026, 3, 10),
    )


def close(world, case, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.manager,
        "case": case,
        "closure_reason": "RC8",
        "step_down_to": "none",
        "closing_summary": "No further action after the assessment",
        "expected_version": version(case),
    }
    values.update(kw)
    return svc.case_close(**values)


# --- allocation --------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_a_backdated_allocation_dates_the_allocation_involvement_case_and_chronology(world):
    case = allocated_case(world, on=D(2026, 1, 6))
    assert case.allocated_on == D(2026, 1, 6)
    (lead,) = Allocation.objects.filter(case=case)
    assert (lead.started_on, lead.ended_on) == (D(2026, 1, 6), None)
    assert ProfessionalInvolvement.objects.filter(
        person=case.person, worker=world.sw, role="allocated_worker", start_date=D(2026, 1, 6), end_date=None
    ).exists()
    allocated = event(case, "casework.allocated")
    assert (allocated.occurred_on, allocated.late_reason, allocated.recorded_by) == (D(2026, 1, 6), LATE, world.manager)


@freeze_time(NOW)
def test_allocation_date_refusals_write_nothing(world):
    case = duty_case(world, opened_on=OPENED)
    before = snapshot(case)
    cases = [
        ({"allocated_on": D(2026, 1, 6)}, "late_reason", LATE_MESSAGE_START + " date of allocation"),
        ({"allocated_on": D(2026, 3, 10)}, "allocated_on", "The date of allocation must be today or in the past"),
        (
            {"allocated_on": D(2026, 1, 4), "late_reason": LATE},
            "allocated_on",
            "The date of allocation must be on or after the date the case opened (5 January 2026)",
        ),
    ]
    for kw, field, message in cases:
        with pytest.raises(DomainError) as exc:
            allocate(world, case, world.sw, **kw)
        assert exc.value.errors[field][0].startswith(message), exc.value.errors
        assert snapshot(case) == before
    # Within the late-recording days no reason is needed.
    allocate(world, case, world.sw, allocated_on=D(2026, 3, 2))
    assert Case.objects.get(pk=case.pk).allocated_on == D(2026, 3, 2)


@freeze_time(NOW)
def test_a_sibling_allocated_with_the_group_cannot_be_allocated_before_its_case_opened(world):
    from familyhelp.people.models import FamilyMember
    from familyhelp.people.tests.factories import FamilyFactory

    family = FamilyFactory()
    a, b = ChildFactory(given_names="Minh"), ChildFactory(given_names="Lan")
    for child in (a, b):
        FamilyMember.objects.create(family=family, person=child, role="child")
    case_a = duty_case(world, person=a, opened_on=OPENED)
    case_b = duty_case(world, person=b, opened_on=D(2026, 2, 2))
    svc.case_link_siblings(actor=world.manager, case=case_a, siblings=[case_b], expected_version=version(case_a))
    before = snapshot(case_a), snapshot(case_b)
    with pytest.raises(DomainError) as exc:
        allocate(world, case_a, world.sw, include_siblings=True, allocated_on=D(2026, 1, 20), late_reason=LATE)
    assert exc.value.errors["allocated_on"] == [
        f"Sibling case {case_b.reference}: the date of allocation must be on or after the date the case opened "
        "(2 February 2026)"
    ]
    assert (snapshot(case_a), snapshot(case_b)) == before
    allocate(world, case_a, world.sw, include_siblings=True, allocated_on=D(2026, 2, 3), late_reason=LATE)
    assert Case.objects.get(pk=case_b.pk).allocated_on == D(2026, 2, 3)


@freeze_time(NOW)
def test_reallocation_is_dated_and_never_before_the_allocation_it_ends(world, fhp):
    case = allocated_case(world, on=D(2026, 1, 6))
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        svc.case_reallocate(
            actor=world.manager,
            case=case,
            worker=world.cp_worker,
            reason="Moved to child protection",
            allocated_on=D(2026, 1, 5),
            late_reason=LATE,
            expected_version=case.version,
        )
    assert exc.value.errors["allocated_on"] == [
        f"The date of allocation must be on or after the date the case was allocated to {world.sw} (6 January 2026)"
    ]
    with pytest.raises(DomainError) as exc:
        svc.case_reallocate(
            actor=world.manager,
            case=case,
            worker=world.cp_worker,
            reason="Moved to child protection",
            allocated_on=D(2026, 2, 1),
            expected_version=case.version,
        )
    assert exc.value.errors["late_reason"][0].startswith(LATE_MESSAGE_START)
    assert snapshot(case) == before
    svc.case_reallocate(
        actor=world.manager,
        case=case,
        worker=world.cp_worker,
        reason="Moved to child protection",
        allocated_on=D(2026, 2, 1),
        late_reason=LATE,
        expected_version=case.version,
    )
    history = list(
        Allocation.objects.filter(case=case).order_by("started_on").values_list("worker", "started_on", "ended_on")
    )
    assert history == [(world.sw.pk, D(2026, 1, 6), D(2026, 2, 1)), (world.cp_worker.pk, D(2026, 2, 1), None)]
    assert ProfessionalInvolvement.objects.get(person=case.person, worker=world.sw).end_date == D(2026, 2, 1)
    assert Case.objects.get(pk=case.pk).allocated_on == D(2026, 1, 6)  # the first allocation (duty bank clock)
    reallocated = event(case, "casework.reallocated")
    assert (reallocated.occurred_on, reallocated.late_reason) == (D(2026, 2, 1), LATE)


@pytest.fixture
def fhp(world):  # type: ignore[no-untyped-def]
    return world.eh_worker


@freeze_time(NOW)
def test_allocate_page_defaults_to_today_and_refuses_a_late_date_without_a_reason(world, client_for):
    case = duty_case(world, opened_on=OPENED)
    client = client_for(world.manager)
    url = reverse("casework:allocate", args=[case.pk])
    page = soup(client.get(url))
    assert page.select_one("#id_allocated_on-day")["value"] == "9"
    assert page.select_one("#id_allocated_on-year")["value"] == "2026"
    assert page.select_one("textarea#id_late_reason") is not None
    before = snapshot(case)
    post = {"version": case.version, "worker": str(world.sw.pk), "reason": "", **date_parts("allocated_on", OPENED)}
    response = client.post(url, post)
    assert response.status_code == 200 and LATE_MESSAGE_START in summary(response)
    assert snapshot(case) == before
    response = client.post(url, {**post, **date_parts("allocated_on", D(2026, 3, 10))})
    assert "The date of allocation must be today or in the past" in summary(response)
    assert snapshot(case) == before
    response = client.post(url, {**post, "late_reason": LATE})
    assert response.status_code == 302
    assert Allocation.objects.get(case=case).started_on == OPENED
    assert event(case, "casework.allocated").late_reason == LATE


@freeze_time(NOW)
def test_reallocate_page_names_the_allocation_it_would_end(world, client_for):
    case = allocated_case(world, on=D(2026, 1, 6))
    response = client_for(world.manager).post(
        reverse("casework:reallocate", args=[case.pk]),
        {
            "version": case.version,
            "worker": str(world.cp_worker.pk),
            "reason": "Moved",
            "late_reason": LATE,
            **date_parts("allocated_on", OPENED),
        },
    )
    assert f"on or after the date the case was allocated to {world.sw} (6 January 2026)" in summary(response)
    assert Case.objects.get(pk=case.pk).worker == world.sw


@freeze_time(NOW)
def test_api_allocation_says_what_date_it_stored(world, api_as):  # noqa: F811
    manager = api_as(world.manager)
    case = duty_case(world, opened_on=OPENED)
    url = f"/api/v1/cases/{case.pk}/allocate/"
    before = snapshot(case)
    body = {"worker": str(world.sw.pk), "version": case.version, "allocated_on": "2026-01-06"}
    response = manager.post(url, body, format="json")
    assert response.status_code == 400 and response.json()["late_reason"][0].startswith(LATE_MESSAGE_START)
    response = manager.post(url, {**body, "allocated_on": "2026-03-10"}, format="json")
    assert response.json() == {"allocated_on": ["The date of allocation must be today or in the past"]}
    assert snapshot(case) == before
    response = manager.post(url, {**body, "late_reason": LATE}, format="json")
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "allocated_on", "value": "2026-01-06", "defaulted": False}
    assert response.json()["allocated_on"] == "2026-01-06"
    assert event(case, "casework.allocated").late_reason == LATE
    other = duty_case(world, person=ChildFactory(), opened_on=OPENED)
    response = manager.post(
        f"/api/v1/cases/{other.pk}/allocate/", {"worker": str(world.sw.pk), "version": other.version}, format="json"
    )
    assert response.json()["effective"] == {"field": "allocated_on", "value": "2026-03-09", "defaulted": True}
    response = manager.post(
        f"/api/v1/cases/{case.pk}/reallocate/",
        {"worker": str(world.cp_worker.pk), "reason": "Moved", "version": version(case), "allocated_on": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "allocated_on", "value": "2026-03-02", "defaulted": False}


# --- step up -----------------------------------------------------------------------------------------
def step_up(world, case, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.manager,
        "case": case,
        "requested_by": world.sw,
        "reason": "Neglect is getting worse",
        "referral_source": "2A",
        "primary_need": "N1",
        "expected_version": version(case),
    }
    values.update(kw)
    return svc.case_step_up(**values)


def step_down(world, case, **kw):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.manager,
        "case": case,
        "to_level": 3,
        "requested_by": world.sw,
        "reason": "Risks reduced",
        "closure_reason": "RC8",
        "expected_version": version(case),
    }
    values.update(kw)
    return svc.case_step_down(**values)


@freeze_time(NOW)
def test_a_backdated_step_up_dates_the_level_change_episode_supervision_and_chronology(world, fhp):
    case = allocated_case(world, level=3, on=D(2026, 1, 6), worker=fhp)
    change = step_up(world, case, changed_on=D(2026, 2, 2), late_reason=LATE, supervisor=world.sw)
    assert change.changed_on == D(2026, 2, 2)
    episode = CINEpisode.objects.get(case=case)
    assert episode.referral_date == D(2026, 2, 2)
    supervising = Allocation.objects.get(case=case, role="supervising")
    assert (supervising.worker, supervising.started_on) == (world.sw, D(2026, 2, 2))
    assert ProfessionalInvolvement.objects.get(
        person=case.person, worker=world.sw, role="supervising_social_worker"
    ).start_date == D(2026, 2, 2)
    for kind in ("casework.stepped_up", "casework.referral"):
        assert (event(case, kind).occurred_on, event(case, kind).late_reason) == (D(2026, 2, 2), LATE)


@freeze_time(NOW)
def test_step_up_date_refusals_name_the_step_and_write_nothing(world):
    case = allocated_case(world, level=4)
    authorised_assessment(case, D(2026, 1, 20))
    step_down(world, case, changed_on=D(2026, 2, 2), late_reason=LATE)  # 4 -> 3: the episode closes on 2 Feb
    before = snapshot(case)
    cases = [
        (
            {"changed_on": D(2026, 2, 1), "late_reason": LATE},
            "changed_on",
            "The date of the step up must be on or after the date of the last step down (2 February 2026)",
        ),
        ({"changed_on": D(2026, 3, 10)}, "changed_on", "The date of the step up must be today or in the past"),
        ({"changed_on": D(2026, 2, 20)}, "late_reason", LATE_MESSAGE_START + " date of the step up"),
    ]
    for kw, field, message in cases:
        with pytest.raises(DomainError) as exc:
            step_up(world, case, **kw)
        assert exc.value.errors[field] == [message]
        assert snapshot(case) == before
    step_up(world, case)  # no date: today
    assert LevelChange.objects.filter(case=case).latest("changed_on").changed_on == TODAY
    assert CINEpisode.objects.get(case=case, closed_on=None).referral_date == TODAY


@freeze_time(NOW)
def test_step_up_page_and_api(world, client_for, api_as):  # noqa: F811
    case = allocated_case(world, level=3)
    client = client_for(world.manager)
    url = reverse("casework:step_up", args=[case.pk])
    page = soup(client.get(url))
    assert page.select_one("#id_changed_on-day")["value"] == "9"
    assert page.select_one("textarea#id_late_reason") is not None
    post = {
        "version": case.version,
        "requested_by": str(world.sw.pk),
        "reason": "Worse",
        "referral_source": "2A",
        "primary_need": "N1",
        "route": "s17",
        **date_parts("changed_on", D(2026, 2, 2)),
    }
    before = snapshot(case)
    response = client.post(url, post)
    assert response.status_code == 200 and LATE_MESSAGE_START + " date of the step up" in summary(response)
    assert snapshot(case) == before
    api = api_as(world.manager)
    body = {
        "requested_by": str(world.sw.pk),
        "reason": "Worse",
        "referral_source": "2A",
        "primary_need": "N1",
        "version": case.version,
        "changed_on": "2026-01-04",
        "late_reason": LATE,
    }
    response = api.post(f"/api/v1/cases/{case.pk}/step-up/", body, format="json")
    assert response.status_code == 400 and response.json() == {
        "changed_on": ["The date of the step up must be on or after the date the case opened (5 January 2026)"]
    }
    assert snapshot(case) == before
    response = client.post(url, {**post, "late_reason": LATE})
    assert response.status_code == 302
    assert event(case, "casework.stepped_up").late_reason == LATE
    assert CINEpisode.objects.get(case=case).referral_date == D(2026, 2, 2)


@freeze_time(NOW)
def test_api_step_up_without_a_date_says_it_defaulted(world, api_as):  # noqa: F811
    case = allocated_case(world, level=3)
    body = {"requested_by": str(world.sw.pk), "reason": "Worse", "referral_source": "2A", "primary_need": "N1"}
    response = api_as(world.manager).post(
        f"/api/v1/cases/{case.pk}/step-up/", {**body, "version": case.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "changed_on", "value": "2026-03-09", "defaulted": True}
    assert response.json()["level_changes"][0]["changed_on"] == "2026-03-09"


# --- step down -----------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_a_backdated_step_down_to_level_3_ends_everything_on_its_date(world):
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 1, 20))
    cin = Plan.objects.create(
        case=case, person=case.person, kind="cin", started_on=D(2026, 1, 21), cin_episode=case.cin_episodes.get()
    )
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        step_down(world, case, closure_reason="RC7", changed_on=D(2026, 1, 19), late_reason=LATE)
    assert exc.value.errors["changed_on"] == [
        "The date of the step down must be on or after the start of the child in need plan (21 January 2026)"
    ]
    with pytest.raises(DomainError) as exc:
        step_down(world, case, closure_reason="RC7", changed_on=D(2026, 2, 2))
    assert exc.value.errors["late_reason"][0].startswith(LATE_MESSAGE_START + " date of the step down")
    assert snapshot(case) == before
    change = step_down(world, case, closure_reason="RC7", changed_on=D(2026, 2, 2), late_reason=LATE)
    assert change.changed_on == D(2026, 2, 2)
    assert CINEpisode.objects.get(case=case).closed_on == D(2026, 2, 2)
    cin.refresh_from_db()
    assert cin.ended_on == D(2026, 2, 2)
    stepped = event(case, "casework.stepped_down")
    assert (stepped.occurred_on, stepped.late_reason) == (D(2026, 2, 2), LATE)
    ended = event(case, "casework.plan_ended")
    assert (ended.occurred_on, ended.late_reason) == (D(2026, 2, 2), LATE)  # the plan it ended carries the reason


@freeze_time(NOW)
def test_a_step_down_to_early_help_closes_the_case_and_its_allocations_on_its_date(world):
    case = allocated_case(world, level=3, worker=world.colleague)
    step_down(world, case, to_level=2, closure_reason="", changed_on=D(2026, 2, 2), late_reason=LATE)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", D(2026, 2, 2))
    assert Allocation.objects.get(case=case).ended_on == D(2026, 2, 2)
    closed = event(case, "casework.closed")
    assert (closed.occurred_on, closed.late_reason) == (D(2026, 2, 2), LATE)


@freeze_time(NOW)
def test_api_step_down_before_the_assessment_was_authorised_is_refused(world, api_as):  # noqa: F811
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 2, 10))
    before = snapshot(case)
    body = {
        "to_level": 3,
        "requested_by": str(world.sw.pk),
        "reason": "Better",
        "closure_reason": "RC8",
        "late_reason": LATE,
        "version": case.version,
    }
    api = api_as(world.manager)
    response = api.post(f"/api/v1/cases/{case.pk}/step-down/", {**body, "changed_on": "2026-02-09"}, format="json")
    assert response.status_code == 400 and response.json() == {
        "changed_on": [
            "The date of the step down must be on or after the date the single assessment was authorised "
            "(10 February 2026)"
        ]
    }
    assert snapshot(case) == before
    response = api.post(f"/api/v1/cases/{case.pk}/step-down/", {**body, "changed_on": "2026-02-10"}, format="json")
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "changed_on", "value": "2026-02-10", "defaulted": False}
    assert response.json()["cin_episodes"][0]["closed_on"] == "2026-02-10"


# --- closure -------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_an_episode_cannot_close_before_its_assessment_was_authorised(world):
    """The CIN census 8867 invariant, checked against the stored authorisation date."""
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 2, 10))
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        close(world, case, closed_on=D(2026, 2, 9), late_reason=LATE)
    assert exc.value.errors == {
        "closed_on": [
            "The date the case closes must be on or after the date the single assessment was authorised "
            "(10 February 2026)"
        ]
    }
    assert snapshot(case) == before
    with pytest.raises(DomainError) as exc:
        close(world, case, closed_on=D(2026, 2, 10))
    assert exc.value.errors == {
        "late_reason": [LATE_MESSAGE_START + " date the case closes"],
    }
    assert snapshot(case) == before
    close(world, case, closed_on=D(2026, 2, 10), late_reason=LATE)
    case.refresh_from_db()
    assert case.closed_on == D(2026, 2, 10) and CINEpisode.objects.get(case=case).closed_on == D(2026, 2, 10)
    assert not Allocation.objects.filter(case=case, ended_on=None).exists()
    assert Allocation.objects.get(case=case).ended_on == D(2026, 2, 10)
    closed = event(case, "casework.closed")
    assert (closed.occurred_on, closed.late_reason) == (D(2026, 2, 10), LATE)


@freeze_time(NOW)
def test_an_assessment_marked_authorised_without_its_date_still_blocks_closure(world):
    case = allocated_case(world)
    assessment = authorised_assessment(case, D(2026, 2, 10))
    Assessment.objects.filter(pk=assessment.pk).update(authorised_on=None)
    assert svc.episode_close_blockers(case.cin_episodes.get())[0].startswith("1 assessment is not authorised yet")


@pytest.mark.parametrize(
    "record, message",
    [
        ("s47", "the date the section 47 enquiry concluded (12 February 2026)"),
        ("conference", "the date of the initial child protection conference (13 February 2026)"),
        ("ended_plan", "the end of the child in need plan (14 February 2026)"),
        ("open_plan", "the start of the child protection plan (15 February 2026)"),
        ("step_up", "the date of the last step up (16 February 2026)"),
    ],
)
@freeze_time(NOW)
def test_closure_is_never_before_a_step_it_closes_over(world, record, message):
    case = allocated_case(world, level=3 if record == "step_up" else 4)
    if record == "step_up":
        step_up(world, case, changed_on=D(2026, 2, 16), late_reason=LATE)
    else:
        authorised_assessment(case, D(2026, 1, 20))
        episode = case.cin_episodes.get()
    if record in ("s47", "conference"):
        discussion = StrategyDiscussion.objects.create(
            case=case, cin_episode=episode, person=case.person, held_on=D(2026, 1, 21), decision="s47"
        )
        S47Enquiry.objects.create(
            case=case,
            cin_episode=episode,
            person=case.person,
            strategy_discussion=discussion,
            started_on=D(2026, 1, 21),
            icpc_due_on=D(2026, 2, 11),
            concluded_on=D(2026, 2, 12),
            outcome="icpc",
            icpc_on=D(2026, 2, 13) if record == "conference" else None,
        )
    if record == "ended_plan":
        Plan.objects.create(
            case=case,
            person=case.person,
            kind="cin",
            cin_episode=episode,
            started_on=D(2026, 1, 21),
            ended_on=D(2026, 2, 14),
        )
    if record == "open_plan":
        Plan.objects.create(case=case, person=case.person, kind="cp", cin_episode=episode, started_on=D(2026, 2, 15))
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        close(world, case, closure_reason="RC7", closed_on=D(2026, 2, 11), late_reason=LATE)
    assert exc.value.errors["closed_on"] == [f"The date the case closes must be on or after {message}"]
    assert snapshot(case) == before


@freeze_time(NOW)
def test_close_page_refuses_a_date_before_the_authorisation_and_accepts_it_on_the_day(world, client_for):
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 2, 10))
    client = client_for(world.manager)
    url = reverse("casework:close", args=[case.pk])
    page = soup(client.get(url))
    assert page.select_one("#id_closed_on-day")["value"] == "9"
    assert page.select_one("textarea#id_late_reason") is not None
    assert "cannot be before 10 February 2026, the date the single assessment was authorised" in (
        page.select_one("#earliest-closure").text
    )
    post = {
        "version": case.version,
        "closure_reason": "RC8",
        "step_down_to": "none",
        "closing_summary": "No further action",
        "late_reason": LATE,
        **date_parts("closed_on", D(2026, 2, 9)),
    }
    before = snapshot(case)
    response = client.post(url, post)
    assert response.status_code == 200
    assert "must be on or after the date the single assessment was authorised (10 February 2026)" in summary(response)
    assert soup(response).select_one(".govuk-error-summary a")["href"] == "#id_closed_on-day"
    assert snapshot(case) == before
    response = client.post(url, {**post, "late_reason": "", **date_parts("closed_on", D(2026, 2, 10))})
    assert LATE_MESSAGE_START + " date the case closes" in summary(response)
    assert snapshot(case) == before
    response = client.post(url, {**post, **date_parts("closed_on", D(2026, 2, 10))})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.closed_on == D(2026, 2, 10) and event(case, "casework.closed").late_reason == LATE


@freeze_time(NOW)
def test_api_close_refuses_a_date_before_the_authorisation_and_accepts_it_on_the_day(world, api_as):  # noqa: F811
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 2, 10))
    api = api_as(world.manager)
    url = f"/api/v1/cases/{case.pk}/close/"
    body = {
        "closure_reason": "RC8",
        "step_down_to": "none",
        "closing_summary": "No further action",
        "late_reason": LATE,
        "version": case.version,
    }
    before = snapshot(case)
    response = api.post(url, {**body, "closed_on": "2026-02-09"}, format="json")
    assert response.status_code == 400 and response.json() == {
        "closed_on": [
            "The date the case closes must be on or after the date the single assessment was authorised "
            "(10 February 2026)"
        ]
    }
    response = api.post(url, {**body, "closed_on": "2026-03-10"}, format="json")
    assert response.json() == {"closed_on": ["The date the case closes must be today or in the past"]}
    response = api.post(url, {**body, "closed_on": "2026-02-10", "late_reason": ""}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["late_reason"]
    assert snapshot(case) == before
    response = api.post(url, {**body, "closed_on": "2026-02-10"}, format="json")
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "closed_on", "value": "2026-02-10", "defaulted": False}
    assert response.json()["closed_on"] == "2026-02-10"
    assert event(case, "casework.closed").late_reason == LATE


@freeze_time(NOW)
def test_api_close_without_a_date_closes_today_and_says_so(world, api_as):  # noqa: F811
    case = allocated_case(world)
    authorised_assessment(case, D(2026, 2, 10))
    response = api_as(world.manager).post(
        f"/api/v1/cases/{case.pk}/close/",
        {"closure_reason": "RC8", "step_down_to": "none", "closing_summary": "Done", "version": case.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "closed_on", "value": "2026-03-09", "defaulted": True}
    closed = event(case, "casework.closed")
    assert (closed.occurred_on, closed.late_reason) == (TODAY, "")


def test_the_schema_documents_the_dates_and_the_effective_block():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for name, field in [
        ("AllocateRequest", "allocated_on"),
        ("ReallocateRequest", "allocated_on"),
        ("StepUpRequest", "changed_on"),
        ("StepDownRequest", "changed_on"),
        ("CloseRequest", "closed_on"),
    ]:
        props = components[name]["properties"]
        assert "means today" in props[field]["description"] and props[field].get("nullable") is True
        assert field not in components[name].get("required", [])
        assert "late_reason" in props
    assert "effective" in components["CaseStepResult"]["properties"]


@freeze_time(NOW)
def test_an_allocation_recorded_today_does_not_stop_the_case_closing_on_its_true_date(world):
    """An allocation date cannot be edited, so it is not among the steps a closure is ordered against: the
    allocation a backdated closure ends stops on its own start date rather than before it."""
    case = duty_case(world, opened_on=OPENED)
    allocate(world, case, world.sw)  # typed today, the default
    authorised_assessment(case, D(2026, 1, 20))
    close(world, case, closed_on=D(2026, 2, 2), late_reason=LATE)
    (lead,) = Allocation.objects.filter(case=case)
    assert (lead.started_on, lead.ended_on) == (TODAY, TODAY)
    assert Case.objects.get(pk=case.pk).closed_on == D(2026, 2, 2)
