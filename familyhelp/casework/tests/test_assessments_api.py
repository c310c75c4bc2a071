"""The assessments, strategy discussions and section 47 enquiries API: field-level 400s, 403s, 409s, scope."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.tests.assessments_helpers import build_aw
from familyhelp.chronology.models import ChronologyEvent

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world):
    return build_aw(world)


@pytest.fixture
def api_as():
    """An API client signed in (by session) as the user (none of these roles needs a second factor)."""

    def login(user):
        client = APIClient()
        client.force_login(user)
        return client

    return login


@freeze_time("2024-12-30 10:00")
def test_assessment_lifecycle_through_the_api(aw, api_as):
    sw, manager = api_as(aw.sw), api_as(aw.manager)
    r = sw.post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single", "started_on": "2024-12-20",
                                         "late_reason": "Typed up late"}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["due_on"], body["status"], body["cin_episode"]) == ("2025-02-26", "in_progress", str(aw.episode.pk))
    assert body["clock"] == {"due_on": "2025-02-26", "working_days_left": 41, "overdue": False}
    url = f"/api/v1/assessments/{body['id']}/"
    r = sw.patch(url, {"version": 1, "factors": ["3B", "XX"], "child_seen_on": "2024-12-31"}, format="json")
    assert r.status_code == 400
    assert set(r.json()) == {"factors", "child_seen_on"}
    r = sw.patch(url, {"version": 1, "factors": ["3B"], "child_seen_on": "2024-12-23", "analysis": "Worried."},
                 format="json")  # fmt: skip
    assert r.status_code == 200 and r.json()["version"] == 2
    r = sw.patch(url, {"version": 1, "analysis": "Stale"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "concurrent_edit"
    r = sw.post(f"{url}submit/", {"version": 2}, format="json")
    assert r.status_code == 400 and r.json() == {"outcome": ["Choose the outcome of the assessment"]}
    sw.patch(url, {"version": 2, "outcome": "plan"}, format="json")
    r = sw.post(f"{url}submit/", {"version": 3}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert sw.post(f"{url}authorise/", {"version": 4}, format="json").status_code == 403
    r = manager.post(f"{url}return/", {"comment": ""}, format="json")
    assert r.status_code == 400 and "comment" in r.json()
    r = manager.post(f"{url}return/", {"comment": "Add the school's view."}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert r.json()["return_comment"] == "Add the school's view."
    sw.post(f"{url}submit/", {"version": 5}, format="json")
    r = manager.post(f"{url}authorise/", {"version": 6}, format="json")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["authorised_on"], r.json()["in_time"], r.json()["clock"]) == (
        "authorised", "2024-12-30", True, None
    )  # fmt: skip
    events = ChronologyEvent.objects.filter(kind__startswith="casework.assessment")
    kinds = sorted(events.values_list("kind", flat=True))
    assert kinds == [
        "casework.assessment_authorised",
        "casework.assessment_child_seen",
        "casework.assessment_returned",
        "casework.assessment_started",
        "casework.assessment_submitted",
        "casework.assessment_submitted",
    ]


@freeze_time("2024-12-30 10:00")
def test_create_refusals_are_field_level_and_write_nothing(aw, api_as):
    sw = api_as(aw.sw)
    r = sw.post("/api/v1/assessments/", {"case": str(aw.l3.pk), "kind": "single", "started_on": "2024-12-20"},
                format="json")  # fmt: skip
    assert r.status_code == 400 and "level 4" in r.json()["kind"][0]
    r = sw.post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single", "started_on": "2025-01-02"},
                format="json")  # fmt: skip
    assert r.status_code == 400 and r.json() == {"started_on": ["The start date must be today or in the past"]}
    r = sw.post("/api/v1/assessments/", {"kind": "unknown"}, format="json")
    assert r.status_code == 400 and {"case", "kind"} <= set(r.json())  # started_on defaults to today (issue 13)
    r = sw.post("/api/v1/assessments/", {"case": "4b0e5a52-2a89-4c4e-9d0b-2b3b4b3b4b3b", "kind": "single",
                                         "started_on": "2024-12-20"}, format="json")  # fmt: skip
    assert r.status_code == 400 and r.json() == {"case": ["There is no case with this ID"]}
    r = api_as(aw.cp_worker).post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single",
                                                           "started_on": "2024-12-20"}, format="json")  # fmt: skip
    assert r.status_code == 403
    assert not Assessment.objects.exists()


@freeze_time("2024-12-30 10:00")
def test_lists_are_scoped(aw, api_as):
    api_as(aw.sw).post("/api/v1/assessments/", {"case": str(aw.l4.pk), "kind": "single", "started_on": "2024-12-20",
                                                "late_reason": "Typed up late"}, format="json")  # fmt: skip
    assert api_as(aw.manager).get("/api/v1/assessments/").json()["count"] == 1
    assert api_as(aw.cp_worker).get("/api/v1/assessments/").json()["count"] == 0
    assert api_as(aw.cp_worker).get(f"/api/v1/assessments/?case={aw.l4.pk}").status_code == 403
    assert api_as(aw.sw).get("/api/v1/assessments/?status=bogus").status_code == 400
    assert api_as(aw.analyst).get("/api/v1/assessments/").status_code == 403


@freeze_time("2025-04-10 10:00")
def test_strategy_discussion_s47_and_icpc_through_the_api(aw, api_as):
    sw = api_as(aw.sw)
    payload = {"case": str(aw.l4.pk), "held_on": "2025-04-10", "agencies": ["Health"], "decision": "s47"}
    r = sw.post("/api/v1/strategy-discussions/", payload, format="json")
    assert r.status_code == 400 and r.json() == {"agencies": ["A strategy discussion must include the police"]}
    r = sw.post("/api/v1/strategy-discussions/", {**payload, "case": str(aw.l3.pk), "agencies": ["Police"]},
                format="json")  # fmt: skip
    assert r.status_code == 400 and "step the case up first" in r.json()["non_field_errors"][0]
    assert not StrategyDiscussion.objects.exists()
    r = sw.post("/api/v1/strategy-discussions/", {**payload, "agencies": ["Police", "Health"]}, format="json")
    assert r.status_code == 201
    enquiry_id = r.json()["s47_enquiry"]
    r = sw.post("/api/v1/strategy-discussions/", {**payload, "agencies": ["Police"]}, format="json")
    assert r.status_code == 400 and "already open" in r.json()["decision"][0]
    enquiry = sw.get(f"/api/v1/s47-enquiries/{enquiry_id}/").json()
    assert enquiry["icpc_due_on"] == "2025-05-06" and enquiry["icpc_clock"]["working_days_left"] == 15
    assert sw.get(f"/api/v1/strategy-discussions/?case={aw.l4.pk}").json()["count"] == 1
    assert sw.get("/api/v1/strategy-discussions/").json()["count"] == 1
    assert api_as(aw.cp_worker).get("/api/v1/strategy-discussions/").json()["count"] == 0
    url = f"/api/v1/s47-enquiries/{enquiry_id}/"
    r = sw.post(f"{url}icpc/", {"version": 1, "icpc_on": "2025-04-10", "icpc_outcome": "cp_plan"}, format="json")
    assert r.status_code == 400
    with freeze_time("2025-05-06 10:00"):
        sw = api_as(aw.sw)  # a new session: the one above has expired by now
        r = sw.post(f"{url}conclude/", {"version": 1, "outcome": "icpc", "concluded_on": "2025-04-25",
                                        "child_seen_on": "2025-04-11", "late_reason": "Police report came late"},
                    format="json")  # fmt: skip
        assert r.status_code == 200 and r.json()["outcome"] == "icpc"
        r = sw.post(f"{url}icpc/", {"version": 1, "icpc_on": "2025-05-06", "icpc_outcome": "cp_plan"}, format="json")
        assert r.status_code == 409
        r = sw.post(f"{url}icpc/", {"version": 2, "icpc_on": "2025-04-09", "icpc_outcome": "cp_plan"}, format="json")
        assert r.status_code == 400 and "icpc_on" in r.json()
        r = sw.post(f"{url}icpc/", {"version": 2, "icpc_on": "2025-05-06", "icpc_outcome": "cp_plan"}, format="json")
        assert r.status_code == 200 and r.json()["icpc_in_time"] is True and r.json()["icpc_clock"] is None
    assert S47Enquiry.objects.get().icpc_outcome == "cp_plan"
    assert api_as(aw.specialist).post(f"{url}conclude/", {}, format="json").status_code == 403
    assert api_as(aw.cp_worker).get(url).status_code == 403
