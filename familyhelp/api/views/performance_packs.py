"""Performance packs API. `register(router)` adds:

- /api/v1/performance/packs/ — list (published packs; drafts too for `performance.manage_performance`),
  create a draft (manage); /{id}/ retrieve; /{id}/sections/ add a narrative section; /{id}/publish/;
  /{id}/pdf/ the pack's PDF (logged); /pdf/?period=…&team=… an on-the-fly pack for any period and filters
  (logged, `performance.view_performance`).
- /api/v1/performance/pack-sections/{id}/ change (PATCH) or remove (DELETE ?version=) a section; /{id}/move/.

Every change names the pack's `version` (409 when someone else changed the pack since).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.core.errors import DomainError
from familyhelp.performance import services_packs as svc
from familyhelp.performance.filters import FilterError, Filters
from familyhelp.performance.forms_dashboard import latest_complete_quarter
from familyhelp.performance.forms_packs import PackDownloadForm
from familyhelp.performance.models import Pack, PackSection
from familyhelp.performance.periods import Period

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the pack since the version you sent.")
PDF = "application/pdf"
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The scrutiny pack as a tagged PDF.")
FILTER_PARAMS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        required=False,
        description="2025-26-Q1 (April to June 2025, a quarter of the financial year), 2025-Q1 (January to March "
        "2025, a calendar quarter), 2025-01, 2024-25 or a range 2025-01-06..2025-02-14. Default: the latest complete "
        "quarter, numbered by the financial year.",
    ),
    OpenApiParameter("team", OpenApiTypes.UUID, required=False),
    OpenApiParameter("locality", OpenApiTypes.UUID, required=False),
    OpenApiParameter("level", OpenApiTypes.INT, required=False, description="1 to 4"),
    OpenApiParameter("worker", OpenApiTypes.UUID, required=False),
]


class PdfRenderer(BaseRenderer):
    """Lets a client ask for the PDF (`Accept: application/pdf`); the view returns the bytes itself."""

    media_type = PDF
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)  # only reached for an error, which is JSON


class PackSectionSerializer(serializers.ModelSerializer):
    """A narrative section, in the order it is printed."""

    class Meta:
        model = PackSection
        fields = ["id", "title", "body", "order"]


def _pack_period(obj: Pack) -> Period | None:
    try:
        return svc.pack_period(obj.period)
    except DomainError:
        return None


class PackSerializer(serializers.ModelSerializer):
    """A pack: what it covers, its state and narrative; `figures` (the export rows, each with its period's key,
    label, start and end) once published."""

    period = serializers.CharField(
        read_only=True, help_text="The period's key, e.g. 2025-26-Q1 (April to June 2025) or 2025-Q1."
    )
    period_label = serializers.SerializerMethodField(help_text='In words: "April to June 2025 (Q1 2025-26)".')
    period_start = serializers.SerializerMethodField(help_text="The period's first day.")
    period_end = serializers.SerializerMethodField(help_text="The period's last day (included).")
    sections = serializers.SerializerMethodField()
    filters_described = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = Pack
        fields = [
            "id",
            "title",
            "period",
            "period_label",
            "period_start",
            "period_end",
            "filters",
            "filters_described",
            "status",
            "version",
            "created_at",
            "published_at",
            "published_by",
            "sections",
            "figures",
        ]

    def get_period_label(self, obj: Pack) -> str:
        period = _pack_period(obj)
        return period.label if period else obj.period

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_period_start(self, obj: Pack) -> str | None:
        period = _pack_period(obj)
        return period.start.isoformat() if period else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_period_end(self, obj: Pack) -> str | None:
        period = _pack_period(obj)
        return period.end.isoformat() if period else None

    def get_sections(self, obj: Pack) -> list[dict[str, Any]]:
        return list(PackSectionSerializer(obj.sections.order_by("order", "created_at"), many=True).data)

    def get_filters_described(self, obj: Pack) -> str:
        try:
            return svc.pack_filters(obj).describe()
        except FilterError:
            return ""

    def get_figures(self, obj: Pack) -> list[dict[str, Any]]:
        return list(obj.figures or []) if obj.status == Pack.Status.PUBLISHED else []

    def get_published_by(self, obj: Pack) -> str | None:
        user = obj.published_by
        return (user.get_full_name() or user.username) if user else None


class PackListSerializer(PackSerializer):
    class Meta(PackSerializer.Meta):
        fields = [
            "id",
            "title",
            "period",
            "period_label",
            "period_start",
            "period_end",
            "filters",
            "filters_described",
            "status",
            "version",
            "published_at",
        ]


class PackCreateSerializer(serializers.Serializer):
    period = serializers.CharField(
        help_text="2025-26 Q1 or 2025-26-Q1 (April to June 2025), 2025-Q1 (January to March 2025), 2025-01, 2025-26 "
        "or a range 2025-01-06..2025-02-14; stored as its key."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    team = serializers.UUIDField(required=False, allow_null=True)
    locality = serializers.UUIDField(required=False, allow_null=True)
    level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4)
    worker = serializers.UUIDField(required=False, allow_null=True)


class PackVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class PackSectionCreateSerializer(PackVersionSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class PackSectionUpdateSerializer(PackVersionSerializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False)


class PackSectionMoveSerializer(PackVersionSerializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _pdf(export: svc.PackFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


class PackViewSet(ApiViewSet):
    """Scrutiny packs: drafts with narrative sections, published packs with their frozen figures and PDF."""

    required_permissions = {
        "list": roles.VIEW_PERFORMANCE,
        "retrieve": roles.VIEW_PERFORMANCE,
        "create": roles.MANAGE_PERFORMANCE,
        "sections": roles.MANAGE_PERFORMANCE,
        "publish": roles.MANAGE_PERFORMANCE,
        "destroy": roles.MANAGE_PERFORMANCE,
        "pdf": roles.VIEW_PERFORMANCE,
        "current_pdf": roles.VIEW_PERFORMANCE,
    }

    def _get(self, request: Request, pk: UUID) -> Pack:
        try:
            return svc.pack_get_for_user(request.user, pk)
        except Pack.DoesNotExist as exc:
            raise Http404("No such pack") from exc

    @extend_schema(responses={200: PackListSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """Packs the user may see, newest first."""
        return self.paginate(request, svc.pack_list_for_user(request.user), PackListSerializer)

    @extend_schema(responses={200: PackSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        """One pack with its sections (and its frozen figures once published)."""
        return Response(PackSerializer(self._get(request, pk)).data)

    @extend_schema(request=PackCreateSerializer, responses={201: PackSerializer, 400: BAD_REQUEST})
    def create(self, request: Request) -> Response:
        """A draft pack for a period and optional filters."""
        d = _valid(PackCreateSerializer, request.data)
        filters = Filters(
            team=d["team"].hex if d.get("team") else None,
            locality=d["locality"].hex if d.get("locality") else None,
            level=d.get("level") or None,
            worker=d["worker"].hex if d.get("worker") else None,
        )
        created = svc.pack_create(actor=request.user, period=d["period"], filters=filters, title=d.get("title", ""))
        return Response(PackSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, required=True, description="The pack's version.")],
        responses={204: None, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def destroy(self, request: Request, pk: UUID) -> Response:
        """Delete a draft pack and its sections (a published pack cannot be deleted: 400)."""
        d = _valid(PackVersionSerializer, request.query_params)
        svc.pack_delete(actor=request.user, pack_row=self._get(request, pk), expected_version=d["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=PackSectionCreateSerializer,
        responses={201: PackSectionSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def sections(self, request: Request, pk: UUID) -> Response:
        """Add a narrative section at the end of a draft pack."""
        d = _valid(PackSectionCreateSerializer, request.data)
        section = svc.pack_section_add(
            actor=request.user,
            pack_row=self._get(request, pk),
            expected_version=d["version"],
            title=d["title"],
            body=d["body"],
        )
        return Response(PackSectionSerializer(section).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PackVersionSerializer, responses={200: PackSerializer, 400: BAD_REQUEST, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: UUID) -> Response:
        """Freeze the pack's figures, HTML and PDF; it can no longer be changed."""
        d = _valid(PackVersionSerializer, request.data)
        published = svc.pack_publish(actor=request.user, pack_row=self._get(request, pk), expected_version=d["version"])
        return Response(PackSerializer(published).data)

    @extend_schema(responses={(200, PDF): PDF_RESPONSE})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request: Request, pk: UUID) -> HttpResponse:
        """The pack's PDF (frozen once published); written to the access log."""
        return _pdf(svc.pack_pdf_export(actor=request.user, pack_row=self._get(request, pk)))

    @extend_schema(
        operation_id="performance_packs_current_pdf",
        parameters=FILTER_PARAMS,
        responses={(200, PDF): PDF_RESPONSE, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["get"], url_path="pdf", renderer_classes=[JSONRenderer, PdfRenderer])
    def current_pdf(self, request: Request) -> HttpResponse:
        """A pack for any period (default: the last complete quarter) and filters, without narrative; logged."""
        form = PackDownloadForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        key = form.cleaned_data.get("period")
        period = svc.pack_period(key) if key else latest_complete_quarter()
        return _pdf(svc.current_pack_export(actor=request.user, period=period, filters=form.cleaned_data["filters"]))


class PackSectionViewSet(ApiViewSet):
    """A draft pack's narrative sections: change, remove, move. Each names the pack's `version`."""

    required_permissions = {
        "retrieve": roles.VIEW_PERFORMANCE,
        "partial_update": roles.MANAGE_PERFORMANCE,
        "destroy": roles.MANAGE_PERFORMANCE,
        "move": roles.MANAGE_PERFORMANCE,
    }

    def _get(self, pk: UUID) -> PackSection:
        section = PackSection.objects.select_related("pack").filter(pk=pk).first()
        if section is None:
            raise Http404("No such section")
        return section

    @extend_schema(responses={200: PackSectionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        """One section (of a published pack, or of a draft for those who manage packs)."""
        section = self._get(pk)
        try:
            svc.pack_get_for_user(request.user, section.pack_id)
        except Pack.DoesNotExist as exc:
            raise Http404("No such section") from exc
        return Response(PackSectionSerializer(section).data)

    @extend_schema(
        request=PackSectionUpdateSerializer, responses={200: PackSectionSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        """Change a section's heading or text."""
        d = _valid(PackSectionUpdateSerializer, request.data)
        section = self._get(pk)
        section = svc.pack_section_edit(
            actor=request.user,
            section=section,
            expected_version=d["version"],
            title=d.get("title", section.title),
            body=d.get("body", section.body),
        )
        return Response(PackSectionSerializer(section).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, required=True, description="The pack's version.")],
        responses={204: None, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def destroy(self, request: Request, pk: UUID) -> Response:
        """Remove a section from a draft pack."""
        d = _valid(PackVersionSerializer, request.query_params)
        svc.pack_section_delete(actor=request.user, section=self._get(pk), expected_version=d["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PackSectionMoveSerializer, responses={200: PackSerializer, 400: BAD_REQUEST, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: UUID) -> Response:
        """Move a section one place up or down."""
        d = _valid(PackSectionMoveSerializer, request.data)
        moved = svc.pack_section_move(
            actor=request.user, section=self._get(pk), expected_version=d["version"], direction=d["direction"]
        )
        return Response(PackSerializer(moved).data)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("performance/packs", PackViewSet, basename="performance-pack")
    router.register("performance/pack-sections", PackSectionViewSet, basename="performance-pack-section")
