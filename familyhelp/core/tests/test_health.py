"""/healthz and /readyz: public JSON answers, 503 when the database or the migrations are not there."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings

from familyhelp.core import health

pytestmark = pytest.mark.django_db

FORBIDDEN_WORDS = ("django", "python", "sqlite", "postgres", "gunicorn", "version", "host")


def _body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert _body(response) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_liveness_answers_while_the_database_is_down(client):
    with mock.patch.object(health, "check_database", side_effect=OperationalError("server closed")):
        assert client.get("/healthz").status_code == 200


def test_readiness_checks_the_database_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert _body(response) == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_503_when_the_database_fails_and_says_no_more(client, caplog):
    secret = "could not connect to server at db-7.council.internal port 5432"
    with mock.patch.object(health, "check_database", side_effect=OperationalError(secret)):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert _body(response) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "migrations": "unavailable"},
    }
    assert b"council.internal" not in response.content
    assert "council.internal" not in caplog.text  # the log names the kind of failure only
    assert "OperationalError" in caplog.text


def test_readiness_is_503_while_a_migration_is_unapplied(client):
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder.Migration.objects.filter(app="core")
    assert applied.exists()
    last = applied.order_by("-name").first()
    assert last is not None
    last.delete()  # as if the code had been deployed before `familyhelp migrate` ran
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _body(response)["checks"] == {"database": "ok", "migrations": "unavailable"}


def test_probes_need_no_sign_in_and_leak_nothing(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode().lower()
        assert not [word for word in FORBIDDEN_WORDS if word in text], text
        assert "Server" not in response or "gunicorn" not in response["Server"].lower()


def test_probes_accept_head_and_refuse_writes(client):
    assert client.head("/healthz").status_code == 200
    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_a_signed_in_user_owing_a_second_factor_still_gets_the_probe(client):
    """The probes are public: the second-factor gate does not redirect them (an administrator must use one)."""
    from familyhelp.accounts.roles import Role
    from familyhelp.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.ADMINISTRATOR, team=None))
    assert client.get("/").status_code == 302  # everything else sends them to set up the second factor
    assert client.get("/readyz").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$", r"^readyz$"])
def test_probes_over_plain_http_are_not_redirected_in_production(client):
    """production.py exempts the probes from the HTTPS redirect (probes from inside the network use HTTP)."""
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/sign-in/").status_code == 301


def test_production_settings_exempt_the_probes_and_nothing_else(monkeypatch):
    import importlib
    import re
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)
    production = importlib.import_module("config.settings.production")
    monkeypatch.delitem(sys.modules, "config.settings.production")
    exempt = production.SECURE_REDIRECT_EXEMPT
    assert all(any(re.search(p, path) for p in exempt) for path in ("healthz", "readyz"))
    assert not any(re.search(p, path) for p in exempt for path in ("people/", "healthz/x", "api/healthz"))
