"""Integration accounts and their tokens, for administrators (ADR 0016). Reads through accounts.selectors,
writes through accounts.services; a token is in a response once, when it is issued."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from familyhelp.accounts import roles, selectors
from familyhelp.accounts import services as accounts
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers import integration as s

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
ACTIONS = ("list", "retrieve", "create", "issue_token", "rotate_token", "revoke_token", "deactivate")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


@extend_schema_view(
    list=extend_schema(summary="List integration accounts", responses=s.IntegrationAccountSerializer(many=True)),
    retrieve=extend_schema(summary="Read one integration account", responses=s.IntegrationAccountSerializer),
)
class IntegrationAccountViewSet(ApiViewSet):
    """A council's own scripts that call the API with a token: named scopes, hashed expiring tokens."""

    required_permissions = dict.fromkeys(ACTIONS, roles.MANAGE_USERS)

    def list(self, request: Request) -> Response:
        items = selectors.integration_account_list_for_user(request.user)
        return self.paginate(request, items, s.IntegrationAccountSerializer)

    def retrieve(self, request: Request, pk: UUID) -> Response:
        account = selectors.integration_account_get_for_user(request.user, pk)
        return Response(s.IntegrationAccountSerializer(account).data)

    @extend_schema(
        summary="Add an integration account (issue its token next)",
        request=s.IntegrationAccountCreateSerializer,
        responses={201: s.IntegrationAccountSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.IntegrationAccountCreateSerializer, request.data)
        account = accounts.integration_account_create(actor=request.user, **data)
        account = selectors.integration_account_get_for_user(request.user, account.pk)
        return Response(s.IntegrationAccountSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Issue a token (shown once; earlier tokens keep working until revoked)",
        request=s.IntegrationTokenIssueSerializer,
        responses={201: s.IssuedTokenSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="tokens", url_name="tokens")
    def issue_token(self, request: Request, pk: UUID) -> Response:
        account = selectors.integration_account_get_for_user(request.user, pk)
        data = _valid(s.IntegrationTokenIssueSerializer, request.data)
        issued = accounts.integration_token_issue(actor=request.user, account=account, **data)
        return _no_store(Response(s.IssuedTokenSerializer(issued).data, status=status.HTTP_201_CREATED))

    @extend_schema(
        summary="Rotate a token: a new token (shown once) replaces it, and it stops working at once",
        request=s.IntegrationTokenIssueSerializer,
        responses={201: s.IssuedTokenSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="tokens/<str:token_key>/rotate", url_name="rotate-token")
    def rotate_token(self, request: Request, pk: UUID, token_key: str) -> Response:
        account = selectors.integration_account_get_for_user(request.user, pk)
        data = _valid(s.IntegrationTokenIssueSerializer, request.data)
        issued = accounts.integration_token_rotate(actor=request.user, account=account, token_key=token_key, **data)
        return _no_store(Response(s.IssuedTokenSerializer(issued).data, status=status.HTTP_201_CREATED))

    @extend_schema(
        summary="Revoke a token: it stops working at once",
        request=None,
        responses={200: s.IntegrationAccountSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="tokens/<str:token_key>/revoke", url_name="revoke-token")
    def revoke_token(self, request: Request, pk: UUID, token_key: str) -> Response:
        account = selectors.integration_account_get_for_user(request.user, pk)
        accounts.integration_token_revoke(actor=request.user, account=account, token_key=token_key)
        return Response(
            s.IntegrationAccountSerializer(selectors.integration_account_get_for_user(request.user, pk)).data
        )

    @extend_schema(
        summary="Deactivate an integration account: every token is revoked",
        request=None,
        responses={200: s.IntegrationAccountSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: UUID) -> Response:
        account = selectors.integration_account_get_for_user(request.user, pk)
        accounts.integration_account_deactivate(actor=request.user, account=account)
        return Response(
            s.IntegrationAccountSerializer(selectors.integration_account_get_for_user(request.user, pk)).data
        )


def register(router: SimpleRouter) -> None:
    """Add the integration-account routes to the API router."""
    router.register("integration-accounts", IntegrationAccountViewSet, basename="integration-account")
