"""Query budgets of the performance dashboard (overview and a group), its drill-down, the benchmarks page and
the performance API's lists. The council grows by children referred in the quarter shown."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db

Q1 = "2025-Q1"
IN_Q1 = datetime.date(2025, 2, 3)


def _grow(world: Any, n: int) -> None:
    """`n` children referred (a case opened and a CIN episode) in the quarter, half of them in another team,
    and contacts received then."""
    b.children_with_cases(world, n - n // 2, opened=IN_Q1, history=0)
    b.children_with_cases(world, n // 2, worker=world.cp_worker, opened=IN_Q1, history=0)
    b.contacts(world, n, checks=0, people=0)


@pytest.mark.parametrize(
    ("name", "role", "url", "ceiling"),
    [
        ("performance dashboard (overview)", "leader", f"/performance/?period={Q1}", 33),
        ("performance dashboard (front door)", "leader", f"/performance/?period={Q1}&group=front-door", 16),
        ("performance dashboard (manager)", "manager", f"/performance/?period={Q1}", 33),
        ("performance drill-down (cases)", "leader", f"/performance/referrals/total/records/?period={Q1}", 14),
        ("performance drill-down (manager)", "manager", f"/performance/referrals/total/records/?period={Q1}", 15),
        ("performance benchmarks", "analyst", "/performance/benchmarks/", 8),
        ("API performance measures", "analyst", "/api/v1/performance/measures/", 6),
        ("API performance report", "analyst", f"/api/v1/performance/report/?period={Q1}", 28),
        (
            "API performance records",
            "leader",
            f"/api/v1/performance/records/?measure=referrals&figure=total&period={Q1}",
            10,
        ),
        ("API performance benchmarks", "analyst", "/api/v1/performance/benchmarks/", 7),
    ],
)
def test_performance(world, page_as, api_as, name, role, url, ceiling):
    _grow(world, 2)
    client = (api_as if url.startswith("/api/") else page_as)(world.users[role])
    budget = Budget(name, client, url)
    budget.small()
    _grow(world, 10)
    budget.large()
    budget.check(ceiling=ceiling)
