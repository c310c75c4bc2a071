"""Visits, case notes (with management oversight) and the council's casework policy. Every write is here.

Rules (docs/domain/casework.md, "Visits, case notes and the casework policy"):
- A visit is recorded by someone who may work the case (WORK_CASE, the child in scope, the case open); it is
  dated today or earlier and not before the case opened. "Not seen" needs a reason and does not reset the
  visit clock (familyhelp.casework.visit_clocks).
- Case notes are append-only. A correction is a new note naming the note it corrects; only the note's author
  or a manager may correct it. Management oversight notes are written only by managers (AUTHORISE_CASEWORK).
- The policy is edited by the administrator (MANAGE_CASEWORK) against the version they opened, within the
  ranges below (statutory maxima where the law sets one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from familyhelp.casework.models import Case, CaseNote, CaseworkPolicy, Visit
from familyhelp.casework.permissions import can_authorise_casework, can_manage_casework, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.chronology.services import chronology_record
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import check_effective_date, raise_if
from familyhelp.core.errors import DomainError, full_clean_or_raise, require

NOTE_MAX = 20_000
VISIT_NOTES_MAX = 20_000
REASON_MAX = 500
SUMMARY_MAX = 300

OVERSIGHT = CaseNote.Category.MANAGEMENT_OVERSIGHT


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _lock(case: Case) -> Case:
    """The case row, locked for the rest of the transaction (so a closure cannot interleave)."""
    return Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)


# --- Visits ------------------------------------------------------------------------------------------
@transaction.atomic
def visit_record(
    *,
    actor: Any,
    case: Case,
    visited_on: date | None,
    seen: str,
    not_seen_reason: str = "",
    notes: str = "",
    late_reason: str = "",
) -> Visit:
    """Record a visit to the child: seen alone, seen with others, or not seen (with the reason)."""
    require(can_work_case(actor, case), "You cannot record visits on this case.")
    case = _lock(case)
    require(can_work_case(actor, case), "You cannot record visits on this case.")
    not_seen_reason = (not_seen_reason or "").strip()
    notes = (notes or "").strip()
    errors = check_effective_date(
        visited_on,
        field="visited_on",
        label="date of the visit",
        person=case.person,
        not_before=case.opened_on,
        not_before_label=f"date the case opened ({case.opened_on:%-d %B %Y})",
        late_reason=late_reason,
    )
    if seen not in Visit.Seen.values:
        errors.setdefault("seen", []).append("Select whether the child was seen alone, seen with others, or not seen")
    elif seen == Visit.Seen.NOT_SEEN and not not_seen_reason:
        errors.setdefault("not_seen_reason", []).append("Enter why the child was not seen")
    if seen != Visit.Seen.NOT_SEEN:
        not_seen_reason = ""
    if len(not_seen_reason) > REASON_MAX:
        errors.setdefault("not_seen_reason", []).append(f"The reason must be {REASON_MAX} characters or fewer")
    if len(notes) > VISIT_NOTES_MAX:
        errors.setdefault("notes", []).append(f"The notes must be {VISIT_NOTES_MAX:,} characters or fewer")
    raise_if(errors)
    assert visited_on is not None
    visit = Visit(
        case=case,
        person=case.person,
        visited_on=visited_on,
        seen=seen,
        not_seen_reason=not_seen_reason,
        notes=notes,
        visited_by=actor,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(visit)
    visit.save()
    summary = f"Visit: {visit.get_seen_display().lower()}"
    if seen == Visit.Seen.NOT_SEEN:
        summary += f". Reason: {_summary(not_seen_reason)}"
    chronology_record(
        actor=actor,
        kind="casework.visit",
        summary=summary,
        occurred_on=visited_on,
        person=case.person,
        subject=visit,
        late_reason=(late_reason or "").strip(),
    )
    return visit


# --- Case notes --------------------------------------------------------------------------------------
def can_write_note(user: Any, case: Case, category: str = "") -> bool:
    """Practitioners and managers who may work the case; oversight only managers who may authorise."""
    if not can_work_case(user, case):
        return False
    return category != OVERSIGHT or can_authorise_casework(user, case)


def can_correct_note(user: Any, note: CaseNote) -> bool:
    """The note's author, or a manager; a correction of an oversight note is itself oversight."""
    if not can_write_note(user, note.case, note.category):
        return False
    return note.created_by_id == getattr(user, "pk", None) or can_authorise_casework(user, note.case)


@transaction.atomic
def case_note_record(
    *,
    actor: Any,
    case: Case,
    category: str,
    occurred_on: date | None,
    text: str,
    corrects: CaseNote | None = None,
    late_reason: str = "",
) -> CaseNote:
    """Add a case note (append-only). A correction names the earlier note it corrects, in the same category."""
    require(can_work_case(actor, case), "You cannot write notes on this case.")
    case = _lock(case)
    require(can_work_case(actor, case), "You cannot write notes on this case.")
    if corrects is not None:
        if corrects.case_id != case.pk:
            raise DomainError("The note being corrected is on another case", field="corrects")
        category = corrects.category
        require(can_correct_note(actor, corrects), "Only the note's author or a manager can correct it.")
    if category == OVERSIGHT:
        require(can_authorise_casework(actor, case), "Only managers can write management oversight.")
    text = (text or "").strip()
    errors = check_effective_date(
        occurred_on,
        field="occurred_on",
        label="date of what the note records",
        person=case.person,
        not_before=case.opened_on,
        not_before_label=f"date the case opened ({case.opened_on:%-d %B %Y})",
        late_reason=late_reason,
    )
    if category not in CaseNote.Category.values:
        errors.setdefault("category", []).append("Select the kind of note")
    if not text:
        errors.setdefault("text", []).append("Enter the note")
    elif len(text) > NOTE_MAX:
        errors.setdefault("text", []).append(f"The note must be {NOTE_MAX:,} characters or fewer")
    raise_if(errors)
    assert occurred_on is not None
    note = CaseNote(
        case=case,
        person=case.person,
        category=category,
        occurred_on=occurred_on,
        text=text,
        corrects=corrects,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(note)
    note.save()
    label = note.get_category_display()
    prefix = f"{label} (correcting the note of {corrects.occurred_on:%-d %B %Y})" if corrects else label
    chronology_record(
        actor=actor,
        kind="casework.management_oversight" if category == OVERSIGHT else "casework.note",
        summary=f"{prefix}: {_summary(text)}",
        occurred_on=occurred_on,
        person=case.person,
        subject=note,
        late_reason=(late_reason or "").strip(),
    )
    return note


# --- Casework policy ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    label: str
    low: int
    high: int
    unit: str


VISIT_KINDS = ["assessment", "family_support", "cin", "cp", "lac"]
KIND_LABELS = {
    "assessment": "Assessment (no plan yet)",
    "family_support": "Family support plan",
    "cin": "Child in need plan",
    "cp": "Child protection plan",
    "lac": "Looked after (care plan)",
}
VISIT_LIMIT = Limit("Visit frequency", 1, 65, "working days")
WEIGHT_LOW, WEIGHT_HIGH = Decimal("0.1"), Decimal("10")
# The statutory maxima (Working Together 2023; IRO handbook) are the upper bounds: a council may be stricter.
CLOCK_LIMITS: dict[str, Limit] = {
    "single_assessment_days": Limit("Single assessment", 1, 45, "working days"),
    "family_support_assessment_days": Limit("Family support assessment", 1, 65, "working days"),
    "icpc_days": Limit("Initial child protection conference", 1, 15, "working days"),
    "cp_first_review_months": Limit("First child protection review", 1, 3, "months"),
    "cp_review_months": Limit("Later child protection reviews", 1, 6, "months"),
    "cin_review_months": Limit("Child in need plan reviews", 1, 6, "months"),
    "family_support_review_months": Limit("Family support plan reviews", 1, 6, "months"),
    "lac_first_review_days": Limit("First looked-after review", 1, 20, "working days"),
}
FLAGS = ("family_help_holds_cin", "allow_self_authorisation")
POLICY_FIELDS = {*CLOCK_LIMITS, *FLAGS, "visit_working_days", "caseload_weights"}


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _check_kinds(value: Any, field: str, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        errors.setdefault(field, []).append("Give a value for each kind of case")
        return None
    unknown = sorted(set(value) - set(VISIT_KINDS))
    if unknown:
        errors.setdefault(field, []).append(f"Unknown kinds of case: {', '.join(map(str, unknown))}")
        return None
    return value


def _clean_visits(value: Any, errors: dict[str, list[str]]) -> dict[str, int]:
    given = _check_kinds(value, "visit_working_days", errors)
    out: dict[str, int] = {}
    for kind, raw in (given or {}).items():
        n = _whole_number(raw)
        key = f"visit_working_days.{kind}"
        if n is None:
            errors.setdefault(key, []).append(f"{KIND_LABELS[kind]}: enter a whole number of working days")
        elif not VISIT_LIMIT.low <= n <= VISIT_LIMIT.high:
            errors.setdefault(key, []).append(
                f"{KIND_LABELS[kind]}: visits must be every {VISIT_LIMIT.low} to {VISIT_LIMIT.high} working days"
            )
        else:
            out[kind] = n
    return out


def _clean_weights(value: Any, errors: dict[str, list[str]]) -> dict[str, float]:
    given = _check_kinds(value, "caseload_weights", errors)
    out: dict[str, float] = {}
    for kind, raw in (given or {}).items():
        key = f"caseload_weights.{kind}"
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            weight = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors.setdefault(key, []).append(f"{KIND_LABELS[kind]}: enter the weight as a number, like 1.5")
            continue
        if not weight.is_finite() or not WEIGHT_LOW <= weight <= WEIGHT_HIGH:
            errors.setdefault(key, []).append(f"{KIND_LABELS[kind]}: the weight must be between 0.1 and 10")
        elif weight != weight.quantize(Decimal("0.01")):
            errors.setdefault(key, []).append(f"{KIND_LABELS[kind]}: use at most 2 decimal places")
        else:
            out[kind] = float(weight)
    return out


@transaction.atomic
def casework_policy_update(*, actor: Any, expected_version: int | None, **fields: Any) -> CaseworkPolicy:
    """Change the council's casework policy (administrators), refusing an edit of a stale version.

    Visit frequencies and caseload weights are merged into the stored values by kind of case.
    """
    require(can_manage_casework(actor), "Only the casework administrator can change the casework policy.")
    unknown = set(fields) - POLICY_FIELDS
    if unknown:
        raise DomainError(f"Unknown policy settings: {', '.join(sorted(unknown))}")
    policy = casework_policy()
    errors: dict[str, list[str]] = {}
    for name, limit in CLOCK_LIMITS.items():
        if name not in fields:
            continue
        n = _whole_number(fields[name])
        if n is None:
            errors.setdefault(name, []).append(f"{limit.label}: enter a whole number of {limit.unit}")
        elif not limit.low <= n <= limit.high:
            errors.setdefault(name, []).append(
                f"{limit.label}: must be between {limit.low} and {limit.high} {limit.unit}"
            )
        else:
            setattr(policy, name, n)
    for name in FLAGS:
        if name in fields:
            if not isinstance(fields[name], bool):
                errors.setdefault(name, []).append("Choose yes or no")
            else:
                setattr(policy, name, fields[name])
    if "visit_working_days" in fields:
        visits = _clean_visits(fields["visit_working_days"], errors)
        policy.visit_working_days = {**CaseworkPolicy.DEFAULT_VISITS, **(policy.visit_working_days or {}), **visits}
    if "caseload_weights" in fields:
        weights = _clean_weights(fields["caseload_weights"], errors)
        policy.caseload_weights = {**CaseworkPolicy.DEFAULT_WEIGHTS, **(policy.caseload_weights or {}), **weights}
    raise_if(errors)
    full_clean_or_raise(policy)
    save_versioned(policy, actor=actor, expected_version=expected_version, fields=sorted(fields))
    return policy


def policy_rows(policy: CaseworkPolicy) -> list[dict[str, Any]]:
    """Visit frequency and caseload weight per kind of case, for pages."""
    return [
        {"kind": k, "label": KIND_LABELS[k], "visit_days": policy.visit_days(k), "weight": policy.weight(k)}
        for k in VISIT_KINDS
    ]
