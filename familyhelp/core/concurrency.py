"""Optimistic locking: an edit names the version it started from; a stale version is refused."""

from __future__ import annotations

from typing import Any

from django.db import models

from familyhelp.core import clock
from familyhelp.core.errors import ConcurrentEditError


def save_versioned(obj: Any, *, actor: Any, expected_version: int | None, fields: list[str]) -> None:
    """Write `fields` of obj only if its stored version still equals expected_version, then bump it."""
    model = type(obj)
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the record it edits. Reload and try again.")
    values: dict[str, Any] = {f: getattr(obj, f) for f in fields}
    values["version"] = models.F("version") + 1
    values["modified_at"] = clock.now()
    values["modified_by"] = actor
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(**values)
    if updated != 1:
        raise ConcurrentEditError()
    obj.refresh_from_db()
