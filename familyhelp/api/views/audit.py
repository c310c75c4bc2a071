"""The access log, for auditors. Read-only; reading it is itself logged."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers.audit import AccessLogFilterSerializer, AccessLogSerializer
from familyhelp.audit.selectors import AccessLogFilter, access_log_list_for_user


class AccessLogViewSet(ApiViewSet):
    """Who looked at what, when and why."""

    required_permissions = {"list": roles.VIEW_ACCESS_LOG}

    @extend_schema(
        summary="Search the access log",
        description="Newest first. The search and its filters are themselves recorded in the access log.",
        parameters=[AccessLogFilterSerializer],
        responses=AccessLogSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        serializer = AccessLogFilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        f = serializer.validated_data
        rows = access_log_list_for_user(
            request.user,
            AccessLogFilter(
                user_id=f.get("user"),
                person_id=f.get("person"),
                action=f.get("action", ""),
                date_from=f.get("date_from"),
                date_to=f.get("date_to"),
            ),
        )
        return self.paginate(request, rows, AccessLogSerializer)
