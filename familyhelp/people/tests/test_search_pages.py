"""The search pages (people search and the front door's "Is this child known?"): age, school year and year of
birth as evidence, their error messages, "Showing N of T", the prompt to narrow, and the reasons shown."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.people import search
from familyhelp.people.forms import PersonSearchForm
from familyhelp.people.tests.factories import ChildFactory

TODAY = "2026-03-10 10:00"
NARROW = "Add a date of birth, age, school year or postcode to narrow the search."
SEARCH = "people:search"


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _summary(response) -> list[tuple[str, str]]:
    """(message, link target) for each error in the error summary."""
    box = _soup(response).select_one(".govuk-error-summary")
    return [(a.get_text(strip=True), a["href"]) for a in box.select("li a")] if box else []


def _messages(response) -> list[str]:
    return [message for message, _ in _summary(response)]


def _heading(response) -> str:
    return _soup(response).select_one("#results-heading").get_text(" ", strip=True)


def _names(response) -> list[str]:
    return [a.get_text(strip=True) for a in _soup(response).select("table tbody td:first-child a")]


def _post(client, **data):
    return client.post(reverse(SEARCH), {"purpose": "new_contact", **data})


@pytest.fixture
def spy(monkeypatch):
    """Record the criteria the pages pass to the search (the real search still runs)."""
    seen: list[search.SearchCriteria] = []
    real = search.person_search_for_user

    def recording(user, criteria, **kwargs):
        seen.append(criteria)
        return real(user, criteria, **kwargs)

    monkeypatch.setattr("familyhelp.people.selectors.person_search_for_user", recording)
    monkeypatch.setattr("familyhelp.frontdoor.views.person_search_for_user", recording)
    return seen


# --- the form ------------------------------------------------------------------------------------------
def test_the_page_offers_age_school_year_and_year_of_birth_with_hints(world, client_for):
    soup = _soup(client_for(world.frontdoor).get(reverse(SEARCH)))
    assert soup.select_one("label[for=id_age]").get_text(strip=True) == "Age (about)"
    assert "In whole years" in soup.select_one("#id_age-hint").get_text()
    assert soup.select_one("#id_age")["aria-describedby"] == "id_age-hint"
    options = [o.get_text(strip=True) for o in soup.select("#id_school_year option")]
    assert options == ["Not known", "Reception", *[f"Year {n}" for n in range(1, 14)]]
    assert soup.select_one("#id_year_of_birth-hint").get_text(strip=True) == "4 digits, like 2012"


@pytest.mark.parametrize(
    ("raw", "age"),
    [("9", 9), ("about 9", 9), ("About 14 years old", 14), ("0", 0), ("25", 25), ("~3", 3), ("9 yrs", 9)],
)
def test_age_is_read_as_a_whole_number_of_years(raw, age):
    form = PersonSearchForm({"family_name": "Taylor", "age": raw, "purpose": "new_contact"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["age"] == age


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("age", "26", "Enter an age between 0 and 25"),
        ("age", "130", "Enter an age between 0 and 25"),
        ("age", "nine", "Enter the age as a whole number of years, like 9"),
        ("age", "-1", "Enter the age as a whole number of years, like 9"),
        ("age", "9.5", "Enter the age as a whole number of years, like 9"),
        ("year_of_birth", "12", "Enter a year of birth as 4 digits, like 2012"),
        ("year_of_birth", "20l2", "Enter a year of birth as 4 digits, like 2012"),
        ("year_of_birth", "2027", "Year of birth must be this year or in the past"),
        ("year_of_birth", "1899", "Year of birth must be 1900 or later"),
        ("school_year", "14", "Choose a school year from the list"),
        ("school_year", "R", "Choose a school year from the list"),
    ],
)
def test_each_bad_value_has_its_own_message_linked_to_its_field(world, client_for, field, raw, message):
    response = _post(client_for(world.frontdoor), family_name="Taylor", **{field: raw})
    assert _summary(response) == [(message, f"#id_{field}")]
    assert _soup(response).select_one(f"#id_{field}-error").get_text(" ", strip=True) == f"Error: {message}"
    assert not AccessLog.objects.filter(action="search").exists()


@freeze_time(TODAY)
def test_this_year_is_a_year_of_birth(world, client_for, spy):
    response = _post(client_for(world.frontdoor), family_name="Taylor", year_of_birth="2026")
    assert _summary(response) == []
    assert spy[-1].year_of_birth == 2026


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"age": "9"}, "Enter a name, date of birth, postcode or identifier with the age"),
        ({"school_year": "4"}, "Enter a name, date of birth, postcode or identifier with the school year"),
        ({"school_year": "0"}, "Enter a name, date of birth, postcode or identifier with the school year"),
        ({"year_of_birth": "2016"}, "Enter a name, date of birth, postcode or identifier with the year of birth"),
        ({"age": "9", "year_of_birth": "2016"}, "Enter a name, date of birth, postcode or identifier with the age"),
    ],
)
def test_age_alone_is_not_a_search(world, client_for, data, message):
    response = _post(client_for(world.frontdoor), **data)
    assert _summary(response) == [(message, "#id_given_names")]
    assert not AccessLog.objects.filter(action="search").exists()


def test_nothing_at_all_still_asks_for_one_thing(world, client_for):
    response = _post(client_for(world.frontdoor))
    assert _messages(response) == ["Enter at least one thing to search for, like a family name"]


@freeze_time(TODAY)
def test_age_school_year_and_year_of_birth_are_passed_to_the_search_and_logged(world, client_for, spy):
    client = client_for(world.frontdoor)
    _post(client, given_names="Issy", family_name="Taylor", age="about 9", school_year="0", year_of_birth="2016")
    criteria = spy[-1]
    assert (criteria.given_names, criteria.family_name) == ("Issy", "Taylor")
    assert (criteria.age, criteria.school_year, criteria.year_of_birth) == (9, 0, 2016)
    assert criteria.date_of_birth is None
    logged = AccessLog.objects.get(action="search", user=world.frontdoor).criteria
    assert (logged["age"], logged["school_year"], logged["year_of_birth"]) == (9, 0, 2016)


def test_values_the_form_does_not_get_stay_unset(world, client_for, spy):
    _post(client_for(world.frontdoor), family_name="Taylor")
    assert (spy[-1].age, spy[-1].school_year, spy[-1].year_of_birth) == (None, None, None)


def test_an_error_from_the_search_itself_reaches_the_summary(world, client_for, monkeypatch):
    from familyhelp.core.errors import DomainError

    def refuse(user, criteria, **kwargs):
        raise DomainError(errors={"age": ["Enter an age between 0 and 25"]})

    monkeypatch.setattr("familyhelp.people.selectors.person_search_for_user", refuse)
    response = _post(client_for(world.frontdoor), family_name="Taylor", age="9")
    assert _summary(response) == [("Enter an age between 0 and 25", "#id_age")]


# --- the results ---------------------------------------------------------------------------------------
@freeze_time(TODAY)
def test_an_age_puts_the_child_of_that_age_first(world, client_for):
    today = datetime.date(2026, 3, 10)
    for years in (3, 14, 6, 17):
        ChildFactory(given_names="Isabella", family_name="Taylor", date_of_birth=today.replace(year=today.year - years))
    nine = ChildFactory(given_names="Isabella", family_name="Taylor", date_of_birth=datetime.date(2016, 11, 2))
    client = client_for(world.frontdoor)
    response = _post(client, given_names="Issy", family_name="Taylor", age="9")
    rows = _soup(response).select("table tbody tr")
    assert len(rows) == 5  # the others are still shown, below
    first = rows[0]
    assert first.select_one("a").get_text(strip=True) == "Isabella Taylor"
    assert "2 Nov 2016" in first.get_text()
    assert nine.reference in first.get_text()
    assert "age fits" in first.select("td")[-1].get_text().lower()
    assert "age fits" not in rows[1].select("td")[-1].get_text().lower()


def test_more_than_are_shown_says_showing_n_of_t_and_asks_to_narrow(world, client_for):
    for n in range(search_limit() + 5):
        ChildFactory(given_names="Ava", family_name="Brown", date_of_birth=datetime.date(2012, 1, 1 + n % 28))
    response = _post(client_for(world.frontdoor), family_name="Brown")
    shown = len(_names(response))
    assert shown == search_limit()
    assert _heading(response) == f"Showing {shown} of {search_limit() + 5} people who match"
    narrow = _soup(response).select_one("#narrow")
    assert narrow is not None and "govuk-inset-text" in narrow["class"]
    assert narrow.get_text(" ", strip=True) == f"{NARROW} 5 more people match than are shown."
    assert "Brown" not in narrow.get_text() and "Ava" not in narrow.get_text()  # no personal data in the prompt


def search_limit() -> int:
    """How many people the people search page shows (person_search_for_user's default limit)."""
    import inspect

    return int(inspect.signature(search.person_search_for_user).parameters["limit"].default)


def test_a_few_matches_are_counted_without_showing_n_of_t(world, client_for):
    ChildFactory(given_names="Ava", family_name="Brown", date_of_birth=datetime.date(2012, 1, 1))
    ChildFactory(given_names="Ava", family_name="Brown", date_of_birth=datetime.date(2013, 1, 1))
    response = _post(client_for(world.frontdoor), given_names="Ava", family_name="Brown")
    assert _heading(response) == "2 people found"
    assert "Showing" not in _soup(response).get_text()


def test_each_result_says_why_it_matched(world, client_for):
    response = _post(
        client_for(world.frontdoor),
        given_names="Zoe",
        family_name="OBrien",
        date_of_birth_day="4",
        date_of_birth_month="3",
        date_of_birth_year="2016",
    )
    row = _soup(response).select_one("table tbody tr")
    assert row.select_one("a").get_text(strip=True) == "Zoë O'Brien"
    why = row.select("td")[-1].get_text(" ", strip=True).lower()
    assert "date of birth matches" in why
    assert "family name" in why


def test_nobody_matching_is_said_not_left_blank(world, client_for):
    response = _post(client_for(world.frontdoor), given_names="Quentin", family_name="Xylophone-Zzyzx")
    assert _heading(response) == "0 people found"
    assert "No one matched" in _soup(response).get_text()
    assert _soup(response).select_one("table") is None


# --- the front door's "Is this child known?" ------------------------------------------------------------
@pytest.fixture
def contact(world):
    from familyhelp.core import clock
    from familyhelp.frontdoor.tests.conftest import make_contact

    return make_contact(world, received_at=clock.now() - datetime.timedelta(hours=1))[0]


def _find(client, contact, **data):
    return client.post(reverse("frontdoor:find", args=[contact.pk]), {"purpose": "new_contact", **data})


def test_the_front_door_form_takes_an_age_too(world, client_for, contact, spy):
    client = client_for(world.frontdoor)
    soup = _soup(client.get(reverse("frontdoor:find", args=[contact.pk])))
    assert soup.select_one("#id_age") is not None and soup.select_one("#id_school_year") is not None
    _find(client, contact, given_names="Zoe", family_name="OBrien", age="about 9", school_year="5")
    assert (spy[-1].age, spy[-1].school_year, spy[-1].year_of_birth) == (9, 5, None)
    response = _find(client, contact, age="9")
    assert _summary(response) == [
        ("Enter a name, date of birth, postcode or identifier with the age", "#id_given_names")
    ]


def test_the_front_door_says_showing_n_of_t_and_asks_to_narrow(world, client_for, contact):
    for n in range(25):
        ChildFactory(given_names="Ava", family_name="Brown", date_of_birth=datetime.date(2012, 2, 1 + n))
    response = _find(client_for(world.frontdoor), contact, given_names="Ava", family_name="Brown")
    cards = _soup(response).select("[data-result]")
    assert len(cards) == 20  # the front door shows twenty
    assert _heading(response) == "Showing 20 of 25 people who match"
    assert _soup(response).select_one("#narrow").get_text(" ", strip=True) == (
        f"{NARROW} 5 more people match than are shown."
    )


def test_the_front_door_says_when_nobody_matched(world, client_for, contact):
    response = _find(client_for(world.frontdoor), contact, given_names="Quentin", family_name="Xylophone-Zzyzx")
    assert _heading(response) == "0 people found"
    assert "No one matched" in _soup(response).get_text()
    assert _soup(response).select_one("#narrow") is None
