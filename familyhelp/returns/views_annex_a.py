"""Returns pages: the returns landing page (/returns/) and Ofsted Annex A (the lists' counts, the download and
the data-quality report for a period). Views stay thin: returns.annex_a builds and logs, quality_annex_a checks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core import clock
from familyhelp.frontend.forms import GovDateField
from familyhelp.jobs.services import job_start
from familyhelp.returns import annex_a as a
from familyhelp.returns.quality_annex_a import annex_a_problems, problem_counts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(forms.Form):
    """The period the lists cover: a start and an end date, both included."""

    start = GovDateField(label="Start date", help_text="The first day of the period. For example, 1 4 2025")
    end = GovDateField(label="End date", help_text="The last day of the period. For example, 31 3 2026")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "End date must be the same as or after the start date")
        return data


class IsoPeriodForm(forms.Form):
    """The period as ISO dates (the download button's hidden fields, and the API's query)."""

    start = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"required": "Enter the start date"})
    end = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"required": "Enter the end date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "End date must be the same as or after the start date")
        return data


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today (what Ofsted asks for at the start of an inspection)."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:
        start = today.replace(year=today.year - 1, day=28)
    return start, today


def _bound(request: HttpRequest) -> PeriodForm:
    if any(key.startswith(("start_", "end_")) for key in request.GET):
        return PeriodForm(request.GET)
    start, end = default_period(clock.today())
    return PeriodForm(initial={"start": start, "end": end})


def _url(name: str) -> str | None:
    """A URL that may not exist yet (another area's page)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class ReturnsIndexView(View):
    """The returns landing page: the CIN census, SSDA903 and Annex A, with their data-quality reports."""

    required_permission = roles.VIEW_DATA_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "returns/index.html",
            {
                "can_export": has_verb(request.user, roles.EXPORT_RETURNS),
                "cin_url": _url("returns:cin"),
                "cin_quality_url": _url("returns:cin_quality"),
                "ssda903_url": _url("returns:ssda903"),
                "ssda903_quality_url": _url("returns:ssda903_quality"),
            },
        )


class AnnexAView(View):
    """Annex A for a period: rows per list, the download button and the number of data-quality problems."""

    required_permission = roles.EXPORT_RETURNS

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _bound(request)
        context: dict[str, Any] = {"form": form}
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            rows = a.build_annex_a_rows(start, end)
            problems = annex_a_problems(start, end, rows)
            context.update(
                start=start,
                end=end,
                counts=list(a.counts(rows).items()),
                problem_count=len(problems),
                quality_query=request.GET.urlencode(),
            )
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "returns/annex_a.html", context, status=status)


class AnnexADownloadView(View):
    """Build the Annex A workbook for the period in the background (POSTed from the Annex A page) and go to the
    job's page, which offers the file when it is ready; every download of it is logged (ADR 0018)."""

    required_permission = roles.EXPORT_RETURNS

    def post(self, request: HttpRequest) -> HttpResponse:
        iso = IsoPeriodForm(request.POST)
        if not iso.is_valid():
            form = PeriodForm(data={})
            for field, errors in iso.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return render(request, "returns/annex_a.html", {"form": form}, status=400)
        start, end = iso.cleaned_data["start"], iso.cleaned_data["end"]
        job, _ = job_start(
            actor=request.user,
            kind="returns.annex_a",
            params={"start": start.isoformat(), "end": end.isoformat()},
            label=f"Annex A, {start:%-d %B %Y} to {end:%-d %B %Y}",
        )
        return redirect("jobs:detail", pk=job.pk)


class AnnexAQualityView(View):
    """Records that would make Annex A incomplete or wrong, each with the child, the rule and what to fix."""

    required_permission = roles.VIEW_DATA_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _bound(request)
        context: dict[str, Any] = {"form": form, "can_export": has_verb(request.user, roles.EXPORT_RETURNS)}
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            problems = annex_a_problems(start, end)
            context.update(
                start=start,
                end=end,
                problems=problems,
                rule_counts=list(problem_counts(problems).items()),
                query=request.GET.urlencode(),
            )
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "returns/annex_a_quality.html", context, status=status)


urlpatterns: list[Any] = [
    path("", ReturnsIndexView.as_view(), name="index"),
    path("annex-a/", AnnexAView.as_view(), name="annex_a"),
    path("annex-a/download/", AnnexADownloadView.as_view(), name="annex_a_download"),
    path("annex-a/data-quality/", AnnexAQualityView.as_view(), name="annex_a_quality"),
]
