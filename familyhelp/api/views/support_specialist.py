"""Specialist services API: the catalogue, referrals (made from a case; accept/decline, start, end, details,
withdraw; sessions and contacts), short-break admissions, occupancy and outcomes.

Same services and selectors as the pages, so the same permissions, rules and access log. Coordinators see the
referral (the child's name and age and the reason), never the case file.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers.common import EffectiveDateSerializer, late_reason_field
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.organisation.models import Team
from familyhelp.people.permissions import person_access
from familyhelp.performance.periods import PeriodError, parse_period
from familyhelp.specialist import selectors, services
from familyhelp.specialist.models import Service, ServiceContact, ServiceReferral, ShortBreakAdmission
from familyhelp.specialist.outcomes import WINDOWS, service_outcomes
from familyhelp.specialist.permissions import (
    can_coordinate_service,
    can_list_services,
    can_manage_services,
    scope_coordinated_services,
)
from familyhelp.specialist.views import default_outcome_period

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the record since the version you sent.")
EFFECTIVE_HELP = "The step's stored effective date and whether it was defaulted to today (no date sent)."


def _date_field(what: str, *, default: str = "today") -> serializers.DateField:
    """An optional effective date: when the step happened, defaulting to today."""
    return serializers.DateField(
        required=False,
        allow_null=True,
        help_text=f"{what} (ISO 8601). Defaults to {default}. Not in the future; a date more than the council's "
        "late-recording days ago needs late_reason.",
    )


def _valid(serializer_class: Any, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- shapes -----------------------------------------------------------------------------------------------
class ServiceSerializer(serializers.ModelSerializer):
    team: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "eligibility",
            "min_age",
            "max_age",
            "max_duration_weeks",
            "capacity",
            "capacity_unit",
            "holds_cases",
            "spot_purchase",
            "team",
            "is_active",
            "version",
        ]


class ServiceWriteSerializer(serializers.ModelSerializer):
    team: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False, help_text="Required when changing a service")

    class Meta:
        model = Service
        fields = [
            "name",
            "kind",
            "description",
            "eligibility",
            "min_age",
            "max_age",
            "max_duration_weeks",
            "capacity",
            "capacity_unit",
            "holds_cases",
            "spot_purchase",
            "team",
            "is_active",
            "version",
        ]
        extra_kwargs: dict[str, Any] = {"name": {"validators": []}}  # the service's full_clean checks uniqueness


_CHILD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "age": {"type": "integer", "nullable": True},
    },
}


@extend_schema_field(_CHILD_SCHEMA)
class _ChildField(serializers.Field):
    """The child's name and age only (a restricted child the reader may not open: "Restricted record")."""

    def __init__(self, **kwargs: Any):
        kwargs["read_only"] = True
        kwargs["source"] = "person"
        super().__init__(**kwargs)

    def to_representation(self, person: Any) -> dict[str, Any]:
        user = self.context.get("user")
        masked = person.is_restricted and (user is None or not person_access(user, person).allowed)
        return {
            "id": str(person.pk),
            "name": "Restricted record" if masked else person.full_name,
            "age": None if masked else person.age_on(clock.today()),
        }


class ServiceContactSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.__str__", read_only=True)

    class Meta:
        model = ServiceContact
        fields = ["id", "date", "kind", "notes", "by"]


class ShortBreakAdmissionSerializer(serializers.ModelSerializer):
    nights = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ShortBreakAdmission
        fields = ["id", "referral", "admitted_on", "left_on", "kind", "nights", "version"]


class ServiceReferralSerializer(serializers.ModelSerializer):
    child = _ChildField()
    service_name = serializers.CharField(source="service.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.__str__", read_only=True)
    waiting_days = serializers.SerializerMethodField()

    class Meta:
        model = ServiceReferral
        fields = [
            "id",
            "service",
            "service_name",
            "case",
            "child",
            "reason",
            "requested_by",
            "requested_on",
            "status",
            "decided_on",
            "decline_reason",
            "started_on",
            "ended_on",
            "outcome",
            "outcome_notes",
            "withdrawn_reason",
            "provider",
            "cost",
            "fgc_plan_agreed_on",
            "fgc_plan",
            "waiting_days",
            "version",
        ]

    def get_waiting_days(self, referral: ServiceReferral) -> int | None:
        """Days from the referral to its start (or to today while it has not started); None once closed."""
        if referral.started_on:
            return (referral.started_on - referral.requested_on).days
        if referral.status in ("requested", "accepted", "waiting"):
            return (clock.today() - referral.requested_on).days
        return None


class ServiceReferralDetailSerializer(ServiceReferralSerializer):
    contacts = ServiceContactSerializer(many=True, read_only=True)
    admissions = ShortBreakAdmissionSerializer(many=True, read_only=True)

    class Meta(ServiceReferralSerializer.Meta):
        fields = [*ServiceReferralSerializer.Meta.fields, "contacts", "admissions"]


class ServiceReferralMovedSerializer(ServiceReferralDetailSerializer):
    """The referral after a step moved it, with the step's stored effective date."""

    effective = EffectiveDateSerializer(read_only=True, help_text=EFFECTIVE_HELP)

    class Meta(ServiceReferralDetailSerializer.Meta):
        fields = [*ServiceReferralDetailSerializer.Meta.fields, "effective"]


class ServiceContactRecordedSerializer(ServiceContactSerializer):
    effective = EffectiveDateSerializer(read_only=True, help_text=EFFECTIVE_HELP)

    class Meta(ServiceContactSerializer.Meta):
        fields = [*ServiceContactSerializer.Meta.fields, "effective"]


class ShortBreakAdmissionRecordedSerializer(ShortBreakAdmissionSerializer):
    effective = EffectiveDateSerializer(read_only=True, help_text=EFFECTIVE_HELP)

    class Meta(ShortBreakAdmissionSerializer.Meta):
        fields = [*ShortBreakAdmissionSerializer.Meta.fields, "effective"]


class ServiceReferralCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    service = serializers.UUIDField()
    reason = serializers.CharField(allow_blank=True)
    requested_on = _date_field("The date the referral was made; on or after the case opened")
    late_reason = late_reason_field()


class _VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ServiceReferralDecideSerializer(_VersionSerializer):
    accept = serializers.BooleanField()
    decline_reason = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = _date_field("The date of the decision; on or after the date of the referral")
    late_reason = late_reason_field()


class ServiceReferralStartSerializer(_VersionSerializer):
    started_on = _date_field("The date the service started; on or after the referral and its acceptance")
    late_reason = late_reason_field()


class ServiceReferralEndSerializer(_VersionSerializer):
    outcome = serializers.ChoiceField(choices=ServiceReferral.Outcome.choices)
    outcome_notes = serializers.CharField(required=False, allow_blank=True, default="")
    ended_on = _date_field("The date the service ended; on or after its start and the last session")
    late_reason = late_reason_field()


class ServiceReferralWithdrawSerializer(_VersionSerializer):
    reason = serializers.CharField(allow_blank=True)
    withdrawn_on = _date_field("The date the referral was withdrawn; on or after the referral and any decision")
    late_reason = late_reason_field()


class ServiceReferralDetailsSerializer(_VersionSerializer):
    provider = serializers.CharField(required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True, default=None)
    fgc_plan_agreed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date the family plan was agreed (FGC only; required with the plan; on or after the referral)",
    )
    fgc_plan = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceContactCreateSerializer(serializers.Serializer):
    date = _date_field("The date of the session or contact; between the start and the end of the service")
    late_reason = late_reason_field()
    kind = serializers.ChoiceField(choices=ServiceContact.Kind.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ShortBreakAdmissionCreateSerializer(serializers.Serializer):
    admitted_on = _date_field("The date of admission; on or after the short breaks started")
    kind = serializers.ChoiceField(choices=ShortBreakAdmission.Kind.choices)
    left_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date the child left, if they have (no default: empty while still staying); on or after "
        "admission",
    )
    late_reason = late_reason_field()


class ShortBreakLeaveSerializer(_VersionSerializer):
    left_on = _date_field("The date the child left; on or after admission")
    late_reason = late_reason_field()


class ServiceCapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(allow_null=True)
    used = serializers.IntegerField()
    unit = serializers.CharField()
    free = serializers.IntegerField(allow_null=True)
    is_full = serializers.BooleanField()


class ShortBreakOccupancySerializer(serializers.Serializer):
    month = serializers.DateField()
    days = serializers.IntegerField()
    beds = serializers.IntegerField()
    bed_nights = serializers.IntegerField()
    available = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    planned = serializers.IntegerField()
    emergency = serializers.IntegerField()
    crisis = serializers.IntegerField()


class ServiceOutcomesSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    ended = serializers.IntegerField(help_text="Children whose referral ended in the period")
    looked_after_3m = serializers.IntegerField()
    looked_after_6m = serializers.IntegerField()
    looked_after_12m = serializers.IntegerField()
    rereferred_12m = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="False while some 12-month windows have not passed")


# --- viewsets ---------------------------------------------------------------------------------------------
class ServiceViewSet(ApiViewSet):
    """The catalogue of specialist services."""

    required_permissions = {
        "list": AUTHENTICATED,
        "retrieve": AUTHENTICATED,
        "outcomes": AUTHENTICATED,
        "create": roles.MANAGE_SERVICES,
        "partial_update": roles.MANAGE_SERVICES,
        "waiting_list": roles.COORDINATE_SERVICE,
        "occupancy": roles.COORDINATE_SERVICE,
    }

    def _service(self, *, coordinate: bool = False) -> Service:
        if not can_list_services(self.request.user) and not coordinate:
            raise PermissionDenied
        service = selectors.service_get(self.kwargs["pk"])
        if coordinate and not can_coordinate_service(self.request.user, service):
            raise PermissionDenied
        return service

    @extend_schema(
        summary="The catalogue (inactive services too for those who maintain it)",
        responses={200: ServiceSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        qs = selectors.service_list_for_user(request.user, include_inactive=can_manage_services(request.user))
        return self.paginate(request, qs, ServiceSerializer)

    @extend_schema(summary="One service", responses={200: ServiceSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(ServiceSerializer(self._service()).data)

    @extend_schema(
        summary="Add a service to the catalogue",
        request=ServiceWriteSerializer,
        responses={201: ServiceSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(ServiceWriteSerializer, request.data)
        data.pop("version", None)
        return Response(ServiceSerializer(services.service_create(actor=request.user, **data)).data, status=201)

    @extend_schema(
        summary="Change a service (send the version you read)",
        request=ServiceWriteSerializer,
        responses={200: ServiceSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        service = selectors.service_get(pk)
        data = _valid(ServiceWriteSerializer, request.data, partial=True)
        version = data.pop("version", None)
        service = services.service_update(actor=request.user, service=service, expected_version=version, **data)
        return Response(ServiceSerializer(service).data)

    @extend_schema(
        summary="Outcomes: of the children whose referral ended in the period, looked after within 3/6/12 months "
        "and re-referred within 12 months",
        parameters=[OpenApiParameter("period", OpenApiTypes.STR, description="2025-Q1, 2024-25, 2025-01, a..b")],
        responses={200: ServiceOutcomesSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["get"])
    def outcomes(self, request: Request, pk: UUID) -> Response:
        service = self._service()
        text = request.query_params.get("period", "").strip()
        start, end = default_outcome_period(clock.today())
        if text:
            try:
                period = parse_period(text)
            except PeriodError as exc:
                raise DomainError(str(exc), field="period") from exc
            start, end = period.start, period.end
        o = service_outcomes(start, end, services=[service])
        body: dict[str, Any] = {
            "start": start,
            "end": end,
            "ended": o.ended,
            "rereferred_12m": o.rereferred,
            "complete": o.complete,
        }
        body.update({f"looked_after_{m}m": o.looked_after[m] for m in WINDOWS})
        return Response(ServiceOutcomesSerializer(body).data)

    @extend_schema(
        summary="Capacity in use and the waiting list (referrals not yet started, oldest first)",
        responses={200: ServiceReferralSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="waiting-list")
    def waiting_list(self, request: Request, pk: UUID) -> Response:
        service = self._service(coordinate=True)
        rows = [row.referral for row in selectors.waiting_list(service)]
        data = ServiceReferralSerializer(rows, many=True, context={"user": request.user}).data
        capacity = selectors.capacity_used(service)
        cap = {
            "capacity": capacity.capacity,
            "used": capacity.used,
            "unit": capacity.unit,
            "free": capacity.free,
            "is_full": capacity.is_full,
        }
        return Response({"capacity": ServiceCapacitySerializer(cap).data, "results": data})

    @extend_schema(
        summary="Short breaks: monthly occupancy (bed-nights used ÷ beds × days) and admissions by kind",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT)],
        responses={200: ShortBreakOccupancySerializer(many=True), 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["get"])
    def occupancy(self, request: Request, pk: UUID) -> Response:
        service = self._service(coordinate=True)
        if service.kind != Service.Kind.SHORT_BREAKS:
            raise DomainError("Occupancy is kept for short breaks only")
        try:
            year = int(request.query_params.get("year", clock.today().year))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError as exc:
            raise DomainError("Enter a year such as 2025", field="year") from exc
        rows = selectors.occupancy(service, year)
        data = [{**row.__dict__, "available": row.available, "percent": row.percent} for row in rows]
        return Response(ShortBreakOccupancySerializer(data, many=True).data)


class ServiceReferralViewSet(ApiViewSet):
    """Referrals to specialist services. Reading one is written to the access log."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "withdraw": roles.WORK_CASE,
        "decide": roles.COORDINATE_SERVICE,
        "start": roles.COORDINATE_SERVICE,
        "end": roles.COORDINATE_SERVICE,
        "details": roles.COORDINATE_SERVICE,
        "contacts": roles.COORDINATE_SERVICE,
        "admissions": roles.COORDINATE_SERVICE,
    }

    def _referral(self, purpose: str = "opened the service referral") -> ServiceReferral:
        return selectors.referral_get_for_user(self.request.user, self.kwargs["pk"], purpose=purpose)

    def _detail(self, referral: ServiceReferral, status: int = 200, *, effective: str = "") -> Response:
        """The referral; after a step moved it, with `effective`: the step's stored date (`effective` names the
        request field and the referral's field that stores it)."""
        referral = (
            ServiceReferral.objects.select_related("service", "person", "requested_by")
            .prefetch_related(Prefetch("contacts", ServiceContact.objects.select_related("by")), "admissions")
            .get(pk=referral.pk)
        )
        data = dict(ServiceReferralDetailSerializer(referral, context={"user": self.request.user}).data)
        if effective:
            value = getattr(referral, effective, None)
            data["effective"] = effective_block(self.request, field=effective, value=value)
        return Response(data, status=status)

    @extend_schema(
        summary="Referrals you may see (to the services you coordinate, or on cases in your scope)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ServiceReferral.Status.values),
            OpenApiParameter("service", OpenApiTypes.UUID),
        ],
        responses={200: ServiceReferralSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        qs = selectors.referral_list_for_user(request.user)
        status_ = request.query_params.get("status", "")
        if status_ in ServiceReferral.Status.values:
            qs = qs.filter(status=status_)
        service = request.query_params.get("service", "")
        if service:
            try:
                qs = qs.filter(service_id=UUID(service))
            except ValueError as exc:
                raise DomainError("Not a valid ID", field="service") from exc
        page = self.paginate_queryset(qs)
        items = page if page is not None else qs
        data = ServiceReferralSerializer(items, many=True, context={"user": request.user}).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="One referral with its sessions and short-break admissions (never the case file)",
        responses={200: ServiceReferralDetailSerializer},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(self._referral())

    @extend_schema(
        summary="Refer the child on a case to a service (requested_on defaults to today)",
        request=ServiceReferralCreateSerializer,
        responses={201: ServiceReferralMovedSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(ServiceReferralCreateSerializer, request.data)
        case = case_get_for_user(request.user, data["case"], purpose="referring to a specialist service")
        service = Service.objects.filter(pk=data["service"]).first()
        if service is None:
            raise DomainError("There is no service with this ID", field="service")
        referral = services.referral_create(
            actor=request.user,
            case=case,
            service=service,
            reason=data["reason"],
            requested_on=data.get("requested_on"),
            late_reason=data["late_reason"],
        )
        return self._detail(referral, status=201, effective="requested_on")

    @extend_schema(
        summary="Accept (onto the waiting list when full) or decline with a reason (decided_on defaults to today)",
        request=ServiceReferralDecideSerializer,
        responses={200: ServiceReferralMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceReferralDecideSerializer, request.data)
        referral = services.referral_decide(
            actor=request.user,
            referral=self._referral("deciding the referral"),
            accept=data["accept"],
            decline_reason=data["decline_reason"],
            decided_on=data.get("decided_on"),
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        return self._detail(referral, effective="decided_on")

    @extend_schema(
        summary="Start the service (started_on defaults to today)",
        request=ServiceReferralStartSerializer,
        responses={200: ServiceReferralMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceReferralStartSerializer, request.data)
        referral = services.referral_start(
            actor=request.user,
            referral=self._referral("starting the service"),
            started_on=data.get("started_on"),
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        return self._detail(referral, effective="started_on")

    @extend_schema(
        summary="End the service with its outcome (ended_on defaults to today)",
        request=ServiceReferralEndSerializer,
        responses={200: ServiceReferralMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceReferralEndSerializer, request.data)
        referral = services.referral_end(
            actor=request.user,
            referral=self._referral("ending the service"),
            outcome=data["outcome"],
            outcome_notes=data["outcome_notes"],
            ended_on=data.get("ended_on"),
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        return self._detail(referral, effective="ended_on")

    @extend_schema(
        summary="Record the family plan (FGC) or the provider and cost (spot purchase)",
        request=ServiceReferralDetailsSerializer,
        responses={200: ServiceReferralDetailSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def details(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceReferralDetailsSerializer, request.data)
        referral = services.referral_record_details(
            actor=request.user,
            referral=self._referral("recording the plan or provider"),
            expected_version=data["version"],
            provider=data["provider"],
            cost=data["cost"],
            fgc_plan_agreed_on=data["fgc_plan_agreed_on"],
            fgc_plan=data["fgc_plan"],
        )
        return self._detail(referral)

    @extend_schema(
        summary="Withdraw a referral that has not started (withdrawn_on defaults to today)",
        request=ServiceReferralWithdrawSerializer,
        responses={200: ServiceReferralMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceReferralWithdrawSerializer, request.data)
        referral = services.referral_withdraw(
            actor=request.user,
            referral=self._referral("withdrawing the referral"),
            reason=data["reason"],
            expected_version=data["version"],
            withdrawn_on=data.get("withdrawn_on"),
            late_reason=data["late_reason"],
        )
        response = self._detail(referral)
        # no field of the referral stores it: the date is the chronology event's
        response.data["effective"] = effective_block(
            request, field="withdrawn_on", value=data.get("withdrawn_on") or clock.today()
        )
        return response

    @extend_schema(
        summary="Record a session or contact (date defaults to today)",
        request=ServiceContactCreateSerializer,
        responses={201: ServiceContactRecordedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request: Request, pk: UUID) -> Response:
        data = _valid(ServiceContactCreateSerializer, request.data)
        contact = services.contact_record(
            actor=request.user,
            referral=self._referral("recording a session"),
            on=data.get("date"),
            kind=data["kind"],
            notes=data["notes"],
            late_reason=data["late_reason"],
        )
        body = {
            **ServiceContactSerializer(contact).data,
            "effective": effective_block(request, field="date", value=contact.date),
        }
        return Response(body, status=201)

    @extend_schema(
        summary="Record a short-break admission (planned, emergency or crisis; admitted_on defaults to today)",
        request=ShortBreakAdmissionCreateSerializer,
        responses={201: ShortBreakAdmissionRecordedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def admissions(self, request: Request, pk: UUID) -> Response:
        data = _valid(ShortBreakAdmissionCreateSerializer, request.data)
        admission = services.admission_record(
            actor=request.user,
            referral=self._referral("recording a short break"),
            admitted_on=data.get("admitted_on"),
            kind=data["kind"],
            left_on=data["left_on"],
            late_reason=data["late_reason"],
        )
        effective = effective_block(request, field="admitted_on", value=admission.admitted_on)
        return Response({**ShortBreakAdmissionSerializer(admission).data, "effective": effective}, status=201)


class ShortBreakAdmissionViewSet(ApiViewSet):
    """Short-break admissions to the services you coordinate."""

    required_permissions = {"list": roles.COORDINATE_SERVICE, "leave": roles.COORDINATE_SERVICE}

    @extend_schema(
        summary="Admissions to the short breaks you coordinate, newest first",
        responses={200: ShortBreakAdmissionSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        coordinated = scope_coordinated_services(request.user, Service.objects.all())
        qs = ShortBreakAdmission.objects.filter(referral__service__in=coordinated).order_by("-admitted_on")
        return self.paginate(request, qs, ShortBreakAdmissionSerializer)

    @extend_schema(
        summary="Record the day the child left (left_on defaults to today)",
        request=ShortBreakLeaveSerializer,
        responses={200: ShortBreakAdmissionRecordedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: UUID) -> Response:
        data = _valid(ShortBreakLeaveSerializer, request.data)
        admission = ShortBreakAdmission.objects.select_related("referral__service").filter(pk=pk).first()
        if admission is None:
            from django.http import Http404

            raise Http404("No such admission")
        selectors.referral_get_for_user(request.user, admission.referral_id, purpose="recording a short break ended")
        admission = services.admission_leave(
            actor=request.user,
            admission=admission,
            left_on=data.get("left_on"),
            expected_version=data["version"],
            late_reason=data["late_reason"],
        )
        effective = effective_block(request, field="left_on", value=admission.left_on)
        return Response({**ShortBreakAdmissionSerializer(admission).data, "effective": effective})


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("specialist-services", ServiceViewSet, basename="specialist-service")
    router.register("service-referrals", ServiceReferralViewSet, basename="service-referral")
    router.register("short-break-admissions", ShortBreakAdmissionViewSet, basename="short-break-admission")
