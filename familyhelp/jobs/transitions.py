"""Allowed moves of a job's status (a table, as in every app)."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.jobs.models import Job

S = Job.Status

ALLOWED: dict[str, set[str]] = {
    S.QUEUED: {S.RUNNING},
    S.RUNNING: {S.SUCCEEDED, S.FAILED},
    S.SUCCEEDED: set(),
    S.FAILED: set(),
}


def can_move(current: str, new: str) -> bool:
    return new in ALLOWED.get(current, set())


def check_transition(current: str, new: str) -> None:
    """Raise DomainError unless the move is allowed."""
    if not can_move(current, new):
        raise DomainError(f"A job cannot move from {current} to {new}.")
