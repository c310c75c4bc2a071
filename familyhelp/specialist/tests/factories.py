"""Factories for specialist services: a service, and a referral in each lifecycle state."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from familyhelp.specialist.models import Service, ServiceReferral


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = Service.Kind.INTENSIVE_FAMILY_SUPPORT
    capacity = 10


class ReferralFactory(factory.django.DjangoModelFactory):
    """A requested referral: pass service, case and requested_by."""

    class Meta:
        model = ServiceReferral

    person = factory.LazyAttribute(lambda o: o.case.person)
    reason = "Support with routines and boundaries"
    requested_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))


class StartedReferralFactory(ReferralFactory):
    status = ServiceReferral.Status.STARTED
    started_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=5))


class EndedReferralFactory(StartedReferralFactory):
    status = ServiceReferral.Status.ENDED
    ended_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    outcome = ServiceReferral.Outcome.GOALS_MET


def open_case(world: Any, person: Any = None, **kwargs: Any) -> Any:
    """An open level 4 case for the social worker's child, allocated to the social worker."""
    from familyhelp.performance.tests import world as pw

    return pw.case(person or world.own, worker=world.sw, team=world.sw.team, opened=datetime.date(2020, 1, 1), **kwargs)
