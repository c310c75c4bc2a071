"""Issue 13 for specialist services: every dated step of a referral (made, accepted or declined, started,
sessions, short-break admissions and leaving, ended, withdrawn) takes its effective date (default today), is
refused in the future, before the step it follows (the message names that step and its date) or late without
a reason; the reason and the effective date are on the step's chronology event. Nothing is written when refused.
Pages (the start form) and the API (start, sessions) say the same."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.specialist import services
from familyhelp.specialist.models import Service, ServiceContact, ServiceReferral, ShortBreakAdmission
from familyhelp.specialist.tests.factories import ReferralFactory, ServiceFactory, StartedReferralFactory, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
S = ServiceReferral.Status
TODAY = datetime.date(2025, 6, 30)
LATE = "Recorded from the coordinator's paper diary after the outage"
D = datetime.date


@pytest.fixture
def frozen():
    with freeze_time("2025-06-30 12:00"):
        yield


@pytest.fixture
def ifs(world):
    return ServiceFactory(name="Intensive family support", team=world.specialist.team, capacity=5)


@pytest.fixture
def breaks(world):
    return ServiceFactory(
        name="Short breaks",
        kind=Service.Kind.SHORT_BREAKS,
        capacity=2,
        capacity_unit="beds",
        team=world.specialist.team,
    )


def _requested(world, service, on=None, case=None):
    return ReferralFactory(
        service=service, case=case or open_case(world), requested_by=world.sw, requested_on=on or D(2025, 5, 1)
    )


def _accepted(world, service):
    return ReferralFactory(
        service=service,
        case=open_case(world),
        requested_by=world.sw,
        requested_on=D(2025, 5, 1),
        status=S.ACCEPTED,
        decided_on=D(2025, 5, 5),
        decided_by=world.specialist,
    )


def _started(world, service):
    return StartedReferralFactory(
        service=service,
        case=open_case(world),
        requested_by=world.sw,
        requested_on=D(2025, 5, 1),
        status=S.STARTED,
        decided_on=D(2025, 5, 5),
        decided_by=world.specialist,
        started_on=D(2025, 5, 10),
    )


def _event(person, kind):
    return ChronologyEvent.objects.get(person=person, kind=kind)


def _refused(call, field):
    with pytest.raises(DomainError) as exc:
        call()
    assert field in exc.value.errors, exc.value.errors
    return exc.value.errors[field][0]


# --- referral made ----------------------------------------------------------------------------------------
def test_referral_backdated_with_a_reason_is_stored_on_its_event(world, ifs):
    r = services.referral_create(
        actor=world.sw,
        case=open_case(world),
        service=ifs,
        reason="Routines",
        requested_on=D(2025, 3, 3),
        late_reason=LATE,
    )
    assert r.requested_on == D(2025, 3, 3)
    event = _event(world.own, "specialist.referral_made")
    assert (event.occurred_on, event.late_reason, event.recorded_by) == (D(2025, 3, 3), LATE, world.sw)


def test_referral_date_defaults_to_today_and_refuses_future_late_and_before_the_case(world, ifs):
    case = open_case(world)

    def make(on, late=""):
        return lambda: services.referral_create(
            actor=world.sw, case=case, service=ifs, reason="Routines", requested_on=on, late_reason=late
        )

    assert "today or in the past" in _refused(make(D(2025, 7, 1)), "requested_on")
    assert "7 days after the date of the referral" in _refused(make(D(2025, 6, 1)), "late_reason")
    message = _refused(make(D(2019, 12, 31), LATE), "requested_on")
    assert message == "The date of the referral must be on or after the date the case opened (1 January 2020)"
    assert not ServiceReferral.objects.exists() and not ChronologyEvent.objects.filter(kind__startswith="specialist")
    r = services.referral_create(actor=world.sw, case=case, service=ifs, reason="Routines")
    assert r.requested_on == TODAY and _event(world.own, "specialist.referral_made").occurred_on == TODAY


# --- accepted / declined ----------------------------------------------------------------------------------
def test_decision_order_late_reason_and_default(world, ifs):
    r = _requested(world, ifs)

    def decide(on, late="", accept=True):
        return lambda: services.referral_decide(
            actor=world.specialist,
            referral=r,
            accept=accept,
            decline_reason="Needs met by school",
            decided_on=on,
            expected_version=1,
            late_reason=late,
        )

    message = _refused(decide(D(2025, 4, 30), LATE), "decided_on")
    assert message == "The date of the decision must be on or after the date of the referral (1 May 2025)"
    assert "today or in the past" in _refused(decide(D(2025, 7, 1)), "decided_on")
    _refused(decide(D(2025, 5, 2)), "late_reason")
    r.refresh_from_db()
    assert (r.status, r.decided_on, r.version) == (S.REQUESTED, None, 1)
    r = services.referral_decide(
        actor=world.specialist,
        referral=r,
        accept=False,
        decline_reason="Needs met by school",
        decided_on=D(2025, 5, 2),
        expected_version=1,
        late_reason=LATE,
    )
    event = _event(world.own, "specialist.referral_declined")
    assert (r.decided_on, event.occurred_on, event.late_reason) == (D(2025, 5, 2), D(2025, 5, 2), LATE)
    other = _requested(world, ServiceFactory(team=world.specialist.team), on=D(2025, 6, 28), case=r.case)
    other = services.referral_decide(actor=world.specialist, referral=other, accept=True, expected_version=1)
    assert other.decided_on == TODAY and other.status == S.ACCEPTED


# --- started ----------------------------------------------------------------------------------------------
def test_start_is_on_or_after_the_acceptance_and_late_needs_a_reason(world, ifs):
    r = _accepted(world, ifs)

    def start(on, late=""):
        return lambda: services.referral_start(
            actor=world.specialist, referral=r, started_on=on, expected_version=1, late_reason=late
        )

    message = _refused(start(D(2025, 5, 4), LATE), "started_on")
    assert message == "The date the service started must be on or after the date the referral was accepted (5 May 2025)"
    assert "today or in the past" in _refused(start(D(2025, 7, 1)), "started_on")
    assert "date the service started" in _refused(start(D(2025, 5, 6)), "late_reason")
    r.refresh_from_db()
    assert (r.status, r.started_on) == (S.ACCEPTED, None)
    r = services.referral_start(
        actor=world.specialist, referral=r, started_on=D(2025, 5, 6), expected_version=1, late_reason=LATE
    )
    event = _event(world.own, "specialist.referral_started")
    assert (r.started_on, event.occurred_on, event.late_reason) == (D(2025, 5, 6), D(2025, 5, 6), LATE)


def test_start_defaults_to_today(world, ifs):
    r = services.referral_start(actor=world.specialist, referral=_accepted(world, ifs), expected_version=1)
    assert r.started_on == TODAY and _event(world.own, "specialist.referral_started").late_reason == ""


# --- sessions ---------------------------------------------------------------------------------------------
def test_sessions_lie_between_the_start_and_the_end(world, ifs):
    r = _started(world, ifs)

    def session(on, late=LATE):
        return lambda: services.contact_record(
            actor=world.specialist, referral=r, on=on, kind="session", late_reason=late
        )

    message = _refused(session(D(2025, 5, 9)), "date")
    assert (
        message == "The date of the session or contact must be on or after the date the service started (10 May 2025)"
    )
    assert "today or in the past" in _refused(session(D(2025, 7, 1)), "date")
    _refused(session(D(2025, 5, 12), late=""), "late_reason")
    assert not ServiceContact.objects.exists()
    services.contact_record(actor=world.specialist, referral=r, on=D(2025, 5, 12), kind="session", late_reason=LATE)
    event = _event(world.own, "specialist.session")
    assert (event.occurred_on, event.late_reason) == (D(2025, 5, 12), LATE)
    today = services.contact_record(actor=world.specialist, referral=r, kind="contact")
    assert today.date == TODAY


def test_a_session_after_the_end_is_refused_naming_the_end(world, ifs):
    r = _started(world, ifs)
    r = services.referral_end(
        actor=world.specialist,
        referral=r,
        outcome="goals_met",
        ended_on=D(2025, 6, 1),
        expected_version=1,
        late_reason=LATE,
    )
    message = _refused(
        lambda: services.contact_record(
            actor=world.specialist, referral=r, on=D(2025, 6, 2), kind="session", late_reason=LATE
        ),
        "date",
    )
    assert message == "The date of the session or contact must be on or before the date the service ended (1 June 2025)"


# --- ended ------------------------------------------------------------------------------------------------
def test_end_is_on_or_after_the_start_and_the_last_session(world, ifs):
    r = _started(world, ifs)
    services.contact_record(actor=world.specialist, referral=r, on=D(2025, 6, 20), kind="session", late_reason=LATE)
    r.refresh_from_db()

    def end(on, late=LATE):
        return lambda: services.referral_end(
            actor=world.specialist,
            referral=r,
            outcome="goals_met",
            ended_on=on,
            expected_version=r.version,
            late_reason=late,
        )

    message = _refused(end(D(2025, 5, 9)), "ended_on")
    assert message == "The date the service ended must be on or after the date the service started (10 May 2025)"
    message = _refused(end(D(2025, 6, 19)), "ended_on")
    assert message == (
        "The date the service ended must be on or after the date of the last session or contact (20 June 2025)"
    )
    _refused(end(D(2025, 6, 21), late=""), "late_reason")
    assert "today or in the past" in _refused(end(D(2025, 7, 1)), "ended_on")
    r.refresh_from_db()
    assert (r.status, r.ended_on) == (S.STARTED, None)
    r = end(D(2025, 6, 21))()
    event = _event(world.own, "specialist.referral_ended")
    assert (r.ended_on, event.occurred_on, event.late_reason) == (D(2025, 6, 21), D(2025, 6, 21), LATE)


def test_end_defaults_to_today(world, ifs):
    r = services.referral_end(
        actor=world.specialist, referral=_started(world, ifs), outcome="goals_met", expected_version=1
    )
    assert r.ended_on == TODAY


# --- withdrawn --------------------------------------------------------------------------------------------
def test_withdrawal_is_dated_on_its_event_after_the_referral(world, ifs):
    r = _requested(world, ifs)

    def withdraw(on, late=LATE):
        return lambda: services.referral_withdraw(
            actor=world.sw, referral=r, reason="Family moved", expected_version=1, withdrawn_on=on, late_reason=late
        )

    message = _refused(withdraw(D(2025, 4, 1)), "withdrawn_on")
    assert message == "The date the referral was withdrawn must be on or after the date of the referral (1 May 2025)"
    _refused(withdraw(D(2025, 5, 20), late=""), "late_reason")
    assert "today or in the past" in _refused(withdraw(D(2025, 7, 1)), "withdrawn_on")
    withdraw(D(2025, 5, 20))()
    event = _event(world.own, "specialist.referral_withdrawn")
    assert (event.occurred_on, event.late_reason) == (D(2025, 5, 20), LATE)


# --- short breaks -----------------------------------------------------------------------------------------
def test_admissions_and_leaving_are_ordered_and_dated_on_their_events(world, breaks):
    r = _started(world, breaks)

    def admit(on, left=None, late=LATE):
        return lambda: services.admission_record(
            actor=world.specialist, referral=r, admitted_on=on, left_on=left, kind="planned", late_reason=late
        )

    message = _refused(admit(D(2025, 5, 9)), "admitted_on")
    assert message == "The date of admission must be on or after the date the service started (10 May 2025)"
    message = _refused(admit(D(2025, 6, 1), D(2025, 5, 31)), "left_on")
    assert message == "The date the child left must be on or after the date of admission (1 June 2025)"
    errors = _refused(admit(D(2025, 6, 1), D(2025, 6, 3), late=""), "late_reason")
    assert "date of admission" in errors
    assert "today or in the past" in _refused(admit(D(2025, 7, 1)), "admitted_on")
    assert not ShortBreakAdmission.objects.exists()
    stay = admit(D(2025, 6, 1))()
    event = _event(world.own, "specialist.short_break")
    assert (event.occurred_on, event.late_reason) == (D(2025, 6, 1), LATE)

    def leave(on, late=LATE):
        return lambda: services.admission_leave(
            actor=world.specialist, admission=stay, left_on=on, expected_version=stay.version, late_reason=late
        )

    message = _refused(leave(D(2025, 5, 31)), "left_on")
    assert message == "The date the child left must be on or after the date of admission (1 June 2025)"
    _refused(leave(D(2025, 6, 3), late=""), "late_reason")
    stay.refresh_from_db()
    assert stay.left_on is None
    leave(D(2025, 6, 3))()
    event = _event(world.own, "specialist.short_break_left")
    assert (event.occurred_on, event.late_reason) == (D(2025, 6, 3), LATE)
    today_stay = services.admission_record(actor=world.specialist, referral=r, kind="emergency")
    assert today_stay.admitted_on == TODAY
    services.admission_leave(actor=world.specialist, admission=today_stay, expected_version=today_stay.version)
    today_stay.refresh_from_db()
    assert today_stay.left_on == TODAY


def test_waiting_days_count_to_the_effective_start(world, ifs, client_for):
    """A start recorded late counts the wait to the day the service started, not the day it was typed."""
    r = _accepted(world, ifs)
    services.referral_start(
        actor=world.specialist, referral=r, started_on=D(2025, 5, 15), expected_version=1, late_reason=LATE
    )
    body = client_for(world.specialist).get(f"/api/v1/service-referrals/{r.pk}/").json()
    assert body["waiting_days"] == 14


# --- pages ------------------------------------------------------------------------------------------------
def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_start_page_defaults_to_today_asks_why_late_and_shows_errors_in_the_summary(world, ifs, client_for):
    r = _accepted(world, ifs)
    c = client_for(world.specialist)
    url = reverse("specialist:referral_start", args=[r.pk])
    page = _soup(c.get(url))
    assert page.select_one("#id_started_on-day")["value"] == "30"
    assert page.select_one("textarea[name=late_reason]") is not None

    def summary(data):
        response = c.post(url, {"version": "1", **data})
        assert response.status_code == 200
        box = _soup(response).select_one(".govuk-error-summary")
        return {a["href"]: a.get_text(strip=True) for a in box.select("a")}

    assert "#id_late_reason" in summary(_date("started_on", D(2025, 6, 1)))
    links = summary(_date("started_on", D(2025, 7, 1)))
    assert any("today or in the past" in text for text in links.values())
    links = summary({**_date("started_on", D(2025, 5, 4)), "late_reason": LATE})
    assert "after the date the referral was accepted (5 May 2025)" in " ".join(links.values())
    r.refresh_from_db()
    assert (r.status, r.started_on) == (S.ACCEPTED, None)
    response = c.post(url, {"version": "1", **_date("started_on", D(2025, 6, 1)), "late_reason": LATE})
    assert response.status_code == 302
    r.refresh_from_db()
    event = _event(world.own, "specialist.referral_started")
    assert (r.started_on, event.occurred_on, event.late_reason) == (D(2025, 6, 1), D(2025, 6, 1), LATE)


def test_session_page_defaults_to_today(world, ifs, client_for):
    r = _started(world, ifs)
    c = client_for(world.specialist)
    url = reverse("specialist:contact_add", args=[r.pk])
    assert _soup(c.get(url)).select_one("#id_date-day")["value"] == "30"
    response = c.post(url, {"kind": "session"})
    assert response.status_code == 302 and ServiceContact.objects.get().date == TODAY


# --- API --------------------------------------------------------------------------------------------------
def test_api_start_backdated_with_a_reason_says_what_it_stored(world, ifs, client_for):
    r = _accepted(world, ifs)
    api = client_for(world.specialist)
    url = f"/api/v1/service-referrals/{r.pk}/start/"

    def post(data):
        return api.post(url, {"version": 1, **data}, content_type="application/json")

    response = post({"started_on": "2025-06-01"})
    assert response.status_code == 400 and "late_reason" in response.json()
    response = post({"started_on": "2025-07-01", "late_reason": LATE})
    assert response.status_code == 400 and "started_on" in response.json()
    response = post({"started_on": "2025-05-04", "late_reason": LATE})
    assert response.status_code == 400
    assert "date the referral was accepted (5 May 2025)" in response.json()["started_on"][0]
    r.refresh_from_db()
    assert (r.status, r.version) == (S.ACCEPTED, 1)
    response = post({"started_on": "2025-06-01", "late_reason": LATE})
    assert response.status_code == 200
    body = response.json()
    assert body["started_on"] == "2025-06-01"
    assert body["effective"] == {"field": "started_on", "value": "2025-06-01", "defaulted": False}
    assert _event(world.own, "specialist.referral_started").late_reason == LATE


def test_api_defaults_say_defaulted(world, ifs, client_for):
    r = _requested(world, ifs, on=D(2025, 6, 28))
    api = client_for(world.specialist)
    response = api.post(
        f"/api/v1/service-referrals/{r.pk}/decide/", {"version": 1, "accept": True}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "decided_on", "value": "2025-06-30", "defaulted": True}
    response = api.post(f"/api/v1/service-referrals/{r.pk}/start/", {"version": 2}, content_type="application/json")
    assert response.json()["effective"] == {"field": "started_on", "value": "2025-06-30", "defaulted": True}
    response = api.post(
        f"/api/v1/service-referrals/{r.pk}/contacts/", {"kind": "session"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["effective"] == {"field": "date", "value": "2025-06-30", "defaulted": True}


def test_api_session_before_the_start_is_a_field_error(world, ifs, client_for):
    r = _started(world, ifs)
    response = client_for(world.specialist).post(
        f"/api/v1/service-referrals/{r.pk}/contacts/",
        {"kind": "session", "date": "2025-05-09", "late_reason": LATE},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "date the service started (10 May 2025)" in response.json()["date"][0]
    assert not ServiceContact.objects.exists()


# --- schema (the four support apps) ---------------------------------------------------------------------
def test_schema_documents_each_date_its_default_late_reason_and_the_effective_block(world, client_for):
    schema = client_for(world.sw).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for name, date_field, default in [
        ("ServiceReferralCreate", "requested_on", "Defaults to today"),
        ("ServiceReferralDecide", "decided_on", "Defaults to today"),
        ("ServiceReferralStart", "started_on", "Defaults to today"),
        ("ServiceReferralEnd", "ended_on", "Defaults to today"),
        ("ServiceReferralWithdraw", "withdrawn_on", "Defaults to today"),
        ("ServiceContactCreate", "date", "Defaults to today"),
        ("ShortBreakAdmissionCreate", "admitted_on", "Defaults to today"),
        ("ShortBreakLeave", "left_on", "Defaults to today"),
        ("RequestInput", "requested_on", "Defaults to today"),
        ("DecisionInput", "decided_on", "Defaults to the date the panel sat"),
        ("WithdrawInput", "withdrawn_on", "Defaults to today"),
        ("CompletionCreate", "completed_on", "Defaults to today"),
        ("TafMeetingInput", "held_on", "Defaults to today"),
        ("TafActionStatus", "done_on", "Defaults to today"),
    ]:
        component = components[f"{name}Request"]
        props = component["properties"]
        assert default in props[date_field]["description"], (name, date_field)
        assert "late_reason" in props and date_field not in component.get("required", []), name
    assert "late_reason" in components["CompletionFinaliseRequest"]["properties"]
    for path, code, shape in [
        ("/api/v1/service-referrals/{id}/start/", "200", "ServiceReferralMoved"),
        ("/api/v1/service-referrals/{id}/contacts/", "201", "ServiceContactRecorded"),
        ("/api/v1/panel-requests/{id}/decide/", "200", "PanelRequestMoved"),
        ("/api/v1/practice/completions/", "201", "CompletionRecorded"),
        ("/api/v1/taf-actions/{id}/status/", "200", "TafActionMoved"),
    ]:
        ref = schema["paths"][path]["post"]["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"/{shape}"), path
        assert "effective" in components[shape]["properties"], shape
