"""Returns API: SSDA903. `register(router)` adds /api/v1/returns/ssda903/ (rows per table and the data-quality
report, for analysts and team managers: `returns.view_data_quality`) and /api/v1/returns/ssda903/download/
(the tables as a zip of CSV files, logged, for analysts: `returns.export_returns`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.returns import quality_903, ssda903
from familyhelp.returns.views_ssda903 import YearForm, current_year

YEAR = [
    OpenApiParameter(
        "year", OpenApiTypes.INT, required=False, description="Collection year ending 31 March YEAR (default: now)."
    )
]


class ProblemSerializer(serializers.Serializer):
    """One data-quality problem: the DfE rule code, whose record and what to fix."""

    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["error", "query"])
    person = serializers.UUIDField(allow_null=True)
    child = serializers.CharField()
    table = serializers.CharField()
    message = serializers.CharField()
    fix = serializers.CharField()


class Ssda903ReportSerializer(serializers.Serializer):
    """Rows per table for the year and the data-quality problems."""

    year = serializers.IntegerField()
    tables = serializers.DictField(child=serializers.IntegerField())
    error_count = serializers.IntegerField()
    query_count = serializers.IntegerField()
    problems = ProblemSerializer(many=True)


def _year(request: Request) -> int:
    form = YearForm(request.query_params if "year" in request.query_params else {"year": current_year()})
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return int(form.cleaned_data["year"])


class Ssda903ViewSet(ApiViewSet):
    """The SSDA903 children looked after return for a collection year."""

    required_permissions = {"list": roles.VIEW_DATA_QUALITY, "download": roles.EXPORT_RETURNS}
    pagination_class = None

    @extend_schema(
        parameters=YEAR,
        responses={200: Ssda903ReportSerializer, 400: OpenApiResponse(description="{year: [message]}")},
    )
    def list(self, request: Request) -> Response:
        """Rows per table and the data-quality report (each problem names the child's record)."""
        year = _year(request)
        tables = ssda903.build_ssda903(year)
        problems = quality_903.check_903(tables, year=year)
        data = {
            "year": year,
            "tables": ssda903.row_counts(tables),
            "error_count": sum(1 for p in problems if not p.is_query),
            "query_count": sum(1 for p in problems if p.is_query),
            "problems": [p.as_dict() for p in problems],
        }
        return Response(Ssda903ReportSerializer(data).data)

    @extend_schema(
        parameters=YEAR,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="One CSV file per table."),
            400: OpenApiResponse(description="{year: [message]}"),
        },
    )
    @action(detail=False, methods=["get"])
    def download(self, request: Request) -> HttpResponse:
        """The tables as a zip of CSV files; the export is written to the access log (who, when, year, rows)."""
        year = _year(request)
        export = ssda903.ssda903_export(actor=request.user, year=year, reason="SSDA903 download (API)")
        response = HttpResponse(ssda903.ssda903_zip(export.tables, year), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="ssda903_{year}.zip"'
        response["Cache-Control"] = "no-store"
        return response


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("returns/ssda903", Ssda903ViewSet, basename="returns-ssda903")
