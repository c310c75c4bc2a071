"""Allowed status moves of a panel request and of a panel sitting, as tables. Each move has one service."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.panels.models import Panel, PanelRequest

S = PanelRequest.Status

# A deferred request goes back on the next sitting's agenda; decided and withdrawn requests are closed.
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.ON_AGENDA, S.WITHDRAWN},
    S.ON_AGENDA: {S.APPROVED, S.DECLINED, S.DEFERRED, S.WITHDRAWN},
    S.DEFERRED: {S.ON_AGENDA, S.WITHDRAWN},
    S.APPROVED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}

# Requests waiting for a sitting: the next agenda is built from these.
AWAITING_AGENDA = (S.SUBMITTED, S.DEFERRED)
OPEN = (S.SUBMITTED, S.ON_AGENDA, S.DEFERRED)

PANEL_TRANSITIONS: dict[str, set[str]] = {
    Panel.Status.SCHEDULED: {Panel.Status.HELD},
    Panel.Status.HELD: set(),
}


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, set())


def check_transition(current: str, new: str) -> None:
    """Raise DomainError unless the request may move from `current` to `new`."""
    if not can_move(current, new):
        raise DomainError(
            f"A request that is {S(current).label.lower()} cannot be {S(new).label.lower()}"
            if current in S.values and new in S.values
            else f"A request cannot move from {current} to {new}"
        )


def check_panel_transition(current: str, new: str) -> None:
    """Raise DomainError unless the sitting may move from `current` to `new`."""
    if new not in PANEL_TRANSITIONS.get(current, set()):
        raise DomainError(f"A panel that is {Panel.Status(current).label.lower()} cannot be marked {new}")
