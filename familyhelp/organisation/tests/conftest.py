from __future__ import annotations

import pytest

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import (
    LocalAuthorityFactory,
    LocalityFactory,
    TeamFactory,
    UserFactory,
)
from familyhelp.organisation.models import Team


@pytest.fixture
def la(db):
    return LocalAuthorityFactory()


@pytest.fixture
def locality(la):
    return LocalityFactory(local_authority=la, name="North", postcode_districts="B90 B91")


@pytest.fixture
def team(la, locality):
    return TeamFactory(local_authority=la, name="Assessment North", kind=Team.Kind.ASSESSMENT, locality=locality)


@pytest.fixture
def admin(la):
    return UserFactory(role=Role.ADMINISTRATOR, team=None)


@pytest.fixture
def social_worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, team=team, swe_number="SW100001")
