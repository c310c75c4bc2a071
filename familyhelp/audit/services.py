"""Writing the access log. Reads of a person's record, searches and exports all come through here."""

from __future__ import annotations

from typing import Any

from familyhelp.audit.models import AccessLog
from familyhelp.core.middleware import client_address, current_request


def access_log_record(
    *,
    actor: Any,
    action: str,
    person: Any = None,
    obj: Any = None,
    basis: str = "",
    reason: str = "",
    criteria: dict[str, Any] | None = None,
    result_count: int | None = None,
    channel: str | None = None,
) -> AccessLog:
    """Append one row to the access log, with the request's address and view when there is one."""
    request = current_request()
    view_name = ""
    if request is not None and getattr(request, "resolver_match", None) is not None:
        view_name = request.resolver_match.view_name or ""  # type: ignore[union-attr]
    if channel is None:
        channel = "api" if request is not None and request.path.startswith("/api/") else ("ui" if request else "cli")
    return AccessLog.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        person=person,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        basis=basis or "",
        reason=reason or "",
        criteria=criteria or {},
        result_count=result_count,
        view_name=view_name[:100],
        channel=channel,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
    )
