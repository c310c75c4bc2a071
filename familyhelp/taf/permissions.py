"""Who may see and change a team around the family.

- Practitioners and managers who may work the case (WORK_CASE, child in scope, case open) manage the team.
- Everyone who may view the case (VIEW_CASE in scope) reads it all.
- A partner (VIEW_OWN_TAF_ACTIONS) who is an active member reads the plan — actions, owners, due dates,
  status, without other members' contact details — and changes the status of their own actions only.
"""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.models import Case
from familyhelp.casework.permissions import can_view_case, can_work_case
from familyhelp.taf.models import TafAction, TafMember


def active_membership(user: Any, case: Case | Any) -> TafMember | None:
    """The user's current membership of the case's team, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    case_id: Any = getattr(case, "pk", case)
    return TafMember.objects.filter(case_id=case_id, user=user, left_on__isnull=True).first()


def can_view_taf(user: Any, case: Case) -> bool:
    """See the whole team, meetings and plan: anyone who may view the case."""
    return can_view_case(user, case)


def can_manage_taf(user: Any, case: Case) -> bool:
    """Add and change members, meetings and actions: anyone who may work the (open) case."""
    return can_work_case(user, case)


def can_view_taf_plan_as_partner(user: Any, case: Case) -> bool:
    """A partner on the team: the action plan only."""
    return has_verb(user, roles.VIEW_OWN_TAF_ACTIONS) and active_membership(user, case) is not None


def is_own_action(user: Any, action: TafAction) -> bool:
    """The action's owner is this user's active membership."""
    owner = action.owner
    return owner.user_id is not None and owner.user_id == getattr(user, "pk", None) and owner.left_on is None


def can_update_action_status(user: Any, action: TafAction) -> bool:
    """Managers of the team, or the partner who owns the action (while the case is open)."""
    case = action.case
    if can_manage_taf(user, case):
        return True
    return has_verb(user, roles.VIEW_OWN_TAF_ACTIONS) and case.closed_on is None and is_own_action(user, action)
