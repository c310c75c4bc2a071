"""Casework API: plans. `register(router)` adds this area's viewsets to /api/v1/.

Same services as the pages, so the same invariants (field-level 400s), permissions (403) and optimistic
locking (409). A plan is read through its case (`case_get_for_user`), so every read is access-logged.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts import roles
from familyhelp.api.base import ApiViewSet, effective_block
from familyhelp.api.serializers import casework_plans as s
from familyhelp.casework.models import Case, Plan, PlanAction, PlanGoal, PlanReview, S47Enquiry
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services import plans as svc
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.people.models import Person
from familyhelp.people.permissions import scope_people

BAD_REQUEST = OpenApiResponse(description="Field-level messages: {field: [message]}.")
CONFLICT = OpenApiResponse(description="Someone else changed the record since the version you sent.")


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _plans_qs() -> Any:
    return Plan.objects.select_related("case", "previous").prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.select_related("owner", "plan")),
        "goals",
        "reviews",
        "looked_after_episodes",
    )


def plan_get_for_user(user: Any, pk: Any, purpose: str) -> Plan:
    """One plan, read through its case (access-logged; 404 if no such plan, 403 if out of scope)."""
    case_id = Plan.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404("No such plan")
    case_get_for_user(user, case_id, purpose=purpose)
    return _plans_qs().get(pk=pk)


def _case(user: Any, pk: UUID) -> Case:
    try:
        return case_get_for_user(user, pk, purpose="starting a plan")
    except Http404 as exc:
        raise DomainError("There is no case with this ID", field="case") from exc


def _owner(pk: UUID | None) -> Any:
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise DomainError("There is no user with this ID", field="owner")
    return user


def _goal(pk: UUID | None) -> PlanGoal | None:
    if pk is None:
        return None
    goal = PlanGoal.objects.filter(pk=pk).first()
    if goal is None:
        raise DomainError("There is no goal with this ID", field="goal")
    return goal


class PlanViewSet(ApiViewSet):
    """Plans (family support, CIN, CP, looked after) in the user's record scope."""

    required_permissions = {
        "list": roles.VIEW_CASE,
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "end": roles.WORK_CASE,
        "review": roles.WORK_CASE,
        "lac_change": roles.WORK_CASE,
        "lac_end": roles.WORK_CASE,
    }

    def _detail(self, plan: Plan, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.PlanDetailSerializer(_plans_qs().get(pk=plan.pk)).data, status=code)

    def _moved(self, plan: Plan, *, field: str, value: Any, code: int = status.HTTP_200_OK) -> Response:
        """The plan after a dated step, with the `effective` block: the stored date and whether it defaulted."""
        data = dict(s.PlanDetailSerializer(_plans_qs().get(pk=plan.pk)).data)
        data["effective"] = effective_block(self.request, field=field, value=value)
        return Response(data, status=code)

    def _plan(self, purpose: str) -> Plan:
        return plan_get_for_user(self.request.user, self.kwargs["pk"], purpose)

    @extend_schema(
        summary="Plans in your record scope (of one case with ?case=, which is access-logged)",
        parameters=[
            OpenApiParameter("case", OpenApiTypes.UUID),
            OpenApiParameter("open", OpenApiTypes.BOOL),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Plan.Kind.values)),
        ],
        responses={200: s.PlanSummarySerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        qs = Plan.objects.select_related("case")
        if params.get("case"):
            try:
                case_id = UUID(params["case"])
            except ValueError as exc:
                raise DomainError("Enter a valid case ID", field="case") from exc
            qs = qs.filter(case=case_get_for_user(request.user, case_id, purpose="listed the case's plans"))
        else:
            people = scope_people(request.user, Person.objects.filter(is_restricted=False))
            qs = qs.filter(person__in=people)
        if params.get("open") in ("true", "1"):
            qs = qs.filter(ended_on__isnull=True)
        if params.get("kind") in Plan.Kind.values:
            qs = qs.filter(kind=params["kind"])
        last_review = PlanReview.objects.filter(plan=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
        qs = qs.annotate(fh_last_review=Subquery(last_review))
        return self.paginate(request, qs.order_by("-started_on", "-created_at"), s.PlanSummarySerializer)

    @extend_schema(
        summary="One plan with its goals, actions, reviews and looked-after episodes",
        responses={200: s.PlanDetailSerializer},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(self._plan("opened a plan"))

    @extend_schema(
        summary="Start a plan (the case's current plan steps up or down into it: one care plan)",
        description="`started_on` defaults to today (a CP plan starts on its initial conference's date); "
        "`effective` says what was stored.",
        request=s.PlanCreateSerializer,
        responses={201: s.PlanMovedSerializer, 400: BAD_REQUEST},
    )
    def create(self, request: Request) -> Response:
        d = _valid(s.PlanCreateSerializer, request.data)
        case = _case(request.user, d["case"])
        s47 = None
        if d["s47_enquiry"] is not None:
            s47 = S47Enquiry.objects.filter(case=case, pk=d["s47_enquiry"]).first()
            if s47 is None:
                raise DomainError("There is no section 47 enquiry with this ID on the case", field="s47_enquiry")
        care = None
        if d["kind"] == Plan.Kind.LAC:
            care = svc.CareDetails(d["legal_status"], d["placement_type"], d["placement_postcode"], d["uasc"])
        plan = svc.plan_start(
            actor=request.user,
            case=case,
            kind=d["kind"],
            started_on=d["started_on"],
            summary=d["summary"],
            s47_enquiry=s47,
            initial_category=d["initial_category"],
            care=care,
            continue_cp_plan=d["continue_cp_plan"],
            late_reason=d["late_reason"],
        )
        return self._moved(plan, field="started_on", value=plan.started_on, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a plan (care plans end with lac-end)",
        description="`ended_on` defaults to today; `effective` says what was stored.",
        request=s.PlanEndSerializer,
        responses={200: s.PlanMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.PlanEndSerializer, request.data)
        plan = svc.plan_end(
            actor=request.user,
            plan=self._plan("ended a plan"),
            ended_on=d["ended_on"],
            reason=d["reason"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )
        return self._moved(plan, field="ended_on", value=plan.ended_on)

    @extend_schema(
        summary="Record a review",
        description="`held_on` defaults to today; `effective` says what was stored.",
        request=s.PlanReviewInputSerializer,
        responses={201: s.PlanMovedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.PlanReviewInputSerializer, request.data)
        plan = self._plan("reviewed a plan")
        review = svc.plan_review_record(actor=request.user, plan=plan, **d)
        return self._moved(plan, field="held_on", value=review.held_on, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A change of legal status or placement (the episode ends X1, the next starts)",
        description="`changed_on` defaults to today; `effective` says what was stored.",
        request=s.LacChangeSerializer,
        responses={201: s.PlanMovedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="lac-change")
    def lac_change(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.LacChangeSerializer, request.data)
        plan = self._plan("changed a placement")
        episode = svc.lac_change(
            actor=request.user,
            plan=plan,
            changed_on=d["changed_on"],
            legal_status=d["legal_status"],
            placement_type=d["placement_type"],
            placement_postcode=d["placement_postcode"],
            late_reason=d["late_reason"],
        )
        return self._moved(plan, field="changed_on", value=episode.started_on, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The child stops being looked after (SSDA903 reason episode ended)",
        description="`ended_on` defaults to today; `effective` says what was stored.",
        request=s.LacEndSerializer,
        responses={200: s.PlanMovedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["post"], url_path="lac-end")
    def lac_end(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.LacEndSerializer, request.data)
        plan = svc.lac_end(
            actor=request.user,
            plan=self._plan("ended care"),
            ended_on=d["ended_on"],
            reason_ended=d["reason_ended"],
            late_reason=d["late_reason"],
        )
        return self._moved(plan, field="ended_on", value=plan.ended_on)


class PlanGoalViewSet(ApiViewSet):
    """Goals of a plan: add one, change its words or the date it was achieved (with `version`)."""

    required_permissions = {
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "update": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
    }

    @extend_schema(request=s.GoalCreateSerializer, responses={201: s.PlanGoalSerializer, 400: BAD_REQUEST})
    def create(self, request: Request) -> Response:
        d = _valid(s.GoalCreateSerializer, request.data)
        plan = plan_get_for_user(request.user, d["plan"], "added a goal")
        goal = svc.goal_add(actor=request.user, plan=plan, text=d["text"])
        return Response(s.PlanGoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.PlanGoalSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        item = PlanGoal.objects.filter(pk=pk).first()
        if item is None:
            raise Http404("Not found")
        plan_get_for_user(request.user, item.plan_id, "opened a plan goal")
        return Response(s.PlanGoalSerializer(PlanGoal.objects.select_related("plan").get(pk=pk)).data)

    @extend_schema(
        description="`achieved_on` has no default; when this request records it, `effective` says what was stored.",
        request=s.GoalUpdateSerializer,
        responses={200: s.PlanGoalMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def update(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.GoalUpdateSerializer, request.data)
        goal = PlanGoal.objects.filter(pk=pk).first()
        if goal is None:
            raise Http404("No such goal")
        plan_get_for_user(request.user, goal.plan_id, "changed a goal")
        goal = svc.goal_update(
            actor=request.user,
            goal=goal,
            text=d.get("text", goal.text),
            achieved_on=d.get("achieved_on", goal.achieved_on),
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )
        data = dict(s.PlanGoalSerializer(goal).data)
        sent = d.get("achieved_on") is not None
        data["effective"] = effective_block(request, field="achieved_on", value=goal.achieved_on) if sent else None
        return Response(data)

    @extend_schema(
        request=s.GoalUpdateSerializer, responses={200: s.PlanGoalMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        return self.update(request, pk)


class PlanActionViewSet(ApiViewSet):
    """Actions of a plan (owner a council user, or a named person and agency); edits carry `version`."""

    required_permissions = {
        "retrieve": roles.VIEW_CASE,
        "create": roles.WORK_CASE,
        "update": roles.WORK_CASE,
        "partial_update": roles.WORK_CASE,
    }

    @extend_schema(request=s.ActionCreateSerializer, responses={201: s.PlanActionSerializer, 400: BAD_REQUEST})
    def create(self, request: Request) -> Response:
        d = _valid(s.ActionCreateSerializer, request.data)
        plan = plan_get_for_user(request.user, d["plan"], "added an action")
        item = svc.action_add(
            actor=request.user,
            plan=plan,
            text=d["text"],
            goal=_goal(d.get("goal")),
            owner=_owner(d.get("owner")),
            owner_name=d.get("owner_name", ""),
            owner_agency=d.get("owner_agency", ""),
            due_on=d.get("due_on"),
            status=d.get("status") or PlanAction.Status.OPEN,
        )
        return Response(s.PlanActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.PlanActionSerializer})
    def retrieve(self, request: Request, pk: UUID) -> Response:
        item = PlanAction.objects.filter(pk=pk).first()
        if item is None:
            raise Http404("Not found")
        plan_get_for_user(request.user, item.plan_id, "opened a plan action")
        return Response(s.PlanActionSerializer(PlanAction.objects.select_related("plan", "owner").get(pk=pk)).data)

    @extend_schema(
        description="Marking the action done takes `done_on` (default today), which dates the chronology event; "
        "`effective` says what was stored (null for other changes).",
        request=s.ActionUpdateSerializer,
        responses={200: s.PlanActionMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def update(self, request: Request, pk: UUID) -> Response:
        d = _valid(s.ActionUpdateSerializer, request.data)
        item = PlanAction.objects.filter(pk=pk).first()
        if item is None:
            raise Http404("No such action")
        plan_get_for_user(request.user, item.plan_id, "changed an action")
        was_done = item.status == PlanAction.Status.DONE
        item = svc.action_update(
            actor=request.user,
            action=item,
            expected_version=d["version"],
            text=d.get("text", item.text),
            goal=_goal(d["goal"]) if "goal" in d else item.goal,
            owner=_owner(d["owner"]) if "owner" in d else item.owner,
            owner_name=d.get("owner_name", item.owner_name),
            owner_agency=d.get("owner_agency", item.owner_agency),
            due_on=d.get("due_on", item.due_on),
            status=d.get("status", item.status),
            done_on=d["done_on"],
            late_reason=d["late_reason"],
        )
        data = dict(s.PlanActionSerializer(item).data)
        data["effective"] = None
        if item.status == PlanAction.Status.DONE and not was_done:
            done = (
                ChronologyEvent.objects.filter(kind="casework.action_completed", subject_id=str(item.pk))
                .order_by("-recorded_at")
                .values_list("occurred_on", flat=True)
                .first()
            )
            data["effective"] = effective_block(request, field="done_on", value=done)
        return Response(data)

    @extend_schema(
        request=s.ActionUpdateSerializer,
        responses={200: s.PlanActionMovedSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: UUID) -> Response:
        return self.update(request, pk)


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-goals", PlanGoalViewSet, basename="plan-goal")
    router.register("plan-actions", PlanActionViewSet, basename="plan-action")
