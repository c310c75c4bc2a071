"""Every write to the council's structure: local authority, localities, teams, schools, partner agencies.

Each service re-checks that the actor may manage the organisation, validates with field-level messages,
and (for updates) refuses a stale `expected_version` with ConcurrentEditError.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction

from familyhelp.accounts.permissions import can_manage_organisation
from familyhelp.core import clock
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import raise_if
from familyhelp.core.errors import DomainError, full_clean_or_raise, require
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team
from familyhelp.people import identifiers

REFUSED = "Your role cannot manage the organisation."

LOCAL_AUTHORITY_FIELDS = (
    "name",
    "la_code",
    "child_population",
    "child_population_year",
    "late_recording_days",
)
LOCALITY_FIELDS = ("name", "postcode_districts")
TEAM_FIELDS = ("name", "kind", "locality", "is_active")
SCHOOL_FIELDS = (
    "urn",
    "name",
    "phase",
    "locality",
    "postcode",
    "dsl_name",
    "dsl_email",
    "named_contact",
    "partner_agency",
)
PARTNER_AGENCY_FIELDS = ("name", "kind", "email", "phone", "is_active")

DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


# --- helpers --------------------------------------------------------------------------------------


def _squash(value: Any) -> str:
    """Trim and collapse inner whitespace."""
    return " ".join(str(value or "").split())


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


def _apply(obj: models.Model, fields: dict[str, Any]) -> list[str]:
    """Set the given fields on obj; return the names of those whose value changed."""
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _save_update(obj: Any, *, actor: Any, expected_version: int | None, changed: list[str]) -> None:
    """Write the changed fields if the stored version still matches (save_versioned keeps field history)."""
    obj._history_user = actor
    save_versioned(obj, actor=actor, expected_version=expected_version, fields=changed)


def _stamp_new(obj: Any, actor: Any) -> None:
    obj.created_by = obj.modified_by = actor
    obj.created_at = obj.modified_at = clock.now()
    obj._history_user = actor


def the_local_authority() -> LocalAuthority:
    """The council running this instance (there is one); a DomainError if it has not been set up."""
    la = LocalAuthority.objects.order_by("created_at").first()
    if la is None:
        raise DomainError("Set up the local authority before adding localities or teams")
    return la


# --- local authority ------------------------------------------------------------------------------


@transaction.atomic
def local_authority_update(
    *, actor: Any, local_authority: LocalAuthority, expected_version: int | None, **fields: Any
) -> LocalAuthority:
    """Change the council's name, LA code, child population or late-recording threshold."""
    require(can_manage_organisation(actor), REFUSED)
    _check_fields(fields, LOCAL_AUTHORITY_FIELDS)
    errors: dict[str, list[str]] = {}
    if "name" in fields:
        fields["name"] = _squash(fields["name"])
        if not fields["name"]:
            errors["name"] = ["Enter the council's name"]
    if "la_code" in fields:
        fields["la_code"] = str(fields["la_code"] or "").strip()
        if (
            fields["la_code"]
            and LocalAuthority.objects.filter(la_code=fields["la_code"]).exclude(pk=local_authority.pk).exists()
        ):
            errors["la_code"] = [f"LA code {fields['la_code']} is already used by another local authority"]
    if "child_population" in fields and fields["child_population"] is not None and fields["child_population"] < 1:
        errors["child_population"] = ["Enter the number of children living in the area"]
    year = fields.get("child_population_year")
    if year is not None and not (1990 <= year <= clock.today().year + 1):
        errors["child_population_year"] = ["Enter the year of the population estimate, like 2024"]
    raise_if(errors)
    changed = _apply(local_authority, fields)
    full_clean_or_raise(local_authority)
    _save_update(local_authority, actor=actor, expected_version=expected_version, changed=changed)
    return local_authority


# --- localities -----------------------------------------------------------------------------------


def _clean_districts(value: str, *, local_authority: LocalAuthority, exclude_pk: Any = None) -> tuple[str, list[str]]:
    """Normalise a list of postcode districts; return it and any error messages."""
    tokens = [t for t in re.split(r"[\s,;]+", (value or "").upper()) if t]
    tokens = list(dict.fromkeys(tokens))
    errors = [
        f"{t} is not a postcode district: enter outward codes like B90 B91" for t in tokens if not DISTRICT_RE.match(t)
    ]
    if errors:
        return " ".join(tokens), errors
    others = Locality.objects.filter(local_authority=local_authority).exclude(pk=exclude_pk)
    for other in others.only("name", "postcode_districts"):
        clash = sorted(set(tokens) & set(other.postcode_districts.split()))
        if clash:
            errors.append(
                f"{', '.join(clash)} {'is' if len(clash) == 1 else 'are'} already in the {other.name} locality"
            )
    return " ".join(tokens), errors


def _check_locality_name(name: str, *, local_authority: LocalAuthority, exclude_pk: Any = None) -> list[str]:
    if not name:
        return ["Enter the name of the locality"]
    if Locality.objects.filter(local_authority=local_authority, name__iexact=name).exclude(pk=exclude_pk).exists():
        return [f"There is already a locality called {name}"]
    return []


@transaction.atomic
def locality_create(*, actor: Any, name: str, postcode_districts: str = "") -> Locality:
    """Add a locality (an area of the council) with the postcode districts it covers."""
    require(can_manage_organisation(actor), REFUSED)
    la = the_local_authority()
    name = _squash(name)
    errors: dict[str, list[str]] = {}
    if name_errors := _check_locality_name(name, local_authority=la):
        errors["name"] = name_errors
    districts, district_errors = _clean_districts(postcode_districts, local_authority=la)
    if district_errors:
        errors["postcode_districts"] = district_errors
    raise_if(errors)
    locality = Locality(local_authority=la, name=name, postcode_districts=districts)
    _stamp_new(locality, actor)
    full_clean_or_raise(locality)
    locality.save()
    return locality


@transaction.atomic
def locality_update(*, actor: Any, locality: Locality, expected_version: int | None, **fields: Any) -> Locality:
    """Rename a locality or change the postcode districts it covers."""
    require(can_manage_organisation(actor), REFUSED)
    _check_fields(fields, LOCALITY_FIELDS)
    la = locality.local_authority
    errors: dict[str, list[str]] = {}
    if "name" in fields:
        fields["name"] = _squash(fields["name"])
        if name_errors := _check_locality_name(fields["name"], local_authority=la, exclude_pk=locality.pk):
            errors["name"] = name_errors
    if "postcode_districts" in fields:
        fields["postcode_districts"], district_errors = _clean_districts(
            fields["postcode_districts"], local_authority=la, exclude_pk=locality.pk
        )
        if district_errors:
            errors["postcode_districts"] = district_errors
    raise_if(errors)
    changed = _apply(locality, fields)
    full_clean_or_raise(locality)
    _save_update(locality, actor=actor, expected_version=expected_version, changed=changed)
    return locality


# --- teams ----------------------------------------------------------------------------------------


def _check_team(
    name: str | None,
    kind: str | None,
    locality: Locality | None,
    *,
    local_authority: LocalAuthority,
    exclude_pk: Any = None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if name is not None:
        if not name:
            errors["name"] = ["Enter the name of the team"]
        elif Team.objects.filter(local_authority=local_authority, name__iexact=name).exclude(pk=exclude_pk).exists():
            errors["name"] = [f"There is already a team called {name}"]
    if kind is not None and kind not in Team.Kind.values:
        errors["kind"] = ["Choose the kind of team"]
    if locality is not None and locality.local_authority_id != local_authority.pk:
        errors["locality"] = ["Choose a locality of this council"]
    return errors


@transaction.atomic
def team_create(*, actor: Any, name: str, kind: str, locality: Locality | None = None) -> Team:
    """Add a team; its service follows from its kind."""
    require(can_manage_organisation(actor), REFUSED)
    la = the_local_authority()
    name = _squash(name)
    raise_if(_check_team(name, kind or "", locality, local_authority=la))
    team = Team(
        local_authority=la,
        name=name,
        kind=kind,
        locality=locality,
        service=Team.SERVICE_OF_KIND[Team.Kind(kind)],
    )
    _stamp_new(team, actor)
    full_clean_or_raise(team)
    team.save()
    return team


@transaction.atomic
def team_update(*, actor: Any, team: Team, expected_version: int | None, **fields: Any) -> Team:
    """Rename a team, change its kind (and so its service) or locality, or close it."""
    require(can_manage_organisation(actor), REFUSED)
    _check_fields(fields, TEAM_FIELDS)
    if "name" in fields:
        fields["name"] = _squash(fields["name"])
    errors = _check_team(
        fields.get("name"),
        fields.get("kind"),
        fields.get("locality"),
        local_authority=team.local_authority,
        exclude_pk=team.pk,
    )
    if fields.get("is_active") is False and team.is_active:
        members = team.members.filter(is_active=True).count()
        if members:
            errors["is_active"] = [
                f"Move the team's {members} active member{'s' if members != 1 else ''} to another team "
                "before closing it"
            ]
    raise_if(errors)
    changed = _apply(team, fields)
    if "kind" in changed:
        team.service = Team.SERVICE_OF_KIND[Team.Kind(team.kind)]
        changed.append("service")
    full_clean_or_raise(team)
    _save_update(team, actor=actor, expected_version=expected_version, changed=changed)
    return team


# --- schools --------------------------------------------------------------------------------------


def _check_school(values: dict[str, Any], *, exclude_pk: Any = None) -> dict[str, list[str]]:
    """Normalise school values in place; return field errors."""
    errors: dict[str, list[str]] = {}
    if "urn" in values:
        values["urn"] = re.sub(r"\s+", "", str(values["urn"] or ""))
        urn = values["urn"]
        if not re.fullmatch(r"\d{6}", urn):
            errors["urn"] = ["Enter the school's 6-digit unique reference number (URN), like 103456"]
        else:
            other = School.objects.filter(urn=urn).exclude(pk=exclude_pk).first()
            if other is not None:
                errors["urn"] = [f"URN {urn} is already used by {other.name}"]
    if "name" in values:
        values["name"] = _squash(values["name"])
        if not values["name"]:
            errors["name"] = ["Enter the school's name"]
    if "phase" in values and values["phase"] not in School.Phase.values:
        errors["phase"] = ["Choose the school's phase"]
    if "locality" in values and values["locality"] is None:
        errors["locality"] = ["Choose the locality the school is in"]
    if "postcode" in values:
        try:
            values["postcode"] = identifiers.clean_postcode(values["postcode"] or "")
        except ValueError as exc:
            errors["postcode"] = [str(exc)]
    if "dsl_name" in values:
        values["dsl_name"] = _squash(values["dsl_name"])
    if "dsl_email" in values:
        values["dsl_email"] = str(values["dsl_email"] or "").strip()
    contact = values.get("named_contact")
    if contact is not None and (not contact.is_active or contact.is_partner):
        errors["named_contact"] = ["The named contact must be an active council worker"]
    agency = values.get("partner_agency")
    if agency is not None:
        if agency.kind != PartnerAgency.Kind.SCHOOL:
            errors["partner_agency"] = ["Choose a partner agency of the kind ‘School’"]
        else:
            linked = School.objects.filter(partner_agency=agency).exclude(pk=exclude_pk).first()
            if linked is not None:
                errors["partner_agency"] = [f"This partner agency is already linked to {linked.name}"]
    return errors


@transaction.atomic
def school_create(
    *,
    actor: Any,
    urn: str,
    name: str,
    phase: str,
    locality: Locality | None,
    postcode: str = "",
    dsl_name: str = "",
    dsl_email: str = "",
    named_contact: Any = None,
) -> School:
    """Add a school, with its designated safeguarding lead and the council's named contact."""
    require(can_manage_organisation(actor), REFUSED)
    values: dict[str, Any] = {
        "urn": urn,
        "name": name,
        "phase": phase,
        "locality": locality,
        "postcode": postcode,
        "dsl_name": dsl_name,
        "dsl_email": dsl_email,
        "named_contact": named_contact,
    }
    raise_if(_check_school(values))
    school = School(**values)
    _stamp_new(school, actor)
    full_clean_or_raise(school)
    school.save()
    return school


@transaction.atomic
def school_update(*, actor: Any, school: School, expected_version: int | None, **fields: Any) -> School:
    """Change a school's details, safeguarding lead, named contact or linked partner agency."""
    require(can_manage_organisation(actor), REFUSED)
    _check_fields(fields, SCHOOL_FIELDS)
    raise_if(_check_school(fields, exclude_pk=school.pk))
    changed = _apply(school, fields)
    full_clean_or_raise(school)
    _save_update(school, actor=actor, expected_version=expected_version, changed=changed)
    return school


# --- partner agencies -----------------------------------------------------------------------------


def _check_agency(values: dict[str, Any], *, exclude_pk: Any = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in values:
        values["name"] = _squash(values["name"])
        name = values["name"]
        if not name:
            errors["name"] = ["Enter the name of the partner agency"]
        elif PartnerAgency.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
            errors["name"] = [f"There is already a partner agency called {name}"]
    if "kind" in values and values["kind"] not in PartnerAgency.Kind.values:
        errors["kind"] = ["Choose the kind of agency"]
    for key in ("email", "phone"):
        if key in values:
            values[key] = str(values[key] or "").strip()
    return errors


@transaction.atomic
def partner_agency_create(*, actor: Any, name: str, kind: str, email: str = "", phone: str = "") -> PartnerAgency:
    """Add a partner agency (police, health, a school, a voluntary organisation…)."""
    require(can_manage_organisation(actor), REFUSED)
    values: dict[str, Any] = {"name": name, "kind": kind, "email": email, "phone": phone}
    raise_if(_check_agency(values))
    agency = PartnerAgency(**values)
    _stamp_new(agency, actor)
    full_clean_or_raise(agency)
    agency.save()
    return agency


@transaction.atomic
def partner_agency_update(
    *, actor: Any, partner_agency: PartnerAgency, expected_version: int | None, **fields: Any
) -> PartnerAgency:
    """Change a partner agency's details, or close it."""
    require(can_manage_organisation(actor), REFUSED)
    _check_fields(fields, PARTNER_AGENCY_FIELDS)
    errors = _check_agency(fields, exclude_pk=partner_agency.pk)
    if fields.get("is_active") is False and partner_agency.is_active:
        users = partner_agency.users.filter(is_active=True).count()
        if users:
            errors["is_active"] = [
                f"Deactivate the agency's {users} active user account{'s' if users != 1 else ''} before closing it"
            ]
    raise_if(errors)
    changed = _apply(partner_agency, fields)
    full_clean_or_raise(partner_agency)
    _save_update(partner_agency, actor=actor, expected_version=expected_version, changed=changed)
    return partner_agency
