"""Integration accounts (ADR 0016): the services, the administrators' pages, and the web sign-in refusal."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from knox.models import AuthToken

from familyhelp.accounts import roles, services
from familyhelp.accounts.models import IntegrationAccount, User
from familyhelp.audit.models import AccessLog
from familyhelp.core.errors import DomainError, ForbiddenError

pytestmark = pytest.mark.django_db

NOW = "2026-06-01 09:00:00+00:00"


def make_account(world, name="Power BI refresh", scopes=("read-performance",)):
    return services.integration_account_create(
        actor=world.admin, name=name, scopes=list(scopes), purpose="Refreshes the dashboards at 6am"
    )


def grant_rows(account):
    return list(
        AccessLog.objects.filter(object_type="accounts.integrationaccount", object_id=str(account.pk), action="grant")
        .order_by("at")
        .values_list("criteria__event", "user__username")
    )


# --- services ------------------------------------------------------------------------------------------


def test_create_makes_a_token_only_account_with_the_scopes_verbs_and_no_record_scope(world):
    account = make_account(world, scopes=["read-returns", "read-performance", "read-performance"])
    user = account.user
    assert (account.name, account.scopes, account.created_by) == (
        "Power BI refresh",
        ["read-performance", "read-returns"],
        world.admin,
    )
    assert (
        user.role == roles.INTEGRATION_ROLE and user.is_integration and user.username == "integration-power-bi-refresh"
    )
    assert not user.has_usable_password()
    assert user.verbs == {roles.VIEW_PERFORMANCE, roles.VIEW_DATA_QUALITY, roles.EXPORT_RETURNS}
    assert user.scope == roles.Scope.NONE
    assert grant_rows(account) == [("integration.created", "admin")]
    assert not AuthToken.objects.filter(user=user).exists()  # no token until one is issued


def test_create_checks_name_and_scopes_and_is_for_administrators_only(world):
    with pytest.raises(DomainError) as excinfo:
        services.integration_account_create(actor=world.admin, name="  ", scopes=[])
    assert set(excinfo.value.errors) == {"name", "scopes"}
    make_account(world)
    with pytest.raises(DomainError) as excinfo:
        services.integration_account_create(actor=world.admin, name="power bi  REFRESH", scopes=["superuser"])
    assert excinfo.value.errors == {
        "name": ["There is already an integration account called power bi REFRESH"],
        "scopes": ["Unknown scope: superuser. Choose from the list"],
    }
    for actor in (world.analyst, world.manager, world.auditor):
        with pytest.raises(ForbiddenError):
            services.integration_account_create(actor=actor, name="Mine", scopes=["import"])
    assert IntegrationAccount.objects.count() == 1


def test_import_scope_grants_only_the_declared_import_verb(world):
    account = make_account(world, name="Education load", scopes=["import"])
    assert account.user.verbs == {roles.IMPORT_RECORDS}
    assert roles.IMPORT_RECORDS in roles.ALL_VERBS
    assert not any(roles.IMPORT_RECORDS in verbs for verbs in roles.ROLE_VERBS.values())  # no person has it


def test_issued_token_is_stored_hashed_with_a_default_expiry(world, settings):
    account = make_account(world)
    with freeze_time(NOW):
        issued = services.integration_token_issue(actor=world.admin, account=account)
    (stored,) = AuthToken.objects.filter(user=account.user)
    assert issued.key.startswith("fhi_") and len(issued.key) == 4 + 64
    assert issued.key.startswith(stored.token_key) and stored.token_key == issued.token_key
    for value in (stored.digest, stored.token_key):
        assert issued.key != value and issued.key not in value  # no column holds the token
    assert len(stored.digest) == 128  # a SHA-512 digest
    expected = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(
        days=settings.FAMILYHELP_API_TOKEN_DAYS
    )
    assert stored.expiry == issued.expires_at == expected
    assert ("integration.token_issued", "admin") in grant_rows(account)
    log = AccessLog.objects.filter(criteria__event="integration.token_issued").get()
    assert issued.key not in str(log.criteria) + log.reason  # the log names the token by its start only


def test_expiry_is_chosen_per_token_within_the_maximum(world, settings):
    account = make_account(world)
    with freeze_time(NOW):
        issued = services.integration_token_issue(actor=world.admin, account=account, expires_in_days=7)
    assert issued.expires_at == datetime.datetime(2026, 6, 8, 9, tzinfo=datetime.UTC)
    for days in (0, settings.FAMILYHELP_API_TOKEN_MAX_DAYS + 1):
        with pytest.raises(DomainError) as excinfo:
            services.integration_token_issue(actor=world.admin, account=account, expires_in_days=days)
        assert excinfo.value.errors == {"expires_in_days": ["A token must expire in between 1 and 365 days"]}
    assert AuthToken.objects.filter(user=account.user).count() == 1


def test_rotate_replaces_the_token_and_revoke_removes_it(world):
    account = make_account(world)
    first = services.integration_token_issue(actor=world.admin, account=account)
    second = services.integration_token_rotate(actor=world.admin, account=account, token_key=first.token_key)
    keys = set(AuthToken.objects.filter(user=account.user).values_list("token_key", flat=True))
    assert keys == {second.token_key} and second.key != first.key
    rotated = AccessLog.objects.get(criteria__event="integration.token_rotated")
    assert (rotated.criteria["replaced"], rotated.criteria["token"]) == (first.token_key, second.token_key)
    with pytest.raises(DomainError, match="does not exist"):
        services.integration_token_rotate(actor=world.admin, account=account, token_key=first.token_key)
    services.integration_token_revoke(actor=world.admin, account=account, token_key=second.token_key)
    assert not AuthToken.objects.filter(user=account.user).exists()
    assert [e for e, _ in grant_rows(account)] == [
        "integration.created",
        "integration.token_issued",
        "integration.token_rotated",
        "integration.token_revoked",
    ]
    with pytest.raises(ForbiddenError):
        services.integration_token_issue(actor=world.analyst, account=account)


def test_deactivate_revokes_every_token_and_stops_new_ones(world):
    account = make_account(world)
    for _ in range(2):
        services.integration_token_issue(actor=world.admin, account=account)
    with pytest.raises(ForbiddenError):
        services.integration_account_deactivate(actor=world.sw, account=account)
    with freeze_time(NOW):
        account = services.integration_account_deactivate(actor=world.admin, account=account)
    account.refresh_from_db()
    assert not account.is_active and account.deactivated_by == world.admin and account.version == 2
    assert account.deactivated_at == datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
    assert not User.objects.get(pk=account.user_id).is_active
    assert not AuthToken.objects.filter(user=account.user).exists()
    assert User.objects.get(pk=account.user_id).verbs == frozenset()
    with pytest.raises(DomainError, match="deactivated"):
        services.integration_token_issue(actor=world.admin, account=account)
    with pytest.raises(DomainError, match="deactivated"):
        services.integration_account_deactivate(actor=world.admin, account=account)
    assert len(AccessLog.objects.get(criteria__event="integration.deactivated").criteria["revoked"]) == 2


def test_a_person_with_two_factor_on_cannot_be_issued_a_token(world):
    TOTPDevice.objects.create(user=world.analyst, name="phone", confirmed=True)
    with pytest.raises(DomainError, match="two-factor"):
        services.api_token_issue(actor=world.admin, user=world.analyst)
    assert not AuthToken.objects.filter(user=world.analyst).exists()
    account = make_account(world)
    with pytest.raises(DomainError, match="integration account"):
        services.api_token_issue(actor=world.admin, user=account.user)


def test_integration_accounts_are_not_people_in_the_user_and_worker_lists(world):
    from familyhelp.organisation import selectors as org

    account = make_account(world)
    assert account.user not in org.user_account_list_for_user(world.admin)
    assert account.user not in org.worker_list_for_user(world.admin, include_inactive=True)


# --- no web sign-in --------------------------------------------------------------------------------------


def test_an_integration_account_cannot_sign_in_to_the_web_interface(world, client):
    from axes.utils import reset

    account = make_account(world)
    user = account.user
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "anything at all"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    user.set_password("correct-horse-battery")  # even if someone gives it a password
    user.save()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert b"Enter a correct username and password" in response.content
    client.force_login(user)  # and a session made some other way is ended on the first page
    response = client.get(reverse("frontend:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    reset()


# --- pages ---------------------------------------------------------------------------------------------------


def test_administrator_adds_an_account_and_issues_a_token_shown_once(world, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("accounts:integration_list")).status_code == 200
    response = client.post(
        reverse("accounts:integration_add"), {"name": "Power BI refresh", "scopes": ["read-performance"]}
    )
    account = IntegrationAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:integration_detail", args=[account.pk]
    )
    detail = client.get(response["Location"])
    assert b"performance.view_performance" in detail.content and b"This account has no tokens" in detail.content
    response = client.post(reverse("accounts:integration_token_issue", args=[account.pk]), {"expires_in_days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    (stored,) = AuthToken.objects.filter(user=account.user)
    key = response.context["issued"].key
    assert key.encode() in response.content and key.startswith(stored.token_key)
    detail = client.get(reverse("accounts:integration_detail", args=[account.pk]))
    assert stored.token_key.encode() in detail.content and key.encode() not in detail.content  # never again
    listing = client.get(reverse("accounts:integration_list"))
    assert b"Power BI refresh" in listing.content


def test_pages_show_errors_in_the_summary(world, client_for):
    client = client_for(world.admin)
    response = client.post(reverse("accounts:integration_add"), {"name": "", "scopes": []})
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert b"Choose at least one scope" in response.content and not IntegrationAccount.objects.exists()
    account = make_account(world)
    response = client.post(reverse("accounts:integration_token_issue", args=[account.pk]), {"expires_in_days": "999"})
    assert response.status_code == 400 and b"There is a problem" in response.content
    assert b"A token must expire in between 1 and 365 days" in response.content
    assert not AuthToken.objects.filter(user=account.user).exists()


def test_rotate_revoke_and_deactivate_pages(world, client_for):
    client = client_for(world.admin)
    account = make_account(world)
    first = services.integration_token_issue(actor=world.admin, account=account)
    url = reverse("accounts:integration_token_action", args=[account.pk, first.token_key, "rotate"])
    response = client.post(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new_key = response.context["issued"].key
    assert b"no longer works" in response.content and new_key.encode() in response.content
    (stored,) = AuthToken.objects.filter(user=account.user)
    assert new_key.startswith(stored.token_key)
    response = client.post(reverse("accounts:integration_token_action", args=[account.pk, stored.token_key, "revoke"]))
    assert response.status_code == 302 and not AuthToken.objects.filter(user=account.user).exists()
    assert (
        client.post(reverse("accounts:integration_token_action", args=[account.pk, "x", "delete"])).status_code == 404
    )
    response = client.post(reverse("accounts:integration_deactivate", args=[account.pk]))
    assert response.status_code == 302 and not IntegrationAccount.objects.get().is_active


@pytest.mark.parametrize("who", ["sw", "analyst", "auditor"])
def test_pages_are_for_administrators_only(world, client_for, who):
    account = make_account(world)
    client = client_for(world.users[who])
    assert client.get(reverse("accounts:integration_list")).status_code == 403
    assert client.get(reverse("accounts:integration_detail", args=[account.pk])).status_code == 403
    assert client.post(reverse("accounts:integration_add"), {"name": "X", "scopes": ["import"]}).status_code == 403
    assert client.post(reverse("accounts:integration_token_issue", args=[account.pk])).status_code == 403
    assert client.post(reverse("accounts:integration_deactivate", args=[account.pk])).status_code == 403
    assert IntegrationAccount.objects.get().is_active and not AuthToken.objects.exists()


# --- the migration away from DRF's plain-text tokens ------------------------------------------------------


def test_the_migration_drops_the_plain_text_token_table(db):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("familyhelp.accounts.migrations.0004_integration_accounts")

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    editor = SimpleNamespace(connection=connection, execute=run)  # the two things the function uses
    run("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id varchar(32))")
    run("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 'x')")
    run("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', '2025-01-01')")
    migration.drop_plain_text_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
    migration.drop_plain_text_tokens(None, editor)  # a database that never had the table is fine
