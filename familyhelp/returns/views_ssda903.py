"""Returns pages: SSDA903 (the tables' row counts for a collection year, the zip download, and the data-quality
report with each problem's child linked). Views stay thin: returns.ssda903 builds and logs, quality_903 checks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core import clock
from familyhelp.jobs.services import job_start
from familyhelp.returns import quality_903, ssda903


class YearForm(forms.Form):
    """The collection year: the one that ends on 31 March YEAR."""

    year = forms.IntegerField(
        label="Collection year",
        help_text="The year the return ends in: 2026 is 1 April 2025 to 31 March 2026.",
        min_value=2010,
        max_value=2100,
        error_messages={
            "required": "Enter the collection year",
            "invalid": "Enter the collection year as a number, like 2026",
            "min_value": "Enter a collection year from 2010",
            "max_value": "Enter a collection year before 2100",
        },
    )


def current_year() -> int:
    """The collection year open today (April to March)."""
    today = clock.today()
    return today.year + 1 if today.month >= 4 else today.year


def _form(data: Any) -> YearForm:
    return YearForm(data if "year" in data else {"year": current_year()})


def problems_with_links(problems: list[quality_903.Problem]) -> list[dict[str, Any]]:
    """The problems as template rows, each with the child's page."""
    from django.urls import reverse

    return [
        {**p.as_dict(), "url": reverse("people:detail", args=[p.person_id]) if p.person_id else ""} for p in problems
    ]


class Ssda903View(View):
    """SSDA903 for a year: rows per table, the number of problems, and the download button."""

    required_permission = roles.EXPORT_RETURNS

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _form(request.GET)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            year = form.cleaned_data["year"]
            tables = ssda903.build_ssda903(year)
            problems = quality_903.check_903(tables, year=year)
            context.update(
                year=year,
                counts=list(ssda903.row_counts(tables).items()),
                errors=sum(1 for p in problems if not p.is_query),
                queries=sum(1 for p in problems if p.is_query),
            )
        return render(request, "returns/ssda903.html", context, status=200 if form.is_valid() else 400)


class Ssda903DownloadView(View):
    """Build the tables as a zip of CSV files in the background (POSTed from the SSDA903 page) and go to the
    job's page, which offers the file when it is ready; every download of it is logged (ADR 0018)."""

    required_permission = roles.EXPORT_RETURNS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = YearForm(request.POST)
        if not form.is_valid():
            return render(request, "returns/ssda903.html", {"form": form}, status=400)
        year = form.cleaned_data["year"]
        job, _ = job_start(actor=request.user, kind="returns.ssda903", params={"year": year}, label=f"SSDA903 {year}")
        return redirect("jobs:detail", pk=job.pk)


class Ssda903QualityView(View):
    """Problems that would make the 903 fail the DfE's checks: the child, the rule and what to fix."""

    required_permission = roles.VIEW_DATA_QUALITY

    def get(self, request: HttpRequest) -> HttpResponse:
        form = _form(request.GET)
        context: dict[str, Any] = {"form": form, "can_export": has_verb(request.user, roles.EXPORT_RETURNS)}
        if form.is_valid():
            year = form.cleaned_data["year"]
            problems = quality_903.check_903(ssda903.build_ssda903(year), year=year)
            context.update(year=year, problems=problems_with_links(problems))
        return render(request, "returns/ssda903_quality.html", context, status=200 if form.is_valid() else 400)


urlpatterns: list[Any] = [
    path("ssda903/", Ssda903View.as_view(), name="ssda903"),
    path("ssda903/download/", Ssda903DownloadView.as_view(), name="ssda903_download"),
    path("ssda903/data-quality/", Ssda903QualityView.as_view(), name="ssda903_quality"),
]
