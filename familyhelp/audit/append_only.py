"""Database-level protection of the append-only tables (access log, chronology).

Triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) unless the connection is in maintenance mode.
Nothing in the application turns maintenance mode on. The test settings do, because Django's test
runner empties tables between transactional tests; the tests that prove the protection switch it off
with `enforced()`. See docs/adr/0006-append-only-audit.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection as default_connection

PG_SETTING = "familyhelp.audit_maintenance"
_state = {"maintenance": False}


def _sqlite_locked() -> int:
    return 0 if _state["maintenance"] else 1


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Register the SQLite function the triggers call; set the PostgreSQL flag in test settings."""
    _state["maintenance"] = bool(getattr(settings, "FAMILYHELP_AUDIT_MAINTENANCE", False))
    if connection.vendor == "sqlite":
        connection.connection.create_function("familyhelp_audit_locked", 0, _sqlite_locked, deterministic=False)
    elif connection.vendor == "postgresql" and _state["maintenance"]:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {PG_SETTING} = 'on'")


@contextmanager
def enforced(connection: Any = default_connection) -> Iterator[None]:
    """Switch maintenance mode off for the duration (used by tests that prove the protection)."""
    before = _state["maintenance"]
    _state["maintenance"] = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET {PG_SETTING} = 'off'")
    try:
        yield
    finally:
        _state["maintenance"] = before
        if connection.vendor == "postgresql" and before:
            with connection.cursor() as cursor:
                cursor.execute(f"SET {PG_SETTING} = 'on'")
