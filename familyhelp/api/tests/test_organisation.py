"""Organisation endpoints: every council role reads; administrators change, with the version they read."""

from __future__ import annotations

import pytest

from familyhelp.organisation.models import Locality, Team

pytestmark = pytest.mark.django_db

V1 = "/api/v1/"
LISTS = ["local-authorities", "localities", "teams", "workers", "schools", "partner-agencies"]


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("user_key", ["sw", "frontdoor", "specialist", "analyst", "admin", "auditor", "leader"])
def test_council_roles_read_the_organisation(api_as, world, resource, user_key):
    response = api_as(world.users[user_key]).get(f"{V1}{resource}/")
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.parametrize("resource", LISTS)
def test_partner_users_and_anonymous_cannot_read_the_organisation(api, api_as, world, resource):
    assert api_as(world.partner).get(f"{V1}{resource}/").status_code == 403
    assert api.get(f"{V1}{resource}/").status_code == 401


def test_workers_show_caseloads_and_no_sign_in_details(api_as, world):
    body = api_as(world.manager).get(f"{V1}workers/", {"team": str(world.team_a.pk)}).json()
    rows = {r["id"]: r for r in body["results"]}
    assert rows[str(world.sw.pk)]["caseload"] == 1  # world.own
    assert rows[str(world.colleague.pk)]["caseload"] == 2  # team child and restricted child
    assert str(world.cp_worker.pk) not in rows
    for forbidden in ("password", "last_login", "username", "otp_device", "has_second_factor"):
        assert forbidden not in rows[str(world.sw.pk)]
    one = api_as(world.manager).get(f"{V1}workers/{world.sw.pk}/").json()
    assert one["team"]["name"] == "North family support"
    assert api_as(world.manager).get(f"{V1}workers/{world.partner.pk}/").status_code == 404


def test_teams_show_member_counts_and_service(api_as, world):
    rows = {r["name"]: r for r in api_as(world.sw).get(f"{V1}teams/").json()["results"]}
    assert rows["North family support"]["member_count"] == 3
    assert rows["North family support"]["service"] == "family_help"
    assert rows["North family support"]["locality"]["name"] == "North"


def test_administrator_creates_and_updates_a_team(api_as, world):
    client = api_as(world.admin)
    response = client.post(
        f"{V1}teams/",
        {"name": "CIN South", "kind": "child_in_need", "locality": str(world.locality.pk)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    team = response.json()
    assert (team["service"], team["version"], team["member_count"]) == ("social_care", 1, 0)
    response = client.post(f"{V1}teams/", {"name": "cin south", "kind": "child_in_need"}, format="json")
    assert response.json() == {"name": ["There is already a team called cin south"]}
    response = client.post(
        f"{V1}teams/", {"name": "X", "kind": "child_in_need", "locality": str(world.la.pk)}, format="json"
    )
    assert response.json() == {"locality": ["Choose a locality from the list"]}

    team_url = f"{V1}teams/{team['id']}/"
    response = client.patch(team_url, {"kind": "fgc", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["service"] == "specialist"
    for payload in ({"name": "Stale", "version": 1}, {"name": "No version"}):
        response = client.patch(team_url, payload, format="json")
        assert response.status_code == 409
    assert Team.objects.get(pk=team["id"]).name == "CIN South"


@pytest.mark.parametrize("user_key", ["sw", "manager", "leader", "analyst", "auditor"])
def test_only_administrators_change_the_organisation(api_as, world, user_key):
    client = api_as(world.users[user_key])
    assert client.post(f"{V1}teams/", {"name": "X", "kind": "fgc"}, format="json").status_code == 403
    assert client.patch(f"{V1}teams/{world.team_a.pk}/", {"name": "X", "version": 1}, format="json").status_code == 403
    assert client.post(f"{V1}localities/", {"name": "X"}, format="json").status_code == 403
    assert not Team.objects.filter(name="X").exists()


def test_localities(api_as, world):
    client = api_as(world.admin)
    response = client.post(f"{V1}localities/", {"name": "South", "postcode_districts": "b92 b93"}, format="json")
    assert response.status_code == 201 and response.json()["postcode_districts"] == "B92 B93"
    response = client.post(f"{V1}localities/", {"name": "East", "postcode_districts": "B91"}, format="json")
    assert response.json() == {"postcode_districts": ["B91 is already in the North locality"]}
    locality = response = client.patch(
        f"{V1}localities/{world.locality.pk}/", {"name": "North West", "version": 1}, format="json"
    )
    assert locality.status_code == 200 and Locality.objects.get(pk=world.locality.pk).name == "North West"


def test_local_authority(api_as, world):
    client = api_as(world.admin)
    (la,) = client.get(f"{V1}local-authorities/").json()["results"]
    assert la["la_code"] == "873"
    response = client.patch(
        f"{V1}local-authorities/{la['id']}/", {"late_recording_days": 10, "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["late_recording_days"] == 10
    response = client.patch(f"{V1}local-authorities/{la['id']}/", {"la_code": "12", "version": 2}, format="json")
    assert response.json() == {"la_code": ["Enter the 3-digit DfE local authority code, like 334"]}
    response = client.patch(f"{V1}local-authorities/{la['id']}/", {"la_code": "874", "version": 1}, format="json")
    assert response.status_code == 409


def test_schools(api_as, world):
    client = api_as(world.admin)
    payload = {
        "urn": "123456",
        "name": "Oak Primary",
        "phase": "primary",
        "locality": str(world.locality.pk),
        "postcode": "b91 1aa",
        "named_contact": str(world.sw.pk),
    }
    response = client.post(f"{V1}schools/", payload, format="json")
    assert response.status_code == 201, response.json()
    school = response.json()
    assert (school["postcode"], school["named_contact"]["id"]) == ("B91 1AA", str(world.sw.pk))
    response = client.post(f"{V1}schools/", payload | {"named_contact": str(world.partner.pk)}, format="json")
    assert response.json() == {
        "urn": ["URN 123456 is already used by Oak Primary"],
        "named_contact": ["The named contact must be an active council worker"],
    }
    response = client.patch(f"{V1}schools/{school['id']}/", {"dsl_name": "Ms Ade", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["dsl_name"] == "Ms Ade"
    listed = api_as(world.sw).get(f"{V1}schools/", {"locality": str(world.locality.pk)}).json()
    assert [s["name"] for s in listed["results"]] == ["Oak Primary"]


def test_partner_agencies(api_as, world):
    client = api_as(world.admin)
    response = client.post(
        f"{V1}partner-agencies/",
        {"name": "West Midlands Police", "kind": "police", "email": "mash@example.police.uk"},
        format="json",
    )
    assert response.status_code == 201
    agency = response.json()
    response = client.post(f"{V1}partner-agencies/", {"name": "west midlands police", "kind": "police"}, format="json")
    assert response.json() == {"name": ["There is already a partner agency called west midlands police"]}
    response = client.patch(
        f"{V1}partner-agencies/{world.partner.partner_agency_id}/",
        {"is_active": False, "version": 1},
        format="json",
    )
    assert response.json() == {"is_active": ["Deactivate the agency's 1 active user account before closing it"]}
    response = client.patch(f"{V1}partner-agencies/{agency['id']}/", {"phone": "101", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "101"
