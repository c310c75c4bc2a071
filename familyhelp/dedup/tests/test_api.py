"""/api/v1/duplicates/ and /api/v1/merges/: scope, field-level 4xx, concurrency, undo."""

from __future__ import annotations

import pytest

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.dedup.models import DuplicateCandidate, PersonMerge
from familyhelp.dedup.tests.factories import duplicate_of, pair, same_nhs_number

pytestmark = pytest.mark.django_db

BASE = "/api/v1/duplicates/"


@pytest.fixture
def candidate(world):  # type: ignore[no-untyped-def]
    return pair(world.own, duplicate_of(world.own, family_name="OBrian", worker=world.colleague))


def test_list_and_detail(api_as, world, candidate):
    pair(world.other, duplicate_of(world.other))  # outside the manager's scope
    body = api_as(world.manager).get(BASE).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in rows] == [str(candidate.pk)]
    assert rows[0]["reasons"] and rows[0]["status"] == "open"
    detail = api_as(world.manager).get(f"{BASE}{candidate.pk}/").json()
    assert {detail["record_a"]["id"], detail["record_b"]["id"]} == {
        str(candidate.person_a_id),
        str(candidate.person_b_id),
    }
    assert detail["record_a"]["relationships"] is not None and detail["version"] == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"survivor": "not-a-uuid", "reason": "Same child", "version": 1}, "survivor", "Must be a valid UUID."),
        ({"reason": "Same child", "version": 1}, "survivor", "This field is required."),
        (
            {"survivor": "PARENT", "reason": "Same child", "version": 1},
            "survivor",
            "Choose one of the two records of this pair to keep",
        ),
        ({"survivor": "OWN", "reason": "  ", "version": 1}, "reason", "Enter why these records are the same person"),
        (
            {"survivor": "OWN", "reason": "x" * 2001, "version": 1},
            "reason",
            "Ensure this field has no more than 2000 characters.",
        ),
        (
            {"survivor": "OWN", "reason": "Same", "version": 0},
            "version",
            "Ensure this value is greater than or equal to 1.",
        ),
    ],
)
def test_merge_field_errors(api_as, world, candidate, payload, field, message):
    payload = {k: ({"OWN": str(world.own.pk), "PARENT": str(world.parent.pk)}.get(v, v)) for k, v in payload.items()}
    response = api_as(world.manager).post(f"{BASE}{candidate.pk}/merge/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()[field] == [message]
    assert not PersonMerge.objects.exists()


def test_merge_then_undo(api_as, world, candidate):
    client = api_as(world.manager)
    response = client.post(
        f"{BASE}{candidate.pk}/merge/", {"survivor": str(world.own.pk), "reason": "Same", "version": 1}, format="json"
    )
    assert response.status_code == 201, response.json()
    merge = response.json()
    assert merge["survivor"]["id"] == str(world.own.pk) and merge["undone_at"] is None
    # The survivor's chronology (API) includes the merged record's events, marked.
    events = client.get(f"/api/v1/people/{world.own.pk}/chronology/").json()
    events = events["results"] if isinstance(events, dict) else events
    merged_ref = merge["merged"]["reference"]
    assert any(e["from_merged_record"] == merged_ref for e in events)
    # Deciding again is a conflict.
    again = client.post(f"{BASE}{candidate.pk}/not-duplicate/", {"reason": "Twins", "version": 1}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "concurrent_edit"
    assert client.post(f"/api/v1/merges/{merge['id']}/undo/", {"reason": ""}, format="json").json() == {
        "reason": ["Enter why the merge is being undone"]
    }
    undone = client.post(f"/api/v1/merges/{merge['id']}/undo/", {"reason": "Twins", "reopen": True}, format="json")
    assert undone.status_code == 200 and undone.json()["undone_reason"] == "Twins"
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN
    assert ChronologyEvent.objects.filter(kind="person.unmerged").count() == 2


def test_stale_version_is_409(api_as, world, candidate):
    response = api_as(world.manager).post(
        f"{BASE}{candidate.pk}/merge/", {"survivor": str(world.own.pk), "reason": "Same", "version": 3}, format="json"
    )
    assert response.status_code == 409


def test_refusals(api_as, world, candidate):
    outside = pair(world.other, duplicate_of(world.other))
    assert api_as(world.manager).get(f"{BASE}{outside.pk}/").status_code == 403
    assert api_as(world.sw).get(BASE).status_code == 403
    restricted = pair(world.restricted, duplicate_of(world.restricted, worker=world.colleague))
    response = api_as(world.manager).get(f"{BASE}{restricted.pk}/")
    assert response.status_code == 403 and response.json()["code"] == "break_glass_required"


def test_find_runs_the_job(api_as, world):
    same_nhs_number(world.own, duplicate_of(world.own, family_name="OBrian", worker=world.colleague))
    response = api_as(world.leader).post(f"{BASE}find/", {}, format="json")  # a background job (ADR 0018)
    body = response.json()
    assert response.status_code == 202 and body["status"] == "succeeded" and response["Location"] == body["url"]
    assert body["result"]["summary"]["created"] == 1 and body["result"]["summary"]["records"] == 8
    again = api_as(world.leader).post(f"{BASE}find/", {}, format="json").json()
    assert again["id"] != body["id"] and again["result"]["summary"]["created"] == 0
