"""Who am I: the signed-in user's role, scope and permissions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.accounts.models import User
from familyhelp.api.base import ApiView
from familyhelp.api.serializers.organisation import MeSerializer


class MeView(ApiView):
    """The signed-in user."""

    required_permissions = {"get": AUTHENTICATED}

    @extend_schema(summary="The signed-in user: role, record scope, permissions and team", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # DeclaredVerbPermission let only signed-in users through
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": str(user),
            "role": user.role,
            "role_label": user.get_role_display(),
            "scope": user.scope,
            "verbs": sorted(user.verbs),
            "team": user.team,
            "partner_agency": user.partner_agency,
        }
        return Response(MeSerializer(data).data)
