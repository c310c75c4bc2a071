"""Issue 13 for the team around the family: an action is done on its effective date (default today), never in
the future nor before the day it was agreed (the meeting that agreed it, named with its date); done more than
the council's late-recording days ago needs a reason, kept on the chronology event dated the day it was done.
A meeting's date defaults to today. Refused steps write nothing. Pages and API say the same."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.taf import services
from familyhelp.taf.models import TafAction
from familyhelp.taf.tests.factories import TafActionFactory, TafMeetingFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 1, 10)
LATE = "Told by the nurse at the next meeting"


@pytest.fixture
def agreed(taf):
    """An action agreed at the meeting held on 15 December 2024."""
    meeting = TafMeetingFactory(case=taf.case, held_on=D(2024, 12, 15))
    return TafActionFactory(owner=taf.nurse, text="Register with a dentist", meeting=meeting)


def _done(world, action, on=None, late=""):
    return lambda: services.taf_action_set_status(
        actor=world.sw, action=action, status="done", expected_version=action.version, done_on=on, late_reason=late
    )


def _refused(call, field):
    with pytest.raises(DomainError) as exc:
        call()
    assert field in exc.value.errors, exc.value.errors
    return exc.value.errors[field][0]


def test_done_backdated_with_a_reason_is_dated_on_its_event(world, agreed):
    action = _done(world, agreed, D(2024, 12, 20), LATE)()
    event = ChronologyEvent.objects.get(kind="taf.action_done")
    assert (action.done_on, event.occurred_on, event.late_reason) == (D(2024, 12, 20), D(2024, 12, 20), LATE)


def test_done_refuses_late_without_reason_the_future_and_before_it_was_agreed(world, agreed):
    assert "date it was done" in _refused(_done(world, agreed, D(2024, 12, 20)), "late_reason")
    assert "today or in the past" in _refused(_done(world, agreed, D(2025, 1, 11)), "done_on")
    message = _refused(_done(world, agreed, D(2024, 12, 14), LATE), "done_on")
    assert message == "The date it was done must be on or after the date the action was agreed (15 December 2024)"
    agreed.refresh_from_db()
    assert (agreed.status, agreed.done_on) == ("open", None)
    assert not ChronologyEvent.objects.filter(kind="taf.action_done").exists()
    action = _done(world, agreed)()
    assert action.done_on == TODAY and ChronologyEvent.objects.get(kind="taf.action_done").occurred_on == TODAY


def test_a_meeting_defaults_to_today(world, taf):
    meeting = services.taf_meeting_record(actor=world.sw, case=taf.case, decisions="Plan agreed", attendees=[taf.nurse])
    assert meeting.held_on == TODAY


# --- pages ------------------------------------------------------------------------------------------------
def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_status_page_defaults_to_today_and_asks_why_late(world, agreed, client_for):
    c = client_for(world.sw)
    url = reverse("taf:action_status", args=[agreed.pk])
    page = _soup(c.get(url))
    assert page.select_one("#id_done_on-day")["value"] == "10"
    assert page.select_one("textarea[name=late_reason]") is not None
    data = {
        "status": "done",
        "version": agreed.version,
        "done_on_day": "20",
        "done_on_month": "12",
        "done_on_year": "2024",
    }
    page = _soup(c.post(url, data))
    links = {a["href"] for a in page.select(".govuk-error-summary a")}
    assert "#id_late_reason" in links
    page = _soup(c.post(url, {**data, "done_on_day": "14", "late_reason": LATE}))
    assert "agreed (15 December 2024)" in page.select_one(".govuk-error-summary").get_text()
    assert TafAction.objects.get(pk=agreed.pk).status == "open"
    assert c.post(url, {**data, "late_reason": LATE}).status_code == 302
    event = ChronologyEvent.objects.get(kind="taf.action_done")
    assert (event.occurred_on, event.late_reason) == (D(2024, 12, 20), LATE)


# --- API --------------------------------------------------------------------------------------------------
def test_api_done_says_what_it_stored(world, agreed, client_for):
    api = client_for(world.sw)
    url = f"/api/v1/taf-actions/{agreed.pk}/status/"
    body = {"status": "done", "version": agreed.version}
    response = api.post(url, {**body, "done_on": "2024-12-20"}, content_type="application/json")
    assert response.status_code == 400 and "late_reason" in response.json()
    response = api.post(url, {**body, "done_on": "2025-01-11"}, content_type="application/json")
    assert response.status_code == 400 and "done_on" in response.json()
    response = api.post(url, {**body, "done_on": "2024-12-20", "late_reason": LATE}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "done_on", "value": "2024-12-20", "defaulted": False}


def test_api_meeting_and_done_default_to_today(world, taf, client_for):
    api = client_for(world.sw)
    response = api.post(
        "/api/v1/taf-meetings/",
        {"case": str(taf.case.pk), "decisions": "Plan agreed", "attendees": [str(taf.nurse.pk)]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["effective"] == {"field": "held_on", "value": "2025-01-10", "defaulted": True}
    action = taf.nurse_action
    response = api.post(
        f"/api/v1/taf-actions/{action.pk}/status/",
        {"status": "done", "version": action.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "done_on", "value": "2025-01-10", "defaulted": True}
