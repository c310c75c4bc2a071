"""Background jobs of the returns area (discovered by familyhelp.jobs): building the CIN census, SSDA903 and
Annex A files started from their pages. Each download of the file from the job's page is the export in the
access log (who, when, the year or period and row counts: no personal data)."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from familyhelp.accounts import roles
from familyhelp.jobs.models import Job
from familyhelp.jobs.registry import JobKind, Outcome, ResultFile, register
from familyhelp.jobs.services import job_progress
from familyhelp.returns import annex_a, cin_census, ssda903
from familyhelp.returns.quality_cin import census_problems

CIN = "returns.cin_census"
SSDA903 = "returns.ssda903"
ANNEX_A = "returns.annex_a"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_cin_census(job: Job) -> Outcome:
    year = int(job.params["year"])
    job_progress(job, done=0, total=3, stage="Reading children in need episodes")
    census = cin_census.load_census(year)
    job_progress(job, done=1, total=3, stage="Writing the census XML")
    xml = cin_census.census_to_xml(census)
    job_progress(job, done=2, total=3, stage="Checking data quality")
    problems = census_problems(census)
    errors = sum(1 for p in problems if not p.is_query)
    children = len(census.children)
    return Outcome(
        message=f"CIN census {year}: {children:,} children, {errors:,} errors and {len(problems) - errors:,} "
        "queries in the data-quality report.",
        summary={"year": year, "children": children, "errors": errors, "queries": len(problems) - errors},
        link_url=f"{reverse('returns:cin')}?{urlencode({'year': year})}",
        link_text=f"Back to the CIN census for {year}",
        file=ResultFile(
            content=xml,
            filename=f"cin_census_{year}.xml",
            content_type="application/xml",
            export_criteria={"return": "cin_census", "year": year},
            export_count=children,
            export_reason="CIN census download",
        ),
    )


def build_ssda903(job: Job) -> Outcome:
    year = int(job.params["year"])
    job_progress(job, done=0, total=2, stage="Reading episodes of care")
    tables = ssda903.build_ssda903(year)
    job_progress(job, done=1, total=2, stage="Writing the tables")
    content = ssda903.ssda903_zip(tables, year)
    counts = ssda903.row_counts(tables)
    return Outcome(
        message=f"SSDA903 {year}: {counts.get('Header', 0):,} children, {counts.get('Episodes', 0):,} episodes.",
        summary={"year": year, "rows": counts},
        link_url=f"{reverse('returns:ssda903')}?{urlencode({'year': year})}",
        link_text=f"Back to SSDA903 for {year}",
        file=ResultFile(
            content=content,
            filename=f"ssda903_{year}.zip",
            content_type="application/zip",
            export_criteria={"return": "ssda903", "year": year, "rows": counts},
            export_count=len(tables["Header"]),
            export_reason="SSDA903 download",
        ),
    )


def build_annex_a(job: Job) -> Outcome:
    start, end = date.fromisoformat(job.params["start"]), date.fromisoformat(job.params["end"])
    job_progress(job, done=0, total=2, stage="Building the lists")
    lists = annex_a.build_annex_a(start, end)
    job_progress(job, done=1, total=2, stage="Writing the workbook")
    buf = io.BytesIO()
    annex_a.write_annex_a_xlsx(lists, buf)
    rows = annex_a.counts(lists)
    return Outcome(
        message=f"Annex A for {start:%-d %B %Y} to {end:%-d %B %Y}: {sum(rows.values()):,} rows in {len(rows)} lists.",
        summary={"from": start.isoformat(), "to": end.isoformat(), "rows": rows},
        link_url=reverse("returns:annex_a"),
        link_text="Back to Annex A",
        file=ResultFile(
            content=buf.getvalue(),
            filename=annex_a.annex_a_filename(start, end),
            content_type=XLSX,
            export_criteria={"return": "annex_a", "from": start.isoformat(), "to": end.isoformat(), "rows": rows},
            export_count=sum(rows.values()),
            export_reason="Ofsted Annex A lists",
        ),
    )


for _kind, _label, _handler in (
    (CIN, "Build the CIN census", build_cin_census),
    (SSDA903, "Build the SSDA903 return", build_ssda903),
    (ANNEX_A, "Build the Annex A lists", build_annex_a),
):
    register(
        JobKind(
            kind=_kind,
            label=_label,
            handler=_handler,
            permission=roles.EXPORT_RETURNS,
            once="per_user",
            refusal="Your role cannot export returns.",
        )
    )
