"""Reads the API needs that have no home in a domain app yet.

`access_log_search_for_user` belongs in audit/selectors.py; it lives here until that module exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record


def access_log_search_for_user(
    user: Any,
    *,
    user_id: Any = None,
    person_id: Any = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLog]:
    """Rows of the access log matching the filters, newest first. The search itself is logged."""
    if not has_verb(user, roles.VIEW_ACCESS_LOG):
        raise PermissionDenied("Your role cannot read the access log.")
    qs = AccessLog.objects.select_related("user")
    criteria: dict[str, str] = {}
    if user_id:
        qs = qs.filter(user_id=user_id)
        criteria["user"] = str(user_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
        criteria["person"] = str(person_id)
    if action:
        qs = qs.filter(action=action)
        criteria["action"] = action
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
        criteria["date_from"] = date_from.isoformat()
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
        criteria["date_to"] = date_to.isoformat()
    qs = qs.order_by("-at", "-id")
    access_log_record(
        actor=user,
        action=str(AccessLog.Action.AUDIT_SEARCH),
        person=None,
        criteria=criteria,
        result_count=qs.count(),
        reason="access log search",
    )
    return qs
