"""Front-door work: record contacts, identify the child, ask partners for checks, propose and authorise
threshold decisions, and tell the referrer. Every write is atomic and checks permission again.

See docs/domain/front-door.md for the states and clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhelp.accounts import roles
from familyhelp.accounts.models import Notification, User
from familyhelp.accounts.permissions import has_verb
from familyhelp.chronology.services import chronology_record
from familyhelp.core import calendar, clock, notify
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import (
    check_effective_date,
    late_recording_days,
    merge_errors,
    raise_if,
    resolve_date,
    resolve_datetime,
)
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError, full_clean_or_raise, require
from familyhelp.core.sequences import next_value
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor.models import (
    CheckType,
    Contact,
    ContactPerson,
    FrontDoorPolicy,
    PartnerCheck,
    ThresholdDecision,
    ThresholdDocument,
    ThresholdLevel,
)
from familyhelp.frontdoor.permissions import (
    can_authorise,
    can_override_checks,
    can_propose,
    can_view_contact,
    can_work_contact,
)
from familyhelp.organisation.models import PartnerAgency
from familyhelp.people import identifiers
from familyhelp.people.codes import (
    EXPLOITATION_FACTORS,
    AssessmentFactor,
    PrimaryNeed,
    ReferralSource,
)
from familyhelp.people.models import Person, ProfessionalInvolvement

# Which CIN referral source a partner agency's referral form uses by default.
SOURCE_FOR_AGENCY = {
    PartnerAgency.Kind.POLICE: ReferralSource.S6,
    PartnerAgency.Kind.SCHOOL: ReferralSource.S2A,
    PartnerAgency.Kind.EDUCATION: ReferralSource.S2B,
    PartnerAgency.Kind.HEALTH: ReferralSource.S3F,
    PartnerAgency.Kind.HOUSING: ReferralSource.S4,
    PartnerAgency.Kind.YOUTH_OFFENDING: ReferralSource.S7,
    PartnerAgency.Kind.PROBATION: ReferralSource.S7,
    PartnerAgency.Kind.VOLUNTARY: ReferralSource.S8,
    PartnerAgency.Kind.OTHER: ReferralSource.S8,
}

# Which levels each outcome may be decided at (docs/domain/front-door.md).
OUTCOME_LEVELS: dict[str, set[int]] = {
    ThresholdDecision.Outcome.NFA: {1, 2, 3, 4},
    ThresholdDecision.Outcome.ADVICE: {1, 2},
    ThresholdDecision.Outcome.SIGNPOST: {1, 2},
    ThresholdDecision.Outcome.FAMILY_SUPPORT: {3},
    ThresholdDecision.Outcome.SINGLE_ASSESSMENT: {4},
    ThresholdDecision.Outcome.STRATEGY_DISCUSSION: {4},
    ThresholdDecision.Outcome.OPEN_CASE: {3, 4},
}
FACTOR_CODES = {c.value for c in AssessmentFactor}


def contact_reference(number: int) -> str:
    return f"C{number:07d}"


# --- Effective dates (docs/domain/front-door.md, "When each step happened") -------------------------------
# The front-door clock runs in hours, so its steps carry date-times: contact received <= checks requested <=
# checks answered, and contact received <= decision proposed <= authorised <= case opening. Every step
# defaults to now, goes through core.effective (not in the future, not before the child's birth, not before
# the steps it follows, a reason when recorded late) and is refused with nothing written when it breaks one.
RECEIVED = "date and time the contact was received"
REQUESTED = "date and time the checks were requested"
ANSWERED = "date and time the agency answered"
PROPOSED = "date and time the decision was proposed"
AUTHORISED = "date and time the decision was authorised"
RETURNED = "date and time the decision was returned"
CASE_OPENED = "date the case opened"
REFERRAL = "referral date"
FUTURE_TOLERANCE = timedelta(minutes=5)  # a clock a few minutes ahead of the server's is not the future


def _minute(value: datetime | None) -> datetime | None:
    """A stored time to the minute: the pages take hours and minutes, so a step entered in the same minute as
    the one before it is not "before" it."""
    return value.replace(second=0, microsecond=0) if value is not None else None


def _local_day(value: datetime) -> date:
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def _local_time(value: datetime) -> Any:
    return timezone.localtime(value).time().replace(second=0, microsecond=0) if timezone.is_aware(value) else None


# --- Policy and clocks ------------------------------------------------------------------------------
def policy_get() -> FrontDoorPolicy:
    """The council's front-door policy (created with defaults if missing)."""
    policy = FrontDoorPolicy.objects.order_by("created_at").first()
    if policy is None:
        policy = FrontDoorPolicy.objects.create()
    return policy


def decision_due_at(received_at: datetime, policy: FrontDoorPolicy | None = None) -> datetime:
    """When a decision on a contact received at `received_at` is due (office hours on working days)."""
    policy = policy or policy_get()
    if policy.decision_clock_unit == FrontDoorPolicy.ClockUnit.HOURS:
        return calendar.add_working_hours(received_at, policy.decision_clock_amount)
    return calendar.add_working_days_at(received_at, policy.decision_clock_amount)


def threshold_document_in_force(on: date | None = None) -> ThresholdDocument:
    """The published threshold document in force on a day (the newest whose start is on or before it)."""
    on = on or clock.today()
    published = ThresholdDocument.objects.filter(status=ThresholdDocument.Status.PUBLISHED)
    document = published.filter(in_force_from__lte=on).order_by("-in_force_from", "-number").first()
    document = document or published.order_by("in_force_from", "number").first()
    if document is None:
        raise DomainError("There is no published threshold document: an administrator must publish one first")
    return document


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_referral(person: Person, before: date) -> date | None:
    """The child's latest referral to social care in the 12 months before `before` (DfE re-referral)."""
    from familyhelp.casework.models import CINEpisode

    found = (
        CINEpisode.objects.filter(person=person, referral_date__lt=before, referral_date__gte=_year_before(before))
        .order_by("-referral_date")
        .values_list("referral_date", flat=True)
        .first()
    )
    return found


# --- Recording contacts ------------------------------------------------------------------------------
@dataclass
class ChildAsGiven:
    """A child as the referrer described them (before the front door finds their record)."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    school: str = ""

    def is_empty(self) -> bool:
        return not (self.given_names.strip() or self.family_name.strip() or self.date_of_birth)


def _check_contact_values(values: dict[str, Any], children: list[ChildAsGiven]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not children or all(c.is_empty() for c in children):
        add("child_given_names", "Enter the child's name or date of birth")
    for i, child in enumerate(children):
        prefix = "" if i == 0 else f"child_{i + 1}_"
        if child.date_of_birth and child.date_of_birth > clock.today():
            add(f"{prefix}child_date_of_birth" if i else "child_date_of_birth", "Date of birth must be in the past")
        if child.postcode:
            try:
                child.postcode = identifiers.clean_postcode(child.postcode)
            except ValueError as exc:
                add(f"{prefix}child_postcode" if i else "child_postcode", str(exc))
    received_at = values["received_at"]
    if received_at <= clock.now() + FUTURE_TOLERANCE:
        received_at = min(received_at, clock.now())
    # Not before any child's date of birth as the referrer gave it (a future one is refused above).
    born = [c for c in children if c.date_of_birth and c.date_of_birth <= clock.today()]
    youngest_first = sorted(born, key=lambda c: c.date_of_birth or date.min, reverse=True)
    youngest = SimpleNamespace(date_of_birth=youngest_first[0].date_of_birth) if youngest_first else None
    merge_errors(
        errors,
        check_effective_date(
            received_at, field="received_at", label=RECEIVED, person=youngest, late_reason=values["late_reason"]
        ),
    )
    if not (values.get("concerns") or "").strip():
        add("concerns", "Enter the concerns in the referrer's words")
    if values.get("referral_source") not in {c.value for c in ReferralSource}:
        add("referral_source", "Choose where the contact came from")
    unknown = set(values.get("factors") or []) - FACTOR_CODES
    if unknown:
        add("factors", f"Choose factors from the list (not {', '.join(sorted(unknown))})")
    consent = values.get("consent")
    if consent not in {c.value for c in Contact.Consent}:
        add("consent", "Say whether the family consented to the referral")
    elif consent != Contact.Consent.GIVEN and not (values.get("lawful_basis") or "").strip():
        add("lawful_basis", "Enter the lawful basis for sharing information without consent")
    if values.get("urgency") not in {c.value for c in Contact.Urgency}:
        add("urgency", "Choose how urgent the contact is")
    if values.get("kind") not in {c.value for c in Contact.Kind}:
        add("kind", "Choose the kind of contact")
    return errors


@transaction.atomic
def contact_create(
    *,
    actor: Any,
    children: list[ChildAsGiven],
    received_at: datetime | None = None,
    referral_source: str,
    concerns: str,
    consent: str,
    urgency: str = Contact.Urgency.ROUTINE,
    kind: str = Contact.Kind.CONTACT,
    factors: list[str] | None = None,
    lawful_basis: str = "",
    others_concerned: str = "",
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_agency: PartnerAgency | None = None,
    referrer_agency_name: str = "",
    referrer_email: str = "",
    referrer_phone: str = "",
    via: str = Contact.Via.FRONT_DOOR,
    submitted_by: Any = None,
    late_reason: str = "",
) -> list[Contact]:
    """Record a contact: one per child named, linked as siblings. Starts the decision clock.

    `received_at` (default now) is when the contact arrived: not in the future, not before a child's date of
    birth as given, and with `late_reason` when it is older than the council's late-recording days (kept on
    the contact and shown on its chronology event when the child is identified).
    """
    if via == Contact.Via.PARTNER_FORM:
        require(has_verb(actor, roles.SUBMIT_REFERRAL), "Your role cannot submit referrals.")
    else:
        require(has_verb(actor, roles.ADD_CONTACT), "Your role cannot record contacts.")
    factors = sorted(set(factors or []))
    if consent == Contact.Consent.GIVEN:
        lawful_basis = ""
    received_at, _ = resolve_datetime(received_at)
    late_reason = (late_reason or "").strip()
    values = {
        "received_at": received_at,
        "late_reason": late_reason,
        "referral_source": referral_source,
        "concerns": concerns,
        "consent": consent,
        "urgency": urgency,
        "kind": kind,
        "factors": factors,
        "lawful_basis": lawful_basis,
    }
    children = [c for c in children if not c.is_empty()] or children
    raise_if(_check_contact_values(values, children))
    policy = policy_get()
    due = decision_due_at(received_at, policy)
    first_number = next_value("contact", count=len(children))
    created: list[Contact] = []
    group = None
    for offset, child in enumerate(children):
        contact = Contact(
            reference=contact_reference(first_number + offset),
            via=via,
            submitted_by=submitted_by,
            child_given_names=child.given_names.strip(),
            child_family_name=child.family_name.strip(),
            child_date_of_birth=child.date_of_birth,
            child_address=child.address.strip(),
            child_postcode=child.postcode,
            child_school=child.school.strip(),
            others_concerned=others_concerned.strip(),
            referrer_name=referrer_name.strip(),
            referrer_role=referrer_role.strip(),
            referrer_agency=referrer_agency,
            referrer_agency_name=referrer_agency_name.strip(),
            referrer_email=referrer_email.strip(),
            referrer_phone=referrer_phone.strip(),
            concerns=concerns.strip(),
            lawful_basis=lawful_basis.strip(),
            decision_due_at=due,
            received_late_reason=late_reason,
            created_by=actor,
            modified_by=actor,
            **{k: values[k] for k in ("received_at", "referral_source", "consent", "urgency", "kind", "factors")},
        )
        if group is not None:
            contact.sibling_group = group
        group = contact.sibling_group
        full_clean_or_raise(contact, exclude=["child"])
        contact.save()
        if set(factors) & EXPLOITATION_FACTORS:
            _request_screening(actor, contact)
        _refresh_status(contact)
        created.append(contact)
    return created


@transaction.atomic
def referral_submit(*, actor: Any, children: list[ChildAsGiven], **values: Any) -> list[Contact]:
    """A partner's referral form: the referrer is the signed-in partner user and their agency."""
    require(has_verb(actor, roles.SUBMIT_REFERRAL), "Your role cannot submit referrals.")
    agency = getattr(actor, "partner_agency", None)
    if agency is None:
        raise ForbiddenError("Your account is not linked to a partner agency.")
    values.setdefault("referral_source", SOURCE_FOR_AGENCY.get(agency.kind, ReferralSource.S8))
    return contact_create(
        actor=actor,
        children=children,
        received_at=clock.now(),
        via=Contact.Via.PARTNER_FORM,
        submitted_by=actor,
        referrer_name=actor.get_full_name() or actor.username,
        referrer_role=values.pop("referrer_role", ""),
        referrer_agency=agency,
        referrer_email=actor.email or "",
        referrer_phone=getattr(actor, "phone", "") or "",
        **values,
    )


def _request_screening(actor: Any, contact: Contact) -> None:
    """Criminal exploitation considered: the Youth Offending Service screens the contact (required), asked
    for when the contact arrived."""
    now = contact.received_at
    for check_type in CheckType.objects.filter(screens_exploitation=True, is_active=True):
        PartnerCheck.objects.get_or_create(
            contact=contact,
            check_type=check_type,
            defaults={
                "required": True,
                "is_screening": True,
                "requested_at": now,
                "due_at": calendar.add_working_hours(now, check_type.due_hours),
                "created_by": actor,
                "modified_by": actor,
            },
        )


def _locked(contact: Contact) -> Contact:
    """The stored contact, locked for this transaction (PostgreSQL row lock; SQLite's write lock)."""
    return Contact.objects.select_for_update(of=("self",)).select_related("child").get(pk=contact.pk)


def _refresh_status(contact: Contact) -> None:
    """Work out where the contact is in its journey from what has happened to it."""
    if contact.decided_at is not None:
        status = Contact.Status.DECIDED
    elif contact.decisions.filter(status=ThresholdDecision.Status.PROPOSED).exists():
        status = Contact.Status.AWAITING_AUTHORISATION
    elif contact.checks.filter(status=PartnerCheck.Status.REQUESTED).exists():
        status = Contact.Status.AWAITING_CHECKS
    elif contact.child_id is not None:
        status = Contact.Status.AWAITING_DECISION
    else:
        status = Contact.Status.NEW
    if contact.status != status:
        contact.status = status
        Contact.objects.filter(pk=contact.pk).update(status=status)


def _bump(contact: Contact, actor: Any, expected_version: int | None) -> None:
    """Refuse a stale form: every change to a contact's work names the version it started from."""
    if expected_version is not None and contact.version != expected_version:
        raise ConcurrentEditError(
            "Someone else worked on this contact after you opened it. Nothing was saved: reload the contact "
            "to see what changed, then try again."
        )
    contact.version += 1
    contact.modified_by = actor
    contact.modified_at = clock.now()
    Contact.objects.filter(pk=contact.pk).update(
        version=contact.version, modified_by=actor, modified_at=contact.modified_at
    )


@transaction.atomic
def contact_identify_child(
    *, actor: Any, contact: Contact, person: Person, expected_version: int | None = None
) -> Contact:
    """Match the contact to the child's record: flags a re-referral and starts the child's chronology entry."""
    contact = _locked(contact)
    require(can_work_contact(actor, contact), "You cannot work on this contact.")
    if person.kind != Person.Kind.CHILD:
        raise DomainError("Choose a child's record: this record is an adult's", field="person")
    if person.merged_into_id:
        raise DomainError("This record was merged into another: choose the surviving record", field="person")
    if ContactPerson.objects.filter(contact=contact, person=person).exists():
        raise DomainError("This person is already recorded as a family member on this contact", field="person")
    _bump(contact, actor, expected_version)
    received_on = timezone.localdate(contact.received_at)
    previous = previous_referral(person, received_on)
    contact.child = person
    contact.child_identified_at = clock.now()
    contact.child_identified_by = actor
    contact.is_rereferral = previous is not None
    contact.previous_referral_date = previous
    contact.save(
        update_fields=[
            "child",
            "child_identified_at",
            "child_identified_by",
            "is_rereferral",
            "previous_referral_date",
        ]
    )
    chronology_record(
        actor=actor,
        kind="frontdoor.contact",
        summary=f"{contact.get_kind_display()} {contact.reference} from {contact.referrer_display}",
        occurred_on=received_on,
        occurred_time=timezone.localtime(contact.received_at).time().replace(second=0, microsecond=0),
        person=person,
        subject=contact,
        late_reason=(
            f"{contact.received_late_reason} (recorded when the front door matched the contact to this record)"
            if contact.received_late_reason
            else "Recorded when the front door matched the contact to this record"
            if (clock.today() - received_on).days > late_recording_days()
            else ""
        ),
    )
    if contact.submitted_by_id and not ProfessionalInvolvement.objects.filter(
        person=person, worker_id=contact.submitted_by_id, role=ProfessionalInvolvement.Role.REFERRER
    ).exists():
        # The referrer may then see the little the referral form lets them see about this child.
        ProfessionalInvolvement.objects.create(
            person=person,
            role=ProfessionalInvolvement.Role.REFERRER,
            worker_id=contact.submitted_by_id,
            agency=contact.referrer_agency,
            start_date=received_on,
            created_by=actor,
            modified_by=actor,
        )
    _refresh_status(contact)
    return contact


@transaction.atomic
def contact_add_person(
    *, actor: Any, contact: Contact, person: Person, relationship: str, expected_version: int | None = None
) -> ContactPerson:
    """Record a family member or other person the contact concerns."""
    contact = _locked(contact)
    require(can_work_contact(actor, contact), "You cannot work on this contact.")
    relationship = (relationship or "").strip()
    if not relationship:
        raise DomainError("Enter how this person is related to the child", field="relationship")
    if contact.child_id == person.pk:
        raise DomainError("This is the child the contact is about", field="person")
    if ContactPerson.objects.filter(contact=contact, person=person).exists():
        raise DomainError("This person is already on this contact", field="person")
    _bump(contact, actor, expected_version)
    return ContactPerson.objects.create(
        contact=contact, person=person, relationship=relationship[:100], created_by=actor, modified_by=actor
    )


@transaction.atomic
def contact_add_sibling(
    *, actor: Any, contact: Contact, child: ChildAsGiven, expected_version: int | None = None, late_reason: str = ""
) -> Contact:
    """Another child in the family the same concerns are about: a linked contact of its own, received when the
    first was (so, when that is long ago, it is recorded late: the reason says it was added to that contact)."""
    contact = _locked(contact)
    require(has_verb(actor, roles.ADD_CONTACT) and can_view_contact(actor, contact), "You cannot add to this contact.")
    if child.is_empty():
        raise DomainError("Enter the child's name or date of birth", field="child_given_names")
    _bump(contact, actor, expected_version)
    (sibling,) = contact_create(
        actor=actor,
        children=[child],
        received_at=contact.received_at,
        referral_source=contact.referral_source,
        concerns=contact.concerns,
        consent=contact.consent,
        urgency=contact.urgency,
        kind=contact.kind,
        factors=list(contact.factors),
        lawful_basis=contact.lawful_basis,
        others_concerned=contact.others_concerned,
        referrer_name=contact.referrer_name,
        referrer_role=contact.referrer_role,
        referrer_agency=contact.referrer_agency,
        referrer_agency_name=contact.referrer_agency_name,
        referrer_email=contact.referrer_email,
        referrer_phone=contact.referrer_phone,
        via=Contact.Via.FRONT_DOOR,
        submitted_by=contact.submitted_by,
        late_reason=(late_reason or "").strip()
        or f"Another child named in contact {contact.reference}, added after it was recorded",
    )
    Contact.objects.filter(pk=sibling.pk).update(sibling_group=contact.sibling_group)
    sibling.sibling_group = contact.sibling_group
    return sibling


# --- Partner checks ----------------------------------------------------------------------------------
@transaction.atomic
def checks_request(
    *,
    actor: Any,
    contact: Contact,
    check_types: list[CheckType],
    required: list[CheckType] | None = None,
    expected_version: int | None = None,
    requested_at: datetime | None = None,
    late_reason: str = "",
) -> list[PartnerCheck]:
    """Ask partner agencies for what they know. Each check has a due time in office hours from `requested_at`
    (default now; on or after the contact was received; `late_reason` when recorded late)."""
    contact = _locked(contact)
    require(can_work_contact(actor, contact), "You cannot work on this contact.")
    if not check_types:
        raise DomainError("Choose at least one agency to ask", field="check_types")
    inactive = [c.name for c in check_types if not c.is_active]
    if inactive:
        raise DomainError(f"These checks are no longer offered: {', '.join(inactive)}", field="check_types")
    existing = set(contact.checks.values_list("check_type_id", flat=True))
    again = [c.name for c in check_types if c.pk in existing]
    if again:
        raise DomainError(f"Already requested: {', '.join(again)}", field="check_types")
    now, _ = resolve_datetime(requested_at)
    late_reason = (late_reason or "").strip()
    raise_if(
        check_effective_date(
            now,
            field="requested_at",
            label=REQUESTED,
            person=contact.child,
            after=[(RECEIVED, _minute(contact.received_at))],
            before=[(AUTHORISED, contact.decided_at)],
            late_reason=late_reason,
        )
    )
    _bump(contact, actor, expected_version)
    if required is None:
        required = [c for c in check_types if c.required_by_default]
    required_ids = {c.pk for c in required}
    created = [
        PartnerCheck.objects.create(
            contact=contact,
            check_type=check_type,
            required=check_type.pk in required_ids,
            requested_at=now,
            due_at=calendar.add_working_hours(now, check_type.due_hours),
            requested_late_reason=late_reason,
            created_by=actor,
            modified_by=actor,
        )
        for check_type in check_types
    ]
    _refresh_status(contact)
    return created


@transaction.atomic
def check_record_response(
    *,
    actor: Any,
    check: PartnerCheck,
    information: str,
    rag: str,
    provided_by_name: str,
    expected_version: int | None,
    returned_at: datetime | None = None,
    late_reason: str = "",
) -> PartnerCheck:
    """Record what an agency told the front door, with its RAG rating and who provided it. `returned_at`
    (default now) is when the agency answered: on or after the check was requested."""
    contact = _locked(check.contact)
    require(can_work_contact(actor, contact), "You cannot work on this contact.")
    errors: dict[str, list[str]] = {}
    if not (information or "").strip():
        errors["information"] = ["Enter the information the agency gave (or that they hold nothing)"]
    if rag not in {c.value for c in PartnerCheck.Rag}:
        errors["rag"] = ["Choose a RAG rating"]
    if not (provided_by_name or "").strip():
        errors["provided_by_name"] = ["Enter who provided the information"]
    answered, _ = resolve_datetime(returned_at)
    late_reason = (late_reason or "").strip()
    merge_errors(
        errors,
        check_effective_date(
            answered,
            field="returned_at",
            label=ANSWERED,
            person=contact.child,
            after=[(REQUESTED, _minute(check.requested_at))],
            late_reason=late_reason,
        ),
    )
    raise_if(errors)
    check.information = information.strip()
    check.rag = rag
    check.provided_by_name = provided_by_name.strip()
    check.status = PartnerCheck.Status.RETURNED
    check.returned_at = answered
    check.returned_late_reason = late_reason
    save_versioned(
        check,
        actor=actor,
        expected_version=expected_version,
        fields=["information", "rag", "provided_by_name", "status", "returned_at", "returned_late_reason"],
    )
    _refresh_status(contact)
    return check


def outstanding_required_checks(contact: Contact) -> list[PartnerCheck]:
    return list(
        contact.checks.filter(required=True, status=PartnerCheck.Status.REQUESTED).select_related("check_type")
    )


def _checks_gate(actor: Any, contact: Contact, override_reason: str) -> tuple[str, Any]:
    """Refuse to decide while required checks are out, unless a manager overrides with a reason."""
    waiting = outstanding_required_checks(contact)
    if not waiting:
        return "", None
    names = ", ".join(f"{c.check_type.name} (due {timezone.localtime(c.due_at):%d/%m/%Y %H:%M})" for c in waiting)
    override_reason = (override_reason or "").strip()
    if not override_reason:
        if can_override_checks(actor):
            message = f"Required checks are not back yet: {names}. Wait for them, or give a reason to go ahead now"
        else:
            message = f"Required checks are not back yet: {names}. Wait for them, or ask a manager to override"
        raise DomainError(message, field="checks_override_reason")
    if not can_override_checks(actor):
        raise DomainError(
            "Only a manager can decide before the required checks are back", field="checks_override_reason"
        )
    if len(override_reason) < 10:
        raise DomainError("Explain why the decision cannot wait for the checks (at least 10 characters)",
                          field="checks_override_reason")
    return override_reason, actor


# --- Threshold decisions -----------------------------------------------------------------------------
def _check_decision(values: dict[str, Any], contact: Contact) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    level, outcome = values.get("level"), values.get("outcome")
    if level not in {lv.value for lv in ThresholdLevel.Level}:
        add("level", "Choose the level of need")
    if outcome not in OUTCOME_LEVELS:
        add("outcome", "Choose the outcome")
    elif level in {lv.value for lv in ThresholdLevel.Level} and level not in OUTCOME_LEVELS[outcome]:
        allowed = " or ".join(str(lv) for lv in sorted(OUTCOME_LEVELS[outcome]))
        add("outcome", f"'{ThresholdDecision.Outcome(outcome).label}' is a level {allowed} outcome, not level {level}")
    if not (values.get("rationale") or "").strip():
        add("rationale", "Explain the decision against the threshold document")
    makes_referral = outcome in (
        ThresholdDecision.Outcome.SINGLE_ASSESSMENT,
        ThresholdDecision.Outcome.STRATEGY_DISCUSSION,
    )
    need = values.get("primary_need") or ""
    if makes_referral and need not in {c.value for c in PrimaryNeed}:
        add("primary_need", "Choose the child's primary need (CIN code) for a referral to social care")
    if outcome == ThresholdDecision.Outcome.SIGNPOST and values.get("local_service") is None:
        add("local_service", "Choose the service the family is signposted to")
    needs_child = outcome in (ThresholdDecision.Outcome.FAMILY_SUPPORT, ThresholdDecision.Outcome.OPEN_CASE)
    if (needs_child or makes_referral) and contact.child_id is None:
        add("outcome", "Find or record the child's record before deciding on help for them")
    if outcome == ThresholdDecision.Outcome.OPEN_CASE:
        from familyhelp.casework.services import open_case_for

        if contact.child is None or open_case_for(contact.child) is None:
            add("outcome", "The child has no open case to pass this to")
    return errors


@transaction.atomic
def decision_propose(
    *,
    actor: Any,
    contact: Contact,
    level: int,
    outcome: str,
    rationale: str,
    primary_need: str = "",
    local_service: LocalService | None = None,
    feedback_to_referrer: str = "",
    checks_override_reason: str = "",
    expected_version: int | None = None,
    proposed_at: datetime | None = None,
    late_reason: str = "",
) -> ThresholdDecision:
    """Propose the level of need and outcome against the threshold document in force on the day proposed.

    `proposed_at` (default now) is on or after the contact was received (and after a returned proposal was
    returned); `late_reason` is needed when it is older than the council's late-recording days.
    """
    contact = _locked(contact)
    require(can_propose(actor, contact), "You cannot decide on this contact.")
    if contact.decided_at is not None:
        raise DomainError("This contact has already been decided", field="outcome")
    live = contact.decisions.filter(status=ThresholdDecision.Status.PROPOSED).first()
    if live is not None:
        raise DomainError(
            f"A decision was already proposed by {live.proposed_by} and is awaiting authorisation", field="outcome"
        )
    values = {
        "level": level,
        "outcome": outcome,
        "rationale": rationale,
        "primary_need": primary_need,
        "local_service": local_service,
    }
    proposed, _ = resolve_datetime(proposed_at)
    late_reason = (late_reason or "").strip()
    last_return = (
        contact.decisions.filter(status=ThresholdDecision.Status.RETURNED, returned_at__isnull=False)
        .order_by("-returned_at")
        .values_list("returned_at", flat=True)
        .first()
    )
    errors = _check_decision(values, contact)
    merge_errors(
        errors,
        check_effective_date(
            proposed,
            field="proposed_at",
            label=PROPOSED,
            person=contact.child,
            after=[
                (RECEIVED, _minute(contact.received_at)),
                ("date and time the last proposal was returned", _minute(last_return)),
            ],
            late_reason=late_reason,
        ),
    )
    raise_if(errors)
    if local_service is not None and not local_service.is_active:
        raise DomainError("This service is no longer in the directory", field="local_service")
    override, override_by = _checks_gate(actor, contact, checks_override_reason)
    _bump(contact, actor, expected_version)
    decision = ThresholdDecision(
        contact=contact,
        threshold_document=threshold_document_in_force(_local_day(proposed)),
        level=level,
        outcome=outcome,
        rationale=rationale.strip(),
        primary_need=primary_need if outcome in ("single_assessment", "strategy_discussion") else "",
        local_service=local_service if outcome == ThresholdDecision.Outcome.SIGNPOST else None,
        feedback_to_referrer=(feedback_to_referrer or "").strip(),
        proposed_by=actor,
        proposed_at=proposed,
        proposed_late_reason=late_reason,
        checks_override_reason=override,
        checks_override_by=override_by,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(decision, exclude=["contact", "threshold_document", "proposed_by"])
    decision.save()
    _refresh_status(contact)
    _notify_authorisers(actor, contact)
    return decision


def _notify_authorisers(actor: Any, contact: Contact) -> None:
    """Tell the front-door managers there is a decision to authorise (in their work tray)."""
    managers = User.objects.filter(role=roles.Role.TEAM_MANAGER, is_active=True, team__kind="front_door").exclude(
        pk=actor.pk
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=m,
                kind=Notification.Kind.AUTHORISATION,
                message=f"Contact {contact.reference}: a threshold decision is awaiting your authorisation.",
            )
            for m in managers
        ]
    )


@transaction.atomic
def decision_authorise(
    *,
    actor: Any,
    decision: ThresholdDecision,
    comment: str = "",
    checks_override_reason: str = "",
    authorised_at: datetime | None = None,
    case_opened_on: date | None = None,
    referral_date: date | None = None,
    late_reason: str = "",
) -> ThresholdDecision:
    """A manager authorises a proposed decision. Exactly one authorisation can succeed per contact.

    `authorised_at` (default now) is on or after the proposal and becomes the contact's `decided_at`. A
    decision that opens (or steps up) a case opens it on `case_opened_on` (default: the day authorised, and
    not before it); a referral to social care dates its CIN episode `referral_date` (default: the day the
    contact was received; between that day and the day authorised). `late_reason` is needed when the
    authorisation is older than the council's late-recording days; the chronology events carry it.
    The returned decision carries the case and CIN episode it opened or stepped up as `fh_case` and
    `fh_cin_episode` (None when it opened none).
    """
    contact = _locked(decision.contact)
    locked = ThresholdDecision.objects.select_for_update(of=("self",)).select_related("proposed_by")
    decision = locked.get(pk=decision.pk)
    policy = policy_get()
    if not has_verb(actor, roles.AUTHORISE_DECISION):
        require(False, "Only a manager can authorise a threshold decision.")
    if not policy.allow_self_authorisation and decision.proposed_by_id == actor.pk:
        raise DomainError(
            "You proposed this decision, so another manager must authorise it", field="comment"
        )
    require(can_authorise(actor, decision, allow_self=policy.allow_self_authorisation), "You cannot authorise this.")
    if contact.decided_at is not None or decision.status == ThresholdDecision.Status.AUTHORISED:
        who = decision.authorised_by or "another manager"
        raise DomainError(f"This contact has already been decided: {who} authorised the decision", field="comment")
    if decision.status != ThresholdDecision.Status.PROPOSED:
        raise DomainError("This decision was returned to the proposer and cannot be authorised", field="comment")
    override, override_by = _checks_gate(actor, contact, checks_override_reason or decision.checks_override_reason)
    late_reason = (late_reason or "").strip()
    authorised, case_on, referral_on = _authorisation_dates(
        contact, decision, authorised_at, case_opened_on, referral_date, late_reason
    )
    now = clock.now()
    decision.status = ThresholdDecision.Status.AUTHORISED
    decision.authorised_by = actor
    decision.authorised_at = authorised
    decision.authorised_late_reason = late_reason
    decision.manager_comment = (comment or "").strip()
    if override and not decision.checks_override_reason:
        decision.checks_override_reason, decision.checks_override_by = override, override_by
    decision.version += 1
    decision.modified_by = actor
    decision.modified_at = now
    decision.save()
    contact.decided_at = authorised
    contact.version += 1
    contact.modified_by = actor
    contact.modified_at = now
    contact.save(update_fields=["decided_at", "version", "modified_by", "modified_at"])
    _refresh_status(contact)
    case, episode = _apply_outcome(actor, contact, decision, case_on, referral_on, late_reason)
    decision.fh_case, decision.fh_cin_episode = case, episode  # type: ignore[attr-defined]
    _tell_referrer(contact)
    return decision


def opens_case(decision: ThresholdDecision) -> bool:
    """Does authorising this decision open (or step up) a case?"""
    return decision.outcome == ThresholdDecision.Outcome.FAMILY_SUPPORT or decision.makes_referral


def _authorisation_dates(
    contact: Contact,
    decision: ThresholdDecision,
    authorised_at: datetime | None,
    case_opened_on: date | None,
    referral_date: date | None,
    late_reason: str,
) -> tuple[datetime, date | None, date | None]:
    """The authorisation's date-time, the case opening date and the CIN referral date, checked together
    (every message names the other step and its date); nothing is written when one is refused."""
    from familyhelp.casework.services import open_case_for

    child = contact.child
    received_on = _local_day(contact.received_at)
    authorised, _ = resolve_datetime(authorised_at)
    errors = check_effective_date(
        authorised,
        field="authorised_at",
        label=AUTHORISED,
        person=child,
        after=[(PROPOSED, _minute(decision.proposed_at)), (RECEIVED, _minute(contact.received_at))],
        late_reason=late_reason,
    )
    authorised_on = _local_day(authorised)
    case_on: date | None = None
    referral_on: date | None = None
    if not opens_case(decision):
        if case_opened_on is not None:
            errors.setdefault("case_opened_on", []).append("This decision does not open a case")
        if referral_date is not None:
            errors.setdefault("referral_date", []).append("This decision is not a referral to children's social care")
        raise_if(errors)
        return authorised, None, None
    case_on, _ = resolve_date(case_opened_on if case_opened_on is not None else authorised_on)
    existing = open_case_for(child) if child is not None else None
    after: list[tuple[str, date | datetime | None]] = [("date the decision was authorised", authorised_on)]
    if existing is not None:
        after.append((f"date case {existing.reference} opened", existing.opened_on))
    if "authorised_at" not in errors:
        merge_errors(
            errors,
            check_effective_date(
                case_on, field="case_opened_on", label=CASE_OPENED, person=child, after=after, late_reason=late_reason
            ),
        )
    if decision.makes_referral:
        referral_on, _ = resolve_date(referral_date if referral_date is not None else received_on)
        merge_errors(
            errors,
            check_effective_date(
                referral_on,
                field="referral_date",
                label=REFERRAL,
                person=child,
                after=[("date the contact was received", received_on)],
                before=[("date the decision was authorised", authorised_on)],
                ask_late_reason=False,  # the contact's own date: a referral is not late because it was received
            ),
        )
    elif referral_date is not None:
        errors.setdefault("referral_date", []).append("This decision is not a referral to children's social care")
    raise_if(errors)
    return authorised, case_on, referral_on


@transaction.atomic
def decision_return(
    *,
    actor: Any,
    decision: ThresholdDecision,
    comment: str,
    returned_at: datetime | None = None,
    late_reason: str = "",
) -> ThresholdDecision:
    """A manager sends a proposal back (for example to wait for a check or reconsider the level), at
    `returned_at` (default now; on or after the proposal)."""
    contact = _locked(decision.contact)
    decision = ThresholdDecision.objects.select_for_update().get(pk=decision.pk)
    require(
        has_verb(actor, roles.AUTHORISE_DECISION) and can_view_contact(actor, contact), "Only a manager can do that."
    )
    if decision.status != ThresholdDecision.Status.PROPOSED:
        raise DomainError("Only a decision awaiting authorisation can be returned", field="comment")
    errors: dict[str, list[str]] = {}
    if not (comment or "").strip():
        errors["comment"] = ["Say why the decision is being returned"]
    returned, _ = resolve_datetime(returned_at)
    late_reason = (late_reason or "").strip()
    merge_errors(
        errors,
        check_effective_date(
            returned,
            field="returned_at",
            label=RETURNED,
            person=contact.child,
            after=[(PROPOSED, _minute(decision.proposed_at))],
            late_reason=late_reason,
        ),
    )
    raise_if(errors)
    decision.status = ThresholdDecision.Status.RETURNED
    decision.returned_at = returned
    decision.returned_late_reason = late_reason
    decision.manager_comment = comment.strip()
    decision.version += 1
    decision.modified_by = actor
    decision.modified_at = clock.now()
    decision.save()
    _refresh_status(contact)
    return decision


def _apply_outcome(
    actor: Any,
    contact: Contact,
    decision: ThresholdDecision,
    case_on: date | None,
    referral_on: date | None,
    late_reason: str,
) -> tuple[Any, Any]:
    """The consequences of an authorised decision: the child's chronology and, where it says so, a case (opened
    on `case_on`) and, for a referral, a CIN episode dated `referral_on`. Returns the case and episode."""
    from familyhelp.casework.models import CINEpisode
    from familyhelp.casework.services import case_open_from_front_door

    assert decision.authorised_at is not None
    if contact.child is not None:
        chronology_record(
            actor=actor,
            kind="frontdoor.decision",
            summary=f"Level {decision.level}: {decision.get_outcome_display()} (contact {contact.reference})",
            occurred_on=_local_day(decision.authorised_at),
            occurred_time=_local_time(decision.authorised_at),
            person=contact.child,
            subject=decision,
            late_reason=late_reason,
        )
    if decision.outcome == ThresholdDecision.Outcome.FAMILY_SUPPORT:
        assert contact.child is not None and case_on is not None
        case, _ = case_open_from_front_door(
            actor=actor, person=contact.child, level=3, contact=contact, opened_on=case_on, late_reason=late_reason
        )
        return case, None
    if decision.makes_referral:
        assert contact.child is not None and case_on is not None
        route = (
            CINEpisode.Route.STRATEGY_DISCUSSION
            if decision.outcome == ThresholdDecision.Outcome.STRATEGY_DISCUSSION
            else CINEpisode.Route.SINGLE_ASSESSMENT
        )
        # The referral date defaults to the day the contact was received (docs/domain/front-door.md).
        return case_open_from_front_door(
            actor=actor,
            person=contact.child,
            level=4,
            contact=contact,
            opened_on=case_on,
            referral_date=referral_on,
            referral_source=contact.referral_source,
            primary_need=decision.primary_need,
            route=route,
            late_reason=late_reason,
        )
    return None, None


def _tell_referrer(contact: Contact) -> None:
    """The partner who referred sees the outcome in their view, gets a notification and an email."""
    if contact.submitted_by_id is None and not contact.referrer_email:
        return
    if contact.submitted_by_id:
        Notification.objects.create(
            recipient_id=contact.submitted_by_id,
            kind=Notification.Kind.REFERRAL_OUTCOME,
            message=f"The front door has decided on your referral {contact.reference}. Open 'My referrals' to see "
            "the outcome.",
        )
    email = contact.referrer_email or (contact.submitted_by.email if contact.submitted_by else "")
    now = clock.now()
    Contact.objects.filter(pk=contact.pk).update(outcome_shared_at=now)
    contact.outcome_shared_at = now
    if email:
        reference = contact.reference
        submitted_on = f"{timezone.localtime(contact.received_at):%-d %B %Y}"
        transaction.on_commit(
            lambda: notify.send("referral_outcome", email, reference=reference, submitted_on=submitted_on)
        )


# --- Administration: threshold document, check types, policy ----------------------------------------
def _admin(actor: Any) -> None:
    require(has_verb(actor, roles.MANAGE_FRONT_DOOR), "Only an administrator can change the front door's settings.")


@transaction.atomic
def threshold_draft_create(*, actor: Any) -> ThresholdDocument:
    """Start a new version of the threshold document as a copy of the newest one."""
    _admin(actor)
    if ThresholdDocument.objects.filter(status=ThresholdDocument.Status.DRAFT).exists():
        raise DomainError("There is already a draft: change or publish it first")
    latest = ThresholdDocument.objects.order_by("-number").first()
    draft = ThresholdDocument.objects.create(
        number=(latest.number + 1) if latest else 1,
        title=latest.title if latest else "Threshold document",
        summary=latest.summary if latest else "",
        created_by=actor,
        modified_by=actor,
    )
    for level in latest.levels.all() if latest else []:
        ThresholdLevel.objects.create(
            document=draft,
            level=level.level,
            name=level.name,
            descriptor=level.descriptor,
            examples=level.examples,
            created_by=actor,
            modified_by=actor,
        )
    return draft


@transaction.atomic
def threshold_draft_update(
    *,
    actor: Any,
    document: ThresholdDocument,
    expected_version: int | None,
    title: str,
    summary: str,
    levels: dict[int, dict[str, str]],
) -> ThresholdDocument:
    """Change a draft's text. Published versions never change: decisions refer to them."""
    _admin(actor)
    if document.status != ThresholdDocument.Status.DRAFT:
        raise DomainError("A published threshold document cannot be changed: start a new version")
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Enter the document's title"]
    for number in (1, 2, 3, 4):
        text = levels.get(number, {})
        if not (text.get("name") or "").strip():
            errors.setdefault(f"level_{number}_name", []).append(f"Enter the name of level {number}")
        if not (text.get("descriptor") or "").strip():
            errors.setdefault(f"level_{number}_descriptor", []).append(f"Enter the descriptor of level {number}")
    raise_if(errors)
    document.title = title.strip()
    document.summary = (summary or "").strip()
    save_versioned(document, actor=actor, expected_version=expected_version, fields=["title", "summary"])
    for number in (1, 2, 3, 4):
        text = levels[number]
        ThresholdLevel.objects.update_or_create(
            document=document,
            level=number,
            defaults={
                "name": text["name"].strip(),
                "descriptor": text["descriptor"].strip(),
                "examples": (text.get("examples") or "").strip(),
                "modified_by": actor,
            },
        )
    return document


@transaction.atomic
def threshold_publish(
    *, actor: Any, document: ThresholdDocument, in_force_from: date | None, expected_version: int | None
) -> ThresholdDocument:
    """Publish a draft, in force from a date (today or later); decisions from then on record it."""
    _admin(actor)
    if document.status != ThresholdDocument.Status.DRAFT:
        raise DomainError("This version is already published")
    if in_force_from is None:
        raise DomainError("Enter the date the new version comes into force", field="in_force_from")
    if in_force_from < clock.today():
        raise DomainError("The date it comes into force must be today or later", field="in_force_from")
    if document.levels.count() != 4:
        raise DomainError("The document needs all four levels before it is published")
    document.status = ThresholdDocument.Status.PUBLISHED
    document.in_force_from = in_force_from
    document.published_at = clock.now()
    document.published_by = actor
    save_versioned(
        document,
        actor=actor,
        expected_version=expected_version,
        fields=["status", "in_force_from", "published_at", "published_by"],
    )
    return document


@transaction.atomic
def check_type_save(*, actor: Any, check_type: CheckType | None, expected_version: int | None = None,
                    **fields: Any) -> CheckType:
    """Add or change a kind of partner check."""
    _admin(actor)
    allowed = {"name", "agency_kind", "due_hours", "requested_by_default", "required_by_default",
               "screens_exploitation", "is_active", "order"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown check type fields: {sorted(unknown)}")
    if check_type is None:
        check_type = CheckType(created_by=actor, modified_by=actor, **fields)
        full_clean_or_raise(check_type)
        try:
            with transaction.atomic():
                check_type.save()
        except IntegrityError as exc:
            raise DomainError("A check with this name already exists", field="name") from exc
        return check_type
    for key, value in fields.items():
        setattr(check_type, key, value)
    full_clean_or_raise(check_type)
    save_versioned(check_type, actor=actor, expected_version=expected_version, fields=list(fields))
    return check_type


@transaction.atomic
def policy_update(*, actor: Any, expected_version: int | None, **fields: Any) -> FrontDoorPolicy:
    """Change the decision clock or whether managers may authorise their own proposals."""
    _admin(actor)
    policy = policy_get()
    allowed = {"decision_clock_amount", "decision_clock_unit", "allow_self_authorisation"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"Unknown policy field {key}")
        setattr(policy, key, value)
    errors: dict[str, list[str]] = {}
    if not policy.decision_clock_amount:
        errors["decision_clock_amount"] = ["The decision clock must be at least 1"]
    elif policy.decision_clock_unit == FrontDoorPolicy.ClockUnit.DAYS and policy.decision_clock_amount > 10:
        errors["decision_clock_amount"] = ["The decision clock can be at most 10 working days"]
    elif policy.decision_clock_unit == FrontDoorPolicy.ClockUnit.HOURS and policy.decision_clock_amount > 80:
        errors["decision_clock_amount"] = ["The decision clock can be at most 80 working hours"]
    raise_if(errors)
    full_clean_or_raise(policy)
    save_versioned(policy, actor=actor, expected_version=expected_version, fields=list(fields))
    return policy
