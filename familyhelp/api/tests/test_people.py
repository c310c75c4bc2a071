"""People endpoints: roles and record scope, logging of every read and search, validation, concurrency."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import clock
from familyhelp.core.errors import ConcurrentEditError
from familyhelp.people.models import Person, PersonAddress, ProfessionalInvolvement, Relationship

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def url(person, action: str = "") -> str:
    return f"{PEOPLE}{person.pk}/" + (f"{action}/" if action else "")


def logged(user, action, person=None, **filters) -> list[AccessLog]:
    qs = AccessLog.objects.filter(user=user, action=action, **filters)
    if person is not None:
        qs = qs.filter(person=person)
    return list(qs)


# --- create ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _searched_first(request, monkeypatch):
    """Most create tests are about other rules; the search-before-create tests below use the real rule."""
    if "real_search_rule" not in request.keywords:
        from familyhelp.people import services

        monkeypatch.setattr(services, "_searched_for", lambda actor, values: True)


@pytest.mark.real_search_rule
def test_create_is_refused_until_the_user_has_searched(api_as, world):
    client = api_as(world.frontdoor)
    response = client.post(PEOPLE, {"given_names": "Ava", "family_name": "Jones"}, format="json")
    assert response.status_code == 400
    assert "Search for this person before recording them" in str(response.json())
    assert not Person.objects.filter(family_name="Jones").exists()
    found = client.post(f"{PEOPLE}search/", {"family_name": "Jones", "purpose": "new_contact"}, format="json")
    assert found.status_code == 200
    response = client.post(PEOPLE, {"given_names": "Ava", "family_name": "Jones"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("given", "family"),
    [("Zoë", "O'Brien"), ("Minh", "Nguyễn"), ("Siobhán", "Ní Bhraonáin"), ("Madonna", ""), ("", "Okafor")],
)
def test_create_accepts_real_names_exactly_as_written(api_as, world, given, family):
    dob = clock.today() - datetime.timedelta(days=3 * 365)
    response = api_as(world.frontdoor).post(
        PEOPLE,
        {
            "given_names": given,
            "family_name": family,
            "date_of_birth": dob.isoformat(),
            "sex": "F",
            "disabilities": ["NONE"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.given_names, person.family_name, person.date_of_birth) == (given, family, dob)
    assert body["reference"] == person.reference and body["date_of_birth"] == dob.isoformat()
    assert body["disabilities"] == ["NONE"] and body["version"] == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"given_names": "Ann", "nhs_number": "485 777 3456"},
            "nhs_number",
            "Enter a valid NHS number: the check digit does not match",
        ),
        (
            {"given_names": "Ann", "nhs_number": "12345"},
            "nhs_number",
            "Enter an NHS number with 10 digits, like 485 777 3457",
        ),
        (
            {"given_names": "Ann", "date_of_birth": (clock.today() + datetime.timedelta(days=1)).isoformat()},
            "date_of_birth",
            "The date of birth must be today or in the past",
        ),
        (
            {"given_names": "", "family_name": "  "},
            "given_names",
            "Enter a given name or a family name (a single name is fine)",
        ),
        ({"given_names": "Ann", "date_of_birth": "31/12/2019"}, "date_of_birth", None),
        (
            {"given_names": "Ann", "disabilities": ["NONE", "AUT"]},
            "disabilities",
            "Choose ‘No disability’ or one or more disabilities, not both",
        ),
    ],
)
def test_create_gives_field_level_messages(api_as, world, payload, field, message):
    count = Person.objects.count()
    response = api_as(world.frontdoor).post(PEOPLE, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body
    if message:
        assert body[field] == [message]
    assert Person.objects.count() == count


def test_a_valid_nhs_number_is_stored_compact(api_as, world):
    response = api_as(world.frontdoor).post(PEOPLE, {"given_names": "Ann", "nhs_number": "485 777 3457"}, format="json")
    assert response.status_code == 201
    assert response.json()["nhs_number"] == "4857773457"


@pytest.mark.parametrize("user_key", ["partner", "analyst", "auditor", "specialist", "leader"])
def test_create_refused_for_roles_without_add_person(api_as, world, user_key):
    response = api_as(world.users[user_key]).post(PEOPLE, {"given_names": "Ann"}, format="json")
    assert response.status_code == 403


# --- retrieve -------------------------------------------------------------------------------------


def test_a_practitioner_reads_a_record_in_scope_and_the_read_is_logged(api_as, world):
    response = api_as(world.sw).get(url(world.own))
    assert response.status_code == 200
    body = response.json()
    assert (body["given_names"], body["family_name"], body["access_basis"]) == ("Zoë", "O'Brien", "own")
    assert [r["related_person"]["id"] for r in body["relationships"]] == [str(world.parent.pk)]
    assert body["involvements"][0]["worker"]["id"] == str(world.sw.pk)
    (row,) = logged(world.sw, AccessLog.Action.VIEW, world.own)
    assert (row.basis, row.channel) == ("own", "api")


def test_a_practitioner_is_refused_outside_their_scope_and_the_attempt_is_logged(api_as, world):
    response = api_as(world.sw).get(url(world.other))
    assert response.status_code == 403
    assert "given_names" not in response.json()
    assert logged(world.sw, AccessLog.Action.DENIED, world.other)
    assert not logged(world.sw, AccessLog.Action.VIEW, world.other)


def test_a_partner_sees_a_reduced_record_of_a_child_they_referred(api_as, world):
    response = api_as(world.partner).get(url(world.referred))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "reference", "given_names", "family_name", "date_of_birth", "referrals"}
    assert body["referrals"][0]["start_date"] == "2024-01-01"
    assert logged(world.partner, AccessLog.Action.VIEW, world.referred)[0].basis == "referred"


def test_a_partner_gets_403_on_a_child_they_did_not_refer_and_it_is_logged_as_denied(api_as, world):
    response = api_as(world.partner).get(url(world.own))
    assert response.status_code == 403
    (row,) = logged(world.partner, AccessLog.Action.DENIED, world.own)
    assert (row.channel, row.basis) == ("api", "none")


def test_an_unknown_person_is_404(api_as, world):
    assert api_as(world.sw).get(f"{PEOPLE}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api_as(world.sw).get(f"{PEOPLE}not-a-uuid/").status_code == 404


# --- search ---------------------------------------------------------------------------------------


def test_search_is_logged_with_its_criteria_and_purpose(api_as, world):
    response = api_as(world.sw).post(
        f"{PEOPLE}search/",
        {"given_names": "Zoe", "family_name": "OBrien", "purpose": "Duty enquiry"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    top = body["results"][0]
    assert top["id"] == str(world.own.pk) and top["person"]["given_names"] == "Zoë"
    assert str(world.other.pk) not in {r["id"] for r in body["results"]}  # outside the worker's scope
    (row,) = logged(world.sw, AccessLog.Action.SEARCH)
    assert row.criteria == {"given_names": "Zoe", "family_name": "OBrien"}
    assert (row.reason, row.result_count, row.channel) == ("Duty enquiry", body["count"], "api")


def test_search_is_not_available_by_get(api_as, world):
    response = api_as(world.sw).get(f"{PEOPLE}search/", {"family_name": "OBrien"})
    assert response.status_code == 405
    assert not logged(world.sw, AccessLog.Action.SEARCH)


def test_search_needs_something_to_search_for_and_valid_identifiers(api_as, world):
    client = api_as(world.sw)
    response = client.post(f"{PEOPLE}search/", {"purpose": "x"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = client.post(f"{PEOPLE}search/", {"nhs_number": "485 777 3456", "postcode": "nope"}, format="json")
    assert response.json() == {
        "nhs_number": ["Enter a valid NHS number: the check digit does not match"],
        "postcode": ["Enter a real postcode, like B91 3QB"],
    }
    assert not logged(world.sw, AccessLog.Action.SEARCH)


def test_search_shows_only_the_reference_of_a_restricted_record(api_as, world):
    body = api_as(world.frontdoor).post(f"{PEOPLE}search/", {"family_name": "Staffchild"}, format="json").json()
    (hit,) = [r for r in body["results"] if r["id"] == str(world.restricted.pk)]
    assert hit["restricted"] is True and hit["person"] is None and hit["reference"] == world.restricted.reference


@pytest.mark.parametrize("user_key", ["partner", "analyst", "admin", "auditor"])
def test_search_refused_for_roles_without_search(api_as, world, user_key):
    response = api_as(world.users[user_key]).post(f"{PEOPLE}search/", {"family_name": "Smith"}, format="json")
    assert response.status_code == 403


# --- update ---------------------------------------------------------------------------------------


def test_patch_with_the_current_version_changes_the_record(api_as, world):
    response = api_as(world.sw).patch(url(world.own), {"preferred_name": "Zo", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["preferred_name"], response.json()["version"]) == ("Zo", 2)
    assert ChronologyEvent.objects.filter(person=world.own, kind="person.updated").exists()


@pytest.mark.parametrize("payload", [{"preferred_name": "Zo"}, {"preferred_name": "Zo", "version": 7}])
def test_patch_without_or_with_a_stale_version_is_409_and_changes_nothing(api_as, world, payload):
    response = api_as(world.sw).patch(url(world.own), payload, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_edit"
    if "version" in payload:
        assert response.json()["detail"] == ConcurrentEditError().message
    world.own.refresh_from_db()
    assert (world.own.preferred_name, world.own.version) == ("", 1)
    assert not ChronologyEvent.objects.filter(person=world.own, kind="person.updated").exists()


def test_patch_field_errors_and_refusals(api_as, world):
    future = (clock.today() + datetime.timedelta(days=2)).isoformat()
    response = api_as(world.sw).patch(url(world.own), {"date_of_birth": future, "version": 1}, format="json")
    assert response.json() == {"date_of_birth": ["The date of birth must be today or in the past"]}
    assert api_as(world.sw).patch(url(world.other), {"version": 1}, format="json").status_code == 403
    assert api_as(world.partner).patch(url(world.referred), {"version": 1}, format="json").status_code == 403


# --- chronology -----------------------------------------------------------------------------------


def test_chronology_newest_first_filtered_and_paginated(api_as, world):
    client = api_as(world.sw)
    today = clock.today()
    for days, summary in ((3, "Older visit"), (1, "Newer visit")):
        assert (
            client.post(
                url(world.own, "chronology"),
                {
                    "occurred_on": (today - datetime.timedelta(days=days)).isoformat(),
                    "summary": summary,
                },
                format="json",
            ).status_code
            == 201
        )
    body = client.get(url(world.own, "chronology"), {"kind": "note.significant_event"}).json()
    assert body["count"] == 2
    assert [e["summary"] for e in body["results"]] == ["Newer visit", "Older visit"]
    assert body["results"][0]["recorded_by"]["id"] == str(world.sw.pk)
    page = client.get(url(world.own, "chronology"), {"limit": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    assert client.get(url(world.own, "chronology"), {"kind": "nonsense"}).status_code == 400
    assert logged(world.sw, AccessLog.Action.VIEW, world.own, reason="chronology")


def test_chronology_refused_to_partners_and_out_of_scope(api_as, world):
    assert api_as(world.partner).get(url(world.referred, "chronology")).status_code == 403
    assert api_as(world.sw).get(url(world.other, "chronology")).status_code == 403
    assert api_as(world.partner).post(url(world.referred, "chronology"), {}, format="json").status_code == 403


def test_adding_to_the_chronology_checks_dates_and_asks_why_late(api_as, world):
    client = api_as(world.sw)
    long_ago = (clock.today() - datetime.timedelta(days=30)).isoformat()
    response = client.post(url(world.own, "chronology"), {"occurred_on": long_ago, "summary": "Visit"}, format="json")
    assert response.status_code == 400 and "late_reason" in response.json()
    response = client.post(url(world.own, "chronology"), {"occurred_on": None, "summary": ""}, format="json")
    assert response.json() == {
        "occurred_on": ["Enter the date it happened"],
        "summary": ["Describe what happened"],
    }
    response = client.post(
        url(world.own, "chronology"),
        {
            "occurred_on": long_ago,
            "occurred_time": "14:30",
            "summary": "Visit",
            "late_reason": "Off sick",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["occurred_time"] == "14:30:00"


# --- break glass ----------------------------------------------------------------------------------


def test_break_glass_flow(api_as, world):
    client = api_as(world.sw)
    refused = client.get(url(world.restricted))
    assert refused.status_code == 403
    assert refused.json()["code"] == "break_glass_required"
    assert logged(world.sw, AccessLog.Action.DENIED, world.restricted)

    too_short = client.post(url(world.restricted, "break-glass"), {"reason": "need"}, format="json")
    assert too_short.status_code == 400 and "reason" in too_short.json()

    opened = client.post(
        url(world.restricted, "break-glass"),
        {"reason": "Police at the door about this child tonight"},
        format="json",
    )
    assert opened.status_code == 201
    (row,) = logged(world.sw, AccessLog.Action.BREAK_GLASS, world.restricted)
    assert row.reason == "Police at the door about this child tonight"

    response = client.get(url(world.restricted))
    assert response.status_code == 200 and response.json()["access_basis"] == "break_glass"
    assert logged(world.sw, AccessLog.Action.VIEW, world.restricted)[0].basis == "break_glass"


def test_break_glass_not_for_unrestricted_records_or_roles_without_it(api_as, world):
    reason = {"reason": "A good enough reason to open"}
    assert api_as(world.sw).post(url(world.own, "break-glass"), reason, format="json").status_code == 403
    assert api_as(world.partner).post(url(world.restricted, "break-glass"), reason, format="json").status_code == 403
    assert api_as(world.sw).post(url(world.other, "break-glass"), reason, format="json").status_code == 403


# --- addresses, names, relationships, involvements --------------------------------------------------


def test_add_address(api_as, world):
    client = api_as(world.sw)
    today = clock.today().isoformat()
    response = client.post(
        url(world.own, "addresses"),
        {"line_1": "1 High Street", "postcode": "b91 3qb", "moved_in_on": today},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["address"]["postcode"] == "B91 3QB"
    assert PersonAddress.objects.filter(person=world.own, end_date__isnull=True).count() == 1
    response = client.post(
        url(world.own, "addresses"), {"line_1": "", "postcode": "XX", "moved_in_on": today}, format="json"
    )
    assert response.json() == {
        "line_1": ["Enter the first line of the address"],
        "postcode": ["Enter a real postcode, like B91 3QB"],
        "moved_in_on": [
            "The date they moved in must be on or after the day after they moved into their current address"
        ],
    }


def test_add_name(api_as, world):
    response = api_as(world.sw).post(url(world.own, "names"), {"kind": "alias", "given_names": "Zoey"}, format="json")
    assert response.status_code == 201 and response.json()["given_names"] == "Zoey"
    assert (
        api_as(world.sw)
        .post(url(world.other, "names"), {"kind": "alias", "given_names": "X"}, format="json")
        .status_code
        == 403
    )


def test_add_relationship(api_as, world):
    client = api_as(world.sw)
    response = client.post(
        url(world.own, "relationships"),
        {"related_person": str(world.team_child.pk), "type": "half_sibling"},
        format="json",
    )
    assert response.status_code == 201
    assert Relationship.objects.filter(person=world.team_child, related_person=world.own, type="half_sibling").exists()
    response = client.post(
        url(world.own, "relationships"),
        {"related_person": "00000000-0000-0000-0000-000000000000", "type": "sibling"},
        format="json",
    )
    assert response.json() == {"related_person": ["There is no person with this ID"]}
    response = client.post(
        url(world.own, "relationships"),
        {"related_person": str(world.other.pk), "type": "sibling"},
        format="json",
    )
    assert response.status_code == 403
    assert logged(world.sw, AccessLog.Action.DENIED, world.other)


def test_add_involvement(api_as, world):
    client = api_as(world.sw)
    today = clock.today().isoformat()
    response = client.post(
        url(world.own, "involvements"),
        {"role": "gp", "professional_name": "Dr Patel", "start_date": today},
        format="json",
    )
    assert response.status_code == 201 and response.json()["name"] == "Dr Patel"
    response = client.post(
        url(world.own, "involvements"),
        {"role": "lead_practitioner", "worker": str(world.colleague.pk), "start_date": today},
        format="json",
    )
    assert response.status_code == 201
    assert ProfessionalInvolvement.objects.filter(person=world.own, worker=world.colleague).exists()
    response = client.post(
        url(world.own, "involvements"),
        {"role": "gp", "worker": str(world.partner.pk), "start_date": today},
        format="json",
    )
    assert response.json() == {"worker": ["Choose a council worker from the list"]}
    response = client.post(url(world.own, "involvements"), {"role": "gp", "start_date": today}, format="json")
    assert response.json() == {"professional_name": ["Choose a worker or enter the professional's name"]}


# --- restriction and grants -----------------------------------------------------------------------


def test_restrict_grant_and_unrestrict(api_as, world):
    manager = api_as(world.manager)
    assert api_as(world.sw).post(url(world.team_child, "restrict"), {"reason": "x"}, format="json").status_code == 403
    response = manager.post(url(world.team_child, "restrict"), {"reason": ""}, format="json")
    assert response.json() == {"reason": ["Enter why this record needs to be restricted"]}
    response = manager.post(url(world.team_child, "restrict"), {"reason": "Staff member's child"}, format="json")
    assert response.status_code == 200 and response.json()["is_restricted"] is True

    sw = api_as(world.sw)
    assert sw.get(url(world.team_child)).json()["code"] == "break_glass_required"
    response = manager.post(
        url(world.team_child, "grants"), {"user": str(world.sw.pk), "reason": "Allocated"}, format="json"
    )
    assert response.status_code == 201 and response.json()["user"]["id"] == str(world.sw.pk)
    assert sw.get(url(world.team_child)).json()["access_basis"] == "grant"
    response = manager.post(
        url(world.team_child, "grants"), {"user": str(world.partner.pk), "reason": "x"}, format="json"
    )
    assert response.json() == {"user": ["Access can only be granted to an active council worker"]}
    assert (
        api_as(world.sw)
        .post(url(world.team_child, "grants"), {"user": str(world.sw.pk), "reason": "x"}, format="json")
        .status_code
        == 403
    )

    response = manager.post(url(world.team_child, "unrestrict"), {"reason": "No longer needed"}, format="json")
    assert response.status_code == 200 and response.json()["is_restricted"] is False
