"""Team around the family pages under /taf/. Thin: reads through familyhelp.taf.selectors (access-logged),
writes through familyhelp.taf.services, which check the permission again.

Practitioners (VIEW_CASE / WORK_CASE, the case in scope) use /taf/case/<case id>/ and the pages it links to.
Partners on the team (VIEW_OWN_TAF_ACTIONS) use /taf/plan/<case id>/: the plan only, and their own actions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.casework.models import Case, PlanAction
from familyhelp.casework.permissions import can_work_case
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.selectors import BreakGlassRequired
from familyhelp.taf import forms as tf
from familyhelp.taf import selectors, services
from familyhelp.taf.models import PlanActionSignpost, TafAction, TafMember
from familyhelp.taf.permissions import can_manage_taf, is_own_action


def _case(request: HttpRequest, pk: Any, purpose: str, *, work: bool) -> Case | HttpResponse:
    """The case through the logged, scoped selector; 403 if the user may not manage its team (work=True)."""
    try:
        case = selectors.taf_case_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)
    if work and not can_manage_taf(request.user, case):
        raise PermissionDenied("You cannot change the team around the family for this case.")
    return case


def _active_members(case: Case) -> Any:
    return TafMember.objects.filter(case=case, left_on__isnull=True).select_related("partner_agency").order_by("name")


class TafView(View):
    """The team around the family on a case: members, meetings and the coordinated action plan."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, "opened the team around the family", work=False)
        if isinstance(case, HttpResponse):
            return case
        actions = list(selectors.taf_actions(case))
        today = clock.today()
        return render(
            request,
            "taf/case.html",
            {
                "case": case,
                "members": list(selectors.taf_members(case)),
                "meetings": list(selectors.taf_meetings(case)),
                "actions": actions,
                "overdue": [a for a in actions if a.is_overdue(today)],
                "today": today,
                "can_manage": can_manage_taf(request.user, case),
            },
        )


class _FormView(View):
    """A form page on the team: subclasses give the form, the service call and the titles."""

    required_permission = roles.WORK_CASE
    title = ""
    button = "Save"
    purpose = ""

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        """(case, object being changed or None)."""
        case = _case(request, pk, self.purpose, work=True)
        return case if isinstance(case, HttpResponse) else (case, None)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        raise NotImplementedError

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def done_url(self, case: Case, obj: Any) -> str:
        return reverse("taf:case", kwargs={"pk": case.pk})

    def _render(self, request: HttpRequest, case: Case, obj: Any, form: forms.Form) -> HttpResponse:
        return render(
            request,
            "taf/form.html",
            {
                "case": case,
                "obj": obj,
                "form": form,
                "title": self.title,
                "button": self.button,
                "back_url": self.done_url(case, obj),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self.target(request, pk)
        if isinstance(found, HttpResponse):
            return found
        case, obj = found
        return self._render(request, case, obj, self.form(case, obj))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self.target(request, pk)
        if isinstance(found, HttpResponse):
            return found
        case, obj = found
        form = self.form(case, obj, request.POST)
        if form.is_valid():
            try:
                message = self.save(request, case, obj, form)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(self.done_url(case, obj))
        return self._render(request, case, obj, form)


def _member(request: HttpRequest, pk: Any, purpose: str) -> tuple[Case, TafMember] | HttpResponse:
    member = selectors.taf_member_get(pk)
    case = _case(request, member.case_id, purpose, work=True)
    return case if isinstance(case, HttpResponse) else (case, member)


class MemberAddView(_FormView):
    title = "Add someone to the team around the family"
    button = "Add to the team"
    purpose = "added a member to the team around the family"

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return tf.MemberForm(data, initial={"joined_on": clock.today()})

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        member = services.taf_member_add(actor=request.user, case=case, **form.service_values())
        return f"{member.name} added to the team"


class MemberEditView(_FormView):
    title = "Change a member's details"
    purpose = "changed a member of the team around the family"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        return _member(request, pk, self.purpose)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        initial = {f: getattr(obj, f) for f in services.MEMBER_FIELDS} | {"version": obj.version}
        return tf.MemberForm(data, initial=initial, adding=False)

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        values = form.service_values()
        services.taf_member_update(
            actor=request.user, member=obj, expected_version=form.cleaned_data["version"], **values
        )
        return f"{obj.name}'s details saved"


class MemberLeaveView(_FormView):
    title = "A member leaves the team"
    button = "Record that they left"
    purpose = "recorded a member leaving the team around the family"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        return _member(request, pk, self.purpose)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return tf.MemberLeaveForm(data, initial={"left_on": clock.today(), "version": obj.version})

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        d = form.cleaned_data
        services.taf_member_leave(
            actor=request.user, member=obj, left_on=d["left_on"], reason=d["reason"], expected_version=d["version"]
        )
        return f"{obj.name} has left the team"


class MeetingAddView(_FormView):
    title = "Record a team around the family meeting"
    button = "Record the meeting"
    purpose = "recorded a team around the family meeting"

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return tf.MeetingForm(data, members=selectors.taf_members(case), initial={"held_on": clock.today()})

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        meeting = services.taf_meeting_record(actor=request.user, case=case, **d)
        return f"Meeting on {meeting.held_on:%-d %B %Y} recorded"


class MeetingEditView(_FormView):
    title = "Correct a meeting's record"
    purpose = "corrected a team around the family meeting"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        meeting = selectors.taf_meeting_get(pk)
        case = _case(request, meeting.case_id, self.purpose, work=True)
        return case if isinstance(case, HttpResponse) else (case, meeting)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        initial = {
            "held_on": obj.held_on,
            "attendees": list(obj.attendees.all()),
            "other_attendees": obj.other_attendees,
            "decisions": obj.decisions,
            "next_meeting_on": obj.next_meeting_on,
            "version": obj.version,
        }
        return tf.MeetingForm(data, members=selectors.taf_members(case), initial=initial)

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        d = dict(form.cleaned_data)
        version = d.pop("version")
        services.taf_meeting_update(actor=request.user, meeting=obj, expected_version=version, **d)
        return "Meeting record saved"


def _action_form(case: Case, data: Any = None, initial: Any = None) -> tf.ActionForm:
    return tf.ActionForm(data, initial=initial, members=_active_members(case), meetings=selectors.taf_meetings(case))


class ActionAddView(_FormView):
    title = "Agree an action"
    button = "Add the action"
    purpose = "added a team around the family action"

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return _action_form(case, data)

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        services.taf_action_add(actor=request.user, case=case, **form.service_values())
        return "Action added to the plan"


def _action(request: HttpRequest, pk: Any, purpose: str) -> tuple[Case, TafAction] | HttpResponse:
    action = selectors.taf_action_get(pk)
    case = _case(request, action.case_id, purpose, work=True)
    return case if isinstance(case, HttpResponse) else (case, action)


class ActionEditView(_FormView):
    title = "Change an action"
    purpose = "changed a team around the family action"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        return _action(request, pk, self.purpose)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        initial = {f: getattr(obj, f) for f in services.ACTION_FIELDS} | {"version": obj.version}
        return _action_form(case, data, initial)

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        values = form.service_values()
        services.taf_action_update(
            actor=request.user, action=obj, expected_version=form.cleaned_data["version"], **values
        )
        return "Action saved"


def _save_status(request: HttpRequest, action: TafAction, form: Any) -> str:
    d = form.cleaned_data
    action = services.taf_action_set_status(
        actor=request.user,
        action=action,
        status=d["status"],
        expected_version=d["version"],
        done_on=d["done_on"],
        late_reason=d["late_reason"],
    )
    return f"Action marked {action.get_status_display().lower()}"


class ActionStatusView(_FormView):
    title = "Update an action's status"
    button = "Save the status"
    purpose = "updated a team around the family action"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        return _action(request, pk, self.purpose)

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return tf.ActionStatusForm(
            data, initial={"status": obj.status, "version": obj.version, "done_on": obj.done_on or clock.today()}
        )

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        return _save_status(request, obj, form)


# --- Partners ------------------------------------------------------------------------------------------------
class PartnerPlanView(View):
    """A partner on the team: the action plan (owners, due dates, status) and who is on the team, without
    other members' contact details, and nothing else of the case."""

    required_permission = roles.VIEW_OWN_TAF_ACTIONS

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = selectors.taf_case_get_for_partner(request.user, pk)
        actions = list(selectors.taf_actions(case))
        today = clock.today()
        for a in actions:
            a.mine = is_own_action(request.user, a)  # type: ignore[attr-defined]
        return render(
            request,
            "taf/plan.html",
            {
                "case": case,
                "members": list(selectors.taf_members(case).filter(left_on__isnull=True)),
                "actions": actions,
                "today": today,
                "can_update": case.closed_on is None,
            },
        )


class PartnerActionStatusView(_FormView):
    """A partner updates the status of one of their own actions."""

    required_permission = roles.VIEW_OWN_TAF_ACTIONS
    title = "Update your action"
    button = "Save the status"

    def target(self, request: HttpRequest, pk: Any) -> tuple[Case, Any] | HttpResponse:
        action = selectors.taf_action_get(pk)
        case = selectors.taf_case_get_for_partner(request.user, action.case_id, purpose="updated their action")
        if not is_own_action(request.user, action) or case.closed_on is not None:
            raise PermissionDenied("You can only update your own actions.")
        return case, action

    def form(self, case: Case, obj: Any, data: Any = None) -> forms.Form:
        return tf.ActionStatusForm(
            data, initial={"status": obj.status, "version": obj.version, "done_on": obj.done_on or clock.today()}
        )

    def save(self, request: HttpRequest, case: Case, obj: Any, form: Any) -> str:
        return _save_status(request, obj, form)

    def done_url(self, case: Case, obj: Any) -> str:
        return reverse("taf:plan", kwargs={"pk": case.pk})


# --- Signposting from a casework plan action ---------------------------------------------------------------
class PlanActionSignpostView(View):
    """Signpost a plan action to a service in the directory (or clear it)."""

    required_permission = roles.WORK_CASE

    def _setup(self, request: HttpRequest, pk: Any) -> tuple[Case, PlanAction, Any] | HttpResponse:
        try:
            action = PlanAction.objects.select_related("plan").get(pk=pk)
        except (PlanAction.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("No such action") from exc
        try:
            case = case_get_for_user(request.user, action.plan.case_id, purpose="signposted a plan action")
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        if not can_work_case(request.user, case):
            raise PermissionDenied("You cannot change plans for this case.")
        return case, action, PlanActionSignpost.objects.filter(plan_action=action).first()

    def _render(self, request: HttpRequest, case: Case, action: PlanAction, form: Any) -> HttpResponse:
        return render(
            request,
            "taf/signpost.html",
            {
                "case": case,
                "action": action,
                "form": form,
                "back_url": reverse("casework:plan", kwargs={"pk": action.plan_id}),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self._setup(request, pk)
        if isinstance(found, HttpResponse):
            return found
        case, action, current = found
        initial = {
            "local_service": current.local_service_id if current else None,
            "version": current.version if current else 0,
        }
        return self._render(request, case, action, tf.SignpostForm(initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self._setup(request, pk)
        if isinstance(found, HttpResponse):
            return found
        case, action, _ = found
        form = tf.SignpostForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.plan_action_signpost(
                    actor=request.user,
                    plan_action=action,
                    local_service=d["local_service"],
                    expected_version=d["version"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Signposting saved" if d["local_service"] else "Signposting removed")
                return redirect("casework:plan", pk=action.plan_id)
        return self._render(request, case, action, form)
