"""Role-matrix rows for the practice app (merged by test_permission_coverage).

`build(world)` runs after casework's builders, so `world.case` (the social worker's open case for
`world.own`) exists. It adds a draft exploitation screening for `world.own` (`world.practice_draft`).
"""

from __future__ import annotations

import datetime
from typing import Any

TODAY = datetime.date.today().isoformat()
OWN = {"pk": lambda w: w.own.pk}
DRAFT = {"pk": lambda w: w.practice_draft.pk}
# Reading a child's practice tools: practitioners and managers with the child in scope, senior leaders.
VIEW = "403 200 200 403 200 403 403 403 403 302"
# Recording: work_case on an open case of the child (the E&M coordinator is tested in the app's tests).
WORK = "403 200 200 403 403 403 403 403 403 302"
WORK_POST = "403 302 302 403 403 403 403 403 403 302"
API_VERB = "403 200 200 200 200 403 403 403 403 401"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_CREATE = "403 201 201 403 403 403 403 403 403 401"
API_WORK = "403 200 200 403 403 403 403 403 403 401"

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "practice:child": ("get", OWN, None, VIEW),
    "practice:history": ("get", {"pk": lambda w: w.own.pk, "kind": lambda w: "gcp2"}, None, VIEW),
    "practice:start": ("get", {"pk": lambda w: w.own.pk, "kind": lambda w: "exploitation_screening"}, None, WORK),
    "practice:completion": ("get", DRAFT, None, VIEW),
    "practice:edit": ("get", DRAFT, None, WORK),
    "practice:finalise": ("post", DRAFT, lambda w: {"version": w.practice_draft.version}, WORK_POST),
    "api:practice-instrument-list": ("get", {}, None, API_VERB),
    "api:practice-instrument-detail": ("get", {"pk": lambda w: w.practice_instrument.pk}, None, API_VERB),
    "api:practice-completion-list": (
        "post",
        {},
        lambda w: {
            "person": str(w.own.pk),
            "kind": "gcp2",
            "completed_on": TODAY,
            "answers": {"grades": {"safety": 3}},
        },
        API_CREATE,
    ),
    "api:practice-completion-detail": ("get", DRAFT, None, API_VIEW),
    "api:practice-completion-family": ("get", {}, lambda w: {"person": str(w.own.pk)}, API_VIEW),
    "api:practice-completion-finalise": (
        "post",
        DRAFT,
        lambda w: {"version": w.practice_draft.version},
        API_WORK,
    ),
}


def build(world: Any) -> None:
    """A draft exploitation screening for the social worker's child."""
    from familyhelp.practice.models import Instrument
    from familyhelp.practice.services import completion_start

    world.practice_instrument = Instrument.objects.get(kind="exploitation_screening", version_number=1)
    world.practice_draft = completion_start(
        actor=world.sw,
        person=world.own,
        kind="exploitation_screening",
        completed_on=datetime.date.today(),
        answers={"present": ["missing", "phones"]},
    )
