"""Base classes every API view uses: our authentication, deny-by-default permission, JSON only."""

from __future__ import annotations

from typing import Any

from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from familyhelp.api.authentication import ApiSessionAuthentication, ApiTokenAuthentication
from familyhelp.api.permissions import DeclaredVerbPermission
from familyhelp.api.schema import FamilyHelpAutoSchema


class ApiMixin(APIView):
    """Authentication, permission, renderer, parser and throttle shared by every API view.

    Subclasses declare `required_permissions = {action_or_method: verb}`; anything undeclared is refused.
    """

    authentication_classes = [ApiTokenAuthentication, ApiSessionAuthentication]
    permission_classes = [DeclaredVerbPermission]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = [UserRateThrottle]
    schema = FamilyHelpAutoSchema()


class ApiView(ApiMixin):
    """A single-purpose API endpoint."""


class ApiViewSet(ApiMixin, GenericViewSet):
    """A resource. Records come from selectors (which apply scope and log reads), never from `queryset`."""

    lookup_value_converter = "uuid"

    def paginate(self, request: Request, items: Any, serializer_class: Any) -> Response:
        """A paginated response of the items (a queryset or list), serialised."""
        page = self.paginate_queryset(items)
        if page is None:
            return Response(serializer_class(items, many=True).data)
        return self.get_paginated_response(serializer_class(page, many=True).data)


def effective_block(request: Request, *, field: str, value: Any) -> dict[str, Any]:
    """The `effective` part of a response that moved a step: the stored date and whether it was defaulted."""
    from datetime import datetime

    from rest_framework import serializers

    sent = request.data.get(field) if hasattr(request.data, "get") else None
    if isinstance(value, datetime):
        value = serializers.DateTimeField().to_representation(value)  # as every other date-time field: ...Z
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return {"field": field, "value": value, "defaulted": sent in (None, "")}
