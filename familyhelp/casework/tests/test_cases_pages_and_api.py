"""Cases through the pages and the REST API: the duty bank, allocation, the case page, trays; same rules,
field-level messages, GOV.UK error summary, 403 and 409."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.casework import trays
from familyhelp.casework.models import Allocation, Assessment, Case, Plan, PlanAction
from familyhelp.casework.services import cases as svc
from familyhelp.casework.tests.test_cases_services import allocate, duty_case
from familyhelp.frontdoor.tests.conftest import api_as  # noqa: F401 - the API client fixture
from familyhelp.people.tests.factories import ChildFactory

NOW = "2026-03-09 10:30"
TODAY = datetime.date(2026, 3, 9)


def soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


# --- pages -------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_allocation_page_shows_caseloads_and_the_error_summary(world, client_for):
    case = duty_case(world)
    busy = duty_case(world, person=ChildFactory(), level=4)
    allocate(world, busy, world.sw)
    Plan.objects.create(case=busy, person=busy.person, kind="cp", started_on=TODAY)
    client = client_for(world.manager)
    page = soup(client.get(reverse("casework:allocate", args=[case.pk])))
    row = page.select_one('#candidates tr[data-worker="sw"]')
    assert row.select_one("[data-children]").text == "1" and row.select_one("[data-weighted]").text == "1.5"
    response = client.post(reverse("casework:allocate", args=[case.pk]), {"version": case.version, "reason": ""})
    assert response.status_code == 200
    summary = soup(response).select_one(".govuk-error-summary")
    assert summary is not None and "Choose the worker to allocate the case to" in summary.text
    assert summary.select_one("a")["href"] == "#id_worker_0"
    assert Case.objects.get(pk=case.pk).status == "awaiting_allocation"
    response = client.post(
        reverse("casework:allocate", args=[case.pk]),
        {"version": case.version, "worker": str(world.colleague.pk), "reason": ""},
    )
    assert "A family support worker holds level 3 work only" in soup(response).select_one(".govuk-error-summary").text
    response = client.post(
        reverse("casework:allocate", args=[case.pk]),
        {"version": case.version, "worker": str(world.sw.pk), "reason": "Knows the family"},
    )
    assert response.status_code == 302 and response.url == reverse("casework:case", args=[case.pk])
    page = soup(client.get(response.url))
    assert "Knows the family" in page.select_one("#allocations").text
    assert page.select_one("#case-status").text == "Open"
    assert AccessLog.objects.filter(user=world.manager, person=case.person, object_type="casework.case").exists()


@freeze_time(NOW)
def test_the_case_page_offers_only_the_actions_the_user_may_take(world, client_for):
    case = duty_case(world, person=world.own)
    allocate(world, case, world.sw)
    sw_page = soup(client_for(world.sw).get(reverse("casework:case", args=[case.pk])))
    actions = sw_page.select_one("#case-actions")
    assert actions is not None and "Link brothers and sisters" in actions.text
    assert "Close the case" not in actions.text and "Reallocate" not in actions.text
    manager_page = soup(client_for(world.manager).get(reverse("casework:case", args=[case.pk])))
    text = manager_page.select_one("#case-actions").text
    assert "Reallocate" in text and "Close the case" in text and "Step down" in text and "Step up" not in text
    assert "O'Brien" in manager_page.select_one("h1").text


@freeze_time(NOW)
def test_close_page_shows_each_problem_and_writes_nothing(world, client_for):
    case = duty_case(world)
    allocate(world, case, world.sw)
    Assessment.objects.create(case=case, person=case.person, cin_episode=case.cin_episodes.get(), kind="single",
                              started_on=datetime.date(2026, 3, 3), due_on=datetime.date(2026, 5, 6))
    version = Case.objects.get(pk=case.pk).version
    response = client_for(world.manager).post(reverse("casework:close", args=[case.pk]), {
        "version": version, "closed_on_day": "9", "closed_on_month": "3", "closed_on_year": "2026",
        "step_down_to": "early_help", "closing_summary": "", "closure_reason": "RC9",
    })
    summary = soup(response).select_one(".govuk-error-summary").text
    assert "Write the closing summary" in summary and "1 assessment is not authorised yet" in summary
    assert Case.objects.get(pk=case.pk).closed_on is None


@freeze_time("2025-12-29 09:00")
def test_duty_bank_age_is_in_working_days_across_christmas(world, client_for):
    case = duty_case(world, opened_on=datetime.date(2025, 12, 19), level=3)
    duty_case(world, person=ChildFactory(), opened_on=datetime.date(2025, 12, 24), level=4)
    page = soup(client_for(world.manager).get(reverse("casework:duty_bank")))
    rows = page.select("#duty-bank tbody tr")
    # 22, 23, 24 Dec and 29 Dec: Christmas Day, Boxing Day and the weekend are not working days.
    assert rows[0]["data-case"] == case.reference and rows[0].select_one("[data-age]").text == "4"
    assert rows[1].select_one("[data-age]").text == "1"
    page = soup(client_for(world.manager).get(reverse("casework:duty_bank"), {"level": "3"}))
    assert [r["data-case"] for r in page.select("#duty-bank tbody tr")] == [case.reference]


@freeze_time(NOW)
def test_my_work_highlights_breached_clocks_and_overdue_actions(world, client_for):
    case = duty_case(world, person=world.own, opened_on=datetime.date(2026, 1, 5))
    allocate(world, case, world.sw)
    Assessment.objects.create(case=case, person=case.person, cin_episode=case.cin_episodes.get(), kind="single",
                              started_on=datetime.date(2026, 1, 5), due_on=datetime.date(2026, 3, 6))
    plan = Plan.objects.create(case=case, person=case.person, kind="cin", started_on=datetime.date(2026, 1, 5))
    PlanAction.objects.create(plan=plan, text="Book the GP appointment", owner=world.sw,
                              due_on=datetime.date(2026, 3, 2))
    page = soup(client_for(world.sw).get(reverse("casework:my_work")))
    row = page.select_one(f'#cases tr[data-case="{case.reference}"]')
    assert row["data-breached"] == "true"
    overdue = [c.text for c in row.select('[data-clock-overdue="true"]')]
    assert any("Single assessment due: 6 Mar 2026" in t for t in overdue)
    assert "govuk-tag--red" in str(row)
    assert "Book the GP appointment" in page.select_one("#actions").text
    assert "Overdue" in page.select_one("#actions").text


@freeze_time(NOW)
def test_work_tray_queries_do_not_grow_with_the_caseload(world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            trays.my_work(world.sw)
            trays.team_tray(world.manager)
        return len(ctx.captured_queries)

    case = duty_case(world, person=ChildFactory())
    allocate(world, case, world.sw)
    one = count()
    for _ in range(4):
        more = duty_case(world, person=ChildFactory())
        allocate(world, more, world.sw)
        Plan.objects.create(case=more, person=more.person, kind="cp", started_on=TODAY)
    assert count() == one


@freeze_time(NOW)
def test_team_tray_shows_caseloads_duty_bank_and_breaches(world):
    for kind in ("cp", "lac"):
        case = duty_case(world, person=ChildFactory())
        allocate(world, case, world.sw)
        Plan.objects.create(case=case, person=case.person, kind=kind, started_on=datetime.date(2026, 1, 5))
    duty_case(world, person=ChildFactory(), opened_on=datetime.date(2026, 3, 2))
    tray = trays.team_tray(world.manager)
    sw = next(r for r in tray.workers if r.worker == world.sw)
    assert (sw.caseload.children, sw.caseload.weighted) == (2, 3.0)
    assert tray.duty_bank["count"] == 1 and tray.duty_bank["oldest"].age == 5
    assert {clock.label for _, clock in tray.breaches} >= {"Care plan (looked after) review due"}


# --- API ---------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_api_allocate_with_field_errors_conflicts_and_permissions(world, api_as):  # noqa: F811
    case = duty_case(world)
    url = f"/api/v1/cases/{case.pk}/"
    manager = api_as(world.manager)
    assert api_as(world.sw).post(f"{url}allocate/", {"worker": str(world.sw.pk), "version": case.version},
                                 format="json").status_code == 403
    response = manager.post(f"{url}allocate/", {"worker": str(world.colleague.pk), "version": case.version},
                            format="json")
    assert response.status_code == 400 and "family support worker" in response.json()["worker"][0]
    response = manager.post(f"{url}allocate/", {"worker": str(world.sw.pk)}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    response = manager.post(f"{url}allocate/", {"worker": str(world.sw.pk), "version": case.version + 5},
                            format="json")
    assert response.status_code == 409
    bank = manager.get("/api/v1/cases/duty-bank/").json()["results"]
    assert [r["case"]["reference"] for r in bank] == [case.reference] and bank[0]["age_working_days"] == 5
    response = manager.post(f"{url}allocate/", {"worker": str(world.sw.pk), "version": case.version},
                            format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "open" and body["allocations"][0]["worker"]["name"] == str(world.sw)
    again = manager.post(f"{url}allocate/", {"worker": str(world.sw.pk), "version": case.version}, format="json")
    assert again.status_code == 400 and "has already been allocated" in again.json()["worker"][0]
    assert Allocation.objects.filter(case=case).count() == 1
    assert manager.get("/api/v1/cases/duty-bank/").json()["results"] == []
    mine = api_as(world.sw).get("/api/v1/work-tray/").json()
    assert [c["case"]["reference"] for c in mine["cases"]] == [case.reference]


@freeze_time(NOW)
def test_api_step_up_down_and_close(world, api_as):  # noqa: F811
    case = duty_case(world, level=3)
    allocate(world, case, world.sw)
    manager = api_as(world.manager)
    url = f"/api/v1/cases/{case.pk}/"
    version = Case.objects.get(pk=case.pk).version
    response = manager.post(f"{url}step-up/", {"requested_by": str(world.sw.pk), "reason": "", "changed_on": None,
                                                "referral_source": "", "primary_need": "", "version": version},
                            format="json")
    assert response.status_code == 400
    # No date means today (the default), so only the other fields are refused.
    assert set(response.json()) >= {"reason", "referral_source", "primary_need"} and "changed_on" not in response.json()
    response = manager.post(f"{url}step-up/", {"requested_by": str(world.sw.pk), "reason": "Worse",
                                                "changed_on": "2026-03-09", "referral_source": "2A",
                                                "primary_need": "N1", "version": version}, format="json")
    assert response.status_code == 200 and response.json()["level"] == 4
    assert response.json()["cin_episodes"][0]["referral_date"] == "2026-03-09"
    version = response.json()["version"]
    response = manager.post(f"{url}step-down/", {"to_level": 3, "requested_by": str(world.sw.pk),
                                                  "reason": "Better", "changed_on": "2026-03-09",
                                                  "closure_reason": "", "version": version}, format="json")
    assert response.status_code == 400 and "closure_reason" in response.json()
    response = manager.post(f"{url}step-down/", {"to_level": 3, "requested_by": str(world.sw.pk),
                                                  "reason": "Better", "changed_on": "2026-03-09",
                                                  "closure_reason": "RC9", "version": version}, format="json")
    assert response.status_code == 200 and response.json()["level"] == 3
    version = response.json()["version"]
    assert api_as(world.sw).post(f"{url}close/", {}, format="json").status_code == 403
    response = manager.post(f"{url}close/", {"closure_reason": "Goals met", "step_down_to": "early_help",
                                             "closing_summary": "Family hub continues", "closed_on": "2026-03-09",
                                             "version": version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    listed = api_as(world.sw).get("/api/v1/cases/", {"status": "closed"}).json()["results"]
    assert case.reference in [c["reference"] for c in listed]


@freeze_time(NOW)
def test_api_case_list_is_scoped_and_masks_restricted_names(world, api_as):  # noqa: F811
    mine = duty_case(world, person=world.own)
    svc.case_allocate(actor=world.manager, case=mine, worker=world.sw, expected_version=mine.version)
    other = duty_case(world, person=world.other)
    svc.case_allocate(actor=world.manager, case=other, worker=world.cp_worker, expected_version=other.version)
    refs = [c["reference"] for c in api_as(world.sw).get("/api/v1/cases/").json()["results"]]
    assert mine.reference in refs and other.reference not in refs
    assert api_as(world.sw).get(f"/api/v1/cases/{other.pk}/").status_code == 403
    restricted = duty_case(world, person=world.restricted)
    rows = api_as(world.leader).get("/api/v1/cases/").json()["results"]
    (row,) = [r for r in rows if r["reference"] == restricted.reference]
    assert row["child"]["name"] == "Restricted record"


@pytest.mark.parametrize("user", ["frontdoor", "partner", "analyst"])
def test_api_cases_refused_without_casework_verbs(world, api_as, user):  # noqa: F811
    assert api_as(world.users[user]).get("/api/v1/cases/").status_code == 403


@freeze_time(NOW)
def test_the_childs_page_lists_their_cases(world, client_for):
    case = duty_case(world, person=world.own)
    allocate(world, case, world.sw)
    page = soup(client_for(world.sw).get(reverse("people:detail", args=[world.own.pk])))
    listed = page.select_one("#person-cases")
    assert listed is not None and case.reference in listed.text
    assert listed.select_one("a")["href"] == reverse("casework:case", args=[case.pk])
