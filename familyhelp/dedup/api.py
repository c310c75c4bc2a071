"""REST API for the review queue: /api/v1/duplicates/ and /api/v1/merges/ (wired in familyhelp.api.urls).

Reads go through dedup.selectors (scope; both records read through people.selectors, so every read is
logged), writes through dedup.services, which check again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers.common import RelatedPersonSerializer, UserSummarySerializer
from familyhelp.api.serializers.people import PersonDetailSerializer
from familyhelp.api.views.people import _with_details
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core.errors import DomainError
from familyhelp.dedup import selectors, services
from familyhelp.dedup.models import DuplicateCandidate
from familyhelp.jobs.api import JobSerializer
from familyhelp.jobs.services import job_start

FORBIDDEN = OpenApiResponse(
    description="Your role cannot review duplicates, or a record is outside your scope or "
    "restricted (code `break_glass_required`)."
)
CONFLICT = OpenApiResponse(
    description="Someone else decided the pair (or undid the merge) first, or the version is missing or stale."
)
BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")


# --- requests ---------------------------------------------------------------------------------------


class MergeRequestSerializer(serializers.Serializer):
    survivor = serializers.UUIDField(help_text="The id of the record to keep (one of the pair).")
    reason = serializers.CharField(allow_blank=True, max_length=2000, help_text="Why they are the same person.")
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The pair's version you read: stale gets 409."
    )


class NotDuplicateRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000, help_text="Why they are different people.")
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class UndoRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    reopen = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Put the pair back in the review queue instead of marking it "
        "not a duplicate (for example when the wrong record was kept).",
    )


class StatusFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DuplicateCandidate.Status.choices, required=False)


# --- representations --------------------------------------------------------------------------------


class CandidateSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.CharField(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="How likely the records are the same person, 0 to 1.")
    match_weight = serializers.FloatField(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    blocks = serializers.ListField(child=serializers.CharField(), read_only=True)
    person_a = RelatedPersonSerializer(read_only=True)
    person_b = RelatedPersonSerializer(read_only=True)
    found_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)
    decided_reason = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class CandidateDetailSerializer(CandidateSerializer):
    record_a = PersonDetailSerializer(source="fh_record_a", read_only=True)
    record_b = PersonDetailSerializer(source="fh_record_b", read_only=True)


class MergeSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    survivor = RelatedPersonSerializer(read_only=True)
    merged = RelatedPersonSerializer(read_only=True)
    candidate = serializers.UUIDField(source="candidate_id", read_only=True, allow_null=True)
    merged_at = serializers.DateTimeField(read_only=True)
    merged_by = UserSummarySerializer(read_only=True)
    reason = serializers.CharField(read_only=True)
    undone_at = serializers.DateTimeField(read_only=True, allow_null=True)
    undone_by = UserSummarySerializer(read_only=True, allow_null=True)
    undone_reason = serializers.CharField(read_only=True)


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- views ------------------------------------------------------------------------------------------


class DuplicateCandidateViewSet(ApiViewSet):
    """Possible duplicate records: the review queue."""

    required_permissions = {
        "list": roles.MANAGE_DUPLICATES,
        "retrieve": roles.MANAGE_DUPLICATES,
        "merge": roles.MANAGE_DUPLICATES,
        "not_duplicate": roles.MANAGE_DUPLICATES,
        "find": roles.MANAGE_DUPLICATES,
    }

    def _detail(self, request: Request, pk: Any) -> Response:
        candidate, a, b = selectors.candidate_get_for_user(request.user, pk)
        candidate.person_a, candidate.person_b = a.person, b.person
        candidate.fh_record_a = _with_details(a.person, a.access)  # type: ignore[attr-defined]
        candidate.fh_record_b = _with_details(b.person, b.access)  # type: ignore[attr-defined]
        return Response(CandidateDetailSerializer(candidate).data)

    @extend_schema(
        summary="Possible duplicates you can review, most likely first",
        description="Only pairs whose two records are inside your record scope. Restricted records are shown "
        "by reference only.",
        parameters=[
            OpenApiParameter("status", str, enum=DuplicateCandidate.Status.values, description="Default open.")
        ],
        responses={200: CandidateSerializer(many=True), 403: FORBIDDEN},
    )
    def list(self, request: Request) -> Response:
        status_ = _valid(StatusFilterSerializer, request.query_params).get("status", DuplicateCandidate.Status.OPEN)
        qs = selectors.candidate_list_for_user(request.user, status=status_)
        page = self.paginate_queryset(qs)
        items = list(page) if page is not None else list(qs)
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.SEARCH,
            reason="Review queue of possible duplicates",
            criteria={"status": status_},
            result_count=len(items),
        )
        data = CandidateSerializer(items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="A pair with both records in full, for side-by-side review",
        description="Both reads are recorded in the access log.",
        responses={200: CandidateDetailSerializer, 403: FORBIDDEN},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(request, pk)

    @extend_schema(
        summary="Merge the pair: keep `survivor`, merge the other record into it",
        description="Neither record is deleted; the merged record points at the survivor, whose chronology then "
        "includes the merged record's events. Undo with POST /merges/{id}/undo/.",
        request=MergeRequestSerializer,
        responses={201: MergeSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: UUID) -> Response:
        candidate, a, b = selectors.candidate_get_for_user(request.user, pk)
        data = _valid(MergeRequestSerializer, request.data)
        survivor = {a.person.pk: a.person, b.person.pk: b.person}.get(data["survivor"])
        if survivor is None:
            raise DomainError("Choose one of the two records of this pair to keep", field="survivor")
        merge = services.candidate_merge(
            actor=request.user,
            candidate=candidate,
            survivor=survivor,
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return Response(MergeSerializer(merge).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark the pair as different people (never suggested again)",
        request=NotDuplicateRequestSerializer,
        responses={200: CandidateSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="not-duplicate")
    def not_duplicate(self, request: Request, pk: UUID) -> Response:
        candidate, _, _ = selectors.candidate_get_for_user(request.user, pk)
        data = _valid(NotDuplicateRequestSerializer, request.data)
        candidate = services.candidate_mark_not_duplicate(
            actor=request.user, candidate=candidate, reason=data["reason"], expected_version=data.get("version")
        )
        return Response(CandidateSerializer(candidate).data)

    @extend_schema(
        summary="Start the search for duplicates (a background job)",
        description="Compares the whole person index in the background (a minute on a large council). Answers "
        "202 with the job: poll its `url` (/api/v1/jobs/{id}/) until `status` is `succeeded` or `failed`; the "
        "result's `summary` holds the counts. While a search is queued or running, answers 202 with that job "
        "instead of starting another (`familyhelp find_duplicates` runs the same search from the command line).",
        request=None,
        responses={202: JobSerializer, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["post"])
    def find(self, request: Request) -> Response:
        job, _ = job_start(actor=request.user, kind="dedup.find_duplicates")
        data = JobSerializer(job, context={"user": request.user}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class PersonMergeViewSet(ApiViewSet):
    """Merges of duplicate records, and undoing them."""

    required_permissions = {"retrieve": roles.MANAGE_DUPLICATES, "undo": roles.MANAGE_DUPLICATES}

    @extend_schema(summary="A merge", responses={200: MergeSerializer, 403: FORBIDDEN})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        merge, _, _ = selectors.merge_get_for_user(request.user, pk)
        return Response(MergeSerializer(merge).data)

    @extend_schema(
        summary="Undo a merge: both records are separate again",
        request=UndoRequestSerializer,
        responses={200: MergeSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: UUID) -> Response:
        merge, _, _ = selectors.merge_get_for_user(request.user, pk)
        data = _valid(UndoRequestSerializer, request.data)
        merge = services.merge_undo(actor=request.user, merge=merge, reason=data["reason"], reopen=data["reopen"])
        return Response(MergeSerializer(merge).data)
