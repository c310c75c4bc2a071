"""Who may do what to a case. Views check these; services check them again (two checks).

Record scope comes from the child's record (`person_access`): practitioners see their team's children,
managers their service's, leaders all. Cases waiting in the duty bank have no worker yet, so a manager
who allocates work may see them (not restricted children without a grant or break-glass).
"""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.models import Case
from familyhelp.people.permissions import person_access


def can_view_case(user: Any, case: Case) -> bool:
    if not has_verb(user, roles.VIEW_CASE):
        return False
    if person_access(user, case.person).allowed:
        return True
    return (
        case.status == Case.Status.AWAITING_ALLOCATION
        and has_verb(user, roles.ALLOCATE_CASE)
        and not case.person.is_restricted
    )


def can_work_case(user: Any, case: Case) -> bool:
    """Assess, plan, visit, write notes: practitioners and managers with the child in scope, on an open case."""
    return has_verb(user, roles.WORK_CASE) and case.closed_on is None and person_access(user, case.person).allowed


def can_allocate(user: Any, case: Case | None = None) -> bool:
    """The duty bank: allocate, reallocate, authorise step up / step down."""
    if not has_verb(user, roles.ALLOCATE_CASE):
        return False
    return case is None or (case.closed_on is None and can_view_case(user, case))


def can_authorise_casework(user: Any, case: Case) -> bool:
    """Authorise assessments and closures, write management oversight."""
    return has_verb(user, roles.AUTHORISE_CASEWORK) and can_view_case(user, case)


def can_manage_casework(user: Any) -> bool:
    return has_verb(user, roles.MANAGE_CASEWORK)
