"""A team around the family on the social worker's case for `world.own`, opened 1 December 2024.

Tests run with the clock frozen at 10 January 2025 (see `frozen`)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from familyhelp.accounts.tests.factories import PartnerUserFactory
from familyhelp.casework.models import Case
from familyhelp.taf.tests.factories import PartnerTafMemberFactory, TafActionFactory, TafMemberFactory

OPENED = datetime.date(2024, 12, 1)
TODAY = datetime.date(2025, 1, 10)


@pytest.fixture
def frozen() -> Any:
    with freeze_time("2025-01-10 10:00"):
        yield


@pytest.fixture
def taf(world: Any, frozen: Any) -> SimpleNamespace:
    """The case, a nurse (no account), the world's partner as probation officer, another partner on no team."""
    case = Case.objects.create(
        reference="TAF0001",
        person=world.own,
        level=3,
        status="open",
        opened_on=OPENED,
        team=world.sw.team,
        worker=world.sw,
        allocated_on=OPENED,
    )
    nurse = TafMemberFactory(case=case, name="Priya Shah", role="School nurse")
    probation = PartnerTafMemberFactory(case=case, name="Dan Hughes", user=world.partner)
    outsider = PartnerUserFactory(username="outsider")
    nurse_action = TafActionFactory(owner=nurse, text="Health check", due_on=datetime.date(2025, 1, 5))
    partner_action = TafActionFactory(owner=probation, text="Supervision appointment", due_on=datetime.date(2025, 2, 1))
    return SimpleNamespace(
        case=case,
        nurse=nurse,
        probation=probation,
        outsider=outsider,
        nurse_action=nurse_action,
        partner_action=partner_action,
    )
