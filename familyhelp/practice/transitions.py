"""Allowed status moves of a practice tool completion, as a table. Each move has one service in services.py."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.practice.models import Completion

S = Completion.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.FINAL},
    S.FINAL: set(),  # append-only: a later review is a new completion
}


def check_transition(current: str, new: str) -> None:
    """Raise DomainError unless the move from `current` to `new` is allowed."""
    if new not in TRANSITIONS.get(current, set()):
        if current == S.FINAL:
            raise DomainError("This completion is final and cannot be changed: record a review instead")
        raise DomainError(f"A completion cannot move from {current} to {new}")
