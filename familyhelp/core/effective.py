"""Effective dates: when something happened, kept apart from when (and by whom) it was recorded.

Rules applied to every effective date a practitioner enters:
- it is not in the future;
- it is not before the child's birth (or, for an unborn child, more than 42 weeks before the expected date);
- it is not before what it depends on (for example an address end date before its start);
- it is not before (nor after) the other steps of the journey it is ordered against, named with
  their dates in the message (`after=` and `before=` take (label, date) pairs);
- recording it more than the council's late-recording days after the event needs a reason.

Every service that writes a dated step resolves the date with `resolve_date`/`resolve_datetime`
(a missing date defaults to today/now) and checks it with `check_effective_date`; the late reason
goes into the step's chronology event, beside who recorded it and when.
docs/domain/effective-dates.md lists every dated step, its default and its invariants.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from familyhelp.core import clock
from familyhelp.core.errors import DomainError

UNBORN_WINDOW = timedelta(weeks=42)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def long_date(value: date | datetime) -> str:
    """A date as a practitioner reads it: 3 March 2025."""
    return f"{_as_date(value):%-d %B %Y}"


def resolve_date(value: date | datetime | None) -> tuple[date, bool]:
    """The step's effective date and whether it was defaulted (no date given: today)."""
    if value is None:
        return clock.today(), True
    return _as_date(value), False


def resolve_datetime(value: datetime | None) -> tuple[datetime, bool]:
    """The step's effective date-time and whether it was defaulted (no date-time given: now)."""
    if value is None:
        return clock.now(), True
    return value, False


def _before(a: date | datetime, b: date | datetime) -> bool:
    """Is a strictly before b? Two aware date-times compare exactly; otherwise by calendar day."""
    if isinstance(a, datetime) and isinstance(b, datetime) and timezone.is_aware(a) and timezone.is_aware(b):
        return a < b
    return _as_date(a) < _as_date(b)


Ordering = Iterable[tuple[str, date | datetime | None]]


def order_errors(
    value: date | datetime | None,
    *,
    field: str,
    label: str,
    after: Ordering = (),
    before: Ordering = (),
) -> dict[str, list[str]]:
    """Field errors when a step's date contradicts the steps it is ordered against (None dates are skipped).

    `after` names steps this one cannot come before; `before` names recorded later steps it cannot
    come after (an edit of an earlier step re-checks the later ones).
    """
    if value is None:
        return {}
    for step_label, other in after:
        if other is not None and _before(value, other):
            return {field: [f"The {label} must be on or after the {step_label} ({long_date(other)})"]}
    for step_label, other in before:
        if other is not None and _before(other, value):
            return {field: [f"The {label} must be on or before the {step_label} ({long_date(other)})"]}
    return {}


def late_recording_days() -> int:
    """The number of days after an event beyond which recording it asks for a reason."""
    from familyhelp.organisation.models import LocalAuthority

    la = LocalAuthority.objects.first()
    if la is not None and la.late_recording_days is not None:
        return int(la.late_recording_days)
    return int(settings.FAMILYHELP_LATE_RECORDING_DAYS)


def earliest_date_for(person: Any) -> date | None:
    """The earliest date an event about this person can carry, or None if not known."""
    if person is None:
        return None
    if getattr(person, "date_of_birth", None) and getattr(person, "dob_is_estimated", False) is False:
        return person.date_of_birth
    if getattr(person, "date_of_birth", None):
        # An estimated date of birth only bounds events loosely: allow the year before.
        return date(person.date_of_birth.year - 1, 1, 1)
    if getattr(person, "expected_date_of_birth", None):
        return person.expected_date_of_birth - UNBORN_WINDOW
    return None


def check_effective_date(
    value: date | datetime | None,
    *,
    field: str,
    label: str,
    person: Any = None,
    not_before: date | datetime | None = None,
    not_before_label: str = "",
    after: Ordering = (),
    before: Ordering = (),
    late_reason: str = "",
    late_reason_field: str = "late_reason",
    required: bool = True,
    ask_late_reason: bool = True,
) -> dict[str, list[str]]:
    """Return field errors for an effective date (empty when valid). Services raise them together.

    `after`/`before` are the journey's order invariants: (label, date) pairs of the steps this one
    must not precede or follow, named with their date in the message.
    `ask_late_reason=False` is for dates that describe a state rather than an event being reported
    (the date a name or a relationship began), which are often long ago without being recorded late.
    """
    errors: dict[str, list[str]] = {}
    if value is None:
        if required:
            errors[field] = [f"Enter the {label}"]
        return errors
    day = _as_date(value)
    today = clock.today()
    if day > today or (isinstance(value, datetime) and timezone.is_aware(value) and value > clock.now()):
        errors[field] = [f"The {label} must be today or in the past"]
        return errors
    earliest = earliest_date_for(person)
    if earliest is not None and day < earliest:
        if getattr(person, "date_of_birth", None):
            errors[field] = [f"The {label} must be on or after the date of birth"]
        else:
            errors[field] = [f"The {label} is too long before the expected date of birth"]
        return errors
    if not_before is not None and day < _as_date(not_before):
        errors[field] = [f"The {label} must be on or after the {not_before_label}"]
        return errors
    ordered = order_errors(value, field=field, label=label, after=after, before=before)
    if ordered:
        return ordered
    if ask_late_reason and (today - day).days > late_recording_days() and not (late_reason or "").strip():
        errors[late_reason_field] = [
            f"Explain why this is being recorded more than {late_recording_days()} days after the {label}"
        ]
    return errors


def merge_errors(
    errors: dict[str, list[str]], more: dict[str, list[str]], *, distinct: bool = False
) -> dict[str, list[str]]:
    """Add `more` field errors to `errors` (in place, and returned) so a service raises every problem at once.

    `distinct=True` keeps each message once and a single late-reason message (one reason answers them all).
    """
    for field, messages in more.items():
        kept = errors.setdefault(field, [])
        kept.extend(m for m in messages if not distinct or m not in kept)
        if distinct and field == "late_reason":
            del kept[1:]
    return errors


def raise_if(errors: dict[str, list[str]]) -> None:
    """Raise a DomainError carrying these field errors, if there are any."""
    if errors:
        raise DomainError(errors=errors)
