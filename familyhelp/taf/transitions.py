"""Allowed status moves of a team-around-the-family action, as a table."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.taf.models import TafAction

S = TafAction.Status

ACTION_MOVES: dict[str, set[str]] = {
    S.OPEN: {S.DONE, S.DROPPED},
    S.DONE: {S.OPEN},  # reopened: it turned out not to be done
    S.DROPPED: {S.OPEN},
}


def check_action_move(current: str, new: str) -> None:
    """Raise a field-level DomainError unless the action may move from `current` to `new`."""
    if new not in S.values:
        raise DomainError("Select a status", field="status")
    if new == current:
        raise DomainError(f"The action is already {S(current).label.lower()}", field="status")
    if new not in ACTION_MOVES[current]:
        raise DomainError(
            f"An action that is {S(current).label.lower()} cannot become {S(new).label.lower()}", field="status"
        )
