"""Who may reach the API at all: sessions (after two-factor where needed), tokens (only some roles)."""

from __future__ import annotations

import pytest

from familyhelp.accounts.roles import Role, Scope

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_unauthenticated_requests_get_401_with_the_token_challenge(api, world):
    for url in (ME, f"/api/v1/people/{world.own.pk}/", "/api/v1/teams/", "/api/v1/audit/access-log/"):
        response = api.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
    assert api.post("/api/v1/people/search/", {"family_name": "Smith"}, format="json").status_code == 401


def test_me_describes_the_signed_in_user(api_as, world):
    response = api_as(world.sw).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(world.sw.pk)
    assert (body["role"], body["role_label"], body["scope"]) == (
        Role.SOCIAL_WORKER,
        "Social worker",
        Scope.TEAM,
    )
    assert "people.view_person" in body["verbs"] and "accounts.manage_users" not in body["verbs"]
    assert body["team"] == {
        "id": str(world.team_a.pk),
        "name": "North family support",
        "service": "family_help",
    }
    assert body["partner_agency"] is None


def test_me_for_a_partner_user_shows_their_agency(api_as, world):
    body = api_as(world.partner).get(ME).json()
    assert body["scope"] == Scope.REFERRED and body["team"] is None
    assert body["partner_agency"]["id"] == str(world.partner.partner_agency_id)


def test_token_authentication_works_for_an_analyst(api_token, world):
    client = api_token(world.analyst)
    assert client.get(ME).json()["role"] == Role.ANALYST
    assert client.get("/api/v1/teams/").status_code == 200
    assert client.get(f"/api/v1/people/{world.own.pk}/").status_code == 403  # the role has no VIEW_PERSON


@pytest.mark.parametrize("user_key", ["sw", "manager", "frontdoor", "leader", "auditor"])
def test_token_refused_for_roles_without_the_api_token_verb(api_token, world, user_key):
    response = api_token(world.users[user_key]).get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Your role cannot use the API with a token."}


def test_token_refused_for_an_inactive_user_and_an_unknown_key(api, api_token, world):
    client = api_token(world.analyst)
    world.analyst.is_active = False
    world.analyst.save()
    assert client.get(ME).status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api.get(ME).status_code == 401


def test_a_session_needing_two_factor_is_refused_until_verified(api_as, world):
    unverified = api_as(world.admin, verified=False)
    response = unverified.get("/api/v1/users/")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]
    assert api_as(world.admin).get("/api/v1/users/").status_code == 200


def test_schema_and_docs_for_signed_in_users_only(api, api_as, world):
    client = api_as(world.sw)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/people/search/" in schema.content
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/redoc/").status_code == 200
    assert api.get("/api/schema/").status_code in (401, 403)


def test_undeclared_methods_are_refused(api_as, world):
    client = api_as(world.frontdoor)
    assert client.get("/api/v1/people/").status_code == 405  # there is no list of everyone
    assert client.put(f"/api/v1/people/{world.own.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/people/{world.own.pk}/").status_code == 405
    assert client.options(f"/api/v1/people/{world.own.pk}/").status_code == 403  # declared nowhere
