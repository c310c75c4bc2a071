"""Every read of personal data: scoped to the user, and logged in the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, F, Prefetch, QuerySet, Value, When

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.chronology.models import ChronologyEvent
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


# --- Search: familyhelp/people/search.py (re-exported here, where every read of personal data lives) ---
from familyhelp.people.search import SearchCriteria, SearchResult, person_search_for_user  # noqa: E402

__all__ = ["SearchCriteria", "SearchResult", "person_search_for_user"]
