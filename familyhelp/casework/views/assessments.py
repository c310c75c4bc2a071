"""Casework pages: assessments, strategy discussions, section 47 enquiries and initial conferences.
(Each area module exports its own `urlpatterns`; casework/urls.py joins them.)

Views stay thin: records are read through casework.selectors_assessments (scoped, access-logged against the
case), writes go through casework.services.assessments, whose DomainErrors become the GOV.UK error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework import forms_assessments as f
from familyhelp.casework import memo
from familyhelp.casework import selectors_assessments as sel
from familyhelp.casework.models import Assessment, Case, Plan, S47Enquiry, StrategyDiscussion
from familyhelp.casework.permissions import can_authorise_casework, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import assessments as services
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.codes import AssessmentFactor
from familyhelp.people.selectors import BreakGlassRequired


# --- Links to other areas' pages (they may not exist yet while the areas are built) -----------------------
def _reverse(name: str, pk: Any, query: str = "") -> str | None:
    try:
        return reverse(name, kwargs={"pk": pk}) + query
    except NoReverseMatch:
        return None


def case_url(case: Case) -> str:
    """The case page (owned by the cases area), or this area's assessments page for the case."""
    for name in ("casework:case", "casework:case_detail", "casework:detail"):
        url = _reverse(name, case.pk)
        if url:
            return url
    return reverse("casework:case_assessments", kwargs={"pk": case.pk})


def _plan_link(case: Case, kind: str, label: str, enquiry: S47Enquiry | None = None) -> dict[str, str] | None:
    """A link to start a plan of this kind, unless one is already open on the case."""
    open_kinds = memo.remembered(
        "open_plan_kinds", case.pk, lambda: set(case.plans.filter(ended_on__isnull=True).values_list("kind", flat=True))
    )
    if kind in open_kinds:
        return None
    query = f"?kind={kind}" + (f"&s47={enquiry.pk}" if enquiry is not None else "")
    url = _reverse("casework:plan_start", case.pk, query)
    return {"label": label, "url": url} if url else {"label": label, "url": ""}


def next_step_links(assessment: Assessment) -> list[dict[str, str]]:
    """Links to carry out an authorised assessment's outcome (the plans and cases pages do the work)."""
    links: list[dict[str, str]] = []
    for step in services.next_steps(assessment):
        if step.url_name == "casework:plan_start":
            kind = step.query.split("=", 1)[1]
            link = _plan_link(assessment.case, kind, step.label)
            if link:
                links.append(link)
            continue
        links.append({"label": step.label, "url": _reverse(step.url_name, assessment.case_id, step.query) or ""})
    return links


def conference_links(enquiry: S47Enquiry) -> list[dict[str, str]]:
    """After an enquiry or its conference: start the plan it decided on."""
    links = []
    if enquiry.icpc_outcome == S47Enquiry.ConferenceOutcome.CP_PLAN:
        links.append(_plan_link(enquiry.case, Plan.Kind.CP, "Start the child protection plan", enquiry))
    elif enquiry.icpc_outcome == S47Enquiry.ConferenceOutcome.CIN_PLAN or (
        enquiry.outcome == S47Enquiry.Outcome.CIN_PLAN and not enquiry.icpc_outcome
    ):
        links.append(_plan_link(enquiry.case, Plan.Kind.CIN, "Start the child in need plan"))
    return [link for link in links if link]


def _factor_labels(codes: list[str]) -> list[str]:
    labels = dict(AssessmentFactor.choices)
    return [f"{code} {labels.get(code, '')}".strip() for code in codes]


def _or_break_glass(fn: Any, request: HttpRequest, pk: Any, purpose: str) -> Any:
    try:
        return fn(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _renamed(exc: DomainError, **names: str) -> DomainError:
    """The same error with some field names changed to the form's (the message text stays as it is)."""
    if not exc.errors:
        return exc
    errors: dict[str, list[str]] = {}
    for field, field_messages in exc.errors.items():
        errors.setdefault(names.get(field, field), []).extend(field_messages)
    return DomainError(exc.message, errors=errors)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- The case page section -----------------------------------------------------------------------------
def case_section(request: Any, case: Any) -> dict[str, Any]:
    """Context for this area's section of the case page (template casework/assessments/_case_section.html)."""
    today = clock.today()
    user = request.user
    assessments = list(case.assessments.select_related("authorised_by", "submitted_by").order_by("-started_on"))
    enquiries = list(case.s47_enquiries.select_related("strategy_discussion").order_by("-started_on", "-created_at"))
    discussions = list(case.strategy_discussions.order_by("-held_on", "-created_at"))
    for enquiry in enquiries:
        enquiry.case = case
    for assessment in assessments:
        assessment.case = case
    can_work = can_work_case(user, case)
    current = next((a for a in assessments if a.status != Assessment.Status.AUTHORISED), None)
    latest_authorised = next((a for a in assessments if a.status == Assessment.Status.AUTHORISED), None)
    episode = services.open_episode_of(case) if case.level == Case.Level.STATUTORY else None
    policy = casework_policy()
    return {
        "case": case,
        "today": today,
        "assessments": [sel.with_assessment_clock(a, today) for a in assessments],
        "current": current,
        "enquiries": [sel.with_icpc_clock(e, today) for e in enquiries],
        "discussions": discussions,
        "in_time": {a.pk: services.assessment_in_time(a, policy) for a in assessments if a.authorised_on},
        "icpc_in_time": {e.pk: services.icpc_in_time(e, policy) for e in enquiries if e.icpc_on},
        "next_steps": next_step_links(latest_authorised) if latest_authorised and current is None else [],
        "conference_links": {e.pk: conference_links(e) for e in enquiries},
        "can_start": can_work and case.status == Case.Status.OPEN and current is None,
        "can_strategy": can_work and case.status == Case.Status.OPEN and episode is not None,
        "can_work": can_work,
        "can_authorise": can_authorise_casework(user, case),
        "start_url": reverse("casework:assessment_start", kwargs={"pk": case.pk}),
        "strategy_url": reverse("casework:strategy_discussion_add", kwargs={"pk": case.pk}),
    }


class CaseAssessmentsView(View):
    """All of a case's assessments, strategy discussions and enquiries, with their clocks."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _or_break_glass(case_get_for_user, request, pk, "viewed the case's assessments")
        if isinstance(case, HttpResponse):
            return case
        return render(
            request,
            "casework/assessments/case_assessments.html",
            {"case": case, "case_url": case_url(case), "assessments": case_section(request, case)},
        )


# --- The list of assessments and enquiries in scope --------------------------------------------------------
class AssessmentListView(View):
    """Assessments in progress and awaiting authorisation, and enquiries awaiting a conference, with clocks."""

    required_permission = roles.VIEW_CASE
    TABS = [
        ("", "Not yet authorised"),
        (Assessment.Status.IN_PROGRESS, "In progress"),
        (Assessment.Status.SUBMITTED, "Awaiting authorisation"),
    ]

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        status = status if status in dict(self.TABS) else ""
        mine = request.GET.get("mine") == "1"
        today = clock.today()
        assessments = [
            sel.with_assessment_clock(a, today)
            for a in sel.assessment_list_for_user(request.user, status=status, mine=mine)[:500]
        ]
        enquiries = [sel.with_icpc_clock(e, today) for e in sel.s47_list_for_user(request.user, mine=mine)[:500]]
        return render(
            request,
            "casework/assessments/list.html",
            {
                "rows": assessments,
                "enquiries": enquiries,
                "tabs": self.TABS,
                "status": status,
                "mine": mine,
                "today": today,
                "overdue_count": sum(1 for r in assessments if r.clock and r.clock.overdue),
                "can_authorise": has_verb(request.user, roles.AUTHORISE_CASEWORK),
            },
        )


# --- Assessments -------------------------------------------------------------------------------------
class AssessmentStartView(View):
    """Start the case's assessment: a family support assessment at level 3, a single assessment at level 4."""

    required_permission = roles.WORK_CASE

    def _render(self, request: HttpRequest, case: Case, form: Any) -> HttpResponse:
        kind = Assessment.Kind.SINGLE if case.level == Case.Level.STATUTORY else Assessment.Kind.FAMILY_SUPPORT
        policy = casework_policy()
        days = (
            policy.single_assessment_days if kind == Assessment.Kind.SINGLE else policy.family_support_assessment_days
        )
        return render(
            request,
            "casework/assessments/start.html",
            {
                "case": case,
                "case_url": case_url(case),
                "form": form,
                "kind_label": Assessment.Kind(kind).label,
                "days": days,
            },
        )

    def _case(self, request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
        case = _or_break_glass(case_get_for_user, request, pk, purpose)
        if isinstance(case, Case):
            _require(can_work_case(request.user, case), "You cannot work on this case.")
        return case

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk, "starting an assessment")
        if isinstance(case, HttpResponse):
            return case
        return self._render(request, case, f.AssessmentStartForm(initial={"started_on": clock.today()}))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk, "started an assessment")
        if isinstance(case, HttpResponse):
            return case
        form = f.AssessmentStartForm(request.POST)
        if form.is_valid():
            kind = Assessment.Kind.SINGLE if case.level == Case.Level.STATUTORY else Assessment.Kind.FAMILY_SUPPORT
            try:
                assessment = services.assessment_start(
                    actor=request.user,
                    case=case,
                    kind=kind,
                    started_on=form.cleaned_data["started_on"],
                    late_reason=form.cleaned_data["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"{assessment.get_kind_display()} started: due {assessment.due_on:%d/%m/%Y}")
                return redirect("casework:assessment", pk=assessment.pk)
        return self._render(request, case, form)


def _assessment_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    case = assessment.case
    today = clock.today()
    policy = casework_policy()
    can_authorise = can_authorise_casework(request.user, case)
    self_blocked = assessment.submitted_by_id == request.user.pk and not policy.allow_self_authorisation
    return {
        "assessment": assessment,
        "case": case,
        "case_url": case_url(case),
        "row": sel.with_assessment_clock(assessment, today),
        "factors": _factor_labels(assessment.factors),
        "in_time": services.assessment_in_time(assessment, policy),
        "can_edit": assessment.status == Assessment.Status.IN_PROGRESS and can_work_case(request.user, case),
        "can_authorise": assessment.status == Assessment.Status.SUBMITTED and can_authorise and not self_blocked,
        "self_blocked": assessment.status == Assessment.Status.SUBMITTED and can_authorise and self_blocked,
        "next_steps": next_step_links(assessment),
        "step_down_label": services.STEP_DOWN_LEVELS[assessment.kind].get(assessment.step_down_to or 0, ""),
    }


class AssessmentDetailView(View):
    """One assessment: its clock, what it found, its outcome, authorisation, and what happens next."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        assessment = _or_break_glass(sel.assessment_get_for_user, request, pk, "opened the assessment")
        if isinstance(assessment, HttpResponse):
            return assessment
        return render(request, "casework/assessments/detail.html", _assessment_context(request, assessment))


class AssessmentEditView(View):
    """The worker records the assessment, and submits it for authorisation when it is finished."""

    required_permission = roles.WORK_CASE

    def _assessment(self, request: HttpRequest, pk: Any, purpose: str) -> Assessment | HttpResponse:
        assessment = _or_break_glass(sel.assessment_get_for_user, request, pk, purpose)
        if isinstance(assessment, Assessment):
            _require(can_work_case(request.user, assessment.case), "You cannot work on this case.")
        return assessment

    def _render(self, request: HttpRequest, assessment: Assessment, form: Any) -> HttpResponse:
        context = _assessment_context(request, assessment)
        context["form"] = form
        return render(request, "casework/assessments/edit.html", context)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        assessment = self._assessment(request, pk, "editing the assessment")
        if isinstance(assessment, HttpResponse):
            return assessment
        if assessment.status != Assessment.Status.IN_PROGRESS:
            messages.info(request, "This assessment has been submitted: it can no longer be changed")
            return redirect("casework:assessment", pk=assessment.pk)
        form = f.AssessmentForm(
            kind=assessment.kind,
            initial={
                "version": assessment.version,
                "started_on": assessment.started_on,
                "completed_on": clock.today(),
                "factors": assessment.factors,
                "child_seen_on": assessment.child_seen_on,
                "analysis": assessment.analysis,
                "outcome": assessment.outcome,
                "step_down_to": assessment.step_down_to,
                "closure_reason": assessment.closure_reason,
            },
        )
        return self._render(request, assessment, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        assessment = self._assessment(request, pk, "edited the assessment")
        if isinstance(assessment, HttpResponse):
            return assessment
        form = f.AssessmentForm(request.POST, kind=assessment.kind)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                with transaction.atomic():  # saving and submitting together: a refused submission saves nothing
                    saved = services.assessment_update(
                        actor=request.user,
                        assessment=assessment,
                        expected_version=form.cleaned_data["version"],
                        **form.service_values(),
                    )
                    if submit:
                        saved = services.assessment_submit(
                            actor=request.user,
                            assessment=saved,
                            expected_version=saved.version,
                            completed_on=form.cleaned_data["completed_on"],
                            late_reason=form.cleaned_data["late_reason"],
                        )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request, "Assessment submitted: a manager will authorise it" if submit else "Assessment saved"
                )
                return redirect("casework:assessment", pk=saved.pk)
        return self._render(request, assessment, form)


class AssessmentAuthoriseView(View):
    """A manager authorises the submitted assessment, or returns it to the worker saying what it needs."""

    required_permission = roles.AUTHORISE_CASEWORK

    def _assessment(self, request: HttpRequest, pk: Any, purpose: str) -> Assessment | HttpResponse:
        assessment = _or_break_glass(sel.assessment_get_for_user, request, pk, purpose)
        if isinstance(assessment, Assessment):
            _require(can_authorise_casework(request.user, assessment.case), "You cannot authorise this assessment.")
        return assessment

    def _render(self, request: HttpRequest, assessment: Assessment, form: Any) -> HttpResponse:
        context = _assessment_context(request, assessment)
        context["form"] = form
        return render(request, "casework/assessments/authorise.html", context)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        assessment = self._assessment(request, pk, "authorising the assessment")
        if isinstance(assessment, HttpResponse):
            return assessment
        form = f.AssessmentAuthoriseForm(initial={"version": assessment.version, "decided_on": clock.today()})
        return self._render(request, assessment, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        assessment = self._assessment(request, pk, "authorised the assessment")
        if isinstance(assessment, HttpResponse):
            return assessment
        form = f.AssessmentAuthoriseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if request.POST.get("action") == "return":
                    services.assessment_return(
                        actor=request.user,
                        assessment=assessment,
                        comment=d["comment"],
                        expected_version=d["version"],
                        returned_on=d["decided_on"],
                        late_reason=d["late_reason"],
                    )
                    messages.success(request, "Assessment returned to the worker")
                else:
                    services.assessment_authorise(
                        actor=request.user,
                        assessment=assessment,
                        expected_version=d["version"],
                        comment=d["comment"],
                        authorised_on=d["decided_on"],
                        late_reason=d["late_reason"],
                    )
                    messages.success(request, "Assessment authorised")
            except DomainError as exc:
                # The form has one date for either decision: the services name it authorised_on / returned_on.
                apply_domain_errors(form, _renamed(exc, authorised_on="decided_on", returned_on="decided_on"))
            else:
                return redirect("casework:assessment", pk=assessment.pk)
        return self._render(request, assessment, form)


# --- Strategy discussions, section 47 enquiries and conferences ---------------------------------------------
class StrategyDiscussionAddView(View):
    """Record a strategy discussion; deciding on a section 47 enquiry starts it and its conference clock."""

    required_permission = roles.WORK_CASE

    def _case(self, request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
        case = _or_break_glass(case_get_for_user, request, pk, purpose)
        if isinstance(case, Case):
            _require(can_work_case(request.user, case), "You cannot work on this case.")
        return case

    def _render(self, request: HttpRequest, case: Case, form: Any) -> HttpResponse:
        return render(
            request,
            "casework/assessments/strategy_form.html",
            {
                "case": case,
                "case_url": case_url(case),
                "form": form,
                "episode": services.open_episode_of(case),
                "icpc_days": casework_policy().icpc_days,
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk, "recording a strategy discussion")
        if isinstance(case, HttpResponse):
            return case
        form = f.StrategyDiscussionForm(
            initial={"held_on": clock.today(), "agencies": ["Children's social care", services.POLICE]}
        )
        return self._render(request, case, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk, "recorded a strategy discussion")
        if isinstance(case, HttpResponse):
            return case
        form = f.StrategyDiscussionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                discussion = services.strategy_discussion_record(
                    actor=request.user,
                    case=case,
                    held_on=d["held_on"],
                    agencies=list(d["agencies"]),
                    decision=d["decision"],
                    notes=d["notes"],
                    s47_started_on=d["s47_started_on"],
                    late_reason=d["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                if discussion.decision == StrategyDiscussion.Decision.S47:
                    enquiry = discussion.s47_enquiry
                    messages.success(
                        request,
                        f"Section 47 enquiry started: the initial conference is due by {enquiry.icpc_due_on:%d/%m/%Y}",
                    )
                    return redirect("casework:s47", pk=enquiry.pk)
                messages.success(request, "Strategy discussion recorded")
                return redirect(case_url(case))
        return self._render(request, case, form)


def _s47_context(request: HttpRequest, enquiry: S47Enquiry) -> dict[str, Any]:
    today = clock.today()
    can_work = can_work_case(request.user, enquiry.case)
    return {
        "enquiry": enquiry,
        "case": enquiry.case,
        "case_url": case_url(enquiry.case),
        "discussion": enquiry.strategy_discussion,
        "row": sel.with_icpc_clock(enquiry, today),
        "icpc_in_time": services.icpc_in_time(enquiry),
        "can_conclude": can_work and enquiry.concluded_on is None,
        "can_record_icpc": can_work and enquiry.outcome == S47Enquiry.Outcome.ICPC and enquiry.icpc_on is None,
        "links": conference_links(enquiry) if can_work else [],
    }


class S47DetailView(View):
    """One section 47 enquiry: the strategy discussion, its conference clock, its conclusion and conference."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        enquiry = _or_break_glass(sel.s47_get_for_user, request, pk, "opened the section 47 enquiry")
        if isinstance(enquiry, HttpResponse):
            return enquiry
        return render(request, "casework/assessments/s47.html", _s47_context(request, enquiry))


class _S47FormView(View):
    required_permission = roles.WORK_CASE
    template = ""
    form_class: Any = None

    def _enquiry(self, request: HttpRequest, pk: Any, purpose: str) -> S47Enquiry | HttpResponse:
        enquiry = _or_break_glass(sel.s47_get_for_user, request, pk, purpose)
        if isinstance(enquiry, S47Enquiry):
            _require(can_work_case(request.user, enquiry.case), "You cannot work on this case.")
        return enquiry

    def _render(self, request: HttpRequest, enquiry: S47Enquiry, form: Any) -> HttpResponse:
        context = _s47_context(request, enquiry)
        context["form"] = form
        return render(request, self.template, context)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        enquiry = self._enquiry(request, pk, "working on the section 47 enquiry")
        if isinstance(enquiry, HttpResponse):
            return enquiry
        return self._render(request, enquiry, self.form_class(initial={"version": enquiry.version, **self.dates()}))

    def dates(self) -> dict[str, Any]:
        """The date fields' initial values (today)."""
        return {}

    def write(self, request: HttpRequest, enquiry: S47Enquiry, data: dict[str, Any]) -> HttpResponse:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        enquiry = self._enquiry(request, pk, "worked on the section 47 enquiry")
        if isinstance(enquiry, HttpResponse):
            return enquiry
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                return self.write(request, enquiry, form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
        return self._render(request, enquiry, form)


class S47ConcludeView(_S47FormView):
    """Conclude the enquiry: hold an initial conference, a child in need plan, or no further action."""

    template = "casework/assessments/s47_conclude.html"
    form_class = f.S47ConcludeForm

    def dates(self) -> dict[str, Any]:
        return {"concluded_on": clock.today()}

    def write(self, request: HttpRequest, enquiry: S47Enquiry, data: dict[str, Any]) -> HttpResponse:
        enquiry = services.s47_conclude(
            actor=request.user,
            enquiry=enquiry,
            outcome=data["outcome"],
            concluded_on=data["concluded_on"],
            child_seen_on=data["child_seen_on"],
            notes=data["notes"],
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        messages.success(request, f"Enquiry concluded: {enquiry.get_outcome_display().lower()}")
        return redirect("casework:s47", pk=enquiry.pk)


class ICPCRecordView(_S47FormView):
    """Record the initial child protection conference and its decision; a plan decided there starts next."""

    template = "casework/assessments/icpc_form.html"
    form_class = f.ICPCForm

    def dates(self) -> dict[str, Any]:
        return {"icpc_on": clock.today()}

    def write(self, request: HttpRequest, enquiry: S47Enquiry, data: dict[str, Any]) -> HttpResponse:
        case = enquiry.case
        enquiry = services.icpc_record(
            actor=request.user,
            enquiry=enquiry,
            icpc_on=data["icpc_on"],
            icpc_outcome=data["icpc_outcome"],
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        enquiry.case = case
        messages.success(request, f"Conference recorded: {enquiry.get_icpc_outcome_display().lower()}")
        if enquiry.icpc_outcome == S47Enquiry.ConferenceOutcome.CP_PLAN:
            # The child protection plan starts on the conference date (the plans service enforces it).
            url = _reverse("casework:plan_start", case.pk, f"?kind=cp&s47={enquiry.pk}")
            if url:
                return redirect(url)
        return redirect("casework:s47", pk=enquiry.pk)


urlpatterns: list[Any] = [
    path("assessments/", AssessmentListView.as_view(), name="assessments"),
    path("assessments/<uuid:pk>/", AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<uuid:pk>/edit/", AssessmentEditView.as_view(), name="assessment_edit"),
    path("assessments/<uuid:pk>/authorise/", AssessmentAuthoriseView.as_view(), name="assessment_authorise"),
    path("<uuid:pk>/assessments/", CaseAssessmentsView.as_view(), name="case_assessments"),
    path("<uuid:pk>/assessments/new/", AssessmentStartView.as_view(), name="assessment_start"),
    path("<uuid:pk>/strategy-discussions/new/", StrategyDiscussionAddView.as_view(), name="strategy_discussion_add"),
    path("s47-enquiries/<uuid:pk>/", S47DetailView.as_view(), name="s47"),
    path("s47-enquiries/<uuid:pk>/conclude/", S47ConcludeView.as_view(), name="s47_conclude"),
    path("s47-enquiries/<uuid:pk>/icpc/", ICPCRecordView.as_view(), name="icpc_record"),
]
