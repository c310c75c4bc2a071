"""The review queue of possible duplicates. Views stay thin: reads through dedup.selectors (scoped, logged),
writes through dedup.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from familyhelp.accounts import roles
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core.errors import DomainError
from familyhelp.dedup import selectors, services
from familyhelp.dedup.forms import MergeForm, NotDuplicateForm, UndoMergeForm
from familyhelp.dedup.models import DuplicateCandidate
from familyhelp.dedup.selectors import Side
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.jobs.selectors import job_latest
from familyhelp.jobs.services import job_start
from familyhelp.people.selectors import BreakGlassRequired

PAGE_SIZE = 50
STATUSES = [(s.value, s.label) for s in DuplicateCandidate.Status]


class QueueView(View):
    """Possible duplicates waiting for review, most likely first."""

    required_permission = roles.MANAGE_DUPLICATES

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", DuplicateCandidate.Status.OPEN)
        if status not in DuplicateCandidate.Status.values:
            status = DuplicateCandidate.Status.OPEN
        qs = selectors.candidate_list_for_user(request.user, status=status)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = []
        for candidate in page:
            rows.append(
                {
                    "candidate": candidate,
                    "a_masked": selectors.masked(request.user, candidate.person_a),
                    "b_masked": selectors.masked(request.user, candidate.person_b),
                }
            )
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.SEARCH,
            reason="Review queue of possible duplicates",
            criteria={"status": status, "page": page.number},
            result_count=len(rows),
        )
        return render(
            request,
            "dedup/queue.html",
            {
                "page": page,
                "rows": rows,
                "status": status,
                "statuses": STATUSES,
                "counts": selectors.candidate_counts_for_user(request.user),
                "last_search": job_latest("dedup.find_duplicates"),
            },
        )


class FindView(View):
    """Start the search for duplicates as a background job and go to its page (ADR 0018); while one is queued or
    running, go to that one instead. It also runs nightly, and from the command line (`familyhelp find_duplicates`).
    """

    required_permission = roles.MANAGE_DUPLICATES

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("dedup:queue")

    def post(self, request: HttpRequest) -> HttpResponse:
        job, created = job_start(actor=request.user, kind="dedup.find_duplicates")
        if not created:
            messages.info(request, "A search for duplicates is already under way: this is its progress.")
        return redirect("jobs:detail", pk=job.pk)


def _merge_choices(a: Side, b: Side) -> list[tuple[str, str]]:
    return [
        (
            str(side.person.pk),
            f"Keep {side.person.reference} ({side.person.full_name}), created {side.person.created_at:%-d %B %Y}",
        )
        for side in (a, b)
    ]


class CandidateDetailView(View):
    """Two records side by side, with the evidence, and the decision forms."""

    required_permission = roles.MANAGE_DUPLICATES

    def _load(self, request: HttpRequest, pk: Any) -> tuple[DuplicateCandidate, Side, Side] | HttpResponse:
        try:
            return selectors.candidate_get_for_user(request.user, pk)
        except BreakGlassRequired as exc:
            messages.info(
                request, "One of the records is restricted: say why you need to open it, then review the pair."
            )
            return redirect("people:break_glass", pk=exc.person.pk)

    def render_page(
        self,
        request: HttpRequest,
        loaded: tuple[DuplicateCandidate, Side, Side],
        *,
        merge_form: MergeForm | None = None,
        not_duplicate_form: NotDuplicateForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        candidate, a, b = loaded
        initial = {"version": candidate.version}
        context = {
            "candidate": candidate,
            "a": a,
            "b": b,
            "rows": selectors.compare_rows(a, b),
            "merge_form": merge_form or MergeForm(initial=initial, choices=_merge_choices(a, b)),
            "not_duplicate_form": not_duplicate_form or NotDuplicateForm(initial=initial),
            "is_open": candidate.status == DuplicateCandidate.Status.OPEN,
        }
        return render(request, "dedup/compare.html", context, status=status)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        loaded = self._load(request, pk)
        if isinstance(loaded, HttpResponse):
            return loaded
        return self.render_page(request, loaded)


class CandidateMergeView(CandidateDetailView):
    """Merge the pair (POST)."""

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return redirect("dedup:detail", pk=pk)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        loaded = self._load(request, pk)
        if isinstance(loaded, HttpResponse):
            return loaded
        candidate, a, b = loaded
        form = MergeForm(request.POST, choices=_merge_choices(a, b))
        if form.is_valid():
            survivor = a.person if form.cleaned_data["survivor"] == str(a.person.pk) else b.person
            try:
                merge = services.candidate_merge(
                    actor=request.user,
                    candidate=candidate,
                    survivor=survivor,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request, f"Records merged: {merge.merged.reference} is now part of {merge.survivor.reference}"
                )
                return redirect("people:detail", pk=merge.survivor_id)
        return self.render_page(request, loaded, merge_form=form)


class CandidateNotDuplicateView(CandidateDetailView):
    """Mark the pair as different people (POST)."""

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return redirect("dedup:detail", pk=pk)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        loaded = self._load(request, pk)
        if isinstance(loaded, HttpResponse):
            return loaded
        candidate, _, _ = loaded
        form = NotDuplicateForm(request.POST)
        if form.is_valid():
            try:
                services.candidate_mark_not_duplicate(
                    actor=request.user,
                    candidate=candidate,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Marked as not a duplicate. The pair will not be suggested again.")
                return redirect("dedup:queue")
        return self.render_page(request, loaded, not_duplicate_form=form)


class MergeUndoView(View):
    """Undo a merge: both records are separate again."""

    required_permission = roles.MANAGE_DUPLICATES

    def _render(self, request: HttpRequest, pk: Any, form: UndoMergeForm) -> HttpResponse:
        try:
            merge, survivor, merged = selectors.merge_get_for_user(request.user, pk)
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        if request.method == "POST" and form.is_bound and form.is_valid():
            try:
                services.merge_undo(
                    actor=request.user,
                    merge=merge,
                    reason=form.cleaned_data["reason"],
                    reopen=form.cleaned_data["reopen"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Merge undone: {merged.reference} is a separate record again")
                return redirect("people:detail", pk=merged.pk)
        return render(
            request, "dedup/undo.html", {"form": form, "merge": merge, "survivor": survivor, "merged": merged}
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self._render(request, pk, UndoMergeForm())

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self._render(request, pk, UndoMergeForm(request.POST))
