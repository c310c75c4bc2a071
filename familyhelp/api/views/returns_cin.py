"""Returns API: the CIN census. `register(router)` adds /api/v1/returns/cin-census/ (children in the census and
the data-quality report, for analysts and team managers: `returns.view_data_quality`) and
/api/v1/returns/cin-census/download/ (the XML, logged, for analysts: `returns.export_returns`)."""

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
from familyhelp.returns import cin_census, quality_cin
from familyhelp.returns.views_cin import CinYearForm, last_complete_year

YEAR = [
    OpenApiParameter(
        "year",
        OpenApiTypes.INT,
        required=False,
        description="Collection year ending 31 March YEAR (default: the latest that has ended).",
    )
]


class CinProblemSerializer(serializers.Serializer):
    """One data-quality problem: the DfE rule code, whose record, what is wrong and what to fix."""

    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["error", "query"])
    person = serializers.UUIDField(allow_null=True)
    la_child_id = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    fix = serializers.CharField()


class CinReportSerializer(serializers.Serializer):
    """How many children the census holds for the year, and its data-quality problems."""

    year = serializers.IntegerField()
    reference_date = serializers.DateField()
    children = serializers.IntegerField()
    error_count = serializers.IntegerField()
    query_count = serializers.IntegerField()
    problems = CinProblemSerializer(many=True)


def _year(request: Request) -> int:
    params = request.query_params
    form = CinYearForm(params if "year" in params else {"year": last_complete_year()})
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return int(form.cleaned_data["year"])


class CinCensusViewSet(ApiViewSet):
    """The Children in Need census for a collection year."""

    required_permissions = {"list": roles.VIEW_DATA_QUALITY, "download": roles.EXPORT_RETURNS}
    pagination_class = None

    @extend_schema(
        parameters=YEAR,
        responses={200: CinReportSerializer, 400: OpenApiResponse(description="{year: [message]}")},
    )
    def list(self, request: Request) -> Response:
        """The number of children and the data-quality report (each problem names the child's record)."""
        year = _year(request)
        census = cin_census.load_census(year)
        problems = quality_cin.census_problems(census)
        data = {
            "year": year,
            "reference_date": census.reference,
            "children": len(census.children),
            "error_count": sum(1 for p in problems if not p.is_query),
            "query_count": sum(1 for p in problems if p.is_query),
            "problems": [p.as_dict() for p in problems],
        }
        return Response(CinReportSerializer(data).data)

    @extend_schema(
        parameters=YEAR,
        responses={
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY, description="The census XML."),
            400: OpenApiResponse(description="{year: [message]}"),
        },
    )
    @action(detail=False, methods=["get"])
    def download(self, request: Request) -> HttpResponse:
        """The census XML; the export is written to the access log (who, when, year, how many children)."""
        year = _year(request)
        export = cin_census.cin_census_export(actor=request.user, year=year, reason="CIN census download (API)")
        response = HttpResponse(export.xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="cin_census_{year}.xml"'
        response["Cache-Control"] = "no-store"
        return response


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("returns/cin-census", CinCensusViewSet, basename="returns-cin-census")
