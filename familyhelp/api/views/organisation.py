"""The council's structure (local authority, localities, teams, schools, partner agencies), workers and
user accounts. Reads through organisation.selectors, writes through organisation.services and
accounts.services; updates carry the `version` that was read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts import services as accounts
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers import organisation as s
from familyhelp.organisation import selectors
from familyhelp.organisation import services as org

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="The version is missing or stale: someone else saved the record.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def org_schema(
    noun: str,
    read: type[serializers.Serializer],
    *,
    create: type[serializers.Serializer] | None = None,
    update: type[serializers.Serializer] | None = None,
    filters: type[serializers.Serializer] | None = None,
) -> Callable[[Any], Any]:
    """The OpenAPI description of a list/retrieve(/create/update) resource."""
    views: dict[str, Any] = {
        "list": extend_schema(
            summary=f"List {noun}", responses=read(many=True), parameters=[filters] if filters else None
        ),
        "retrieve": extend_schema(summary=f"Read one of the {noun}", responses=read),
    }
    if create is not None:
        views["create"] = extend_schema(
            summary=f"Add to the {noun}", request=create, responses={201: read, 400: BAD_REQUEST}
        )
    if update is not None:
        views["partial_update"] = extend_schema(
            summary=f"Change one of the {noun}",
            request=update,
            responses={200: read, 400: BAD_REQUEST, 409: CONFLICT},
        )
    return extend_schema_view(**views)


class _ReadMixin:
    """list and retrieve through the resource's selectors."""

    read_serializer: type[serializers.Serializer]
    filter_serializer: type[serializers.Serializer] | None = None
    list_selector: Callable[..., QuerySet[Any]]
    get_selector: Callable[..., Any]

    def list(self, request: Request) -> Response:
        filters = _valid(self.filter_serializer, request.query_params) if self.filter_serializer is not None else {}
        items = type(self).list_selector(request.user, **filters)
        return self.paginate(request, items, self.read_serializer)  # type: ignore[attr-defined]

    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(self.read_serializer(type(self).get_selector(request.user, pk)).data)


class _CreateMixin:
    create_serializer: type[serializers.Serializer]
    create_service: Callable[..., Any]

    def create(self, request: Request) -> Response:
        data = _valid(self.create_serializer, request.data)
        obj = type(self).create_service(actor=request.user, **data)
        obj = type(self).get_selector(request.user, obj.pk)  # type: ignore[attr-defined]
        return Response(self.read_serializer(obj).data, status=status.HTTP_201_CREATED)  # type: ignore[attr-defined]


class _UpdateMixin:
    update_serializer: type[serializers.Serializer]
    update_service: Callable[..., Any]
    instance_kwarg: str

    def partial_update(self, request: Request, pk: UUID) -> Response:
        obj = type(self).get_selector(request.user, pk)  # type: ignore[attr-defined]
        data = _valid(self.update_serializer, request.data)
        version = data.pop("version", None)
        type(self).update_service(actor=request.user, expected_version=version, **{self.instance_kwarg: obj}, **data)
        obj = type(self).get_selector(request.user, pk)  # type: ignore[attr-defined]
        return Response(self.read_serializer(obj).data)  # type: ignore[attr-defined]


VIEW = {"list": roles.VIEW_ORGANISATION, "retrieve": roles.VIEW_ORGANISATION}
MANAGE = {"create": roles.MANAGE_ORGANISATION, "partial_update": roles.MANAGE_ORGANISATION}


class IncludeInactiveFilter(serializers.Serializer):
    include_inactive = serializers.BooleanField(required=False, help_text="Include closed ones too.")


class WorkerFilter(IncludeInactiveFilter):
    team = serializers.UUIDField(required=False, help_text="Only members of this team.")


class SchoolFilter(serializers.Serializer):
    locality = serializers.UUIDField(required=False, help_text="Only schools in this locality.")


@org_schema("local authority", s.LocalAuthoritySerializer, update=s.LocalAuthorityUpdateSerializer)
class LocalAuthorityViewSet(_ReadMixin, _UpdateMixin, ApiViewSet):
    """The council running Family Help (one)."""

    required_permissions = {**VIEW, "partial_update": roles.MANAGE_ORGANISATION}
    read_serializer = s.LocalAuthoritySerializer
    update_serializer = s.LocalAuthorityUpdateSerializer
    list_selector = selectors.local_authority_list_for_user
    get_selector = selectors.local_authority_get_for_user
    update_service = org.local_authority_update
    instance_kwarg = "local_authority"


@org_schema("localities", s.LocalitySerializer, create=s.LocalityCreateSerializer, update=s.LocalityUpdateSerializer)
class LocalityViewSet(_ReadMixin, _CreateMixin, _UpdateMixin, ApiViewSet):
    """Areas of the council, each with the postcode districts it covers."""

    required_permissions = {**VIEW, **MANAGE}
    read_serializer = s.LocalitySerializer
    create_serializer = s.LocalityCreateSerializer
    update_serializer = s.LocalityUpdateSerializer
    list_selector = selectors.locality_list_for_user
    get_selector = selectors.locality_get_for_user
    create_service = org.locality_create
    update_service = org.locality_update
    instance_kwarg = "locality"


@org_schema(
    "teams",
    s.TeamSerializer,
    create=s.TeamCreateSerializer,
    update=s.TeamUpdateSerializer,
    filters=IncludeInactiveFilter,
)
class TeamViewSet(_ReadMixin, _CreateMixin, _UpdateMixin, ApiViewSet):
    """Teams, with their service (from their kind) and number of active members."""

    required_permissions = {**VIEW, **MANAGE}
    read_serializer = s.TeamSerializer
    filter_serializer = IncludeInactiveFilter
    create_serializer = s.TeamCreateSerializer
    update_serializer = s.TeamUpdateSerializer
    list_selector = selectors.team_list_for_user
    get_selector = selectors.team_get_for_user
    create_service = org.team_create
    update_service = org.team_update
    instance_kwarg = "team"


@org_schema(
    "schools",
    s.SchoolSerializer,
    create=s.SchoolCreateSerializer,
    update=s.SchoolUpdateSerializer,
    filters=SchoolFilter,
)
class SchoolViewSet(_ReadMixin, _CreateMixin, _UpdateMixin, ApiViewSet):
    """Schools in the area, with their designated safeguarding lead and the council's named contact."""

    required_permissions = {**VIEW, **MANAGE}
    read_serializer = s.SchoolSerializer
    filter_serializer = SchoolFilter
    create_serializer = s.SchoolCreateSerializer
    update_serializer = s.SchoolUpdateSerializer
    list_selector = selectors.school_list_for_user
    get_selector = selectors.school_get_for_user
    create_service = org.school_create
    update_service = org.school_update
    instance_kwarg = "school"


@org_schema(
    "partner agencies",
    s.PartnerAgencySerializer,
    create=s.PartnerAgencyCreateSerializer,
    update=s.PartnerAgencyUpdateSerializer,
    filters=IncludeInactiveFilter,
)
class PartnerAgencyViewSet(_ReadMixin, _CreateMixin, _UpdateMixin, ApiViewSet):
    """Organisations outside the council that refer children and share information."""

    required_permissions = {**VIEW, **MANAGE}
    read_serializer = s.PartnerAgencySerializer
    filter_serializer = IncludeInactiveFilter
    create_serializer = s.PartnerAgencyCreateSerializer
    update_serializer = s.PartnerAgencyUpdateSerializer
    list_selector = selectors.partner_agency_list_for_user
    get_selector = selectors.partner_agency_get_for_user
    create_service = org.partner_agency_create
    update_service = org.partner_agency_update
    instance_kwarg = "partner_agency"


@org_schema("council workers", s.WorkerSerializer, filters=WorkerFilter)
class WorkerViewSet(_ReadMixin, ApiViewSet):
    """Council workers (not partner agency users), with their team and caseload."""

    required_permissions = dict(VIEW)
    read_serializer = s.WorkerSerializer
    filter_serializer = WorkerFilter
    list_selector = selectors.worker_list_for_user
    get_selector = selectors.worker_get_for_user


USERS = dict.fromkeys(
    ("list", "retrieve", "create", "partial_update", "deactivate", "token", "reset_second_factor"),
    roles.MANAGE_USERS,
)


@org_schema("user accounts", s.UserAccountSerializer, update=s.UserUpdateSerializer)
class UserAccountViewSet(_ReadMixin, _UpdateMixin, ApiViewSet):
    """User accounts (council workers and partner agency users), for administrators."""

    required_permissions = USERS
    read_serializer = s.UserAccountSerializer
    update_serializer = s.UserUpdateSerializer
    list_selector = selectors.user_account_list_for_user
    get_selector = selectors.user_account_get_for_user
    update_service = accounts.user_update
    instance_kwarg = "user"

    @extend_schema(
        summary="Create a user account",
        request=s.UserCreateSerializer,
        responses={201: s.UserAccountSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.UserCreateSerializer, request.data)
        user = accounts.user_create(actor=request.user, **data)
        return Response(
            s.UserAccountSerializer(selectors.user_account_get_for_user(request.user, user.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Deactivate a user account (they can no longer sign in)",
        request=None,
        responses={200: s.UserAccountSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: UUID) -> Response:
        user = selectors.user_account_get_for_user(request.user, pk)
        accounts.user_deactivate(actor=request.user, user=user)
        return Response(s.UserAccountSerializer(selectors.user_account_get_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Issue an API token (replaces any earlier token; shown once)",
        request=None,
        responses={201: s.ApiTokenSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def token(self, request: Request, pk: UUID) -> Response:
        user = selectors.user_account_get_for_user(request.user, pk)
        key = accounts.api_token_issue(actor=request.user, user=user)
        return Response(s.ApiTokenSerializer({"token": key}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reset two-factor authentication (they set it up again at next sign-in)",
        request=None,
        responses={200: s.UserAccountSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="reset-second-factor")
    def reset_second_factor(self, request: Request, pk: UUID) -> Response:
        user = selectors.user_account_get_for_user(request.user, pk)
        accounts.user_reset_second_factor(actor=request.user, user=user)
        return Response(s.UserAccountSerializer(selectors.user_account_get_for_user(request.user, pk)).data)
