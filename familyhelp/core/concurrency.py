"""Optimistic locking: an edit names the version it started from; a stale version is refused."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from familyhelp.core import clock
from familyhelp.core.errors import ConcurrentEditError


def save_versioned(obj: Any, *, actor: Any, expected_version: int | None, fields: list[str]) -> None:
    """Save `fields` of obj only if its stored version still equals expected_version, then bump it.

    The row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions take the write lock
    immediately), so two editors cannot both pass the check. obj.save() keeps field history.
    """
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the record it edits. Reload and try again.")
    model = type(obj)
    with transaction.atomic():
        stored = model.objects.select_for_update().only("version").get(pk=obj.pk)
        if stored.version != expected_version:
            raise ConcurrentEditError()
        obj.version = expected_version  # the stored version, whatever the object held in memory
        save_bumped(obj, actor=actor, fields=fields)


def save_bumped(obj: Any, *, actor: Any, fields: list[str]) -> None:
    """Save `fields` of a row the caller has already locked and version-checked, bumping its version."""
    obj.version += 1
    obj.modified_at = clock.now()
    obj.modified_by = actor
    obj.save(update_fields=list(dict.fromkeys([*fields, "version", "modified_at", "modified_by"])))
