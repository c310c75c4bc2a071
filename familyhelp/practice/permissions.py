"""Who may read and record practice tools for a child. Views check these; services check them again.

Reading needs `casework.view_case` and the child inside the user's record scope. Recording needs either
`casework.work_case` on an open case of the child (practitioners and managers with the child in scope), or
— for the exploitation screening only — `specialist.coordinate_service` as a coordinator in an exploitation
and missing team, with the child in their record scope (that team holds no cases: 000 §4.12).
"""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.models import Case
from familyhelp.casework.permissions import can_work_case
from familyhelp.organisation.models import Team
from familyhelp.people.models import Person
from familyhelp.people.permissions import person_access
from familyhelp.practice import definitions as d


def can_view_practice(user: Any, person: Person) -> bool:
    """Read a child's practice tools (the list, completions and charts)."""
    return has_verb(user, roles.VIEW_CASE) and person.kind == Person.Kind.CHILD and person_access(user, person).allowed


def is_exploitation_coordinator(user: Any) -> bool:
    team = getattr(user, "team", None)
    return has_verb(user, roles.COORDINATE_SERVICE) and team is not None and team.kind == Team.Kind.EXPLOITATION_MISSING


def workable_case(user: Any, person: Person) -> Case | None:
    """The most recent open case of the child the user may work on, if any."""
    if not has_verb(user, roles.WORK_CASE):
        return None
    for case in (
        Case.objects.filter(person=person, closed_on__isnull=True).select_related("person").order_by("-opened_on")
    ):
        if can_work_case(user, case):
            return case
    return None


def can_record_practice(user: Any, person: Person, kind: str | None = None) -> bool:
    """Record (start, change, finalise) a completion of the kind for the child; kind None = any kind."""
    if person.kind != Person.Kind.CHILD or person.merged_into_id is not None:
        return False
    if workable_case(user, person) is not None:
        return True
    return kind in (None, d.EXPLOITATION) and is_exploitation_coordinator(user) and person_access(user, person).allowed


def kinds_recordable(user: Any, person: Person) -> set[str]:
    """The kinds of tool the user may record for the child."""
    if person.kind != Person.Kind.CHILD or person.merged_into_id is not None:
        return set()
    if workable_case(user, person) is not None:
        return {d.EXPLOITATION, d.GCP2, d.SIGNS_OF_SAFETY}
    if is_exploitation_coordinator(user) and person_access(user, person).allowed:
        return {d.EXPLOITATION}
    return set()
