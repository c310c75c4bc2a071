"""Plans through the pages and the REST API: the same rules (refused with nothing written, error summary or
field-level 400), permission (403), optimistic locking (409), the case-page section and access logging."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import Plan, PlanAction
from familyhelp.casework.services import plans as svc
from familyhelp.casework.tests.test_plans_services import counts, make_case, make_s47
from familyhelp.casework.views.plans import case_section

D = date.fromisoformat
NOW = "2025-06-02 10:00"


@pytest.fixture(autouse=True)
def _no_late_recording_question(monkeypatch):  # type: ignore[no-untyped-def]
    """These tests are about the plan rules, with dates long before the frozen today: the late-recording
    question (issue 13) is tested in test_plans_effective_dates.py, so it is not asked here."""
    monkeypatch.setattr("familyhelp.core.effective.late_recording_days", lambda: 100_000)


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(user)
    return client


def _date(prefix: str, day: str) -> dict[str, str]:
    y, m, d = day.split("-")
    return {f"{prefix}_day": d, f"{prefix}_month": m, f"{prefix}_year": y}


def errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return [li.get_text(strip=True) for li in summary.select("li")]


@freeze_time(NOW)
def test_start_page_refuses_a_cp_plan_off_the_icpc_date_then_starts_it(world, client_for):
    case = make_case(world)
    svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    s47 = make_s47(case, icpc_on="2024-11-29")
    c = client_for(world.sw)
    url = reverse("casework:plan_start", kwargs={"pk": case.pk})
    page = c.get(f"{url}?kind=cp&s47={s47.pk}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#id_started_on-day")["value"] == "29"  # prefilled from the conference
    assert soup.select_one("option[selected]")  # the enquiry chosen
    before = counts()
    data = {"s47_enquiry": str(s47.pk), "initial_category": "NEG", "summary": "", **_date("started_on", "2024-11-28")}
    response = c.post(f"{url}?kind=cp", data)
    assert response.status_code == 200
    assert any("held on 29 November 2024" in e for e in errors(response))
    assert counts() == before
    response = c.post(f"{url}?kind=cp", {**data, **_date("started_on", "2024-11-29")})
    plan = Plan.objects.get(kind="cp")
    assert response.status_code == 302 and response["Location"] == reverse("casework:plan", kwargs={"pk": plan.pk})
    assert Plan.objects.get(kind="cin").end_reason == "Stepped up to child protection plan"
    detail = c.get(response["Location"])
    assert "Neglect" in detail.content.decode()


@freeze_time(NOW)
def test_start_page_without_a_kind_offers_the_choices_and_others_get_403(world, client_for):
    case = make_case(world)
    url = reverse("casework:plan_start", kwargs={"pk": case.pk})
    page = client_for(world.sw).get(url)
    assert page.status_code == 200 and "?kind=cin" in page.content.decode()
    assert client_for(world.leader).get(f"{url}?kind=cin").status_code == 403
    assert client_for(world.cp_worker).get(f"{url}?kind=cin").status_code == 403  # not in their scope


@freeze_time(NOW)
def test_looked_after_page_validates_the_postcode_with_nothing_written(world, client_for):
    case = make_case(world)
    c = client_for(world.sw)
    url = reverse("casework:plan_start", kwargs={"pk": case.pk}) + "?kind=lac"
    before = counts()
    data = {
        "legal_status": "C1",
        "placement_type": "U6",
        "placement_postcode": "ZZ",
        **_date("started_on", "2025-05-06"),
    }
    response = c.post(url, data)
    assert any("real postcode" in e for e in errors(response)) and counts() == before
    response = c.post(url, {**data, "placement_postcode": "b91 3qb", "uasc": "on"})
    assert response.status_code == 302
    episode = Plan.objects.get(kind="lac").looked_after_episodes.get()
    assert (episode.placement_postcode, episode.uasc) == ("B91 3QB", True)


@freeze_time(NOW)
def test_action_pages_owner_and_stale_version(world, client_for):
    case = make_case(world)
    plan = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    c = client_for(world.sw)
    add = reverse("casework:plan_action_add", kwargs={"pk": plan.pk})
    response = c.post(add, {"text": "Health assessment", "status": "open"})
    assert any("Say who will do it" in e for e in errors(response))
    response = c.post(
        add,
        {
            "text": "Health assessment",
            "owner_name": "Dr Amina Patel",
            "owner_agency": "GP",
            "status": "open",
            **_date("due_on", "2025-05-30"),
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    page = c.get(reverse("casework:plan", kwargs={"pk": plan.pk}))
    soup = BeautifulSoup(page.content, "html.parser")
    assert "Overdue" in [t.get_text(strip=True) for t in soup.select("td .govuk-tag--red")]
    edit = reverse("casework:plan_action_edit", kwargs={"pk": action.pk})
    response = c.post(
        edit,
        {
            "text": "Health assessment",
            "owner_name": "Dr Amina Patel",
            "owner_agency": "GP",
            "status": "done",
            "version": "99",
        },
    )
    assert any("Someone else changed" in e for e in errors(response))
    action.refresh_from_db()
    assert action.status == "open"
    response = c.post(
        edit,
        {
            "text": "Health assessment",
            "owner_name": "Dr Amina Patel",
            "owner_agency": "GP",
            "status": "done",
            "version": str(action.version),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


@freeze_time(NOW)
def test_case_section_shows_the_chain_with_carried_goals_and_the_review_clock(world):
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    svc.goal_add(actor=world.sw, plan=cin, text="Zoë goes to school every day")
    svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    request = RequestFactory().get("/")
    request.user = world.sw
    html = render_to_string("casework/plans/_case_section.html", {"plans": case_section(request, case), "case": case})
    soup = BeautifulSoup(html, "html.parser")
    assert "Child protection plan (current)" in soup.get_text()
    # CP plan from 29 Nov 2024: first review due by 28 Feb 2025 (no 29 Feb in 2025), overdue on 2 June 2025.
    assert "Review overdue since 28 February 2025" in soup.select_one(".govuk-tag--red").get_text()
    assert "carried over from the child in need plan" in soup.get_text()
    assert "Stepped up to child protection plan" in soup.get_text()


# --- API --------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_api_refuses_each_invariant_with_field_messages_and_nothing_written(world):
    case = make_case(world)
    c = api(world.sw)
    before = counts()
    r = c.post(
        "/api/v1/plans/", {"case": str(case.pk), "kind": "family_support", "started_on": "2024-09-02"}, format="json"
    )
    assert r.status_code == 400 and "level 3" in r.json()["kind"][0]
    s47 = make_s47(case, icpc_on="2024-11-29")
    r = c.post(
        "/api/v1/plans/",
        {
            "case": str(case.pk),
            "kind": "cp",
            "started_on": "2024-11-30",
            "s47_enquiry": str(s47.pk),
            "initial_category": "NEG",
        },
        format="json",
    )
    assert r.status_code == 400 and "held on 29 November 2024" in r.json()["started_on"][0]
    assert counts() == before
    r = c.post(
        "/api/v1/plans/",
        {
            "case": str(case.pk),
            "kind": "cp",
            "started_on": "2024-11-29",
            "s47_enquiry": str(s47.pk),
            "initial_category": "NEG",
        },
        format="json",
    )
    assert r.status_code == 201
    cp = r.json()
    assert cp["next_review_due"] == "2025-02-28" and cp["previous_cp_plans"] == 0
    # A CIN plan dated inside the CP plan: refused (CIN census rules 4016/4017).
    r = c.post("/api/v1/plans/", {"case": str(case.pk), "kind": "cin", "started_on": "2024-11-28"}, format="json")
    assert r.status_code == 400 and "cannot run at the same time" in " ".join(r.json()["started_on"])
    assert Plan.objects.count() == 1
    r = c.post(
        "/api/v1/plans/",
        {
            "case": str(case.pk),
            "kind": "lac",
            "started_on": "2025-01-06",
            "legal_status": "C2",
            "placement_type": "U4",
            "placement_postcode": "nope",
        },
        format="json",
    )
    assert r.status_code == 400 and "placement_postcode" in r.json()


@freeze_time(NOW)
def test_api_journey_goals_actions_reviews_versions_and_scope(world):
    case = make_case(world)
    c = api(world.sw)
    plan = c.post(
        "/api/v1/plans/", {"case": str(case.pk), "kind": "cin", "started_on": "2024-09-02"}, format="json"
    ).json()
    goal = c.post("/api/v1/plan-goals/", {"plan": plan["id"], "text": "Zoë feels safe"}, format="json").json()
    r = c.post(
        "/api/v1/plan-actions/",
        {
            "plan": plan["id"],
            "text": "Safety plan",
            "goal": goal["id"],
            "owner": str(world.sw.pk),
            "due_on": "2025-05-01",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["is_overdue"] is True
    action = r.json()
    r = c.patch(f"/api/v1/plan-actions/{action['id']}/", {"status": "done", "version": 0}, format="json")
    assert r.status_code == 409
    r = c.patch(
        f"/api/v1/plan-actions/{action['id']}/", {"status": "done", "version": action["version"]}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["is_overdue"] is False
    r = c.patch(f"/api/v1/plan-goals/{goal['id']}/", {"achieved_on": "2025-05-20", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["achieved_on"] == "2025-05-20"
    r = c.post(
        f"/api/v1/plans/{plan['id']}/review/",
        {"held_on": "2024-12-02", "outcome": "continue", "latest_category": "NEG"},
        format="json",
    )
    assert r.status_code == 400 and "latest_category" in r.json()
    r = c.post(f"/api/v1/plans/{plan['id']}/review/", {"held_on": "2024-12-02", "outcome": "continue"}, format="json")
    assert r.status_code == 201 and r.json()["next_review_due"] == "2025-03-02"
    detail = c.get(f"/api/v1/plans/{plan['id']}/").json()
    assert len(detail["goals"]) == 1 and len(detail["actions"]) == 1 and len(detail["reviews"]) == 1
    assert AccessLog.objects.filter(user=world.sw, person=world.own, reason="opened a plan").exists()
    listed = c.get("/api/v1/plans/", {"case": str(case.pk)}).json()
    assert [p["id"] for p in listed["results"]] == [plan["id"]]
    # Out of scope: another social worker gets 403 and writes nothing.
    other = api(world.cp_worker)
    assert other.get(f"/api/v1/plans/{plan['id']}/").status_code == 403
    before = counts()
    assert other.post("/api/v1/plan-goals/", {"plan": plan["id"], "text": "x"}, format="json").status_code == 403
    assert other.get("/api/v1/plans/").json()["results"] == []
    assert counts() == before
    r = c.post(
        f"/api/v1/plans/{plan['id']}/end/",
        {"ended_on": "2025-05-30", "reason": "Needs met", "version": 1},
        format="json",
    )
    assert r.status_code == 409
    r = c.post(f"/api/v1/plans/{plan['id']}/end/", {"ended_on": "2025-05-30", "reason": "Needs met"}, format="json")
    assert r.status_code == 200 and r.json()["ended_on"] == "2025-05-30"


@pytest.mark.parametrize("user", ["frontdoor", "leader", "partner"])
@freeze_time(NOW)
def test_api_writes_refused_for_roles_without_work_case(world, user):
    case = make_case(world)
    r = api(getattr(world, user)).post(
        "/api/v1/plans/", {"case": str(case.pk), "kind": "cin", "started_on": "2024-09-02"}, format="json"
    )
    assert r.status_code == 403
    assert not Plan.objects.exists()


@freeze_time(NOW)
def test_api_care_change_and_end(world):
    case = make_case(world)
    c = api(world.sw)
    plan = c.post(
        "/api/v1/plans/",
        {
            "case": str(case.pk),
            "kind": "lac",
            "started_on": "2025-01-06",
            "legal_status": "V2",
            "placement_type": "U6",
            "placement_postcode": "B91 3QB",
            "uasc": True,
        },
        format="json",
    ).json()
    r = c.post(
        f"/api/v1/plans/{plan['id']}/lac-change/",
        {"changed_on": "2025-03-03", "legal_status": "C1", "placement_type": "U6", "placement_postcode": "B91 3QB"},
        format="json",
    )
    assert r.status_code == 201
    episodes = r.json()["looked_after_episodes"]
    assert [(e["legal_status"], e["reason_ended"]) for e in episodes] == [("V2", "X1"), ("C1", "")]
    assert episodes[1]["uasc"] is True
    r = c.post(f"/api/v1/plans/{plan['id']}/lac-end/", {"ended_on": "2025-05-01", "reason_ended": "X1"}, format="json")
    assert r.status_code == 400 and "reason_ended" in r.json()
    r = c.post(f"/api/v1/plans/{plan['id']}/lac-end/", {"ended_on": "2025-05-01", "reason_ended": "E4A"}, format="json")
    assert r.status_code == 200 and r.json()["ended_on"] == "2025-05-01"
    assert r.json()["end_reason"].startswith("Left care: Returned home")
