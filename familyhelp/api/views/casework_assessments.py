"""Casework API: assessments, strategy discussions, section 47 enquiries and initial conferences.
`register(router)` adds this area's viewsets to /api/v1/.

The same services and selectors as the pages, so the same permissions, rules, access log and chronology.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import casework_assessments as s
from familyhelp.casework import selectors_assessments as sel
from familyhelp.casework.models import Assessment, Case, S47Enquiry
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import assessments as services
from familyhelp.core.errors import DomainError

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the record since the version you sent.")
CASE_PARAM = OpenApiParameter("case", OpenApiTypes.UUID, description="Only this case's records (all of them).")
MINE_PARAM = OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only cases you hold or supervise.")


def _valid(serializer_class: Any, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _case(user: Any, pk: Any, purpose: str) -> Case:
    """The case named in a request body (scoped and logged); an unknown one is a field error."""
    try:
        return case_get_for_user(user, pk, purpose=purpose)
    except Http404 as exc:
        raise DomainError("There is no case with this ID", field="case") from exc


def _step(serializer_class: Any, obj: Any, request: Request, field: str, value: Any) -> dict[str, Any]:
    """The record as read, plus the `effective` block of the step this request moved."""
    return {**serializer_class(obj).data, "effective": effective_block(request, field=field, value=value)}


def _case_filter(request: Request, purpose: str) -> Case | None:
    pk = request.query_params.get("case")
    if not pk:
        return None
    try:
        UUID(pk)
    except ValueError as exc:
        raise DomainError("Give the case's ID", field="case") from exc
    return case_get_for_user(request.user, pk, purpose=purpose)


class AssessmentViewSet(ApiViewSet):
    """Family support and single assessments: start, record, submit, authorise or return."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
        "submit": roles.WORK_CASE,
        "authorise": roles.AUTHORISE_CASEWORK,
        "send_back": roles.AUTHORISE_CASEWORK,
    }

    def _get(self, purpose: str) -> Assessment:
        return sel.assessment_get_for_user(self.request.user, self.kwargs["pk"], purpose=purpose)

    @extend_schema(
        summary="Assessments not yet authorised in your scope, soonest due first (or all of one case's)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(Assessment.Status.values)),
            CASE_PARAM,
            MINE_PARAM,
        ],
        responses={200: s.AssessmentSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        status_ = request.query_params.get("status", "")
        if status_ and status_ not in Assessment.Status.values:
            raise DomainError("Choose a status from the list", field="status")
        case = _case_filter(request, "listed the case's assessments")
        if case is not None:
            items: Any = case.assessments.select_related("case", "submitted_by", "authorised_by").order_by(
                "-started_on"
            )
            if status_:
                items = items.filter(status=status_)
        else:
            items = sel.assessment_list_for_user(
                request.user, status=status_, mine=request.query_params.get("mine") in ("1", "true")
            ).select_related("submitted_by", "authorised_by")
        return self.paginate(request, items, s.AssessmentSerializer)

    @extend_schema(summary="One assessment", responses={200: s.AssessmentSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.AssessmentSerializer(self._get("opened the assessment")).data)

    @extend_schema(
        summary="Start an assessment (family support at level 3; single at level 4, in the open CIN episode)",
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentStepSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.AssessmentCreateSerializer, request.data)
        case = _case(request.user, data["case"], "started an assessment")
        assessment = services.assessment_start(
            actor=request.user,
            case=case,
            kind=data["kind"],
            started_on=data["started_on"],
            late_reason=data["late_reason"],
        )
        body = _step(s.AssessmentSerializer, assessment, request, "started_on", assessment.started_on)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record progress: start date, child seen, factors, analysis, proposed outcome (send the version you "
        "read)",
        request=s.AssessmentUpdateSerializer,
        responses={200: s.AssessmentStepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AssessmentUpdateSerializer, request.data)
        version = data.pop("version")
        assessment = services.assessment_update(
            actor=request.user, assessment=self._get("edited the assessment"), expected_version=version, **data
        )
        # `effective` names the dated step this update moved: the child seen, else the start; null if neither.
        field = next((name for name in ("child_seen_on", "started_on") if name in data), None)
        if field is None:
            return Response({**s.AssessmentSerializer(assessment).data, "effective": None})
        return Response(_step(s.AssessmentSerializer, assessment, request, field, getattr(assessment, field)))

    @extend_schema(
        summary="Submit the assessment for a manager's authorisation (completed_on: the day, default today)",
        request=s.AssessmentSubmitSerializer,
        responses={200: s.AssessmentStepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AssessmentSubmitSerializer, request.data)
        assessment = services.assessment_submit(
            actor=request.user,
            assessment=self._get("submitted the assessment"),
            expected_version=data["version"],
            completed_on=data["completed_on"],
            late_reason=data["late_reason"],
        )
        return Response(_step(s.AssessmentSerializer, assessment, request, "completed_on", assessment.completed_on))

    @extend_schema(
        summary="Authorise a submitted assessment (a manager; not the worker who submitted it; authorised_on: the "
        "day, default today)",
        request=s.AssessmentAuthoriseSerializer,
        responses={200: s.AssessmentStepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def authorise(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AssessmentAuthoriseSerializer, request.data)
        assessment = services.assessment_authorise(
            actor=request.user,
            assessment=self._get("authorised the assessment"),
            expected_version=data["version"],
            comment=data["comment"],
            authorised_on=data["authorised_on"],
            late_reason=data["late_reason"],
        )
        return Response(_step(s.AssessmentSerializer, assessment, request, "authorised_on", assessment.authorised_on))

    @extend_schema(
        summary="Return a submitted assessment to the worker, saying what it needs (returned_on: the day, default "
        "today)",
        request=s.AssessmentReturnSerializer,
        responses={200: s.AssessmentStepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AssessmentReturnSerializer, request.data)
        assessment = services.assessment_return(
            actor=request.user,
            assessment=self._get("returned the assessment"),
            comment=data["comment"],
            expected_version=data["version"],
            returned_on=data["returned_on"],
            late_reason=data["late_reason"],
        )
        returned_on = services.last_returned_on(assessment)
        return Response(_step(s.AssessmentSerializer, assessment, request, "returned_on", returned_on))


class StrategyDiscussionViewSet(ApiViewSet):
    """Strategy discussions; deciding on a section 47 enquiry starts it."""

    required_permissions = {"list": roles.VIEW_CASE, "retrieve": roles.VIEW_CASE, "create": roles.WORK_CASE}

    @extend_schema(
        summary="Strategy discussions in your scope (or one case's), newest first", parameters=[CASE_PARAM],
        responses={200: s.StrategyDiscussionSerializer(many=True), 400: BAD_REQUEST},
    )  # fmt: skip
    def list(self, request: Request) -> Response:
        case = _case_filter(request, "listed the case's strategy discussions")
        if case is None:
            items: Any = sel.strategy_discussion_list_for_user(request.user)
        else:
            items = case.strategy_discussions.order_by("-held_on", "-created_at")
        enquiry = S47Enquiry.objects.filter(strategy_discussion=OuterRef("pk")).values("pk")[:1]
        items = items.annotate(fh_s47_enquiry_id=Subquery(enquiry))
        return self.paginate(request, items, s.StrategyDiscussionSerializer)

    @extend_schema(summary="One strategy discussion", responses={200: s.StrategyDiscussionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        discussion = sel.strategy_discussion_get_for_user(request.user, pk)
        return Response(s.StrategyDiscussionSerializer(discussion).data)

    @extend_schema(
        summary="Record a strategy discussion (a level 4 case with an open CIN episode; the police must take part)",
        request=s.StrategyDiscussionCreateSerializer,
        responses={201: s.StrategyDiscussionStepSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.StrategyDiscussionCreateSerializer, request.data)
        case = _case(request.user, data.pop("case"), "recorded a strategy discussion")
        discussion = services.strategy_discussion_record(actor=request.user, case=case, **data)
        body = _step(s.StrategyDiscussionSerializer, discussion, request, "held_on", discussion.held_on)
        return Response(body, status=status.HTTP_201_CREATED)


class S47EnquiryViewSet(ApiViewSet):
    """Section 47 enquiries: conclude them, and record the initial child protection conference."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "conclude": roles.WORK_CASE,
        "icpc": roles.WORK_CASE,
    }

    @extend_schema(
        summary="Open enquiries in your scope (including those waiting for their conference), or one case's",
        parameters=[CASE_PARAM, MINE_PARAM],
        responses={200: s.S47EnquirySerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        case = _case_filter(request, "listed the case's section 47 enquiries")
        if case is not None:
            items: Any = case.s47_enquiries.order_by("-started_on")
        else:
            items = sel.s47_list_for_user(request.user, mine=request.query_params.get("mine") in ("1", "true"))
        return self.paginate(request, items, s.S47EnquirySerializer)

    @extend_schema(summary="One section 47 enquiry", responses={200: s.S47EnquirySerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.S47EnquirySerializer(sel.s47_get_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Conclude the enquiry: initial conference, child in need plan, or no further action",
        request=s.S47ConcludeSerializer,
        responses={200: s.S47StepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.S47ConcludeSerializer, request.data)
        version = data.pop("version")
        enquiry = services.s47_conclude(
            actor=request.user,
            enquiry=sel.s47_get_for_user(request.user, pk, purpose="concluded the section 47 enquiry"),
            expected_version=version,
            **data,
        )
        return Response(_step(s.S47EnquirySerializer, enquiry, request, "concluded_on", enquiry.concluded_on))

    @extend_schema(
        summary="Record the initial child protection conference (after concluding to hold one)",
        request=s.ICPCSerializer,
        responses={200: s.S47StepSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def icpc(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.ICPCSerializer, request.data)
        version = data.pop("version")
        enquiry = services.icpc_record(
            actor=request.user,
            enquiry=sel.s47_get_for_user(request.user, pk, purpose="recorded the initial conference"),
            expected_version=version,
            **data,
        )
        return Response(_step(s.S47EnquirySerializer, enquiry, request, "icpc_on", enquiry.icpc_on))


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("strategy-discussions", StrategyDiscussionViewSet, basename="strategy-discussion")
    router.register("s47-enquiries", S47EnquiryViewSet, basename="s47-enquiry")
