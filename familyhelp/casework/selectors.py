"""Reading cases. Every read of a case is a read of the child's record, so it is access-logged."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.casework.models import Case
from familyhelp.casework.permissions import can_view_case
from familyhelp.people.permissions import person_access
from familyhelp.people.selectors import BreakGlassRequired


def case_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the case", for_update: bool = False) -> Case:
    """One case the user may see; the read is logged with who, when and why. Restricted children need a grant
    or break-glass (BreakGlassRequired is raised so the page can offer it)."""
    try:
        case = Case.objects.select_related("person", "team", "worker", "supervisor", "contact").get(pk=pk)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404("No such case") from exc
    access = person_access(user, case.person)
    if case.person.is_restricted and not access.allowed:
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=case.person,
            obj=case,
            basis=access.basis or "none",
            reason="restricted record: break glass offered",
        )
        if access.needs_break_glass:
            raise BreakGlassRequired(case.person)
        raise PermissionDenied("You do not have access to this record.")
    if not can_view_case(user, case):
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=case.person,
            obj=case,
            basis="none",
            reason="case not in scope",
        )
        raise PermissionDenied("You cannot see this case.")
    access_log_record(
        actor=user,
        action=AccessLog.Action.VIEW,
        person=case.person,
        obj=case,
        basis=access.basis or "duty_bank",
        reason=purpose,
    )
    return case


def cases_for_person(person: Any) -> QuerySet[Case]:
    return Case.objects.filter(person=person).select_related("worker", "team").order_by("-opened_on")
