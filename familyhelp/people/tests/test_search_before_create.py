"""A person cannot be recorded until the user has searched for them (issue 3: "is this child known?")."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.core.errors import DomainError
from familyhelp.people import services
from familyhelp.people.models import Person
from familyhelp.people.selectors import SearchCriteria, person_search_for_user


def test_recording_without_a_search_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")
    assert "Search for this person before recording them" in exc.value.message
    assert not Person.objects.filter(family_name="Jones").exists()


def test_recording_after_searching_for_the_name_is_allowed(world):
    person_search_for_user(world.frontdoor, SearchCriteria(family_name="Jones"), purpose="new contact")
    person = services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")
    assert person.family_name == "Jones"


def test_a_search_for_a_similar_spelling_counts(world):
    person_search_for_user(world.frontdoor, SearchCriteria(given_names="Zoe", family_name="OBrien"), purpose="x")
    assert services.person_create(actor=world.frontdoor, given_names="Zoë", family_name="O'Brien")


def test_a_search_by_date_of_birth_counts(world):
    dob = datetime.date(2019, 4, 1)
    person_search_for_user(world.frontdoor, SearchCriteria(date_of_birth=dob), purpose="x")
    assert services.person_create(actor=world.frontdoor, given_names="Madonna", family_name="", date_of_birth=dob)


def test_someone_elses_search_does_not_count(world):
    person_search_for_user(world.sw, SearchCriteria(family_name="Jones"), purpose="x")
    with pytest.raises(DomainError):
        services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")


def test_a_search_for_a_different_name_does_not_count(world):
    person_search_for_user(world.frontdoor, SearchCriteria(family_name="Smith"), purpose="x")
    with pytest.raises(DomainError):
        services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")


def test_a_search_more_than_an_hour_ago_does_not_count(world):
    with freeze_time("2026-05-01 09:00"):
        person_search_for_user(world.frontdoor, SearchCriteria(family_name="Jones"), purpose="x")
    assert AccessLog.objects.filter(user=world.frontdoor, action="search").exists()
    with freeze_time("2026-05-01 10:01"), pytest.raises(DomainError):
        services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")
    with freeze_time("2026-05-01 09:59"):
        assert services.person_create(actor=world.frontdoor, given_names="Ava", family_name="Jones")
