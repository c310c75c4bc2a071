"""Practice tool pages: a child's tools with their latest results, change over time (chart and table), the
form per tool, a completion's page, finalising.

Reads go through practice.selectors (access-logged); writes through practice.services, which check the
permission again. Recording pages declare `casework.view_case` (held by practitioners, managers and
specialist coordinators); whether this user may record this tool for this child is `can_record_practice`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View

from familyhelp.accounts import roles
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.models import Family, Person
from familyhelp.people.selectors import BreakGlassRequired
from familyhelp.practice import charts
from familyhelp.practice import definitions as d
from familyhelp.practice import services as svc
from familyhelp.practice.forms import CompletionForm, initial_from
from familyhelp.practice.models import Completion, Instrument
from familyhelp.practice.permissions import can_record_practice, kinds_recordable
from familyhelp.practice.selectors import (
    child_get_for_user,
    completion_get_for_user,
    completions_for_child,
    families_of,
    family_completions_for_child,
    family_for_child,
    instrument_in_force,
    instruments_current,
    latest_final,
)


def _kind(kind: str) -> str:
    if kind not in Instrument.Kind.values:
        raise Http404("No such practice tool")
    return kind


def _child(request: HttpRequest, pk: Any, purpose: str) -> Person | HttpResponse:
    try:
        return child_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _completion(request: HttpRequest, pk: Any, purpose: str) -> Completion | HttpResponse:
    try:
        return completion_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _previous(person: Person, kind: str, exclude: Any = None) -> list[Completion]:
    """Final completions a new one may review, oldest first."""
    qs = completions_for_child(person, kind).filter(status=Completion.Status.FINAL)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs)


def _families_for_draft(completion: Completion) -> list[Family]:
    """The child's families now, and the draft's own family even if the child has since left it (so the form
    shows the choice already made, and saving it is refused with a message rather than silently dropped)."""
    families = families_of(completion.person)
    if completion.family is not None and completion.family not in families:
        families.append(completion.family)
    return families


def _family(form: CompletionForm, person: Person) -> Family | None:
    pk = form.family_pk()
    return None if pk is None else family_for_child(person, pk)


def _review_of(form: CompletionForm, person: Person, kind: str) -> Completion | None:
    pk = form.review_of_pk()
    if pk is None:
        return None
    found = Completion.objects.filter(pk=pk, person=person, kind=kind).first()
    if found is None:
        raise DomainError("Choose a completion of this tool for this child", field="review_of")
    return found


class ChildToolsView(View):
    """The child's practice tools: each tool with its latest result, drafts, and links to record and chart."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person = _child(request, pk, "opened the practice tools")
        if isinstance(person, HttpResponse):
            return person
        recordable = kinds_recordable(request.user, person)
        tools = []
        for instrument in instruments_current(clock.today()):
            completions = list(completions_for_child(person, instrument.kind))
            tools.append(
                {
                    "instrument": instrument,
                    "latest": latest_final(person, instrument.kind),
                    "drafts": [c for c in completions if not c.is_final],
                    "count": sum(1 for c in completions if c.is_final),
                    "can_record": instrument.kind in recordable,
                }
            )
        family_completions, family_hidden = family_completions_for_child(request.user, person)
        context = {
            "person": person,
            "tools": tools,
            "family_completions": family_completions,
            "family_hidden": family_hidden,
        }
        return render(request, "practice/child.html", context)


class ToolHistoryView(View):
    """One tool for one child: change over time as a chart with the same figures in a table, and every
    completion."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any, kind: str) -> HttpResponse:
        kind = _kind(kind)
        person = _child(request, pk, f"opened the {Instrument.Kind(kind).label.lower()} history")
        if isinstance(person, HttpResponse):
            return person
        completions = list(completions_for_child(person, kind).select_related("review_of__instrument"))
        series = charts.SERIES[kind](completions)
        return render(
            request,
            "practice/history.html",
            {
                "person": person,
                "kind": kind,
                "title": Instrument.Kind(kind).label,
                "series": series,
                "completions": list(reversed(completions)),
                "can_record": can_record_practice(request.user, person, kind),
            },
        )


class CompletionFormMixin:
    template_name = "practice/form.html"

    def render_form(self, request: HttpRequest, form: CompletionForm, person: Person, **extra: Any) -> HttpResponse:
        context = {
            "form": form,
            "person": person,
            "kind": form.kind,
            "instrument": form.instrument,
            "definition": form.instrument.definition,
            "risk_labels": d.RISK_LABELS,
            **extra,
        }
        return render(request, self.template_name, context)


class CompletionStartView(CompletionFormMixin, View):
    """Record a tool for a child: save a draft, or save and finalise."""

    required_permission = roles.VIEW_CASE

    def _setup(self, request: HttpRequest, pk: Any, kind: str) -> tuple[Person, Instrument] | HttpResponse:
        kind = _kind(kind)
        person = _child(request, pk, f"recording a {Instrument.Kind(kind).label.lower()}")
        if isinstance(person, HttpResponse):
            return person
        if not can_record_practice(request.user, person, kind):
            raise PermissionDenied("You cannot record this tool for this child.")
        instrument = instrument_in_force(kind, clock.today())
        if instrument is None:
            raise Http404("This tool is not in force")
        return person, instrument

    def get(self, request: HttpRequest, pk: Any, kind: str) -> HttpResponse:
        setup = self._setup(request, pk, kind)
        if isinstance(setup, HttpResponse):
            return setup
        person, instrument = setup
        form = CompletionForm(
            instrument=instrument,
            previous=_previous(person, kind),
            families=families_of(person),
            initial={"completed_on": clock.today()},
        )
        return self.render_form(request, form, person)

    def post(self, request: HttpRequest, pk: Any, kind: str) -> HttpResponse:
        setup = self._setup(request, pk, kind)
        if isinstance(setup, HttpResponse):
            return setup
        person, instrument = setup
        form = CompletionForm(
            request.POST, instrument=instrument, previous=_previous(person, kind), families=families_of(person)
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    completion = svc.completion_start(
                        actor=request.user,
                        person=person,
                        kind=kind,
                        completed_on=form.cleaned_data["completed_on"],
                        answers=form.answers(),
                        review_of=_review_of(form, person, kind),
                        family=_family(form, person),
                    )
                    if "finalise" in request.POST:
                        completion = svc.completion_finalise(
                            actor=request.user,
                            completion=completion,
                            expected_version=completion.version,
                            late_reason=form.cleaned_data["late_reason"],
                        )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Finalised" if completion.is_final else "Draft saved")
                return redirect("practice:completion", pk=completion.pk)
        return self.render_form(request, form, person)


class CompletionView(View):
    """One completion: answers, result, what it reviews, and (for a draft) change or finalise."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        completion = _completion(request, pk, "opened a practice tool")
        if isinstance(completion, HttpResponse):
            return completion
        return render(request, "practice/completion.html", _completion_context(request, completion))


def _completion_context(request: HttpRequest, completion: Completion, **extra: Any) -> dict[str, Any]:
    definition = completion.instrument.definition
    comparison = None
    if completion.kind == d.GCP2 and completion.review_of is not None:
        baseline = charts.baseline_of(completion)
        comparison = [
            {
                "area": area["label"],
                "baseline": baseline.result.get("grades", {}).get(area["code"]),
                "now": completion.result.get("grades", {}).get(area["code"]),
            }
            for area in definition["areas"]
        ]
        for row in comparison:
            row["change"] = charts.change_text(row["baseline"], row["now"])
        extra["baseline"] = baseline
    labels: dict[str, str] = {}
    for key in ("indicators", "areas", "sections", "lists"):
        labels.update({x["code"]: x["label"] for x in definition.get(key, [])})
    return {
        "completion": completion,
        "person": completion.person,
        "definition": definition,
        "labels": labels,
        "risk_labels": d.RISK_LABELS,
        "comparison": comparison,
        "can_record": not completion.is_final and can_record_practice(request.user, completion.person, completion.kind),
        **extra,
    }


class CompletionEditView(CompletionFormMixin, View):
    """Change a draft (a final completion cannot be changed)."""

    required_permission = roles.VIEW_CASE

    def _setup(self, request: HttpRequest, pk: Any) -> Completion | HttpResponse:
        completion = _completion(request, pk, "changing a practice tool")
        if isinstance(completion, HttpResponse):
            return completion
        if not can_record_practice(request.user, completion.person, completion.kind):
            raise PermissionDenied("You cannot record this tool for this child.")
        if completion.is_final:
            messages.info(request, "This completion is final and cannot be changed: record a review instead")
            return redirect("practice:completion", pk=completion.pk)
        return completion

    def _form(self, completion: Completion, data: Any = None) -> CompletionForm:
        return CompletionForm(
            data,
            instrument=completion.instrument,
            previous=_previous(completion.person, completion.kind, exclude=completion.pk),
            families=_families_for_draft(completion),
            initial=initial_from(completion),
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        completion = self._setup(request, pk)
        if isinstance(completion, HttpResponse):
            return completion
        return self.render_form(request, self._form(completion), completion.person, completion=completion)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        completion = self._setup(request, pk)
        if isinstance(completion, HttpResponse):
            return completion
        form = self._form(completion, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    completion = svc.completion_update(
                        actor=request.user,
                        completion=completion,
                        completed_on=form.cleaned_data["completed_on"],
                        answers=form.answers(),
                        review_of=_review_of(form, completion.person, completion.kind),
                        expected_version=form.cleaned_data.get("version"),
                        family=_family(form, completion.person),
                    )
                    if "finalise" in request.POST:
                        completion = svc.completion_finalise(
                            actor=request.user,
                            completion=completion,
                            expected_version=completion.version,
                            late_reason=form.cleaned_data["late_reason"],
                        )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Finalised" if completion.is_final else "Draft saved")
                return redirect("practice:completion", pk=completion.pk)
        return self.render_form(request, form, completion.person, completion=completion)


class CompletionFinaliseView(View):
    """Finalise a draft from its page (the result is fixed and written to the chronology)."""

    required_permission = roles.VIEW_CASE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        completion = _completion(request, pk, "finalising a practice tool")
        if isinstance(completion, HttpResponse):
            return completion
        if not can_record_practice(request.user, completion.person, completion.kind):
            raise PermissionDenied("You cannot record this tool for this child.")
        raw = request.POST.get("version", "")
        late_reason = request.POST.get("late_reason", "")[:2000]
        try:
            svc.completion_finalise(
                actor=request.user,
                completion=completion,
                expected_version=int(raw) if raw.isdigit() else None,
                late_reason=late_reason,
            )
        except DomainError as exc:
            errors = [(field, m) for field, msgs in exc.errors.items() for m in msgs] or [("", exc.message)]
            context = _completion_context(
                request,
                completion,
                finalise_errors=errors,
                late_reason=late_reason,
                late_reason_error=" ".join(exc.errors.get("late_reason", [])),
            )
            return render(request, "practice/completion.html", context, status=200)
        messages.success(request, "Finalised")
        return redirect("practice:completion", pk=completion.pk)


urlpatterns = [
    path("child/<uuid:pk>/", ChildToolsView.as_view(), name="child"),
    path("child/<uuid:pk>/<str:kind>/", ToolHistoryView.as_view(), name="history"),
    path("child/<uuid:pk>/<str:kind>/new/", CompletionStartView.as_view(), name="start"),
    path("completion/<uuid:pk>/", CompletionView.as_view(), name="completion"),
    path("completion/<uuid:pk>/edit/", CompletionEditView.as_view(), name="edit"),
    path("completion/<uuid:pk>/finalise/", CompletionFinaliseView.as_view(), name="finalise"),
]
