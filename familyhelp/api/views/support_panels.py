"""API of the panels app: sittings (schedule, agenda, attendance, held), requests on cases and decisions.

Same services and selectors as the pages, so the same permissions, rules and access log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import support_panels as s
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core.errors import DomainError
from familyhelp.panels import services as svc
from familyhelp.panels.models import Panel, PanelRequest
from familyhelp.panels.permissions import can_view_request_detail
from familyhelp.panels.selectors import (
    agenda_for_panel,
    panel_get_for_user,
    panel_list_for_user,
    request_get_for_user,
    requests_for_case,
)

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the record since the version you sent.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _user(pk: UUID | None, field: str) -> Any:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise DomainError("There is no active user with this ID", field=field)
    return found


class PanelViewSet(ApiViewSet):
    """Sittings of the resource panel and the admission-to-care panel."""

    required_permissions = {
        "list": roles.MANAGE_PANELS,
        "retrieve": roles.MANAGE_PANELS,
        "create": roles.MANAGE_PANELS,
        "build_agenda": roles.MANAGE_PANELS,
        "attendance": roles.SIT_ON_PANEL,
        "held": roles.SIT_ON_PANEL,
    }

    def _detail(self, panel: Panel, code: int = status.HTTP_200_OK) -> Response:
        panel = Panel.objects.select_related("chair").prefetch_related("attendance__user").get(pk=panel.pk)
        agenda = agenda_for_panel(panel)
        for item in agenda:
            item.show_detail = can_view_request_detail(self.request.user, item)  # type: ignore[attr-defined]
        return Response(s.PanelDetailSerializer(panel, context={"agenda": agenda}).data, status=code)

    @extend_schema(
        summary="Upcoming sittings (soonest first), or held ones with ?held=true (latest first)",
        parameters=[OpenApiParameter("held", OpenApiTypes.BOOL)],
        responses={200: s.PanelSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        held = request.query_params.get("held", "").lower() in ("1", "true", "yes")
        return self.paginate(request, panel_list_for_user(request.user, held=held), s.PanelSerializer)

    @extend_schema(
        summary="One sitting with its agenda (crisis first) and attendance", responses={200: s.PanelDetailSerializer}
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(panel_get_for_user(request.user, pk))

    @extend_schema(
        summary="Schedule a sitting",
        request=s.ScheduleSerializer,
        responses={201: s.PanelDetailSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ScheduleSerializer, request.data)
        panel = svc.panel_schedule(
            actor=request.user,
            kind=data["kind"],
            sits_on=data["sits_on"],
            chair=_user(data["chair"], "chair"),
            location=data["location"],
        )
        return self._detail(panel, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Put the submitted and deferred requests of this panel's kind on its agenda",
        request=None,
        responses={200: s.PanelDetailSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="build-agenda")
    def build_agenda(self, request: Request, pk: UUID) -> Response:
        panel = panel_get_for_user(request.user, pk)
        svc.panel_agenda_build(actor=request.user, panel=panel)
        return self._detail(panel)

    @extend_schema(
        summary="Record someone at the sitting (a user, or a named person from outside)",
        request=s.AttendanceInputSerializer,
        responses={200: s.PanelDetailSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AttendanceInputSerializer, request.data)
        panel = panel_get_for_user(request.user, pk)
        svc.panel_attendance_add(
            actor=request.user,
            panel=panel,
            user=_user(data["user"], "user"),
            name=data["name"],
            role=data["role"],
            attendance=data["attendance"],
        )
        return self._detail(panel)

    @extend_schema(
        summary="Record the sitting as held (every item decided or moved on)",
        request=s.VersionInputSerializer,
        responses={200: s.PanelDetailSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def held(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.VersionInputSerializer, request.data)
        panel = panel_get_for_user(request.user, pk)
        svc.panel_mark_held(actor=request.user, panel=panel, expected_version=data["version"])
        return self._detail(panel)


class PanelRequestViewSet(ApiViewSet):
    """Requests to a panel made on cases, and the panel's decisions on them. Reading one is access-logged."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "decide": roles.SIT_ON_PANEL,
        "withdraw": roles.WORK_CASE,
        "move": roles.MANAGE_PANELS,
    }

    def _detail(
        self, item: PanelRequest, code: int = status.HTTP_200_OK, *, effective: tuple[str, Any] | None = None
    ) -> Response:
        """The request; after a step moved it, with `effective`: (request field, stored date)."""
        item = (
            PanelRequest.objects.select_related("case", "requested_by", "decided_by")
            .prefetch_related("options_explored", "explored_referrals", "decisions__decided_by")
            .get(pk=item.pk)
        )
        data = dict(s.PanelRequestSerializer(item).data)
        if effective is not None:
            data["effective"] = effective_block(self.request, field=effective[0], value=effective[1])
        return Response(data, status=code)

    @extend_schema(
        summary="The requests made on one case (?case=<id>, required), newest first",
        parameters=[OpenApiParameter("case", OpenApiTypes.UUID, required=True)],
        responses={200: s.PanelRequestSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        try:
            case_pk = UUID(request.query_params.get("case", ""))
        except ValueError as exc:
            raise DomainError("Give the case's ID", field="case") from exc
        case = case_get_for_user(request.user, case_pk, purpose="listed the case's panel requests")
        qs = (
            requests_for_case(case)
            .prefetch_related("options_explored", "explored_referrals", "decisions__decided_by")
            .select_related("case")
        )
        return self.paginate(request, qs, s.PanelRequestSerializer)

    @extend_schema(
        summary="One request with its options explored and every decision", responses={200: s.PanelRequestSerializer}
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(request_get_for_user(request.user, pk))

    @extend_schema(
        summary="Make a request to a panel on a case (admission to care: options explored required; requested_on "
        "defaults to today)",
        request=s.RequestInputSerializer,
        responses={201: s.PanelRequestMovedSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        from familyhelp.specialist.models import ServiceReferral

        data = _valid(s.RequestInputSerializer, request.data)
        case = case_get_for_user(request.user, data["case"], purpose="making a panel request")
        referrals = list(ServiceReferral.objects.select_related("service").filter(pk__in=data["explored_referrals"]))
        if len(referrals) != len(set(data["explored_referrals"])):
            raise DomainError("One of the referrals chosen does not exist", field="explored_referrals")
        item = svc.request_make(
            actor=request.user,
            case=case,
            ask=data["ask"],
            reason=data["reason"],
            detail=data["detail"],
            urgency=data["urgency"],
            estimated_cost=data["estimated_cost"],
            retrospective=data["retrospective"],
            actioned_on=data["actioned_on"],
            options_explored=[(o["option"], o["what_happened"]) for o in data["options_explored"]],
            explored_referrals=referrals,
            requested_on=data.get("requested_on"),
            late_reason=data["late_reason"],
        )
        return self._detail(item, status.HTTP_201_CREATED, effective=("requested_on", item.requested_on))

    @extend_schema(
        summary="Record the panel's decision on an agenda item (one of two members at once succeeds; decided_on "
        "defaults to the date the panel sat)",
        request=s.DecisionInputSerializer,
        responses={200: s.PanelRequestMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.DecisionInputSerializer, request.data)
        item = request_get_for_user(request.user, pk, purpose="recording a panel decision")
        decision = svc.request_decide(
            actor=request.user,
            request=item,
            outcome=data["outcome"],
            conditions=data["conditions"],
            notes=data["notes"],
            review_on=data["review_on"],
            expected_version=data["version"],
            decided_on=data.get("decided_on"),
            late_reason=data["late_reason"],
        )
        return self._detail(item, effective=("decided_on", timezone.localdate(decision.decided_at)))

    @extend_schema(
        summary="Withdraw a request the panel has not decided (withdrawn_on defaults to today)",
        request=s.WithdrawInputSerializer,
        responses={200: s.PanelRequestMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.WithdrawInputSerializer, request.data)
        item = request_get_for_user(request.user, pk, purpose="withdrawing a panel request")
        item = svc.request_withdraw(
            actor=request.user,
            request=item,
            reason=data["reason"],
            expected_version=data["version"],
            withdrawn_on=data.get("withdrawn_on"),
            late_reason=data["late_reason"],
        )
        assert item.withdrawn_at is not None
        return self._detail(item, effective=("withdrawn_on", timezone.localdate(item.withdrawn_at)))

    @extend_schema(
        summary="Move an agenda item to the next scheduled sitting of the same panel",
        request=s.VersionInputSerializer,
        responses={200: s.PanelSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.VersionInputSerializer, request.data)
        item = PanelRequest.objects.filter(pk=pk).first()
        if item is None:
            raise PanelRequest.DoesNotExist
        following = svc.panel_item_move_next(actor=request.user, request=item, expected_version=data["version"])
        return Response(s.PanelSerializer(following).data)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("panels", PanelViewSet, basename="panel")
    router.register("panel-requests", PanelRequestViewSet, basename="panel-request")
