"""Casework API: cases, the duty bank, allocation, step up / step down, sibling groups, closure and work trays.

Same services and selectors as the pages, so the same permissions, rules and access log. `register(router)`
adds this area's viewsets to /api/v1/.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import casework_cases as s
from familyhelp.casework import trays
from familyhelp.casework.models import Allocation, Case
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import cases as services
from familyhelp.core.errors import DomainError

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the case since the version you sent.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _user(pk: UUID | None, field: str) -> Any:
    if pk is None:
        return None
    found = User.objects.select_related("team").filter(pk=pk, is_active=True).first()
    if found is None:
        raise DomainError("There is no active worker with this ID", field=field)
    return found


def _started_on(case: Case, role: str) -> Any:
    """The stored start of the case's current allocation in this role (the date an allocation request moved)."""
    return (
        Allocation.objects.filter(case=case, role=role, ended_on__isnull=True)
        .values_list("started_on", flat=True)
        .first()
    )


class CaseViewSet(ApiViewSet):
    """Cases (episodes of involvement). Reading one is written to the access log."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "duty_bank": roles.ALLOCATE_CASE,
        "allocate": roles.ALLOCATE_CASE,
        "reallocate": roles.ALLOCATE_CASE,
        "step_up": roles.ALLOCATE_CASE,
        "step_down": roles.ALLOCATE_CASE,
        "close": roles.AUTHORISE_CASEWORK,
        "link_siblings": roles.WORK_CASE,
    }

    def _case(self, purpose: str) -> Case:
        return case_get_for_user(self.request.user, self.kwargs["pk"], purpose=purpose)

    def _detail(self, case: Case, *, effective: tuple[str, Any] | None = None) -> Response:
        """The case as read; after a dated step, with `effective`: (request field, stored date)."""
        case = (
            Case.objects.select_related("person", "team", "worker", "supervisor")
            .prefetch_related(
                "cin_episodes",
                "allocations__worker",
                "allocations__team",
                "allocations__allocated_by",
                "level_changes__requested_by",
                "level_changes__authorised_by",
            )
            .get(pk=case.pk)
        )
        if effective is None:
            return Response(s.CaseDetailSerializer(case).data)
        field, value = effective
        case.effective = effective_block(self.request, field=field, value=value)  # type: ignore[attr-defined]
        return Response(s.CaseStepResultSerializer(case).data)

    @extend_schema(
        summary="Cases whose children are in your record scope",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Case.Status.values),
            OpenApiParameter("level", OpenApiTypes.INT, enum=[3, 4]),
        ],
        responses={200: s.CaseSummarySerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        qs = trays.case_list_for_user(request.user)
        status_ = request.query_params.get("status", "")
        if status_ in Case.Status.values:
            qs = qs.filter(status=status_)
        if request.query_params.get("level", "") in ("3", "4"):
            qs = qs.filter(level=int(request.query_params["level"]))
        return self.paginate(request, qs, s.CaseSummarySerializer)

    @extend_schema(
        summary="One case: CIN episodes, allocation history, level changes, siblings, closure",
        responses={200: s.CaseDetailSerializer},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(self._case("opened the case"))

    @extend_schema(
        summary="The duty bank: decided but unallocated work, oldest first, age in working days",
        parameters=[
            OpenApiParameter("level", OpenApiTypes.INT, enum=[3, 4]),
            OpenApiParameter("locality", OpenApiTypes.UUID),
            OpenApiParameter("team", OpenApiTypes.UUID),
        ],
        responses={200: s.DutyBankRowSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], url_path="duty-bank")
    def duty_bank(self, request: Request) -> Response:
        filters = trays.DutyBankFilters.from_query(request.query_params)
        for name in ("locality", "team"):
            value = getattr(filters, name)
            if value:
                try:
                    UUID(value)
                except ValueError as exc:
                    raise DomainError("Not a valid ID", field=name) from exc
        return self.paginate(request, trays.duty_bank_for_user(request.user, filters), s.DutyBankRowSerializer)

    @extend_schema(
        summary="Allocate a case from the duty bank (exactly one of two managers at once succeeds)",
        request=s.AllocateSerializer,
        responses={200: s.CaseStepResultSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AllocateSerializer, request.data)
        case = services.case_allocate(
            actor=request.user,
            case=self._case("allocating the case"),
            worker=_user(data["worker"], "worker"),
            supervisor=_user(data["supervisor"], "supervisor"),
            reason=data["reason"],
            include_siblings=data["include_siblings"],
            allocated_on=data["allocated_on"],
            late_reason=data["late_reason"],
            expected_version=data["version"],
        )
        return self._detail(case, effective=("allocated_on", _started_on(case, Allocation.Role.LEAD)))

    @extend_schema(
        summary="Reallocate an open case, with a reason",
        request=s.ReallocateSerializer,
        responses={200: s.CaseStepResultSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reallocate(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.ReallocateSerializer, request.data)
        case = self._case("reallocating the case")
        worker_before = case.worker_id
        case = services.case_reallocate(
            actor=request.user,
            case=case,
            worker=_user(data["worker"], "worker"),
            supervisor=_user(data["supervisor"], "supervisor"),
            reason=data["reason"],
            allocated_on=data["allocated_on"],
            late_reason=data["late_reason"],
            expected_version=data["version"],
        )
        role = Allocation.Role.LEAD if case.worker_id != worker_before else Allocation.Role.SUPERVISING
        return self._detail(case, effective=("allocated_on", _started_on(case, role)))

    @extend_schema(
        summary="Step up from level 3 to 4 (a CIN episode opens), authorised by you",
        request=s.StepUpSerializer,
        responses={200: s.CaseStepResultSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="step-up")
    def step_up(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.StepUpSerializer, request.data)
        case = self._case("stepping the case up")
        change = services.case_step_up(
            actor=request.user,
            case=case,
            requested_by=_user(data["requested_by"], "requested_by"),
            reason=data["reason"],
            changed_on=data["changed_on"],
            late_reason=data["late_reason"],
            referral_source=data["referral_source"],
            primary_need=data["primary_need"],
            route=data["route"],
            supervisor=_user(data["supervisor"], "supervisor"),
            expected_version=data["version"],
        )
        return self._detail(case, effective=("changed_on", change.changed_on))

    @extend_schema(
        summary="Step down to level 3, early help (2) or universal services (1), authorised by you",
        request=s.StepDownSerializer,
        responses={200: s.CaseStepResultSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="step-down")
    def step_down(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.StepDownSerializer, request.data)
        case = self._case("stepping the case down")
        change = services.case_step_down(
            actor=request.user,
            case=case,
            to_level=data["to_level"],
            requested_by=_user(data["requested_by"], "requested_by"),
            reason=data["reason"],
            changed_on=data["changed_on"],
            late_reason=data["late_reason"],
            closure_reason=data["closure_reason"],
            closing_summary=data["closing_summary"],
            expected_version=data["version"],
        )
        return self._detail(case, effective=("changed_on", change.changed_on))

    @extend_schema(
        summary="Close the case (the CIN episode, plans and allocations end)",
        request=s.CloseSerializer,
        responses={200: s.CaseStepResultSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.CloseSerializer, request.data)
        case = self._case("closing the case")
        services.case_close(
            actor=request.user,
            case=case,
            closure_reason=data["closure_reason"],
            step_down_to=data["step_down_to"],
            closing_summary=data["closing_summary"],
            closed_on=data["closed_on"],
            late_reason=data["late_reason"],
            expected_version=data["version"],
        )
        closed_on = Case.objects.values_list("closed_on", flat=True).get(pk=case.pk)
        return self._detail(case, effective=("closed_on", closed_on))

    @extend_schema(
        summary="Link brothers' and sisters' open cases as a sibling group",
        request=s.LinkSiblingsSerializer,
        responses={200: s.CaseDetailSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="link-siblings")
    def link_siblings(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.LinkSiblingsSerializer, request.data)
        case = self._case("linking brothers' and sisters' cases")
        chosen = list(Case.objects.filter(pk__in=data["cases"]))
        if len(chosen) != len(set(data["cases"])):
            raise DomainError("One of the cases chosen does not exist", field="cases")
        services.case_link_siblings(actor=request.user, case=case, siblings=chosen, expected_version=data["version"])
        return self._detail(case)


class WorkTrayViewSet(ApiViewSet):
    """Work trays: yours (cases with clocks, plan actions) and, for managers, your team's."""

    required_permissions = {"list": roles.WORK_CASE, "team": roles.ALLOCATE_CASE}
    pagination_class = None

    @extend_schema(summary="My work: my cases with their clocks, my plan actions", responses={200: s.MyWorkSerializer})
    def list(self, request: Request) -> Response:
        work = trays.my_work(request.user)
        # The case summaries name the worker and supervisor: fetch them for every case at once.
        prefetch_related_objects([row.case for row in work.cases], "worker", "supervisor", "team")
        return Response(s.MyWorkSerializer(work).data)

    @extend_schema(
        summary="My team: caseloads, unallocated work, breached clocks", responses={200: s.TeamTraySerializer}
    )
    @action(detail=False, methods=["get"])
    def team(self, request: Request) -> Response:
        tray = trays.team_tray(request.user)
        prefetch_related_objects([case for case, _clock in tray.breaches], "worker", "supervisor", "team")
        if tray.duty_bank["oldest"] is not None:
            prefetch_related_objects([tray.duty_bank["oldest"].case], "team")
        return Response(s.TeamTraySerializer(tray).data)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("work-tray", WorkTrayViewSet, basename="work-tray")
