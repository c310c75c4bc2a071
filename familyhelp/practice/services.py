"""Every write to practice tools: start a draft, change it, finalise it (then it is append-only).

Each service checks the permission again, is atomic, and detects concurrent edits with `version`.
Finalising writes the chronology event (screening with its risk level, GCP2 baseline or review, mapping).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_bumped
from familyhelp.core.effective import check_effective_date, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, require
from familyhelp.people.models import Family, FamilyMember, Person
from familyhelp.practice import definitions as d
from familyhelp.practice.models import Completion, Instrument
from familyhelp.practice.permissions import can_record_practice, workable_case
from familyhelp.practice.selectors import instrument_in_force
from familyhelp.practice.transitions import check_transition

CHRONOLOGY_KIND = {
    d.EXPLOITATION: "practice.screening_completed",
    d.GCP2: "practice.gcp2_completed",
    d.SIGNS_OF_SAFETY: "practice.sos_mapping",
}


COMPLETED = "date the tool was completed"


def _check_date(
    person: Person,
    completed_on: datetime.date,
    review_of: Completion | None,
    *,
    late_reason: str = "",
    ask_late_reason: bool = False,
) -> None:
    """The completion's date through core.effective: not in the future nor before the child's birth, on or after
    the completion it reviews. A draft is not yet reported: the late reason is asked when it is finalised."""
    earlier = review_of.completed_on if review_of is not None and review_of.person_id == person.pk else None
    raise_if(
        check_effective_date(
            completed_on,
            field="completed_on",
            label=COMPLETED,
            person=person,
            after=[("date of the completion it reviews", earlier)],
            late_reason=late_reason,
            ask_late_reason=ask_late_reason,
        )
    )


def _instrument(kind: str, completed_on: datetime.date) -> Instrument:
    instrument = instrument_in_force(kind, completed_on)
    if instrument is None:
        raise DomainError("No version of this tool was in force on that date", field="completed_on")
    return instrument


def _check_review_of(person: Person, kind: str, completed_on: datetime.date, review_of: Completion | None) -> None:
    if review_of is None:
        return
    if review_of.person_id != person.pk or review_of.kind != kind:
        raise DomainError(
            "A review must follow an earlier completion of the same tool for this child", field="review_of"
        )
    if review_of.status != Completion.Status.FINAL:
        raise DomainError("A review must follow a final completion, not a draft", field="review_of")


def _check_family(person: Person, kind: str, family: Family | None) -> None:
    """A family-level completion: a tool that can be, for a family the child belongs to now."""
    if family is None:
        return
    if kind not in d.FAMILY_KINDS:
        label = Instrument.Kind(kind).label.lower()
        article = "An" if label[0] in "aeiou" else "A"
        raise DomainError(f"{article} {label} is completed for one child, not a whole family", field="family")
    if not FamilyMember.objects.filter(family=family, person=person, end_date__isnull=True).exists():
        raise DomainError("Choose a family this child belongs to now", field="family")


def _validated(instrument: Instrument, answers: Any, *, complete: bool) -> dict[str, Any]:
    cleaned, errors = d.validate_answers(instrument.kind, instrument.definition, answers, complete=complete)
    if errors:
        raise DomainError(errors=errors)
    return cleaned


def _apply(completion: Completion, instrument: Instrument, cleaned: dict[str, Any]) -> None:
    completion.instrument = instrument
    completion.answers = cleaned
    completion.result = d.derive_result(instrument.kind, instrument.definition, cleaned)
    completion.risk_level = completion.result.get("risk_level", "") if instrument.kind == d.EXPLOITATION else ""


@transaction.atomic
def completion_start(
    *,
    actor: Any,
    person: Person,
    kind: str,
    completed_on: datetime.date | None = None,
    answers: Any,
    review_of: Completion | None = None,
    family: Family | None = None,
) -> Completion:
    """Start a draft completion of the tool in force on the date it was completed (default today): a baseline,
    or a review of `review_of` (on or after it); for the child, or (`family`) for the whole family, filed under
    the child."""
    require(kind in Instrument.Kind.values, "There is no such practice tool")
    require(can_record_practice(actor, person, kind), "You cannot record this tool for this child.")
    completed_on, _ = resolve_date(completed_on)
    _check_review_of(person, kind, completed_on, review_of)
    _check_date(person, completed_on, review_of)
    instrument = _instrument(kind, completed_on)
    _check_family(person, kind, family)
    cleaned = _validated(instrument, answers, complete=False)
    completion = Completion(
        kind=kind,
        person=person,
        family=family,
        case=workable_case(actor, person),
        completed_on=completed_on,
        purpose=Completion.Purpose.REVIEW if review_of else Completion.Purpose.BASELINE,
        review_of=review_of,
        completed_by=actor,
        created_by=actor,
        modified_by=actor,
    )
    _apply(completion, instrument, cleaned)
    completion.save()
    return completion


def _locked(completion: Completion, expected_version: int | None) -> Completion:
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the record it edits. Reload and try again.")
    locked = Completion.objects.select_for_update().select_related("person", "instrument").get(pk=completion.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError()
    return locked


@transaction.atomic
def completion_update(
    *,
    actor: Any,
    completion: Completion,
    completed_on: datetime.date | None = None,
    answers: Any,
    review_of: Completion | None,
    expected_version: int | None,
    family: Family | None = None,
) -> Completion:
    """Change a draft: its date, answers, the completion it reviews, or whether it is for the whole family
    (refused once final)."""
    locked = _locked(completion, expected_version)
    require(can_record_practice(actor, locked.person, locked.kind), "You cannot record this tool for this child.")
    if locked.status != Completion.Status.DRAFT:
        raise DomainError("This completion is final and cannot be changed: record a review instead")
    completed_on, _ = resolve_date(completed_on)
    _check_review_of(locked.person, locked.kind, completed_on, review_of)
    _check_date(locked.person, completed_on, review_of)
    instrument = _instrument(locked.kind, completed_on)
    _check_family(locked.person, locked.kind, family)
    cleaned = _validated(instrument, answers, complete=False)
    locked.completed_on = completed_on
    locked.family = family
    locked.review_of = review_of
    locked.purpose = Completion.Purpose.REVIEW if review_of else Completion.Purpose.BASELINE
    _apply(locked, instrument, cleaned)
    save_bumped(
        locked,
        actor=actor,
        fields=["completed_on", "review_of", "purpose", "family", "instrument", "answers", "result", "risk_level"],
    )
    return locked


def _chronology_summary(completion: Completion) -> str:
    definition = completion.instrument.definition
    text = f"{completion.instrument.name} {completion.get_purpose_display().lower()}"
    if completion.family is not None:
        text += f" for the whole family ({completion.family.name})"
    text += ": "
    text += d.summary(completion.kind, completion.result, definition)
    previous = completion.review_of
    if previous is not None:
        text += (
            f" (reviewing {previous.completed_on:%d/%m/%Y}: {d.summary(previous.kind, previous.result, definition)})"
        )
    return text[:1000]


@transaction.atomic
def completion_finalise(
    *, actor: Any, completion: Completion, expected_version: int | None, late_reason: str = ""
) -> Completion:
    """Finalise a draft: everything the tool needs must be answered; the result is fixed and recorded in the
    child's chronology on the date the tool was completed (and the family's, when it was completed for the
    whole family), with the late-recording reason when that date is more than the council's late-recording
    days ago. A final completion never changes."""
    locked = _locked(completion, expected_version)
    require(can_record_practice(actor, locked.person, locked.kind), "You cannot record this tool for this child.")
    check_transition(locked.status, Completion.Status.FINAL)
    _check_date(locked.person, locked.completed_on, locked.review_of, late_reason=late_reason, ask_late_reason=True)
    cleaned = _validated(locked.instrument, locked.answers, complete=True)
    _apply(locked, locked.instrument, cleaned)
    locked.status = Completion.Status.FINAL
    locked.finalised_at = clock.now()
    locked.finalised_by = actor
    save_bumped(
        locked, actor=actor, fields=["status", "finalised_at", "finalised_by", "answers", "result", "risk_level"]
    )
    chronology_record(
        actor=actor,
        kind=CHRONOLOGY_KIND[locked.kind],
        summary=_chronology_summary(locked),
        occurred_on=locked.completed_on,
        person=locked.person,
        family=locked.family,
        subject=locked,
        late_reason=(late_reason or "").strip(),
    )
    return locked
