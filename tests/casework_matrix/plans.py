"""Role-matrix rows for the casework plans URLs (merged by test_permission_coverage).

`build(world)` runs after cases.build, so `world.case` (the social worker's open level 4 case for
`world.own`, with CIN episode `world.episode`) exists. It adds a CIN plan on that case (`world.plan`) with a
goal and an action, and a section 47 enquiry whose conference (yesterday) decided on a CP plan.
"""

from __future__ import annotations

import datetime
from typing import Any

CASE = {"pk": lambda w: w.case.pk}
PLAN = {"pk": lambda w: w.plan.pk}
TODAY = datetime.date.today().isoformat()
# Seeing the case: practitioners and managers with the child in scope, senior leaders.
VIEW = "403 200 200 403 200 403 403 403 403 302"
# Working the case: practitioners and managers with the child in scope.
WORK = "403 200 200 403 403 403 403 403 403 302"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_CREATE = "403 201 201 403 403 403 403 403 403 401"
API_OK = "403 200 200 403 403 403 403 403 403 401"
# The request reaches the service, which refuses it with a field-level message (a CIN plan is no care plan).
API_REFUSED = "403 400 400 403 403 403 403 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "casework:plan_start": ("get", CASE, None, WORK),
    "casework:plan": ("get", PLAN, None, VIEW),
    "casework:plan_end": ("get", PLAN, None, WORK),
    "casework:plan_review": ("get", PLAN, None, WORK),
    "casework:plan_goal_add": ("get", PLAN, None, WORK),
    "casework:plan_action_add": ("get", PLAN, None, WORK),
    "casework:plan_lac_change": ("get", PLAN, None, WORK),
    "casework:plan_lac_end": ("get", PLAN, None, WORK),
    "casework:plan_goal_edit": ("get", {"pk": lambda w: w.plan_goal.pk}, None, WORK),
    "casework:plan_action_edit": ("get", {"pk": lambda w: w.plan_action.pk}, None, WORK),
    # Plans in scope: the specialist sees the (empty for them) list but not the child's plan.
    "api:plan-list": ("get", {}, None, "403 200 200 200 200 403 403 403 403 401"),
    "api:plan-detail": ("get", PLAN, None, API_VIEW),
    "api:plan-end": ("post", PLAN, lambda w: {"ended_on": TODAY, "reason": "Needs met"}, API_OK),
    "api:plan-review": ("post", PLAN, lambda w: {"held_on": TODAY, "outcome": "continue"}, API_CREATE),
    "api:plan-lac-change": (
        "post",
        PLAN,
        lambda w: {"changed_on": TODAY, "legal_status": "C2", "placement_type": "U4", "placement_postcode": "B91 3QB"},
        API_REFUSED,
    ),
    "api:plan-lac-end": ("post", PLAN, lambda w: {"ended_on": TODAY, "reason_ended": "E4A"}, API_REFUSED),
    "api:plan-goal-list": (
        "post",
        {},
        lambda w: {"plan": str(w.plan.pk), "text": "Zoë feels safe at home"},
        API_CREATE,
    ),
    "api:plan-goal-detail": ("get", {"pk": lambda w: w.plan_goal.pk}, None, API_VIEW),
    "api:plan-action-list": (
        "post",
        {},
        lambda w: {
            "plan": str(w.plan.pk),
            "text": "Health assessment",
            "owner_name": "Dr Amina Patel",
            "owner_agency": "Northfield Surgery",
        },
        API_CREATE,
    ),
    "api:plan-action-detail": ("get", {"pk": lambda w: w.plan_action.pk}, None, API_VIEW),
}


def build(world: Any) -> None:
    """A CIN plan with a goal and an action on the social worker's case, and an S47 whose ICPC decided CP."""
    from familyhelp.casework.models import Plan, PlanAction, PlanGoal, S47Enquiry, StrategyDiscussion

    started = world.episode.referral_date + datetime.timedelta(days=1)
    world.plan = Plan.objects.create(
        case=world.case, cin_episode=world.episode, person=world.own, kind="cin", started_on=started
    )
    world.plan_goal = PlanGoal.objects.create(plan=world.plan, text="Zoë goes to school every day")
    world.plan_action = PlanAction.objects.create(
        plan=world.plan,
        goal=world.plan_goal,
        text="Walk to school together",
        owner_name="Siobhán O'Brien",
        owner_agency="Family",
        due_on=started + datetime.timedelta(days=7),
    )
    icpc = datetime.date.today() - datetime.timedelta(days=1)
    sd = StrategyDiscussion.objects.create(
        case=world.case,
        cin_episode=world.episode,
        person=world.own,
        held_on=started,
        agencies=["Police"],
        decision="s47",
    )
    world.plan_s47 = S47Enquiry.objects.create(
        case=world.case,
        cin_episode=world.episode,
        person=world.own,
        strategy_discussion=sd,
        started_on=started,
        icpc_due_on=icpc,
        concluded_on=icpc,
        outcome="icpc",
        icpc_on=icpc,
        icpc_outcome="cp_plan",
    )
