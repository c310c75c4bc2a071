"""Plans' dated steps (issue 13): plan start, review and end, looked-after change and end, goal achieved,
action done and missing episodes, through the pages and the REST API.

For each step: backdated with a reason is stored (the chronology event carries the effective date and the
late reason); backdated beyond the council's late-recording days without a reason is refused with nothing
written; a future date is refused; the journey's order is refused naming the other step and its date; no
date stores today (the API says `defaulted: true`). Today is frozen at Monday 2 June 2025; the council's
late-recording days are 7.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.casework.models import (
    Case,
    CINEpisode,
    LookedAfterEpisode,
    MissingEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
)
from familyhelp.casework.services import plans as svc
from familyhelp.casework.tests.test_plans_pages_api import _date, api, errors
from familyhelp.casework.tests.test_plans_services import CARE, counts, make_case, make_s47
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError

D = date.fromisoformat
NOW = "2025-06-02 10:00"
TODAY = D("2025-06-02")
LATE = "Written up from the conference minutes after the outage"
OLD = "Recorded from the paper file"  # the late reason of the set-up steps


def snapshot() -> tuple[Any, ...]:
    """Everything a refused step could have written."""
    return (
        counts(),
        list(Plan.objects.order_by("pk").values_list("pk", "ended_on", "version", "latest_category")),
        list(PlanGoal.objects.order_by("pk").values_list("pk", "achieved_on", "version")),
        list(PlanAction.objects.order_by("pk").values_list("pk", "status", "version")),
        list(LookedAfterEpisode.objects.order_by("pk").values_list("pk", "ended_on", "reason_ended")),
    )


@dataclass
class Step:
    """One dated step, ready to be taken through the API or the page."""

    field: str  # the request / form field that carries the date
    kind: str  # the chronology event it writes
    api_method: str
    api_url: str
    body: dict[str, Any]
    page_url: str
    form: dict[str, Any]
    valid: str  # a backdated date the journey allows (more than 7 days ago)
    out_of_order: str  # a date the journey refuses
    names: str  # what the refusal names: the other step and its date
    stored: Callable[[], Any]  # the stored effective date of the step
    has_default: bool = True


def _plan(world: Any, kind: str = "cin", started: str = "2025-01-06") -> Plan:
    case = make_case(world)
    return svc.plan_start(
        actor=world.sw,
        case=case,
        kind=kind,
        started_on=D(started),
        care=CARE if kind == "lac" else None,
        late_reason=OLD,
    )


def make_step(world: Any, name: str) -> Step:
    if name == "start":
        case = make_case(world)
        return Step(
            field="started_on",
            kind="casework.plan_started",
            api_method="post",
            api_url="/api/v1/plans/",
            body={"case": str(case.pk), "kind": "cin"},
            page_url=reverse("casework:plan_start", kwargs={"pk": case.pk}) + "?kind=cin",
            form={"summary": "Routines and school"},
            valid="2025-03-03",
            out_of_order="2024-07-31",
            names="The start date must be on or after the referral date of the children in need episode "
            "(1 August 2024)",
            stored=lambda: Plan.objects.get(case=case).started_on,
        )
    if name == "review":
        plan = _plan(world)
        return Step(
            field="held_on",
            kind="casework.plan_reviewed",
            api_method="post",
            api_url=f"/api/v1/plans/{plan.pk}/review/",
            body={"outcome": "continue"},
            page_url=reverse("casework:plan_review", kwargs={"pk": plan.pk}),
            form={"outcome": "continue", "notes": "", "end_reason": ""},
            valid="2025-03-03",
            out_of_order="2025-01-03",
            names="The review date must be on or after the date the plan started (6 January 2025)",
            stored=lambda: PlanReview.objects.get(plan=plan).held_on,
        )
    if name == "end":
        plan = _plan(world)
        svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-03-03"), outcome="continue", late_reason=OLD)
        plan.refresh_from_db()
        return Step(
            field="ended_on",
            kind="casework.plan_ended",
            api_method="post",
            api_url=f"/api/v1/plans/{plan.pk}/end/",
            body={"reason": "Goals met"},
            page_url=reverse("casework:plan_end", kwargs={"pk": plan.pk}),
            form={"reason": "Goals met", "version": plan.version},
            valid="2025-04-01",
            out_of_order="2025-03-01",
            names="The end date must be on or after the date of the plan's last review (3 March 2025)",
            stored=lambda: Plan.objects.get(pk=plan.pk).ended_on,
        )
    if name == "lac_change":
        plan = _plan(world, "lac")
        change = {"legal_status": "C2", "placement_type": "U4", "placement_postcode": "CB5 8GY"}
        return Step(
            field="changed_on",
            kind="casework.placement_changed",
            api_method="post",
            api_url=f"/api/v1/plans/{plan.pk}/lac-change/",
            body=change,
            page_url=reverse("casework:plan_lac_change", kwargs={"pk": plan.pk}),
            form=change,
            valid="2025-03-03",
            out_of_order="2025-01-03",
            names="The date of the change must be on or after the date the plan started (6 January 2025)",
            stored=lambda: LookedAfterEpisode.objects.get(plan=plan, ended_on__isnull=True).started_on,
        )
    if name == "lac_end":
        plan = _plan(world, "lac")
        return Step(
            field="ended_on",
            kind="casework.care_ended",
            api_method="post",
            api_url=f"/api/v1/plans/{plan.pk}/lac-end/",
            body={"reason_ended": "E13"},
            page_url=reverse("casework:plan_lac_end", kwargs={"pk": plan.pk}),
            form={"reason_ended": "E13"},
            valid="2025-03-03",
            out_of_order="2025-01-03",
            names="The date care ended must be on or after the date the plan started (6 January 2025)",
            stored=lambda: Plan.objects.get(pk=plan.pk).ended_on,
        )
    if name == "goal":
        plan = _plan(world)
        goal = svc.goal_add(actor=world.sw, plan=plan, text="Regular bedtimes")
        return Step(
            field="achieved_on",
            kind="casework.goal_achieved",
            api_method="put",
            api_url=f"/api/v1/plan-goals/{goal.pk}/",
            body={"text": "Regular bedtimes", "version": goal.version},
            page_url=reverse("casework:plan_goal_edit", kwargs={"pk": goal.pk}),
            form={"text": "Regular bedtimes", "version": goal.version},
            valid="2025-03-03",
            out_of_order="2025-01-03",
            names="The date achieved must be on or after the date the plan started (6 January 2025)",
            stored=lambda: PlanGoal.objects.get(pk=goal.pk).achieved_on,
            has_default=False,  # not achieved yet is a blank date, not today
        )
    if name == "action":
        plan = _plan(world)
        action = svc.action_add(
            actor=world.sw, plan=plan, text="Health check", owner_name="Dr Patel", owner_agency="GP"
        )
        fields = {"text": "Health check", "owner_name": "Dr Patel", "owner_agency": "GP", "status": "done"}
        return Step(
            field="done_on",
            kind="casework.action_completed",
            api_method="put",
            api_url=f"/api/v1/plan-actions/{action.pk}/",
            body={**fields, "version": action.version},
            page_url=reverse("casework:plan_action_edit", kwargs={"pk": action.pk}),
            form={**fields, "version": action.version},
            valid="2025-03-03",
            out_of_order="2025-01-03",
            names="The date the action was done must be on or after the date the plan started (6 January 2025)",
            stored=lambda: ChronologyEvent.objects.get(kind="casework.action_completed").occurred_on,
        )
    raise AssertionError(name)


STEPS = ["start", "review", "end", "lac_change", "lac_end", "goal", "action"]
DEFAULTED = [s for s in STEPS if s != "goal"]


def _event(step: Step) -> ChronologyEvent:
    return ChronologyEvent.objects.filter(kind=step.kind).order_by("-recorded_at").first()  # type: ignore[return-value]


def _api(world: Any, step: Step, **body: Any) -> Any:
    return getattr(api(world.sw), step.api_method)(step.api_url, {**step.body, **body}, format="json")


def _page(world: Any, client_for: Any, step: Step, day: str | None, **data: Any) -> Any:
    form = {**step.form, **data, **(_date(step.field, day) if day else {})}
    return client_for(world.sw).post(step.page_url, form)


# --- API ----------------------------------------------------------------------------------------------
@freeze_time(NOW)
@pytest.mark.parametrize("name", STEPS)
def test_api_backdated_with_a_reason_is_stored_with_its_chronology(world, name):
    step = make_step(world, name)
    response = _api(world, step, **{step.field: step.valid, "late_reason": LATE})
    assert response.status_code in (200, 201), response.json()
    assert response.json()["effective"] == {"field": step.field, "value": step.valid, "defaulted": False}
    assert step.stored() == D(step.valid)
    event = _event(step)
    assert (event.occurred_on, event.late_reason, event.recorded_by) == (D(step.valid), LATE, world.sw)


@freeze_time(NOW)
@pytest.mark.parametrize("name", STEPS)
def test_api_late_without_a_reason_future_and_out_of_order_are_refused_with_nothing_written(world, name):
    step = make_step(world, name)
    before = snapshot()
    response = _api(world, step, **{step.field: step.valid})
    assert response.status_code == 400
    assert "more than 7 days after" in response.json()["late_reason"][0]
    response = _api(world, step, **{step.field: "2025-06-03", "late_reason": LATE})
    assert response.status_code == 400
    assert response.json()[step.field] == [f"The {step.names.split(' must ')[0][4:]} must be today or in the past"]
    response = _api(world, step, **{step.field: step.out_of_order, "late_reason": LATE})
    assert response.status_code == 400 and response.json()[step.field] == [step.names]
    assert snapshot() == before


@freeze_time(NOW)
@pytest.mark.parametrize("name", DEFAULTED)
def test_api_without_a_date_stores_today_and_says_it_defaulted(world, name):
    step = make_step(world, name)
    response = _api(world, step)
    assert response.status_code in (200, 201), response.json()
    assert response.json()["effective"] == {"field": step.field, "value": "2025-06-02", "defaulted": True}
    assert step.stored() == TODAY
    assert (_event(step).occurred_on, _event(step).late_reason) == (TODAY, "")


@freeze_time(NOW)
def test_api_goal_without_a_date_stays_not_achieved_and_effective_is_null(world):
    step = make_step(world, "goal")
    response = _api(world, step)
    assert response.status_code == 200 and response.json()["effective"] is None
    assert step.stored() is None and not ChronologyEvent.objects.filter(kind=step.kind).exists()


@freeze_time(NOW)
def test_api_action_changes_other_than_done_ignore_done_on(world):
    step = make_step(world, "action")
    response = _api(world, step, status="in_progress", done_on="2025-01-01")
    assert response.status_code == 200 and response.json()["effective"] is None
    assert not ChronologyEvent.objects.filter(kind=step.kind).exists()


# --- pages --------------------------------------------------------------------------------------------
@freeze_time(NOW)
@pytest.mark.parametrize("name", STEPS)
def test_page_backdated_with_a_reason_is_stored(world, client_for, name):
    step = make_step(world, name)
    response = _page(world, client_for, step, step.valid, late_reason=LATE)
    assert response.status_code == 302, errors(response)
    assert step.stored() == D(step.valid)
    assert (_event(step).occurred_on, _event(step).late_reason) == (D(step.valid), LATE)


@freeze_time(NOW)
@pytest.mark.parametrize("name", STEPS)
def test_page_refusals_show_in_the_error_summary_with_nothing_written(world, client_for, name):
    step = make_step(world, name)
    before = snapshot()
    response = _page(world, client_for, step, step.valid)
    assert response.status_code == 200
    assert any("more than 7 days after" in e for e in errors(response))
    response = _page(world, client_for, step, "2025-06-03", late_reason=LATE)
    assert any("today or in the past" in e for e in errors(response))
    response = _page(world, client_for, step, step.out_of_order, late_reason=LATE)
    assert step.names in errors(response)
    assert snapshot() == before


@freeze_time(NOW)
@pytest.mark.parametrize("name", DEFAULTED)
def test_page_offers_today_and_a_blank_date_stores_today(world, client_for, name):
    step = make_step(world, name)
    page = client_for(world.sw).get(step.page_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="id_{step.field}-day"' in html and 'name="late_reason"' in html and "<textarea" in html
    assert f'name="{step.field}_day" type="text" inputmode="numeric" value="2"' in html
    response = _page(world, client_for, step, None)
    assert response.status_code == 302, errors(response)
    assert step.stored() == TODAY and _event(step).occurred_on == TODAY


# --- the invariants the brief names -------------------------------------------------------------------
@freeze_time(NOW)
def test_cp_plan_off_the_conference_date_is_refused_naming_the_conference_and_its_date(world, client_for):
    case = make_case(world)
    s47 = make_s47(case, icpc_on="2025-05-29")
    before = snapshot()
    body = {"case": str(case.pk), "kind": "cp", "s47_enquiry": str(s47.pk), "initial_category": "NEG"}
    message = (
        "A child protection plan starts on the date of the initial child protection conference that decided on "
        "it: the conference for the section 47 enquiry from 15 May 2025 was held on 29 May 2025"
    )
    response = api(world.sw).post("/api/v1/plans/", {**body, "started_on": "2025-05-30"}, format="json")
    assert response.status_code == 400 and response.json()["started_on"] == [message]
    response = api(world.sw).post("/api/v1/plans/", body, format="json")  # today is not the conference date
    assert response.status_code == 400 and response.json()["started_on"] == [message]
    page = client_for(world.sw).post(
        reverse("casework:plan_start", kwargs={"pk": case.pk}) + "?kind=cp",
        {"s47_enquiry": str(s47.pk), "initial_category": "NEG", **_date("started_on", "2025-05-28")},
    )
    assert message in errors(page)
    assert snapshot() == before
    response = api(world.sw).post("/api/v1/plans/", {**body, "started_on": "2025-05-29"}, format="json")
    assert response.status_code == 201 and response.json()["effective"]["value"] == "2025-05-29"


@freeze_time(NOW)
def test_plan_start_is_not_before_the_case_opened(world):
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(opened_on=D("2024-09-02"))
    with pytest.raises(DomainError) as exc:
        svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-08-20"), late_reason=LATE)
    assert exc.value.errors["started_on"] == [
        "The start date must be on or after the date the case opened (2 September 2024)"
    ]


@freeze_time(NOW)
def test_review_before_the_plan_started_and_end_before_the_last_review_are_refused(world):
    plan = _plan(world)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-01-05"), outcome="continue", late_reason=LATE)
    assert exc.value.errors["held_on"] == [
        "The review date must be on or after the date the plan started (6 January 2025)"
    ]
    assert snapshot() == before
    svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-04-07"), outcome="continue", late_reason=LATE)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.plan_end(actor=world.sw, plan=plan, ended_on=D("2025-04-04"), reason="Goals met", late_reason=LATE)
    assert exc.value.errors["ended_on"] == [
        "The end date must be on or after the date of the plan's last review (7 April 2025)"
    ]
    # the same rule when a review outcome "end" would end the plan before the last review
    with pytest.raises(DomainError) as exc:
        svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-04-01"), outcome="end", late_reason=LATE)
    assert "last review (7 April 2025)" in exc.value.errors["held_on"][0]
    assert snapshot() == before


@freeze_time(NOW)
def test_a_review_of_an_ended_plan_recorded_late_must_be_held_by_the_end(world):
    """Editing/recording an earlier step re-checks the later one: the plan's end bounds a late review."""
    plan = _plan(world)
    svc.plan_end(actor=world.sw, plan=plan, ended_on=D("2025-05-01"), reason="Goals met", late_reason=LATE)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-05-02"), outcome="continue", late_reason=LATE)
    assert exc.value.errors["held_on"] == ["The review date must be on or before the date the plan ended (1 May 2025)"]
    with pytest.raises(DomainError) as exc:
        svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-04-30"), outcome="end", late_reason=LATE)
    assert exc.value.errors["outcome"] == ["This plan already ended on 1 May 2025"]
    assert snapshot() == before
    review = svc.plan_review_record(
        actor=world.sw, plan=plan, held_on=D("2025-04-30"), outcome="continue", late_reason=LATE
    )
    assert review.held_on == D("2025-04-30")
    assert ChronologyEvent.objects.get(kind="casework.plan_reviewed").late_reason == LATE


@freeze_time(NOW)
def test_stepping_up_ends_the_old_plan_on_the_new_start_with_the_same_late_reason(world):
    plan = _plan(world)
    s47 = make_s47(plan.case, icpc_on="2025-04-14")
    svc.plan_start(
        actor=world.sw,
        case=plan.case,
        kind="cp",
        started_on=D("2025-04-14"),
        s47_enquiry=s47,
        initial_category="NEG",
        late_reason=LATE,
    )
    ended = ChronologyEvent.objects.get(kind="casework.plan_ended")
    assert (ended.occurred_on, ended.late_reason) == (D("2025-04-14"), LATE)
    assert ChronologyEvent.objects.get(kind="casework.plan_started", occurred_on=D("2025-04-14")).late_reason == LATE


@freeze_time(NOW)
def test_looked_after_change_is_after_the_current_episode_and_end_after_it(world):
    plan = _plan(world, "lac")
    svc.lac_change(
        actor=world.sw,
        plan=plan,
        changed_on=D("2025-03-03"),
        legal_status="C2",
        placement_type="U4",
        placement_postcode="CB5 8GY",
        late_reason=LATE,
    )
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        svc.lac_change(
            actor=world.sw,
            plan=plan,
            changed_on=D("2025-02-03"),
            legal_status="C2",
            placement_type="U4",
            placement_postcode="B91 3QB",
            late_reason=LATE,
        )
    assert exc.value.errors["changed_on"] == [
        "The date of the change must be on or after the date the current episode of care started (3 March 2025)"
    ]
    with pytest.raises(DomainError) as exc:
        svc.lac_end(actor=world.sw, plan=plan, ended_on=D("2025-02-03"), reason_ended="E13", late_reason=LATE)
    assert exc.value.errors["ended_on"] == [
        "The date care ended must be on or after the date the current episode of care started (3 March 2025)"
    ]
    assert snapshot() == before
    # a placement change is not held to the last looked-after review (a move can be recorded after a review)
    svc.plan_review_record(actor=world.sw, plan=plan, held_on=D("2025-04-01"), outcome="continue", late_reason=LATE)
    svc.lac_change(
        actor=world.sw,
        plan=plan,
        changed_on=D("2025-03-20"),
        legal_status="C2",
        placement_type="U4",
        placement_postcode="B91 3QB",
        late_reason=LATE,
    )


@freeze_time(NOW)
def test_lac_change_keeps_its_older_keyword(world):
    plan = _plan(world, "lac")
    nxt = svc.lac_change(
        actor=world.sw,
        plan=plan,
        on=D("2025-05-30"),
        legal_status="C2",
        placement_type="U4",
        placement_postcode="CB5 8GY",
    )
    assert nxt.started_on == D("2025-05-30")


# --- missing episodes (service only: no page or API records them yet) ----------------------------------
@freeze_time(NOW)
def test_missing_episode_dates_late_reason_and_chronology(world):
    plan = _plan(world, "lac")
    svc.lac_end(actor=world.sw, plan=plan, ended_on=D("2025-04-01"), reason_ended="E13", late_reason=LATE)
    person = plan.person
    kw = {"actor": world.sw, "person": person, "kind": "M"}
    before = snapshot(), MissingEpisode.objects.count()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"started_on": D("2025-03-03")}, "late_reason", "more than 7 days after the date the child went missing"),
        ({"started_on": D("2025-06-03")}, "started_on", "The date the child went missing must be today or in the past"),
        (
            {"started_on": D("2025-01-02"), "late_reason": LATE},
            "started_on",
            "The date the child went missing must be on or after the date the child first became looked after "
            "(6 January 2025)",
        ),
        ({"started_on": D("2025-04-10"), "late_reason": LATE}, "started_on", "not looked after on 10 April 2025"),
        (
            {"started_on": D("2025-03-03"), "ended_on": D("2025-03-01"), "late_reason": LATE},
            "ended_on",
            "The date the child came back must be on or after the date the child went missing (3 March 2025)",
        ),
    ]
    for extra, field_name, message in cases:
        with pytest.raises(DomainError) as exc:
            svc.missing_episode_record(**kw, **extra)
        assert message in exc.value.errors[field_name][0], exc.value.errors
    assert (snapshot(), MissingEpisode.objects.count()) == before
    episode = svc.missing_episode_record(**kw, started_on=D("2025-03-03"), ended_on=D("2025-03-04"), late_reason=LATE)
    event = ChronologyEvent.objects.get(kind="casework.missing_episode")
    assert (event.occurred_on, event.late_reason, event.subject_id) == (D("2025-03-03"), LATE, str(episode.pk))


@freeze_time(NOW)
def test_missing_episode_without_a_date_is_today(world):
    plan = _plan(world, "lac")
    episode = svc.missing_episode_record(actor=world.sw, person=plan.person, kind="A")
    assert episode.started_on == TODAY
    assert ChronologyEvent.objects.get(kind="casework.missing_episode").occurred_on == TODAY


@freeze_time(NOW)
def test_adding_an_action_is_recorded_today_and_asks_no_late_reason(world):
    """The due date is a deadline, not an event: an old plan takes a new action today without a reason."""
    plan = _plan(world)
    svc.action_add(
        actor=world.sw, plan=plan, text="Review", owner_name="Ms Jones", owner_agency="School", due_on=D("2025-01-10")
    )
    assert ChronologyEvent.objects.get(kind="casework.action_added").occurred_on == TODAY


def test_episode_referral_is_checked_before_the_case_opening(world):
    """A stepped-up case opened before its CIN episode: the later bound (the referral) is the one named."""
    with freeze_time(NOW):
        case = make_case(world, level=3, opened="2024-06-03")
        Case.objects.filter(pk=case.pk).update(level=4)
        CINEpisode.objects.create(
            case=case, person=case.person, referral_date=D("2024-09-02"), referral_source="2A", primary_need="N1"
        )
        with pytest.raises(DomainError) as exc:
            svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-08-01"), late_reason=LATE)
        assert "referral date of the children in need episode (2 September 2024)" in exc.value.errors["started_on"][0]


# --- schema -------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_schema_documents_each_date_its_default_and_the_effective_block(world):
    schema = api(world.sw).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for name, date_field in [
        ("PlanCreate", "started_on"),
        ("PlanEnd", "ended_on"),
        ("PlanReviewInput", "held_on"),
        ("LacChange", "changed_on"),
        ("LacEnd", "ended_on"),
        ("ActionUpdate", "done_on"),
    ]:
        props = components[f"{name}Request"]["properties"]
        assert "defaults to today" in props[date_field]["description"], (name, date_field)
        assert "late_reason" in props and date_field not in components[f"{name}Request"].get("required", [])
    goal = components["GoalUpdateRequest"]["properties"]
    assert "No default" in goal["achieved_on"]["description"] and "late_reason" in goal
    assert "deadline" in components["ActionCreateRequest"]["properties"]["due_on"]["description"]
    for name in ("PlanMoved", "PlanGoalMoved", "PlanActionMoved"):
        assert "effective" in components[name]["properties"], name
    for path, code in [
        ("/api/v1/plans/", "201"),
        ("/api/v1/plans/{id}/end/", "200"),
        ("/api/v1/plans/{id}/review/", "201"),
        ("/api/v1/plans/{id}/lac-change/", "201"),
        ("/api/v1/plans/{id}/lac-end/", "200"),
    ]:
        ref = schema["paths"][path]["post"]["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/PlanMoved"), path
