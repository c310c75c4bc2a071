"""Reading practice tools. A completion is part of the child's record: every read is access-logged."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core.errors import DomainError
from familyhelp.people.models import Family, FamilyMember, Person
from familyhelp.people.permissions import person_access
from familyhelp.people.selectors import BreakGlassRequired
from familyhelp.practice.models import Completion, Instrument
from familyhelp.practice.permissions import can_view_practice


def _check(user: Any, person: Person, obj: Any, purpose: str) -> None:
    """Log the read (or the refusal) of the child's practice tools; raise when the user may not see them."""
    access = person_access(user, person)
    if person.is_restricted and not access.allowed:
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=person,
            obj=obj,
            basis=access.basis or "none",
            reason="restricted record: break glass offered",
        )
        if access.needs_break_glass:
            raise BreakGlassRequired(person)
        raise PermissionDenied("You do not have access to this record.")
    if not can_view_practice(user, person):
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=person,
            obj=obj,
            basis="none",
            reason="practice tools not in scope",
        )
        raise PermissionDenied("You cannot see this child's practice tools.")
    access_log_record(
        actor=user, action=AccessLog.Action.VIEW, person=person, obj=obj, basis=access.basis or "", reason=purpose
    )


def child_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the practice tools") -> Person:
    """The child whose practice tools the user reads; the read is logged (404 unknown, 403 out of scope)."""
    try:
        person = Person.objects.get(pk=pk, kind=Person.Kind.CHILD)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child") from exc
    _check(user, person, person, purpose)
    return person


def completion_get_for_user(user: Any, pk: Any, *, purpose: str = "opened a practice tool") -> Completion:
    """One completion the user may see; the read is logged against the child."""
    try:
        completion = Completion.objects.select_related(
            "instrument", "person", "completed_by", "finalised_by", "review_of", "case", "family"
        ).get(pk=pk)
    except (Completion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such completion") from exc
    _check(user, completion.person, completion, purpose)
    return completion


def completions_for_child(person: Person, kind: str | None = None) -> QuerySet[Completion]:
    """The child's completions (drafts and final), oldest first. Call only after a logged read of the child."""
    qs = Completion.objects.filter(person=person).select_related("instrument", "completed_by", "review_of")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("completed_on", "created_at")


def families_of(person: Person) -> list[Family]:
    """The families the child belongs to now (a tool may be completed for one of them)."""
    ids = FamilyMember.objects.filter(person=person, end_date__isnull=True).values("family_id")
    return list(Family.objects.filter(pk__in=ids).order_by("name", "reference"))


def family_for_child(person: Person, pk: Any) -> Family:
    """One of the families the child belongs to now, by id (DomainError on `family` otherwise)."""
    found = next((f for f in families_of(person) if str(f.pk) == str(pk)), None)
    if found is None:
        raise DomainError("Choose a family this child belongs to now", field="family")
    return found


def family_completions_for_child(user: Any, person: Person, kind: str | None = None) -> tuple[list[Completion], int]:
    """Completions made for the whole of one of the child's families but filed under another child of it, as
    far as the user may see that child's practice tools without breaking glass; and how many others there are
    (counted, never listed). Call only after a logged read of this child."""
    qs = (
        Completion.objects.filter(family__in=families_of(person))
        .exclude(person=person)
        .select_related("instrument", "person", "family", "completed_by", "review_of")
        .order_by("completed_on", "created_at")
    )
    if kind:
        qs = qs.filter(kind=kind)
    visible: list[Completion] = []
    hidden = 0
    allowed: dict[Any, bool] = {}
    for completion in qs:
        if completion.person_id not in allowed:
            allowed[completion.person_id] = can_view_practice(user, completion.person)
        if allowed[completion.person_id]:
            visible.append(completion)
        else:
            hidden += 1
    return visible, hidden


def latest_final(person: Person, kind: str) -> Completion | None:
    """The child's most recent final completion of the kind."""
    return (
        Completion.objects.filter(person=person, kind=kind, status=Completion.Status.FINAL)
        .select_related("instrument")
        .order_by("-completed_on", "-created_at")
        .first()
    )


def instrument_in_force(kind: str, on: datetime.date) -> Instrument | None:
    """The version of the tool in force on a date (the latest version whose in-force date has come)."""
    return Instrument.objects.filter(kind=kind, in_force_from__lte=on).order_by("-in_force_from").first()


def instruments_current(on: datetime.date) -> list[Instrument]:
    """The version of each tool in force on the date, in the order of Instrument.Kind."""
    found = [instrument_in_force(kind, on) for kind in Instrument.Kind.values]
    return [i for i in found if i is not None]
