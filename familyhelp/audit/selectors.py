"""Reading the access log (auditors only). Reading it is itself logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record


@dataclass
class AccessLogFilter:
    """What an auditor filters the log by: usernames and person references (UI) or ids (API)."""

    username: str = ""
    person_reference: str = ""
    user_id: Any = None
    person_id: Any = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_log(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in self.__dict__.items() if v}


def access_log_list_for_user(user: Any, filters: AccessLogFilter) -> QuerySet[AccessLog]:
    """Access-log rows matching the filters, newest first; the search is recorded."""
    if not has_verb(user, roles.VIEW_ACCESS_LOG):
        raise PermissionDenied("Only auditors can read the access log.")
    qs = AccessLog.objects.all()
    if filters.username:
        qs = qs.filter(user__username=filters.username.strip())
    if filters.person_reference:
        qs = qs.filter(person__reference=filters.person_reference.strip().upper())
    if filters.user_id:
        qs = qs.filter(user_id=filters.user_id)
    if filters.person_id:
        qs = qs.filter(person_id=filters.person_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
    qs = qs.select_related("user", "person").order_by("-at", "-id")
    access_log_record(actor=user, action=AccessLog.Action.AUDIT_SEARCH, criteria=filters.as_log(),
                      result_count=qs.count(), reason="access log search")
    return qs
