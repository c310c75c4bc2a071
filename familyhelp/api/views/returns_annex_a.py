"""Returns API: Ofsted Annex A. `register(router)` adds /api/v1/returns/annex-a/ (rows per list) and
/api/v1/returns/annex-a/download/ (the xlsx workbook, logged) for analysts (`returns.export_returns`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.returns import annex_a as a
from familyhelp.returns.quality_annex_a import annex_a_problems
from familyhelp.returns.views_annex_a import XLSX, IsoPeriodForm

PERIOD = [
    OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="First day of the period (YYYY-MM-DD)."),
    OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Last day of the period (YYYY-MM-DD)."),
]


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the workbook (`Accept: <xlsx media type>`); the view returns the bytes itself."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)  # only reached for an error, which is JSON


class AnnexACountsSerializer(serializers.Serializer):
    """Rows per Annex A list for the period, and how many data-quality problems there are."""

    start = serializers.DateField()
    end = serializers.DateField()
    lists = serializers.DictField(child=serializers.IntegerField())
    problems = serializers.IntegerField()


def _period(request: Request) -> tuple[Any, Any]:
    form = IsoPeriodForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return form.cleaned_data["start"], form.cleaned_data["end"]


class AnnexAViewSet(ApiViewSet):
    """Ofsted Annex A for a period (both dates included)."""

    required_permissions = {"list": roles.EXPORT_RETURNS, "download": roles.EXPORT_RETURNS}
    pagination_class = None

    @extend_schema(
        parameters=PERIOD,
        responses={200: AnnexACountsSerializer, 400: OpenApiResponse(description="{start|end: [message]}")},
    )
    def list(self, request: Request) -> Response:
        """Rows per list (no personal data) and the number of data-quality problems."""
        start, end = _period(request)
        rows = a.build_annex_a_rows(start, end)
        data = {
            "start": start,
            "end": end,
            "lists": a.counts(rows),
            "problems": len(annex_a_problems(start, end, rows)),
        }
        return Response(AnnexACountsSerializer(data).data)

    @extend_schema(
        parameters=PERIOD,
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook, one sheet per list."),
            400: OpenApiResponse(description="{start|end: [message]}"),
        },
    )
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, XlsxRenderer])
    def download(self, request: Request) -> HttpResponse:
        """The Annex A workbook; the export is written to the access log (who, when, period, row counts)."""
        start, end = _period(request)
        response = HttpResponse(content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{a.annex_a_filename(start, end)}"'
        response["Cache-Control"] = "no-store"
        a.annex_a_export(actor=request.user, start=start, end=end, output=response)
        return response


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("returns/annex-a", AnnexAViewSet, basename="returns-annex-a")
