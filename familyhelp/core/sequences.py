"""Human-readable references from named counters, safe under concurrency (row lock)."""

from __future__ import annotations

from django.db import transaction

from familyhelp.core.models import Counter


@transaction.atomic
def next_value(name: str, *, count: int = 1) -> int:
    """Reserve `count` values of the named counter and return the first one."""
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    first = counter.value + 1
    counter.value += count
    counter.save(update_fields=["value"])
    return first


def set_at_least(name: str, value: int) -> None:
    """Move the counter forward to at least `value` (used after bulk loads)."""
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
        if counter.value < value:
            counter.value = value
            counter.save(update_fields=["value"])
