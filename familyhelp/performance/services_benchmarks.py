"""Writes for benchmarks: targets and England, statistical-neighbour and regional figures entered as data.

Every write checks `performance.manage_performance` again (views check it first), validates the measure and
figure against the library, and edits carry the version they started from (optimistic locking).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.errors import ConcurrentEditError, DomainError, full_clean_or_raise, require

from .measures import MEASURES
from .models import Benchmark

REFUSED = "You do not have permission to manage targets and comparator figures."
FIELDS = ("measure", "figure", "kind", "value", "year", "source")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def year_error(year: str) -> str | None:
    """Why a financial year like 2024-25 is wrong, or None when it is right."""
    match = _YEAR.match((year or "").strip())
    if not match:
        return "Enter the year as a financial year, like 2024-25"
    first, second = int(match[1]), int(match[2])
    if second != (first + 1) % 100:
        return f"A financial year runs from April to the next March, like {first}-{(first + 1) % 100:02d}"
    if not 2000 <= first <= 2100:
        return "Enter a financial year from 2000-01"
    return None


def _check(data: dict[str, Any], *, exclude_pk: Any = None) -> dict[str, Any]:
    """Squash and validate the fields; raise DomainError with a message per field."""
    errors: dict[str, list[str]] = {}
    measure = MEASURES.get(str(data.get("measure") or ""))
    if measure is None:
        errors["measure"] = ["Choose a measure from the list"]
    elif data.get("figure") not in measure.figure_keys():
        errors["figure"] = [f"Choose a figure of {measure.title.lower()}"]
    if data.get("kind") not in Benchmark.Kind.values:
        errors["kind"] = ["Choose what kind of figure this is"]
    value = data.get("value")
    if value is None:
        errors["value"] = ["Enter the value"]
    elif Decimal(value) < 0:
        errors["value"] = ["The value cannot be negative"]
    elif measure is not None and data.get("figure") in measure.percent_keys() and Decimal(value) > 100:
        errors["value"] = ["This figure is a percentage: enter a value from 0 to 100"]
    data["year"] = str(data.get("year") or "").strip()
    if problem := year_error(data["year"]):
        errors["year"] = [problem]
    data["source"] = " ".join(str(data.get("source") or "").split())
    if not data["source"]:
        errors["source"] = ["Enter where the figure comes from, like DfE Children in need 2025"]
    if not errors:
        clash = Benchmark.objects.filter(
            measure=data["measure"], figure=data["figure"], kind=data["kind"], year=data["year"]
        ).exclude(pk=exclude_pk)
        if clash.exists():
            kind = Benchmark.Kind(data["kind"]).label
            errors["year"] = [f"There is already a {kind.lower()} figure for {data['year']}: change that one instead"]
    if errors:
        raise DomainError(errors=errors)
    return data


@transaction.atomic
def benchmark_create(
    *, actor: Any, measure: str, figure: str, kind: str, value: Decimal, year: str, source: str
) -> Benchmark:
    """Add a target or comparator figure for one figure of one measure."""
    require(has_verb(actor, roles.MANAGE_PERFORMANCE), REFUSED)
    data = _check({"measure": measure, "figure": figure, "kind": kind, "value": value, "year": year, "source": source})
    benchmark = Benchmark(**data, created_by=actor, modified_by=actor)
    full_clean_or_raise(benchmark)
    benchmark.save()
    return benchmark


@transaction.atomic
def benchmark_update(*, actor: Any, benchmark: Benchmark, expected_version: int | None, **fields: Any) -> Benchmark:
    """Change a benchmark; refused (ConcurrentEditError) when someone saved it since `expected_version`."""
    require(has_verb(actor, roles.MANAGE_PERFORMANCE), REFUSED)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}")
    data = {name: fields.get(name, getattr(benchmark, name)) for name in FIELDS}
    data = _check(data, exclude_pk=benchmark.pk)
    changed = [name for name in FIELDS if getattr(benchmark, name) != data[name]]
    for name in FIELDS:
        setattr(benchmark, name, data[name])
    full_clean_or_raise(benchmark, exclude=["version"])
    save_versioned(benchmark, actor=actor, expected_version=expected_version, fields=changed)
    return benchmark


@transaction.atomic
def benchmark_delete(*, actor: Any, benchmark: Benchmark, expected_version: int | None = None) -> None:
    """Remove a benchmark (when expected_version is given, only if nobody changed it since)."""
    require(has_verb(actor, roles.MANAGE_PERFORMANCE), REFUSED)
    stored = Benchmark.objects.select_for_update().get(pk=benchmark.pk)
    if expected_version is not None and stored.version != expected_version:
        raise ConcurrentEditError()
    stored.delete()
