"""Query budgets of the support areas: specialist services, panels, the team around the family and practice
tools, pages and /api/v1/ lists. Lists grow by more children's cases; one record's pages by more history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from freezegun import freeze_time

from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db


def _run(name: str, client: Any, url: str, grow: Any, ceiling: int, slack: int = 0) -> None:
    grow(2)
    budget = Budget(name, client, url)
    budget.small()
    grow(10)
    budget.large()
    budget.check(ceiling=ceiling, slack=slack)


# --- specialist services ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "role", "url", "ceiling"),
    [
        ("services list", "specialist", "/services/", 9),
        ("service page", "specialist", "/services/{service}/", 10),
        ("API specialist services", "specialist", "/api/v1/specialist-services/", 8),
        ("API service referrals", "specialist", "/api/v1/service-referrals/", 8),
        ("API service referrals (worker)", "sw", "/api/v1/service-referrals/", 9),
        ("API service waiting list", "specialist", "/api/v1/specialist-services/{service}/waiting-list/", 9),
        ("API service outcomes", "specialist", "/api/v1/specialist-services/{service}/outcomes/", 8),
    ],
)
def test_specialist_lists(world, page_as, api_as, name, role, url, ceiling):
    svc = b.service(world, capacity=100)
    client = (api_as if url.startswith("/api/") else page_as)(world.users[role])
    _run(name, client, url.format(service=svc.pk), lambda n: b.service_referrals(world, svc, n), ceiling)


@pytest.mark.parametrize(
    ("name", "url", "ceiling"),
    [
        ("service referral page", "/services/referrals/{referral}/", 13),
        ("API short-break admissions", "/api/v1/short-break-admissions/?referral={referral}", 8),
        ("API service occupancy", "/api/v1/specialist-services/{service}/occupancy/?year=2025", 8),
        ("API service referral", "/api/v1/service-referrals/{referral}/", 11),
    ],
)
def test_specialist_referral_with_history(world, page_as, api_as, name, url, ceiling):
    from familyhelp.specialist.models import Service

    svc = b.service(world, kind=Service.Kind.SHORT_BREAKS, capacity=100)
    referral = b.service_referrals(world, svc, 2)[1]
    client = (api_as if url.startswith("/api/") else page_as)(world.specialist)
    url = url.format(referral=referral.pk, service=svc.pk)
    _run(name, client, url, lambda n: b.service_history(world, referral, n), ceiling)


# --- panels -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "role", "url", "ceiling"),
    [
        ("panels list", "manager", "/panels/", 9),
        ("panel schedule", "manager", "/panels/schedule/", 8),
        ("panel page (agenda)", "manager", "/panels/{panel}/", 13),
        ("panel page (administrator)", "admin", "/panels/{panel}/", 13),
        ("API panels", "manager", "/api/v1/panels/", 8),
        ("API panel", "manager", "/api/v1/panels/{panel}/", 12),
    ],
)
def test_panel_lists(world, page_as, api_as, name, role, url, ceiling):
    from familyhelp.panels.tests.factories import sitting

    panel = sitting(sits_on=datetime.date(2025, 3, 10), chair=world.manager)
    client = (api_as if url.startswith("/api/") else page_as)(world.users[role])
    with freeze_time("2025-03-05 10:00"):
        _run(name, client, url.format(panel=panel.pk), lambda n: b.panel_requests(world, n, panel=panel), ceiling)


@pytest.mark.parametrize(
    ("name", "url", "ceiling"),
    [
        ("panel requests of a case", "/panels/cases/{case}/", 12),
        ("panel request page", "/panels/requests/{request}/", 13),
        ("API panel requests of a case", "/api/v1/panel-requests/?case={case}", 15),
    ],
)
def test_panel_requests_of_a_case(world, page_as, api_as, name, url, ceiling):
    case = b.case_for(world.own, world.sw)
    first = b.panel_requests(world, 1, case=case)[0]
    client = (api_as if url.startswith("/api/") else page_as)(world.sw)
    with freeze_time("2025-03-05 10:00"):
        _run(
            name,
            client,
            url.format(case=case.pk, request=first.pk),
            lambda n: b.panel_requests(world, n, case=case),
            ceiling,
        )


# --- the team around the family ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "role", "url", "ceiling"),
    [
        ("team around the family page", "sw", "/taf/case/{case}/", 15),
        ("API TAF members", "sw", "/api/v1/taf-members/?case={case}", 12),
        ("API TAF meetings", "sw", "/api/v1/taf-meetings/?case={case}", 13),
        ("API TAF actions", "sw", "/api/v1/taf-actions/?case={case}", 12),
        ("partner's plan page", "partner", "/taf/plan/{case}/", 12),
    ],
)
def test_taf_of_a_case(world, page_as, api_as, name, role, url, ceiling):
    from familyhelp.taf.tests.factories import PartnerTafMemberFactory

    case = b.case_for(world.own, world.sw)
    PartnerTafMemberFactory(case=case, user=world.partner)
    client = (api_as if url.startswith("/api/") else page_as)(world.users[role])
    _run(name, client, url.format(case=case.pk), lambda n: b.taf_history(world, case, n), ceiling)


def test_api_partner_taf_actions(world, api_as):
    _run("API TAF my actions (partner)", api_as(world.partner), "/api/v1/taf-my-actions/",
         lambda n: b.taf_for_partner(world, n), 8)  # fmt: skip


# --- practice tools -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "url", "ceiling"),
    [
        ("practice tools of a child", "/practice/child/{child}/", 23),
        ("practice tool history", "/practice/child/{child}/gcp2/", 13),
        ("API practice completions", "/api/v1/practice/completions/?person={child}", 12),
        ("API practice completions (family)", "/api/v1/practice/completions/family/?person={child}", 11),
        ("API practice instruments", "/api/v1/practice/instruments/", 8),
    ],
)
def test_practice_of_a_child(world, page_as, api_as, name, url, ceiling):
    b.case_for(world.own, world.sw)  # the tools are recorded on an open case
    client = (api_as if url.startswith("/api/") else page_as)(world.sw)
    with freeze_time("2025-06-02 10:00"):
        _run(name, client, url.format(child=world.own.pk), lambda n: b.completions(world, world.own, n), ceiling)
