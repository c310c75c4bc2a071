"""Who may do what at the front door. Services call these again after views do (two checks)."""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.frontdoor.models import Contact, ThresholdDecision
from familyhelp.people.permissions import person_access


def is_submitter(user: Any, contact: Contact) -> bool:
    """The partner user who submitted the contact through the referral form."""
    return bool(getattr(user, "is_authenticated", False) and contact.submitted_by_id == user.pk)


def can_view_contact(user: Any, contact: Contact) -> bool:
    """Front-door staff, managers and leaders see every contact (restricted children need access too)."""
    if not has_verb(user, roles.VIEW_CONTACT):
        return False
    return contact.child is None or not contact.child.is_restricted or person_access(user, contact.child).allowed


def can_work_contact(user: Any, contact: Contact) -> bool:
    """Record checks, identify the child, add family members: front-door practitioners and managers."""
    return has_verb(user, roles.ADD_CONTACT) and can_view_contact(user, contact) and contact.decided_at is None


def can_propose(user: Any, contact: Contact) -> bool:
    return has_verb(user, roles.PROPOSE_DECISION) and can_view_contact(user, contact) and contact.decided_at is None


def can_authorise(user: Any, decision: ThresholdDecision, *, allow_self: bool) -> bool:
    """A manager, who is not the proposer unless the council allows it."""
    if not has_verb(user, roles.AUTHORISE_DECISION) or not can_view_contact(user, decision.contact):
        return False
    return allow_self or decision.proposed_by_id != user.pk


def can_override_checks(user: Any) -> bool:
    """Only a manager may let a decision go ahead before the required checks are back."""
    return has_verb(user, roles.AUTHORISE_DECISION)
