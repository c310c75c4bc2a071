"""Two managers allocate the same duty-bank case at the same moment: exactly one succeeds.

Two threads, two database connections, one barrier (as the front door's concurrent-authorisation test). On
PostgreSQL the case row is locked (SELECT ... FOR UPDATE OF the case); on SQLite the transaction takes the write
lock at BEGIN IMMEDIATE, so the second allocation waits, then finds the case allocated.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from freezegun import freeze_time

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.casework.models import Allocation, Case
from familyhelp.casework.services import cases as svc
from familyhelp.core.errors import DomainError
from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.people.tests.factories import ChildFactory


@pytest.mark.django_db(transaction=True)
def test_two_managers_allocating_the_same_case_at_once_exactly_one_succeeds(world):
    with freeze_time("2026-03-09 10:30"):
        case, _ = svc.case_open_from_front_door(
            actor=world.frontdoor,
            person=ChildFactory(),
            level=4,
            contact=None,
            opened_on=datetime.date(2026, 3, 2),
            referral_source="2A",
            primary_need="N1",
        )
    second = UserFactory(username="manager2", role=Role.TEAM_MANAGER, team=world.team_a)
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    choices = {world.manager.username: world.sw, second.username: world.cp_worker}

    def allocate(manager):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            svc.case_allocate(
                actor=manager,
                case=Case.objects.get(pk=case.pk),
                worker=choices[manager.username],
                reason="From the duty bank",
                expected_version=version,
            )
            outcomes[manager.username] = "allocated"
        except DomainError as exc:
            outcomes[manager.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(m,)) for m in (world.manager, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert list(outcomes.values()).count("allocated") == 1, outcomes
    (winner,) = [u for u, v in outcomes.items() if v == "allocated"]
    (refused,) = [v for v in outcomes.values() if v != "allocated"]
    winner_user = world.manager if winner == world.manager.username else second
    assert refused.startswith(
        f"Case {case.reference} has already been allocated: {winner_user} allocated it to {choices[winner]}"
    ), outcomes
    assert Allocation.objects.filter(case=case).count() == 1
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.worker, stored.version) == ("open", choices[winner], version + 1)
    assert ProfessionalInvolvement.objects.filter(person=case.person, role="allocated_worker").count() == 1
