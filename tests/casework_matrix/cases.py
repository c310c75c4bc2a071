"""Role-matrix rows for the casework case, duty-bank and work-tray URLs (merged by test_permission_coverage).

`build(world)` runs first of the casework builders: it gives the social worker's child (`world.own`) an open
level 4 case allocated to the social worker (`world.case`, with its CIN episode `world.episode`) and puts a
level 3 case for another child in the duty bank (`world.duty_case`).
"""

from __future__ import annotations

import datetime
from typing import Any

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {}


def build(world: Any) -> None:
    from familyhelp.casework.models import Allocation, Case, CINEpisode
    from familyhelp.people.tests.factories import ChildFactory

    today = datetime.date.today()
    world.case = Case.objects.create(
        reference="CASE9000001",
        person=world.own,
        level=4,
        status="open",
        opened_on=today - datetime.timedelta(days=20),
        team=world.sw.team,
        worker=world.sw,
        allocated_on=today - datetime.timedelta(days=19),
    )
    Allocation.objects.create(
        case=world.case,
        worker=world.sw,
        team=world.sw.team,
        started_on=world.case.allocated_on,
        allocated_by=world.manager,
        reason="Allocated from the duty bank",
    )
    world.episode = CINEpisode.objects.create(
        case=world.case,
        person=world.own,
        referral_date=world.case.opened_on,
        referral_source="2A",
        primary_need="N1",
    )
    world.duty_child = ChildFactory(given_names="Zoë", family_name="Nguyễn")
    world.duty_case = Case.objects.create(
        reference="CASE9000002",
        person=world.duty_child,
        level=3,
        opened_on=today - datetime.timedelta(days=2),
    )
