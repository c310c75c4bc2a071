"""Issue 13 for panels: a request is made, decided and withdrawn on its effective date; a decision is dated the
day the panel sat unless the clerk gives another day (never before the sitting nor the request). Future dates,
dates before the step they follow (named with its date) and late entries without a reason are refused with
nothing written; the reason and the effective date are on the chronology event. Pages and API say the same."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from freezegun import freeze_time

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.panels import services as svc
from familyhelp.panels.models import PanelDecision, PanelRequest
from familyhelp.panels.tests.factories import open_case, sitting, submitted_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
D = datetime.date
TODAY = D(2025, 3, 31)
LATE = "Typed up from the panel minutes after the clerk's leave"


@pytest.fixture
def frozen():
    with freeze_time("2025-03-31 10:00"):
        yield


@pytest.fixture
def case(world):
    return open_case(world.own, world.sw)  # opened 6 January 2025


@pytest.fixture
def on_agenda(world, case):
    """A request made on 3 March, on the agenda of the resource panel that sat on 10 March."""
    panel = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    return submitted_request(case, world.sw, panel=panel, status="on_agenda")


def _refused(call, field):
    with pytest.raises(DomainError) as exc:
        call()
    assert field in exc.value.errors, exc.value.errors
    return exc.value.errors[field][0]


def _event(kind):
    return ChronologyEvent.objects.get(kind=kind)


# --- request made -----------------------------------------------------------------------------------------
def _make(world, case, **kwargs):
    return lambda: svc.request_make(
        actor=world.sw, case=case, ask="short_break", reason="Relationship breaking down", **kwargs
    )


def test_a_request_backdated_with_a_reason_is_stored_on_its_event(world, case):
    request = _make(world, case, requested_on=D(2025, 2, 3), late_reason=LATE)()
    event = _event("panels.request_made")
    assert (request.requested_on, event.occurred_on, event.late_reason) == (D(2025, 2, 3), D(2025, 2, 3), LATE)


def test_a_request_refuses_future_late_without_reason_and_before_the_case(world, case):
    assert "today or in the past" in _refused(_make(world, case, requested_on=D(2025, 4, 1)), "requested_on")
    assert "date of the request" in _refused(_make(world, case, requested_on=D(2025, 3, 3)), "late_reason")
    message = _refused(_make(world, case, requested_on=D(2025, 1, 5), late_reason=LATE), "requested_on")
    assert message == "The date of the request must be on or after the date the case opened (6 January 2025)"
    assert not PanelRequest.objects.exists() and not ChronologyEvent.objects.filter(kind__startswith="panels")
    request = _make(world, case)()
    assert request.requested_on == TODAY and _event("panels.request_made").occurred_on == TODAY


# --- decision ---------------------------------------------------------------------------------------------
def _decide(world, request, **kwargs):
    return lambda: svc.request_decide(
        actor=world.manager,
        request=request,
        outcome="declined",
        notes="Needs are met by the school",
        expected_version=request.version,
        **kwargs,
    )


def test_a_decision_is_dated_the_day_the_panel_sat_and_asks_why_it_is_late(world, on_agenda):
    assert "date of the decision" in _refused(_decide(world, on_agenda), "late_reason")
    on_agenda.refresh_from_db()
    assert (on_agenda.status, on_agenda.decided_at) == ("on_agenda", None) and not PanelDecision.objects.exists()
    decision = _decide(world, on_agenda, late_reason=LATE)()
    event = _event("panels.request_decided")
    assert timezone.localdate(decision.decided_at) == D(2025, 3, 10)
    assert (event.occurred_on, event.late_reason, event.recorded_by) == (D(2025, 3, 10), LATE, world.manager)


def test_a_decision_on_another_day_is_never_before_the_sitting_nor_the_request(world, case, on_agenda):
    message = _refused(_decide(world, on_agenda, decided_on=D(2025, 3, 9), late_reason=LATE), "decided_on")
    assert message == "The date of the decision must be on or after the date the panel sat (10 March 2025)"
    assert "today or in the past" in _refused(_decide(world, on_agenda, decided_on=D(2025, 4, 1)), "decided_on")
    late_item = submitted_request(
        case,
        world.sw,
        panel=on_agenda.panel,
        status="on_agenda",
        requested_on=D(2025, 3, 12),
        ask="therapeutic_support",
    )
    message = _refused(_decide(world, late_item, decided_on=D(2025, 3, 11), late_reason=LATE), "decided_on")
    assert message == "The date of the decision must be on or after the date of the request (12 March 2025)"
    decision = _decide(world, on_agenda, decided_on=D(2025, 3, 28))()  # 3 days ago: no reason needed
    assert timezone.localdate(decision.decided_at) == D(2025, 3, 28)
    assert _event("panels.request_decided").occurred_on == D(2025, 3, 28)


def test_a_decision_recorded_on_the_day_of_the_sitting_is_stamped_now(world, case):
    panel = sitting(sits_on=TODAY, chair=world.manager)
    request = submitted_request(case, world.sw, panel=panel, status="on_agenda")
    decision = _decide(world, request)()
    assert decision.decided_at == timezone.now()


# --- withdrawn --------------------------------------------------------------------------------------------
def test_a_withdrawal_is_on_or_after_the_request(world, case):
    request = submitted_request(case, world.sw)  # made 3 March

    def withdraw(on, late=LATE):
        return lambda: svc.request_withdraw(
            actor=world.sw,
            request=request,
            reason="Family moved",
            expected_version=1,
            withdrawn_on=on,
            late_reason=late,
        )

    message = _refused(withdraw(D(2025, 3, 2)), "withdrawn_on")
    assert message == "The date the request was withdrawn must be on or after the date of the request (3 March 2025)"
    _refused(withdraw(D(2025, 3, 4), late=""), "late_reason")
    assert "today or in the past" in _refused(withdraw(D(2025, 4, 1)), "withdrawn_on")
    request.refresh_from_db()
    assert request.status == "submitted"
    request = withdraw(D(2025, 3, 4))()
    event = _event("panels.request_withdrawn")
    assert timezone.localdate(request.withdrawn_at) == D(2025, 3, 4)
    assert (event.occurred_on, event.late_reason) == (D(2025, 3, 4), LATE)


def test_a_withdrawal_defaults_to_today(world, case):
    request = svc.request_withdraw(
        actor=world.sw, request=submitted_request(case, world.sw), reason="Family moved", expected_version=1
    )
    assert request.withdrawn_at == timezone.now() and _event("panels.request_withdrawn").occurred_on == TODAY


# --- pages ------------------------------------------------------------------------------------------------
def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _summary(response):
    box = _soup(response).select_one(".govuk-error-summary")
    assert box is not None, response.content[:500]
    return {a["href"]: a.get_text(strip=True) for a in box.select("a")}


def test_the_decision_page_offers_the_sitting_date_and_asks_why_late(world, on_agenda, client_for):
    c = client_for(world.manager)
    url = f"/panels/requests/{on_agenda.pk}/decide/"
    page = _soup(c.get(url))
    assert [page.select_one(f"#id_decided_on-{p}")["value"] for p in ("day", "month", "year")] == ["10", "3", "2025"]
    assert page.select_one("textarea[name=late_reason]") is not None
    data = {"outcome": "declined", "notes": "Met elsewhere", "version": on_agenda.version}
    data.update({"decided_on_day": "10", "decided_on_month": "3", "decided_on_year": "2025"})
    assert "#id_late_reason" in _summary(c.post(url, data))
    links = _summary(c.post(url, {**data, "decided_on_day": "9", "late_reason": LATE}))
    assert "date the panel sat (10 March 2025)" in " ".join(links.values())
    assert not PanelDecision.objects.exists()
    response = c.post(url, {**data, "late_reason": LATE})
    assert response.status_code == 302
    event = _event("panels.request_decided")
    assert (event.occurred_on, event.late_reason) == (D(2025, 3, 10), LATE)


def test_the_request_page_defaults_to_today_and_refuses_the_future(world, case, client_for):
    c = client_for(world.sw)
    url = f"/panels/cases/{case.pk}/request/"
    assert _soup(c.get(url)).select_one("#id_requested_on-day")["value"] == "31"
    data = {"ask": "short_break", "reason": "Breaking point", "urgency": "routine"}
    future = {"requested_on_day": "1", "requested_on_month": "4", "requested_on_year": "2025"}
    assert any("today or in the past" in text for text in _summary(c.post(url, {**data, **future})).values())
    late = {"requested_on_day": "3", "requested_on_month": "3", "requested_on_year": "2025"}
    assert "#id_late_reason" in _summary(c.post(url, {**data, **late}))
    assert not PanelRequest.objects.exists()
    assert c.post(url, {**data, **late, "late_reason": LATE}).status_code == 302
    assert PanelRequest.objects.get().requested_on == D(2025, 3, 3)


# --- API --------------------------------------------------------------------------------------------------
def test_api_decision_defaults_to_the_sitting_and_says_so(world, on_agenda, client_for):
    api = client_for(world.manager)
    url = f"/api/v1/panel-requests/{on_agenda.pk}/decide/"
    body = {"outcome": "declined", "notes": "Met elsewhere", "version": on_agenda.version}
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "late_reason" in response.json()
    response = api.post(url, {**body, "decided_on": "2025-04-01", "late_reason": LATE}, content_type="application/json")
    assert response.status_code == 400 and "decided_on" in response.json()
    assert not PanelDecision.objects.exists()
    response = api.post(url, {**body, "late_reason": LATE}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "decided_on", "value": "2025-03-10", "defaulted": True}


def test_api_request_backdated_with_a_reason(world, case, client_for):
    api = client_for(world.sw)
    body = {"case": str(case.pk), "ask": "short_break", "reason": "Breaking point"}
    response = api.post(
        "/api/v1/panel-requests/", {**body, "requested_on": "2025-03-03"}, content_type="application/json"
    )
    assert response.status_code == 400 and "late_reason" in response.json()
    response = api.post(
        "/api/v1/panel-requests/",
        {**body, "requested_on": "2025-03-03", "late_reason": LATE},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["requested_on"] == "2025-03-03"
    assert response.json()["effective"] == {"field": "requested_on", "value": "2025-03-03", "defaulted": False}
    assert _event("panels.request_made").late_reason == LATE
    response = api.post(
        "/api/v1/panel-requests/",
        {**body, "ask": "therapeutic_support", "estimated_cost": "100"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["effective"] == {"field": "requested_on", "value": "2025-03-31", "defaulted": True}
