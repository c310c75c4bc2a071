"""People and families. Every read of a record goes through people.selectors (scope, restriction, access log).

Writes on a person first fetch the record through `person_get_for_user`, so scope and restriction apply and
the read is logged; the service then checks again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers import people as s
from familyhelp.api.serializers.common import ReasonSerializer
from familyhelp.chronology.kinds import KINDS
from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.core.errors import DomainError
from familyhelp.organisation import selectors as org
from familyhelp.people import services
from familyhelp.people.models import Person
from familyhelp.people.permissions import Access, can_see_full_record, person_access
from familyhelp.people.selectors import (
    SearchCriteria,
    chronology_list_for_person,
    family_get_for_user,
    person_details,
    person_get_for_user,
    person_peek_for_break_glass,
    person_search_for_user,
    referred_involvements,
)

PERSON_RECORD = PolymorphicProxySerializer(
    component_name="PersonRecord",
    serializers=[s.PersonDetailSerializer, s.PartnerPersonSerializer],
    resource_type_field_name=None,
)
FORBIDDEN = OpenApiResponse(description="Outside your record scope, or restricted (code `break_glass_required`).")
CONFLICT = OpenApiResponse(description="The version is missing or stale: someone else saved the record.")
BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _other_person(user: Any, pk: UUID, *, field: str, purpose: str) -> Person:
    """Another person named in a request, fetched through the same scope and logging as any read."""
    try:
        return person_get_for_user(user, pk, purpose=purpose)[0]
    except Http404 as exc:
        raise DomainError("There is no person with this ID", field=field) from exc


def _with_details(person: Person, access: Access) -> Person:
    """Attach what the full record shows (fetched in a fixed number of queries)."""
    details = person_details(person)
    _attach(
        person,
        fh_access_basis=access.basis,
        fh_disabilities=[d.code for d in details["disabilities"]],
        fh_other_names=details["other_names"],
        fh_addresses=details["addresses"],
        fh_relationships=details["relationships"],
        fh_families=details["families"],
        fh_involvements=details["involvements"],
    )
    return person


def _attach(obj: Any, **values: Any) -> None:
    """Attach values for the serializer to read (like queryset annotations)."""
    for name, value in values.items():
        setattr(obj, name, value)


class PersonViewSet(ApiViewSet):
    """Children and adults. There is deliberately no list of everyone: search instead."""

    required_permissions = {
        "create": roles.ADD_PERSON,
        "retrieve": roles.VIEW_PERSON,
        "partial_update": roles.CHANGE_PERSON,
        "search": roles.SEARCH_PERSON,
        "chronology": roles.VIEW_PERSON,
        "chronology_add": roles.ADD_CHRONOLOGY,
        "break_glass": roles.BREAK_GLASS,
        "addresses": roles.CHANGE_PERSON,
        "names": roles.CHANGE_PERSON,
        "relationships": roles.CHANGE_PERSON,
        "involvements": roles.CHANGE_PERSON,
        "restrict": roles.RESTRICT_PERSON,
        "unrestrict": roles.RESTRICT_PERSON,
        "grants": roles.GRANT_ACCESS,
    }

    def _person(self, purpose: str) -> tuple[Person, Access]:
        return person_get_for_user(self.request.user, self.kwargs["pk"], purpose=purpose)

    def _record(self, request: Request, person: Person, access: Access) -> dict[str, Any]:
        if not can_see_full_record(request.user):
            _attach(person, fh_referrals=referred_involvements(request.user, person))
            return dict(s.PartnerPersonSerializer(person).data)
        return dict(s.PersonDetailSerializer(_with_details(person, access)).data)

    @extend_schema(
        summary="Record a new person",
        request=s.PersonCreateSerializer,
        responses={201: s.PersonDetailSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.PersonCreateSerializer, request.data)
        kind = data.pop("kind", Person.Kind.CHILD)
        disabilities = data.pop("disabilities", [])
        person = services.person_create(actor=request.user, kind=kind, disabilities=disabilities, **data)
        # The creator is shown what they entered even if the new record is outside their scope.
        access = person_access(request.user, person)
        return Response(self._record(request, person, access), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Read a person's record",
        description="A partner agency user sees only the reference, names, date of birth and what they "
        "referred. Every read is recorded in the access log.",
        responses={200: PERSON_RECORD, 403: FORBIDDEN},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        person, access = self._person("")
        return Response(self._record(request, person, access))

    @extend_schema(
        summary="Change a person's details",
        request=s.PersonUpdateSerializer,
        responses={200: s.PersonDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        person, access = self._person("change details")
        data = _valid(s.PersonUpdateSerializer, request.data)
        version = data.pop("version", None)
        disabilities = data.pop("disabilities", None)
        person = services.person_update(
            actor=request.user, person=person, expected_version=version, disabilities=disabilities, **data
        )
        return Response(self._record(request, person, access))

    @extend_schema(
        summary="Search for people",
        description="Typo-tolerant search over the people you may see. Sent as POST so that names and "
        "identifiers stay out of URLs; the search and its criteria are recorded in the access log. An age, school "
        "year or year of birth narrows and ranks a search by name when the date of birth is not known. `total` "
        "says how many people matched, `more` how many of them are not in `results`, and `needs_narrowing` "
        "asks the caller to add a date of birth, age, school year or postcode.",
        request=s.PersonSearchSerializer,
        responses={200: s.SearchResponseSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["post"])
    def search(self, request: Request) -> Response:
        data = _valid(s.PersonSearchSerializer, request.data)
        purpose = data.pop("purpose", "")
        criteria = SearchCriteria(
            given_names=data.get("given_names", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
            upn=data.get("upn", ""),
            age=data.get("age"),
            school_year=data.get("school_year"),
            year_of_birth=data.get("year_of_birth"),
        )
        results = person_search_for_user(request.user, criteria, purpose=purpose)
        rows = [
            {
                "id": r.person.pk,
                "reference": r.person.reference,
                "restricted": r.restricted,
                "score": r.score,
                "reasons": r.reasons,
                "person": None if r.restricted else r.person,
            }
            for r in results
        ]
        body = {
            "count": len(rows),
            "total": results.total,
            "more": results.more,
            "needs_narrowing": results.needs_narrowing,
            "results": rows,
        }
        return Response(s.SearchResponseSerializer(body).data)

    @extend_schema(
        summary="A person's chronology",
        description="Newest first. Not available to partner agency users.",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                enum=sorted(KINDS),
                description="Only events of these kinds (repeat the parameter for several).",
            ),
        ],
        responses={200: s.ChronologyEventSerializer(many=True), 403: FORBIDDEN},
    )
    @action(detail=True, methods=["get"])
    def chronology(self, request: Request, pk: UUID) -> Response:
        if not can_see_full_record(request.user):
            raise PermissionDenied("Partner agency users cannot see a child's chronology.")
        person, _ = self._person("chronology")
        kinds = _valid(s.ChronologyFilterSerializer, {"kind": request.query_params.getlist("kind")}).get("kind")
        return self.paginate(
            request, chronology_list_for_person(person, kinds=kinds or None), s.ChronologyEventSerializer
        )

    @extend_schema(
        summary="Add a significant event to a person's chronology",
        request=s.ChronologyCreateSerializer,
        responses={201: s.ChronologyEventSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @chronology.mapping.post
    def chronology_add(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("add to chronology")
        data = _valid(s.ChronologyCreateSerializer, request.data)
        event = chronology_add_significant_event(actor=request.user, person=person, **data)
        return Response(s.ChronologyEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Open a restricted record by giving a reason (break glass)",
        description="For a restricted record inside your scope that you hold no grant for. The reason is "
        "logged and the record's managers are alerted; access lasts a few hours.",
        request=ReasonSerializer,
        responses={
            201: s.BreakGlassSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(description="Not needed or not allowed for this record."),
        },
    )
    @action(detail=True, methods=["post"], url_path="break-glass")
    def break_glass(self, request: Request, pk: UUID) -> Response:
        person = person_peek_for_break_glass(request.user, pk)
        data = _valid(ReasonSerializer, request.data)
        access = services.break_glass(actor=request.user, person=person, reason=data["reason"])
        return Response(s.BreakGlassSerializer(access).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that the person moved to a new address",
        request=s.AddressCreateSerializer,
        responses={201: s.PersonAddressSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def addresses(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("change address")
        data = _valid(s.AddressCreateSerializer, request.data)
        residence = services.person_move_address(actor=request.user, person=person, **data)
        return Response(s.PersonAddressSerializer(residence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record another name (alias, former, birth or preferred name)",
        request=s.NameCreateSerializer,
        responses={201: s.PersonNameSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def names(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("add a name")
        data = _valid(s.NameCreateSerializer, request.data)
        name = services.person_add_name(
            actor=request.user,
            person=person,
            kind=data["kind"],
            given_names=data.get("given_names", ""),
            family_name=data.get("family_name", ""),
            start_date=data.get("start_date"),
        )
        return Response(s.PersonNameSerializer(name).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record how this person is related to another",
        request=s.RelationshipCreateSerializer,
        responses={201: s.RelationshipSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def relationships(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("add a relationship")
        data = _valid(s.RelationshipCreateSerializer, request.data)
        related = _other_person(
            request.user, data.pop("related_person"), field="related_person", purpose="add a relationship"
        )
        relationship = services.relationship_add(actor=request.user, person=person, related_person=related, **data)
        return Response(s.RelationshipSerializer(relationship).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a professional involved with the person",
        request=s.InvolvementCreateSerializer,
        responses={201: s.InvolvementSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def involvements(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("add a professional")
        data = _valid(s.InvolvementCreateSerializer, request.data)
        worker_id, agency_id = data.pop("worker", None), data.pop("agency", None)
        worker = agency = None
        try:
            if worker_id:
                worker = org.worker_get_for_user(request.user, worker_id)
        except ObjectDoesNotExist as exc:
            raise DomainError("Choose a council worker from the list", field="worker") from exc
        try:
            if agency_id:
                agency = org.partner_agency_get_for_user(request.user, agency_id)
        except ObjectDoesNotExist as exc:
            raise DomainError("Choose a partner agency from the list", field="agency") from exc
        involvement = services.involvement_add(actor=request.user, person=person, worker=worker, agency=agency, **data)
        return Response(s.InvolvementSerializer(involvement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Restrict the record (only named people, or break glass, can then open it)",
        request=ReasonSerializer,
        responses={200: s.PersonRestrictionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def restrict(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("restrict")
        data = _valid(ReasonSerializer, request.data)
        person = services.person_restrict(actor=request.user, person=person, reason=data["reason"])
        return Response(s.PersonRestrictionSerializer(person).data)

    @extend_schema(
        summary="Remove the restriction",
        request=ReasonSerializer,
        responses={200: s.PersonRestrictionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def unrestrict(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("unrestrict")
        data = _valid(ReasonSerializer, request.data)
        person = services.person_unrestrict(actor=request.user, person=person, reason=data["reason"])
        return Response(s.PersonRestrictionSerializer(person).data)

    @extend_schema(
        summary="Name a council worker who may see this restricted record",
        request=s.GrantCreateSerializer,
        responses={201: s.GrantSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def grants(self, request: Request, pk: UUID) -> Response:
        person, _ = self._person("grant access")
        data = _valid(s.GrantCreateSerializer, request.data)
        try:
            user = org.worker_get_for_user(request.user, data["user"])
        except ObjectDoesNotExist as exc:
            raise DomainError("Access can only be granted to an active council worker", field="user") from exc
        grant = services.access_grant(actor=request.user, person=person, user=user, reason=data["reason"])
        return Response(s.GrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class FamilyViewSet(ApiViewSet):
    """Families and households. You see the members inside your record scope."""

    required_permissions = {
        "create": roles.ADD_PERSON,
        "retrieve": roles.VIEW_PERSON,
        "members": roles.CHANGE_PERSON,
    }

    def _family_response(self, request: Request, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        family, shown = family_get_for_user(request.user, pk)
        _attach(family, fh_members=shown)
        return Response(s.FamilySerializer(family).data, status=code)

    @extend_schema(
        summary="Record a family or household with its first members",
        request=s.FamilyCreateSerializer,
        responses={201: s.FamilySerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.FamilyCreateSerializer, request.data)
        members = [
            (_other_person(request.user, m["person"], field="members", purpose="add to a family"), m["role"])
            for m in data["members"]
        ]
        family = services.family_create(actor=request.user, name=data["name"], members=members)
        return self._family_response(request, family.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="Read a family", responses={200: s.FamilySerializer, 403: FORBIDDEN})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._family_response(request, pk)

    @extend_schema(
        summary="Add a person to a family",
        request=s.FamilyMemberCreateSerializer,
        responses={201: s.FamilyMemberSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: UUID) -> Response:
        family, _ = family_get_for_user(request.user, pk)
        data = _valid(s.FamilyMemberCreateSerializer, request.data)
        person = _other_person(request.user, data["person"], field="person", purpose="add to a family")
        member = services.family_add_member(
            actor=request.user,
            family=family,
            person=person,
            role=data["role"],
            start_date=data.get("start_date"),
        )
        return Response(s.FamilyMemberSerializer(member).data, status=status.HTTP_201_CREATED)
