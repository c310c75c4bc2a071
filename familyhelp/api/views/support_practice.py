"""Practice tools API: instrument versions (read), and completions for a child (list, create, finalise).

Same selectors and services as the pages: the same permissions, answer validation (field-level 400s),
append-only finals and optimistic locking (409). Listing a child's completions or reading one is a read of
the child's record and is access-logged.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import support_practice as s
from familyhelp.core.errors import DomainError
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion, Instrument
from familyhelp.practice.selectors import (
    child_get_for_user,
    completion_get_for_user,
    completions_for_child,
    family_completions_for_child,
    family_for_child,
)

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the completion since the version you sent.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _person_id(request: Request) -> UUID:
    try:
        return UUID(request.query_params.get("person", ""))
    except ValueError as exc:
        raise DomainError("Give the child's ID as ?person=", field="person") from exc


class InstrumentViewSet(ApiViewSet):
    """Versions of the practice tools (definitions as data; a published version never changes)."""

    required_permissions = {"list": roles.VIEW_CASE, "retrieve": roles.VIEW_CASE}

    @extend_schema(
        summary="Every version of every practice tool",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Instrument.Kind.values))],
        responses={200: s.InstrumentSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        qs = Instrument.objects.order_by("kind", "-version_number")
        if request.query_params.get("kind") in Instrument.Kind.values:
            qs = qs.filter(kind=request.query_params["kind"])
        return self.paginate(request, qs, s.InstrumentSerializer)

    @extend_schema(summary="One version of a practice tool", responses={200: s.InstrumentSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        instrument = Instrument.objects.filter(pk=pk).first()
        if instrument is None:
            raise Instrument.DoesNotExist
        return Response(s.InstrumentSerializer(instrument).data)


class CompletionViewSet(ApiViewSet):
    """Completions of practice tools for a child. Creating or finalising one is checked against the child's
    cases (casework.work_case) or, for the exploitation screening, the exploitation and missing coordinator."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.VIEW_CASE,  # the service decides: work_case on a case, or the E&M coordinator
        "finalise": roles.VIEW_CASE,
        "family": roles.VIEW_CASE,
    }

    def _detail(
        self, completion: Completion, code: int = status.HTTP_200_OK, *, effective: bool = False, sent: bool = True
    ) -> Response:
        """The completion; after it was recorded or finalised, with `effective` (its stored date; `sent=False`
        when this request carried no date of its own: finalising keeps the draft's date, never defaulted)."""
        fresh = Completion.objects.select_related("instrument", "completed_by").get(pk=completion.pk)
        data = dict(s.CompletionSerializer(fresh).data)
        if effective:
            block = effective_block(self.request, field="completed_on", value=fresh.completed_on)
            if not sent:
                block["defaulted"] = False
            data["effective"] = block
        return Response(data, status=code)

    @extend_schema(
        summary="A child's completions, oldest first (required ?person=; the read is access-logged)",
        parameters=[
            OpenApiParameter("person", OpenApiTypes.UUID, required=True),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Instrument.Kind.values)),
        ],
        responses={200: s.CompletionSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        person = child_get_for_user(request.user, _person_id(request), purpose="listed the practice tools")
        kind = request.query_params.get("kind")
        qs = completions_for_child(person, kind if kind in Instrument.Kind.values else None)
        return self.paginate(request, qs, s.CompletionSerializer)

    @extend_schema(
        summary="Completions for the whole of the child's families, filed under their brothers and sisters "
        "(required ?person=; access-logged; those filed under children you may not see are counted only)",
        parameters=[OpenApiParameter("person", OpenApiTypes.UUID, required=True)],
        responses={200: s.FamilyCompletionsSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["get"])
    def family(self, request: Request) -> Response:
        person = child_get_for_user(request.user, _person_id(request), purpose="listed the family's practice tools")
        visible, hidden = family_completions_for_child(request.user, person)
        return Response(s.FamilyCompletionsSerializer({"hidden": hidden, "results": visible}).data)

    @extend_schema(summary="One completion (access-logged)", responses={200: s.CompletionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(completion_get_for_user(request.user, pk, purpose="opened a practice tool"))

    @extend_schema(
        summary="Record a tool for a child: a draft (or finalised at once with finalise=true); completed_on "
        "defaults to today",
        request=s.CompletionCreateSerializer,
        responses={201: s.CompletionRecordedSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        d = _valid(s.CompletionCreateSerializer, request.data)
        person = child_get_for_user(request.user, d["person"], purpose="recording a practice tool")
        review_of = None
        if d["review_of"] is not None:
            review_of = Completion.objects.filter(pk=d["review_of"], person=person).first()
            if review_of is None:
                raise DomainError("There is no completion with this ID for this child", field="review_of")
        family = None if d["family"] is None else family_for_child(person, d["family"])
        with transaction.atomic():
            completion = svc.completion_start(
                actor=request.user,
                person=person,
                kind=d["kind"],
                completed_on=d.get("completed_on"),
                answers=d["answers"],
                review_of=review_of,
                family=family,
            )
            if d["finalise"]:
                completion = svc.completion_finalise(
                    actor=request.user,
                    completion=completion,
                    expected_version=completion.version,
                    late_reason=d["late_reason"],
                )
        return self._detail(completion, status.HTTP_201_CREATED, effective=True)

    @extend_schema(
        summary="Finalise a draft (then it never changes; a later one is a review). Its chronology event is dated "
        "the draft's completed_on; late_reason is needed when that is more than the council's late-recording days ago",
        request=s.CompletionFinaliseSerializer,
        responses={200: s.CompletionRecordedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.CompletionFinaliseSerializer, request.data)
        completion = completion_get_for_user(request.user, pk, purpose="finalising a practice tool")
        finalised = svc.completion_finalise(
            actor=request.user, completion=completion, expected_version=d["version"], late_reason=d["late_reason"]
        )
        return self._detail(finalised, effective=True, sent=False)


def register(router: Any) -> None:
    """Add the practice tools' viewsets to /api/v1/."""
    router.register("practice/instruments", InstrumentViewSet, basename="practice-instrument")
    router.register("practice/completions", CompletionViewSet, basename="practice-completion")
