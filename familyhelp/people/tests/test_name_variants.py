"""The council's own nicknames (people.NameVariant): the services, the page, the API, who may change them, and
that an added pair changes what person search finds."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.accounts import roles
from familyhelp.audit.models import AccessLog
from familyhelp.core.errors import DomainError, ForbiddenError
from familyhelp.people import variants
from familyhelp.people.models import NameVariant
from familyhelp.people.search import SearchCriteria, person_search_for_user
from familyhelp.people.tests.factories import ChildFactory

PAGE = "people:name_variants"


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.errors


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _summary(response) -> list[tuple[str, str]]:
    box = _soup(response).select_one(".govuk-error-summary")
    return [(a.get_text(strip=True), a["href"]) for a in box.select("li a")] if box else []


# --- services ------------------------------------------------------------------------------------------
def test_only_administrators_hold_the_verb():
    holders = {role for role, verbs in roles.ROLE_VERBS.items() if roles.MANAGE_NAME_VARIANTS in verbs}
    assert holders == {roles.Role.ADMINISTRATOR}
    assert roles.MANAGE_NAME_VARIANTS == "people.manage_name_variants"
    assert roles.MANAGE_NAME_VARIANTS in roles.ALL_VERBS


def test_a_pair_is_folded_and_stored_once_whichever_order_it_is_typed(world):
    added = variants.name_variant_add(actor=world.admin, name="  Robert ", variant="Bubba", note="Local usage")
    added.refresh_from_db()
    assert (added.name, added.variant) == ("Bubba", "Robert")  # alphabetical by the folded form
    assert (added.search_name, added.search_variant) == ("bubba", "robert")
    assert added.note == "Local usage"
    assert added.created_by == world.admin
    for name, variant, message in (
        ("Bubba", "Robert", "Bubba and Robert are already in the list"),
        ("ROBERT", "bubba", "bubba and ROBERT are already in the list"),
        ("Bübba", "Robert", "Bübba and Robert are already in the list"),
    ):
        errors = _errors(lambda n=name, v=variant: variants.name_variant_add(actor=world.admin, name=n, variant=v))
        assert errors == {"variant": [message]}
    assert NameVariant.objects.count() == 1


def test_accents_and_apostrophes_are_folded(world):
    added = variants.name_variant_add(actor=world.admin, name="Zoë", variant="D'Arcy")
    assert (added.search_name, added.search_variant) == ("darcy", "zoe")
    assert (added.name, added.variant) == ("D'Arcy", "Zoë")


@pytest.mark.parametrize(
    ("name", "variant", "errors"),
    [
        ("", "", {"name": ["Enter the name"], "variant": ["Enter the other form of the name"]}),
        ("   ", "Bubba", {"name": ["Enter the name"]}),
        ("Rob", "rob", {"variant": ["Enter two different names"]}),
        ("Zoe", "Zoë", {"variant": ["Enter two different names"]}),
        ("R2D2", "Robert", {"name": ["The name must not contain numbers"]}),
        ("Robert", "Bob1", {"variant": ["The other form of the name must not contain numbers"]}),
        ("Mary Ann", "Polly", {"name": ["Enter the name as a single given name, without spaces or hyphens"]}),
        (
            "Polly",
            "Mary-Jane",
            {"variant": ["Enter the other form of the name as a single given name, without spaces or hyphens"]},
        ),
        ("!!!", "Robert", {"name": ["The name must contain letters"]}),
        ("A" * 61, "Robert", {"name": ["The name must be 60 characters or fewer"]}),
        ("Bob", "Robert", {"variant": ["Person search already knows that Bob and Robert are the same name"]}),
        ("Issy", "Isabella", {"variant": ["Person search already knows that Issy and Isabella are the same name"]}),
    ],
)
def test_refusals_name_the_field(world, name, variant, errors):
    assert _errors(lambda: variants.name_variant_add(actor=world.admin, name=name, variant=variant)) == errors
    assert not NameVariant.objects.exists()
    assert not AccessLog.objects.filter(criteria__event="people.name_variant_added").exists()


def test_a_long_note_is_refused(world):
    errors = _errors(
        lambda: variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert", note="x" * 201)
    )
    assert errors == {"note": ["The note must be 200 characters or fewer"]}


@pytest.mark.parametrize("who", ["frontdoor", "sw", "manager", "leader", "analyst", "auditor", "partner"])
def test_only_an_administrator_may_add_or_remove(world, who):
    user = world.users[who]
    with pytest.raises(ForbiddenError):
        variants.name_variant_add(actor=user, name="Bubba", variant="Robert")
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    with pytest.raises(ForbiddenError):
        variants.name_variant_remove(actor=user, variant=pair)
    assert NameVariant.objects.filter(pk=pair.pk).exists()


def test_adding_and_removing_are_audited(world):
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert", note="Local usage")
    pk = str(pair.pk)
    added = AccessLog.objects.get(criteria__event="people.name_variant_added")
    assert (added.user, added.object_type, added.object_id) == (world.admin, "people.namevariant", pk)
    assert added.criteria == {
        "event": "people.name_variant_added",
        "name": "Bubba",
        "variant": "Robert",
        "note": "Local usage",
    }
    assert added.person is None
    variants.name_variant_remove(actor=world.admin, variant=pair)
    assert not NameVariant.objects.exists()
    removed = AccessLog.objects.get(criteria__event="people.name_variant_removed")
    assert (removed.user, removed.object_id, removed.criteria["name"]) == (world.admin, pk, "Bubba")
    assert "Removed Bubba / Robert" in removed.reason


def test_removing_twice_is_refused(world):
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    stale = NameVariant.objects.get(pk=pair.pk)
    variants.name_variant_remove(actor=world.admin, variant=pair)
    with pytest.raises(DomainError, match="This pair has already been removed"):
        variants.name_variant_remove(actor=world.admin, variant=stale)
    assert AccessLog.objects.filter(criteria__event="people.name_variant_removed").count() == 1


def test_a_write_that_cannot_be_audited_is_not_kept(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("access log unavailable")

    monkeypatch.setattr(variants, "access_log_record", broken)
    with pytest.raises(RuntimeError):
        variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    assert not NameVariant.objects.exists()


# --- the pair changes what search finds ----------------------------------------------------------------
def _search(world, given: str, family: str, dob: datetime.date | None = None):
    criteria = SearchCriteria(given_names=given, family_name=family, date_of_birth=dob)
    return person_search_for_user(world.frontdoor, criteria, purpose="new_contact")


def test_bubba_smith_with_the_date_of_birth_finds_robert_smith_as_a_known_short_form(world):
    dob = datetime.date(2014, 5, 17)
    robert = ChildFactory(given_names="Robert", family_name="Smith", date_of_birth=dob)
    ChildFactory(given_names="Robert", family_name="Smith", date_of_birth=datetime.date(2009, 1, 2))
    before = _search(world, "Bubba", "Smith", dob)
    assert "given name is a known short form" not in before[0].reasons if before else True
    variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    after = _search(world, "Bubba", "Smith", dob)
    assert after[0].person == robert
    assert after[0].reasons == ["family name matches", "given name is a known short form", "date of birth matches"]
    assert not before or after[0].score > before[0].score


def test_a_nickname_unknown_to_the_dataset_finds_nobody_until_the_council_adds_it(world):
    babatunde = ChildFactory(given_names="Babatunde", family_name="Adeyemi", date_of_birth=datetime.date(2014, 5, 17))
    assert list(_search(world, "Tunde", "Adeyemi")) == []
    pair = variants.name_variant_add(actor=world.admin, name="Tunde", variant="Babatunde")
    found = _search(world, "Tunde", "Adeyemi")
    assert [r.person for r in found] == [babatunde]
    assert "given name is a known short form" in found[0].reasons
    # both ways round: the formal name typed finds a child recorded under the short one
    tunde = ChildFactory(given_names="Tunde", family_name="Okonkwo", date_of_birth=datetime.date(2012, 1, 9))
    assert [r.person for r in _search(world, "Babatunde", "Okonkwo")] == [tunde]
    variants.name_variant_remove(actor=world.admin, variant=pair)
    assert list(_search(world, "Tunde", "Adeyemi")) == []


# --- the page ------------------------------------------------------------------------------------------
def test_the_page_lists_the_pairs_with_a_remove_button_each_and_an_add_form(world, client_for):
    variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert", note="Local usage")
    variants.name_variant_add(actor=world.admin, name="Tunde", variant="Babatunde")
    soup = _soup(client_for(world.admin).get(reverse(PAGE)))
    assert soup.h1.get_text(strip=True) == "Nicknames for person search"
    rows = soup.select("#pairs tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.select("td")[:3]] for row in rows]
    assert cells == [["Babatunde", "Tunde", "–"], ["Bubba", "Robert", "Local usage"]]
    buttons = [row.select_one("form button").get_text(" ", strip=True) for row in rows]
    assert buttons == ["Remove Babatunde and Tunde", "Remove Bubba and Robert"]
    assert all(row.select_one("form")["method"] == "post" for row in rows)
    assert soup.select_one("#id_name") is not None and soup.select_one("#id_variant") is not None


def test_the_page_says_when_there_are_none(world, client_for):
    soup = _soup(client_for(world.admin).get(reverse(PAGE)))
    assert soup.select_one("#pairs").get_text(strip=True) == "The council has not added any nicknames yet."


def test_adding_on_the_page(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse(PAGE), {"name": "Robert", "variant": "Bubba", "note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(PAGE)
    assert "Added: Bubba and Robert are now searched as the same name" in _soup(response).get_text(" ", strip=True)
    assert NameVariant.objects.get().search_name == "bubba"


@pytest.mark.parametrize(
    ("data", "summary"),
    [
        (
            {"name": "", "variant": ""},
            [("Enter the name", "#id_name"), ("Enter the other form of the name", "#id_variant")],
        ),
        (
            {"name": "Bob", "variant": "Robert"},
            [("Person search already knows that Bob and Robert are the same name", "#id_variant")],
        ),
        ({"name": "Rob3rt", "variant": "Bubba"}, [("The name must not contain numbers", "#id_name")]),
        ({"name": "Rob", "variant": "ROB"}, [("Enter two different names", "#id_variant")]),
    ],
)
def test_the_page_shows_refusals_in_the_error_summary(world, client_for, data, summary):
    response = client_for(world.admin).post(reverse(PAGE), data)
    assert response.status_code == 200
    assert _summary(response) == summary
    assert not NameVariant.objects.exists()


def test_a_duplicate_is_refused_on_the_page(world, client_for):
    variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    response = client_for(world.admin).post(reverse(PAGE), {"name": "robert", "variant": "BUBBA"})
    assert _summary(response) == [("BUBBA and robert are already in the list", "#id_variant")]
    assert NameVariant.objects.count() == 1


def test_removing_on_the_page(world, client_for):
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    client = client_for(world.admin)
    response = client.post(reverse("people:name_variant_remove", args=[pair.pk]), follow=True)
    assert "Removed: Bubba and Robert" in _soup(response).get_text(" ", strip=True)
    assert not NameVariant.objects.exists()
    again = client.post(reverse("people:name_variant_remove", args=[pair.pk]))
    assert again.status_code == 404


@pytest.mark.parametrize("who", ["frontdoor", "sw", "manager", "leader", "auditor", "partner"])
def test_the_page_is_for_administrators(world, client_for, who):
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    client = client_for(world.users[who])
    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(reverse(PAGE), {"name": "Tunde", "variant": "Babatunde"}).status_code == 403
    assert client.post(reverse("people:name_variant_remove", args=[pair.pk])).status_code == 403
    assert list(NameVariant.objects.values_list("search_name", flat=True)) == ["bubba"]


def test_the_front_door_settings_link_to_the_page(world, client_for):
    soup = _soup(client_for(world.admin).get(reverse("frontdoor:settings")))
    link = soup.find("a", string="Nicknames for person search")
    assert link is not None and link["href"] == reverse(PAGE)
