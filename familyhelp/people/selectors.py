"""Every read of personal data: scoped to the user, and logged in the access log."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, F, Prefetch, Q, QuerySet, Value, When
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.people import identifiers, matching
from familyhelp.people.merges import merged_record_ids
from familyhelp.people.models import (
    Family,
    FamilyMember,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from familyhelp.people.permissions import Access, person_access, scope_people


class BreakGlassRequired(PermissionDenied):
    """The record is restricted: the user may open it only by giving a reason."""

    def __init__(self, person: Person):
        super().__init__("This record is restricted.")
        self.person = person


def person_get_for_user(user: Any, pk: Any, *, purpose: str = "") -> tuple[Person, Access]:
    """Fetch one person's record for the user, logging the read (or the refusal)."""
    if not has_verb(user, roles.VIEW_PERSON):
        raise PermissionDenied("Your role cannot view people's records.")
    try:
        person = Person.objects.select_related("restricted_by").get(pk=pk)
    except (Person.DoesNotExist, ValueError) as exc:
        from django.http import Http404

        raise Http404("No such record") from exc
    access = person_access(user, person)
    if access.allowed:
        access_log_record(
            actor=user,
            action=AccessLog.Action.VIEW,
            person=person,
            obj=person,
            basis=access.basis or "",
            reason=purpose,
        )
        return person, access
    reason = "restricted record: break glass offered" if access.needs_break_glass else "outside record scope"
    access_log_record(
        actor=user,
        action=AccessLog.Action.DENIED,
        person=person,
        obj=person,
        basis=access.basis or "none",
        reason=reason,
    )
    if access.needs_break_glass:
        raise BreakGlassRequired(person)
    raise PermissionDenied("You do not have access to this record.")


def person_peek_for_break_glass(user: Any, pk: Any) -> Person:
    """The minimum about a restricted record the break-glass page needs (its reference only)."""
    person = Person.objects.get(pk=pk)
    if not person_access(user, person).needs_break_glass:
        raise PermissionDenied("You cannot open this record.")
    return person


def person_details(person: Person) -> dict[str, Any]:
    """Everything shown on a child's page, fetched with a fixed number of queries.

    A record other records were merged into also shows their names (see people.merges)."""
    merged = merged_record_ids(person)
    return {
        "other_names": list(person.other_names.all()),
        "merged_names": _merged_names(merged),
        "disabilities": list(person.disabilities.all()),
        "addresses": list(PersonAddress.objects.filter(person=person).select_related("address", "address__locality")),
        "relationships": list(
            Relationship.objects.filter(person=person)
            .select_related("related_person")
            .order_by("type", "related_person__family_name")
        ),
        "families": list(
            FamilyMember.objects.filter(person=person)
            .select_related("family")
            .prefetch_related(Prefetch("family__members", queryset=FamilyMember.objects.select_related("person")))
        ),
        "involvements": list(
            ProfessionalInvolvement.objects.filter(person=person)
            .select_related("worker", "worker__team", "agency")
            .order_by("end_date", "-start_date")
        ),
    }


def _merged_names(merged: list[Any]) -> list[dict[str, str]]:
    """The names on records merged into a person: each record's own name and its other names."""
    if not merged:
        return []
    names = [
        {"name": p.full_name, "kind": "name on the merged record", "reference": p.reference}
        for p in Person.objects.filter(pk__in=merged).only("reference", "given_names", "family_name")
    ]
    names += [
        {"name": n.full_name, "kind": n.get_kind_display().lower(), "reference": n.person.reference}
        for n in PersonName.objects.filter(person__in=merged).select_related("person")
    ]
    return names


def chronology_list_for_person(person: Person, *, kinds: list[str] | None = None) -> QuerySet[ChronologyEvent]:
    """The person's chronology, newest first, optionally limited to some kinds (access already checked).

    It includes the events of records merged into this one; `from_reference` names the merged record an
    event came from ('' for the person's own events)."""
    merged = merged_record_ids(person)
    qs = (
        ChronologyEvent.objects.filter(person_id__in=[person.pk, *merged])
        .select_related("recorded_by")
        .annotate(
            from_reference=Case(
                When(person_id=person.pk, then=Value("")), default=F("person__reference"), output_field=CharField()
            )
        )
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("-occurred_on", "-occurred_time", "-recorded_at")


def referred_involvements(user: Any, person: Person) -> list[ProfessionalInvolvement]:
    """What a partner user referred about this person."""
    return list(ProfessionalInvolvement.objects.filter(person=person, worker=user, role="referrer"))


def family_get_for_user(user: Any, pk: Any) -> tuple[Family, list[FamilyMember]]:
    """A family and the members the user may see; refused when the user can see none of them."""
    family = Family.objects.get(pk=pk)
    members = list(FamilyMember.objects.filter(family=family).select_related("person"))
    visible = set(
        scope_people(user, Person.objects.filter(pk__in=[m.person_id for m in members])).values_list("pk", flat=True)
    )
    if not visible or not has_verb(user, roles.VIEW_PERSON) or getattr(user, "is_partner", False):
        access_log_record(
            actor=user, action=AccessLog.Action.DENIED, obj=family, basis="none", reason="no member inside record scope"
        )
        raise PermissionDenied("You do not have access to this family.")
    shown = [m for m in members if m.person_id in visible]
    access_log_record(
        actor=user,
        action=AccessLog.Action.VIEW,
        obj=family,
        basis="",
        reason="family page",
        criteria={"members_shown": len(shown)},
    )
    return family, shown


def family_chronology(family: Family, visible_members: list[FamilyMember]) -> list[ChronologyEvent]:
    """A family's chronology limited to events about the family itself or members the user can see."""
    visible = {m.person_id for m in visible_members}
    qs = family.chronology.select_related("recorded_by").order_by("-occurred_on", "-recorded_at")
    return [e for e in qs[:500] if e.person_id is None or e.person_id in visible][:200]


# --- Search -------------------------------------------------------------------------------------


@dataclass
class SearchCriteria:
    """What the user searched for. Logged with the search."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""

    def is_empty(self) -> bool:
        return not any(
            [self.given_names, self.family_name, self.date_of_birth, self.postcode, self.nhs_number, self.upn]
        )

    def as_log(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v}


@dataclass
class SearchResult:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    restricted: bool = False


def _dob_candidates(dob: date) -> Q:
    q = Q(date_of_birth=dob)
    if dob.day <= 12 and dob.day != dob.month:
        with contextlib.suppress(ValueError):
            q |= Q(date_of_birth=dob.replace(month=dob.day, day=dob.month))
    for delta in (-1, 1):
        with contextlib.suppress(ValueError):  # 29 February
            q |= Q(date_of_birth=dob.replace(year=dob.year + delta))
    return q


def _name_score(person: Person, given: str, family: str, aliases: list[PersonName]) -> tuple[float, list[str]]:
    """Score 0..1 for how well the names match, and why."""
    best = 0.0
    reasons: list[str] = []
    names = [(person.search_given, person.search_family, "")] + [
        (a.search_given, a.search_family, f" ({a.get_kind_display().lower()})") for a in aliases
    ]
    want_variants = matching.name_variants(given) if given else set()
    for g, f, suffix in names:
        for swapped, (gg, ff) in ((False, (g, f)), (True, (f, g))):
            parts = []
            score = 0.0
            weight = 0.0
            if family:
                s = JaroWinkler.similarity(family, ff) if ff else 0.0
                score += 0.6 * s
                weight += 0.6
                if s == 1.0:
                    parts.append("family name matches")
                elif s >= 0.88:
                    parts.append("family name is similar")
                elif matching.phonetic(family) and matching.phonetic(family) == matching.phonetic(ff):
                    score += 0.6 * (0.85 - s) if s < 0.85 else 0
                    parts.append("family name sounds alike")
            if given:
                first = gg.split(" ")[0] if gg else ""
                s = max(
                    JaroWinkler.similarity(given, gg) if gg else 0.0,
                    fuzz.token_set_ratio(given, gg) / 100 if gg else 0.0,
                )
                if first and first in want_variants and first != given.split(" ")[0]:
                    s = max(s, 0.9)
                    parts.append("given name is a known short form")
                elif s == 1.0:
                    parts.append("given name matches")
                elif s >= 0.88:
                    parts.append("given name is similar")
                score += 0.4 * s
                weight += 0.4
            total = score / weight if weight else 0.0
            if swapped:
                total *= 0.92
                parts = [p + " (names swapped)" for p in parts]
            if total > best:
                best = total
                reasons = [p + suffix for p in parts]
    return best, reasons


def _prefix_q(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as an index range ([prefix, next prefix)) rather than LIKE, which SQLite
    and PostgreSQL cannot serve from a plain index. Search keys are folded to lower-case letters and spaces."""
    prefix = prefix.rstrip()
    if not prefix:
        return Q(pk__in=[])
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def _candidate_blocks(
    given: str, family: str, dob: date | None, nhs: str, upn: str, postcode: str
) -> list[tuple[Q, int]]:
    """Indexed candidate sets ("blocks") for a search, each with a cap; scoring happens afterwards."""
    blocks: list[tuple[Q, int]] = []
    key_f, key_g = matching.phonetic(family), matching.phonetic(given)
    if family:
        alias_q = Q(phonetic_family=key_f) | _prefix_q("search_family", family[:3])
        blocks.append((Q(pk__in=PersonName.objects.filter(alias_q).values("person_id")), 200))
        if given:
            first = given.split(" ")[0]
            variants = sorted(matching.name_variants(given))
            blocks += [
                (Q(phonetic_family=key_f, phonetic_given=key_g), 1000),  # both sound alike
                (_prefix_q("search_family", family[:3]) & _prefix_q("search_given", first[:1]), 1000),
                (Q(phonetic_given=key_g) & _prefix_q("search_family", family[:1]), 1000),  # a typo in the family name
                (Q(phonetic_family=key_f, search_given__in=variants), 500),  # nicknames (Kate / Katherine)
                (Q(phonetic_family=key_g, phonetic_given=key_f), 500),  # names the wrong way round
                (_prefix_q("search_family", given[:3]) & _prefix_q("search_given", family[:1]), 500),
            ]
        else:
            blocks.append((Q(phonetic_family=key_f) | _prefix_q("search_family", family[:3]), 2000))
    elif given:
        blocks.append((Q(phonetic_given=key_g) | _prefix_q("search_given", given[:3]), 2000))
    if dob:
        dob_q = _dob_candidates(dob)
        if family:
            dob_q &= Q(phonetic_family=key_f) | _prefix_q("search_family", family[:1])
        elif given:
            dob_q &= Q(phonetic_given=key_g) | _prefix_q("search_given", given[:1])
        blocks.append((dob_q, 2000))
    if nhs:
        blocks.append((Q(nhs_number=nhs), 50))
    if upn:
        blocks.append((Q(upn=upn) | Q(former_upn=upn), 50))
    if postcode:
        blocks.append((Q(pk__in=PersonAddress.objects.filter(address__postcode=postcode).values("person_id")), 500))
    return blocks


def person_search_for_user(user: Any, criteria: SearchCriteria, *, purpose: str, limit: int = 50) -> list[SearchResult]:
    """Typo-tolerant search over people the user may see; the search and its criteria are logged."""
    if not has_verb(user, roles.SEARCH_PERSON):
        raise PermissionDenied("Your role cannot search for people.")
    given = matching.fold(criteria.given_names)
    family = matching.fold(criteria.family_name)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, cleaner in (
        ("nhs_number", identifiers.clean_nhs_number),
        ("upn", identifiers.clean_upn),
        ("postcode", identifiers.clean_postcode),
    ):
        try:
            cleaned[key] = cleaner(getattr(criteria, key)) if getattr(criteria, key) else ""
        except ValueError as exc:
            errors[key] = [str(exc)]
    if errors:
        raise DomainError(errors=errors)
    nhs, upn, postcode = cleaned["nhs_number"], cleaned["upn"], cleaned["postcode"]
    blocks = _candidate_blocks(given, family, criteria.date_of_birth, nhs, upn, postcode)
    results: list[SearchResult] = []
    if blocks:
        # Each block is small and indexed; a block is capped so one common name cannot crowd out the rest.
        pks: set[Any] = set()
        for q, cap in blocks:
            pks.update(scope_people(user, Person.objects.filter(q)).values_list("pk", flat=True)[:cap])
        candidates = list(
            Person.objects.filter(pk__in=pks).prefetch_related(
                "other_names",
                Prefetch("addresses", queryset=PersonAddress.objects.select_related("address")),
            )
        )
        for person in candidates:
            score = 0.0
            weight = 0.0
            reasons: list[str] = []
            if given or family:
                s, why = _name_score(person, given, family, list(person.other_names.all()))
                score += 2.0 * s
                weight += 2.0
                reasons += why
            if criteria.date_of_birth:
                weight += 1.0
                dob = person.date_of_birth
                if dob == criteria.date_of_birth:
                    score += 1.0
                    reasons.append("date of birth matches")
                elif (
                    dob
                    and (dob.day, dob.month) == (criteria.date_of_birth.month, criteria.date_of_birth.day)
                    and dob.year == criteria.date_of_birth.year
                ):
                    score += 0.8
                    reasons.append("date of birth matches with day and month swapped")
                elif (
                    dob
                    and (dob.day, dob.month) == (criteria.date_of_birth.day, criteria.date_of_birth.month)
                    and abs(dob.year - criteria.date_of_birth.year) == 1
                ):
                    score += 0.7
                    reasons.append("date of birth matches but for the year (±1)")
            if nhs:
                weight += 3.0
                if person.nhs_number == nhs:
                    score += 3.0
                    reasons.append("NHS number matches")
            if upn:
                weight += 3.0
                if upn in (person.upn, person.former_upn):
                    score += 3.0
                    reasons.append("UPN matches")
            if postcode:
                weight += 0.5
                current = [pa for pa in person.addresses.all() if pa.address.postcode == postcode]
                if current:
                    score += 0.5
                    reasons.append("lives or lived at this postcode")
            final = score / weight if weight else 0.0
            if final >= 0.45:
                results.append(
                    SearchResult(person=person, score=round(final, 3), reasons=reasons, restricted=person.is_restricted)
                )
        results.sort(key=lambda r: (-r.score, r.person.family_name, r.person.given_names))
        results = results[:limit]
    for result in results:
        if result.restricted and person_access(user, result.person).allowed:
            result.restricted = False
    access_log_record(
        actor=user,
        action=AccessLog.Action.SEARCH,
        criteria=criteria.as_log(),
        reason=purpose,
        result_count=len(results),
    )
    return results
