"""The visits, case-notes and casework-policy API: scope, field-level 400s, 403s, 409s, nothing written."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import CaseNote, CaseworkPolicy, Plan, Visit
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import visits as services
from familyhelp.casework.tests.test_visits_services import make_case, make_plan, seen

D = datetime.date
NOW = "2025-01-08 10:00"
VISITS = "/api/v1/visits/"
NOTES = "/api/v1/case-notes/"
POLICY = "/api/v1/casework-policy/"


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return make_case(world)


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


@freeze_time(NOW)
def test_record_a_visit_and_list_it(world, case, client_for):
    c = client_for(world.sw)
    r = post(c, VISITS, {"case": str(case.pk), "visited_on": "2025-01-08", "seen": "with_others", "notes": "Mum there"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seen"] == "with_others" and body["seen_label"] == "Seen with others"
    assert body["visited_by"]["id"] == str(world.sw.pk)
    r = c.get(VISITS, {"case": str(case.pk)})
    assert r.status_code == 200
    assert [v["id"] for v in r.json()["results"]] == [body["id"]]
    assert AccessLog.objects.filter(user=world.sw, person=world.own, reason="listed the visits").exists()
    r = c.get(f"{VISITS}{body['id']}/")
    assert r.status_code == 200 and r.json()["notes"] == "Mum there"


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"seen": "not_seen"}, "not_seen_reason"),
        ({"visited_on": "2025-01-09"}, "visited_on"),
        ({"visited_on": "2024-11-01"}, "visited_on"),
        ({"seen": "sometimes"}, "seen"),
        ({"visited_on": "08/01/2025"}, "visited_on"),
        ({"case": "not-a-uuid"}, "case"),
        ({"case": "6f1c1a70-0000-4000-8000-000000000000"}, "case"),
    ],
)
def test_visit_field_level_400s_write_nothing(world, case, client_for, data, field):
    payload = {"case": str(case.pk), "visited_on": "2025-01-08", "seen": "alone", **data}
    r = post(client_for(world.sw), VISITS, payload)
    assert r.status_code == 400 and field in r.json(), r.content
    assert not Visit.objects.exists()


@freeze_time(NOW)
def test_visit_refused_outside_scope_or_without_the_verb(world, case, client_for):
    payload = {"case": str(case.pk), "visited_on": "2025-01-08", "seen": "alone"}
    assert post(client_for(world.cp_worker), VISITS, payload).status_code == 403  # child not in scope
    assert post(client_for(world.leader), VISITS, payload).status_code == 403  # sees cases, does not work them
    assert client_for(world.cp_worker).get(VISITS, {"case": str(case.pk)}).status_code == 403
    assert not Visit.objects.exists()


@freeze_time(NOW)
def test_visit_list_needs_the_case(world, case, client_for):
    c = client_for(world.sw)
    assert c.get(VISITS).json() == {"case": ["Give the case"]}
    assert c.get(VISITS, {"case": "nope"}).status_code == 400
    assert c.get(VISITS, {"case": "6f1c1a70-0000-4000-8000-000000000000"}).status_code == 404


def test_next_due_clock(world, case, client_for):
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    seen(case, D(2024, 12, 19))
    with freeze_time("2025-01-08 10:00"):
        r = client_for(world.sw).get(f"{VISITS}next-due/", {"case": str(case.pk)})
    assert r.status_code == 200
    assert r.json() == {
        "case": str(case.pk),
        "kind": "cp",
        "frequency_working_days": 10,
        "due_on": "2025-01-07",
        "overdue": True,
        "working_days_left": -1,
    }


@freeze_time(NOW)
def test_case_notes_list_filter_and_oversight(world, case, client_for):
    sw, manager = client_for(world.sw), None
    r = post(sw, NOTES, {"case": str(case.pk), "category": "contact", "occurred_on": "2025-01-08", "text": "Rang."})
    assert r.status_code == 201, r.content
    r = post(
        sw,
        NOTES,
        {"case": str(case.pk), "category": "management_oversight", "occurred_on": "2025-01-08", "text": "OK"},
    )
    assert r.status_code == 403
    assert CaseNote.objects.count() == 1
    manager = client_for(world.manager)
    r = post(
        manager,
        NOTES,
        {"case": str(case.pk), "category": "management_oversight", "occurred_on": "2025-01-08", "text": "Agreed."},
    )
    assert r.status_code == 201 and r.json()["is_management_oversight"] is True
    r = manager.get(NOTES, {"case": str(case.pk), "category": "management_oversight"})
    assert [n["text"] for n in r.json()["results"]] == ["Agreed."]
    assert len(manager.get(NOTES, {"case": str(case.pk)}).json()["results"]) == 2
    assert manager.get(NOTES, {"case": str(case.pk), "category": "gossip"}).status_code == 400


@freeze_time(NOW)
def test_correcting_a_note_through_the_api(world, case, client_for):
    sw = client_for(world.sw)
    original = post(
        sw, NOTES, {"case": str(case.pk), "category": "meeting", "occurred_on": "2025-01-07", "text": "Core group."}
    ).json()
    r = post(
        sw,
        NOTES,
        {
            "case": str(case.pk),
            "occurred_on": "2025-01-07",
            "text": "Core group at school.",
            "corrects": original["id"],
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["corrects"] == original["id"] and r.json()["category"] == "meeting"
    assert sw.get(f"{NOTES}{original['id']}/").json()["corrected_by"] == [r.json()["id"]]
    # A note on another case cannot be corrected from this one.
    other = make_case(world, person=world.team_child)
    r = post(
        client_for(world.manager),
        NOTES,
        {"case": str(other.pk), "occurred_on": "2025-01-07", "text": "x", "corrects": original["id"]},
    )
    assert r.status_code == 400 and "corrects" in r.json()
    # Without a category and without `corrects`, a field-level 400.
    r = post(sw, NOTES, {"case": str(case.pk), "occurred_on": "2025-01-07", "text": "x"})
    assert r.status_code == 400 and "category" in r.json()
    assert CaseNote.objects.count() == 2


def test_policy_read_and_patch(world, client_for):
    policy = casework_policy()
    r = client_for(world.sw).get(POLICY)
    assert r.status_code == 200 and r.json()["visit_working_days"]["cp"] == 10
    admin = client_for(world.admin)
    r = admin.patch(
        POLICY,
        {"version": policy.version, "visit_working_days": {"cp": 5}, "single_assessment_days": 40},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["visit_working_days"]["cp"] == 5 and r.json()["single_assessment_days"] == 40
    assert r.json()["version"] == policy.version + 1
    # Stale version: 409, nothing changed.
    r = admin.patch(POLICY, {"version": policy.version, "icpc_days": 10}, content_type="application/json")
    assert r.status_code == 409
    assert CaseworkPolicy.objects.get().icpc_days == 15


def test_policy_patch_errors_and_refusals(world, client_for):
    policy = casework_policy()
    admin = client_for(world.admin)
    r = admin.patch(
        POLICY,
        {"version": policy.version, "visit_working_days": {"cp": 0}, "icpc_days": 16},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert set(r.json()) == {"visit_working_days.cp", "icpc_days"}
    assert admin.patch(POLICY, {"icpc_days": 10}, content_type="application/json").json() == {
        "version": ["This field is required."]
    }
    for who in ("manager", "sw", "leader"):
        r = client_for(world.users[who]).patch(
            POLICY, {"version": policy.version, "icpc_days": 10}, content_type="application/json"
        )
        assert r.status_code == 403, who
    assert client_for(world.auditor).get(POLICY).status_code == 403
    assert CaseworkPolicy.objects.get().version == policy.version


def test_policy_has_no_detail_route(world, client_for):
    assert client_for(world.admin).get(f"{POLICY}{casework_policy().pk}/").status_code == 404


@freeze_time(NOW)
def test_visit_detail_out_of_scope(world, case, client_for):
    visit = services.visit_record(actor=world.sw, case=case, visited_on=D(2025, 1, 8), seen="alone")
    assert client_for(world.cp_worker).get(f"{VISITS}{visit.pk}/").status_code == 403
    assert client_for(world.sw).get(f"{VISITS}6f1c1a70-0000-4000-8000-000000000000/").status_code == 404
