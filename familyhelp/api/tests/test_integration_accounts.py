"""Integration accounts through the API (ADR 0016): knox tokens, scopes, expiry, rotation, revocation,
deactivation, every call logged under the account, and people's tokens refused once they turn on two-factor."""

from __future__ import annotations

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from knox.models import AuthToken
from rest_framework.test import APIClient

from familyhelp.accounts import roles, services
from familyhelp.accounts.models import IntegrationAccount
from familyhelp.api.authentication import TWO_FACTOR_ON
from familyhelp.audit.models import AccessLog

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
MEASURES = "/api/v1/performance/measures/"
ACCOUNTS = "/api/v1/integration-accounts/"


def bearer(key: str, word: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{word} {key}")
    return client


@pytest.fixture
def bi(world):
    """A read-performance integration account with one token (the plain token in `.key`)."""
    account = services.integration_account_create(actor=world.admin, name="Power BI", scopes=["read-performance"])
    account.issued = services.integration_token_issue(actor=world.admin, account=account)
    return account


def calls(account):
    """The access-log rows written for the account's API calls: (action, method, path, status)."""
    rows = AccessLog.objects.filter(user=account.user, channel="api").order_by("at")
    return [(r.action, r.criteria["method"], r.criteria["path"], r.criteria["status"]) for r in rows]


# --- scopes and logging ---------------------------------------------------------------------------------


def test_read_performance_reads_the_aggregates_but_no_child_and_every_call_is_logged(world, bi):
    client = bearer(bi.issued.key)
    me = client.get(ME).json()
    assert (me["role"], me["role_label"], me["scope"], me["verbs"]) == (
        "integration",
        "Integration account",
        "none",
        [roles.VIEW_PERFORMANCE],
    )
    assert client.get(MEASURES).status_code == 200
    child = f"/api/v1/people/{world.own.pk}/"
    assert client.get(child).status_code == 403
    assert client.post("/api/v1/people/search/", {"family_name": "O'Brien"}, format="json").status_code == 403
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.get("/api/v1/returns/cin-census/").status_code in (403, 404)
    assert client.get(ACCOUNTS).status_code == 403  # it cannot manage integration accounts
    assert calls(bi)[:5] == [
        ("export", "GET", ME, 200),
        ("export", "GET", MEASURES, 200),
        ("denied", "GET", child, 403),
        ("denied", "POST", "/api/v1/people/search/", 403),
        ("denied", "GET", "/api/v1/cases/", 403),
    ]
    row = AccessLog.objects.filter(user=bi.user, channel="api").first()
    assert row is not None
    assert (row.object_type, row.object_id, row.criteria["token"], row.criteria["scopes"]) == (
        "accounts.integrationaccount",
        str(bi.pk),
        bi.issued.token_key,
        ["read-performance"],
    )
    assert row.view_name.startswith("api:")
    assert not AccessLog.objects.filter(user=bi.user, channel="api", person__isnull=False).exists()


def test_token_and_bearer_headers_both_work_and_the_challenge_says_token(world, bi, api):
    assert bearer(bi.issued.key, "Token").get(ME).status_code == 200
    assert bearer(bi.issued.key, "bearer").get(ME).status_code == 200
    key = bi.issued.key
    response = bearer(key[:-1] + ("1" if key[-1] == "0" else "0")).get(ME)  # the same token but its last character
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}
    assert bearer("").get(ME).status_code == 401


def test_the_token_is_hashed_in_the_database(world, bi):
    bearer(bi.issued.key).get(ME)
    key = bi.issued.key
    (stored,) = AuthToken.objects.filter(user=bi.user)
    assert key not in (stored.digest, stored.token_key) and stored.token_key == key[:15]
    assert not IntegrationAccount.objects.filter(purpose__contains=key).exists()
    assert not any(key in str(c) + r for c, r in AccessLog.objects.values_list("criteria", "reason"))


def test_a_token_is_refused_after_its_expiry_and_the_refusal_is_logged(world):
    with freeze_time("2026-06-01 09:00:00+00:00"):
        account = services.integration_account_create(actor=world.admin, name="Loader", scopes=["read-performance"])
        issued = services.integration_token_issue(actor=world.admin, account=account, expires_in_days=30)
    with freeze_time("2026-07-01 08:59:00+00:00"):
        assert bearer(issued.key).get(MEASURES).status_code == 200
    with freeze_time("2026-07-01 09:00:01+00:00"):
        response = bearer(issued.key).get(MEASURES)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token expired on 1 July 2026 10:00. Ask an administrator for a new one."}
    assert calls(account) == [("export", "GET", MEASURES, 200), ("denied", "GET", MEASURES, 401)]


def test_rotation_makes_the_old_token_fail_and_revoke_stops_the_new_one(world, bi):
    old = bi.issued
    new = services.integration_token_rotate(actor=world.admin, account=bi, token_key=old.token_key)
    response = bearer(old.key).get(MEASURES)
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}
    assert bearer(new.key).get(MEASURES).status_code == 200
    services.integration_token_revoke(actor=world.admin, account=bi, token_key=new.token_key)
    assert bearer(new.key).get(MEASURES).status_code == 401


def test_a_deactivated_account_is_refused(world, bi):
    services.integration_account_deactivate(actor=world.admin, account=bi)
    spare = AuthToken.objects.create(bi.user, expiry=datetime.timedelta(days=1))[1]  # a token made behind its back
    assert bearer(bi.issued.key).get(MEASURES).status_code == 401
    bi.user.is_active = True  # the account's own flag is checked too
    bi.user.save()
    response = bearer(spare).get(MEASURES)
    assert response.status_code == 401
    assert response.json() == {"detail": "This integration account has been deactivated. Ask an administrator."}
    assert calls(bi)[-1] == ("denied", "GET", MEASURES, 401)


def test_an_integration_account_never_uses_a_session(world, bi):
    client = APIClient()
    client.force_login(bi.user)
    response = client.get(ME)
    assert response.status_code == 401 and "token only" in response.json()["detail"]


# --- people's tokens and two-factor ---------------------------------------------------------------------


def test_a_persons_token_is_refused_once_they_turn_on_two_factor(world):
    key = services.api_token_issue(actor=world.admin, user=world.analyst)
    assert key.startswith("fhp_")
    client = bearer(key, "Token")
    assert client.get(ME).status_code == 200  # a role that may use tokens, no second factor: still works
    TOTPDevice.objects.create(user=world.analyst, name="phone", confirmed=False)
    assert client.get(ME).status_code == 200  # set-up not finished: two-factor is not on yet
    TOTPDevice.objects.filter(user=world.analyst).update(confirmed=True)
    response = client.get(ME)
    assert response.status_code == 401 and response.json() == {"detail": TWO_FACTOR_ON}
    assert not AccessLog.objects.filter(user=world.analyst, channel="api").exists()  # people's calls: as before


def test_a_partners_token_works_without_two_factor_and_the_role_rules_still_apply(world, api_token):
    assert api_token(world.partner).get(ME).status_code == 200
    response = api_token(world.sw).get(ME)
    assert response.status_code == 401 and response.json() == {"detail": "Your role cannot use the API with a token."}


# --- the administrators' API ------------------------------------------------------------------------------


def test_administrator_manages_integration_accounts_through_the_api(world, api_as):
    admin = api_as(world.admin)
    response = admin.post(ACCOUNTS, {"name": "Returns bot", "scopes": ["read-returns"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["scopes"], body["verbs"], body["tokens"], body["is_active"]) == (
        "Returns bot",
        ["read-returns"],
        [roles.EXPORT_RETURNS, roles.VIEW_DATA_QUALITY],
        [],
        True,
    )
    pk = body["id"]
    response = admin.post(f"{ACCOUNTS}{pk}/tokens/", {"expires_in_days": 10}, format="json")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    issued = response.json()
    assert issued["token"].startswith(issued["token_key"]) and issued["token"].startswith("fhi_")
    assert bearer(issued["token"]).get(ME).json()["verbs"] == [roles.EXPORT_RETURNS, roles.VIEW_DATA_QUALITY]
    detail = admin.get(f"{ACCOUNTS}{pk}/").json()
    assert [t["token_key"] for t in detail["tokens"]] == [issued["token_key"]]
    assert issued["token"] not in str(detail) and detail["last_call_at"] is not None
    assert admin.get(ACCOUNTS).json()["count"] == 1
    rotated = admin.post(f"{ACCOUNTS}{pk}/tokens/{issued['token_key']}/rotate/", {}, format="json")
    assert rotated.status_code == 201
    assert bearer(issued["token"]).get(ME).status_code == 401
    new_key = rotated.json()["token_key"]
    revoked = admin.post(f"{ACCOUNTS}{pk}/tokens/{new_key}/revoke/", format="json")
    assert revoked.status_code == 200 and revoked.json()["tokens"] == []
    again = admin.post(f"{ACCOUNTS}{pk}/tokens/{new_key}/revoke/", format="json")
    assert again.status_code == 400
    assert admin.post(f"{ACCOUNTS}{pk}/deactivate/", format="json").json()["is_active"] is False
    assert admin.post(f"{ACCOUNTS}{pk}/tokens/", {}, format="json").status_code == 400


def test_the_api_checks_fields(world, api_as):
    admin = api_as(world.admin)
    response = admin.post(ACCOUNTS, {"name": "", "scopes": ["everything"]}, format="json")
    assert response.status_code == 400 and "scopes" in response.json()
    response = admin.post(ACCOUNTS, {"name": "", "scopes": []}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"name", "scopes"}
    pk = admin.post(ACCOUNTS, {"name": "X", "scopes": ["import"]}, format="json").json()["id"]
    response = admin.post(f"{ACCOUNTS}{pk}/tokens/", {"expires_in_days": 1000}, format="json")
    assert response.status_code == 400 and "expires_in_days" in response.json()
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("who", ["sw", "analyst", "auditor", "partner"])
def test_the_api_is_for_administrators_only(world, bi, api_as, who):
    client = api_as(world.users[who])
    assert client.get(ACCOUNTS).status_code == 403
    assert client.post(ACCOUNTS, {"name": "Mine", "scopes": ["import"]}, format="json").status_code == 403
    assert client.post(f"{ACCOUNTS}{bi.pk}/tokens/", {}, format="json").status_code == 403
    assert client.post(f"{ACCOUNTS}{bi.pk}/deactivate/", format="json").status_code == 403
    assert IntegrationAccount.objects.count() == 1 and AuthToken.objects.filter(user=bi.user).count() == 1
