"""Fixtures for the time-truth tests: the shared world plus a front-door manager; the API client fixture."""

from __future__ import annotations

import pytest

from familyhelp.api.tests.conftest import api_as  # noqa: F401 - the API client fixture, shared


@pytest.fixture
def tw(world):  # type: ignore[no-untyped-def]
    """The shared world plus a front-door manager to authorise decisions."""
    from familyhelp.accounts.roles import Role
    from familyhelp.accounts.tests.factories import UserFactory
    from familyhelp.frontdoor.defaults import install

    install()
    world.fd_manager = UserFactory(username="fdmanager", role=Role.TEAM_MANAGER, team=world.mash)
    return world
