"""Allowed status moves of a service referral, as a table. Each move has one service in services.py."""

from __future__ import annotations

from familyhelp.core.errors import DomainError
from familyhelp.specialist.models import ServiceReferral

S = ServiceReferral.Status

# Accepting a referral when the service is full puts it on the waiting list ("waiting") instead.
TRANSITIONS: dict[str, set[str]] = {
    S.REQUESTED: {S.ACCEPTED, S.WAITING, S.DECLINED, S.WITHDRAWN},
    S.ACCEPTED: {S.STARTED, S.WITHDRAWN},
    S.WAITING: {S.STARTED, S.WITHDRAWN},
    S.STARTED: {S.ENDED},
    S.DECLINED: set(),
    S.ENDED: set(),
    S.WITHDRAWN: set(),
}

# Referrals not yet started and not closed: the service's waiting list.
OPEN_NOT_STARTED = (S.REQUESTED, S.ACCEPTED, S.WAITING)
CLOSED = (S.DECLINED, S.ENDED, S.WITHDRAWN)


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, set())


def check_transition(current: str, new: str) -> None:
    """Raise DomainError unless the move from `current` to `new` is allowed."""
    if not can_move(current, new):
        raise DomainError(
            f"A referral that is {S(current).label.lower()} cannot be {S(new).label.lower()}"
            if current in S.values and new in S.values
            else f"A referral cannot move from {current} to {new}"
        )
