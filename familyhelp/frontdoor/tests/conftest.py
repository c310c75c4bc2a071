"""Front-door fixtures: a front-door manager, a contact about a child, a directory service."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor import services
from familyhelp.frontdoor.models import CheckType
from familyhelp.organisation.models import Team


@pytest.fixture
def fd(world):  # type: ignore[no-untyped-def]
    """The world plus a second manager (in the MASH) so one can propose and another authorise."""
    from familyhelp.frontdoor.defaults import install

    install()  # a transactional test elsewhere may have emptied the tables the migration filled
    world.fd_manager = UserFactory(username="fdmanager", role=Role.TEAM_MANAGER, team=world.mash)
    assessment = TeamFactory(local_authority=world.la, kind=Team.Kind.ASSESSMENT)
    world.manager2 = UserFactory(username="manager2", role=Role.TEAM_MANAGER, team=assessment)
    world.police = CheckType.objects.get(name="Police")
    world.health = CheckType.objects.get(name="Health")
    world.yos = CheckType.objects.get(name="Youth Offending Service")
    world.hub = LocalService.objects.create(
        name="Northfield Family Hub", kind=LocalService.Kind.FAMILY_HUB, offer="Parenting groups and drop-ins"
    )
    return world


def received(day: str = "2026-03-09", at: str = "10:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{at}"))


def make_contact(world, *, children=None, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.frontdoor,
        "children": children or [services.ChildAsGiven(given_names="Zoe", family_name="OBrien")],
        "received_at": received(),
        "referral_source": "2A",
        "concerns": "Zoë came to school with a bruise on her arm and said her mum's boyfriend shouted at her.",
        "consent": "given",
        "urgency": "same_day",
        "referrer_name": "Ms Patel",
        "referrer_agency_name": "Northfield Primary",
        "referrer_email": "dsl@northfield.example.org",
    }
    values.update(overrides)
    return services.contact_create(**values)


from familyhelp.api.tests.conftest import api_as  # noqa: E402,F401 - the API client fixture, shared
