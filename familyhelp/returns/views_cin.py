"""Returns pages: the CIN census (choose the year, read the data-quality report with each child's record linked,
then download the XML). Views stay thin: returns.cin_census builds and logs, quality_cin checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core import clock
from familyhelp.jobs.services import job_start
from familyhelp.returns import cin_census, quality_cin


class CinYearForm(forms.Form):
    """The collection year: the one that ends on the reference date 31 March YEAR."""

    year = forms.IntegerField(
        label="Collection year",
        help_text="The year the census ends in: 2026 is 1 April 2025 to 31 March 2026.",
        min_value=2010,
        max_value=2100,
        error_messages={
            "required": "Enter the collection year",
            "invalid": "Enter the collection year as a number, like 2026",
            "min_value": "Enter a collection year from 2010",
            "max_value": "Enter a collection year before 2100",
        },
    )


def last_complete_year() -> int:
    """The latest collection year whose reference date (31 March) has passed."""
    today = clock.today()
    return today.year if today.month >= 4 else today.year - 1


def problem_rows(problems: list[quality_cin.Problem]) -> list[dict[str, Any]]:
    """The problems as template rows, each with a link to the child's record."""
    return [
        {**p.as_dict(), "url": reverse("people:detail", args=[p.person_id]) if p.person_id else ""} for p in problems
    ]


class CinCensusView(View):
    """The CIN census for a year: how many children, the data-quality report, and the download button."""

    required_permission = roles.EXPORT_RETURNS

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CinYearForm(request.GET if "year" in request.GET else {"year": last_complete_year()})
        context: dict[str, Any] = {"form": form, "can_export": has_verb(request.user, roles.EXPORT_RETURNS)}
        if form.is_valid():
            year = form.cleaned_data["year"]
            census = cin_census.load_census(year)
            problems = quality_cin.census_problems(census)
            context.update(
                year=year,
                children=len(census.children),
                problems=problem_rows(problems),
                errors=sum(1 for p in problems if not p.is_query),
                queries=sum(1 for p in problems if p.is_query),
            )
        return render(request, "returns/cin.html", context, status=200 if form.is_valid() else 400)


class CinCensusQualityView(CinCensusView):
    """The same report for team managers and analysts (`returns.view_data_quality`); the download button only
    for those who may export."""

    required_permission = roles.VIEW_DATA_QUALITY


class CinCensusDownloadView(View):
    """Build the census XML in the background (POSTed from the CIN census page) and go to the job's page, which
    offers the file when it is ready; every download of it is written to the access log (ADR 0018)."""

    required_permission = roles.EXPORT_RETURNS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CinYearForm(request.POST)
        if not form.is_valid():
            return render(request, "returns/cin.html", {"form": form}, status=400)
        year = form.cleaned_data["year"]
        job, _ = job_start(
            actor=request.user, kind="returns.cin_census", params={"year": year}, label=f"CIN census {year}"
        )
        return redirect("jobs:detail", pk=job.pk)


urlpatterns: list[Any] = [
    path("cin-census/", CinCensusView.as_view(), name="cin"),
    path("cin-census/data-quality/", CinCensusQualityView.as_view(), name="cin_quality"),
    path("cin-census/download/", CinCensusDownloadView.as_view(), name="cin_download"),
]
