"""Casework pages: plans. (Each area module exports its own `urlpatterns`; casework/urls.py joins them.)

Reads go through `case_get_for_user` (access-logged); writes through casework.services.plans, which checks
the permission again. Plan, goal and action pages are addressed by their ids only (no personal data in URLs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.casework import forms_plans as pf
from familyhelp.casework import memo
from familyhelp.casework.models import Case, LookedAfterEpisode, Plan, PlanAction, PlanGoal, PlanReview, S47Enquiry
from familyhelp.casework.permissions import can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import plans as svc
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.selectors import BreakGlassRequired

KIND_TITLES = {
    Plan.Kind.FAMILY_SUPPORT: "Start a family support plan",
    Plan.Kind.CIN: "Start a child in need plan",
    Plan.Kind.CP: "Start a child protection plan",
    Plan.Kind.LAC: "The child becomes looked after",
}


def _case(request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
    try:
        return case_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _plan(request: HttpRequest, pk: Any, purpose: str, *, work: bool) -> tuple[Plan, Case] | HttpResponse:
    """The plan and its case, the read logged; 403 if the user may not change it (work=True)."""
    try:
        plan = Plan.objects.only("id", "case_id").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such plan") from exc
    case = _case(request, plan.case_id, purpose)
    if isinstance(case, HttpResponse):
        return case
    if work and not can_work_case(request.user, case):
        raise PermissionDenied("You cannot change plans for this case.")
    return Plan.objects.select_related("case", "person", "previous").get(pk=pk), case


def case_url(case: Case) -> str | None:
    """The case page (owned by the cases area), if it exists yet."""
    for name in ("casework:case", "casework:case_detail", "casework:detail"):
        try:
            return reverse(name, kwargs={"pk": case.pk})
        except NoReverseMatch:
            continue
    return None


def _owners(case: Case, actor: Any, current: Any = None) -> list[Any]:
    """Council workers an action can be given to: the case's team, the actor's team, the case's workers."""
    users = get_user_model()
    teams = [t for t in (case.team_id, getattr(actor, "team_id", None)) if t]
    qs = users.objects.filter(is_active=True, partner_agency__isnull=True).exclude(role="partner")
    found = list(qs.filter(team_id__in=teams).order_by("first_name", "last_name", "username"))
    for extra in (case.worker, case.supervisor, current):
        if extra is not None and extra not in found:
            found.append(extra)
    return found


def _s47_choices(case: Case) -> list[tuple[str, str]]:
    rows = S47Enquiry.objects.filter(case=case, icpc_on__isnull=False).order_by("-icpc_on")
    return [
        (
            str(s.pk),
            f"Enquiry from {s.started_on:%d/%m/%Y}: conference on {s.icpc_on:%d/%m/%Y} "
            f"({s.get_icpc_outcome_display().lower() or 'no outcome'})",
        )
        for s in rows
    ]


def plan_chain(case: Case) -> list[Plan]:
    """Every plan of the case, oldest first, with its reviews, goals, actions and episodes."""
    return list(
        Plan.objects.filter(case=case)
        .select_related("previous", "s47_enquiry")
        .prefetch_related(
            Prefetch("reviews", queryset=PlanReview.objects.order_by("held_on")),
            Prefetch("goals", queryset=PlanGoal.objects.select_related("carried_from__plan")),
            Prefetch("actions", queryset=PlanAction.objects.select_related("owner", "goal", "carried_from__plan")),
            Prefetch("looked_after_episodes", queryset=LookedAfterEpisode.objects.order_by("started_on")),
        )
        .order_by("started_on", "created_at")
    )


def _start_links(case: Case) -> list[tuple[str, str]]:
    if case.level == Case.Level.TARGETED:
        return [("family_support", "Start a family support plan")]
    return [
        ("cin", "Start a child in need plan"),
        ("cp", "Start a child protection plan"),
        ("lac", "The child becomes looked after"),
    ]


def case_section(request: Any, case: Any) -> dict[str, Any]:
    """Context for this area's section of the case page (template casework/plans/_case_section.html)."""
    policy = casework_policy()
    chain = plan_chain(case)
    today = clock.today()
    for plan in chain:
        plan.review_clock = svc.review_clock(plan, policy)  # type: ignore[attr-defined]
    current = [p for p in chain if p.ended_on is None]
    memo.remember("open_plans", case.pk, current)  # the other sections ask the same of this page view
    memo.remember("open_plan_kinds", case.pk, {p.kind for p in current})
    return {
        "chain": list(reversed(chain)),
        "current": sorted(current, key=lambda p: p.kind != Plan.Kind.LAC),
        "overdue_actions": svc.overdue_actions(case, chain),
        "can_work": can_work_case(request.user, case),
        "start_links": _start_links(case),
        "today": today,
    }


class PlanStartView(View):
    """Start a plan: ?kind=cin|cp|family_support|lac and, for a CP plan, &s47=<S47Enquiry id>."""

    required_permission = roles.WORK_CASE

    def _setup(self, request: HttpRequest, pk: Any) -> tuple[Case, str] | HttpResponse:
        case = _case(request, pk, "starting a plan")
        if isinstance(case, HttpResponse):
            return case
        if not can_work_case(request.user, case):
            raise PermissionDenied("You cannot start plans for this case.")
        kind = request.GET.get("kind", "")
        if kind not in Plan.Kind.values:
            if request.method != "GET":
                raise Http404("Choose the kind of plan")
            return render(
                request,
                "casework/plans/choose.html",
                {"case": case, "start_links": _start_links(case), "case_url": case_url(case)},
            )
        return case, kind

    def _form(self, case: Case, kind: str, data: Any = None, initial: Any = None) -> pf.PlanStartForm:
        has_cp = Plan.objects.filter(case=case, kind=Plan.Kind.CP, ended_on__isnull=True).exists()
        return pf.PlanStartForm(data, initial=initial, kind=kind, s47_choices=_s47_choices(case), has_open_cp=has_cp)

    def _render(self, request: HttpRequest, case: Case, kind: str, form: Any) -> HttpResponse:
        return render(
            request,
            "casework/plans/start.html",
            {
                "case": case,
                "kind": kind,
                "title": KIND_TITLES[Plan.Kind(kind)],
                "form": form,
                "current": svc.open_plans(case),
                "case_url": case_url(case),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        setup = self._setup(request, pk)
        if isinstance(setup, HttpResponse):
            return setup
        case, kind = setup
        initial: dict[str, Any] = {"started_on": clock.today()}
        s47_id = request.GET.get("s47", "")
        if kind == Plan.Kind.CP and s47_id:
            s47 = S47Enquiry.objects.filter(case=case, pk=s47_id).first() if _is_uuid(s47_id) else None
            if s47 is not None:
                initial = {"s47_enquiry": str(s47.pk), "started_on": s47.icpc_on or clock.today()}
        return self._render(request, case, kind, self._form(case, kind, initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        setup = self._setup(request, pk)
        if isinstance(setup, HttpResponse):
            return setup
        case, kind = setup
        form = self._form(case, kind, data=request.POST)
        if form.is_valid():
            d = form.cleaned_data
            s47 = None
            if d.get("s47_enquiry"):
                s47 = S47Enquiry.objects.filter(case=case, pk=d["s47_enquiry"]).first()
            care = None
            if kind == Plan.Kind.LAC:
                care = svc.CareDetails(
                    d.get("legal_status", ""),
                    d.get("placement_type", ""),
                    d.get("placement_postcode", ""),
                    bool(d.get("uasc")),
                )
            try:
                plan = svc.plan_start(
                    actor=request.user,
                    case=case,
                    kind=kind,
                    started_on=d["started_on"],
                    summary=d["summary"],
                    s47_enquiry=s47,
                    initial_category=d.get("initial_category", ""),
                    care=care,
                    continue_cp_plan=bool(d.get("continue_cp_plan")),
                    late_reason=d.get("late_reason") or "",
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"{plan.get_kind_display()} started")
                return redirect("casework:plan", pk=plan.pk)
        return self._render(request, case, kind, form)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class PlanDetailView(View):
    """One plan: goals, actions (overdue ones flagged), reviews with the next-review clock, care episodes."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = _plan(request, pk, "opened a plan", work=False)
        if isinstance(found, HttpResponse):
            return found
        plan, case = found
        plan = next(p for p in plan_chain(case) if p.pk == plan.pk)
        return render(
            request,
            "casework/plans/detail.html",
            {
                "plan": plan,
                "case": case,
                "clock": svc.review_clock(plan),
                "today": clock.today(),
                "can_work": can_work_case(request.user, case) and plan.ended_on is None,
                "open_episode": next((e for e in plan.looked_after_episodes.all() if e.ended_on is None), None),
                "open_statuses": list(svc.OPEN_ACTION),
                "case_url": case_url(case),
            },
        )


class _PlanFormView(View):
    """A form about one open plan; subclasses give the form, the title and the service call."""

    required_permission = roles.WORK_CASE
    title = ""
    button = "Save"
    purpose = "changing a plan"

    def form(self, plan: Plan, data: Any = None) -> Any:
        raise NotImplementedError

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        raise NotImplementedError

    def _render(self, request: HttpRequest, plan: Plan, form: Any) -> HttpResponse:
        return render(
            request,
            "casework/plans/form.html",
            {
                "plan": plan,
                "case": plan.case,
                "form": form,
                "title": self.title,
                "button": self.button,
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = _plan(request, pk, self.purpose, work=True)
        if isinstance(found, HttpResponse):
            return found
        return self._render(request, found[0], self.form(found[0]))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = _plan(request, pk, self.purpose, work=True)
        if isinstance(found, HttpResponse):
            return found
        plan = found[0]
        form = self.form(plan, request.POST)
        if form.is_valid():
            try:
                self.save(request, plan, form)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return redirect("casework:plan", pk=plan.pk)
        return self._render(request, plan, form)


class PlanEndView(_PlanFormView):
    title = "End the plan"
    button = "End the plan"

    def form(self, plan: Plan, data: Any = None) -> Any:
        return pf.PlanEndForm(data, initial={"version": plan.version, "ended_on": clock.today()})

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        d = form.cleaned_data
        svc.plan_end(
            actor=request.user,
            plan=plan,
            ended_on=d["ended_on"],
            reason=d["reason"],
            expected_version=d.get("version"),
            late_reason=d.get("late_reason") or "",
        )
        messages.success(request, "Plan ended")


class PlanReviewView(_PlanFormView):
    title = "Record a review"
    button = "Record the review"

    def form(self, plan: Plan, data: Any = None) -> Any:
        return pf.PlanReviewForm(data, kind=plan.kind, initial={"held_on": clock.today()})

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        d = form.cleaned_data
        svc.plan_review_record(
            actor=request.user,
            plan=plan,
            held_on=d["held_on"],
            outcome=d["outcome"],
            latest_category=d.get("latest_category", ""),
            notes=d["notes"],
            end_reason=d["end_reason"],
            participation=d.get("participation", ""),
            late_reason=d.get("late_reason") or "",
        )
        messages.success(request, "Review recorded")


class GoalAddView(_PlanFormView):
    title = "Add a goal"
    button = "Add the goal"

    def form(self, plan: Plan, data: Any = None) -> Any:
        return pf.GoalForm(data)

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        svc.goal_add(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        messages.success(request, "Goal added")


class ActionAddView(_PlanFormView):
    title = "Add an action"
    button = "Add the action"

    def form(self, plan: Plan, data: Any = None) -> Any:
        return pf.ActionForm(data, goals=list(plan.goals.all()), owners=_owners(plan.case, self.request.user))

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        svc.action_add(actor=request.user, plan=plan, **form.service_values())
        messages.success(request, "Action added")


class LacChangeView(_PlanFormView):
    title = "Change of legal status or placement"
    button = "Record the change"

    def form(self, plan: Plan, data: Any = None) -> Any:
        current = plan.looked_after_episodes.filter(ended_on__isnull=True).first()
        initial: dict[str, Any] = {"changed_on": clock.today()}
        if current is not None:
            initial |= {
                "legal_status": current.legal_status,
                "placement_type": current.placement_type,
                "placement_postcode": current.placement_postcode,
            }
        return pf.LacChangeForm(data, initial=initial)

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        d = form.cleaned_data
        svc.lac_change(
            actor=request.user,
            plan=plan,
            changed_on=d["changed_on"],
            legal_status=d["legal_status"],
            placement_type=d["placement_type"],
            placement_postcode=d["placement_postcode"],
            placement_provider=d.get("placement_provider", ""),
            placement_urn=d.get("placement_urn", ""),
            reason_place_change=d.get("reason_place_change", ""),
            late_reason=d.get("late_reason") or "",
        )
        messages.success(request, "Change recorded")


class LacEndView(_PlanFormView):
    title = "The child stops being looked after"
    button = "Record the end of care"

    def form(self, plan: Plan, data: Any = None) -> Any:
        return pf.LacEndForm(data, initial={"ended_on": clock.today()})

    def save(self, request: HttpRequest, plan: Plan, form: Any) -> None:
        d = form.cleaned_data
        svc.lac_end(
            actor=request.user,
            plan=plan,
            ended_on=d["ended_on"],
            reason_ended=d["reason_ended"],
            late_reason=d.get("late_reason") or "",
        )
        messages.success(request, "Care ended")


class _ItemEditView(View):
    """Edit a goal or an action of an open plan (optimistic locking through `version`)."""

    required_permission = roles.WORK_CASE
    model: Any = None
    title = ""

    def _load(self, request: HttpRequest, pk: Any) -> tuple[Any, Plan] | HttpResponse:
        try:
            item = self.model.objects.only("id", "plan_id").get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("Not found") from exc
        found = _plan(request, item.plan_id, "changing a plan", work=True)
        if isinstance(found, HttpResponse):
            return found
        return self.model.objects.get(pk=pk), found[0]

    def _render(self, request: HttpRequest, plan: Plan, form: Any) -> HttpResponse:
        return render(
            request,
            "casework/plans/form.html",
            {
                "plan": plan,
                "case": plan.case,
                "form": form,
                "title": self.title,
                "button": "Save changes",
            },
        )

    def form(self, item: Any, plan: Plan, data: Any = None) -> Any:
        raise NotImplementedError

    def save(self, request: HttpRequest, item: Any, form: Any) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self._load(request, pk)
        if isinstance(found, HttpResponse):
            return found
        item, plan = found
        return self._render(request, plan, self.form(item, plan))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        found = self._load(request, pk)
        if isinstance(found, HttpResponse):
            return found
        item, plan = found
        form = self.form(item, plan, request.POST)
        if form.is_valid():
            try:
                self.save(request, item, form)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Changes saved")
                return redirect("casework:plan", pk=plan.pk)
        return self._render(request, plan, form)


class GoalEditView(_ItemEditView):
    model = PlanGoal
    title = "Change a goal"

    def form(self, item: Any, plan: Plan, data: Any = None) -> Any:
        return pf.GoalForm(
            data, editing=True, initial={"text": item.text, "achieved_on": item.achieved_on, "version": item.version}
        )

    def save(self, request: HttpRequest, item: Any, form: Any) -> None:
        d = form.cleaned_data
        svc.goal_update(
            actor=request.user,
            goal=item,
            text=d["text"],
            achieved_on=d.get("achieved_on"),
            expected_version=d.get("version"),
            late_reason=d.get("late_reason") or "",
        )


class ActionEditView(_ItemEditView):
    model = PlanAction
    title = "Change an action"

    def form(self, item: Any, plan: Plan, data: Any = None) -> Any:
        initial = {
            "text": item.text,
            "goal": str(item.goal_id or ""),
            "owner": str(item.owner_id or ""),
            "owner_name": item.owner_name,
            "owner_agency": item.owner_agency,
            "due_on": item.due_on,
            "status": item.status,
            "version": item.version,
            "done_on": clock.today(),
        }
        return pf.ActionForm(
            data,
            initial=initial,
            goals=list(plan.goals.all()),
            owners=_owners(plan.case, self.request.user, item.owner),
            editing=True,
        )

    def save(self, request: HttpRequest, item: Any, form: Any) -> None:
        svc.action_update(
            actor=request.user, action=item, expected_version=form.cleaned_data.get("version"), **form.service_values()
        )


urlpatterns: list[Any] = [
    path("<uuid:pk>/plans/start/", PlanStartView.as_view(), name="plan_start"),
    path("plans/<uuid:pk>/", PlanDetailView.as_view(), name="plan"),
    path("plans/<uuid:pk>/end/", PlanEndView.as_view(), name="plan_end"),
    path("plans/<uuid:pk>/review/", PlanReviewView.as_view(), name="plan_review"),
    path("plans/<uuid:pk>/goals/add/", GoalAddView.as_view(), name="plan_goal_add"),
    path("plans/<uuid:pk>/actions/add/", ActionAddView.as_view(), name="plan_action_add"),
    path("plans/<uuid:pk>/placement/", LacChangeView.as_view(), name="plan_lac_change"),
    path("plans/<uuid:pk>/leave-care/", LacEndView.as_view(), name="plan_lac_end"),
    path("plans/goals/<uuid:pk>/", GoalEditView.as_view(), name="plan_goal_edit"),
    path("plans/actions/<uuid:pk>/", ActionEditView.as_view(), name="plan_action_edit"),
]
