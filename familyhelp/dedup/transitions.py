"""Allowed status moves of a possible duplicate, as a table. Each move has one service in services.py."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.dedup.models import DuplicateCandidate

S = DuplicateCandidate.Status

TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.MERGED, S.NOT_DUPLICATE, S.WITHDRAWN},
    S.MERGED: {S.NOT_DUPLICATE, S.OPEN},  # the merge was undone (back to the queue if asked)
    S.NOT_DUPLICATE: set(),  # a decision the batch job never reopens
    S.WITHDRAWN: {S.OPEN},  # found again by a later run
}

ALREADY: dict[str, str] = {
    S.MERGED: "These records have already been merged",
    S.NOT_DUPLICATE: "This pair has already been marked as not a duplicate",
    S.WITHDRAWN: "This pair is no longer suggested: one of the records has been merged or changed",
}


def check_transition(current: str, new: str) -> None:
    """Raise DomainError unless the move from `current` to `new` is allowed."""
    if new not in TRANSITIONS.get(current, set()):
        raise DomainError(ALREADY.get(current, f"A possible duplicate cannot move from {current} to {new}"))
