"""Reads for the review queue: scoped to the user; opening a pair reads (and logs) both records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from familyhelp.dedup.models import DuplicateCandidate, PersonMerge
from familyhelp.dedup.permissions import can_manage_duplicates, scope_candidates
from familyhelp.people.merges import merged_record_ids
from familyhelp.people.models import Person
from familyhelp.people.permissions import Access, person_access
from familyhelp.people.selectors import person_details, person_get_for_user


def _require_verb(user: Any) -> None:
    if not can_manage_duplicates(user):
        raise PermissionDenied("Your role cannot review possible duplicates.")


def candidate_list_for_user(user: Any, *, status: str = DuplicateCandidate.Status.OPEN) -> QuerySet[DuplicateCandidate]:
    """Possible duplicates with this status whose two records are inside the user's scope, best first."""
    _require_verb(user)
    qs = DuplicateCandidate.objects.filter(status=status).select_related("person_a", "person_b", "decided_by")
    return scope_candidates(user, qs).order_by("-score", "found_at", "pk")


def candidate_counts_for_user(user: Any) -> dict[str, int]:
    """How many pairs wait for review in the whole council, and how many of them the user can see."""
    _require_verb(user)
    waiting = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    return {"waiting": waiting.count(), "visible": scope_candidates(user, waiting).count()}


def masked(user: Any, person: Person) -> bool:
    """True when a restricted record must be shown by its reference only (the user cannot open it now)."""
    return person.is_restricted and not person_access(user, person).allowed


@dataclass
class Side:
    """One record of a pair as the comparison page shows it."""

    person: Person
    access: Access
    details: dict[str, Any]
    merged_in: list[PersonMerge]


def _side(user: Any, pk: Any, purpose: str) -> Side:
    person, access = person_get_for_user(user, pk, purpose=purpose)  # logged; raises if not allowed
    return Side(
        person=person,
        access=access,
        details=person_details(person),
        merged_in=list(
            PersonMerge.objects.filter(survivor=person, undone_at__isnull=True).select_related("merged", "merged_by")
        ),
    )


def candidate_get_for_user(user: Any, pk: Any) -> tuple[DuplicateCandidate, Side, Side]:
    """A pair with both records in full, for side-by-side review. Both reads are logged."""
    _require_verb(user)
    try:
        candidate = DuplicateCandidate.objects.select_related("decided_by").get(pk=pk)
    except (DuplicateCandidate.DoesNotExist, ValueError) as exc:
        raise Http404("No such pair") from exc
    a = _side(user, candidate.person_a_id, "reviewing a possible duplicate")
    b = _side(user, candidate.person_b_id, "reviewing a possible duplicate")
    return candidate, a, b


def merge_get_for_user(user: Any, pk: Any) -> tuple[PersonMerge, Person, Person]:
    """A merge with its two records (both reads logged), for undoing it."""
    _require_verb(user)
    try:
        merge = PersonMerge.objects.select_related("merged_by", "undone_by", "candidate").get(pk=pk)
    except (PersonMerge.DoesNotExist, ValueError) as exc:
        raise Http404("No such merge") from exc
    survivor, _ = person_get_for_user(user, merge.survivor_id, purpose="undoing a merge")
    merged, _ = person_get_for_user(user, merge.merged_id, purpose="undoing a merge")
    return merge, survivor, merged


def merges_for_person(person: Person) -> dict[str, Any]:
    """For a person's page: the merge that made this record a duplicate (if any), and the records merged
    into it (directly or through a chain). The caller has already checked access to the person."""
    merged_into = None
    if person.merged_into_id is not None:
        merged_into = (
            PersonMerge.objects.filter(merged=person, undone_at__isnull=True)
            .select_related("survivor", "merged_by")
            .first()
        )
    merged_ids = merged_record_ids(person)
    merged_in = (
        list(
            PersonMerge.objects.filter(merged__in=merged_ids, undone_at__isnull=True)
            .select_related("merged", "survivor", "merged_by")
            .order_by("-merged_at")
        )
        if merged_ids
        else []
    )
    return {"merged_into_merge": merged_into, "merges_received": merged_in}


def compare_rows(a: Side, b: Side) -> list[dict[str, Any]]:
    """The fields shown side by side, each with both values and whether they differ."""

    def names(side: Side) -> str:
        others = [f"{n.full_name} ({n.get_kind_display().lower()})" for n in side.details["other_names"]]
        return "; ".join(others) or "None recorded"

    def address(side: Side) -> str:
        current = [pa for pa in side.details["addresses"] if pa.end_date is None]
        return str(current[0].address) if current else "Not recorded"

    def dob(p: Person) -> str:
        if p.is_unborn:
            return f"Unborn, due {p.expected_date_of_birth:%-d %B %Y}" if p.expected_date_of_birth else "Unborn"
        return f"{p.date_of_birth:%-d %B %Y}" if p.date_of_birth else "Not known"

    rows: list[tuple[str, str, str]] = [
        ("Given names", a.person.given_names or "–", b.person.given_names or "–"),
        ("Family name", a.person.family_name or "–", b.person.family_name or "–"),
        ("Preferred name", a.person.preferred_name or "–", b.person.preferred_name or "–"),
        ("Other names", names(a), names(b)),
        ("Date of birth", dob(a.person), dob(b.person)),
        ("Sex", a.person.get_sex_display(), b.person.get_sex_display()),
        ("Child or adult", a.person.get_kind_display(), b.person.get_kind_display()),
        ("NHS number", a.person.nhs_number or "Not recorded", b.person.nhs_number or "Not recorded"),
        ("UPN", a.person.upn or "Not recorded", b.person.upn or "Not recorded"),
        ("Current address", address(a), address(b)),
        ("Record created", f"{a.person.created_at:%-d %B %Y}", f"{b.person.created_at:%-d %B %Y}"),
    ]
    return [{"label": label, "a": va, "b": vb, "differs": va != vb} for label, va, vb in rows]
