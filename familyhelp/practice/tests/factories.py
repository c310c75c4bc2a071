"""Builders for practice tool tests: an E&M coordinator, and completions made through the services."""

from __future__ import annotations

import datetime
from typing import Any

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.organisation.models import Team
from familyhelp.people.tests.factories import InvolvementFactory
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion


def em_coordinator(world: Any, child: Any = None, *, team_kind: str = Team.Kind.EXPLOITATION_MISSING) -> Any:
    """A specialist coordinator in an exploitation and missing team, with `child` on their caseload."""
    team = TeamFactory(local_authority=world.la, name=f"Team {team_kind}", kind=team_kind)
    user = UserFactory(username=f"coord-{team_kind}", role=Role.SPECIALIST_COORDINATOR, team=team)
    if child is not None:
        InvolvementFactory(person=child, worker=user, start_date=datetime.date(2024, 1, 1))
    return user


def final(
    actor: Any, person: Any, kind: str, on: datetime.date, answers: dict[str, Any], review_of: Any = None
) -> Completion:
    """A finalised completion, through the services."""
    draft = svc.completion_start(
        actor=actor, person=person, kind=kind, completed_on=on, answers=answers, review_of=review_of
    )
    return svc.completion_finalise(actor=actor, completion=draft, expected_version=draft.version)


def gcp2(physical: int, safety: int, love: int, esteem: int) -> dict[str, Any]:
    return {"grades": {"physical_care": physical, "safety": safety, "love_and_care": love, "esteem": esteem}}


def sos(*scaling: tuple[str, str, int]) -> dict[str, Any]:
    return {
        "worries": "Dad's drinking when he looks after Zoë",
        "working_well": "Nan collects Zoë from school",
        "danger_statements": ["Zoë could be hurt if Dad drinks while caring for her"],
        "safety_goals": ["Zoë is always cared for by a sober adult"],
        "scaling": [{"name": n, "role": r, "score": s} for n, r, s in scaling],
    }
