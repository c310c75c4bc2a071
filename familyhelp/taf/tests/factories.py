"""Factories for the team around the family: a minimal valid object, plus one subclass per lifecycle state."""

from __future__ import annotations

import datetime

import factory

from familyhelp.directory.models import LocalService
from familyhelp.taf.models import TafAction, TafMeeting, TafMember


class TafMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafMember

    name = factory.Faker("name", locale="en_GB")
    role = "School nurse"
    agency_name = "Northfield Primary School"
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    phone = "01632 960001"
    consent = TafMember.Consent.GIVEN
    consent_date = factory.LazyAttribute(lambda o: o.case.opened_on)
    joined_on = factory.LazyAttribute(lambda o: o.case.opened_on)


class PartnerTafMemberFactory(TafMemberFactory):
    """A member linked to a partner's user account."""

    role = "Probation officer"
    agency_name = ""
    partner_agency = factory.LazyAttribute(lambda o: o.user.partner_agency)


class LeftTafMemberFactory(TafMemberFactory):
    left_on = factory.LazyAttribute(lambda o: o.joined_on + datetime.timedelta(days=1))


class TafMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafMeeting

    held_on = factory.LazyAttribute(lambda o: o.case.opened_on)
    decisions = "Agreed the action plan."


class TafActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafAction

    case = factory.LazyAttribute(lambda o: o.owner.case)
    text = "Check in with the family weekly"
    due_on = factory.LazyAttribute(lambda o: o.owner.case.opened_on + datetime.timedelta(days=14))


class DoneTafActionFactory(TafActionFactory):
    status = TafAction.Status.DONE
    done_on = factory.LazyAttribute(lambda o: o.due_on)


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService

    name = factory.Sequence(lambda n: f"Family hub {n}")
    kind = LocalService.Kind.FAMILY_HUB
    offer = "Parenting groups and stay and play"
    eligibility = "Families with children aged 0 to 5"
