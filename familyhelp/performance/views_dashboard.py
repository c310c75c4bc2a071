"""Performance dashboard pages: the measures for a period and filters, one group of charts at a time with the
figures in tables beside them; the drill-down from a figure to the records behind it; the CSV export; and
the benchmarks (targets and comparator figures) analysts and leaders enter.

Views stay thin: `engine` computes, `selectors_dashboard` scopes the records, `services_benchmarks` writes.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors

from . import charts, engine, services_benchmarks
from .facts import specs
from .filters import Filters
from .forms_dashboard import BenchmarkForm, DashboardFilterForm, figure_labels
from .measures import COUNT, GROUPS, MEASURES, PERCENT, Figure, Measure, format_value
from .models import Benchmark
from .pack import export_rows
from .periods import Period, with_date_columns
from .selectors_dashboard import drilldown_listing_for_user, drilldown_rows

OVERVIEW = "overview"
PAGE_SIZE = 50
LINKED_UNITS = (COUNT, PERCENT)  # figures made of records, so they can be followed to them
NOT_BAR = {"total", "rate", "ratio", "median", "q1", "q3"}
DIMENSION_WORDS = {"team": "team", "locality": "locality", "level": "level", "worker": "worker"}


# --- helpers ----------------------------------------------------------------------------------------------
def report_query(period: Period, filters: Filters) -> dict[str, str]:
    """The canonical GET parameters for a period and filters (what every link on the page carries)."""
    return {"period": period.key, **filters.as_query()}


def export_columns() -> list[str]:
    """The CSV's columns: engine.EXPORT_COLUMNS with period_start and period_end after period_label."""
    return with_date_columns(engine.EXPORT_COLUMNS)


def drilldown_url(measure_key: str, figure: Figure, query: dict[str, str]) -> str:
    count = figure.numerator if figure.unit == PERCENT else figure.value
    if figure.unit not in LINKED_UNITS or not count:
        return ""  # a rate, an average or nothing to list
    base = reverse("performance:drilldown", args=[measure_key, figure.key])
    return f"{base}?{urlencode(query)}"


def unavailable_reason(frames: tuple[str, ...], filters: Filters) -> str:
    """Why a measure is not available under the filters: the dimensions its records do not carry."""
    all_specs = specs()
    missing = [name for name in filters.active() if any(name not in all_specs[frame].dimensions for frame in frames)]
    words = [DIMENSION_WORDS[name] for name in missing]
    if not words:
        return "Not available for these filters."
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"Not available for these filters: this measure is not broken down by {joined}."


_ROOT_SIZE = re.compile(r'^(<svg\b[^>]*?) width="[\d.]+" height="[\d.]+"(?=[^>]*viewBox)')


def fluid(svg: str) -> str:
    """Drop the root's fixed width and height (it keeps its viewBox), so the chart fits its column."""
    return _ROOT_SIZE.sub(r"\1", svg, count=1)


def _bench_cells(report: engine.MeasureReport, kinds: list[str], figure: Figure) -> list[dict[str, str]]:
    cells = []
    for kind in kinds:
        bench = next((b for b in report.benchmarks if b.kind == kind and b.figure == figure.key), None)
        cells.append(
            {"display": format_value(bench.value, figure.unit), "year": bench.year, "source": bench.source}
            if bench
            else {"display": "", "year": "", "source": ""}
        )
    return cells


def _bench_kinds(report: engine.MeasureReport) -> list[tuple[str, str]]:
    present = {b.kind for b in report.benchmarks}
    return [(kind, label) for kind, label in Benchmark.Kind.choices if kind in present]


def _bar_figures(report: engine.MeasureReport) -> list[Figure]:
    """The current breakdown worth a bar chart: per-team averages, else the parts sharing one unit."""
    teams = [f for f in report.current if f.key.startswith("team-")]
    if teams:
        return teams
    parts = [f for f in report.current if f.key not in NOT_BAR]
    if not parts:
        return []
    unit = parts[0].unit
    same = [f for f in parts if f.unit == unit]
    return same if len(same) >= 2 else []


def measure_context(
    report: engine.MeasureReport, query: dict[str, str], filters: Filters, period: Period
) -> dict[str, Any]:
    """What the template needs for one measure: its table rows (with drill-down links) and its charts."""
    m = report.measure
    out: dict[str, Any] = {"measure": m, "available": report.available, "commentary": report.commentary}
    if not report.available:
        out["reason"] = unavailable_reason(m.frames, filters)
        return out
    kinds = _bench_kinds(report)
    out["bench_kinds"] = [label for _kind, label in kinds]
    out["rows"] = [
        {
            "figure": current,
            "url": drilldown_url(m.key, current, query),
            "parts": (
                f"{current.numerator:,} of {current.denominator:,}"
                if current.unit == PERCENT and current.numerator is not None and current.denominator
                else ""
            ),
            "previous": previous.display if previous else "–",
            "last_year": last_year.display if last_year else "–",
            "benchmarks": _bench_cells(report, [k for k, _l in kinds], current),
        }
        for current, previous, last_year in report.compared()
    ]
    out["sources"] = sorted({f"{b.label} {b.year}: {b.source}" for b in report.benchmarks})
    out["trend_svg"] = fluid(charts.trend_chart(m.title, report.trend))
    bars = _bar_figures(report)
    out["bar_svg"] = fluid(charts.bar_chart(f"{m.title}, {period.short_label}", bars)) if bars else ""
    return out


def overview_rows(report: engine.Report, query: dict[str, str], filters: Filters) -> list[dict[str, Any]]:
    """One row per measure: its headline now, in the previous period, a year earlier, and its benchmarks."""
    rows = []
    for m in report.measures:
        row: dict[str, Any] = {
            "measure": m.measure,
            "group_url": f"?{urlencode({**query, 'group': m.measure.group})}#{m.measure.anchor}",
        }
        headline = m.headline
        if not m.available or headline is None:
            row["reason"] = unavailable_reason(m.measure.frames, filters) if not m.available else "No figures."
        else:
            previous = next((f for f in m.previous if f.key == headline.key), None)
            last_year = next((f for f in m.last_year if f.key == headline.key), None)
            row.update(
                figure=headline,
                url=drilldown_url(m.measure.key, headline, query),
                previous=previous.display if previous else "–",
                last_year=last_year.display if last_year else "–",
                target=_bench_cells(m, ["target"], headline)[0],
                national=_bench_cells(m, ["national"], headline)[0],
            )
        rows.append(row)
    return rows


# --- the dashboard ----------------------------------------------------------------------------------------
_REPORTS: OrderedDict[tuple[Any, ...], tuple[float, Any, datetime]] = OrderedDict()
_REPORTS_KEPT = 64
_REPORTS_LOCK = threading.Lock()  # the development server answers in threads


def dashboard_report(query: str, period: Period, filters: Filters, keys: list[str] | None) -> tuple[Any, datetime]:
    """The dashboard's report and when it was calculated. Each server process keeps a report it calculated for
    FAMILYHELP_DASHBOARD_CACHE_SECONDS (default 60; 0 turns it off): a dashboard is read by many people at
    once and its figures are about whole months and quarters, so a minute's delay is the price of answering
    in milliseconds (ADR 0019). The page says when the figures were calculated. Drill-downs, exports and
    packs always calculate afresh."""
    seconds = settings.FAMILYHELP_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return engine.build_report(period, filters, keys=keys), clock.now()
    key = (query, tuple(keys) if keys is not None else None, clock.today())
    now = time.monotonic()
    with _REPORTS_LOCK:
        found = _REPORTS.get(key)
        if found is not None and now - found[0] < seconds:
            _REPORTS.move_to_end(key)
            return found[1], found[2]
    report, calculated_at = engine.build_report(period, filters, keys=keys), clock.now()
    with _REPORTS_LOCK:
        _REPORTS[key] = (now, report, calculated_at)
        while len(_REPORTS) > _REPORTS_KEPT:
            _REPORTS.popitem(last=False)
    return report, calculated_at


def forget_dashboard_reports() -> None:
    with _REPORTS_LOCK:
        _REPORTS.clear()


class DashboardView(View):
    """The measures for a period and filters: an overview of every headline, or one group's charts and tables."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        form = DashboardFilterForm.from_query(request.GET)
        group = request.GET.get("group", OVERVIEW)
        if group not in GROUPS:
            group = OVERVIEW
        context: dict[str, Any] = {
            "form": form,
            "group": group,
            "group_label": GROUPS.get(group, "Overview"),
            "can_manage": has_verb(request.user, roles.MANAGE_PERFORMANCE),
        }
        if not form.is_valid():
            context["tabs"] = []
            return render(request, "performance/dashboard.html", context, status=400)
        period: Period = form.cleaned_data["period"]
        filters: Filters = form.cleaned_data["filters"]
        query = report_query(period, filters)
        keys = None if group == OVERVIEW else [m.key for m in MEASURES.values() if m.group == group]
        report, calculated_at = dashboard_report(urlencode(query), period, filters, keys)
        context.update(
            report=report,
            calculated_at=calculated_at,
            query=urlencode(query),
            described=filters.describe(),
            tabs=[
                (key, label, f"?{urlencode({**query, 'group': key})}")
                for key, label in [(OVERVIEW, "Overview"), *GROUPS.items()]
            ],
            csv_url=f"{reverse('performance:export_csv')}?{urlencode(query)}",
            pdf_url=f"{reverse('performance:pack_pdf')}?{urlencode(query)}",
        )
        if group == OVERVIEW:
            context["overview"] = overview_rows(report, query, filters)
        else:
            context["measures"] = [measure_context(m, query, filters, period) for m in report.measures]
        return render(request, "performance/dashboard.html", context)


def _period_and_filters(request: HttpRequest) -> tuple[DashboardFilterForm, Period | None, Filters | None]:
    form = DashboardFilterForm.from_query(request.GET)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["period"], form.cleaned_data["filters"]


def _form_problems(form: DashboardFilterForm) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def figure_label(m: Measure, figure: str) -> str:
    """Words for a figure of a measure, including a team's figure of the caseload measures."""
    if figure.startswith("team-"):
        from familyhelp.organisation.models import Team

        name = Team.objects.filter(pk=figure.removeprefix("team-")).values_list("name", flat=True).first()
        return f"Average per worker: {name or 'unknown team'}"
    return figure_labels(m).get(figure) or figure


class DrillDownView(View):
    """The records behind one figure, as far as the user's record scope reaches; the rest are counted only.
    Listing them is written to the access log (the measure, figure, period and filters, never names)."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest, measure: str, figure: str) -> HttpResponse:
        if measure not in MEASURES:
            raise Http404("No such measure")
        m = MEASURES[measure]
        form, period, filters = _period_and_filters(request)
        if period is None or filters is None:
            context = {"measure": m, "problems": _form_problems(form)}
            return render(request, "performance/drilldown.html", context, status=400)
        try:
            records = engine.drill_down(measure, figure, period, filters)
        except KeyError as exc:
            raise Http404("No such figure, or not available for these filters") from exc
        listing = drilldown_listing_for_user(request.user, records)
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.SEARCH,
            criteria={"measure": measure, "figure": figure, "period": period.key, **filters.as_query()},
            result_count=len(listing.visible),
            reason="Performance drill-down",
        )
        page = Paginator(listing.visible, PAGE_SIZE).get_page(request.GET.get("page"))
        query = report_query(period, filters)
        context = {
            "measure": m,
            "figure_label": figure_label(m, figure),
            "period": period,
            "described": filters.describe(),
            "listing": listing,
            "page": page,
            "rows": drilldown_rows(listing.kind, page.object_list),
            "page_query": urlencode(query),
            "back_url": f"{reverse('performance:dashboard')}?{urlencode({**query, 'group': m.group})}#{m.anchor}",
            "can_open_contact": has_verb(request.user, roles.VIEW_CONTACT),
        }
        return render(request, "performance/drilldown.html", context)


class ExportCsvView(View):
    """Every measure for the period and filters as CSV: aggregates only, small counts suppressed ("c")."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        form, period, filters = _period_and_filters(request)
        if period is None or filters is None:
            response = HttpResponse(
                "\n".join(_form_problems(form)) + "\n", content_type="text/plain; charset=utf-8", status=400
            )
            return response
        report = engine.build_report(period, filters)
        rows = export_rows(report)
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.EXPORT,
            criteria={"period": period.key, **filters.as_query()},
            result_count=len(rows),
            reason="Performance measures CSV (aggregates only)",
        )
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_filename(period)}"'
        response["Cache-Control"] = "no-store"
        return response


def csv_text(rows: list[dict[str, Any]]) -> str:
    """The export rows as CSV with the export_columns() header (each period's key, label, start and end)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=export_columns(), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def csv_filename(period: Period) -> str:
    return f"family-help-measures-{period.key.replace('..', '-to-')}.csv"


# --- benchmarks -------------------------------------------------------------------------------------------
class BenchmarkListView(View):
    """Targets and England, statistical-neighbour and regional figures, by measure."""

    required_permission = roles.MANAGE_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        labels = {key: figure_labels(m) for key, m in MEASURES.items()}
        rows: list[dict[str, Any]] = [
            {
                "benchmark": b,
                "measure": MEASURES[b.measure].title if b.measure in MEASURES else b.measure,
                "figure": labels.get(b.measure, {}).get(b.figure, b.figure),
            }
            for b in Benchmark.objects.order_by("measure", "figure", "kind", "-year")
        ]
        order = list(MEASURES)
        rows.sort(key=lambda r: order.index(r["benchmark"].measure) if r["benchmark"].measure in order else 999)
        return render(request, "performance/benchmarks.html", {"rows": rows})


class BenchmarkEditView(View):
    """Add a benchmark, or change one (the form carries the version it was opened at)."""

    required_permission = roles.MANAGE_PERFORMANCE

    def _render(self, request: HttpRequest, form: BenchmarkForm, obj: Benchmark | None, status: int = 200) -> Any:
        title = "Change a target or comparator figure" if obj else "Add a target or comparator figure"
        return render(
            request, "performance/benchmark_form.html", {"form": form, "object": obj, "title": title}, status=status
        )

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = get_object_or_404(Benchmark, pk=pk) if pk else None
        return self._render(request, BenchmarkForm(instance=obj), obj)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = get_object_or_404(Benchmark, pk=pk) if pk else None
        form = BenchmarkForm(request.POST, instance=obj)
        if form.is_valid():
            try:
                if obj is None:
                    services_benchmarks.benchmark_create(actor=request.user, **form.service_fields())
                else:
                    services_benchmarks.benchmark_update(
                        actor=request.user,
                        benchmark=obj,
                        expected_version=form.cleaned_data.get("version"),
                        **form.service_fields(),
                    )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Figure saved")
                return redirect("performance:benchmarks")
        return self._render(request, form, obj, status=400)


class BenchmarkDeleteView(View):
    """Ask, then remove a benchmark."""

    required_permission = roles.MANAGE_PERFORMANCE

    def _context(self, obj: Benchmark) -> dict[str, Any]:
        measure = MEASURES.get(obj.measure)
        return {
            "object": obj,
            "measure": measure.title if measure else obj.measure,
            "figure": figure_labels(measure).get(obj.figure, obj.figure) if measure else obj.figure,
        }

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = get_object_or_404(Benchmark, pk=pk)
        return render(request, "performance/benchmark_delete.html", self._context(obj))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = get_object_or_404(Benchmark, pk=pk)
        raw = request.POST.get("version", "")
        try:
            services_benchmarks.benchmark_delete(
                actor=request.user, benchmark=obj, expected_version=int(raw) if raw.isdigit() else None
            )
        except DomainError as exc:
            context = {**self._context(obj), "problem": exc.message}
            return render(request, "performance/benchmark_delete.html", context, status=409)
        messages.success(request, "Figure removed")
        return redirect("performance:benchmarks")


urlpatterns: list[Any] = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("export.csv", ExportCsvView.as_view(), name="export_csv"),
    path("benchmarks/", BenchmarkListView.as_view(), name="benchmarks"),
    path("benchmarks/add/", BenchmarkEditView.as_view(), name="benchmark_add"),
    path("benchmarks/<uuid:pk>/", BenchmarkEditView.as_view(), name="benchmark_edit"),
    path("benchmarks/<uuid:pk>/delete/", BenchmarkDeleteView.as_view(), name="benchmark_delete"),
    path("<slug:measure>/<slug:figure>/records/", DrillDownView.as_view(), name="drilldown"),
]
