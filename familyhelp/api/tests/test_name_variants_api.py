"""The council's own nicknames over the API: /api/v1/name-variants/ (administrators), 400 field errors, audit."""

from __future__ import annotations

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.people import variants
from familyhelp.people.models import NameVariant

pytestmark = pytest.mark.django_db

API = "/api/v1/name-variants/"


def test_api_lists_creates_and_removes(world, api_as):
    client = api_as(world.admin)
    created = client.post(API, {"name": "Robert", "variant": "Bubba", "note": "Local usage"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["variant"], body["search_name"], body["search_variant"], body["note"]) == (
        "Bubba",
        "Robert",
        "bubba",
        "robert",
        "Local usage",
    )
    assert body["created_by"]["id"] == str(world.admin.pk)
    listed = client.get(API).json()
    assert [(r["name"], r["variant"]) for r in listed["results"]] == [("Bubba", "Robert")]
    assert client.get(f"{API}{body['id']}/").json()["id"] == body["id"]
    assert client.delete(f"{API}{body['id']}/").status_code == 204
    assert not NameVariant.objects.exists()
    assert client.delete(f"{API}{body['id']}/").status_code == 404
    events = AccessLog.objects.filter(user=world.admin, channel="api").values_list("criteria__event", flat=True)
    assert sorted(e for e in events if e) == ["people.name_variant_added", "people.name_variant_removed"]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"name": ["Enter the name"], "variant": ["Enter the other form of the name"]}),
        ({"name": "", "variant": "Bubba"}, {"name": ["Enter the name"]}),
        (
            {"name": "Bob", "variant": "Robert"},
            {"variant": ["Person search already knows that Bob and Robert are the same name"]},
        ),
        ({"name": "Robert", "variant": "Robert"}, {"variant": ["Enter two different names"]}),
        ({"name": "R2", "variant": "Robert"}, {"name": ["The name must not contain numbers"]}),
    ],
)
def test_api_refusals_are_400_field_errors(world, api_as, data, errors):
    response = api_as(world.admin).post(API, data, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not NameVariant.objects.exists()


def test_api_refuses_a_duplicate_either_way_round(world, api_as):
    client = api_as(world.admin)
    assert client.post(API, {"name": "Bubba", "variant": "Robert"}, format="json").status_code == 201
    response = client.post(API, {"name": "Robert", "variant": "Bubba"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"variant": ["Bubba and Robert are already in the list"]}


@pytest.mark.parametrize("who", ["frontdoor", "sw", "manager", "leader", "analyst", "auditor", "partner"])
def test_api_is_for_administrators(world, api_as, who):
    pair = variants.name_variant_add(actor=world.admin, name="Bubba", variant="Robert")
    client = api_as(world.users[who])
    assert client.get(API).status_code == 403
    assert client.get(f"{API}{pair.pk}/").status_code == 403
    assert client.post(API, {"name": "Tunde", "variant": "Babatunde"}, format="json").status_code == 403
    assert client.delete(f"{API}{pair.pk}/").status_code == 403
    assert NameVariant.objects.count() == 1


def test_api_needs_a_signed_in_user(world, api):
    assert api.get(API).status_code == 401
    assert api.post(API, {"name": "Tunde", "variant": "Babatunde"}, format="json").status_code == 401
