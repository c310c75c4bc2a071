"""Performance API: the library of measures, the report for a period and filters (the same aggregate rows
as the CSV export, small counts suppressed), the CSV itself, and benchmarks (targets and comparator figures).

`register(router)` adds /api/v1/performance/measures/, /api/v1/performance/report/ (and report/csv/) and
/api/v1/performance/records/ (the drill-down: the records behind one figure, as far as the caller's record
scope reaches, the rest counted) for `performance.view_performance`, and /api/v1/performance/benchmarks/
(read with view_performance, written with `performance.manage_performance`; changes carry the `version` they
were read at).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.api.base import ApiViewSet
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.performance import engine, services_benchmarks
from familyhelp.performance.filters import FilterError, Filters
from familyhelp.performance.forms_dashboard import figure_labels, latest_complete_quarter
from familyhelp.performance.measures import GROUPS, MEASURES
from familyhelp.performance.models import Benchmark
from familyhelp.performance.periods import KIND_NAMES, Period, PeriodError, parse_period
from familyhelp.performance.selectors_dashboard import drilldown_listing_for_user, drilldown_rows
from familyhelp.performance.views_dashboard import csv_filename, csv_text, export_rows, figure_label

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="The version is missing or stale: someone else saved the record.")
REPORT_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        required=False,
        description="2025-01 (a month), 2025-26-Q1 (a quarter of the financial year: April to June 2025; also "
        "written 2025-26 Q1 or Q1 2025-26), 2025-Q1 (a calendar quarter: January to March 2025), 2024-25 (a financial "
        "year) or 2025-01-06..2025-02-14 (custom dates). Default: the latest complete quarter, numbered by the "
        "financial year. A financial year whose second part is not the next year (2025-27-Q1) is a 400 on `period`.",
    ),
    OpenApiParameter("team", OpenApiTypes.UUID, required=False, description="Only this team's work."),
    OpenApiParameter("locality", OpenApiTypes.UUID, required=False, description="Only this locality."),
    OpenApiParameter("level", OpenApiTypes.INT, required=False, enum=[1, 2, 3, 4], description="Only this level."),
    OpenApiParameter("worker", OpenApiTypes.UUID, required=False, description="Only this worker's cases."),
]


def period_and_filters(request: Request) -> tuple[Period, Filters]:
    """The period and filters from the query string; ValidationError (400) naming the field that is wrong."""
    params = request.query_params
    raw = (params.get("period") or "").strip()
    try:
        period = parse_period(raw) if raw else latest_complete_quarter()
    except PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc
    try:
        filters = Filters.from_query(params)
    except FilterError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from exc
    return period, filters


# --- serializers -------------------------------------------------------------------------------------------
class MeasureFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label


class MeasureSerializer(serializers.Serializer):
    """A measure in the library (definitions in docs/domain/measures.md)."""

    key = serializers.CharField()
    title = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    summary = serializers.CharField()
    headline = serializers.CharField(help_text="The figure the trend, the overview and the commentary use.")
    better = serializers.ChoiceField(choices=["higher", "lower", "neutral"])
    figures = MeasureFigureSerializer(many=True)


class ReportingPeriodSerializer(serializers.Serializer):
    """A reporting period: its key (as `period=` takes it), what kind it is, its label (always naming the months)
    and its first and last days (both included)."""

    key = serializers.CharField(help_text="As the `period` parameter takes it, e.g. 2025-26-Q1 or 2025-Q1.")
    kind = serializers.ChoiceField(choices=list(KIND_NAMES))
    label = serializers.CharField(  # type: ignore[assignment]  # a field named label, not Field.label
        help_text='In words, naming the months: "April to June 2025 (Q1 2025-26)", "January to March 2025 '
        '(calendar quarter)", "April 2025", "April 2025 to March 2026 (2025-26)", "6 January 2025 to 14 February 2025".'
    )
    start = serializers.DateField(help_text="The period's first day.")
    end = serializers.DateField(help_text="The period's last day (included).")


class ReportPeriodsSerializer(serializers.Serializer):
    current = ReportingPeriodSerializer()
    previous = ReportingPeriodSerializer(help_text="The period just before, of the same kind.")
    last_year = ReportingPeriodSerializer(help_text="The same period a year earlier.")


class ReportRowSerializer(serializers.Serializer):
    """One figure for one period: aggregates only. Numerator, denominator, value and display are "c" when
    suppressed (a count under the suppression threshold, or a figure made from one)."""

    measure = serializers.CharField()
    measure_title = serializers.CharField()
    figure = serializers.CharField()
    figure_label = serializers.CharField()
    period = serializers.CharField(help_text="The period's key.")
    period_label = serializers.CharField(help_text="The period in words, naming its months.")
    period_start = serializers.DateField(help_text="The period's first day.")
    period_end = serializers.DateField(help_text="The period's last day (included).")
    comparison = serializers.ChoiceField(choices=["current", "previous", "last_year"])
    unit = serializers.CharField()
    numerator = serializers.JSONField(help_text='An integer, null, or "c" (suppressed).')
    denominator = serializers.JSONField(help_text='An integer, null, or "c" (suppressed).')
    value = serializers.JSONField(help_text='A number, null, or "c" (suppressed).')
    display = serializers.CharField()
    suppressed = serializers.BooleanField()
    filters = serializers.CharField(help_text="The filters in words.")


class UnavailableSerializer(serializers.Serializer):
    measure = serializers.CharField()
    reason = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The period's key.")
    period_label = serializers.CharField(help_text='The period in words: "April to June 2025 (Q1 2025-26)".')
    period_start = serializers.DateField(help_text="The period's first day.")
    period_end = serializers.DateField(help_text="The period's last day (included).")
    previous_period = serializers.CharField(help_text="The previous period's key.")
    last_year_period = serializers.CharField(help_text="The key of the same period a year earlier.")
    periods = ReportPeriodsSerializer(help_text="The period and its two comparisons: key, kind, label and dates.")
    filters = serializers.DictField(child=serializers.CharField())
    suppression_threshold = serializers.IntegerField()
    rows = ReportRowSerializer(many=True)
    unavailable = UnavailableSerializer(many=True, help_text="Measures not broken down by the filters used.")


class BenchmarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Benchmark
        fields = ["id", "measure", "figure", "kind", "value", "year", "source", "version", "modified_at"]
        read_only_fields = fields


class BenchmarkCreateSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(MEASURES))
    figure = serializers.CharField(max_length=60, help_text="One of the measure's figure keys.")
    kind = serializers.ChoiceField(choices=Benchmark.Kind.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    year = serializers.CharField(max_length=7, help_text="A financial year, like 2024-25.")
    source = serializers.CharField(max_length=300)  # type: ignore[assignment]  # a field, not Field.source


class BenchmarkUpdateSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(MEASURES), required=False)
    figure = serializers.CharField(max_length=60, required=False)
    kind = serializers.ChoiceField(choices=Benchmark.Kind.choices, required=False)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    year = serializers.CharField(max_length=7, required=False)
    source = serializers.CharField(max_length=300, required=False)  # type: ignore[assignment]
    version = serializers.IntegerField(help_text="The version you read; a stale one is refused with 409.")


# --- views -------------------------------------------------------------------------------------------------
class PerformanceMeasureViewSet(ApiViewSet):
    """The library of measures."""

    required_permissions = {"list": roles.VIEW_PERFORMANCE}
    pagination_class = None

    @extend_schema(summary="The library of measures", responses=MeasureSerializer(many=True))
    def list(self, request: Request) -> Response:
        data = [
            {
                "key": m.key,
                "title": m.title,
                "group": m.group,
                "group_label": GROUPS.get(m.group, m.group),
                "summary": m.summary,
                "headline": m.headline,
                "better": m.better,
                "figures": [{"key": k, "label": label} for k, label in figure_labels(m).items()],
            }
            for m in MEASURES.values()
        ]
        return Response(MeasureSerializer(data, many=True).data)


class PerformanceReportViewSet(ApiViewSet):
    """Every measure for a period and filters, with the previous period and the same period a year earlier."""

    required_permissions = {"list": roles.VIEW_PERFORMANCE, "csv": roles.VIEW_PERFORMANCE}
    pagination_class = None

    @extend_schema(
        summary="Every measure's figures (aggregates, small counts suppressed)",
        parameters=REPORT_PARAMETERS,
        responses={200: ReportSerializer, 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        period, filters = period_and_filters(request)
        report = engine.build_report(period, filters)
        data = {
            "period": period.key,
            "period_label": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "previous_period": report.previous_period.key,
            "last_year_period": report.last_year_period.key,
            "periods": {
                "current": period.describe(),
                "previous": report.previous_period.describe(),
                "last_year": report.last_year_period.describe(),
            },
            "filters": filters.as_query(),
            "suppression_threshold": engine.suppression_threshold(),
            "rows": export_rows(report),
            "unavailable": [
                {"measure": m.measure.key, "reason": "Not broken down by the filters used."}
                for m in report.measures
                if not m.available
            ],
        }
        return Response(ReportSerializer(data).data)

    @extend_schema(
        summary="The same figures as CSV (the dashboard's download)",
        parameters=REPORT_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The CSV: one row per figure and period, the report rows' columns (period, period_label, "
                "period_start, period_end, …) as its header.",
            ),
            400: BAD_REQUEST,
        },
    )
    @action(detail=False, methods=["get"])
    def csv(self, request: Request) -> HttpResponse:
        """The export rows as CSV; written to the access log as an export of aggregates."""
        period, filters = period_and_filters(request)
        rows = export_rows(engine.build_report(period, filters))
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.EXPORT,
            criteria={"period": period.key, **filters.as_query()},
            result_count=len(rows),
            reason="Performance measures CSV (aggregates only, API)",
        )
        response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_filename(period)}"'
        response["Cache-Control"] = "no-store"
        return response


RECORDS_PARAMETERS = [
    OpenApiParameter("measure", OpenApiTypes.STR, required=True, description="A measure's key (see measures/)."),
    OpenApiParameter(
        "figure",
        OpenApiTypes.STR,
        required=True,
        description="A figure of that measure: its `key` in the report rows (e.g. total, s47, late, team-<uuid>).",
    ),
    *REPORT_PARAMETERS,
    OpenApiParameter("limit", OpenApiTypes.INT, required=False, description="Records per page (default 50)."),
    OpenApiParameter("offset", OpenApiTypes.INT, required=False, description="Records to skip."),
]


class DrillDownRecordSerializer(serializers.Serializer):
    """One record behind a figure. Cases and contacts carry their reference and the API address that reads
    them (which logs that read, with its own scope); no child's name is given here."""

    id = serializers.UUIDField()
    reference = serializers.CharField(allow_null=True, help_text="Case or contact reference; null for staff.")
    url = serializers.CharField(allow_null=True, help_text="The record's API address, where the caller may read it.")
    level = serializers.IntegerField(allow_null=True, help_text="Cases: the level of need.")
    team = serializers.CharField(allow_null=True, help_text="Cases and staff: the team (null: the duty bank).")
    worker = serializers.CharField(allow_null=True, help_text="Cases: the allocated worker.")
    opened_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True, help_text="Contacts: when the contact was received.")
    status = serializers.CharField(allow_null=True, help_text="Contacts: the contact's status.")
    name = serializers.CharField(allow_null=True, help_text="Staff: the worker's name.")
    job_role = serializers.CharField(allow_null=True, help_text="Staff: job role.")
    employment = serializers.CharField(allow_null=True, help_text="Staff: employed or agency.")


class DrillDownSerializer(serializers.Serializer):
    measure = serializers.CharField()
    figure = serializers.CharField()
    figure_label = serializers.CharField()
    period = serializers.CharField(help_text="The period's key.")
    period_label = serializers.CharField(help_text="The period in words, naming its months.")
    period_start = serializers.DateField(help_text="The period's first day.")
    period_end = serializers.DateField(help_text="The period's last day (included).")
    filters = serializers.DictField(child=serializers.CharField())
    kind = serializers.ChoiceField(choices=["case", "contact", "user"], help_text="What the records are.")
    total = serializers.IntegerField(help_text="Every record behind the figure.")
    hidden = serializers.IntegerField(help_text="Records outside the caller's record scope: counted, not listed.")
    count = serializers.IntegerField(help_text="Records listed across all pages (total - hidden).")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = DrillDownRecordSerializer(many=True)


def _record_row(kind: str, obj: Any, can_open_contact: bool, request: Request) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(DrillDownRecordSerializer().fields)
    row["id"] = obj.pk
    if kind == "case":
        row.update(
            reference=obj.reference,
            url=request.build_absolute_uri(reverse("api:case-detail", args=[obj.pk])),
            level=obj.level,
            team=obj.team.name if obj.team else None,
            worker=(obj.worker.get_full_name() or obj.worker.username) if obj.worker else None,
            opened_on=obj.opened_on,
            closed_on=obj.closed_on,
        )
    elif kind == "contact":
        row.update(
            reference=obj.reference,
            url=request.build_absolute_uri(reverse("api:contact-detail", args=[obj.pk])) if can_open_contact else None,
            received_at=obj.received_at,
            status=obj.get_status_display(),
        )
    else:
        row.update(
            name=obj.get_full_name() or obj.username,
            team=obj.team.name if obj.team else None,
            job_role=obj.get_job_role_display(),
            employment=obj.get_employment_display(),
        )
    return row


class PerformanceRecordsViewSet(ApiViewSet):
    """The drill-down: the records behind one figure, listed as far as the caller's record scope reaches
    (the casework lists' scope for cases, front-door access for contacts, organisation access for staff) and
    counted beyond it. Each listing is written to the access log with the measure, figure, period and filters
    (never a name)."""

    required_permissions = {"list": roles.VIEW_PERFORMANCE}

    @extend_schema(
        summary="The records behind one figure (as far as your record scope reaches; the rest counted)",
        parameters=RECORDS_PARAMETERS,
        responses={200: DrillDownSerializer, 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        problems: dict[str, list[str]] = {}
        measure_key = (params.get("measure") or "").strip()
        figure_key = (params.get("figure") or "").strip()
        if not measure_key:
            problems["measure"] = ["Give the measure's key"]
        elif measure_key not in MEASURES:
            problems["measure"] = [f"There is no measure called {measure_key[:60]!r}"]
        if not figure_key:
            problems["figure"] = ["Give the figure's key"]
        if problems:
            raise ValidationError(problems)
        period, filters = period_and_filters(request)
        measure = MEASURES[measure_key]
        try:
            records = engine.drill_down(measure_key, figure_key, period, filters)
        except KeyError as exc:
            raise ValidationError(
                {"figure": [f"{measure.title} has no figure {figure_key[:60]!r} that can be listed for these filters"]}
            ) from exc
        listing = drilldown_listing_for_user(request.user, records)
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.SEARCH,
            criteria={"measure": measure_key, "figure": figure_key, "period": period.key, **filters.as_query()},
            result_count=len(listing.visible),
            reason="Performance drill-down (API)",
        )
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(listing.visible, request, view=self) or []
        can_open_contact = has_verb(request.user, roles.VIEW_CONTACT)
        rows = [_record_row(listing.kind, obj, can_open_contact, request) for obj in drilldown_rows(listing.kind, page)]
        data = {
            "measure": measure_key,
            "figure": figure_key,
            "figure_label": figure_label(measure, figure_key),
            "period": period.key,
            "period_label": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "filters": filters.as_query(),
            "kind": listing.kind,
            "total": listing.total,
            "hidden": listing.hidden,
            "count": len(listing.visible),
            "next": paginator.get_next_link(),  # type: ignore[attr-defined]
            "previous": paginator.get_previous_link(),  # type: ignore[attr-defined]
            "results": rows,
        }
        return Response(DrillDownSerializer(data).data)


class BenchmarkViewSet(ApiViewSet):
    """Targets and England, statistical-neighbour and regional figures, each for one figure and year."""

    required_permissions = {
        "list": roles.VIEW_PERFORMANCE,
        "retrieve": roles.VIEW_PERFORMANCE,
        "create": roles.MANAGE_PERFORMANCE,
        "partial_update": roles.MANAGE_PERFORMANCE,
        "destroy": roles.MANAGE_PERFORMANCE,
    }

    def _get(self, pk: UUID) -> Benchmark:
        return get_object_or_404(Benchmark, pk=pk)

    @extend_schema(summary="List targets and comparator figures", responses=BenchmarkSerializer(many=True))
    def list(self, request: Request) -> Response:
        return self.paginate(
            request, Benchmark.objects.order_by("measure", "figure", "kind", "-year"), BenchmarkSerializer
        )

    @extend_schema(summary="One target or comparator figure", responses=BenchmarkSerializer)
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(BenchmarkSerializer(self._get(pk)).data)

    @extend_schema(
        summary="Add a target or comparator figure",
        request=BenchmarkCreateSerializer,
        responses={201: BenchmarkSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        serializer = BenchmarkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        benchmark = services_benchmarks.benchmark_create(actor=request.user, **serializer.validated_data)
        return Response(BenchmarkSerializer(benchmark).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a target or comparator figure",
        request=BenchmarkUpdateSerializer,
        responses={200: BenchmarkSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        benchmark = self._get(pk)
        serializer = BenchmarkUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        version = data.pop("version")
        services_benchmarks.benchmark_update(actor=request.user, benchmark=benchmark, expected_version=version, **data)
        return Response(BenchmarkSerializer(self._get(pk)).data)

    @extend_schema(
        summary="Remove a target or comparator figure",
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.INT, required=False, description="Refuse (409) unless still at this version."
            )
        ],
        responses={204: None, 409: CONFLICT},
    )
    def destroy(self, request: Request, pk: UUID) -> Response:
        raw = request.query_params.get("version", "")
        if raw and not raw.isdigit():
            raise ValidationError({"version": ["Enter the version as a whole number."]})
        services_benchmarks.benchmark_delete(
            actor=request.user, benchmark=self._get(pk), expected_version=int(raw) if raw else None
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("performance/measures", PerformanceMeasureViewSet, basename="performance-measures")
    router.register("performance/report", PerformanceReportViewSet, basename="performance-report")
    router.register("performance/records", PerformanceRecordsViewSet, basename="performance-records")
    router.register("performance/benchmarks", BenchmarkViewSet, basename="performance-benchmarks")
