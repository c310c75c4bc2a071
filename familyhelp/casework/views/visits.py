"""Casework pages: visits, case notes (with management oversight) and the casework policy.
(Each area module exports its own `urlpatterns`; casework/urls.py joins them.)

Views stay thin: cases are read through casework.selectors (access-logged), writes go through
casework.services.visits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.casework import visit_clocks
from familyhelp.casework.forms_visits import CaseNoteForm, CaseworkPolicyForm, NoteFilterForm, VisitForm
from familyhelp.casework.models import Case, CaseNote, Visit
from familyhelp.casework.permissions import can_authorise_casework, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import visits as services
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.selectors import BreakGlassRequired

RECENT = 5


def case_url(case: Case) -> str:
    """The case page (owned by the cases area), or this area's visits page until it exists."""
    for name in ("casework:case", "casework:case_detail", "casework:detail"):
        try:
            return reverse(name, kwargs={"pk": case.pk})
        except NoReverseMatch:
            continue
    return reverse("casework:visits", kwargs={"pk": case.pk})


def _case(request: HttpRequest, pk: Any, purpose: str) -> Case | HttpResponse:
    try:
        return case_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _visits(case: Case) -> Any:
    return Visit.objects.filter(case=case).select_related("visited_by").order_by("-visited_on", "-created_at")


def _notes(case: Case, category: str = "") -> Any:
    notes = (
        CaseNote.objects.filter(case=case)
        .select_related("created_by", "corrects")
        .prefetch_related("corrections")
        .order_by("-occurred_on", "-created_at")
    )
    if category:
        notes = notes.filter(category=category)
    return notes


def _visit_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    policy = casework_policy()
    kind = visit_clocks.visit_kind(case, policy=policy)
    return {
        "case": case,
        "clock": visit_clocks.visit_clock(case, clock.today(), policy=policy),
        "kind": kind,
        "kind_label": services.KIND_LABELS[kind],
        "frequency": policy.visit_days(kind),
        "rows": services.policy_rows(policy),
        "can_record_visit": can_work_case(request.user, case),
        "can_write_note": can_work_case(request.user, case),
        "can_oversee": services.can_write_note(request.user, case, services.OVERSIGHT),
        "case_url": case_url(case),
        "user_pk": getattr(request.user, "pk", None),
        "is_manager": can_authorise_casework(request.user, case),
    }


def case_section(request: Any, case: Any) -> dict[str, Any]:
    """Context for this area's section of the case page (template casework/visits/_case_section.html)."""
    context = _visit_context(request, case)
    # Prefixed ("notes-category"), so other sections' query parameters on the case page do not collide.
    filters = NoteFilterForm(request.GET, prefix="notes") if "notes-category" in request.GET else None
    category = filters.cleaned_data.get("category", "") if filters is not None and filters.is_valid() else ""
    visits = list(_visits(case)[: RECENT + 1])
    notes = list(_notes(case, category)[: RECENT + 1])
    context.update(
        {
            "visits": visits[:RECENT],
            "more_visits": len(visits) > RECENT,
            "notes": notes[:RECENT],
            "more_notes": len(notes) > RECENT,
            "note_filter": filters or NoteFilterForm(prefix="notes"),
            "note_category": category,
        }
    )
    return context


class VisitListView(View):
    """Every visit on the case, the next-due clock and the visit frequency for each plan type."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, "viewed the visits")
        if isinstance(case, HttpResponse):
            return case
        context = _visit_context(request, case)
        context["visits"] = list(_visits(case))
        return render(request, "casework/visits/visit_list.html", context)


class VisitAddView(View):
    """Record a visit: the date, whether the child was seen (alone, with others) or not and why."""

    required_permission = roles.WORK_CASE

    def _case(self, request: HttpRequest, pk: Any) -> Case | HttpResponse:
        case = _case(request, pk, "recorded a visit")
        if isinstance(case, Case) and not can_work_case(request.user, case):
            raise PermissionDenied("You cannot record visits on this case.")
        return case

    def _render(self, request: HttpRequest, case: Case, form: VisitForm) -> HttpResponse:
        return render(
            request, "casework/visits/visit_form.html", {"case": case, "form": form, "case_url": case_url(case)}
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        return self._render(request, case, VisitForm(initial={"visited_on": clock.today()}))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit = services.visit_record(actor=request.user, case=case, **form.service_values())
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Visit on {visit.visited_on:%-d %B %Y} recorded")
                return redirect("casework:visits", pk=case.pk)
        return self._render(request, case, form)


class CaseNoteListView(View):
    """The case notes, newest first, filtered by category; management oversight shown apart."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = _case(request, pk, "read the case notes")
        if isinstance(case, HttpResponse):
            return case
        filters = NoteFilterForm(request.GET or None)
        category = filters.cleaned_data.get("category", "") if filters.is_valid() else ""
        return render(
            request,
            "casework/visits/note_list.html",
            {
                "case": case,
                "notes": list(_notes(case, category)),
                "note_filter": filters if filters.is_bound else NoteFilterForm(),
                "note_category": category,
                "can_write_note": can_work_case(request.user, case),
                "can_oversee": services.can_write_note(request.user, case, services.OVERSIGHT),
                "user_pk": request.user.pk,
                "is_manager": can_authorise_casework(request.user, case),
                "case_url": case_url(case),
            },
        )


class CaseNoteAddView(View):
    """Write a case note; managers may also write management oversight (`?category=management_oversight`)."""

    required_permission = roles.WORK_CASE

    def _case(self, request: HttpRequest, pk: Any) -> Case | HttpResponse:
        case = _case(request, pk, "wrote a case note")
        if isinstance(case, Case) and not can_work_case(request.user, case):
            raise PermissionDenied("You cannot write notes on this case.")
        return case

    def _render(self, request: HttpRequest, case: Case, form: CaseNoteForm) -> HttpResponse:
        return render(
            request,
            "casework/visits/note_form.html",
            {"case": case, "form": form, "case_url": case_url(case), "corrects": None},
        )

    def _oversight(self, request: HttpRequest, case: Case) -> bool:
        return services.can_write_note(request.user, case, services.OVERSIGHT)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        initial: dict[str, Any] = {"occurred_on": clock.today()}
        if request.GET.get("category") in CaseNote.Category.values:
            initial["category"] = request.GET["category"]
        return self._render(request, case, CaseNoteForm(initial=initial, oversight=self._oversight(request, case)))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        form = CaseNoteForm(request.POST, oversight=self._oversight(request, case))
        if form.is_valid():
            try:
                note = services.case_note_record(actor=request.user, case=case, **form.service_values())
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"{note.get_category_display()} note saved")
                return redirect("casework:notes", pk=case.pk)
        return self._render(request, case, form)


class CaseNoteCorrectView(View):
    """Correct a note: a new note, in the same category, that names the one it corrects (notes are append-only)."""

    required_permission = roles.WORK_CASE

    def _load(self, request: HttpRequest, pk: Any, note_pk: Any) -> tuple[Case, CaseNote] | HttpResponse:
        case = _case(request, pk, "corrected a case note")
        if isinstance(case, HttpResponse):
            return case
        try:
            note = CaseNote.objects.select_related("case", "created_by").get(pk=note_pk, case=case)
        except (CaseNote.DoesNotExist, ValueError) as exc:
            raise Http404("No such note") from exc
        if not services.can_correct_note(request.user, note):
            raise PermissionDenied("Only the note's author or a manager can correct it.")
        return case, note

    def _render(self, request: HttpRequest, case: Case, note: CaseNote, form: CaseNoteForm) -> HttpResponse:
        return render(
            request,
            "casework/visits/note_form.html",
            {"case": case, "form": form, "case_url": case_url(case), "corrects": note},
        )

    def get(self, request: HttpRequest, pk: Any, note_pk: Any) -> HttpResponse:
        loaded = self._load(request, pk, note_pk)
        if isinstance(loaded, HttpResponse):
            return loaded
        case, note = loaded
        form = CaseNoteForm(initial={"occurred_on": note.occurred_on, "text": note.text}, fixed_category=note.category)
        return self._render(request, case, note, form)

    def post(self, request: HttpRequest, pk: Any, note_pk: Any) -> HttpResponse:
        loaded = self._load(request, pk, note_pk)
        if isinstance(loaded, HttpResponse):
            return loaded
        case, note = loaded
        form = CaseNoteForm(request.POST, fixed_category=note.category)
        if form.is_valid():
            try:
                services.case_note_record(
                    actor=request.user, case=case, category=note.category, corrects=note, **form.service_values()
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Correction saved: the original note is kept and marked as corrected")
                return redirect("casework:notes", pk=case.pk)
        return self._render(request, case, note, form)


class CaseworkPolicyView(View):
    """The council's casework policy: visit frequencies, caseload weights, clocks, Family Help model."""

    required_permission = roles.MANAGE_CASEWORK

    def _render(self, request: HttpRequest, form: CaseworkPolicyForm) -> HttpResponse:
        return render(request, "casework/visits/policy.html", {"form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        policy = casework_policy()
        return self._render(request, CaseworkPolicyForm(initial=CaseworkPolicyForm.initial_for(policy)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CaseworkPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.casework_policy_update(
                    actor=request.user, expected_version=form.cleaned_data.get("version"), **form.service_values()
                )
            except DomainError as exc:
                for key, msgs in exc.errors.items():
                    target = CaseworkPolicyForm.field_for_error(key)
                    for message in msgs:
                        form.add_error(target if target in form.fields else None, message)
                if not exc.errors:
                    apply_domain_errors(form, exc)
            else:
                messages.success(request, "Casework policy saved")
                return redirect("casework:policy")
        return self._render(request, form)


urlpatterns: list[Any] = [
    path("policy/", CaseworkPolicyView.as_view(), name="policy"),
    path("<uuid:pk>/visits/", VisitListView.as_view(), name="visits"),
    path("<uuid:pk>/visits/add/", VisitAddView.as_view(), name="visit_add"),
    path("<uuid:pk>/notes/", CaseNoteListView.as_view(), name="notes"),
    path("<uuid:pk>/notes/add/", CaseNoteAddView.as_view(), name="note_add"),
    path("<uuid:pk>/notes/<uuid:note_pk>/correct/", CaseNoteCorrectView.as_view(), name="note_correct"),
]
