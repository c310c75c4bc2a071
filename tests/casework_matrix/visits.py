"""Role-matrix rows for visits, case notes and the casework policy (merged by test_permission_coverage).

`build(world)` runs after cases.build, so `world.case` (the social worker's open level 4 case for
`world.own`) exists. It adds a visit and a case note by the social worker.
"""

from __future__ import annotations

import datetime
from typing import Any

CASE = {"pk": lambda w: w.case.pk}
NOTE = {"pk": lambda w: w.case.pk, "note_pk": lambda w: w.case_note.pk}
TODAY = datetime.date.today().isoformat()
# Seeing the case: practitioners and managers with the child in scope, senior leaders.
VIEW = "403 200 200 403 200 403 403 403 403 302"
# Working the case: practitioners and managers with the child in scope.
WORK = "403 200 200 403 403 403 403 403 403 302"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_CREATE = "403 201 201 403 403 403 403 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "casework:policy": ("get", {}, None, "403 403 403 403 403 403 200 403 403 302"),
    "casework:visits": ("get", CASE, None, VIEW),
    "casework:visit_add": ("get", CASE, None, WORK),
    "casework:notes": ("get", CASE, None, VIEW),
    "casework:note_add": ("get", CASE, None, WORK),
    "casework:note_correct": ("get", NOTE, None, WORK),
    "api:visit-list": (
        "post",
        {},
        lambda w: {"case": str(w.case.pk), "visited_on": TODAY, "seen": "alone"},
        API_CREATE,
    ),
    "api:visit-detail": ("get", {"pk": lambda w: w.visit.pk}, None, API_VIEW),
    # Without ?case= the clock is a field-level 400 for those allowed to ask.
    "api:visit-next-due": ("get", {}, None, "403 400 400 400 400 403 403 403 403 401"),
    "api:case-note-list": (
        "post",
        {},
        lambda w: {"case": str(w.case.pk), "category": "contact", "occurred_on": TODAY, "text": "Rang Siobhán."},
        API_CREATE,
    ),
    "api:case-note-detail": ("get", {"pk": lambda w: w.case_note.pk}, None, API_VIEW),
    # Anyone who sees cases, and the administrator, may read the policy (PATCH: administrator; see tests).
    "api:casework-policy-list": ("get", {}, None, "403 200 200 200 200 403 200 403 403 401"),
}


def build(world: Any) -> None:
    """A visit and a case note on the social worker's case."""
    from familyhelp.casework.models import CaseNote, Visit

    world.visit = Visit.objects.create(
        case=world.case,
        person=world.own,
        visited_on=world.case.opened_on,
        seen=Visit.Seen.ALONE,
        visited_by=world.sw,
    )
    world.case_note = CaseNote.objects.create(
        case=world.case,
        person=world.own,
        category=CaseNote.Category.CONTACT,
        occurred_on=world.case.opened_on,
        text="Spoke to Zoë's mother, Siobhán O'Brien.",
        created_by=world.sw,
    )
