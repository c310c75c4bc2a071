"""Structured logs: JSON lines that carry the request id, never the query string; X-Request-ID in and out."""

from __future__ import annotations

import io
import json
import logging
import uuid
from typing import Any
from unittest import mock

import pytest
from django.test import RequestFactory, override_settings

from familyhelp.core.logging import JsonFormatter, RequestIdFilter
from familyhelp.core.proxy import TrustedProxyMiddleware
from familyhelp.core.request_id import bound_request_id, current_request_id, is_well_formed

NGINX_ID = "0f5c2d7e9a4b41c3b8d6e1f2a3b4c5d6"  # the shape of nginx's $request_id


@pytest.fixture
def json_lines():
    """Records of every logger, formatted as production formats them; returns the parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("familyhelp.request")
    old_levels = root.level, request_logger.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # as in production
    request_logger.setLevel(logging.DEBUG)  # to see the probes' lines too

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]  # every line must parse

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_levels[0])
    request_logger.setLevel(old_levels[1])


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "familyhelp.request"]


def test_a_json_line_has_the_fixed_fields_and_the_request_id(json_lines):
    with bound_request_id(NGINX_ID):
        logging.getLogger("familyhelp.test").info("Pack %s built", "P-1", extra={"rows": 12, "obj": object()})
    (line,) = [x for x in json_lines() if x["logger"] == "familyhelp.test"]
    assert list(line)[:5] == ["time", "level", "logger", "message", "request_id"]
    assert line["level"] == "INFO"
    assert line["message"] == "Pack P-1 built"
    assert line["request_id"] == NGINX_ID
    assert line["time"].endswith("+00:00")
    assert line["rows"] == 12
    assert "obj" not in line  # only plain values are written


def test_outside_a_request_the_request_id_is_null(json_lines):
    logging.getLogger("familyhelp.test").warning("Nightly drift flags done")
    (line,) = [x for x in json_lines() if x["logger"] == "familyhelp.test"]
    assert line["request_id"] is None
    assert current_request_id() is None


@pytest.mark.django_db
def test_every_request_gets_one_line_without_its_query_string(client, json_lines):
    response = client.get("/accounts/sign-in/?next=/people/&given_names=Zo%C3%AB&dob=2016-03-04")
    assert response.status_code == 200
    (line,) = _request_lines(json_lines())
    assert line["method"] == "GET"
    assert line["path"] == "/accounts/sign-in/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    text = json.dumps(json_lines())
    assert "Zo" not in text and "2016" not in text and "given_names" not in text and "?" not in text


@pytest.mark.django_db
def test_the_request_line_carries_the_users_id_and_never_their_name(client, json_lines):
    from familyhelp.accounts.roles import Role
    from familyhelp.accounts.tests.factories import UserFactory

    user: Any = UserFactory(
        username="siobhan.obrien", first_name="Siobhán", last_name="O'Brien", role=Role.SOCIAL_WORKER
    )
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    (line,) = _request_lines(json_lines())
    assert line["user_id"] == str(user.pk)
    assert uuid.UUID(line["user_id"])
    text = json.dumps(json_lines(), ensure_ascii=False)
    assert "Siobh" not in text and "siobhan" not in text and "O'Brien" not in text


@pytest.mark.django_db
def test_every_line_written_during_a_request_carries_its_id(client, json_lines):
    """A line logged deep inside the request (the readiness check's failure) has the request line's id."""
    from django.db.utils import OperationalError

    from familyhelp.core import health

    with mock.patch.object(health, "check_database", side_effect=OperationalError("down")):
        response = client.get("/readyz?q=secret", HTTP_X_REQUEST_ID=NGINX_ID)
    assert response.status_code == 503
    assert response["X-Request-ID"] == NGINX_ID
    lines = json_lines()
    assert {"familyhelp.health", "familyhelp.request"} <= {line["logger"] for line in lines}
    assert {line["request_id"] for line in lines} == {NGINX_ID}
    assert "secret" not in json.dumps(lines)
    (request_line,) = _request_lines(lines)
    assert request_line["level"] == "WARNING"  # a failing probe is not hidden at DEBUG


@pytest.mark.django_db
def test_the_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert is_well_formed(first) and len(first) == 32
    assert first != second


@pytest.mark.django_db
def test_a_well_formed_incoming_id_is_kept(client):
    trace = str(uuid.uuid4())
    assert client.get("/healthz", HTTP_X_REQUEST_ID=trace)["X-Request-ID"] == trace
    assert client.get("/healthz", HTTP_X_REQUEST_ID=NGINX_ID)["X-Request-ID"] == NGINX_ID


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "abc",  # too short
        "Zoe-OBrien-2016-03-04-child",  # words: could carry personal data into the logs
        "0f5c2d7e9a4b41c3 b8d6e1f2a3b4c5d6",
        "0f5c2d7e9a4b41c3\nb8d6e1f2a3b4c5d6",  # a forged second log line
        "f" * 65,
        '0f5c2d7e9a4b41c3"}{"level":"ERROR',
    ],
)
def test_a_malformed_incoming_id_is_replaced(client, json_lines, incoming):
    response = client.get("/accounts/sign-in/", HTTP_X_REQUEST_ID=incoming)
    returned = response["X-Request-ID"]
    assert returned != incoming
    assert is_well_formed(returned)
    (line,) = _request_lines(json_lines())
    assert line["request_id"] == returned


@pytest.mark.django_db
def test_a_successful_probe_is_logged_at_debug_only(client, json_lines):
    client.get("/healthz")
    client.get("/accounts/sign-in/")
    levels = {line["path"]: line["level"] for line in _request_lines(json_lines())}
    assert levels == {"/healthz": "DEBUG", "/accounts/sign-in/": "INFO"}


def test_an_exception_is_written_as_one_parseable_line(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("familyhelp.test").exception("Export failed")
    (line,) = [x for x in json_lines() if x["logger"] == "familyhelp.test"]
    assert line["level"] == "ERROR"
    assert "ValueError: boom" in line["exc_info"]


def test_gunicorn_access_lines_take_the_request_id_from_the_response_header():
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s %({x-request-id}o)s", None, None
    )
    record.args = {"m": "GET", "U": "/people/", "s": "200", "{x-request-id}o": NGINX_ID}
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == NGINX_ID
    assert line["message"] == f"GET /people/ 200 {NGINX_ID}"


# --- the client's address behind the proxy (familyhelp.core.proxy) ------------------------------------


def _address_seen(remote: str, real: str | None) -> str:
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]

    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if real is not None:
        request.META["HTTP_X_REAL_IP"] = real
    TrustedProxyMiddleware(view)(request)
    return seen["addr"]


@override_settings(FAMILYHELP_TRUSTED_PROXIES=["127.0.0.1", "::1", "10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_client_address_is_the_proxys_x_real_ip():
    assert _address_seen("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert _address_seen("10.1.2.3", "2001:db8::7") == "2001:db8::7"


@override_settings(FAMILYHELP_TRUSTED_PROXIES=["127.0.0.1"])
def test_the_header_is_ignored_from_other_peers_or_when_malformed():
    assert _address_seen("198.51.100.4", "203.0.113.9") == "198.51.100.4"  # a client cannot claim an address
    assert _address_seen("127.0.0.1", "203.0.113.9, 10.0.0.1") == "127.0.0.1"
    assert _address_seen("127.0.0.1", None) == "127.0.0.1"


@override_settings(FAMILYHELP_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_nothing_changes():
    assert _address_seen("127.0.0.1", "203.0.113.9") == "127.0.0.1"
