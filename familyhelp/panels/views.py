"""Panel pages: sittings and their agendas, decisions, attendance; requests on a case. Thin: services write.

Reads of a case go through `case_get_for_user` and reads of a request through `request_get_for_user` (both
access-logged). Pages are addressed by ids only (no personal data in URLs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from familyhelp.accounts import roles
from familyhelp.casework.models import Case
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.panels import forms as pf
from familyhelp.panels import services as svc
from familyhelp.panels.models import Panel, PanelRequest
from familyhelp.panels.permissions import (
    can_decide_request,
    can_make_request,
    can_manage_panels,
    can_sit_on_panel,
    can_view_request_detail,
    can_withdraw_request,
)
from familyhelp.panels.selectors import (
    agenda_for_panel,
    panel_get_for_user,
    panel_list_for_user,
    request_get_for_user,
    requests_awaiting_agenda,
    requests_for_case,
)
from familyhelp.people.selectors import BreakGlassRequired


def _case(request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
    try:
        return case_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _request(request: HttpRequest, pk: Any, purpose: str) -> PanelRequest | HttpResponse:
    try:
        return request_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _referrals(case: Case) -> list[Any]:
    from familyhelp.specialist.models import ServiceReferral

    return list(ServiceReferral.objects.filter(person=case.person).select_related("service").order_by("requested_on"))


# --- Sittings ----------------------------------------------------------------------------------------------
class PanelListView(View):
    """Upcoming and held sittings of the resource and admission-to-care panels."""

    required_permission = roles.MANAGE_PANELS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "panels/list.html",
            {
                "upcoming": panel_list_for_user(request.user),
                "held": panel_list_for_user(request.user, held=True)[:20],
                "can_manage": can_manage_panels(request.user),
            },
        )


class PanelScheduleView(View):
    required_permission = roles.MANAGE_PANELS

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(
            request,
            "panels/form.html",
            {
                "form": form,
                "title": "Schedule a panel",
                "button": "Schedule the panel",
                "back": ("panels:list", None),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, pf.ScheduleForm(members=svc.panel_members()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = pf.ScheduleForm(request.POST, members=svc.panel_members())
        if form.is_valid():
            d = form.cleaned_data
            try:
                panel = svc.panel_schedule(
                    actor=request.user,
                    kind=d["kind"],
                    sits_on=d["sits_on"],
                    chair=form.members.get(d["chair"]),
                    location=d["location"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"{panel} scheduled")
                return redirect("panels:panel", pk=panel.pk)
        return self._render(request, form)


def _panel_context(request: HttpRequest, panel: Panel, errors: list[str] | None = None) -> dict[str, Any]:
    items = agenda_for_panel(panel)
    user = request.user
    for item in items:
        item.show_detail = can_view_request_detail(user, item)  # type: ignore[attr-defined]
        item.decision_here = next(  # type: ignore[attr-defined]
            (d for d in item.decisions.all() if d.panel_id == panel.pk), None
        )
        item.deferred_before = [d for d in item.decisions.all() if d.panel_id != panel.pk]  # type: ignore[attr-defined]
    scheduled = panel.status == Panel.Status.SCHEDULED
    return {
        "panel": panel,
        "items": items,
        "attendance": panel.attendance.select_related("user"),
        "waiting": requests_awaiting_agenda(panel.kind).filter(requested_on__lte=panel.sits_on).count()
        if scheduled
        else 0,
        "can_manage": can_manage_panels(user) and scheduled,
        "can_sit": can_sit_on_panel(user) and scheduled,
        "hold_errors": errors or [],
    }


class PanelDetailView(View):
    """A sitting: its agenda (crisis first), attendance, decisions; build the agenda, close the sitting."""

    required_permission = roles.MANAGE_PANELS

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        panel = panel_get_for_user(request.user, pk)
        return render(request, "panels/panel.html", _panel_context(request, panel))


class PanelAgendaBuildView(View):
    required_permission = roles.MANAGE_PANELS

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        panel = panel_get_for_user(request.user, pk)
        try:
            added = svc.panel_agenda_build(actor=request.user, panel=panel)
        except DomainError as exc:
            return render(request, "panels/panel.html", _panel_context(request, panel, [exc.message]), status=400)
        messages.success(request, f"{len(added)} request{'s' if len(added) != 1 else ''} added to the agenda")
        return redirect("panels:panel", pk=panel.pk)


class PanelHoldView(View):
    required_permission = roles.SIT_ON_PANEL

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        panel = panel_get_for_user(request.user, pk)
        form = pf.VersionForm(request.POST)
        form.is_valid()
        try:
            svc.panel_mark_held(actor=request.user, panel=panel, expected_version=form.cleaned_data.get("version"))
        except DomainError as exc:
            errors = [m for msgs in exc.errors.values() for m in msgs] or [exc.message]
            panel.refresh_from_db()
            return render(request, "panels/panel.html", _panel_context(request, panel, errors), status=400)
        messages.success(request, "The panel is recorded as held")
        return redirect("panels:panel", pk=panel.pk)


class PanelAttendanceView(View):
    required_permission = roles.SIT_ON_PANEL

    def _render(self, request: HttpRequest, panel: Panel, form: Any) -> HttpResponse:
        return render(
            request,
            "panels/form.html",
            {
                "form": form,
                "title": "Record attendance",
                "button": "Save",
                "caption": str(panel),
                "back": ("panels:panel", panel.pk),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        panel = panel_get_for_user(request.user, pk)
        return self._render(
            request, panel, pf.AttendanceForm(members=svc.panel_members(), initial={"attendance": "present"})
        )

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        panel = panel_get_for_user(request.user, pk)
        form = pf.AttendanceForm(request.POST, members=svc.panel_members())
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.panel_attendance_add(
                    actor=request.user,
                    panel=panel,
                    user=form.members.get(d["user"]),
                    name=d["name"],
                    role=d["role"],
                    attendance=d["attendance"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Attendance recorded")
                return redirect("panels:panel", pk=panel.pk)
        return self._render(request, panel, form)


class PanelItemMoveView(View):
    """Move an agenda item to the next sitting of the same panel."""

    required_permission = roles.MANAGE_PANELS

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = PanelRequest.objects.select_related("panel").filter(pk=pk).first()
        if item is None or item.panel is None:
            from django.http import Http404

            raise Http404("No such agenda item")
        panel = item.panel
        form = pf.VersionForm(request.POST)
        form.is_valid()
        try:
            following = svc.panel_item_move_next(
                actor=request.user, request=item, expected_version=form.cleaned_data.get("version")
            )
        except DomainError as exc:
            return render(request, "panels/panel.html", _panel_context(request, panel, [exc.message]), status=400)
        messages.success(request, f"Item moved to the {following}")
        return redirect("panels:panel", pk=panel.pk)


class RequestDecideView(View):
    """Record the panel's decision on an agenda item."""

    required_permission = roles.SIT_ON_PANEL

    def _render(self, request: HttpRequest, item: PanelRequest, form: Any) -> HttpResponse:
        return render(request, "panels/decide.html", {"item": item, "form": form})

    def _item(self, request: HttpRequest, pk: Any) -> PanelRequest | HttpResponse:
        item = _request(request, pk, "recording a panel decision")
        if isinstance(item, PanelRequest) and not can_decide_request(request.user, item):
            raise PermissionDenied("You cannot record decisions on this request.")
        return item

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = self._item(request, pk)
        if isinstance(item, HttpResponse):
            return item
        initial = {"version": item.version, "decided_on": item.panel.sits_on if item.panel else None}
        return self._render(request, item, pf.DecisionForm(initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = self._item(request, pk)
        if isinstance(item, HttpResponse):
            return item
        form = pf.DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                decision = svc.request_decide(
                    actor=request.user,
                    request=item,
                    outcome=d["outcome"],
                    conditions=d["conditions"],
                    notes=d["notes"],
                    review_on=d["review_on"],
                    expected_version=d["version"],
                    decided_on=d["decided_on"],
                    late_reason=d["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Decision recorded: {decision.get_outcome_display().lower()}")
                return redirect("panels:panel", pk=decision.panel_id)
        return self._render(request, item, form)


# --- Requests on a case ------------------------------------------------------------------------------------
class CaseRequestsView(View):
    """The panel requests made on a case."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, "opened the case's panel requests")
        if isinstance(case, HttpResponse):
            return case
        return render(
            request,
            "panels/case_requests.html",
            {
                "case": case,
                "requests": requests_for_case(case),
                "can_make": can_make_request(request.user, case),
            },
        )


class RequestMakeView(View):
    """Take a request to the resource panel or the admission-to-care panel."""

    required_permission = roles.WORK_CASE

    def _setup(self, request: HttpRequest, pk: Any) -> Case | HttpResponse:
        case = _case(request, pk, "making a panel request")
        if isinstance(case, Case) and not can_make_request(request.user, case):
            raise PermissionDenied("You cannot make panel requests on this case.")
        return case

    def _render(self, request: HttpRequest, case: Case, form: Any) -> HttpResponse:
        return render(request, "panels/request_form.html", {"case": case, "form": form})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._setup(request, pk)
        if isinstance(case, HttpResponse):
            return case
        return self._render(
            request, case, pf.RequestForm(referrals=_referrals(case), initial={"requested_on": clock.today()})
        )

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._setup(request, pk)
        if isinstance(case, HttpResponse):
            return case
        form = pf.RequestForm(request.POST, referrals=_referrals(case))
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = svc.request_make(
                    actor=request.user,
                    case=case,
                    ask=d["ask"],
                    reason=d["reason"],
                    detail=d["detail"],
                    urgency=d["urgency"] or PanelRequest.Urgency.ROUTINE,
                    estimated_cost=d["estimated_cost"],
                    retrospective=d["retrospective"],
                    actioned_on=d["actioned_on"],
                    options_explored=form.options(),
                    explored_referrals=[form.referrals[pk] for pk in d.get("explored_referrals") or []],
                    requested_on=d["requested_on"],
                    late_reason=d["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Request made to the {made.get_panel_kind_display().lower()}")
                return redirect("panels:request", pk=made.pk)
        return self._render(request, case, form)


class RequestDetailView(View):
    """One request: what is asked, the options explored, every decision."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = _request(request, pk, "opened the panel request")
        if isinstance(item, HttpResponse):
            return item
        return render(
            request,
            "panels/request.html",
            {
                "item": item,
                "options": item.options_explored.all(),
                "referrals": item.explored_referrals.select_related("service"),
                "decisions": item.decisions.select_related("panel", "decided_by"),
                "can_withdraw": can_withdraw_request(request.user, item),
                "can_decide": item.status == PanelRequest.Status.ON_AGENDA and can_decide_request(request.user, item),
            },
        )


class RequestWithdrawView(View):
    required_permission = roles.WORK_CASE

    def _setup(self, request: HttpRequest, pk: Any) -> PanelRequest | HttpResponse:
        item = _request(request, pk, "withdrawing a panel request")
        if isinstance(item, PanelRequest) and not can_withdraw_request(request.user, item):
            raise PermissionDenied("You cannot withdraw this request.")
        return item

    def _render(self, request: HttpRequest, item: PanelRequest, form: Any) -> HttpResponse:
        return render(
            request,
            "panels/form.html",
            {
                "form": form,
                "title": "Withdraw the request",
                "button": "Withdraw the request",
                "caption": f"{item.get_ask_display()}, case {item.case.reference}",
                "back": ("panels:request", item.pk),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = self._setup(request, pk)
        if isinstance(item, HttpResponse):
            return item
        return self._render(
            request, item, pf.WithdrawForm(initial={"version": item.version, "withdrawn_on": clock.today()})
        )

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        item = self._setup(request, pk)
        if isinstance(item, HttpResponse):
            return item
        form = pf.WithdrawForm(request.POST)
        if form.is_valid():
            try:
                svc.request_withdraw(
                    actor=request.user,
                    request=item,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                    withdrawn_on=form.cleaned_data["withdrawn_on"],
                    late_reason=form.cleaned_data["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Request withdrawn")
                return redirect("panels:request", pk=item.pk)
        return self._render(request, item, form)
