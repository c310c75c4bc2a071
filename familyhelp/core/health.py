"""Health endpoints for the load balancer and systemd checks (docs/operations/production.md).

- `/healthz` (liveness): the process answers. No database, no session, no template: a stuck worker fails it,
  a database outage does not (restarting web processes does not mend a database).
- `/readyz` (readiness): this process can serve pages. The database answers a trivial query and every
  migration in the code is applied (a node deployed before `migrate` ran is not ready). 503 otherwise,
  so the load balancer sends traffic elsewhere until it is.

Both are public (no sign-in, like the sign-in page), never cached, and answer only `ok`/`unavailable` per
check: no versions, host names, database names or error texts (the reason goes to the log instead).
The background-jobs worker is not a readiness check: pages work without it, and taking every web node
out of the load balancer because the worker stopped would turn a delay into an outage (systemd restarts
the worker; see the operations guide).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from familyhelp.accounts.declare import PUBLIC, permission

logger = logging.getLogger("familyhelp.health")

OK = "ok"
UNAVAILABLE = "unavailable"


def check_database() -> bool:
    """The default database answers `SELECT 1`."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return row is not None and row[0] == 1


@functools.cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code defines, (app label, name); read from disk once per process."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def check_migrations() -> bool:
    """Every migration the code defines is recorded as applied in the default database (one query)."""
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    return code_migrations() <= applied.keys()


def _run(name: str, check: Callable[[], bool]) -> str:
    try:
        passed = check()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready; the reason goes to the log only
        logger.warning("Readiness check %s failed: %s", name, type(exc).__name__)
        return UNAVAILABLE
    if not passed:
        logger.warning("Readiness check %s failed", name)
    return OK if passed else UNAVAILABLE


@permission(PUBLIC)
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the process answers requests."""
    return JsonResponse({"status": OK})


@permission(PUBLIC)
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers and the migrations are applied, else 503."""
    checks = {"database": _run("database", check_database)}
    # Without a database the migration state is unknown: report it unavailable without asking again.
    checks["migrations"] = _run("migrations", check_migrations) if checks["database"] == OK else UNAVAILABLE
    ready = all(value == OK for value in checks.values())
    return JsonResponse({"status": OK if ready else UNAVAILABLE, "checks": checks}, status=200 if ready else 503)
