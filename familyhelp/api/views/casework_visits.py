"""Casework API: visits, case notes and the casework policy. `register(router)` adds them to /api/v1/.

Same services and selectors as the pages: every read of a case goes through `case_get_for_user` (scope and
access log), every write through familyhelp.casework.services.visits (which checks permission again).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.accounts.permissions import has_verb
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers import casework_visits as s
from familyhelp.casework import visit_clocks
from familyhelp.casework.models import Case, CaseNote, Visit
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import visits as services
from familyhelp.core import clock
from familyhelp.core.errors import DomainError

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the policy since the version you sent.")
CASE_PARAM = OpenApiParameter("case", OpenApiTypes.UUID, required=True, description="The case (required).")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _case_from_query(request: Request, purpose: str) -> Case:
    raw = request.query_params.get("case", "")
    if not raw:
        raise DomainError("Give the case", field="case")
    try:
        pk = UUID(raw)
    except ValueError as exc:
        raise DomainError("Must be a valid UUID", field="case") from exc
    return case_get_for_user(request.user, pk, purpose=purpose)


def _case_from_body(request: Request, pk: UUID, purpose: str) -> Case:
    try:
        return case_get_for_user(request.user, pk, purpose=purpose)
    except Http404 as exc:
        raise DomainError("There is no case with this ID", field="case") from exc


class VisitViewSet(ApiViewSet):
    """Visits to the child on a case (list needs `?case=`)."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "next_due": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
    }

    @extend_schema(
        summary="Visits on a case, newest first",
        parameters=[CASE_PARAM],
        responses={200: s.VisitSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        case = _case_from_query(request, "listed the visits")
        visits = Visit.objects.filter(case=case).select_related("visited_by").order_by("-visited_on", "-created_at")
        return self.paginate(request, visits, s.VisitSerializer)

    @extend_schema(
        summary="When the next visit is due",
        parameters=[CASE_PARAM],
        responses={200: s.VisitClockSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["get"], url_path="next-due")
    def next_due(self, request: Request) -> Response:
        case = _case_from_query(request, "looked at the visit clock")
        policy = casework_policy()
        kind = visit_clocks.visit_kind(case, policy=policy)
        due = visit_clocks.visit_clock(case, clock.today(), policy=policy)
        return Response(
            s.VisitClockSerializer(
                {
                    "case": case.pk,
                    "kind": kind,
                    "frequency_working_days": policy.visit_days(kind),
                    "due_on": due.due_on if due else None,
                    "overdue": bool(due and due.overdue),
                    "working_days_left": due.working_days_left if due else None,
                }
            ).data
        )

    @extend_schema(summary="One visit", responses={200: s.VisitSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        try:
            visit = Visit.objects.select_related("visited_by").get(pk=pk)
        except Visit.DoesNotExist as exc:
            raise Http404 from exc
        case_get_for_user(request.user, visit.case_id, purpose="opened a visit")
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Record a visit", request=s.VisitCreateSerializer, responses={201: s.VisitSerializer, 400: BAD_REQUEST}
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.VisitCreateSerializer, request.data)
        case = _case_from_body(request, data.pop("case"), "recorded a visit")
        visit = services.visit_record(actor=request.user, case=case, **data)
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class CaseNoteViewSet(ApiViewSet):
    """Case notes (append-only; a correction names the note it corrects). Management oversight: managers."""

    required_permissions = {"list": roles.VIEW_CASE, "retrieve": roles.VIEW_CASE, "create": roles.WORK_CASE}

    def _notes(self) -> Any:
        return CaseNote.objects.select_related("created_by").prefetch_related("corrections")

    @extend_schema(
        summary="Notes on a case, newest first",
        parameters=[CASE_PARAM, OpenApiParameter("category", OpenApiTypes.STR, enum=CaseNote.Category.values)],
        responses={200: s.CaseNoteSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        case = _case_from_query(request, "read the case notes")
        notes = self._notes().filter(case=case).order_by("-occurred_on", "-created_at")
        category = request.query_params.get("category", "")
        if category:
            if category not in CaseNote.Category.values:
                raise DomainError(f"Must be one of: {', '.join(CaseNote.Category.values)}", field="category")
            notes = notes.filter(category=category)
        return self.paginate(request, notes, s.CaseNoteSerializer)

    @extend_schema(summary="One case note", responses={200: s.CaseNoteSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        try:
            note = self._notes().get(pk=pk)
        except CaseNote.DoesNotExist as exc:
            raise Http404 from exc
        case_get_for_user(request.user, note.case_id, purpose="read a case note")
        return Response(s.CaseNoteSerializer(note).data)

    @extend_schema(
        summary="Write a case note, management oversight or a correction",
        request=s.CaseNoteCreateSerializer,
        responses={201: s.CaseNoteSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.CaseNoteCreateSerializer, request.data)
        case = _case_from_body(request, data.pop("case"), "wrote a case note")
        corrects = None
        if data.get("corrects"):
            try:
                corrects = CaseNote.objects.select_related("case").get(pk=data["corrects"], case=case)
            except CaseNote.DoesNotExist as exc:
                raise DomainError("There is no note with this ID on this case", field="corrects") from exc
        note = services.case_note_record(
            actor=request.user,
            case=case,
            category=corrects.category if corrects else data["category"],
            occurred_on=data["occurred_on"],
            text=data["text"],
            corrects=corrects,
            late_reason=data["late_reason"],
        )
        return Response(s.CaseNoteSerializer(self._notes().get(pk=note.pk)).data, status=status.HTTP_201_CREATED)


class CaseworkPolicyViewSet(ApiViewSet):
    """The council's casework policy (one record at /casework-policy/): GET for casework staff and the
    administrator, PATCH for the administrator only."""

    required_permissions = {"list": AUTHENTICATED, "update_policy": roles.MANAGE_CASEWORK}

    @classmethod
    def as_view(cls, actions: Any = None, **initkwargs: Any) -> Any:
        """The policy is a single resource: PATCH goes to the same URL as GET (the router's list route)."""
        if actions and actions.get("get") == "list":
            actions = {**actions, "patch": "update_policy"}
        return super().as_view(actions, **initkwargs)

    @extend_schema(summary="The casework policy", responses={200: s.CaseworkPolicySerializer})
    def list(self, request: Request) -> Response:
        if not (has_verb(request.user, roles.VIEW_CASE) or has_verb(request.user, roles.MANAGE_CASEWORK)):
            raise PermissionDenied
        return Response(s.CaseworkPolicySerializer(casework_policy()).data)

    @extend_schema(
        summary="Change the casework policy (administrator)",
        request=s.CaseworkPolicyUpdateSerializer,
        responses={200: s.CaseworkPolicySerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def update_policy(self, request: Request) -> Response:
        data = _valid(s.CaseworkPolicyUpdateSerializer, request.data)
        version = data.pop("version")
        policy = services.casework_policy_update(actor=request.user, expected_version=version, **data)
        return Response(s.CaseworkPolicySerializer(policy).data)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("visits", VisitViewSet, basename="visit")
    router.register("case-notes", CaseNoteViewSet, basename="case-note")
    router.register("casework-policy", CaseworkPolicyViewSet, basename="casework-policy")
