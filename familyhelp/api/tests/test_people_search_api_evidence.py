"""POST /api/v1/people/search/ with an age, school year or year of birth as evidence; `total`, `more` and
`needs_narrowing` in the response; the OpenAPI schema says so."""

from __future__ import annotations

import datetime
import json

import pytest
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.people import search
from familyhelp.people.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/people/search/"
TODAY = "2026-03-10 10:00"


def _post(client, **data):
    return client.post(SEARCH, {"purpose": "new_contact", **data}, format="json")


@pytest.fixture
def spy(monkeypatch):
    seen: list[search.SearchCriteria] = []
    real = search.person_search_for_user

    def recording(user, criteria, **kwargs):
        seen.append(criteria)
        return real(user, criteria, **kwargs)

    monkeypatch.setattr("familyhelp.api.views.people.person_search_for_user", recording)
    return seen


@freeze_time(TODAY)
def test_age_school_year_and_year_of_birth_reach_the_search_and_the_log(world, api_as, spy):
    response = _post(api_as(world.frontdoor), given_names="Issy", family_name="Taylor", age=9, school_year=0)
    assert response.status_code == 200
    assert (spy[-1].age, spy[-1].school_year, spy[-1].year_of_birth) == (9, 0, None)
    _post(api_as(world.frontdoor), family_name="Taylor", year_of_birth=2016, age=None)
    assert (spy[-1].age, spy[-1].school_year, spy[-1].year_of_birth) == (None, None, 2016)
    logged = AccessLog.objects.filter(action="search", user=world.frontdoor)  # the same frozen instant: no order
    assert {
        (e.criteria.get("age"), e.criteria.get("school_year"), e.criteria.get("year_of_birth")) for e in logged
    } == {
        (9, 0, None),
        (None, None, 2016),
    }


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", 26, "Enter an age between 0 and 25"),
        ("age", -1, "Enter an age between 0 and 25"),
        ("age", "nine", "Enter the age as a whole number of years, like 9"),
        ("school_year", 14, "Enter a school year from 0 (Reception) to 13 (Year 13)"),
        ("school_year", -1, "Enter a school year from 0 (Reception) to 13 (Year 13)"),
        ("year_of_birth", 12, "Enter a year of birth as 4 digits, like 2012"),
        ("year_of_birth", "twenty", "Enter a year of birth as 4 digits, like 2012"),
        ("year_of_birth", 2027, "Year of birth must be this year or in the past"),
        ("year_of_birth", 1899, "Year of birth must be 1900 or later"),
    ],
)
def test_bad_values_are_400_field_errors(world, api_as, field, value, message):
    response = _post(api_as(world.frontdoor), family_name="Taylor", **{field: value})
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not AccessLog.objects.filter(action="search").exists()


@pytest.mark.parametrize(
    ("data", "what"),
    [({"age": 9}, "the age"), ({"school_year": 0}, "the school year"), ({"year_of_birth": 2016}, "the year of birth")],
)
def test_age_alone_is_not_a_search(world, api_as, data, what):
    response = _post(api_as(world.frontdoor), **data)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"Enter a name, date of birth, postcode or identifier with {what}"]}


def test_the_response_says_how_many_matched_and_whether_to_narrow(world, api_as):
    for n in range(55):
        ChildFactory(given_names="Ava", family_name="Brown", date_of_birth=datetime.date(2012, 1, 1 + n % 28))
    body = _post(api_as(world.frontdoor), family_name="Brown").json()
    assert (body["count"], body["total"], body["more"], body["needs_narrowing"]) == (50, 55, 5, True)
    assert len(body["results"]) == 50
    assert all(r["reasons"] for r in body["results"])


def test_a_search_with_a_date_of_birth_needs_no_narrowing(world, api_as):
    body = _post(api_as(world.frontdoor), given_names="Zoe", family_name="OBrien", date_of_birth="2016-03-04").json()
    assert body["results"][0]["reference"] == world.own.reference
    assert (body["count"], body["total"], body["more"], body["needs_narrowing"]) == (
        len(body["results"]),
        len(body["results"]),
        0,
        False,
    )


def test_nobody_matching_is_an_empty_answer_with_totals(world, api_as):
    body = _post(api_as(world.frontdoor), given_names="Quentin", family_name="Xylophone-Zzyzx").json()
    assert body == {"count": 0, "total": 0, "more": 0, "needs_narrowing": False, "results": []}


def test_the_schema_describes_the_evidence_and_the_totals(world, api_as):
    response = api_as(world.frontdoor).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    components = schema["components"]["schemas"]
    request = components["PersonSearchRequest"] if "PersonSearchRequest" in components else components["PersonSearch"]
    assert request["properties"]["age"]["maximum"] == 25
    assert request["properties"]["age"]["minimum"] == 0
    assert request["properties"]["school_year"]["maximum"] == 13
    assert request["properties"]["year_of_birth"]["type"] == "integer"
    reply = components["SearchResponse"]
    assert {"total", "more", "needs_narrowing"} <= set(reply["properties"])
    assert reply["properties"]["needs_narrowing"]["type"] == "boolean"
    assert {"/api/v1/name-variants/", "/api/v1/name-variants/{id}/"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/name-variants/{id}/"]) >= {"get", "delete"}
