"""Issue 13 for assessments, strategy discussions, section 47 enquiries and initial conferences: every step
takes its effective date (today when not given), keeps the journey's order (start <= child seen <= submission
<= authorisation; discussion <= S47 start <= child seen <= conclusion <= conference), asks for a late reason
when older than the council's late-recording days (7), stores the reason on the chronology event dated with
the effective date, and refuses anything else with field-level messages that name the other step and its date,
writing nothing. Services, API (400s, `effective` block, schema) and pages (GOV.UK error summary)."""

from __future__ import annotations

import datetime
import html as htmllib
import re
from typing import Any

import pytest
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.services import assessments as svc
from familyhelp.casework.tests.assessments_helpers import build_aw, make_case
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.core.errors import DomainError

D = datetime.date
pytestmark = pytest.mark.django_db

NOW = "2025-06-16 10:00"  # a Monday
TODAY = D(2025, 6, 16)
REASON = "Recorded from the paper file after the system outage"
LATE_MESSAGE = "Explain why this is being recorded more than 7 days after the"


@pytest.fixture
def aw(world):
    return build_aw(world)


@pytest.fixture
def api_as():
    def login(user):
        client = APIClient()
        client.force_login(user)
        return client

    return login


# --- Helpers ----------------------------------------------------------------------------------------------
def event(kind: str, subject: Any = None) -> ChronologyEvent:
    qs = ChronologyEvent.objects.filter(kind=kind)
    if subject is not None:
        qs = qs.filter(subject_id=str(subject.pk))
    (only,) = list(qs)
    return only


MARCH_3, MARCH_5, MARCH_20, APRIL_10, APRIL_11, APRIL_25 = (
    D(2025, 3, 3), D(2025, 3, 5), D(2025, 3, 20), D(2025, 4, 10), D(2025, 4, 11), D(2025, 4, 25)
)  # fmt: skip


def _started(aw, on=MARCH_3, seen=MARCH_5, outcome="plan") -> Assessment:
    a = svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=on, late_reason=REASON)
    return svc.assessment_update(actor=aw.sw, assessment=a, expected_version=a.version, factors=["3B"],
                                 child_seen_on=seen, analysis="Worried about home.", outcome=outcome,
                                 late_reason=REASON)  # fmt: skip


def _submitted(aw, on=MARCH_20, **kwargs: Any) -> Assessment:
    a = _started(aw, **kwargs)
    return svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=on,
                                 late_reason=REASON)  # fmt: skip


def _enquiry(aw, held=APRIL_10) -> S47Enquiry:
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=held, agencies=["Police"],
                                                decision="s47", late_reason=REASON)  # fmt: skip
    return discussion.s47_enquiry


def _concluded(aw, on=APRIL_25, seen=APRIL_11) -> S47Enquiry:
    e = _enquiry(aw)
    return svc.s47_conclude(actor=aw.sw, enquiry=e, outcome="icpc", concluded_on=on, child_seen_on=seen,
                            expected_version=e.version, late_reason=REASON)  # fmt: skip


def _refused(fn: Any, field: str, text: str) -> DomainError:
    """Call fn, expecting a DomainError whose `field` message contains text; check nothing was written."""
    events = ChronologyEvent.objects.count()
    versions = sorted(Assessment.objects.values_list("version", flat=True)) + sorted(
        S47Enquiry.objects.values_list("version", flat=True)
    )
    counts = (Assessment.objects.count(), StrategyDiscussion.objects.count(), S47Enquiry.objects.count())
    with pytest.raises(DomainError) as exc:
        fn()
    assert any(text in m for m in exc.value.errors.get(field, [])), exc.value.errors
    assert ChronologyEvent.objects.count() == events
    assert counts == (Assessment.objects.count(), StrategyDiscussion.objects.count(), S47Enquiry.objects.count())
    assert versions == sorted(Assessment.objects.values_list("version", flat=True)) + sorted(
        S47Enquiry.objects.values_list("version", flat=True)
    )
    return exc.value


# --- Services: assessments ----------------------------------------------------------------------------------
@freeze_time(NOW)
def test_start_backdated_with_a_reason_is_stored_on_the_chronology_event(aw):
    a = svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=D(2025, 3, 3), late_reason=REASON)
    assert (a.started_on, a.due_on) == (D(2025, 3, 3), calendar.add_working_days(D(2025, 3, 3), 45))
    e = event("casework.assessment_started", a)
    assert (e.occurred_on, e.late_reason, e.recorded_by) == (D(2025, 3, 3), REASON, aw.sw)


@freeze_time(NOW)
def test_start_defaults_to_today_without_a_reason(aw):
    a = svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single")
    assert a.started_on == TODAY
    assert event("casework.assessment_started", a).occurred_on == TODAY


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("on", "reason", "field", "text"),
    [
        (D(2025, 3, 3), "", "late_reason", LATE_MESSAGE + " start date"),
        (D(2025, 6, 17), REASON, "started_on", "The start date must be today or in the past"),
        (D(2024, 12, 1), REASON, "started_on", "on or after the referral date (2 December 2024)"),
    ],
)
def test_start_refusals_write_nothing(aw, on, reason, field, text):
    _refused(lambda: svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=on,
                                          late_reason=reason), field, text)  # fmt: skip


@freeze_time(NOW)
def test_nothing_before_the_childs_birth(aw):
    case = make_case(aw, aw.team_child, level=3, worker=aw.sw, opened_on=D(2000, 1, 3))
    before_birth = aw.team_child.date_of_birth - datetime.timedelta(days=1)
    _refused(lambda: svc.assessment_start(actor=aw.sw, case=case, kind="family_support", started_on=before_birth,
                                          late_reason=REASON),
             "started_on", "on or after the date of birth")  # fmt: skip


@freeze_time(NOW)
def test_child_seen_is_a_dated_step_and_an_unchanged_date_is_not_asked_again(aw):
    a = svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=D(2025, 3, 3), late_reason=REASON)
    _refused(lambda: svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, child_seen_on=D(2025, 3, 5)),
             "late_reason", LATE_MESSAGE + " date the child was seen")  # fmt: skip
    _refused(lambda: svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, child_seen_on=D(2025, 3, 2),
                                           late_reason=REASON),
             "child_seen_on", "must be on or after the assessment start date (3 March 2025)")  # fmt: skip
    a = svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, child_seen_on=D(2025, 3, 5),
                              late_reason=REASON)  # fmt: skip
    e = event("casework.assessment_child_seen", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 5), REASON)
    # The page sends every field back: the same date again asks for nothing and records nothing new.
    a = svc.assessment_update(actor=aw.sw, assessment=a, expected_version=a.version, child_seen_on=D(2025, 3, 5),
                              analysis="More.")  # fmt: skip
    assert ChronologyEvent.objects.filter(kind="casework.assessment_child_seen").count() == 1


@freeze_time(NOW)
def test_editing_the_start_rechecks_the_child_seen_date_and_moves_the_clock(aw):
    a = _started(aw, on=D(2025, 3, 3), seen=D(2025, 3, 10))
    _refused(lambda: svc.assessment_update(actor=aw.sw, assessment=a, expected_version=a.version,
                                           started_on=D(2025, 3, 12), late_reason=REASON),
             "started_on",
             "The start date must be on or before the date the child was seen (10 March 2025)")  # fmt: skip
    a = svc.assessment_update(actor=aw.sw, assessment=a, expected_version=a.version, started_on=D(2025, 3, 7),
                              late_reason=REASON)  # fmt: skip
    a.refresh_from_db()
    assert (a.started_on, a.due_on) == (D(2025, 3, 7), calendar.add_working_days(D(2025, 3, 7), 45))
    e = event("casework.assessment_start_changed", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 7), REASON) and "was 3 March 2025" in e.summary


@freeze_time(NOW)
def test_submission_date_order_reason_and_default(aw):
    a = _started(aw, seen=D(2025, 3, 5))
    submit = svc.assessment_submit
    _refused(lambda: submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=D(2025, 3, 4),
                            late_reason=REASON),
             "completed_on", "The date the assessment was submitted must be on or after the date the child was seen "
             "(5 March 2025)")  # fmt: skip
    _refused(lambda: submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=D(2025, 3, 1),
                            late_reason=REASON),
             "completed_on", "on or after the assessment start date (3 March 2025)")  # fmt: skip
    _refused(lambda: submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=D(2025, 3, 20)),
             "late_reason", LATE_MESSAGE + " date the assessment was submitted")  # fmt: skip
    _refused(lambda: submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=D(2025, 6, 17)),
             "completed_on", "today or in the past")  # fmt: skip
    a = submit(actor=aw.sw, assessment=a, expected_version=a.version)
    assert a.completed_on == TODAY and event("casework.assessment_submitted", a).occurred_on == TODAY


@freeze_time(NOW)
def test_authorisation_counts_the_true_date(aw):
    a = _submitted(aw, on=D(2025, 3, 20))
    auth = svc.assessment_authorise
    _refused(lambda: auth(actor=aw.manager, assessment=a, expected_version=a.version, authorised_on=D(2025, 3, 19),
                          late_reason=REASON),
             "authorised_on", "The date of authorisation must be on or after the date the assessment was submitted "
             "(20 March 2025)")  # fmt: skip
    _refused(lambda: auth(actor=aw.manager, assessment=a, expected_version=a.version, authorised_on=D(2025, 3, 21)),
             "late_reason", LATE_MESSAGE + " date of authorisation")  # fmt: skip
    a = auth(actor=aw.manager, assessment=a, expected_version=a.version, authorised_on=D(2025, 3, 21),
             late_reason=REASON)  # fmt: skip
    a.refresh_from_db()
    assert a.authorised_on == D(2025, 3, 21)
    assert svc.assessment_in_time(a) is True  # 14 working days after 3 March; on the day (16 June) it would not be
    e = event("casework.assessment_authorised", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 21), REASON) and "(in timescale)" in e.summary


@freeze_time(NOW)
def test_return_date_and_a_resubmission_not_before_it(aw):
    a = _submitted(aw, on=D(2025, 3, 20))
    ret = svc.assessment_return
    _refused(lambda: ret(actor=aw.manager, assessment=a, comment="More", returned_on=D(2025, 3, 19),
                         late_reason=REASON),
             "returned_on", "on or after the date the assessment was submitted (20 March 2025)")  # fmt: skip
    a = ret(actor=aw.manager, assessment=a, comment="Add the school's view", returned_on=D(2025, 3, 24),
            late_reason=REASON)  # fmt: skip
    e = event("casework.assessment_returned", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 24), REASON)
    assert svc.last_returned_on(a) == D(2025, 3, 24)
    _refused(lambda: svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version,
                                           completed_on=D(2025, 3, 21), late_reason=REASON),
             "completed_on", "on or after the date the assessment was returned (24 March 2025)")  # fmt: skip
    a = svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version, completed_on=D(2025, 3, 26),
                              late_reason=REASON)  # fmt: skip
    assert a.completed_on == D(2025, 3, 26)


# --- Services: strategy discussions, section 47, conferences ---------------------------------------------
@freeze_time(NOW)
def test_strategy_discussion_and_s47_start_backdated(aw):
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 4, 10), agencies=["Police"],
                                                decision="s47", s47_started_on=D(2025, 4, 11),
                                                late_reason=REASON)  # fmt: skip
    enquiry = discussion.s47_enquiry
    assert (discussion.held_on, enquiry.started_on) == (D(2025, 4, 10), D(2025, 4, 11))
    assert enquiry.icpc_due_on == calendar.add_working_days(D(2025, 4, 11), 15)
    for kind, subject, day in [("casework.strategy_discussion", discussion, D(2025, 4, 10)),
                               ("casework.s47_started", enquiry, D(2025, 4, 11))]:  # fmt: skip
        e = event(kind, subject)
        assert (e.occurred_on, e.late_reason) == (day, REASON)


@freeze_time(NOW)
def test_strategy_discussion_defaults_and_the_enquiry_starts_with_it(aw):
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, agencies=["Police"], decision="s47")
    assert discussion.held_on == TODAY and discussion.s47_enquiry.started_on == TODAY


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"held_on": D(2025, 4, 10)}, "late_reason", LATE_MESSAGE + " date of the strategy discussion"),
        ({"held_on": D(2025, 6, 18), "late_reason": REASON}, "held_on", "today or in the past"),
        ({"held_on": D(2024, 11, 29), "late_reason": REASON}, "held_on",
         "The date of the strategy discussion must be on or after the referral date (2 December 2024)"),
        ({"held_on": D(2025, 4, 10), "s47_started_on": D(2025, 4, 9), "late_reason": REASON}, "s47_started_on",
         "The date the section 47 enquiry started must be on or after the date of the strategy discussion "
         "(10 April 2025)"),
        ({"held_on": D(2025, 4, 10), "s47_started_on": D(2025, 4, 11), "decision": "nfa", "late_reason": REASON},
         "s47_started_on", "Only a discussion that starts a section 47 enquiry"),
    ],
)  # fmt: skip
def test_strategy_discussion_refusals_write_nothing(aw, kwargs, field, text):
    values = {"agencies": ["Police"], "decision": "s47", **kwargs}
    _refused(lambda: svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, **values), field, text)


@freeze_time(NOW)
def test_s47_conclusion_order_reason_and_default(aw):
    e = _enquiry(aw, held=D(2025, 4, 10))
    conclude = svc.s47_conclude
    common = {"actor": aw.sw, "enquiry": e, "outcome": "icpc", "expected_version": e.version}
    _refused(lambda: conclude(**common, concluded_on=D(2025, 4, 9), child_seen_on=D(2025, 4, 11), late_reason=REASON),
             "concluded_on", "The date the enquiry concluded must be on or after the start of the section 47 "
             "enquiry (10 April 2025)")  # fmt: skip
    _refused(lambda: conclude(**common, concluded_on=D(2025, 4, 25), child_seen_on=D(2025, 4, 28),
                              late_reason=REASON),
             "child_seen_on", "must be on or before the date the enquiry concluded (25 April 2025)")  # fmt: skip
    _refused(lambda: conclude(**common, concluded_on=D(2025, 4, 25), child_seen_on=D(2025, 4, 11)),
             "late_reason", LATE_MESSAGE)  # fmt: skip
    done = conclude(**common, child_seen_on=D(2025, 6, 13))
    assert done.concluded_on == TODAY
    ev = event("casework.s47_concluded", done)
    assert (ev.occurred_on, ev.late_reason) == (TODAY, "")


@freeze_time(NOW)
def test_s47_conclusion_backdated_with_a_reason(aw):
    e = _concluded(aw, on=D(2025, 4, 25), seen=D(2025, 4, 11))
    assert (e.concluded_on, e.child_seen_on) == (D(2025, 4, 25), D(2025, 4, 11))
    ev = event("casework.s47_concluded", e)
    assert (ev.occurred_on, ev.late_reason) == (D(2025, 4, 25), REASON)


@freeze_time(NOW)
def test_conference_order_reason_backdated_and_default(aw):
    e = _concluded(aw, on=D(2025, 4, 25))
    icpc = svc.icpc_record
    common = {"actor": aw.sw, "enquiry": e, "icpc_outcome": "cp_plan", "expected_version": e.version}
    _refused(lambda: icpc(**common, icpc_on=D(2025, 4, 24), late_reason=REASON),
             "icpc_on", "The date of the conference must be on or after the date the enquiry concluded "
             "(25 April 2025)")  # fmt: skip
    _refused(lambda: icpc(**common, icpc_on=D(2025, 4, 9), late_reason=REASON),
             "icpc_on", "on or after the start of the section 47 enquiry (10 April 2025)")  # fmt: skip
    _refused(lambda: icpc(**common, icpc_on=D(2025, 4, 28)), "late_reason", LATE_MESSAGE + " date of the conference")
    done = icpc(**common, icpc_on=D(2025, 4, 28), late_reason=REASON)
    assert done.icpc_on == D(2025, 4, 28) and svc.icpc_in_time(done) is True
    ev = event("casework.icpc", done)
    assert (ev.occurred_on, ev.late_reason) == (D(2025, 4, 28), REASON)


@freeze_time(NOW)
def test_conference_defaults_to_today(aw):
    e = _concluded(aw)
    done = svc.icpc_record(actor=aw.sw, enquiry=e, icpc_outcome="nfa", expected_version=e.version)
    assert done.icpc_on == TODAY and event("casework.icpc", done).occurred_on == TODAY


# --- API ----------------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_api_assessment_backdated_by_months_with_reasons_is_in_time_on_its_true_dates(aw, api_as):
    sw, manager = api_as(aw.sw), api_as(aw.manager)
    r = sw.post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single", "started_on": "2025-01-06",
                                         "late_reason": REASON}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["effective"] == {"field": "started_on", "value": "2025-01-06", "defaulted": False}
    url = f"/api/v1/assessments/{r.json()['id']}/"
    r = sw.patch(url, {"version": 1, "child_seen_on": "2025-01-09", "factors": ["3B"], "analysis": "Worried.",
                       "outcome": "plan", "late_reason": REASON}, format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["effective"] == {"field": "child_seen_on", "value": "2025-01-09", "defaulted": False}
    r = sw.post(f"{url}submit/", {"version": 2, "completed_on": "2025-02-28", "late_reason": REASON}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["completed_on"], r.json()["effective"]["defaulted"]) == ("2025-02-28", False)
    r = manager.post(f"{url}authorise/", {"version": 3, "authorised_on": "2025-03-07", "late_reason": REASON},
                     format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["authorised_on"], body["in_time"]) == ("authorised", "2025-03-07", True)
    assert body["effective"] == {"field": "authorised_on", "value": "2025-03-07", "defaulted": False}
    a = Assessment.objects.get()
    assert a.authorised_on == D(2025, 3, 7) and svc.assessment_in_time(a) is True
    assert not calendar.within_working_days(D(2025, 1, 6), TODAY, 45)  # stamped today it would be out of time
    chronology = {
        e.kind: (e.occurred_on, e.late_reason)
        for e in ChronologyEvent.objects.filter(kind__startswith="casework.assessment")
    }
    assert chronology == {
        "casework.assessment_started": (D(2025, 1, 6), REASON),
        "casework.assessment_child_seen": (D(2025, 1, 9), REASON),
        "casework.assessment_submitted": (D(2025, 2, 28), REASON),
        "casework.assessment_authorised": (D(2025, 3, 7), REASON),
    }


@freeze_time(NOW)
def test_api_dates_default_to_today_and_say_so(aw, api_as):
    sw, manager = api_as(aw.sw), api_as(aw.manager)
    r = sw.post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single"}, format="json")
    assert r.json()["effective"] == {"field": "started_on", "value": "2025-06-16", "defaulted": True}
    url = f"/api/v1/assessments/{r.json()['id']}/"
    r = sw.patch(url, {"version": 1, "analysis": "Just text"}, format="json")
    assert r.status_code == 200 and r.json()["effective"] is None  # no dated step moved
    sw.patch(url, {"version": 2, "child_seen_on": "2025-06-16", "factors": ["3B"], "outcome": "plan"}, format="json")
    r = sw.post(f"{url}submit/", {"version": 3}, format="json")
    assert r.json()["effective"] == {"field": "completed_on", "value": "2025-06-16", "defaulted": True}
    r = manager.post(f"{url}return/", {"comment": "More", "returned_on": None}, format="json")
    assert r.json()["effective"] == {"field": "returned_on", "value": "2025-06-16", "defaulted": True}
    sw.post(f"{url}submit/", {"version": 5}, format="json")
    r = manager.post(f"{url}authorise/", {"version": 6}, format="json")
    assert r.json()["effective"] == {"field": "authorised_on", "value": "2025-06-16", "defaulted": True}
    assert r.json()["authorised_on"] == "2025-06-16"


@freeze_time(NOW)
def test_api_refusals_are_400s_naming_the_other_step_and_write_nothing(aw, api_as):
    a = _submitted(aw, on=D(2025, 3, 20))
    url = f"/api/v1/assessments/{a.pk}/"
    manager = api_as(aw.manager)
    events = ChronologyEvent.objects.count()
    cases = [
        ({"authorised_on": "2025-03-19", "late_reason": REASON}, "authorised_on",
         "The date of authorisation must be on or after the date the assessment was submitted (20 March 2025)"),
        ({"authorised_on": "2025-03-21"}, "late_reason", LATE_MESSAGE + " date of authorisation"),
        ({"authorised_on": "2025-06-17", "late_reason": REASON}, "authorised_on",
         "The date of authorisation must be today or in the past"),
    ]  # fmt: skip
    for payload, field, message in cases:
        r = manager.post(f"{url}authorise/", {"version": a.version, **payload}, format="json")
        assert r.status_code == 400 and r.json() == {field: [message]}, r.content
    r = manager.post(f"{url}return/", {"comment": "More", "returned_on": "2025-03-01", "late_reason": REASON},
                     format="json")  # fmt: skip
    assert r.status_code == 400 and "(20 March 2025)" in r.json()["returned_on"][0]
    a.refresh_from_db()
    assert (a.status, a.authorised_on, ChronologyEvent.objects.count()) == ("submitted", None, events)


@freeze_time(NOW)
def test_api_strategy_s47_and_conference_backdated_with_reasons(aw, api_as):
    sw = api_as(aw.sw)
    payload = {"case": str(aw.l4.pk), "agencies": ["Police"], "decision": "s47", "held_on": "2025-04-10"}
    r = sw.post("/api/v1/strategy-discussions/", payload, format="json")
    assert r.status_code == 400 and LATE_MESSAGE in r.json()["late_reason"][0]
    r = sw.post("/api/v1/strategy-discussions/", {**payload, "s47_started_on": "2025-04-09", "late_reason": REASON},
                format="json")  # fmt: skip
    assert r.status_code == 400 and "(10 April 2025)" in r.json()["s47_started_on"][0]
    assert not StrategyDiscussion.objects.exists() and not ChronologyEvent.objects.filter(kind__startswith="casework.s")
    r = sw.post("/api/v1/strategy-discussions/", {**payload, "late_reason": REASON}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["effective"] == {"field": "held_on", "value": "2025-04-10", "defaulted": False}
    url = f"/api/v1/s47-enquiries/{r.json()['s47_enquiry']}/"
    conclusion = {"version": 1, "outcome": "icpc", "concluded_on": "2025-04-25", "child_seen_on": "2025-04-11"}
    r = sw.post(f"{url}conclude/", conclusion, format="json")
    assert r.status_code == 400 and list(r.json()) == ["late_reason"]
    r = sw.post(f"{url}conclude/", {**conclusion, "child_seen_on": "2025-04-28", "late_reason": REASON},
                format="json")  # fmt: skip
    assert r.status_code == 400 and "(25 April 2025)" in r.json()["child_seen_on"][0]
    r = sw.post(f"{url}conclude/", {**conclusion, "late_reason": REASON}, format="json")
    assert r.status_code == 200 and r.json()["effective"]["value"] == "2025-04-25"
    r = sw.post(f"{url}icpc/", {"version": 2, "icpc_on": "2025-04-24", "icpc_outcome": "cp_plan",
                                "late_reason": REASON}, format="json")  # fmt: skip
    assert r.status_code == 400
    assert r.json() == {"icpc_on": ["The date of the conference must be on or after the date the enquiry concluded "
                                    "(25 April 2025)"]}  # fmt: skip
    r = sw.post(f"{url}icpc/", {"version": 2, "icpc_on": "2025-04-28", "icpc_outcome": "cp_plan",
                                "late_reason": REASON}, format="json")  # fmt: skip
    assert r.status_code == 200 and r.json()["icpc_in_time"] is True
    assert r.json()["effective"] == {"field": "icpc_on", "value": "2025-04-28", "defaulted": False}
    kinds = ["casework.strategy_discussion", "casework.s47_started", "casework.s47_concluded", "casework.icpc"]
    stored = {e.kind: (e.occurred_on, e.late_reason) for e in ChronologyEvent.objects.filter(kind__in=kinds)}
    assert stored == {
        "casework.strategy_discussion": (D(2025, 4, 10), REASON),
        "casework.s47_started": (D(2025, 4, 10), REASON),
        "casework.s47_concluded": (D(2025, 4, 25), REASON),
        "casework.icpc": (D(2025, 4, 28), REASON),
    }


@freeze_time(NOW)
def test_api_strategy_conclusion_and_conference_default_to_today(aw, api_as):
    sw = api_as(aw.sw)
    r = sw.post("/api/v1/strategy-discussions/", {"case": str(aw.l4.pk), "agencies": ["Police"], "decision": "s47"},
                format="json")  # fmt: skip
    assert r.json()["effective"] == {"field": "held_on", "value": "2025-06-16", "defaulted": True}
    url = f"/api/v1/s47-enquiries/{r.json()['s47_enquiry']}/"
    r = sw.post(f"{url}conclude/", {"version": 1, "outcome": "icpc", "child_seen_on": "2025-06-16"}, format="json")
    assert r.json()["effective"] == {"field": "concluded_on", "value": "2025-06-16", "defaulted": True}
    r = sw.post(f"{url}icpc/", {"version": 2, "icpc_outcome": "nfa"}, format="json")
    assert r.json()["effective"] == {"field": "icpc_on", "value": "2025-06-16", "defaulted": True}


@freeze_time(NOW)
def test_schema_documents_each_date_its_default_and_the_effective_block(aw, api_as):
    schema = api_as(aw.sw).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for name, field in [
        ("AssessmentCreate", "started_on"),
        ("AssessmentSubmit", "completed_on"),
        ("AssessmentAuthorise", "authorised_on"),
        ("AssessmentReturn", "returned_on"),
        ("StrategyDiscussionCreate", "held_on"),
        ("S47Conclude", "concluded_on"),
        ("ICPC", "icpc_on"),
    ]:
        props = components[f"{name}Request"]["properties"]  # COMPONENT_SPLIT_REQUEST
        assert "defaults to today" in props[field]["description"], (name, field)
        assert "late_reason" in props, name
    assert "defaults to the day of the discussion" in components["StrategyDiscussionCreateRequest"]["properties"][
        "s47_started_on"]["description"]  # fmt: skip
    for name in ("AssessmentStep", "StrategyDiscussionStep", "S47Step"):
        assert "effective" in components[name]["properties"], name
    submit = schema["paths"]["/api/v1/assessments/{id}/submit/"]["post"]
    assert submit["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("AssessmentStep")


# --- Pages ----------------------------------------------------------------------------------------------
def _date(name: str, d: D | None) -> dict[str, str]:
    if d is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def _today_in(name: str, html: str) -> bool:
    """Does the page's GOV.UK date input for this field show today (16 6 2025)?"""
    parts = {part: re.search(rf'name="{name}_{part}"[^>]*value="([^"]*)"', html) for part in ("day", "month", "year")}
    return all(parts.values()) and [m.group(1) for m in parts.values() if m] == ["16", "6", "2025"]


def _summary(response) -> list[str]:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, html[:500]
    body = html.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", body, re.S)]


@freeze_time(NOW)
def test_start_page_backdated_needs_a_reason_and_stores_it(aw, client_for):
    c = client_for(aw.sw)
    url = reverse("casework:assessment_start", kwargs={"pk": aw.l4.pk})
    page = c.get(url).content.decode()
    assert _today_in("started_on", page) and 'name="late_reason"' in page  # today by default
    r = c.post(url, _date("started_on", D(2025, 3, 3)))
    assert _summary(r) == [LATE_MESSAGE + " start date"] and not Assessment.objects.exists()
    r = c.post(url, _date("started_on", D(2025, 6, 17)))
    assert _summary(r) == ["The start date must be today or in the past"]
    r = c.post(url, {**_date("started_on", D(2025, 3, 3)), "late_reason": REASON})
    assert r.status_code == 302
    a = Assessment.objects.get()
    e = event("casework.assessment_started", a)
    assert (a.started_on, e.occurred_on, e.late_reason) == (D(2025, 3, 3), D(2025, 3, 3), REASON)


@freeze_time(NOW)
def test_start_page_without_a_date_starts_today(aw, client_for):
    r = client_for(aw.sw).post(reverse("casework:assessment_start", kwargs={"pk": aw.l4.pk}), _date("started_on", None))
    assert r.status_code == 302 and Assessment.objects.get().started_on == TODAY


@freeze_time(NOW)
def test_edit_page_submits_on_the_date_given_and_refuses_one_before_the_child_was_seen(aw, client_for):
    a = svc.assessment_start(actor=aw.sw, case=aw.l4, kind="single", started_on=D(2025, 3, 3), late_reason=REASON)
    c = client_for(aw.sw)
    url = reverse("casework:assessment_edit", kwargs={"pk": a.pk})
    assert _today_in("completed_on", c.get(url).content.decode())
    data = {"version": "1", "action": "submit", "factors": ["3B"], "analysis": "Worried.", "outcome": "plan",
            **_date("started_on", D(2025, 3, 3)), **_date("child_seen_on", D(2025, 3, 5)),
            **_date("completed_on", D(2025, 3, 4)), "late_reason": REASON}  # fmt: skip
    r = c.post(url, data)
    assert _summary(r) == [
        "The date the assessment was submitted must be on or after the date the child was seen (5 March 2025)"
    ]
    a.refresh_from_db()
    assert (a.status, a.child_seen_on, a.version) == ("in_progress", None, 1)  # the save rolled back too
    r = c.post(url, {**data, "late_reason": "", **_date("completed_on", D(2025, 3, 20))})
    assert _summary(r) == [LATE_MESSAGE + " date the child was seen"]
    r = c.post(url, {**data, **_date("completed_on", D(2025, 3, 20))})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.child_seen_on, a.completed_on) == ("submitted", D(2025, 3, 5), D(2025, 3, 20))
    e = event("casework.assessment_submitted", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 20), REASON)


@freeze_time(NOW)
def test_authorise_page_takes_the_decision_date_with_a_reason(aw, client_for):
    a = _submitted(aw, on=D(2025, 3, 20))
    c = client_for(aw.manager)
    url = reverse("casework:assessment_authorise", kwargs={"pk": a.pk})
    page = c.get(url).content.decode()
    assert _today_in("decided_on", page) and 'name="late_reason"' in page
    base = {"version": str(a.version), "action": "authorise", "comment": ""}
    r = c.post(url, {**base, **_date("decided_on", D(2025, 3, 19)), "late_reason": REASON})
    assert _summary(r) == [
        "The date of authorisation must be on or after the date the assessment was submitted (20 March 2025)"
    ]
    r = c.post(url, {**base, **_date("decided_on", D(2025, 3, 24))})
    assert _summary(r) == [LATE_MESSAGE + " date of authorisation"]
    r = c.post(url, {**base, "action": "return", "comment": "More", **_date("decided_on", D(2025, 3, 1)),
                     "late_reason": REASON})  # fmt: skip
    assert _summary(r) == [
        "The date the assessment was returned must be on or after the date the assessment was submitted (20 March 2025)"
    ]
    a.refresh_from_db()
    assert (a.status, a.authorised_on) == ("submitted", None)
    r = c.post(url, {**base, **_date("decided_on", D(2025, 3, 24)), "late_reason": REASON})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.authorised_on == D(2025, 3, 24) and svc.assessment_in_time(a) is True
    e = event("casework.assessment_authorised", a)
    assert (e.occurred_on, e.late_reason) == (D(2025, 3, 24), REASON)


@freeze_time(NOW)
def test_strategy_conclude_and_conference_pages_backdated(aw, client_for):
    c = client_for(aw.sw)
    url = reverse("casework:strategy_discussion_add", kwargs={"pk": aw.l4.pk})
    assert _today_in("held_on", c.get(url).content.decode())
    data = {**_date("held_on", D(2025, 4, 10)), **_date("s47_started_on", D(2025, 4, 11)), "agencies": ["Police"],
            "decision": "s47", "notes": ""}  # fmt: skip
    r = c.post(url, data)
    assert _summary(r) == [LATE_MESSAGE + " date of the strategy discussion"]
    r = c.post(url, {**data, **_date("s47_started_on", D(2025, 4, 9)), "late_reason": REASON})
    assert _summary(r) == [
        "The date the section 47 enquiry started must be on or after the date of the strategy discussion "
        "(10 April 2025)"
    ]
    assert not StrategyDiscussion.objects.exists()
    r = c.post(url, {**data, "late_reason": REASON})
    enquiry = S47Enquiry.objects.get()
    assert r.status_code == 302 and enquiry.started_on == D(2025, 4, 11)
    conclude = reverse("casework:s47_conclude", kwargs={"pk": enquiry.pk})
    assert _today_in("concluded_on", c.get(conclude).content.decode())
    conclusion = {"version": "1", "outcome": "icpc", **_date("concluded_on", D(2025, 4, 25)),
                  **_date("child_seen_on", D(2025, 4, 28)), "late_reason": REASON}  # fmt: skip
    assert _summary(c.post(conclude, conclusion)) == [
        "The date the child was seen must be on or before the date the enquiry concluded (25 April 2025)"
    ]
    assert _summary(c.post(conclude, {**conclusion, **_date("child_seen_on", D(2025, 4, 14)), "late_reason": ""})) == [
        LATE_MESSAGE + " date the enquiry concluded"
    ]
    assert c.post(conclude, {**conclusion, **_date("child_seen_on", D(2025, 4, 14))}).status_code == 302
    icpc = reverse("casework:icpc_record", kwargs={"pk": enquiry.pk})
    assert _today_in("icpc_on", c.get(icpc).content.decode())
    conference = {"version": "2", "icpc_outcome": "cin_plan", **_date("icpc_on", D(2025, 4, 28))}
    assert _summary(c.post(icpc, conference)) == [LATE_MESSAGE + " date of the conference"]
    assert c.post(icpc, {**conference, "late_reason": REASON}).status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.concluded_on, enquiry.child_seen_on, enquiry.icpc_on) == (
        D(2025, 4, 25), D(2025, 4, 14), D(2025, 4, 28)
    )  # fmt: skip
    stored = {e.kind: (e.occurred_on, e.late_reason) for e in ChronologyEvent.objects.filter(person=aw.own)}
    assert stored == {
        "casework.strategy_discussion": (D(2025, 4, 10), REASON),
        "casework.s47_started": (D(2025, 4, 11), REASON),
        "casework.s47_concluded": (D(2025, 4, 25), REASON),
        "casework.icpc": (D(2025, 4, 28), REASON),
    }
