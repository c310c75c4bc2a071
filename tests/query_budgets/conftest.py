"""Query budgets: count the queries a page or list endpoint runs at two sizes of data.

Each test signs a user in, asks for the page once to warm the process's caches (content types, the
published threshold document, policies), counts the queries of a second request with a small amount of
data, adds more rows, and counts again. The count must not grow with the rows (`slack` allows a small,
justified constant difference) and must stay under an absolute ceiling (docs/domain/query-budgets.md).

Set QUERY_BUDGETS_REPORT=/some/file.json to write every measured count there (used to fill the table in
the documentation).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from familyhelp.accounts.permissions import requires_second_factor

_REPORT: dict[str, dict[str, Any]] = {}


@dataclass
class Measured:
    """The queries of one request."""

    status: int
    queries: list[str] = field(default_factory=list, repr=False)

    @property
    def count(self) -> int:
        return len(self.queries)


def _shape(sql: str) -> str:
    """A query with its literals taken out, so repeats of one statement with other values group together."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\b[0-9a-f]{32}\b", "?", sql)
    sql = re.sub(r"\((?:\s*\?\s*,)+\s*\?\s*\)", "(?…)", sql)
    return sql


def repeated(queries: list[str], at_least: int = 2) -> str:
    """The statements run more than once (the usual sign of a per-row query), most frequent first."""
    counts = Counter(_shape(q) for q in queries)
    lines = [f"{n}× {shape[:400]}" for shape, n in counts.most_common() if n >= at_least]
    return "\n".join(lines) or "(no statement repeated)"


def _is_bookkeeping(sql: str) -> bool:
    """Savepoints and transaction statements: their number differs between SQLite and PostgreSQL."""
    head = sql.lstrip().upper()
    return head.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT"))


def measure(
    client: Any, url: str, *, method: str = "get", data: Any = None, expect: int = 200, **extra: Any
) -> Measured:
    """The queries (without savepoints) of one request; the response status must be `expect`."""
    call = getattr(client, method)
    with CaptureQueriesContext(connection) as ctx:
        response = call(url, data, **extra) if data is not None else call(url, **extra)
    assert response.status_code == expect, (url, response.status_code, getattr(response, "content", b"")[:500])
    return Measured(response.status_code, [q["sql"] for q in ctx.captured_queries if not _is_bookkeeping(q["sql"])])


class Budget:
    """Measure one page at two sizes and check the budget.

    budget = Budget("front-door queue", client, url)
    budget.small()     # after building the small data
    grow(...)
    budget.large()     # after adding rows
    budget.check(ceiling=20)
    """

    def __init__(self, name: str, client: Any, url: str, *, method: str = "get", data: Any = None, **extra: Any):
        self.name, self.client, self.url, self.method, self.data, self.extra = name, client, url, method, data, extra
        self.at_small: Measured | None = None
        self.at_large: Measured | None = None

    def _one(self) -> Measured:
        return measure(self.client, self.url, method=self.method, data=self.data, **self.extra)

    def small(self) -> Measured:
        self._one()  # warm the process's caches
        self.at_small = self._one()
        return self.at_small

    def large(self) -> Measured:
        self.at_large = self._one()
        return self.at_large

    def check(self, *, ceiling: int, slack: int = 0) -> None:
        small, large = self.at_small, self.at_large
        assert small is not None and large is not None, "measure small() and large() first"
        _REPORT[self.name] = {"url": self.url, "small": small.count, "large": large.count, "ceiling": ceiling}
        assert large.count - small.count <= slack, (
            f"{self.name}: {small.count} queries with little data, {large.count} with more (slack {slack}).\n"
            f"Repeated statements with more data:\n{repeated(large.queries)}"
        )
        assert large.count <= ceiling, (
            f"{self.name}: {large.count} queries, over its ceiling of {ceiling}.\n{repeated(large.queries)}"
        )


@pytest.fixture(scope="session", autouse=True)
def _query_budget_report():
    yield
    path = os.environ.get("QUERY_BUDGETS_REPORT")
    if path and _REPORT:
        backend = connection.vendor
        existing: dict[str, Any] = {}
        if os.path.exists(path):
            with open(path) as f:
                existing = json.load(f)
        existing.setdefault(backend, {}).update(_REPORT)
        with open(path, "w") as f:
            json.dump(existing, f, indent=1, sort_keys=True)


def _sign_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    if requires_second_factor(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def page_as(db):
    """A new Django test client signed in as the user (second factor verified where the role needs it)."""
    return lambda user: _sign_in(Client(), user)


@pytest.fixture
def api_as(db):
    """A new API client signed in by session as the user (second factor verified where the role needs it)."""
    return lambda user: _sign_in(APIClient(), user)
