"""Who may do what with panels and panel requests. Views check these; services check them again.

- Practitioners make and withdraw requests on cases they may work (WORK_CASE, the child in scope) and see
  the requests on cases they may view.
- Panel members (SIT_ON_PANEL: team managers, senior leaders) see every request that is before a panel,
  whatever their record scope (the panel is the basis of the read, which is access-logged), record
  attendance and decisions. Restricted children still need a grant or break-glass.
- Panel managers (MANAGE_PANELS: also administrators) schedule sittings and build agendas. Without
  SIT_ON_PANEL they see an agenda's items by case reference and what is asked, never the child or reason.
"""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.models import Case
from familyhelp.casework.permissions import can_view_case, can_work_case
from familyhelp.panels.models import Panel, PanelRequest
from familyhelp.people.permissions import person_access


def can_manage_panels(user: Any) -> bool:
    """Schedule sittings, build and rearrange agendas."""
    return has_verb(user, roles.MANAGE_PANELS)


def can_sit_on_panel(user: Any) -> bool:
    """Attend sittings, record attendance and decisions."""
    return has_verb(user, roles.SIT_ON_PANEL)


def can_view_panels(user: Any) -> bool:
    """The list of sittings and their agendas (item details depend on can_view_request_detail)."""
    return can_manage_panels(user) or can_sit_on_panel(user)


def can_make_request(user: Any, case: Case) -> bool:
    """Take a request to a panel: whoever may work the (open) case."""
    return can_work_case(user, case)


def can_withdraw_request(user: Any, request: PanelRequest) -> bool:
    return request.is_open and can_work_case(user, request.case)


def panel_member_basis(user: Any, request: PanelRequest) -> bool:
    """True when the user sees the request as a panel member (it has been made to a panel they may sit on)."""
    return can_sit_on_panel(user) and (not request.person.is_restricted or person_access(user, request.person).allowed)


def can_view_request(user: Any, request: PanelRequest) -> bool:
    """The request's page: panel members, or anyone who may view the case."""
    return panel_member_basis(user, request) or can_view_case(user, request.case)


def can_view_request_detail(user: Any, request: PanelRequest) -> bool:
    """The child's name and the reason on an agenda."""
    return can_view_request(user, request)


def can_decide_request(user: Any, request: PanelRequest) -> bool:
    """Record a decision on an agenda item."""
    return panel_member_basis(user, request)


def can_record_attendance(user: Any, panel: Panel) -> bool:
    return can_sit_on_panel(user) and panel.status == Panel.Status.SCHEDULED
