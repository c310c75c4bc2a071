"""Query budgets of the casework list endpoints of /api/v1/: lists over the user's record scope grow with
more cases; lists of one case grow with more history on that case."""

from __future__ import annotations

from typing import Any

import pytest

from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db

# name: (role, url (may name {case}), what grows, ceiling)
ENDPOINTS: dict[str, tuple[str, str, str, int]] = {
    "API cases": ("sw", "/api/v1/cases/", "cases", 9),
    "API cases (manager)": ("manager", "/api/v1/cases/", "cases", 9),
    "API duty bank": ("manager", "/api/v1/cases/duty-bank/", "cases", 8),
    "API work tray": ("sw", "/api/v1/work-tray/", "cases", 16),
    "API team work tray": ("manager", "/api/v1/work-tray/team/", "cases", 21),
    "API assessments": ("sw", "/api/v1/assessments/", "cases", 9),
    "API assessments of a case": ("sw", "/api/v1/assessments/?case={case}", "history", 12),
    "API strategy discussions": ("sw", "/api/v1/strategy-discussions/", "cases", 9),
    "API strategy discussions of a case": ("sw", "/api/v1/strategy-discussions/?case={case}", "history", 12),
    "API s47 enquiries": ("sw", "/api/v1/s47-enquiries/", "cases", 9),
    "API s47 enquiries of a case": ("sw", "/api/v1/s47-enquiries/?case={case}", "history", 12),
    "API plans": ("sw", "/api/v1/plans/", "cases", 10),
    "API plans of a case": ("sw", "/api/v1/plans/?case={case}", "history", 13),
    "API visits of a case": ("sw", "/api/v1/visits/?case={case}", "history", 12),
    "API next visit due": ("sw", "/api/v1/visits/next-due/?case={case}", "history", 14),
    "API case notes of a case": ("sw", "/api/v1/case-notes/?case={case}", "history", 13),
    "API casework policy": ("manager", "/api/v1/casework-policy/", "cases", 7),
    "API chronology of a child": ("sw", "/api/v1/people/{child}/chronology/", "history", 13),
}


def _grow(world: Any, kind: str, case: Any, n: int) -> None:
    if kind == "cases":
        b.children_with_cases(world, n)
    else:
        b.casework(case, world.sw, n)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_casework_list(world, api_as, name):
    role, url, kind, ceiling = ENDPOINTS[name]
    case = b.case_for(world.own, world.sw)
    b.casework(case, world.sw, 1)
    _grow(world, kind, case, 2)
    budget = Budget(name, api_as(world.users[role]), url.format(case=case.pk, child=world.own.pk))
    budget.small()
    _grow(world, kind, case, 10)
    budget.large()
    budget.check(ceiling=ceiling)
