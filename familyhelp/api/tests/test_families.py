"""Family endpoints: members must be inside the user's scope; reads are logged."""

from __future__ import annotations

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.people.models import Family, FamilyMember

pytestmark = pytest.mark.django_db

FAMILIES = "/api/v1/families/"


def create(client, world, members):
    return client.post(FAMILIES, {"name": " O'Brien  household ", "members": members}, format="json")


def test_create_and_read_a_family(api_as, world):
    client = api_as(world.sw)
    response = create(
        client,
        world,
        [{"person": str(world.own.pk), "role": "child"}, {"person": str(world.parent.pk), "role": "parent"}],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "O'Brien household"
    assert {m["person"]["id"] for m in body["members"]} == {str(world.own.pk), str(world.parent.pk)}
    response = client.get(f"{FAMILIES}{body['id']}/")
    assert response.status_code == 200 and len(response.json()["members"]) == 2
    assert AccessLog.objects.filter(user=world.sw, action="view", object_id=body["id"]).exists()


def test_create_needs_members_inside_scope(api_as, world):
    client = api_as(world.sw)
    response = create(client, world, [])
    assert response.json() == {"members": ["Add at least one member of the family"]}
    response = create(client, world, [{"person": str(world.other.pk), "role": "child"}])
    assert response.status_code == 403
    assert not Family.objects.exists()
    assert api_as(world.partner).post(FAMILIES, {"name": "X", "members": []}, format="json").status_code == 403


def test_family_read_and_members_refused_outside_scope(api_as, world):
    body = create(api_as(world.sw), world, [{"person": str(world.own.pk), "role": "child"}]).json()
    family_url = f"{FAMILIES}{body['id']}/"
    assert api_as(world.cp_worker).get(family_url).status_code == 403
    assert AccessLog.objects.filter(user=world.cp_worker, action="denied", object_id=body["id"]).exists()
    assert api_as(world.partner).get(family_url).status_code == 403
    assert api_as(world.sw).get(f"{FAMILIES}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_add_a_member(api_as, world):
    client = api_as(world.sw)
    body = create(client, world, [{"person": str(world.own.pk), "role": "child"}]).json()
    members_url = f"{FAMILIES}{body['id']}/members/"
    response = client.post(members_url, {"person": str(world.team_child.pk), "role": "child"}, format="json")
    assert response.status_code == 201
    assert FamilyMember.objects.filter(family_id=body["id"], person=world.team_child).exists()
    response = client.post(members_url, {"person": str(world.team_child.pk), "role": "child"}, format="json")
    assert response.json() == {"person": ["This person is already a member of this family"]}
    response = client.post(members_url, {"person": str(world.other.pk), "role": "child"}, format="json")
    assert response.status_code == 403
