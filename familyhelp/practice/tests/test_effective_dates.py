"""Issue 13 for practice tools: a completion is dated the day the tool was completed (default today), never in
the future, before the child's birth or before the completion it reviews (named with its date); finalising it
more than the council's late-recording days after that date needs a reason, kept on its chronology event
(dated the completion's date). Refused steps write nothing. Pages and API say the same."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.organisation.models import LocalAuthority
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
D = datetime.date
TODAY = D(2025, 6, 30)
LATE = "Completed with the family on paper; typed up after the worker's leave"
SCREEN = "exploitation_screening"


@pytest.fixture
def frozen(_wide_late_recording, world):
    """The council's own late-recording days (7), on 30 June 2025."""
    LocalAuthority.objects.update(late_recording_days=7)
    with freeze_time("2025-06-30 12:00"):
        yield


def _start(world, on=None, **kwargs):
    return svc.completion_start(
        actor=world.sw, person=world.own, kind=SCREEN, completed_on=on, answers={"present": ["weapons"]}, **kwargs
    )


def _refused(call, field):
    with pytest.raises(DomainError) as exc:
        call()
    assert field in exc.value.errors, exc.value.errors
    return exc.value.errors[field][0]


def test_a_completion_backdated_with_a_reason_is_dated_on_its_event(world, case):
    draft = _start(world, D(2025, 3, 3))
    done = svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version, late_reason=LATE)
    event = ChronologyEvent.objects.get(kind="practice.screening_completed")
    assert (done.completed_on, event.occurred_on, event.late_reason) == (D(2025, 3, 3), D(2025, 3, 3), LATE)


def test_finalising_late_without_a_reason_is_refused_and_nothing_changes(world, case):
    draft = _start(world, D(2025, 6, 1))  # a draft is not yet reported: no reason needed to save it
    message = _refused(
        lambda: svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version),
        "late_reason",
    )
    assert message == "Explain why this is being recorded more than 7 days after the date the tool was completed"
    draft.refresh_from_db()
    assert draft.status == "draft" and not ChronologyEvent.objects.filter(kind__startswith="practice").exists()


def test_the_date_defaults_to_today_and_refuses_the_future_and_before_birth(world, case):
    assert "today or in the past" in _refused(lambda: _start(world, D(2025, 7, 1)), "completed_on")
    message = _refused(lambda: _start(world, D(2016, 3, 3)), "completed_on")  # born 4 March 2016
    assert message == "The date the tool was completed must be on or after the date of birth"
    assert not Completion.objects.exists()
    draft = _start(world)
    done = svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version)
    assert done.completed_on == TODAY
    assert ChronologyEvent.objects.get(kind="practice.screening_completed").occurred_on == TODAY


def test_a_review_is_on_or_after_the_completion_it_reviews(world, case):
    first = _start(world, D(2025, 6, 20))
    first = svc.completion_finalise(actor=world.sw, completion=first, expected_version=first.version, late_reason=LATE)
    message = _refused(lambda: _start(world, D(2025, 6, 19), review_of=first), "completed_on")
    assert message == "The date the tool was completed must be on or after the date of the completion it reviews " + (
        "(20 June 2025)"
    )
    draft = _start(world, D(2025, 6, 25), review_of=first)
    message = _refused(
        lambda: svc.completion_update(
            actor=world.sw,
            completion=draft,
            completed_on=D(2025, 6, 19),
            answers={"present": ["weapons"]},
            review_of=first,
            expected_version=draft.version,
        ),
        "completed_on",
    )
    assert "(20 June 2025)" in message
    draft.refresh_from_db()
    assert draft.completed_on == D(2025, 6, 25)


# --- pages ------------------------------------------------------------------------------------------------
def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_form_defaults_to_today_and_save_and_finalise_asks_why_late(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("practice:start", args=[world.own.pk, SCREEN])
    page = _soup(c.get(url))
    assert page.select_one("#id_completed_on-day")["value"] == "30"
    assert page.select_one("textarea[name=late_reason]") is not None
    data = {
        "completed_on_day": "2",
        "completed_on_month": "6",
        "completed_on_year": "2025",
        "review_of": "baseline",
        "present": ["weapons"],
        "finalise": "1",
    }
    page = _soup(c.post(url, data))
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")}
    assert links == {
        "#id_late_reason": "Explain why this is being recorded more than 7 days after the date the tool was completed"
    }
    assert not Completion.objects.exists()
    assert c.post(url, {**data, "late_reason": LATE}).status_code == 302
    event = ChronologyEvent.objects.get(kind="practice.screening_completed")
    assert (event.occurred_on, event.late_reason) == (D(2025, 6, 2), LATE)


def test_finalising_a_draft_from_its_page_asks_why_late(world, case, client_for):
    draft = _start(world, D(2025, 6, 2))
    c = client_for(world.sw)
    url = reverse("practice:finalise", args=[draft.pk])
    page = _soup(c.post(url, {"version": draft.version}))
    assert page.select_one(".govuk-error-summary a[href='#late_reason']") is not None
    assert page.select_one("#late_reason-error") is not None
    assert c.post(url, {"version": draft.version, "late_reason": LATE}).status_code == 302
    assert ChronologyEvent.objects.get(kind="practice.screening_completed").late_reason == LATE


# --- API --------------------------------------------------------------------------------------------------
def test_api_records_and_finalises_with_the_effective_date(world, case, client_for):
    api = client_for(world.sw)
    body = {"person": str(world.own.pk), "kind": SCREEN, "answers": {"present": ["weapons"]}, "finalise": True}
    response = api.post(
        "/api/v1/practice/completions/", {**body, "completed_on": "2025-06-02"}, content_type="application/json"
    )
    assert response.status_code == 400 and "late_reason" in response.json()
    response = api.post(
        "/api/v1/practice/completions/", {**body, "completed_on": "2025-07-01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "completed_on" in response.json()
    assert not Completion.objects.exists()
    response = api.post(
        "/api/v1/practice/completions/",
        {**body, "completed_on": "2025-06-02", "late_reason": LATE},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["effective"] == {"field": "completed_on", "value": "2025-06-02", "defaulted": False}
    assert ChronologyEvent.objects.get(kind="practice.screening_completed").late_reason == LATE
    response = api.post("/api/v1/practice/completions/", {**body, "finalise": False}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["effective"] == {"field": "completed_on", "value": "2025-06-30", "defaulted": True}
    draft = response.json()
    response = api.post(
        f"/api/v1/practice/completions/{draft['id']}/finalise/",
        {"version": draft["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["effective"] == {"field": "completed_on", "value": "2025-06-30", "defaulted": False}
