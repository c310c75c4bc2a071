"""Writing to the chronology. Services call chronology_record inside their own transaction."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.permissions import has_verb
from familyhelp.accounts.roles import ADD_CHRONOLOGY
from familyhelp.chronology.kinds import KINDS
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import clock
from familyhelp.core.effective import check_effective_date, raise_if
from familyhelp.core.errors import require


def chronology_record(
    *,
    actor: Any,
    kind: str,
    summary: str,
    occurred_on: date,
    occurred_time: time | None = None,
    person: Any = None,
    family: Any = None,
    subject: Any = None,
    late_reason: str = "",
) -> ChronologyEvent:
    """Append one event to a person's and/or family's chronology (call inside the writing transaction)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown chronology kind {kind!r}: add it to chronology.kinds.KINDS")
    return ChronologyEvent.objects.create(
        person=person,
        family=family,
        kind=kind,
        summary=summary,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        late_reason=late_reason,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
    )


@transaction.atomic
def chronology_add_significant_event(
    *,
    actor: Any,
    person: Any,
    occurred_on: date | None,
    occurred_time: time | None = None,
    summary: str,
    late_reason: str = "",
) -> ChronologyEvent:
    """A practitioner records a significant event in a child's chronology, dated when it happened."""
    from familyhelp.people.permissions import can_add_chronology

    require(has_verb(actor, ADD_CHRONOLOGY) and can_add_chronology(actor, person))
    errors = check_effective_date(
        occurred_on, field="occurred_on", label="date it happened", person=person, late_reason=late_reason
    )
    if occurred_on == clock.today() and occurred_time is not None and occurred_time > clock.now().astimezone(
        timezone.get_current_timezone()
    ).time():
        errors.setdefault("occurred_time", []).append("The time it happened must be now or in the past")
    if not (summary or "").strip():
        errors.setdefault("summary", []).append("Describe what happened")
    elif len(summary) > 5000:
        errors.setdefault("summary", []).append("The description must be 5,000 characters or fewer")
    raise_if(errors)
    assert occurred_on is not None
    return chronology_record(
        actor=actor,
        kind="note.significant_event",
        summary=summary.strip(),
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        person=person,
        late_reason=late_reason.strip(),
    )
