"""Team around the family API: members, meetings and actions on a case (practitioners), and a partner's own
actions (`taf-my-actions`: read, PATCH the status). `register(router)` adds the viewsets to /api/v1/.

Same services and selectors as the pages: the same rules (field-level 400s), permissions (403; 404 for a
partner not on the team) and optimistic locking (409). Reads go through the case, so they are access-logged.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import support_taf as s
from familyhelp.casework.models import Case
from familyhelp.core.errors import DomainError
from familyhelp.directory.models import LocalService
from familyhelp.organisation.models import PartnerAgency
from familyhelp.taf import selectors, services
from familyhelp.taf.models import TafAction, TafMeeting, TafMember
from familyhelp.taf.permissions import is_own_action

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the record since the version you sent.")
CASE_PARAM = OpenApiParameter("case", OpenApiTypes.UUID, required=True, description="The case of the team")


def _valid(serializer_class: Any, data: Any, *, partial: bool = False) -> dict[str, Any]:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _case_for_write(user: Any, pk: UUID, purpose: str) -> Case:
    from django.http import Http404

    try:
        return selectors.taf_case_get_for_user(user, pk, purpose=purpose)
    except Http404 as exc:
        raise DomainError("There is no case with this ID", field="case") from exc


def _case_param(request: Request, purpose: str) -> Case:
    raw = request.query_params.get("case", "")
    try:
        pk = UUID(raw)
    except ValueError as exc:
        raise DomainError("Enter the ID of the case", field="case") from exc
    return selectors.taf_case_get_for_user(request.user, pk, purpose=purpose)


def _lookup(model: Any, pk: UUID | None, field: str, what: str, **filters: Any) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **filters).first()
    if found is None:
        raise DomainError(f"There is no {what} with this ID", field=field)
    return found


def _member_refs(d: dict[str, Any]) -> dict[str, Any]:
    if "partner_agency" in d:
        d["partner_agency"] = _lookup(PartnerAgency, d["partner_agency"], "partner_agency", "partner agency")
    if "user" in d:
        d["user"] = _lookup(get_user_model(), d["user"], "user", "user")
    return d


def _action_refs(d: dict[str, Any], case: Case) -> dict[str, Any]:
    if "owner" in d:
        d["owner"] = _lookup(TafMember, d["owner"], "owner", "member of this team", case=case)
    if "meeting" in d:
        d["meeting"] = _lookup(TafMeeting, d["meeting"], "meeting", "meeting of this team", case=case)
    if "signpost_to" in d:
        d["signpost_to"] = _lookup(LocalService, d["signpost_to"], "signpost_to", "local service")
    return d


def _attendees(ids: list[UUID], case: Case) -> list[TafMember]:
    found = list(TafMember.objects.filter(case=case, pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("Choose members of this team", field="attendees")
    return found


class TafMemberViewSet(ApiViewSet):
    """Members of a case's team around the family, with contact details and consent."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
        "leave": roles.WORK_CASE,
    }

    def _member(self, purpose: str) -> TafMember:
        member = selectors.taf_member_get(self.kwargs["pk"])
        selectors.taf_case_get_for_user(self.request.user, member.case_id, purpose=purpose)
        return member

    @extend_schema(
        summary="The members of one case's team (past and present)",
        parameters=[CASE_PARAM],
        responses={200: s.TafMemberSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        case = _case_param(request, "listed the team around the family")
        return self.paginate(request, selectors.taf_members(case), s.TafMemberSerializer)

    @extend_schema(summary="One member", responses={200: s.TafMemberSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.TafMemberSerializer(self._member("opened a team member")).data)

    @extend_schema(
        summary="Add someone to the team",
        request=s.TafMemberInputSerializer,
        responses={201: s.TafMemberSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        d = _member_refs(_valid(s.TafMemberInputSerializer, request.data))
        case = _case_for_write(request.user, d.pop("case"), "added a member to the team around the family")
        member = services.taf_member_add(actor=request.user, case=case, **d)
        return Response(s.TafMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's details, contact details or consent",
        request=s.TafMemberUpdateSerializer,
        responses={200: s.TafMemberSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        d = _member_refs(_valid(s.TafMemberUpdateSerializer, request.data))
        version = d.pop("version")
        member = services.taf_member_update(
            actor=request.user, member=self._member("changed a team member"), expected_version=version, **d
        )
        return Response(s.TafMemberSerializer(member).data)

    @extend_schema(
        summary="A member leaves the team",
        request=s.TafMemberLeaveSerializer,
        responses={200: s.TafMemberSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.TafMemberLeaveSerializer, request.data)
        member = services.taf_member_leave(
            actor=request.user,
            member=self._member("recorded a member leaving"),
            left_on=d["left_on"],
            reason=d["reason"],
            expected_version=d["version"],
        )
        return Response(s.TafMemberSerializer(member).data)


class TafMeetingViewSet(ApiViewSet):
    """Meetings of a case's team around the family."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
    }

    def _meeting(self, purpose: str) -> TafMeeting:
        meeting = selectors.taf_meeting_get(self.kwargs["pk"])
        selectors.taf_case_get_for_user(self.request.user, meeting.case_id, purpose=purpose)
        return meeting

    @extend_schema(
        summary="The meetings of one case's team, newest first",
        parameters=[CASE_PARAM],
        responses={200: s.TafMeetingSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        case = _case_param(request, "listed the team's meetings")
        return self.paginate(request, selectors.taf_meetings(case), s.TafMeetingSerializer)

    @extend_schema(summary="One meeting", responses={200: s.TafMeetingSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.TafMeetingSerializer(self._meeting("opened a team meeting")).data)

    @extend_schema(
        summary="Record a meeting (held_on defaults to today)",
        request=s.TafMeetingInputSerializer,
        responses={201: s.TafMeetingRecordedSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        d = _valid(s.TafMeetingInputSerializer, request.data)
        case = _case_for_write(request.user, d.pop("case"), "recorded a team around the family meeting")
        d["attendees"] = _attendees(d["attendees"], case)
        meeting = services.taf_meeting_record(actor=request.user, case=case, **d)
        body = {
            **s.TafMeetingSerializer(meeting).data,
            "effective": effective_block(request, field="held_on", value=meeting.held_on),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a meeting's record",
        request=s.TafMeetingUpdateSerializer,
        responses={200: s.TafMeetingSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.TafMeetingUpdateSerializer, request.data)
        meeting = self._meeting("corrected a team meeting")
        if "attendees" in d:
            d["attendees"] = _attendees(d["attendees"], meeting.case)
        version = d.pop("version")
        meeting = services.taf_meeting_update(actor=request.user, meeting=meeting, expected_version=version, **d)
        return Response(s.TafMeetingSerializer(meeting).data)


class TafActionViewSet(ApiViewSet):
    """The coordinated action plan of a case's team around the family."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
        "set_status": roles.WORK_CASE,
    }

    def _action(self, purpose: str) -> TafAction:
        found = selectors.taf_action_get(self.kwargs["pk"])
        selectors.taf_case_get_for_user(self.request.user, found.case_id, purpose=purpose)
        return found

    @extend_schema(
        summary="The action plan of one case's team (open actions first)",
        parameters=[CASE_PARAM],
        responses={200: s.TafActionSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        case = _case_param(request, "listed the team's action plan")
        return self.paginate(request, selectors.taf_actions(case), s.TafActionSerializer)

    @extend_schema(summary="One action", responses={200: s.TafActionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.TafActionSerializer(self._action("opened a team action")).data)

    @extend_schema(
        summary="Agree an action",
        request=s.TafActionInputSerializer,
        responses={201: s.TafActionSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        d = _valid(s.TafActionInputSerializer, request.data)
        case = _case_for_write(request.user, d.pop("case"), "added a team around the family action")
        created = services.taf_action_add(actor=request.user, case=case, **_action_refs(d, case))
        return Response(s.TafActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an open action",
        request=s.TafActionUpdateSerializer,
        responses={200: s.TafActionSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.TafActionUpdateSerializer, request.data)
        found = self._action("changed a team action")
        version = d.pop("version")
        changed = services.taf_action_update(
            actor=request.user, action=found, expected_version=version, **_action_refs(d, found.case)
        )
        return Response(s.TafActionSerializer(changed).data)

    @extend_schema(
        summary="Move an action's status (open, done, no longer needed; done_on defaults to today)",
        request=s.TafActionStatusSerializer,
        responses={200: s.TafActionMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.TafActionStatusSerializer, request.data)
        changed = services.taf_action_set_status(
            actor=request.user,
            action=self._action("updated a team action"),
            status=d["status"],
            done_on=d["done_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )
        return _moved(request, changed)


class TafMyActionViewSet(ApiViewSet):
    """A partner's own actions on teams around the family they are on: read them, PATCH their status."""

    required_permissions = {
        "list": roles.VIEW_OWN_TAF_ACTIONS,
        "retrieve": roles.VIEW_OWN_TAF_ACTIONS,
        "partial_update": roles.VIEW_OWN_TAF_ACTIONS,
    }

    def _action(self, purpose: str) -> TafAction:
        from django.http import Http404

        found = selectors.taf_action_get(self.kwargs["pk"])
        if not is_own_action(self.request.user, found):
            raise Http404("No such action")
        selectors.taf_case_get_for_partner(self.request.user, found.case_id, purpose=purpose)
        return found

    @extend_schema(
        summary="Your actions (on teams you are on, cases still open)",
        responses={200: s.TafActionSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return self.paginate(request, selectors.taf_actions_for_partner(request.user), s.TafActionSerializer)

    @extend_schema(summary="One of your actions", responses={200: s.TafActionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return Response(s.TafActionSerializer(self._action("read their action")).data)

    @extend_schema(
        summary="Update the status of one of your actions (done_on defaults to today)",
        request=s.TafActionStatusSerializer,
        responses={200: s.TafActionMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.TafActionStatusSerializer, request.data)
        changed = services.taf_action_set_status(
            actor=request.user,
            action=self._action("updated their action"),
            status=d["status"],
            done_on=d["done_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )
        return _moved(request, changed)


def _moved(request: Request, action: TafAction) -> Response:
    """The action after its status moved; with `effective` (its stored done_on) when it was marked done."""
    body = dict(s.TafActionSerializer(action).data)
    if action.status == TafAction.Status.DONE:
        body["effective"] = effective_block(request, field="done_on", value=action.done_on)
    return Response(body)


def register(router: Any) -> None:
    """Add the team around the family viewsets."""
    router.register("taf-members", TafMemberViewSet, basename="taf-member")
    router.register("taf-meetings", TafMeetingViewSet, basename="taf-meeting")
    router.register("taf-actions", TafActionViewSet, basename="taf-action")
    router.register("taf-my-actions", TafMyActionViewSet, basename="taf-my-action")
