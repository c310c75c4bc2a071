"""Query budgets of the home page (the work tray), for every role that has one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db


def _grow(world: Any, role: str, n: int) -> None:
    """Add `n` of whatever the role's tray lists."""
    user = world.users[role]
    b.notifications(user, n, about=world.own)
    if role in ("sw", "eh_worker", "cp_worker", "specialist", "frontdoor"):
        for _ in range(n):
            b.child_of(user)
    if role in ("manager", "leader"):
        b.team_members(world, n)
    if role == "auditor":
        b.refused_access(world, n)
    if role == "partner":
        b.taf_for_partner(world, n)
        b.referred_by_partner(world, n)
    if role == "admin":
        from familyhelp.accounts.roles import Role
        from familyhelp.accounts.tests.factories import UserFactory

        for _ in range(n):
            UserFactory(role=Role.ADMINISTRATOR)


# Ceilings: the measured count (docs/domain/query-budgets.md) plus a little headroom.
ROLES = {
    "sw": 10,
    "manager": 11,
    "eh_worker": 10,
    "cp_worker": 10,
    "frontdoor": 10,
    "specialist": 10,
    "leader": 9,
    "analyst": 10,
    "admin": 9,
    "auditor": 10,
    "partner": 10,
}


@pytest.mark.parametrize("role", list(ROLES))
def test_work_tray(world, page_as, role):
    _grow(world, role, 2)
    budget = Budget(f"home / work tray ({role})", page_as(world.users[role]), reverse("frontend:home"))
    budget.small()
    _grow(world, role, 10)
    budget.large()
    budget.check(ceiling=ROLES[role])
