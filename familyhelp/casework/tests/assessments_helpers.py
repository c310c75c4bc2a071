"""Fixtures for the assessments tests: open cases at level 3 and 4 with their workers, on known dates."""

from __future__ import annotations

import datetime
from typing import Any

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.people.tests.factories import ChildFactory, InvolvementFactory

OPENED = datetime.date(2024, 12, 2)


def make_case(
    world: Any,
    person: Any,
    *,
    level: int,
    worker: Any,
    opened_on: datetime.date = OPENED,
    episode: bool = True,
    status: str = Case.Status.OPEN,
    reference: str = "",
) -> Case:
    """An open, allocated case (with an open CIN episode at level 4 unless episode=False)."""
    case = Case.objects.create(
        reference=reference or f"CASE{Case.objects.count() + 8000001:07d}",
        person=person,
        level=level,
        status=status,
        opened_on=opened_on,
        team=worker.team if worker else None,
        worker=worker if status == Case.Status.OPEN else None,
        allocated_on=opened_on if status == Case.Status.OPEN else None,
    )
    if level == 4 and episode:
        CINEpisode.objects.create(
            case=case, person=person, referral_date=opened_on, referral_source="2A", primary_need="N1"
        )
    return case


def build_aw(world: Any) -> Any:
    """The shared world plus: a level 4 case for the social worker's child Zoë O'Brien (with a CIN episode),
    a level 3 case for Siân Nguyễn held by the same social worker, and a second manager in the same team."""
    world.l4 = make_case(world, world.own, level=4, worker=world.sw, reference="CASE8000001")
    world.episode = world.l4.cin_episodes.get()
    world.l3_child = ChildFactory(given_names="Siân", family_name="Nguyễn")
    InvolvementFactory(person=world.l3_child, worker=world.sw, start_date=datetime.date(2024, 1, 1))
    world.l3 = make_case(world, world.l3_child, level=3, worker=world.sw, reference="CASE8000002")
    world.manager2 = UserFactory(username="manager2", role=Role.TEAM_MANAGER, team=world.team_a)
    return world


def events(kind: str) -> list[ChronologyEvent]:
    return list(ChronologyEvent.objects.filter(kind=kind))
