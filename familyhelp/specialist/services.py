"""Every write of the specialist app: the catalogue, referrals and their status moves, contacts and short breaks.

Each status move locks the referral, checks the version the user started from and the move (transitions.py),
sets the status with who and when, and writes the child's chronology event in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from familyhelp.chronology.services import chronology_record
from familyhelp.core.concurrency import save_bumped, save_versioned
from familyhelp.core.effective import check_effective_date, long_date, merge_errors, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, full_clean_or_raise, require
from familyhelp.specialist.models import Service, ServiceContact, ServiceReferral, ShortBreakAdmission
from familyhelp.specialist.permissions import (
    can_coordinate_service,
    can_manage_services,
    can_refer,
    can_withdraw_referral,
)
from familyhelp.specialist.transitions import CLOSED, check_transition

S = ServiceReferral.Status
SERVICE_FIELDS = [
    "name",
    "kind",
    "description",
    "eligibility",
    "min_age",
    "max_age",
    "max_duration_weeks",
    "capacity",
    "capacity_unit",
    "holds_cases",
    "spot_purchase",
    "team",
    "is_active",
]
TEXT_MAX = 5_000


# Labels of the referral's dated steps, as the messages name them ("… must be on or after the date of the
# referral (3 March 2025)").
REQUESTED = "date of the referral"
DECIDED = "date of the decision"
ACCEPTED = "date the referral was accepted"
STARTED = "date the service started"
ENDED = "date the service ended"
SESSION = "date of the session or contact"
ADMITTED = "date of admission"
LEFT = "date the child left"
WITHDRAWN = "date the referral was withdrawn"
PLAN_AGREED = "date the family plan was agreed"


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"Enter {label}", field=field)
    if len(value) > TEXT_MAX:
        raise DomainError(f"{label.capitalize()} must be {TEXT_MAX:,} characters or fewer", field=field)
    return value


# --- the catalogue ----------------------------------------------------------------------------------------
@transaction.atomic
def service_create(*, actor: Any, **fields: Any) -> Service:
    """Add a service to the catalogue."""
    require(can_manage_services(actor))
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    service = Service(**fields, created_by=actor, modified_by=actor)
    full_clean_or_raise(service)
    service.save()
    return service


@transaction.atomic
def service_update(*, actor: Any, service: Service, expected_version: int | None, **fields: Any) -> Service:
    """Change a service of the catalogue (refused if someone else saved it since the version given)."""
    require(can_manage_services(actor))
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    service = Service.objects.select_for_update().get(pk=service.pk)
    for name, value in fields.items():
        setattr(service, name, value)
    full_clean_or_raise(service, exclude=["version"])
    save_versioned(service, actor=actor, expected_version=expected_version, fields=list(fields))
    return service


# --- referrals --------------------------------------------------------------------------------------------
def _locked(referral: ServiceReferral, expected_version: int | None) -> ServiceReferral:
    if expected_version is None:
        raise ConcurrentEditError(
            "The form did not say which version of the referral it changes. Reload and try again."
        )
    locked = ServiceReferral.objects.select_for_update().select_related("service", "person", "case").get(pk=referral.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError()
    return locked


def _event(actor: Any, referral: ServiceReferral, kind: str, summary: str, on: date, late_reason: str = "") -> None:
    chronology_record(
        actor=actor,
        kind=kind,
        summary=summary,
        occurred_on=on,
        person=referral.person,
        subject=referral,
        late_reason=(late_reason or "").strip(),
    )


def eligibility_problem(service: Service, person: Any, on: date) -> str:
    """Why the child is outside the service's age range on the day (empty when eligible or age unknown)."""
    age = person.age_on(on) if hasattr(person, "age_on") else None
    if age is None:
        return ""
    if service.min_age is not None and age < service.min_age:
        return f"{service.name} is for children and young people aged {service.min_age} or over"
    if service.max_age is not None and age > service.max_age:
        return f"{service.name} is for children and young people aged up to {service.max_age}"
    return ""


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    case: Any,
    service: Service,
    reason: str,
    requested_on: date | None = None,
    late_reason: str = "",
) -> ServiceReferral:
    """Refer the child on a case to a specialist service, on the day the referral was made (default today)."""
    require(can_refer(actor, case))
    requested_on, _ = resolve_date(requested_on)
    errors = check_effective_date(
        requested_on,
        field="requested_on",
        label=REQUESTED,
        person=case.person,
        after=[("date the case opened", case.opened_on)],
        late_reason=late_reason,
    )
    if not service.is_active:
        errors.setdefault("service", []).append("This service no longer takes referrals")
    else:
        problem = eligibility_problem(service, case.person, requested_on)
        if problem:
            errors.setdefault("service", []).append(problem)
        elif ServiceReferral.objects.filter(service=service, person=case.person).exclude(status__in=CLOSED).exists():
            errors.setdefault("service", []).append(f"The child already has an open referral to {service.name}")
    try:
        reason = _text(reason, "reason", "the reason for the referral")
    except DomainError as exc:
        merge_errors(errors, exc.errors)
    raise_if(errors)
    referral = ServiceReferral(
        service=service,
        case=case,
        person=case.person,
        reason=reason,
        requested_by=actor,
        requested_on=requested_on,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(referral)
    referral.save()
    _event(actor, referral, "specialist.referral_made", f"Referred to {service.name}", requested_on, late_reason)
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: Any,
    referral: ServiceReferral,
    accept: bool,
    decline_reason: str = "",
    decided_on: date | None = None,
    expected_version: int | None,
    late_reason: str = "",
) -> ServiceReferral:
    """The coordinator accepts a referral (onto the waiting list when the service is full) or declines it,
    on the day it was decided (default today): on or after the date of the referral."""
    from familyhelp.specialist.selectors import capacity_used

    require(can_coordinate_service(actor, referral.service))
    referral = _locked(referral, expected_version)
    decided_on, _ = resolve_date(decided_on)
    errors = check_effective_date(
        decided_on,
        field="decided_on",
        label=DECIDED,
        person=referral.person,
        after=[(REQUESTED, referral.requested_on)],
        late_reason=late_reason,
    )
    if accept:
        new = S.WAITING if capacity_used(referral.service, decided_on).is_full else S.ACCEPTED
    else:
        new = S.DECLINED
        try:
            decline_reason = _text(decline_reason, "decline_reason", "why the referral is declined")
        except DomainError as exc:
            merge_errors(errors, exc.errors)
    check_transition(referral.status, new)
    raise_if(errors)
    referral.status = new
    referral.decided_by = actor
    referral.decided_on = decided_on
    referral.decline_reason = "" if accept else decline_reason
    save_bumped(referral, actor=actor, fields=["status", "decided_by", "decided_on", "decline_reason"])
    service = referral.service.name
    if accept:
        summary = f"{service}: referral accepted" + (
            " (on the waiting list: the service is full)" if new == S.WAITING else ""
        )
        _event(actor, referral, "specialist.referral_accepted", summary, decided_on, late_reason)
    else:
        _event(
            actor,
            referral,
            "specialist.referral_declined",
            f"{service}: referral declined. {decline_reason[:200]}",
            decided_on,
            late_reason,
        )
    return referral


@transaction.atomic
def referral_start(
    *,
    actor: Any,
    referral: ServiceReferral,
    started_on: date | None = None,
    expected_version: int | None,
    late_reason: str = "",
) -> ServiceReferral:
    """The service starts work with the family on the day given (default today): on or after the referral and
    its acceptance. Refused for a case-holding capacity already full on that day."""
    from familyhelp.specialist.selectors import capacity_used

    require(can_coordinate_service(actor, referral.service))
    referral = _locked(referral, expected_version)
    started_on, _ = resolve_date(started_on)
    check_transition(referral.status, S.STARTED)
    raise_if(
        check_effective_date(
            started_on,
            field="started_on",
            label=STARTED,
            person=referral.person,
            after=[(REQUESTED, referral.requested_on), (ACCEPTED, referral.decided_on)],
            late_reason=late_reason,
        )
    )
    # lock the service row: two coordinators starting work at once cannot both take the last place
    service = Service.objects.select_for_update().get(pk=referral.service_id)
    if service.capacity_unit == Service.CapacityUnit.CASES:
        capacity = capacity_used(service, started_on)
        if capacity.is_full:
            raise DomainError(
                f"{service.name} is full ({capacity.used} of {capacity.capacity}): end another piece of work first",
                field="started_on",
            )
    referral.status = S.STARTED
    referral.started_on = started_on
    save_bumped(referral, actor=actor, fields=["status", "started_on"])
    _event(actor, referral, "specialist.referral_started", f"{service.name} started", started_on, late_reason)
    return referral


@transaction.atomic
def referral_end(
    *,
    actor: Any,
    referral: ServiceReferral,
    outcome: str,
    outcome_notes: str = "",
    ended_on: date | None = None,
    expected_version: int | None,
    late_reason: str = "",
) -> ServiceReferral:
    """The service's work ends on the day given (default today), with its outcome: on or after the start and
    the last session or contact recorded."""
    require(can_coordinate_service(actor, referral.service))
    referral = _locked(referral, expected_version)
    ended_on, _ = resolve_date(ended_on)
    check_transition(referral.status, S.ENDED)
    last_session = referral.contacts.order_by("-date").values_list("date", flat=True).first()
    errors = check_effective_date(
        ended_on,
        field="ended_on",
        label=ENDED,
        person=referral.person,
        after=[
            (STARTED, referral.started_on),
            (ACCEPTED, referral.decided_on),
            (REQUESTED, referral.requested_on),
            ("date of the last session or contact", last_session),
        ],
        late_reason=late_reason,
    )
    if outcome not in ServiceReferral.Outcome.values:
        errors.setdefault("outcome", []).append("Select the outcome")
    try:
        outcome_notes = _text(outcome_notes, "outcome_notes", "notes on the outcome", required=False)
    except DomainError as exc:
        merge_errors(errors, exc.errors)
    if (
        "ended_on" not in errors
        and referral.admissions.filter(Q(left_on__isnull=True) | Q(left_on__gt=ended_on)).exists()
    ):
        errors["ended_on"] = ["A short break is still open: record the day the child left first"]
    raise_if(errors)
    referral.status = S.ENDED
    referral.ended_on = ended_on
    referral.ended_by = actor
    referral.outcome = outcome
    referral.outcome_notes = outcome_notes
    save_bumped(referral, actor=actor, fields=["status", "ended_on", "ended_by", "outcome", "outcome_notes"])
    label = ServiceReferral.Outcome(outcome).label.lower()
    _event(
        actor, referral, "specialist.referral_ended", f"{referral.service.name} ended: {label}", ended_on, late_reason
    )
    return referral


@transaction.atomic
def referral_withdraw(
    *,
    actor: Any,
    referral: ServiceReferral,
    reason: str,
    expected_version: int | None,
    withdrawn_on: date | None = None,
    late_reason: str = "",
) -> ServiceReferral:
    """The case side withdraws a referral that has not started, on the day given (default today; the date is
    the chronology event's): on or after the referral and any decision on it."""
    require(can_withdraw_referral(actor, referral))
    referral = _locked(referral, expected_version)
    check_transition(referral.status, S.WITHDRAWN)
    withdrawn_on, _ = resolve_date(withdrawn_on)
    errors = check_effective_date(
        withdrawn_on,
        field="withdrawn_on",
        label=WITHDRAWN,
        person=referral.person,
        after=[(REQUESTED, referral.requested_on), (DECIDED, referral.decided_on)],
        late_reason=late_reason,
    )
    try:
        reason = _text(reason, "reason", "why the referral is withdrawn")
    except DomainError as exc:
        merge_errors(errors, exc.errors)
    raise_if(errors)
    referral.status = S.WITHDRAWN
    referral.withdrawn_reason = reason
    save_bumped(referral, actor=actor, fields=["status", "withdrawn_reason"])
    _event(
        actor,
        referral,
        "specialist.referral_withdrawn",
        f"Referral to {referral.service.name} withdrawn",
        withdrawn_on,
        late_reason,
    )
    return referral


@transaction.atomic
def referral_record_details(
    *,
    actor: Any,
    referral: ServiceReferral,
    expected_version: int | None,
    provider: str = "",
    cost: Decimal | None = None,
    fgc_plan_agreed_on: date | None = None,
    fgc_plan: str = "",
) -> ServiceReferral:
    """The coordinator records a spot purchase (provider, cost) or, for a family group conference, the plan."""
    require(can_coordinate_service(actor, referral.service))
    referral = _locked(referral, expected_version)
    if referral.status not in (S.ACCEPTED, S.WAITING, S.STARTED, S.ENDED):
        raise DomainError("Details can be recorded once the referral is accepted")
    fields: list[str] = []
    if referral.service.spot_purchase:
        referral.provider = _text(provider, "provider", "the provider", required=False)[:200]
        if cost is not None and cost < 0:
            raise DomainError("The cost cannot be negative", field="cost")
        referral.cost = cost
        fields += ["provider", "cost"]
    elif provider or cost is not None:
        raise DomainError("This service is not spot purchased", field="provider")
    if referral.service.kind == Service.Kind.FGC:
        fgc_plan = _text(fgc_plan, "fgc_plan", "the family plan", required=fgc_plan_agreed_on is not None)
        if fgc_plan and fgc_plan_agreed_on is None:
            raise DomainError("Enter the date the family plan was agreed", field="fgc_plan_agreed_on")
        # A detail of the referral, not a reported step of its own (no chronology event): no late reason.
        raise_if(
            check_effective_date(
                fgc_plan_agreed_on,
                field="fgc_plan_agreed_on",
                label=PLAN_AGREED,
                person=referral.person,
                after=[(REQUESTED, referral.requested_on)],
                required=False,
                ask_late_reason=False,
            )
        )
        referral.fgc_plan_agreed_on = fgc_plan_agreed_on
        referral.fgc_plan = fgc_plan
        fields += ["fgc_plan_agreed_on", "fgc_plan"]
    elif fgc_plan or fgc_plan_agreed_on:
        raise DomainError("Only a family group conference records a family plan", field="fgc_plan")
    if not fields:
        raise DomainError("There are no details to record for this service")
    save_bumped(referral, actor=actor, fields=fields)
    return referral


# --- sessions and contacts --------------------------------------------------------------------------------
@transaction.atomic
def contact_record(
    *,
    actor: Any,
    referral: ServiceReferral,
    on: date | None = None,
    kind: str,
    notes: str = "",
    late_reason: str = "",
) -> ServiceContact:
    """The coordinator's team records a session or contact with the family (once the work has started), on the
    day it happened (`on`, the contact's `date`; default today): between the start and the end of the service."""
    require(can_coordinate_service(actor, referral.service))
    referral = ServiceReferral.objects.select_for_update().select_related("service", "person").get(pk=referral.pk)
    if referral.status not in (S.STARTED, S.ENDED):
        raise DomainError("Sessions are recorded once the service has started")
    on, _ = resolve_date(on)
    errors = check_effective_date(
        on,
        field="date",
        label=SESSION,
        person=referral.person,
        after=[(STARTED, referral.started_on)],
        before=[(ENDED, referral.ended_on)],
        late_reason=late_reason,
    )
    if kind not in ServiceContact.Kind.values:
        errors.setdefault("kind", []).append("Select the kind of contact")
    try:
        notes = _text(notes, "notes", "notes", required=False)
    except DomainError as exc:
        merge_errors(errors, exc.errors)
    raise_if(errors)
    contact = ServiceContact(
        referral=referral,
        date=on,
        kind=kind,
        notes=notes,
        by=actor,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(contact)
    contact.save()
    _event(
        actor,
        referral,
        "specialist.session",
        f"{referral.service.name}: {contact.get_kind_display().lower()}",
        on,
        late_reason,
    )
    return contact


# --- short breaks -----------------------------------------------------------------------------------------
@transaction.atomic
def admission_record(
    *,
    actor: Any,
    referral: ServiceReferral,
    admitted_on: date | None = None,
    kind: str,
    left_on: date | None = None,
    late_reason: str = "",
) -> ShortBreakAdmission:
    """A child starts a stay in a short-breaks bed on the day given (default today; on or after the short breaks
    started), and may have left already (`left_on`, on or after admission). Refused when every bed is taken."""
    require(can_coordinate_service(actor, referral.service))
    referral = ServiceReferral.objects.select_for_update().select_related("service", "person").get(pk=referral.pk)
    service = Service.objects.select_for_update().get(pk=referral.service_id)  # one admission at a time per service
    if service.kind != Service.Kind.SHORT_BREAKS:
        raise DomainError("Admissions are recorded for short breaks only")
    if referral.status != S.STARTED:
        raise DomainError("Admissions are recorded once the short breaks have started")
    admitted_on, _ = resolve_date(admitted_on)
    errors = check_effective_date(
        admitted_on,
        field="admitted_on",
        label=ADMITTED,
        person=referral.person,
        after=[(STARTED, referral.started_on)],
        late_reason=late_reason,
    )
    if left_on is not None:
        left_errors = check_effective_date(
            left_on,
            field="left_on",
            label=LEFT,
            person=referral.person,
            after=[(ADMITTED, admitted_on)] if "admitted_on" not in errors else [],
            late_reason=late_reason,
        )
        if "late_reason" in errors:  # one reason covers the stay: ask for it once
            left_errors.pop("late_reason", None)
        merge_errors(errors, left_errors)
    if kind not in ShortBreakAdmission.Kind.values:
        errors.setdefault("kind", []).append("Select the kind of admission")
    raise_if(errors)
    overlapping = ShortBreakAdmission.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=admitted_on))
    if left_on is not None:
        overlapping = overlapping.filter(admitted_on__lt=left_on)
    if overlapping.filter(referral__person_id=referral.person_id).exists():
        raise DomainError("The child already has a short break on these dates", field="admitted_on")
    if service.capacity is not None:
        in_bed = overlapping.filter(referral__service=service, admitted_on__lte=admitted_on).count()
        if in_bed >= service.capacity:
            raise DomainError(
                f"Every bed is taken on {long_date(admitted_on)} ({service.capacity} beds)", field="admitted_on"
            )
    admission = ShortBreakAdmission(
        referral=referral, admitted_on=admitted_on, left_on=left_on, kind=kind, created_by=actor, modified_by=actor
    )
    full_clean_or_raise(admission)
    admission.save()
    summary = f"{service.name}: {admission.get_kind_display().lower()} short break"
    if left_on is not None:
        summary += f" to {long_date(left_on)}"
    _event(actor, referral, "specialist.short_break", summary, admitted_on, late_reason)
    return admission


@transaction.atomic
def admission_leave(
    *,
    actor: Any,
    admission: ShortBreakAdmission,
    left_on: date | None = None,
    expected_version: int | None,
    late_reason: str = "",
) -> ShortBreakAdmission:
    """Record the day the child left the short-break bed (default today): on or after the admission."""
    require(can_coordinate_service(actor, admission.referral.service))
    referral = admission.referral
    if admission.left_on is not None:
        raise DomainError("The child's leaving date is already recorded", field="left_on")
    left_on, _ = resolve_date(left_on)
    raise_if(
        check_effective_date(
            left_on,
            field="left_on",
            label=LEFT,
            person=referral.person,
            after=[(ADMITTED, admission.admitted_on)],
            late_reason=late_reason,
        )
    )
    admission.left_on = left_on
    save_versioned(admission, actor=actor, expected_version=expected_version, fields=["left_on"])
    _event(
        actor,
        referral,
        "specialist.short_break_left",
        f"{referral.service.name}: left the short break that began {long_date(admission.admitted_on)}",
        left_on,
        late_reason,
    )
    return admission
