"""Casework API shapes: plans (with goals, actions, reviews and looked-after episodes) and their inputs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, UserSummarySerializer, late_reason_field
from familyhelp.casework import clocks
from familyhelp.casework.models import CategoryOfAbuse, LookedAfterEpisode, Plan, PlanAction, PlanReview
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import plans as svc
from familyhelp.core import clock


# --- output -------------------------------------------------------------------------------------------
class PlanGoalSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    plan = serializers.UUIDField(source="plan_id", read_only=True)
    text = serializers.CharField(read_only=True)
    achieved_on = serializers.DateField(read_only=True, allow_null=True)
    carried_from = serializers.UUIDField(source="carried_from_id", read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)


class PlanActionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    plan = serializers.UUIDField(source="plan_id", read_only=True)
    goal = serializers.UUIDField(source="goal_id", read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    owner_name = serializers.CharField(read_only=True)
    owner_agency = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    carried_from = serializers.UUIDField(source="carried_from_id", read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)

    def get_is_overdue(self, obj: PlanAction) -> bool:
        return bool(
            obj.status in svc.OPEN_ACTION
            and obj.due_on is not None
            and obj.due_on < clock.today()
            and obj.plan.ended_on is None
        )


class PlanReviewSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    held_on = serializers.DateField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    latest_category = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    next_due_on = serializers.DateField(read_only=True, allow_null=True)


class LookedAfterEpisodeSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    started_on = serializers.DateField(read_only=True)
    legal_status = serializers.CharField(read_only=True)
    placement_type = serializers.CharField(read_only=True)
    placement_postcode = serializers.CharField(read_only=True)
    uasc = serializers.BooleanField(read_only=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)
    reason_ended = serializers.CharField(read_only=True)


class PlanSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    kind = serializers.CharField(read_only=True)
    started_on = serializers.DateField(read_only=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)
    end_reason = serializers.CharField(read_only=True)
    previous = serializers.UUIDField(source="previous_id", read_only=True, allow_null=True)
    next_review_due = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)

    def get_next_review_due(self, obj: Plan) -> Any:
        if not hasattr(obj, "fh_last_review"):
            return svc.next_review_due(obj)
        # A list annotates each plan with its last review (one query for the page); the rule is
        # svc.next_review_due's, with the policy read once for the list.
        if obj.ended_on is not None:
            return None
        context: dict[str, Any] = self.context  # type: ignore[assignment]  # the list's shared dict
        policy = context.setdefault("fh_policy", casework_policy())
        return clocks.plan_review_due(obj.kind, obj.started_on, obj.fh_last_review, policy)


class PlanDetailSerializer(PlanSummarySerializer):
    summary = serializers.CharField(read_only=True)
    cin_episode = serializers.UUIDField(source="cin_episode_id", read_only=True, allow_null=True)
    s47_enquiry = serializers.UUIDField(source="s47_enquiry_id", read_only=True, allow_null=True)
    initial_category = serializers.CharField(read_only=True)
    latest_category = serializers.CharField(read_only=True)
    previous_cp_plans = serializers.IntegerField(read_only=True)
    goals = PlanGoalSerializer(many=True, read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)
    looked_after_episodes = LookedAfterEpisodeSerializer(many=True, read_only=True)


EFFECTIVE_HELP = "The step's stored effective date and whether it was defaulted (no date sent: today)."


class PlanMovedSerializer(PlanDetailSerializer):
    """A plan after a dated step (start, end, review, looked-after change or end), with what was stored."""

    effective = EffectiveDateSerializer(read_only=True, help_text=EFFECTIVE_HELP)


class PlanGoalMovedSerializer(PlanGoalSerializer):
    effective = EffectiveDateSerializer(
        read_only=True,
        allow_null=True,
        help_text="When this request recorded the date achieved: that date (achieved_on has no default); else null.",
    )


class PlanActionMovedSerializer(PlanActionSerializer):
    effective = EffectiveDateSerializer(
        read_only=True,
        allow_null=True,
        help_text="When this request marked the action done: the date it was done (done_on, default today); else null.",
    )


# --- input --------------------------------------------------------------------------------------------
LATE_HELP = " Older than the council's late-recording days needs late_reason."


def _step_date(help_text: str) -> serializers.DateField:
    """A step's optional effective date (no date: today), documented with its rule."""
    return serializers.DateField(required=False, allow_null=True, default=None, help_text=help_text + LATE_HELP)


def _blank_choice(choices: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, default="")


class PlanCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Plan.Kind.choices)
    started_on = _step_date(
        "The plan's start date (looked after: the day care started), defaults to today. A CP plan starts on "
        "the date of the initial child protection conference that decided on it; not before the case opened "
        "or the CIN episode's referral date"
    )
    late_reason = late_reason_field()
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    s47_enquiry = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="CP plans: the S47 enquiry whose ICPC decided on the plan",
    )
    initial_category = _blank_choice(CategoryOfAbuse.choices)
    legal_status = _blank_choice(LookedAfterEpisode.LegalStatus.choices)
    placement_type = _blank_choice(LookedAfterEpisode.PlacementType.choices)
    placement_postcode = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")
    uasc = serializers.BooleanField(required=False, default=False)
    continue_cp_plan = serializers.BooleanField(required=False, default=False)


class PlanEndSerializer(serializers.Serializer):
    ended_on = _step_date("The plan's end date, defaults to today. On or after the plan's start and its last review")
    late_reason = late_reason_field()
    reason = serializers.CharField(allow_blank=True, max_length=300)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class PlanReviewInputSerializer(serializers.Serializer):
    held_on = _step_date(
        "The date the review was held, defaults to today. On or after the plan's start and its last review "
        "(and on or before its end, for a plan that has ended)"
    )
    late_reason = late_reason_field()
    outcome = serializers.ChoiceField(choices=PlanReview.Outcome.choices)
    latest_category = _blank_choice(CategoryOfAbuse.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    end_reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class LacChangeSerializer(serializers.Serializer):
    changed_on = _step_date(
        "The date of the change (the episode ends and the next starts that day), defaults to today. After the"
        " current episode started and on or after the plan's start"
    )
    late_reason = late_reason_field()
    legal_status = _blank_choice(LookedAfterEpisode.LegalStatus.choices)
    placement_type = _blank_choice(LookedAfterEpisode.PlacementType.choices)
    placement_postcode = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")


class LacEndSerializer(serializers.Serializer):
    ended_on = _step_date(
        "The date the child stopped being looked after, defaults to today. On or after the current episode's "
        "start, the plan's start and its last review"
    )
    late_reason = late_reason_field()
    reason_ended = _blank_choice(LookedAfterEpisode.ReasonEpisodeEnded.choices)


class GoalCreateSerializer(serializers.Serializer):
    plan = serializers.UUIDField()
    text = serializers.CharField(allow_blank=True, max_length=2000)


class GoalUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    achieved_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date the goal was achieved. No default: absent keeps the stored date, null means not "
        "achieved. A new date is on or after the plan's start, not in the future." + LATE_HELP,
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField()


class _ActionFields(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=2000)
    goal = serializers.UUIDField(required=False, allow_null=True)
    owner = serializers.UUIDField(required=False, allow_null=True, help_text="A council user")
    owner_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Someone from a partner agency or the family"
    )
    owner_agency = serializers.CharField(required=False, allow_blank=True, max_length=200)
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="A deadline, not an event: no default and no late-recording reason; on or after the plan's start.",
    )
    status = serializers.ChoiceField(choices=PlanAction.Status.choices, required=False)


class ActionCreateSerializer(_ActionFields):
    plan = serializers.UUIDField()


class ActionUpdateSerializer(_ActionFields):
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    done_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When this change marks the action done: the day it was done (dates its chronology event). "
        "It defaults to today; on or after the plan's start. Ignored by other changes." + LATE_HELP,
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField()
