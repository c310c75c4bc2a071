"""Query budgets of the front door: the queue, a contact, a partner's referrals, and the contacts API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db


def test_queue(world, page_as):
    b.contacts(world, 2)
    budget = Budget("front-door queue", page_as(world.frontdoor), reverse("frontdoor:queue"))
    budget.small()
    b.contacts(world, 10)
    budget.large()
    budget.check(ceiling=9)


def test_contact_page_with_little_and_lots_of_history(world, page_as):
    contact = b.contacts(world, 1, checks=1, people=1)[0]
    budget = Budget("contact page", page_as(world.frontdoor), reverse("frontdoor:contact", args=[contact.pk]))
    budget.small()
    # More history: earlier contacts about the same child, more people named, more checks.
    b.contacts(world, 6, child=contact.child, checks=3, people=3)
    b.casework(b.case_for(contact.child, world.sw), world.sw, 3)
    b.contacts(world, 0)
    budget.large()
    budget.check(ceiling=21)


def test_partner_referrals(world, page_as):
    b.contacts(world, 2)
    budget = Budget("partner: my referrals", page_as(world.partner), reverse("frontdoor:my_referrals"))
    budget.small()
    b.contacts(world, 10)
    budget.large()
    budget.check(ceiling=9)


def test_api_contacts(world, api_as):
    b.contacts(world, 2)
    budget = Budget("API contacts", api_as(world.frontdoor), "/api/v1/contacts/")
    budget.small()
    b.contacts(world, 10)
    budget.large()
    budget.check(ceiling=8)


def test_api_contact_counts(world, api_as):
    b.contacts(world, 2)
    budget = Budget("API contact counts", api_as(world.frontdoor), "/api/v1/contacts/counts/")
    budget.small()
    b.contacts(world, 10)
    budget.large()
    budget.check(ceiling=7)


def test_api_referrals(world, api_as):
    b.contacts(world, 2)
    budget = Budget("API referrals (partner)", api_as(world.partner), "/api/v1/referrals/")
    budget.small()
    b.contacts(world, 10)
    budget.large()
    budget.check(ceiling=8)
