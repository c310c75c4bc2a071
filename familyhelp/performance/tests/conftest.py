"""Performance tests' shared fixture: three CIN referrals in February 2025 whose workers differ in scope."""

from __future__ import annotations

import pytest

from familyhelp.performance.tests import world as pw


@pytest.fixture
def referrals(world):  # type: ignore[no-untyped-def]
    """Three referrals in February 2025: Zoë (sw, team A), Minh (colleague, team A), Oliver (cp worker, team B)."""
    world.cases = {}
    for name, person, worker in (
        ("own", world.own, world.sw),
        ("team", world.team_child, world.colleague),
        ("other", world.other, world.cp_worker),
    ):
        kase = pw.case(person, opened=pw.D(2025, 2, 3), team=worker.team, worker=worker)
        pw.episode(kase, pw.D(2025, 2, 3), source="2A")
        world.cases[name] = kase
    return world
