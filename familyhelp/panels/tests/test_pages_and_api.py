"""Panel pages and API: the request form's error summary, the agenda page, decisions, the access log, the API."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.panels import services as svc
from familyhelp.panels.models import PanelRequest
from familyhelp.panels.tests.factories import open_case, sitting, submitted_request

D = datetime.date
NOW = "2025-03-10 10:00"


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return open_case(world.own, world.sw)


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def test_admission_to_care_without_options_shows_the_error_summary_and_field_error(world, case, client_for):
    client = client_for(world.sw)
    with freeze_time(NOW):
        response = client.post(
            f"/panels/cases/{case.pk}/request/",
            {"ask": "admission_to_care", "reason": "Parents cannot keep her safe", "urgency": "routine"},
        )
    assert response.status_code == 200
    soup = _soup(response)
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None
    link = summary.find("a", string="Select the support options explored before asking for admission to care")
    assert link["href"] == "#id_options_explored_0"
    assert "Select the support options explored" in soup.select_one("#id_options_explored-error").text
    assert soup.title.text.startswith("Error:")
    assert not PanelRequest.objects.exists()


def test_a_worker_makes_an_admission_to_care_request_through_the_page(world, case, client_for):
    client = client_for(world.sw)
    with freeze_time(NOW):
        response = client.post(
            f"/panels/cases/{case.pk}/request/",
            {
                "ask": "admission_to_care",
                "reason": "Parents cannot keep her safe",
                "urgency": "crisis",
                "options_explored": ["family_network", "short_breaks"],
                "what_happened_family_network": "FGC held: no family carer",
                "what_happened_short_breaks": "Six breaks",
            },
        )
    request = PanelRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/panels/requests/{request.pk}/"
    with freeze_time(NOW):
        page = client.get(response["Location"])
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in _soup(page).select("#options-table tbody tr")
    ]
    assert rows == [
        ["Family network or family group conference", "FGC held: no family carer"],
        ["Short breaks", "Six breaks"],
    ]
    assert AccessLog.objects.filter(user=world.sw, object_id=str(request.pk), action="view").exists()


def test_the_case_page_links_to_its_panel_requests(world, case, client_for):
    with freeze_time(NOW):
        page = client_for(world.sw).get(reverse("casework:case", kwargs={"pk": case.pk}))
    assert page.status_code == 200
    link = _soup(page).select_one("#panel-requests a")
    assert link["href"] == f"/panels/cases/{case.pk}/"


def test_the_agenda_page_lists_crisis_first_and_hides_children_from_panel_administrators(world, case, client_for):
    other = open_case(world.team_child, world.colleague)
    routine = submitted_request(case, world.sw, requested_on=D(2025, 3, 1))
    crisis = submitted_request(other, world.colleague, urgency="crisis", requested_on=D(2025, 3, 7))
    panel = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    client = client_for(world.admin)
    with freeze_time(NOW):
        page = client.get(f"/panels/{panel.pk}/")
        assert "2 requests waiting" in _soup(page).select_one("#waiting").text
        assert client.post(f"/panels/{panel.pk}/agenda/").status_code == 302
        page = client.get(f"/panels/{panel.pk}/")
    rows = _soup(page).select("#agenda tbody tr")
    assert [r.select("td")[0].get_text(" ", strip=True) for r in rows] == [
        f"Not shown to you Case {other.reference}",
        f"Not shown to you Case {case.reference}",
    ]
    assert world.own.family_name not in page.content.decode()
    with freeze_time(NOW):
        page = client_for(world.leader).get(f"/panels/{panel.pk}/")
    names = [r.select("td")[0].find("a").get_text(strip=True) for r in _soup(page).select("#agenda tbody tr")]
    assert names == [world.team_child.full_name, world.own.full_name]
    assert {crisis.pk, routine.pk} == set(PanelRequest.objects.filter(panel=panel).values_list("pk", flat=True))


def test_a_member_records_a_decision_through_the_page_and_a_stale_page_is_told(world, case, client_for):
    panel = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    request = submitted_request(case, world.sw)
    with freeze_time(NOW):
        svc.panel_agenda_build(actor=world.manager, panel=panel)
    request.refresh_from_db()
    version = request.version
    with freeze_time(NOW):
        bad = client_for(world.manager).post(
            f"/panels/requests/{request.pk}/decide/", {"outcome": "approved", "version": version}
        )
        assert "Enter the date the support will be reviewed" in _soup(bad).select_one("#id_review_on-error").text
        ok = client_for(world.manager).post(
            f"/panels/requests/{request.pk}/decide/",
            {
                "outcome": "approved",
                "conditions": "Weekly check-in",
                "review_on_day": "7",
                "review_on_month": "4",
                "review_on_year": "2025",
                "version": version,
            },
        )
        assert ok.status_code == 302
        stale = client_for(world.leader).post(
            f"/panels/requests/{request.pk}/decide/", {"outcome": "declined", "notes": "No", "version": version}
        )
    summary = _soup(stale).select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert f"{world.manager} recorded a decision on this request (approved)" in summary
    assert PanelRequest.objects.get(pk=request.pk).status == "approved"


def test_a_social_worker_cannot_reach_the_decision_form(world, case, client_for):
    panel = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    request = submitted_request(case, world.sw, panel=panel, status="on_agenda")
    assert client_for(world.sw).get(f"/panels/requests/{request.pk}/decide/").status_code == 403
    assert client_for(world.cp_worker).get(f"/panels/requests/{request.pk}/").status_code == 403
    assert AccessLog.objects.filter(user=world.cp_worker, object_id=str(request.pk), action="denied").exists()


# --- API ---------------------------------------------------------------------------------------------------
def test_api_request_decide_and_conflict(world, case, client_for):
    client = client_for(world.sw)
    with freeze_time(NOW):
        bad = client.post(
            "/api/v1/panel-requests/",
            {"case": str(case.pk), "ask": "admission_to_care", "reason": "Unsafe at home"},
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert bad.json() == {
            "options_explored": ["Select the support options explored before asking for admission to care"]
        }
        made = client.post(
            "/api/v1/panel-requests/",
            {
                "case": str(case.pk),
                "ask": "short_break",
                "reason": "Breaking point",
                "urgency": "crisis",
                "retrospective": True,
                "actioned_on": "2025-03-08",
            },
            content_type="application/json",
        )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["panel_kind"], body["retrospective"]) == ("submitted", "resource", True)
    panel = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    manager = client_for(world.manager)
    with freeze_time(NOW):
        agenda = manager.post(f"/api/v1/panels/{panel.pk}/build-agenda/", content_type="application/json").json()
        assert [i["id"] for i in agenda["agenda"]] == [body["id"]]
        version = PanelRequest.objects.get(pk=body["id"]).version
        decided = manager.post(
            f"/api/v1/panel-requests/{body['id']}/decide/",
            {"outcome": "approved", "review_on": "2025-04-07", "version": version},
            content_type="application/json",
        )
        assert decided.status_code == 200, decided.content
        assert decided.json()["decisions"][0]["outcome"] == "approved"
        again = client_for(world.leader).post(
            f"/api/v1/panel-requests/{body['id']}/decide/",
            {"outcome": "declined", "notes": "No", "version": version},
            content_type="application/json",
        )
    assert again.status_code == 409
    with freeze_time(NOW):
        listed = client_for(world.sw).get(f"/api/v1/panel-requests/?case={case.pk}").json()
    assert [r["status"] for r in listed["results"]] == ["approved"]
