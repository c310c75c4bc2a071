"""Person search: typo-tolerant, scoped to the user, and every search logged with its criteria."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.people.selectors import SearchCriteria, person_search_for_user
from familyhelp.people.tests.factories import ChildFactory, RestrictedChildFactory


@pytest.fixture
def people(world):  # type: ignore[no-untyped-def]
    return {
        "katherine": ChildFactory(
            given_names="Katherine", family_name="Fitzgerald", date_of_birth=datetime.date(2014, 5, 9)
        ),
        "mohammed": ChildFactory(
            given_names="Mohammed",
            family_name="Rahman",
            date_of_birth=datetime.date(2012, 11, 3),
            nhs_number="4857773457",
        ),
        "zoe": world.own,  # Zoë O'Brien, 4 March 2016
        "nguyen": world.team_child,  # Minh Nguyễn
    }


def _names(results):  # type: ignore[no-untyped-def]
    return [r.person.full_name for r in results]


@pytest.mark.parametrize(
    ("criteria", "expected", "reason"),
    [
        (
            SearchCriteria(given_names="Katherine", family_name="Fitzgerald"),
            "Katherine Fitzgerald",
            "family name matches",
        ),
        (
            SearchCriteria(given_names="Katharine", family_name="Fitzgerals"),
            "Katherine Fitzgerald",
            "family name is similar",
        ),
        (SearchCriteria(given_names="Kate", family_name="Fitzgerald"), "Katherine Fitzgerald", "known short form"),
        (SearchCriteria(given_names="Fitzgerald", family_name="Katherine"), "Katherine Fitzgerald", "names swapped"),
        (SearchCriteria(given_names="Zoe", family_name="OBrien"), "Zoë O'Brien", "family name matches"),
        (SearchCriteria(family_name="Nguyen"), "Minh Nguyễn", "family name matches"),
        (SearchCriteria(date_of_birth=datetime.date(2016, 4, 3)), "Zoë O'Brien", "day and month swapped"),
        (SearchCriteria(date_of_birth=datetime.date(2015, 3, 4)), "Zoë O'Brien", "year"),
        (SearchCriteria(nhs_number="485 777 3457"), "Mohammed Rahman", "NHS number matches"),
        (SearchCriteria(given_names="Muhammad", family_name="Rahman"), "Mohammed Rahman", "given name"),
    ],
)
def test_search_finds_with_reasons(world, people, criteria, expected, reason):
    results = person_search_for_user(world.frontdoor, criteria, purpose="new_contact")
    assert results, "no results"
    assert results[0].person.full_name == expected
    assert any(reason in r for r in results[0].reasons), results[0].reasons


def test_search_does_not_return_unrelated_people(world, people):
    results = person_search_for_user(
        world.frontdoor, SearchCriteria(given_names="Katherine", family_name="Fitzgerald"), purpose="new_contact"
    )
    assert "Mohammed Rahman" not in _names(results)


def test_search_is_logged_with_criteria_and_purpose(world, people):
    person_search_for_user(
        world.frontdoor, SearchCriteria(family_name="Rahman", postcode="b91 3qb"), purpose="new_contact"
    )
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert log.user == world.frontdoor
    assert log.criteria == {"family_name": "Rahman", "postcode": "b91 3qb"}
    assert log.reason == "new_contact"
    assert log.result_count == 1


def test_search_respects_record_scope(world, people):
    results = person_search_for_user(world.sw, SearchCriteria(family_name="Smith"), purpose="casework")
    assert "Oliver Smith" not in _names(results)  # another service's child
    results = person_search_for_user(world.cp_worker, SearchCriteria(family_name="Smith"), purpose="casework")
    assert "Oliver Smith" in _names(results)


def test_restricted_results_are_masked(world):
    child = RestrictedChildFactory(given_names="Hidden", family_name="Person")
    results = person_search_for_user(world.frontdoor, SearchCriteria(family_name="Person"), purpose="new_contact")
    assert [r.person.pk for r in results] == [child.pk]
    assert results[0].restricted is True


def test_search_refused_without_verb(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        person_search_for_user(world.analyst, SearchCriteria(family_name="Smith"), purpose="other")
