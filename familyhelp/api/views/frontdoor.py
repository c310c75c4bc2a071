"""Front-door endpoints: contacts (the queue), checks, decisions, partner referrals, threshold documents and
the directory. Same services and selectors as the pages, so the same permissions, rules and access log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import frontdoor as s
from familyhelp.core.errors import DomainError
from familyhelp.directory.selectors import local_service_search
from familyhelp.frontdoor import selectors, services
from familyhelp.frontdoor.models import CheckType, Contact, ThresholdDocument
from familyhelp.people.selectors import person_get_for_user

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the contact since the version you sent.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _moved(request: Request, items: Any, field: str) -> Any:
    """Mark each moved record with the `effective` block of its step (what the API stored, defaulted or not)."""
    for item in items if isinstance(items, list) else [items]:
        item.fh_effective = effective_block(request, field=field, value=getattr(item, field))
    return items


def _children(data: dict[str, Any]) -> list[services.ChildAsGiven]:
    return [services.ChildAsGiven(**c) for c in data.pop("children")]


def _person(user: Any, pk: UUID) -> Any:
    try:
        return person_get_for_user(user, pk, purpose="matched to a contact")[0]
    except Http404 as exc:
        raise DomainError("There is no person with this ID", field="person") from exc


def _check_types(names: list[str] | None, field: str) -> list[CheckType] | None:
    if names is None:
        return None
    found = {c.name.lower(): c for c in CheckType.objects.filter(is_active=True)}
    unknown = [n for n in names if n.lower() not in found]
    if unknown:
        raise DomainError(f"Unknown checks: {', '.join(unknown)}", field=field)
    return [found[n.lower()] for n in names]


class ContactViewSet(ApiViewSet):
    """Contacts at the front door. Reading one about an identified child is written to the access log."""

    required_permissions = {
        "list": roles.VIEW_CONTACT,
        "counts": roles.VIEW_CONTACT,
        "create": roles.ADD_CONTACT,
        "retrieve": roles.VIEW_CONTACT,
        "identify_child": roles.ADD_CONTACT,
        "add_person": roles.ADD_CONTACT,
        "add_sibling": roles.ADD_CONTACT,
        "request_checks": roles.ADD_CONTACT,
        "propose_decision": roles.PROPOSE_DECISION,
    }

    def _contact(self, purpose: str) -> Contact:
        return selectors.contact_get_for_user(self.request.user, self.kwargs["pk"], purpose=purpose)

    def _detail(self, contact: Contact) -> Response:
        contact = Contact.objects.select_related("child").get(pk=contact.pk)
        return Response(s.ContactDetailSerializer(contact).data)

    @extend_schema(
        summary="The front-door queue",
        parameters=[
            OpenApiParameter("tab", OpenApiTypes.STR, enum=[t for t, _ in selectors.TABS]),
            OpenApiParameter("urgency", OpenApiTypes.STR),
            OpenApiParameter("kind", OpenApiTypes.STR),
            OpenApiParameter("source", OpenApiTypes.STR),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(selectors.SORTS)),
        ],
        responses={200: s.ContactSummarySerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        filters = selectors.QueueFilters.from_query(request.query_params)
        return self.paginate(
            request, selectors.contact_queue_for_user(request.user, filters), s.ContactSummarySerializer
        )

    @extend_schema(summary="How many contacts are in each queue", responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        return Response(selectors.queue_counts_for_user(request.user))

    @extend_schema(
        summary="Record a contact (one per child, linked)",
        description="`received_at` defaults to now; `effective` on each contact says what was stored.",
        request=s.ContactCreateSerializer,
        responses={201: s.ContactRecordedSerializer(many=True), 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ContactCreateSerializer, request.data)
        contacts = services.contact_create(actor=request.user, children=_children(data), **data)
        _moved(request, contacts, "received_at")
        return Response(s.ContactRecordedSerializer(contacts, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="One contact, with its checks, people and decisions", responses={200: s.ContactDetailSerializer}
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(self._contact("opened the contact"))

    @extend_schema(
        summary="This is the child: match the contact to a record",
        request=s.IdentifySerializer,
        responses={200: s.ContactDetailSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="identify-child")
    def identify_child(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.IdentifySerializer, request.data)
        contact = self._contact("matched the child")
        contact = services.contact_identify_child(
            actor=request.user,
            contact=contact,
            person=_person(request.user, data["person"]),
            expected_version=data["version"],
        )
        return self._detail(contact)

    @extend_schema(
        summary="Add a family member or other person",
        request=s.AddPersonSerializer,
        responses={201: s.ContactDetailSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="people")
    def add_person(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AddPersonSerializer, request.data)
        contact = self._contact("added a family member")
        services.contact_add_person(
            actor=request.user,
            contact=contact,
            person=_person(request.user, data["person"]),
            relationship=data["relationship"],
            expected_version=data["version"],
        )
        return Response(self._detail(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Another child in the family: a linked contact",
        request=s.SiblingSerializer,
        responses={201: s.ContactSummarySerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="siblings")
    def add_sibling(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.SiblingSerializer, request.data)
        version = data.pop("version")
        sibling = services.contact_add_sibling(
            actor=request.user,
            contact=self._contact("added a sibling"),
            child=services.ChildAsGiven(**data),
            expected_version=version,
        )
        return Response(s.ContactSummarySerializer(sibling).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Ask partner agencies for checks",
        description="`requested_at` defaults to now; `effective` on each check says what was stored.",
        request=s.CheckRequestSerializer,
        responses={201: s.CheckRequestedSerializer(many=True), 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="checks")
    def request_checks(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.CheckRequestSerializer, request.data)
        checks = services.checks_request(
            actor=request.user,
            contact=self._contact("requested checks"),
            check_types=_check_types(data["check_types"], "check_types") or [],
            required=_check_types(data["wait_for"], "wait_for"),
            expected_version=data["version"],
            requested_at=data["requested_at"],
            late_reason=data["late_reason"],
        )
        _moved(request, checks, "requested_at")
        return Response(s.CheckRequestedSerializer(checks, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Propose the threshold decision",
        description="`proposed_at` defaults to now; `effective` says what was stored.",
        request=s.DecisionProposeSerializer,
        responses={201: s.DecisionMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="decision")
    def propose_decision(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.DecisionProposeSerializer, request.data)
        version = data.pop("version")
        decision = services.decision_propose(
            actor=request.user, contact=self._contact("proposed a decision"), expected_version=version, **data
        )
        _moved(request, decision, "proposed_at")
        return Response(s.DecisionMovedSerializer(decision).data, status=status.HTTP_201_CREATED)


class PartnerCheckViewSet(ApiViewSet):
    required_permissions = {"record_response": roles.ADD_CONTACT}

    @extend_schema(
        summary="Record what the agency said",
        description="`returned_at` defaults to now; `effective` says what was stored.",
        request=s.CheckResponseSerializer,
        responses={200: s.CheckRequestedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="response")
    def record_response(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.CheckResponseSerializer, request.data)
        check = selectors.check_get_for_user(request.user, pk)
        version = data.pop("version")
        check = services.check_record_response(actor=request.user, check=check, expected_version=version, **data)
        _moved(request, check, "returned_at")
        return Response(s.CheckRequestedSerializer(check).data)


class DecisionViewSet(ApiViewSet):
    required_permissions = {"authorise": roles.AUTHORISE_DECISION, "send_back": roles.AUTHORISE_DECISION}

    @extend_schema(
        summary="Authorise a proposed decision (a manager; not the proposer)",
        description=(
            "`authorised_at` defaults to now, `case_opened_on` to the day authorised and `referral_date` to the day "
            "the contact was received. The response is the decision with the `case` it opened or stepped up and "
            "the `cin_episode` it opened (null when none), and `effective` for `authorised_at`."
        ),
        request=s.AuthoriseSerializer,
        responses={200: s.DecisionAuthorisedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def authorise(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.AuthoriseSerializer, request.data)
        decision = services.decision_authorise(
            actor=request.user, decision=selectors.decision_get_for_user(request.user, pk), **data
        )
        _moved(request, decision, "authorised_at")
        return Response(s.DecisionAuthorisedSerializer(decision).data)

    @extend_schema(
        summary="Return a proposal to the proposer",
        description="`returned_at` defaults to now; `effective` says what was stored.",
        request=s.ReturnSerializer,
        responses={200: s.DecisionMovedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: UUID) -> Response:
        data = _valid(s.ReturnSerializer, request.data)
        decision = services.decision_return(
            actor=request.user, decision=selectors.decision_get_for_user(request.user, pk), **data
        )
        _moved(request, decision, "returned_at")
        return Response(s.DecisionMovedSerializer(decision).data)


class ReferralViewSet(ApiViewSet):
    """A partner agency's referrals: make one, list yours, see the outcome."""

    required_permissions = {
        "list": roles.SUBMIT_REFERRAL,
        "create": roles.SUBMIT_REFERRAL,
        "retrieve": roles.SUBMIT_REFERRAL,
    }

    def _with_outcome(self, contact: Contact) -> Contact:
        contact.fh_outcome = selectors.outcome_for_referrer(contact)  # type: ignore[attr-defined]
        return contact

    @extend_schema(summary="Your referrals", responses={200: s.PartnerReferralSerializer(many=True)})
    def list(self, request: Request) -> Response:
        items = list(selectors.partner_referrals_for_user(request.user)[:500])
        outcomes = selectors.outcomes_for_referrer(items)
        for contact in items:
            contact.fh_outcome = outcomes[contact.pk]  # type: ignore[attr-defined]
        return self.paginate(request, items, s.PartnerReferralSerializer)

    @extend_schema(
        summary="Make a referral",
        request=s.ReferralCreateSerializer,
        responses={201: s.PartnerReferralSerializer(many=True), 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ReferralCreateSerializer, request.data)
        contacts = services.referral_submit(actor=request.user, children=_children(data), **data)
        return Response(
            s.PartnerReferralSerializer([self._with_outcome(c) for c in contacts], many=True).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary="One of your referrals, with its outcome", responses={200: s.PartnerReferralSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        if not selectors.partner_referrals_for_user(request.user).filter(pk=pk).exists():
            raise Http404
        contact = selectors.contact_get_for_user(request.user, pk, purpose="viewed their referral")
        return Response(s.PartnerReferralSerializer(self._with_outcome(contact)).data)


class ThresholdDocumentViewSet(ApiViewSet):
    """Published versions of the threshold document (the one in force first)."""

    required_permissions = {"list": AUTHENTICATED, "retrieve": AUTHENTICATED}

    @extend_schema(responses={200: s.ThresholdDocumentSerializer(many=True)})
    def list(self, request: Request) -> Response:
        docs = ThresholdDocument.objects.filter(status="published").prefetch_related("levels").order_by("-number")
        return self.paginate(request, docs, s.ThresholdDocumentSerializer)

    @extend_schema(responses={200: s.ThresholdDocumentSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        try:
            doc = ThresholdDocument.objects.filter(status="published").get(pk=pk)
        except ThresholdDocument.DoesNotExist as exc:
            raise Http404 from exc
        return Response(s.ThresholdDocumentSerializer(doc).data)


class LocalServiceViewSet(ApiViewSet):
    """The directory of local services."""

    required_permissions = {"list": roles.VIEW_ORGANISATION}

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("kind", OpenApiTypes.STR)],
        responses={200: s.LocalServiceSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        items = local_service_search(
            text=request.query_params.get("q", "")[:100], kind=request.query_params.get("kind", "")
        )
        return self.paginate(request, items, s.LocalServiceSerializer)
