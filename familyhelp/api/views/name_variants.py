"""The council's own nicknames for person search (people.NameVariant): administrators list, add and remove them.

Names, not people: no personal data. Writes go through people.variants (checked, folded, audited)."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers import people as s
from familyhelp.people import variants
from familyhelp.people.models import NameVariant

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
FORBIDDEN = OpenApiResponse(description="Only administrators (people.manage_name_variants).")


class NameVariantViewSet(ApiViewSet):
    """Nicknames the council added to the maintained dataset person search uses, each pair both ways round."""

    required_permissions = {
        "list": roles.MANAGE_NAME_VARIANTS,
        "retrieve": roles.MANAGE_NAME_VARIANTS,
        "create": roles.MANAGE_NAME_VARIANTS,
        "destroy": roles.MANAGE_NAME_VARIANTS,
    }

    def _get(self, pk: UUID) -> NameVariant:
        return NameVariant.objects.select_related("created_by").get(pk=pk)  # DoesNotExist -> 404

    @extend_schema(summary="The council's own nicknames", responses={200: s.NameVariantSerializer(many=True)})
    def list(self, request: Request) -> Response:
        return self.paginate(request, variants.name_variant_list(), s.NameVariantSerializer)

    @extend_schema(summary="One of the council's nicknames", responses={200: s.NameVariantSerializer, 403: FORBIDDEN})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.NameVariantSerializer(self._get(pk)).data)

    @extend_schema(
        summary="Add a nickname",
        description="Two given names that stand for the same person, stored once whichever order they are sent "
        "in. Refused (400) when blank, the same name twice, containing numbers or spaces, already added, or "
        "already known to the nickname dataset.",
        request=s.NameVariantCreateSerializer,
        responses={201: s.NameVariantSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        serializer = s.NameVariantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = variants.name_variant_add(actor=request.user, **serializer.validated_data)
        return Response(s.NameVariantSerializer(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a nickname", responses={204: None, 403: FORBIDDEN})
    def destroy(self, request: Request, pk: UUID) -> Response:
        variants.name_variant_remove(actor=request.user, variant=self._get(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: SimpleRouter) -> None:
    router.register("name-variants", NameVariantViewSet, basename="name-variant")
