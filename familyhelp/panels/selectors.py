"""Reads of panels and panel requests. A request names a child, so opening one is written to the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as DbCase
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404

from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.panels.models import Panel, PanelRequest
from familyhelp.panels.permissions import can_view_panels, can_view_request, panel_member_basis
from familyhelp.panels.transitions import AWAITING_AGENDA
from familyhelp.people.permissions import person_access
from familyhelp.people.selectors import BreakGlassRequired

R = PanelRequest.Status

_REQUEST_RELATED = ("case", "person", "requested_by", "decided_by", "panel", "panel__chair", "withdrawn_by")


def panel_list_for_user(user: Any, *, held: bool = False) -> QuerySet[Panel]:
    """Upcoming sittings (soonest first) or held ones (latest first). Not personal data: no access log."""
    if not can_view_panels(user):
        raise PermissionDenied("You cannot see panels.")
    qs = Panel.objects.select_related("chair")
    if held:
        return qs.filter(status=Panel.Status.HELD).order_by("-sits_on", "kind")
    return qs.filter(status=Panel.Status.SCHEDULED).order_by("sits_on", "kind")


def panel_get_for_user(user: Any, pk: Any, *, for_update: bool = False) -> Panel:
    """One sitting (its agenda is read with agenda_for_panel)."""
    if not can_view_panels(user):
        raise PermissionDenied("You cannot see panels.")
    try:
        qs = Panel.objects.select_for_update() if for_update else Panel.objects.select_related("chair", "held_by")
        return qs.get(pk=pk)
    except (Panel.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such panel") from exc


def agenda_order(qs: QuerySet[PanelRequest]) -> QuerySet[PanelRequest]:
    """Crisis first, then retrospective approvals, then the oldest request first."""
    return qs.annotate(
        _crisis=DbCase(
            When(urgency=PanelRequest.Urgency.CRISIS, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        _retro=DbCase(When(retrospective=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("_crisis", "_retro", "requested_on", "created_at")


def agenda_for_panel(panel: Panel) -> list[PanelRequest]:
    """The items of a sitting's agenda, in order, with their decisions (for the agenda page and the API).

    Items decided at this sitting stay on its agenda; items deferred here are listed with the deferral.
    """
    listed = PanelRequest.objects.filter(panel=panel) | PanelRequest.objects.filter(decisions__panel=panel)
    return list(
        agenda_order(listed.distinct())
        .select_related("case", "person", "requested_by", "decided_by")
        .prefetch_related("decisions__panel", "decisions__decided_by", "options_explored")
    )


def requests_awaiting_agenda(kind: str) -> QuerySet[PanelRequest]:
    """Submitted and deferred requests of a kind of panel that no sitting lists yet, in agenda order."""
    return agenda_order(
        PanelRequest.objects.filter(panel_kind=kind, status__in=AWAITING_AGENDA, panel__isnull=True)
    ).select_related("case", "person")


def next_sitting(kind: str, *, after: Any = None) -> Panel | None:
    """The next scheduled sitting of a kind of panel (after a date; from today if none given)."""
    qs = Panel.objects.filter(kind=kind, status=Panel.Status.SCHEDULED)
    qs = qs.filter(sits_on__gt=after) if after is not None else qs.filter(sits_on__gte=clock.today())
    return qs.order_by("sits_on").first()


def request_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the panel request") -> PanelRequest:
    """One request the user may see (a panel member, or someone who may see the case); the read is logged.

    A restricted child needs a grant or break-glass: BreakGlassRequired is raised so the page can offer it.
    """
    try:
        request = PanelRequest.objects.select_related(*_REQUEST_RELATED).get(pk=pk)
    except (PanelRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such request") from exc
    access = person_access(user, request.person)
    if not can_view_request(user, request):
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=request.person,
            obj=request,
            basis=access.basis or "none",
            reason="panel request not in scope",
        )
        if request.person.is_restricted and access.needs_break_glass:
            raise BreakGlassRequired(request.person)
        raise PermissionDenied("You cannot see this request.")
    basis = access.basis if access.allowed else ("panel" if panel_member_basis(user, request) else "none")
    access_log_record(
        actor=user,
        action=AccessLog.Action.VIEW,
        person=request.person,
        obj=request,
        basis=str(basis or "panel"),
        reason=purpose,
    )
    return request


def requests_for_case(case: Any) -> QuerySet[PanelRequest]:
    """The requests made on a case, newest first (the caller has read the case through case_get_for_user)."""
    return (
        PanelRequest.objects.filter(case=case)
        .select_related("panel", "requested_by", "decided_by")
        .order_by("-requested_on", "-created_at")
    )
