"""Every write to people, families, relationships, addresses, involvements and record restriction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from familyhelp.accounts import roles
from familyhelp.accounts.models import BreakGlassAccess, Notification, RestrictedAccessGrant, User
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import check_effective_date, raise_if
from familyhelp.core.errors import DomainError, full_clean_or_raise, require
from familyhelp.core.sequences import next_value
from familyhelp.people import identifiers, matching, name_index
from familyhelp.people.codes import Disability
from familyhelp.people.models import (
    Address,
    Family,
    FamilyMember,
    Person,
    PersonAddress,
    PersonDisability,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from familyhelp.people.permissions import (
    can_break_glass,
    can_change_person,
    can_grant_access,
    can_restrict_person,
    scope_basis,
)

PERSON_FIELDS = [
    "kind",
    "given_names",
    "family_name",
    "preferred_name",
    "is_unborn",
    "date_of_birth",
    "dob_is_estimated",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender_identity",
    "ethnicity",
    "first_language",
    "needs_interpreter",
    "nhs_number",
    "upn",
    "former_upn",
    "upn_unknown_reason",
]


def person_reference(number: int) -> str:
    """The person reference for a counter value (letters and digits only, as LAchildID requires)."""
    return f"P{number:08d}"


def family_reference(number: int) -> str:
    """The family reference for a counter value."""
    return f"F{number:07d}"


def _clean_person_values(values: dict[str, Any], *, existing: Person | None = None) -> dict[str, list[str]]:
    """Normalise identifiers and names in place; return field errors."""
    errors: dict[str, list[str]] = {}
    for key in ("given_names", "family_name", "preferred_name", "gender_identity", "first_language"):
        if key in values and values[key] is not None:
            values[key] = " ".join(str(values[key]).split())
    if not values.get("given_names") and not values.get("family_name"):
        errors["given_names"] = ["Enter a given name or a family name (a single name is fine)"]
    for key, cleaner in (
        ("nhs_number", identifiers.clean_nhs_number),
        ("upn", identifiers.clean_upn),
        ("former_upn", identifiers.clean_upn),
    ):
        try:
            values[key] = cleaner(values.get(key) or "")
        except ValueError as exc:
            errors[key] = [str(exc)]
    today = clock.today()
    dob = values.get("date_of_birth")
    edd = values.get("expected_date_of_birth")
    if values.get("is_unborn"):
        if dob:
            errors["date_of_birth"] = ["An unborn child has an expected date of birth, not a date of birth"]
        if not edd:
            errors["expected_date_of_birth"] = ["Enter the expected date of birth"]
        elif edd > today + timedelta(weeks=44):
            errors["expected_date_of_birth"] = ["The expected date of birth must be within the next 10 months"]
        if values.get("kind") == Person.Kind.ADULT:
            errors["is_unborn"] = ["Only a child can be unborn"]
    else:
        values["expected_date_of_birth"] = values.get("expected_date_of_birth") if existing else None
        if dob and dob > today:
            errors["date_of_birth"] = ["The date of birth must be today or in the past"]
        if dob and dob < date(1900, 1, 1):
            errors["date_of_birth"] = ["The date of birth must be after 1900"]
        if not dob and values.get("dob_is_estimated"):
            errors["date_of_birth"] = ["Enter the estimated date of birth, or untick ‘estimated’"]
    dod = values.get("date_of_death")
    if dod:
        if dod > today:
            errors["date_of_death"] = ["The date of death must be today or in the past"]
        elif dob and dod < dob:
            errors["date_of_death"] = ["The date of death must be on or after the date of birth"]
    return errors


def _name_for_chronology(person: Person) -> str:
    """How a second person is named in someone else's chronology: a restricted one by reference only."""
    return f"restricted record {person.reference}" if person.is_restricted else person.full_name


def _set_search_keys(person: Person) -> None:
    for key, value in matching.search_keys(person.given_names, person.family_name).items():
        setattr(person, key, value)
    name_index.register([(person.search_given, person.search_family)])  # findable with a typo (ADR 0017)


def _set_disabilities(person: Person, codes: Iterable[str]) -> None:
    codes = list(dict.fromkeys(codes))
    if Disability.NONE in codes and len(codes) > 1:
        raise DomainError("Choose ‘No disability’ or one or more disabilities, not both", field="disabilities")
    valid = set(Disability.values)
    bad = [c for c in codes if c not in valid]
    if bad:
        raise DomainError("Choose disabilities from the list", field="disabilities")
    PersonDisability.objects.filter(person=person).exclude(code__in=codes).delete()
    existing = set(PersonDisability.objects.filter(person=person).values_list("code", flat=True))
    PersonDisability.objects.bulk_create([PersonDisability(person=person, code=c) for c in codes if c not in existing])


SEARCH_BEFORE_CREATE_MINUTES = 60
SEARCH_REFUSAL = (
    "Search for this person before recording them, so the same person is not recorded twice: you have not "
    "searched for this name, date of birth or NHS number in the last hour"
)


def _searched_for(actor: Any, values: dict[str, Any]) -> bool:
    """True when the actor searched, in the last hour, for a similar name, the same date of birth or NHS number.

    The access log is the evidence: every person search is written there with its criteria.
    """
    from rapidfuzz.distance import JaroWinkler

    since = clock.now() - timedelta(minutes=SEARCH_BEFORE_CREATE_MINUTES)
    searches = AccessLog.objects.filter(user=actor, action=AccessLog.Action.SEARCH, at__gte=since).order_by("-at")
    words = set(matching.fold(f"{values.get('given_names', '')} {values.get('family_name', '')}").split())
    dob = values.get("date_of_birth")
    nhs = values.get("nhs_number") or ""
    for criteria in searches.values_list("criteria", flat=True)[:100]:
        criteria = criteria or {}
        if dob and criteria.get("date_of_birth") == dob.isoformat():
            return True
        if nhs and criteria.get("nhs_number", "").replace(" ", "") == nhs:
            return True
        searched = set(matching.fold(f"{criteria.get('given_names', '')} {criteria.get('family_name', '')}").split())
        if any(JaroWinkler.similarity(a, b) >= 0.85 for a in words for b in searched):
            return True
    return False


@transaction.atomic
def person_create(
    *, actor: Any, kind: str = Person.Kind.CHILD, disabilities: Iterable[str] = (), **values: Any
) -> Person:
    """Record a new person (child, unborn child or adult) and start their chronology.

    Refused unless the actor has searched for them first (a similar name, the date of birth or NHS number
    in the last hour), so the front door does not record a known child twice.
    """
    require(has_verb(actor, roles.ADD_PERSON), "Your role cannot add people.")
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    values["kind"] = kind
    errors = _clean_person_values(values)
    raise_if(errors)
    if not _searched_for(actor, values):
        raise DomainError(SEARCH_REFUSAL)
    person = Person(**values)
    person.reference = person_reference(next_value("person"))
    person.created_by = person.modified_by = actor
    _set_search_keys(person)
    full_clean_or_raise(person, exclude=["reference"])
    person.save()
    _set_disabilities(person, disabilities)
    what = "unborn child" if person.is_unborn else person.get_kind_display().lower()
    chronology_record(
        actor=actor,
        kind="person.created",
        summary=f"Record created for {what} {person.full_name}",
        occurred_on=clock.today(),
        person=person,
        subject=person,
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    expected_version: int | None,
    disabilities: Iterable[str] | None = None,
    **values: Any,
) -> Person:
    """Change a person's details; refused if someone else saved the record since it was opened."""
    require(can_change_person(actor, person), "You cannot change this record.")
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    merged = {f: getattr(person, f) for f in PERSON_FIELDS} | values
    errors = _clean_person_values(merged, existing=person)
    raise_if(errors)
    changed = [f for f in PERSON_FIELDS if merged[f] != getattr(person, f)]
    for field in changed:
        setattr(person, field, merged[field])
    _set_search_keys(person)
    full_clean_or_raise(person, exclude=["reference"])
    fields = changed + ["search_given", "search_family", "phonetic_given", "phonetic_family"]
    save_versioned(person, actor=actor, expected_version=expected_version, fields=fields)
    if disabilities is not None:
        before = set(person.disabilities.values_list("code", flat=True))
        _set_disabilities(person, disabilities)
        if before != set(disabilities):
            changed.append("disabilities")
    if changed:
        labels = ", ".join(
            str(getattr(Person._meta.get_field(f), "verbose_name", f)) if f != "disabilities" else "disabilities"
            for f in changed
        )
        chronology_record(
            actor=actor,
            kind="person.updated",
            summary=f"Details changed: {labels}",
            occurred_on=clock.today(),
            person=person,
            subject=person,
        )
    return person


@transaction.atomic
def person_add_name(
    *, actor: Any, person: Person, kind: str, given_names: str, family_name: str, start_date: date | None = None
) -> PersonName:
    """Record an alias, former or birth name."""
    require(can_change_person(actor, person), "You cannot change this record.")
    name = PersonName(
        person=person,
        kind=kind,
        given_names=" ".join((given_names or "").split()),
        family_name=" ".join((family_name or "").split()),
        start_date=start_date,
        created_by=actor,
        modified_by=actor,
    )
    if not name.given_names and not name.family_name:
        raise DomainError("Enter a given name or a family name", field="given_names")
    if start_date is not None:
        raise_if(
            check_effective_date(
                start_date,
                field="start_date",
                label="date they started using this name",
                person=person,
                ask_late_reason=False,
            )
        )
    for key, value in matching.search_keys(name.given_names, name.family_name).items():
        setattr(name, key, value)
    full_clean_or_raise(name)
    name_index.register([(name.search_given, name.search_family)])
    name.save()
    chronology_record(
        actor=actor,
        kind="person.name_added",
        summary=f"{name.get_kind_display()} recorded: {name.full_name}",
        occurred_on=start_date or clock.today(),
        person=person,
        subject=name,
    )
    return name


@transaction.atomic
def person_move_address(
    *,
    actor: Any,
    person: Person,
    line_1: str,
    line_2: str = "",
    town: str = "",
    postcode: str,
    moved_in_on: date | None,
    late_reason: str = "",
) -> PersonAddress:
    """Record that the person moved to an address; their current address ends the day before."""
    require(can_change_person(actor, person), "You cannot change this record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, list[str]] = {}
    if not (line_1 or "").strip():
        errors["line_1"] = ["Enter the first line of the address"]
    try:
        postcode = identifiers.clean_postcode(postcode)
        if not postcode:
            errors["postcode"] = ["Enter the postcode"]
    except ValueError as exc:
        errors["postcode"] = [str(exc)]
    current = person.addresses.filter(end_date__isnull=True).first()
    errors |= check_effective_date(
        moved_in_on,
        field="moved_in_on",
        label="date they moved in",
        person=person,
        not_before=(current.start_date + timedelta(days=1)) if current and current.start_date else None,
        not_before_label="day after they moved into their current address",
        late_reason=late_reason,
    )
    raise_if(errors)
    assert moved_in_on is not None
    from familyhelp.organisation.models import Locality

    district = identifiers.postcode_district(postcode)
    locality = next((loc for loc in Locality.objects.all() if district in loc.postcode_districts.split()), None)
    address = Address.objects.create(
        line_1=line_1.strip(),
        line_2=line_2.strip(),
        town=town.strip(),
        postcode=postcode,
        locality=locality,
        created_by=actor,
        modified_by=actor,
    )
    if current is not None:
        current.end_date = moved_in_on - timedelta(days=1)
        current.modified_by = actor
        current.modified_at = clock.now()
        current.save(update_fields=["end_date", "modified_by", "modified_at"])
    residence = PersonAddress.objects.create(
        person=person, address=address, start_date=moved_in_on, created_by=actor, modified_by=actor
    )
    chronology_record(
        actor=actor,
        kind="person.address_added",
        summary=f"Moved to {address}",
        occurred_on=moved_in_on,
        person=person,
        subject=residence,
        late_reason=late_reason.strip(),
    )
    return residence


@transaction.atomic
def relationship_add(
    *,
    actor: Any,
    person: Person,
    related_person: Person,
    type: str,
    has_parental_responsibility: bool = False,
    start_date: date | None = None,
) -> Relationship:
    """Record how `person` is related to `related_person` (both directions are written)."""
    require(can_change_person(actor, person), "You cannot change this record.")
    if person.pk == related_person.pk:
        raise DomainError("A person cannot be related to themselves", field="related_person")
    try:
        inverse = Relationship.INVERSE[Relationship.Type(type)]
    except ValueError as exc:
        raise DomainError("Choose a relationship from the list", field="type") from exc
    if Relationship.objects.filter(person=person, related_person=related_person, type=type).exists():
        raise DomainError("This relationship is already recorded", field="type")
    if start_date is not None:
        raise_if(
            check_effective_date(
                start_date, field="start_date", label="start date", person=person, ask_late_reason=False
            )
        )
    forward = Relationship.objects.create(
        person=person,
        related_person=related_person,
        type=type,
        has_parental_responsibility=has_parental_responsibility,
        start_date=start_date,
        created_by=actor,
        modified_by=actor,
    )
    Relationship.objects.create(
        person=related_person,
        related_person=person,
        type=inverse,
        start_date=start_date,
        created_by=actor,
        modified_by=actor,
    )
    chronology_record(
        actor=actor,
        kind="person.relationship_added",
        summary=f"{forward.get_type_display()} of {_name_for_chronology(related_person)} recorded",
        occurred_on=start_date or clock.today(),
        person=person,
        subject=forward,
    )
    chronology_record(
        actor=actor,
        kind="person.relationship_added",
        summary=f"{_name_for_chronology(person)} recorded as {forward.get_type_display().lower()}",
        occurred_on=start_date or clock.today(),
        person=related_person,
        subject=forward,
    )
    return forward


@transaction.atomic
def family_create(*, actor: Any, name: str, members: Iterable[tuple[Person, str]] = ()) -> Family:
    """Record a family or household, with its first members."""
    require(has_verb(actor, roles.ADD_PERSON), "Your role cannot record families.")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter a name for the family, like ‘Okafor family’", field="name")
    family = Family.objects.create(
        name=name, reference=family_reference(next_value("family")), created_by=actor, modified_by=actor
    )
    chronology_record(
        actor=actor,
        kind="family.created",
        summary=f"{family.name} recorded",
        occurred_on=clock.today(),
        family=family,
        subject=family,
    )
    for person, role in members:
        family_add_member(actor=actor, family=family, person=person, role=role)
    return family


@transaction.atomic
def family_add_member(
    *, actor: Any, family: Family, person: Person, role: str, start_date: date | None = None
) -> FamilyMember:
    """Add a person to a family or household."""
    require(can_change_person(actor, person), "You cannot change this record.")
    if role not in FamilyMember.Role.values:
        raise DomainError("Choose the person's role in the family", field="role")
    if FamilyMember.objects.filter(family=family, person=person, end_date__isnull=True).exists():
        raise DomainError("This person is already a member of this family", field="person")
    if start_date is not None:
        raise_if(
            check_effective_date(
                start_date, field="start_date", label="date they joined", person=person, ask_late_reason=False
            )
        )
    member = FamilyMember.objects.create(
        family=family, person=person, role=role, start_date=start_date, created_by=actor, modified_by=actor
    )
    chronology_record(
        actor=actor,
        kind="family.member_added",
        summary=f"{person.full_name} joined {family.name} as {member.get_role_display().lower()}",
        occurred_on=start_date or clock.today(),
        person=person,
        family=family,
        subject=member,
    )
    return member


@transaction.atomic
def involvement_add(
    *,
    actor: Any,
    person: Person,
    role: str,
    start_date: date | None,
    worker: User | None = None,
    professional_name: str = "",
    agency: Any = None,
    agency_name: str = "",
    contact_details: str = "",
    late_reason: str = "",
) -> ProfessionalInvolvement:
    """Record a professional involved with a person (a council worker or someone from another agency)."""
    require(can_change_person(actor, person), "You cannot change this record.")
    errors = check_effective_date(
        start_date, field="start_date", label="date they became involved", person=person, late_reason=late_reason
    )
    if role not in ProfessionalInvolvement.Role.values:
        errors.setdefault("role", []).append("Choose the professional's role")
    if worker is None and not (professional_name or "").strip():
        errors.setdefault("professional_name", []).append("Choose a worker or enter the professional's name")
    if worker is not None and not worker.is_active:
        errors.setdefault("worker", []).append("This worker's account is not active")
    raise_if(errors)
    assert start_date is not None  # check_effective_date refused a missing date
    involvement = ProfessionalInvolvement(
        person=person,
        role=role,
        worker=worker,
        professional_name=(professional_name or "").strip(),
        agency=agency,
        agency_name=(agency_name or "").strip(),
        contact_details=(contact_details or "").strip(),
        start_date=start_date,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(involvement)
    involvement.save()
    chronology_record(
        actor=actor,
        kind="person.professional_added",
        summary=f"{involvement.get_role_display()}: {involvement.name}"
        + (f" ({involvement.organisation_name})" if involvement.organisation_name else ""),
        occurred_on=start_date,
        person=person,
        subject=involvement,
        late_reason=late_reason.strip(),
    )
    return involvement


@transaction.atomic
def involvement_end(
    *, actor: Any, involvement: ProfessionalInvolvement, end_date: date | None, late_reason: str = ""
) -> ProfessionalInvolvement:
    """Record that a professional is no longer involved."""
    involvement = ProfessionalInvolvement.objects.select_for_update().get(pk=involvement.pk)
    require(can_change_person(actor, involvement.person), "You cannot change this record.")
    if involvement.end_date is not None:
        raise DomainError("This involvement has already ended", field="end_date")
    raise_if(
        check_effective_date(
            end_date,
            field="end_date",
            label="end date",
            person=involvement.person,
            not_before=involvement.start_date,
            not_before_label="start date",
            late_reason=late_reason,
        )
    )
    involvement.end_date = end_date
    involvement.modified_by = actor
    involvement.modified_at = clock.now()
    involvement.save(update_fields=["end_date", "modified_by", "modified_at"])
    chronology_record(
        actor=actor,
        kind="person.professional_ended",
        summary=f"{involvement.get_role_display()}: {involvement.name} no longer involved",
        occurred_on=end_date,  # type: ignore[arg-type]
        person=involvement.person,
        subject=involvement,
        late_reason=late_reason.strip(),
    )
    return involvement


@transaction.atomic
def person_restrict(*, actor: Any, person: Person, reason: str) -> Person:
    """Restrict a record: only named grants (and break glass with a reason) can open it."""
    require(can_restrict_person(actor, person), "You cannot restrict this record.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_restricted:
        raise DomainError("This record is already restricted", field="reason")
    if not (reason or "").strip():
        raise DomainError("Enter why this record needs to be restricted", field="reason")
    person.is_restricted = True
    person.restricted_reason = reason.strip()
    person.restricted_at = person.modified_at = clock.now()
    person.restricted_by = person.modified_by = actor
    person.save(
        update_fields=[
            "is_restricted",
            "restricted_reason",
            "restricted_at",
            "restricted_by",
            "modified_at",
            "modified_by",
        ]
    )
    # The person restricting a record keeps access to it.
    if not person.access_grants.filter(user=actor, revoked_at__isnull=True).exists():
        RestrictedAccessGrant.objects.create(
            person=person, user=actor, granted_by=actor, reason="Restricted the record", created_by=actor
        )
    chronology_record(
        actor=actor,
        kind="person.restricted",
        summary="Record restricted",
        occurred_on=clock.today(),
        person=person,
        subject=person,
    )
    return person


@transaction.atomic
def person_unrestrict(*, actor: Any, person: Person, reason: str) -> Person:
    """Remove a restriction."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(can_restrict_person(actor, person), "You cannot change this record's restriction.")
    if not person.is_restricted:
        raise DomainError("This record is not restricted", field="reason")
    if not (reason or "").strip():
        raise DomainError("Enter why the restriction is no longer needed", field="reason")
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.is_restricted = False
    person.modified_at = clock.now()
    person.modified_by = actor
    person.save(update_fields=["is_restricted", "modified_at", "modified_by"])
    chronology_record(
        actor=actor,
        kind="person.unrestricted",
        summary=f"Restriction removed: {reason.strip()}",
        occurred_on=clock.today(),
        person=person,
        subject=person,
    )
    return person


@transaction.atomic
def access_grant(*, actor: Any, person: Person, user: User, reason: str) -> RestrictedAccessGrant:
    """Name a user who may see a restricted record."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(can_grant_access(actor, person), "You cannot grant access to this record.")
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["Enter why this person needs access"]
    if user.is_partner or not user.is_active:
        errors["user"] = ["Access can only be granted to an active council worker"]
    elif has_verb(user, roles.VIEW_PERSON) is False:
        errors["user"] = ["This person's role cannot view children's records"]
    elif RestrictedAccessGrant.objects.filter(person=person, user=user, revoked_at__isnull=True).exists():
        errors["user"] = ["This person already has access"]
    raise_if(errors)
    grant = RestrictedAccessGrant.objects.create(
        person=person, user=user, granted_by=actor, reason=reason.strip(), created_by=actor
    )
    access_log_record(
        actor=actor,
        action=AccessLog.Action.GRANT,
        person=person,
        obj=grant,
        reason=f"Granted access to user {user.pk}: {reason.strip()}",
    )
    chronology_record(
        actor=actor,
        kind="person.access_granted",
        summary=f"Access granted to {user}",
        occurred_on=clock.today(),
        person=person,
        subject=grant,
    )
    return grant


@transaction.atomic
def access_revoke(*, actor: Any, grant: RestrictedAccessGrant) -> RestrictedAccessGrant:
    """Remove a named user's access to a restricted record."""
    grant = RestrictedAccessGrant.objects.select_for_update().get(pk=grant.pk)
    require(can_grant_access(actor, grant.person), "You cannot change access to this record.")
    if grant.revoked_at is not None:
        raise DomainError("This access has already been removed")
    grant.revoked_at = clock.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    access_log_record(
        actor=actor,
        action=AccessLog.Action.GRANT,
        person=grant.person,
        obj=grant,
        reason=f"Removed access of user {grant.user_id}",
    )
    chronology_record(
        actor=actor,
        kind="person.access_revoked",
        summary=f"Access removed from {grant.user}",
        occurred_on=clock.today(),
        person=grant.person,
        subject=grant,
    )
    return grant


def record_managers(person: Person) -> list[User]:
    """The managers to alert about a record: managers of the teams holding it, and whoever restricted it."""
    today = clock.today()
    team_ids = (
        ProfessionalInvolvement.objects.filter(person=person, worker__isnull=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("worker__team_id", flat=True)
    )
    managers = list(User.objects.filter(role=roles.Role.TEAM_MANAGER, team_id__in=list(team_ids), is_active=True))
    if person.restricted_by_id and all(m.pk != person.restricted_by_id for m in managers):
        managers.append(User.objects.get(pk=person.restricted_by_id))
    if not managers:
        managers = list(User.objects.filter(role=roles.Role.SENIOR_LEADER, is_active=True))
    return managers


@transaction.atomic
def break_glass(*, actor: Any, person: Person, reason: str) -> BreakGlassAccess:
    """Open a restricted record without a grant: the reason is logged and the record's managers alerted."""
    person = Person.objects.get(pk=person.pk)  # decide on the stored state, not the caller's copy
    require(can_break_glass(actor, person), "You cannot open this record.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(
            "Explain why you need to open this restricted record (at least 10 characters)", field="reason"
        )
    now = clock.now()
    access = BreakGlassAccess.objects.create(
        person=person,
        user=actor,
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(hours=settings.FAMILYHELP_BREAK_GLASS_HOURS),
        created_by=actor,
    )
    access_log_record(
        actor=actor,
        action=AccessLog.Action.BREAK_GLASS,
        person=person,
        obj=access,
        basis=scope_basis(actor, person) or "",
        reason=reason,
    )
    managers = record_managers(person)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=m,
                kind=Notification.Kind.BREAK_GLASS,
                person=person,
                message=f"{actor} opened the restricted record of {person.full_name} ({person.reference}). "
                f"Reason given: {reason}",
            )
            for m in managers
            if m.pk != actor.pk
        ]
    )
    emails = [m.email for m in managers if m.email and m.pk != actor.pk]
    if emails:
        transaction.on_commit(lambda: _send_break_glass_email(emails, person.pk))
    return access


def _send_break_glass_email(emails: list[str], person_id: Any) -> None:
    """Alert by email without personal data: the message only says to sign in."""
    from django.core.mail import send_mail

    send_mail(
        "Family Help: a restricted record was opened",
        "Someone opened a restricted record you manage by breaking glass. Sign in to Family Help and look at "
        "your notifications to see who, when and why.",
        settings.DEFAULT_FROM_EMAIL,
        emails,
        fail_silently=True,
    )
