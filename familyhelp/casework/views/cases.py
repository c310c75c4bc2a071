"""Casework pages: the case page, the duty bank, allocation and reallocation, step up / step down, sibling groups,
closure, and the work trays ("My work" and "Team"). (Each area module exports its own `urlpatterns`;
casework/urls.py joins them.)

Views stay thin: reads through casework.selectors (logged) and casework.trays, writes through
casework.services.cases.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework import forms_cases as cf
from familyhelp.casework import memo, trays
from familyhelp.casework.models import Allocation, Case
from familyhelp.casework.permissions import can_allocate, can_authorise_casework, can_view_case, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import cases as services
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.organisation.models import Locality, Team
from familyhelp.people.selectors import BreakGlassRequired


def _case(request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
    """The case through the logged, scoped selector; a restricted child's case offers break glass."""
    try:
        return case_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _area_sections(request: HttpRequest, case: Case) -> dict[str, Any]:
    from familyhelp.casework.views import assessments, plans, visits

    plan_section = plans.case_section(request, case)  # first: the others reuse the open plans it read
    return {
        "assessments": assessments.case_section(request, case),
        "plans": plan_section,
        "visits": visits.case_section(request, case),
    }


class CaseDetailView(View):
    """The case page: summary, CIN episodes, allocation history, level changes, siblings, closure, and the
    assessments, plans and visits sections."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, "opened the case")
        if isinstance(case, HttpResponse):
            return case
        user = request.user
        today = clock.today()
        is_open = case.closed_on is None
        allocate = can_allocate(user, case)
        episodes = list(case.cin_episodes.order_by("-referral_date"))
        memo.remember("open_episode", case.pk, next((e for e in episodes if e.closed_on is None), None))
        context = {
            "case": case,
            "person": case.person,
            "episodes": episodes,
            "allocations": list(
                Allocation.objects.filter(case=case)
                .select_related("worker", "team", "allocated_by")
                .order_by("-started_on", "-created_at")
            ),
            "level_changes": list(case.level_changes.select_related("requested_by", "authorised_by")),
            "siblings": trays.sibling_cases(case),
            "can_allocate": allocate and case.status == Case.Status.AWAITING_ALLOCATION,
            "can_reallocate": allocate and case.status == Case.Status.OPEN,
            "can_step_up": allocate and is_open and case.level == Case.Level.TARGETED,
            "can_step_down": allocate and is_open,
            "can_close": is_open and can_authorise_casework(user, case),
            "can_link": is_open and (can_work_case(user, case) or allocate),
            **_area_sections(request, case),
        }
        # The clocks from the records the sections read (no second read of assessments, enquiries or plans).
        loaded = trays.LoadedCase(
            assessments=[row.item for row in context["assessments"]["assessments"]],
            enquiries=[row.item for row in context["assessments"]["enquiries"]],
            plans=context["plans"]["chain"],
        )
        context["clocks"] = trays.clocks_for_cases([case], today, loaded=loaded).get(case.pk, [])
        return render(request, "casework/case.html", context)


# --- The duty bank and allocation ------------------------------------------------------------------------
class DutyBankView(View):
    """Decided but unallocated work, by level, oldest first, with its age in working days."""

    required_permission = roles.ALLOCATE_CASE

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = trays.DutyBankFilters.from_query(request.GET)
        try:
            rows = trays.duty_bank_for_user(request.user, filters)
        except (ValueError, DomainError):
            filters = trays.DutyBankFilters()
            rows = trays.duty_bank_for_user(request.user, filters)
        return render(
            request,
            "casework/duty_bank.html",
            {
                "rows": rows,
                "filters": filters,
                "localities": Locality.objects.order_by("name"),
                "teams": Team.objects.filter(is_active=True).order_by("name"),
                "level_3": sum(1 for r in rows if r.case.level == 3),
                "level_4": sum(1 for r in rows if r.case.level == 4),
            },
        )


def _uuid_or_none(value: str, model: Any) -> Any:
    try:
        return model.objects.filter(pk=value).first() if value else None
    except (ValueError, ValidationError):  # a malformed id in the query string
        return None


class _AllocationView(View):
    required_permission = roles.ALLOCATE_CASE
    mode = "allocate"
    purpose = "allocating the case"

    def _allowed(self, case: Case) -> bool:
        return case.status == Case.Status.AWAITING_ALLOCATION

    def _render(self, request: HttpRequest, case: Case, form: Any) -> HttpResponse:
        team = _uuid_or_none(request.GET.get("team", ""), Team)
        locality = _uuid_or_none(request.GET.get("locality", ""), Locality)
        candidates = trays.candidate_workers(team=team, locality=locality)
        chosen = str(form["worker"].value() or "")
        waiting_siblings = [s for s in trays.sibling_cases(case) if s.status == Case.Status.AWAITING_ALLOCATION]
        return render(
            request,
            "casework/allocate.html",
            {
                "case": case,
                "form": form,
                "mode": self.mode,
                "candidates": candidates,
                "chosen": chosen,
                "team": team,
                "locality": locality,
                "teams": Team.objects.filter(is_active=True).order_by("name"),
                "localities": Locality.objects.order_by("name"),
                "waiting_siblings": waiting_siblings,
                "policy_allows_fhp": casework_policy().family_help_holds_cin,
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, self.purpose)
        if isinstance(case, HttpResponse):
            return case
        if not can_allocate(request.user, case):
            raise PermissionDenied
        if not self._allowed(case):
            messages.error(
                request,
                "This case is no longer in the duty bank."
                if self.mode == "allocate"
                else "Only an open, allocated case can be reallocated.",
            )
            return redirect("casework:case", pk=case.pk)
        initial = {"version": case.version, "supervisor": case.supervisor_id, "allocated_on": clock.today()}
        return self._render(request, case, cf.AllocateForm(initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, self.purpose)
        if isinstance(case, HttpResponse):
            return case
        form = cf.AllocateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if self.mode == "allocate":
                    services.case_allocate(
                        actor=request.user,
                        case=case,
                        worker=d["worker"],
                        supervisor=d["supervisor"],
                        reason=d["reason"],
                        expected_version=d["version"],
                        include_siblings=d["include_siblings"],
                        allocated_on=d["allocated_on"],
                        late_reason=d["late_reason"],
                    )
                    messages.success(request, f"Case {case.reference} allocated to {d['worker']}")
                else:
                    services.case_reallocate(
                        actor=request.user,
                        case=case,
                        worker=d["worker"],
                        supervisor=d["supervisor"],
                        reason=d["reason"],
                        expected_version=d["version"],
                        allocated_on=d["allocated_on"],
                        late_reason=d["late_reason"],
                    )
                    messages.success(request, f"Case {case.reference} reallocated to {d['worker']}")
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return redirect("casework:case", pk=case.pk)
        return self._render(request, case, form)


class CaseAllocateView(_AllocationView):
    """Allocate a case from the duty bank, seeing each candidate's caseload, team and locality."""

    mode = "allocate"


class CaseReallocateView(_AllocationView):
    """Move an open case to another worker (or change its supervisor), with a reason."""

    mode = "reallocate"
    purpose = "reallocating the case"

    def _allowed(self, case: Case) -> bool:
        return case.status == Case.Status.OPEN


# --- Step up / step down, closure, siblings ---------------------------------------------------------------
class _CaseFormView(View):
    template = ""
    title = ""
    purpose = ""
    success = ""

    def _check(self, request: HttpRequest, case: Case) -> None:
        raise NotImplementedError

    def _form(self, request: HttpRequest, case: Case, data: Any = None) -> Any:
        raise NotImplementedError

    def _save(self, request: HttpRequest, case: Case, d: dict[str, Any]) -> None:
        raise NotImplementedError

    def _extra(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        return {}

    def _render(self, request: HttpRequest, case: Case, form: Any) -> HttpResponse:
        context = {"case": case, "form": form, "title": self.title, **self._extra(request, case)}
        return render(request, self.template, context)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, self.purpose)
        if isinstance(case, HttpResponse):
            return case
        self._check(request, case)
        if case.closed_on is not None:
            messages.error(request, f"Case {case.reference} is closed.")
            return redirect("casework:case", pk=case.pk)
        return self._render(request, case, self._form(request, case))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, self.purpose)
        if isinstance(case, HttpResponse):
            return case
        form = self._form(request, case, request.POST)
        if form.is_valid():
            try:
                self._save(request, case, form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, self.success.format(case=case))
                if not can_view_case(request.user, case):
                    # A closure dated in the past ends the caseload involvements on that date, so the child may
                    # have left the user's record scope: the case page would refuse them.
                    messages.info(request, "The child is no longer on a caseload in your record scope.")
                    return redirect("casework:team" if has_verb(request.user, roles.ALLOCATE_CASE) else "frontend:home")
                return redirect("casework:case", pk=case.pk)
        return self._render(request, case, form)


class CaseStepUpView(_CaseFormView):
    """A manager records and authorises a step up from level 3 to 4 (a CIN episode opens)."""

    required_permission = roles.ALLOCATE_CASE
    title = "Step up to level 4"
    template = "casework/step_up.html"
    purpose = "stepping the case up"
    success = "Case {case.reference} stepped up to level 4: a children in need episode is open"

    def _check(self, request: HttpRequest, case: Case) -> None:
        if not can_allocate(request.user, case):
            raise PermissionDenied

    def _form(self, request: HttpRequest, case: Case, data: Any = None) -> Any:
        initial = {"version": case.version, "requested_by": case.worker_id, "changed_on": clock.today()}
        return cf.StepUpForm(data, initial=initial)

    def _save(self, request: HttpRequest, case: Case, d: dict[str, Any]) -> None:
        services.case_step_up(
            actor=request.user,
            case=case,
            requested_by=d["requested_by"],
            reason=d["reason"],
            changed_on=d["changed_on"],
            referral_source=d["referral_source"],
            primary_need=d["primary_need"],
            route=d["route"] or "s17",
            supervisor=d["supervisor"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class CaseStepDownView(_CaseFormView):
    """A manager records and authorises a step down (to level 3, early help or universal services)."""

    required_permission = roles.ALLOCATE_CASE
    title = "Step down"
    template = "casework/step_down.html"
    purpose = "stepping the case down"
    success = "Case {case.reference} stepped down"

    def _check(self, request: HttpRequest, case: Case) -> None:
        if not can_allocate(request.user, case):
            raise PermissionDenied

    def _form(self, request: HttpRequest, case: Case, data: Any = None) -> Any:
        initial = {"version": case.version, "requested_by": case.worker_id, "changed_on": clock.today()}
        return cf.StepDownForm(data, initial=initial, case=case)

    def _save(self, request: HttpRequest, case: Case, d: dict[str, Any]) -> None:
        services.case_step_down(
            actor=request.user,
            case=case,
            to_level=d["to_level"] or 0,
            requested_by=d["requested_by"],
            reason=d["reason"],
            changed_on=d["changed_on"],
            closure_reason=d.get("closure_reason", ""),
            closing_summary=d["closing_summary"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class CaseCloseView(_CaseFormView):
    """A manager closes the case: reason, where support goes next, closing summary."""

    required_permission = roles.AUTHORISE_CASEWORK
    title = "Close the case"
    template = "casework/close.html"
    purpose = "closing the case"
    success = "Case {case.reference} closed"

    def _check(self, request: HttpRequest, case: Case) -> None:
        if not can_authorise_casework(request.user, case):
            raise PermissionDenied

    def _form(self, request: HttpRequest, case: Case, data: Any = None) -> Any:
        return cf.CloseForm(data, initial={"version": case.version, "closed_on": clock.today()}, case=case)

    def _extra(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        episode = case.cin_episodes.filter(closed_on__isnull=True).first()
        return {
            "episode": episode,
            "blockers": services.episode_close_blockers(episode) if episode else [],
            "earliest": services.earliest_closure(case),
        }

    def _save(self, request: HttpRequest, case: Case, d: dict[str, Any]) -> None:
        services.case_close(
            actor=request.user,
            case=case,
            closure_reason=d["closure_reason"],
            step_down_to=d["step_down_to"],
            closing_summary=d["closing_summary"],
            closed_on=d["closed_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class CaseLinkSiblingsView(_CaseFormView):
    """Link the open cases of brothers and sisters in the same family, to work them together."""

    required_permission = roles.WORK_CASE
    title = "Link brothers' and sisters' cases"
    template = "casework/link_siblings.html"
    purpose = "linking brothers' and sisters' cases"
    success = "Cases linked as a sibling group"

    def _check(self, request: HttpRequest, case: Case) -> None:
        if not (can_work_case(request.user, case) or can_allocate(request.user, case)):
            raise PermissionDenied

    def _form(self, request: HttpRequest, case: Case, data: Any = None) -> Any:
        return cf.LinkSiblingsForm(
            data, initial={"version": case.version}, candidates=trays.sibling_candidates(case, request.user)
        )

    def _extra(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        return {"siblings": trays.sibling_cases(case)}

    def _save(self, request: HttpRequest, case: Case, d: dict[str, Any]) -> None:
        chosen = list(Case.objects.filter(pk__in=d["cases"]))
        services.case_link_siblings(actor=request.user, case=case, siblings=chosen, expected_version=d["version"])


# --- Work trays ------------------------------------------------------------------------------------------
class MyWorkView(View):
    """The practitioner's tray: my cases with their clocks, my plan actions due and overdue."""

    required_permission = roles.WORK_CASE

    def get(self, request: HttpRequest) -> HttpResponse:
        work = trays.my_work(request.user)
        return render(request, "casework/my_work.html", {"work": work, "today": work.today})


class TeamTrayView(View):
    """The manager's tray: caseloads per worker, unallocated work and every breached clock in the team."""

    required_permission = roles.ALLOCATE_CASE

    def get(self, request: HttpRequest) -> HttpResponse:
        tray = trays.team_tray(request.user)
        return render(
            request,
            "casework/team.html",
            {"tray": tray, "today": tray.today, "can_duty_bank": has_verb(request.user, roles.ALLOCATE_CASE)},
        )


urlpatterns: list[Any] = [
    path("my-work/", MyWorkView.as_view(), name="my_work"),
    path("team/", TeamTrayView.as_view(), name="team"),
    path("duty-bank/", DutyBankView.as_view(), name="duty_bank"),
    path("<uuid:pk>/", CaseDetailView.as_view(), name="case"),
    path("<uuid:pk>/allocate/", CaseAllocateView.as_view(), name="allocate"),
    path("<uuid:pk>/reallocate/", CaseReallocateView.as_view(), name="reallocate"),
    path("<uuid:pk>/step-up/", CaseStepUpView.as_view(), name="step_up"),
    path("<uuid:pk>/step-down/", CaseStepDownView.as_view(), name="step_down"),
    path("<uuid:pk>/close/", CaseCloseView.as_view(), name="close"),
    path("<uuid:pk>/siblings/", CaseLinkSiblingsView.as_view(), name="link_siblings"),
]
