"""One journey through the REST API only, every step backdated by months with a reason, leaves exactly what the
same journey recorded on the day leaves: the stored dates, the chronology, the CIN census and the measures."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from freezegun import freeze_time

from familyhelp.casework.models import Assessment, Case
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.frontdoor.models import Contact
from tests.time_truth.journeys import LATE_REASON, TODAY, at, fingerprint

D = datetime.date
# When each step happened: a referral in January 2025 whose assessment was authorised in March 2025, just before
# the census date, and closed in April. Recorded late, everything is typed on TODAY (September 2026).
RECEIVED = at(D(2025, 1, 10), 9, 15)
PROPOSED = at(D(2025, 1, 10), 16, 0)
AUTHORISED = at(D(2025, 1, 13), 10, 0)  # Monday after
ALLOCATED = D(2025, 1, 14)
STARTED = D(2025, 1, 15)
SEEN = D(2025, 1, 20)
SUBMITTED = D(2025, 3, 7)
ASSESSMENT_AUTHORISED = D(2025, 3, 31)
CLOSED = D(2025, 4, 2)


def _journey(w: Any, api_as: Any, *, late: bool) -> dict[int, dict[str, Any]]:
    """Drive the journey through the API. Late: all on TODAY with dates and reasons. On the day: the clock at
    each step's moment and no dates sent (the API defaults them and says so)."""

    def when(moment: datetime.datetime | D) -> Any:
        if late:
            return freeze_time(at(TODAY, 15))
        return freeze_time(moment if isinstance(moment, datetime.datetime) else at(moment, 12))

    def dated(field: str, value: Any) -> dict[str, Any]:
        return {field: value.isoformat(), "late_reason": LATE_REASON} if late else {}

    def ok(response: Any, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.json()
        return response.json()

    def says_defaulted(body: dict[str, Any], field: str) -> None:
        assert body["effective"]["field"] == field
        assert body["effective"]["defaulted"] is (not late)

    # Each step signs in afresh at its own moment (sessions time out when idle, as they do for people).
    with when(RECEIVED):
        fdc = api_as(w.frontdoor)
        # The contact's received time is always given (it is when the call came in), on the day too.
        contact = ok(fdc.post("/api/v1/contacts/", {
            "children": [{"given_names": "Zoë", "family_name": "O'Brien"}], "received_at": RECEIVED.isoformat(),
            "referral_source": "2A", "concerns": "Bruising seen at school.", "consent": "given",
            **({"late_reason": LATE_REASON} if late else {})}, format="json"), 201)[0]
        ok(fdc.post(f"/api/v1/contacts/{contact['id']}/identify-child/", {"person": str(w.own.pk)}, format="json"))
    with when(PROPOSED):
        fdc = api_as(w.frontdoor)
        decision = ok(fdc.post(f"/api/v1/contacts/{contact['id']}/decision/", {
            "level": 4, "outcome": "single_assessment", "rationale": "Injury needs assessing", "primary_need": "N1",
            **dated("proposed_at", PROPOSED)}, format="json"), 201)
    with when(AUTHORISED):
        authorised = ok(api_as(w.fd_manager).post(f"/api/v1/decisions/{decision['id']}/authorise/",
                                 dated("authorised_at", AUTHORISED), format="json"))
        says_defaulted(authorised, "authorised_at")
        case_id = authorised["case"]["id"]
        assert authorised["cin_episode"]["referral_date"] == "2025-01-10"  # the contact's date
        assert authorised["case"]["opened_on"] == "2025-01-13"  # the authorisation's date
    with when(ALLOCATED):
        mgr = api_as(w.manager)
        version = ok(mgr.get(f"/api/v1/cases/{case_id}/"))["version"]
        body = ok(mgr.post(f"/api/v1/cases/{case_id}/allocate/", {
            "worker": str(w.sw.pk), "version": version, **dated("allocated_on", ALLOCATED)}, format="json"))
        says_defaulted(body, "allocated_on")
    with when(STARTED):
        assessment = ok(api_as(w.sw).post("/api/v1/assessments/", {
            "case": case_id, "kind": "single", **dated("started_on", STARTED)}, format="json"), 201)
        says_defaulted(assessment, "started_on")
    with when(SEEN):
        assessment = ok(api_as(w.sw).patch(f"/api/v1/assessments/{assessment['id']}/", {
            "version": assessment["version"], "child_seen_on": SEEN.isoformat(), "factors": ["2B"],
            "analysis": "Bruise explained; parents engaged.", "outcome": "close",
            **({"late_reason": LATE_REASON} if late else {})}, format="json"))
    with when(SUBMITTED):
        assessment = ok(api_as(w.sw).post(f"/api/v1/assessments/{assessment['id']}/submit/", {
            "version": assessment["version"], **dated("completed_on", SUBMITTED)}, format="json"))
        says_defaulted(assessment, "completed_on")
    with when(ASSESSMENT_AUTHORISED):
        assessment = ok(api_as(w.manager).post(f"/api/v1/assessments/{assessment['id']}/authorise/", {
            "version": assessment["version"], **dated("authorised_on", ASSESSMENT_AUTHORISED)}, format="json"))
        says_defaulted(assessment, "authorised_on")
    with when(CLOSED):
        mgr = api_as(w.manager)
        version = ok(mgr.get(f"/api/v1/cases/{case_id}/"))["version"]
        body = ok(mgr.post(f"/api/v1/cases/{case_id}/close/", {
            "closure_reason": "RC8", "step_down_to": "universal", "closing_summary": "No further action.",
            "version": version, **dated("closed_on", CLOSED)}, format="json"))
        says_defaulted(body, "closed_on")
    return {0: {
        "child": w.own,
        "contact": Contact.objects.get(pk=contact["id"]),
        "case": Case.objects.get(pk=case_id),
        "assessment": Assessment.objects.get(pk=assessment["id"]),
    }}


def _recorded(w: Any, api_as: Any, *, late: bool) -> dict[str, Any]:
    with transaction.atomic():
        state = _journey(w, api_as, late=late)
        result = fingerprint(state)
        result["late_reasons"] = sorted(
            (e.kind, e.late_reason) for e in ChronologyEvent.objects.filter(person=w.own) if e.late_reason
        )
        transaction.set_rollback(True)
    return result


def test_a_journey_backdated_through_the_api_equals_the_same_journey_on_the_day(tw, api_as):
    on_the_day = _recorded(tw, api_as, late=False)
    late = _recorded(tw, api_as, late=True)
    (row,) = late["stored"]
    assert row["received_at"] == RECEIVED and row["proposed_at"] == PROPOSED
    assert row["authorised_at"] == AUTHORISED and row["decided_at"] == AUTHORISED
    assert (row["opened_on"], row["referral_date"], row["allocated_on"]) == (D(2025, 1, 13), D(2025, 1, 10), ALLOCATED)
    assert (row["started_on"], row["child_seen_on"], row["completed_on"]) == (STARTED, SEEN, SUBMITTED)
    assert row["assessment_authorised_on"] == ASSESSMENT_AUTHORISED
    assert row["closed_on"] == row["episode_closed_on"] == CLOSED
    assert late["stored"] == on_the_day["stored"]
    assert late["census"] == on_the_day["census"]
    assert late["measures"] == on_the_day["measures"]
    # The census for 2024-25 carries the assessment authorised on 31 March 2025.
    assert b"<AssessmentAuthorisationDate>2025-03-31</AssessmentAuthorisationDate>" in late["census"][2025]
    # Every late step carries the reason in the chronology; nothing on the day does.
    assert not on_the_day["late_reasons"], on_the_day["late_reasons"]
    kinds = {kind for kind, reason in late["late_reasons"] if reason == LATE_REASON}
    assert {"frontdoor.decision", "casework.assessment_authorised", "casework.assessment_submitted"} <= kinds
