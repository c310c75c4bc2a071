"""User account endpoints, for administrators only."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhelp.accounts.models import User

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"


@pytest.mark.parametrize("user_key", ["sw", "manager", "leader", "analyst", "auditor", "partner"])
def test_only_administrators_manage_users(api_as, world, user_key):
    client = api_as(world.users[user_key])
    assert client.get(USERS).status_code == 403
    assert client.post(f"{USERS}{world.sw.pk}/deactivate/").status_code == 403
    assert client.post(f"{USERS}{world.analyst.pk}/token/").status_code == 403
    assert User.objects.get(pk=world.sw.pk).is_active


def test_user_list_has_no_secrets(api_as, world):
    body = api_as(world.admin).get(USERS).json()
    row = next(r for r in body["results"] if r["id"] == str(world.admin.pk))
    assert row["has_second_factor"] is True and row["username"] == "admin"
    assert not {"password", "otp_device", "key", "token"} & set(row)


def test_create_update_and_deactivate_a_user(api_as, world):
    client = api_as(world.admin)
    response = client.post(
        USERS,
        {
            "username": "newsw",
            "first_name": "Chidi",
            "last_name": "Okeke",
            "email": "chidi@council.example",
            "role": "social_worker",
            "job_role": "social_worker",
            "team": str(world.team_b.pk),
            "swe_number": "SW765432",
            "employment": "agency",
            "fte": "0.80",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    new = response.json()
    assert (new["employment"], new["fte"], new["has_api_token"], new["version"]) == (
        "agency",
        "0.80",
        False,
        1,
    )
    assert "password" not in new
    assert not User.objects.get(pk=new["id"]).has_usable_password()

    response = client.post(
        USERS,
        {
            "username": "x",
            "first_name": "X",
            "last_name": "Y",
            "email": "x@example.com",
            "role": "social_worker",
            "job_role": "social_worker",
            "password": "password",
        },
        format="json",
    )
    body = response.json()
    assert response.status_code == 400
    assert body["team"] == ["Choose the user's team"]
    assert body["swe_number"] == ["Enter the social worker's Social Work England number, like SW123456"]
    assert "This password is too common." in body["password"]

    user_url = f"{USERS}{new['id']}/"
    response = client.patch(user_url, {"team": str(world.team_a.pk), "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["team"]["id"] == str(world.team_a.pk)
    assert client.patch(user_url, {"team": str(world.team_b.pk), "version": 1}, format="json").status_code == 409
    assert client.patch(user_url, {"team": str(world.team_b.pk)}, format="json").status_code == 409

    response = client.post(f"{user_url}deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    response = client.post(f"{USERS}{world.admin.pk}/deactivate/")
    assert response.json() == {
        "non_field_errors": ["You cannot deactivate your own account: ask another administrator"]
    }


def test_issue_a_token_that_then_works(api, api_as, world):
    client = api_as(world.admin)
    response = client.post(f"{USERS}{world.analyst.pk}/token/")
    assert response.status_code == 201
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/me/").json()["id"] == str(world.analyst.pk)
    response = client.post(f"{USERS}{world.sw.pk}/token/")
    assert response.json() == {"non_field_errors": ["This user's role (Social worker) cannot use the API with a token"]}


def test_reset_second_factor(api_as, world):
    TOTPDevice.objects.create(user=world.sw, name="phone", confirmed=True)
    client = api_as(world.admin)
    response = client.post(f"{USERS}{world.sw.pk}/reset-second-factor/")
    assert response.status_code == 200 and response.json()["has_second_factor"] is False
    assert client.post(f"{USERS}{world.sw.pk}/reset-second-factor/").status_code == 400
