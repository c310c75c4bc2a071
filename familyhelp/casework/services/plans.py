"""Plans: family support, child in need (CIN), child protection (CP) and looked after; their goals, actions,
reviews and looked-after episodes. Every write is here, atomic, re-checks permission and writes chronology.

Invariants enforced at entry (each refused with a field-level DomainError and nothing written), following
the DfE CIN census validator where it has a rule (docs/domain/casework.md, "Plans…"):

- a family support plan needs a level 3 case; CIN, CP and looked-after plans a level 4 case with an open CIN
  episode (the plan records that episode);
- a CP plan needs a section 47 enquiry of that episode whose initial conference decided on a CP plan, starts
  on the conference date, and one conference gives at most one plan;
- no two CP plans and no two CIN plans of the child overlap (rules 8940 and 4014: a plan may not start on or
  before the end date of another of its kind);
- a CIN plan and a CP plan never run at once (rules 4001, 4016, 4017): one may start on the day the other
  ended, not before;
- one open looked-after episode per child; a looked-after child has no CIN plan (a CP plan may continue).

One care plan: starting a plan ends the case's current plan(s) on the new plan's start date ("Stepped up
to …" / "Stepped down to …"), links the new plan to the last one (`previous`) and copies the open goals and
actions across (`carried_from`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from familyhelp.casework import clocks
from familyhelp.casework.models import (
    Case,
    CategoryOfAbuse,
    CINEpisode,
    LookedAfterEpisode,
    MissingEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    ReviewParticipation,
    S47Enquiry,
)
from familyhelp.casework.permissions import can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_bumped, save_versioned
from familyhelp.core.effective import check_effective_date, long_date, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, require
from familyhelp.people.identifiers import clean_postcode

Kind = Plan.Kind
# How intensive each kind of plan is: a move to a higher rank is a step up, to a lower one a step down.
RANK = {Kind.FAMILY_SUPPORT: 1, Kind.CIN: 2, Kind.CP: 3, Kind.LAC: 4}
OPEN_ACTION = (PlanAction.Status.OPEN, PlanAction.Status.IN_PROGRESS)
FORBIDDEN = "You cannot change plans for this case: it is closed, or the child is not in your record scope."


@dataclass(frozen=True)
class CareDetails:
    """The first (or next) looked-after episode's legal status and placement."""

    legal_status: str
    placement_type: str
    placement_postcode: str = ""
    uasc: bool = False


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _kind_label(kind: str) -> str:
    return str(dict(Kind.choices)[kind])


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("person").get(pk=case.pk)


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("case", "person").get(pk=plan.pk)


def _require_work(actor: Any, case: Case) -> None:
    require(can_work_case(actor, case), FORBIDDEN)


def chain_head(case: Case) -> Plan | None:
    """The latest plan of the case that no later plan follows (the end of the care-plan chain)."""
    return Plan.objects.filter(case=case, next_plan__isnull=True).order_by("-started_on", "-created_at").first()


def open_plans(case: Case) -> list[Plan]:
    """The case's open plans, the looked-after care plan first."""
    plans = list(Plan.objects.filter(case=case, ended_on__isnull=True).order_by("-started_on", "-created_at"))
    return sorted(plans, key=lambda p: p.kind != Kind.LAC)


def current_plan(case: Case) -> Plan | None:
    """The plan the case is working to now: the care plan when the child is looked after, else the open plan."""
    plans = open_plans(case)
    return plans[0] if plans else None


def next_review_due(plan: Plan, policy: Any = None) -> date | None:
    """When the open plan's next review is due (clocks.plan_review_due), None once it has ended."""
    if plan.ended_on is not None:
        return None
    if "reviews" in getattr(plan, "_prefetched_objects_cache", {}):  # the plan chain read them already
        last = max((r.held_on for r in plan.reviews.all()), default=None)
    else:
        last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    return clocks.plan_review_due(plan.kind, plan.started_on, last, policy or casework_policy())


def review_clock(plan: Plan, policy: Any = None) -> clocks.Clock | None:
    due = next_review_due(plan, policy)
    if due is None:
        return None
    return clocks.Clock(label=f"{plan.get_kind_display()} review", due_on=due, today=clock.today())


def overdue_actions(case: Case, chain: list[Plan] | None = None) -> list[PlanAction]:
    """Open actions on the case's open plans whose due date has passed (from the plan chain's prefetched
    actions when the caller has read it, in the actions' own order)."""
    if chain is not None:
        today = clock.today()
        found = [
            action
            for plan in chain
            if plan.ended_on is None
            for action in plan.actions.all()
            if action.status in OPEN_ACTION and action.due_on is not None and action.due_on < today
        ]
        return sorted(found, key=lambda a: (a.due_on, a.created_at))
    return list(
        PlanAction.objects.filter(
            plan__case=case, plan__ended_on__isnull=True, status__in=OPEN_ACTION, due_on__lt=clock.today()
        ).select_related("plan", "owner")
    )


# --- invariants ---------------------------------------------------------------------------------------
def _blocks(other: Plan, start: date, *, same_kind: bool, ending: dict[Any, date]) -> bool:
    """Would `other` overlap a new open-ended plan starting on `start`? Plans ended now end on `start`."""
    end = ending.get(other.pk, other.ended_on)
    if end is None:
        return True
    if other.started_on >= start:
        return True  # it starts inside the new (open-ended) plan
    return end >= start if same_kind else end > start


def _overlap_errors(person: Any, kind: str, start: date, ending: dict[Any, date]) -> list[str]:
    errors: list[str] = []
    if kind not in (Kind.CIN, Kind.CP):
        return errors
    history = Plan.objects.filter(person=person, kind__in=[Kind.CIN, Kind.CP]).order_by("started_on")
    for other in history:
        same = other.kind == kind
        if not _blocks(other, start, same_kind=same, ending=ending):
            continue
        period = f"from {_d(other.started_on)}" + (f" to {_d(other.ended_on)}" if other.ended_on else " (open)")
        if same:
            errors.append(
                f"The child already had a {other.get_kind_display().lower()} {period}: plans of the same kind "
                "cannot overlap, so this one must start after that one ended"
            )
        else:
            errors.append(
                f"A child in need plan and a child protection plan cannot run at the same time: the child has a "
                f"{other.get_kind_display().lower()} {period}. This plan can start on the day that one ends"
            )
    return errors


def _ended_by(new_kind: str, open_now: list[Plan], continue_cp_plan: bool) -> tuple[list[Plan], list[str]]:
    """Which open plans the new plan ends, and refusals for the combinations the service does not allow."""
    ends: list[Plan] = []
    refusals: list[str] = []
    for p in open_now:
        if p.kind == new_kind:
            refusals.append(
                f"The child already has an open {p.get_kind_display().lower()} (from {_d(p.started_on)}): "
                "review it or end it rather than starting another"
            )
        elif p.kind == Kind.LAC:
            if new_kind != Kind.CP:
                refusals.append(
                    "The child is looked after: record that they left care (with the reason) before starting a "
                    f"{_kind_label(new_kind).lower()}"
                )
            # A CP plan for a looked-after child runs alongside the care plan.
        elif new_kind == Kind.LAC and p.kind == Kind.CP and continue_cp_plan:
            continue
        else:
            ends.append(p)
    return ends, refusals


def _check_cp(
    case: Case, episode: CINEpisode | None, s47: S47Enquiry | None, start: date | None, category: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if s47 is None:
        errors["s47_enquiry"] = ["Choose the section 47 enquiry whose initial conference decided on this plan"]
    elif episode is not None and s47.cin_episode_id != episode.pk:
        errors["s47_enquiry"] = ["The section 47 enquiry must belong to the child's open children in need episode"]
    elif s47.icpc_on is None or s47.icpc_outcome != S47Enquiry.ConferenceOutcome.CP_PLAN:
        errors["s47_enquiry"] = [
            "The initial child protection conference for this enquiry has not decided on a child protection plan"
        ]
    elif Plan.objects.filter(s47_enquiry=s47, kind=Kind.CP).exists():
        errors["s47_enquiry"] = ["A child protection plan has already started from this conference"]
    elif start is not None and start != s47.icpc_on:
        errors["started_on"] = [
            "A child protection plan starts on the date of the initial child protection conference that decided "
            f"on it: the conference for the section 47 enquiry from {long_date(s47.started_on)} was held on "
            f"{long_date(s47.icpc_on)}"
        ]
    if category not in CategoryOfAbuse.values:
        errors["initial_category"] = ["Choose the initial category of abuse"]
    return errors


def _check_care(details: CareDetails | None) -> tuple[dict[str, list[str]], str]:
    errors: dict[str, list[str]] = {}
    if details is None:
        return {"legal_status": ["Choose the legal status"], "placement_type": ["Choose the placement type"]}, ""
    if details.legal_status not in LookedAfterEpisode.LegalStatus.values:
        errors["legal_status"] = ["Choose the legal status"]
    if details.placement_type not in LookedAfterEpisode.PlacementType.values:
        errors["placement_type"] = ["Choose the placement type"]
    postcode = ""
    try:
        postcode = clean_postcode(details.placement_postcode)
    except ValueError as exc:
        errors["placement_postcode"] = [str(exc)]
    else:
        if not postcode:
            errors["placement_postcode"] = ["Enter the placement postcode, like B91 3QB"]
    return errors, postcode


def _carry_over(previous: Plan, plan: Plan, actor: Any) -> None:
    """Copy the previous plan's unachieved goals and open actions into the new plan (history kept)."""
    goal_map: dict[Any, PlanGoal] = {}
    for goal in previous.goals.filter(achieved_on__isnull=True):
        goal_map[goal.pk] = PlanGoal.objects.create(
            plan=plan, text=goal.text, carried_from=goal, created_by=actor, modified_by=actor
        )
    for action in previous.actions.filter(status__in=OPEN_ACTION):
        PlanAction.objects.create(
            plan=plan,
            goal=goal_map.get(action.goal_id) if action.goal_id else None,
            text=action.text,
            owner=action.owner,
            owner_name=action.owner_name,
            owner_agency=action.owner_agency,
            due_on=action.due_on,
            status=action.status,
            carried_from=action,
            created_by=actor,
            modified_by=actor,
        )


def end_plan_row(plan: Plan, *, actor: Any, ended_on: date, reason: str, late_reason: str = "") -> None:
    """End a plan already checked by the caller (and write its chronology event, with the late-recording reason
    of the step that ended it): plan services, step-down and closure all end plans through here."""
    plan.ended_on = ended_on
    plan.end_reason = reason[:300]
    save_bumped(plan, actor=actor, fields=["ended_on", "end_reason"])
    chronology_record(
        actor=actor,
        kind="casework.plan_ended",
        summary=f"{plan.get_kind_display()} ended: {plan.end_reason}",
        occurred_on=ended_on,
        person=plan.person,
        subject=plan,
        late_reason=late_reason,
    )


# --- starting a plan ----------------------------------------------------------------------------------
@transaction.atomic
def plan_start(
    *,
    actor: Any,
    case: Case,
    kind: str,
    started_on: date | None = None,
    summary: str = "",
    s47_enquiry: S47Enquiry | None = None,
    initial_category: str = "",
    care: CareDetails | None = None,
    continue_cp_plan: bool = False,
    late_reason: str = "",
) -> Plan:
    """Start a plan in the case; the case's current plan steps up or down into it (one care plan).

    `started_on` defaults to today; a CP plan starts on its initial conference's date."""
    case = _lock_case(case)
    _require_work(actor, case)
    person = case.person
    if kind not in Kind.values:
        raise DomainError("Choose the kind of plan", field="kind")
    started_on, _ = resolve_date(started_on)
    errors: dict[str, list[str]] = {}
    after: list[tuple[str, date | None]] = [("date the case opened", case.opened_on)]
    episode: CINEpisode | None = None
    if kind == Kind.FAMILY_SUPPORT:
        if case.level != Case.Level.TARGETED:
            errors.setdefault("kind", []).append(
                "A family support plan is for a level 3 case: step the case down to level 3 first"
            )
    else:
        if case.level != Case.Level.STATUTORY:
            errors.setdefault("kind", []).append(
                f"A {_kind_label(kind).lower()} needs a level 4 case: step the case up first"
            )
        episode = CINEpisode.objects.filter(case=case, closed_on__isnull=True).first()
        if episode is None:
            errors.setdefault("kind", []).append(
                f"A {_kind_label(kind).lower()} needs an open children in need episode on this case"
            )
        else:  # the episode's referral date comes first: it is the later bound when the case was stepped up
            after.insert(0, ("referral date of the children in need episode", episode.referral_date))
    postcode = ""
    if kind == Kind.LAC:
        care_errors, postcode = _check_care(care)
        for field, messages in care_errors.items():
            errors.setdefault(field, []).extend(messages)
        if LookedAfterEpisode.objects.filter(person=person, ended_on__isnull=True).exists():
            errors.setdefault("kind", []).append("The child is already looked after (an episode of care is open)")
        last_care_end = (
            LookedAfterEpisode.objects.filter(person=person, ended_on__isnull=False)
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        after.append(("date the child's last episode of care ended", last_care_end))
    label = "date the child became looked after" if kind == Kind.LAC else "start date"
    for field, messages in check_effective_date(
        started_on, field="started_on", label=label, person=person, after=after, late_reason=late_reason
    ).items():
        errors.setdefault(field, []).extend(messages)
    if kind == Kind.CP:
        for field, messages in _check_cp(case, episode, s47_enquiry, started_on, initial_category).items():
            errors.setdefault(field, []).extend(messages)
    raise_if(errors)

    open_now = open_plans(case)
    ends, kind_refusals = _ended_by(kind, open_now, continue_cp_plan)
    if kind_refusals:
        raise DomainError(errors={"kind": kind_refusals})
    refusals: list[str] = []
    for p in ends:
        if started_on < p.started_on:
            refusals.append(
                f"The {p.get_kind_display().lower()} started on {_d(p.started_on)}: the new plan cannot start before it"
            )
        last_review = p.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
        if last_review and started_on < last_review:
            refusals.append(
                f"The {p.get_kind_display().lower()} was reviewed on {_d(last_review)}: the new plan cannot "
                "start before that review"
            )
    ending = {p.pk: started_on for p in ends}
    refusals.extend(_overlap_errors(person, kind, started_on, ending))
    if refusals:
        raise DomainError(errors={"started_on": refusals})

    parallel_cp = kind == Kind.CP and any(p.kind == Kind.LAC for p in open_now)
    head = None if parallel_cp else chain_head(case)
    for p in ends:
        direction = "up" if RANK[Kind(kind)] > RANK[Kind(p.kind)] else "down"
        end_plan_row(
            p,
            actor=actor,
            ended_on=started_on,
            reason=f"Stepped {direction} to {_kind_label(kind).lower()}",
            late_reason=late_reason,
        )
    previous_cp = 0
    if kind == Kind.CP:
        previous_cp = Plan.objects.filter(person=person, kind=Kind.CP, started_on__lt=started_on).count()
    plan = Plan.objects.create(
        case=case,
        cin_episode=episode,
        person=person,
        kind=kind,
        previous=head,
        started_on=started_on,
        summary=(summary or "").strip(),
        s47_enquiry=s47_enquiry if kind == Kind.CP else None,
        initial_category=initial_category if kind == Kind.CP else "",
        latest_category=initial_category if kind == Kind.CP else "",
        previous_cp_plans=previous_cp,
        created_by=actor,
        modified_by=actor,
    )
    if head is not None and (head.ended_on is not None or head.pk in ending):
        head.refresh_from_db()
        _carry_over(head, plan, actor)
    if kind == Kind.LAC:
        assert care is not None
        episode_row = LookedAfterEpisode.objects.create(
            plan=plan,
            person=person,
            started_on=started_on,
            legal_status=care.legal_status,
            placement_type=care.placement_type,
            placement_postcode=postcode,
            uasc=care.uasc,
            reason_new_episode=LookedAfterEpisode.ReasonNewEpisode.S,
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.care_started",
            summary=(
                f"Became looked after: {episode_row.get_legal_status_display()}; "
                f"{episode_row.get_placement_type_display()}"
                + ("; unaccompanied asylum-seeking child" if care.uasc else "")
            ),
            occurred_on=started_on,
            person=person,
            subject=plan,
            late_reason=late_reason,
        )
    else:
        extra = f" (initial category: {plan.get_initial_category_display().lower()})" if kind == Kind.CP else ""
        chronology_record(
            actor=actor,
            kind="casework.plan_started",
            summary=f"{plan.get_kind_display()} started{extra}",
            occurred_on=started_on,
            person=person,
            subject=plan,
            late_reason=late_reason,
        )
    return plan


# --- ending and reviewing -----------------------------------------------------------------------------
def _last_review(plan: Plan) -> date | None:
    return plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()


def _check_plan_date(
    plan: Plan,
    day: date,
    field: str,
    label: str,
    *,
    late_reason: str,
    after: list[tuple[str, date | None]] | None = None,
    before: list[tuple[str, date | None]] | None = None,
    after_last_review: bool = True,
) -> dict[str, list[str]]:
    """The effective-date rule for a step of this plan: on or after the plan's start (and its last review)."""
    last = _last_review(plan) if after_last_review else None
    return check_effective_date(
        day,
        field=field,
        label=label,
        person=plan.person,
        after=[
            ("date the plan started", plan.started_on),
            ("date of the plan's last review", last),
            *(after or []),
        ],
        before=before or [],
        late_reason=late_reason,
    )


@transaction.atomic
def plan_end(
    *,
    actor: Any,
    plan: Plan,
    ended_on: date | None = None,
    reason: str,
    expected_version: int | None = None,
    late_reason: str = "",
) -> Plan:
    """End a plan without another starting (for example when the case closes). Care plans end through lac_end.

    `ended_on` defaults to today; it is on or after the plan's start and its last review."""
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    if expected_version is not None and expected_version != plan.version:
        raise ConcurrentEditError()
    if plan.ended_on is not None:
        raise DomainError(f"This plan already ended on {_d(plan.ended_on)}", field="ended_on")
    if plan.kind == Kind.LAC:
        raise DomainError(
            "A care plan ends when the child stops being looked after: record why they left care", field="reason"
        )
    ended_on, _ = resolve_date(ended_on)
    errors = _check_plan_date(plan, ended_on, "ended_on", "end date", late_reason=late_reason)
    if not (reason or "").strip():
        errors.setdefault("reason", []).append("Enter why the plan is ending")
    raise_if(errors)
    end_plan_row(plan, actor=actor, ended_on=ended_on, reason=reason.strip(), late_reason=late_reason)
    return plan


@transaction.atomic
def plan_review_record(
    *,
    actor: Any,
    plan: Plan,
    held_on: date | None = None,
    outcome: str,
    latest_category: str = "",
    notes: str = "",
    end_reason: str = "",
    participation: str = "",
    late_reason: str = "",
) -> PlanReview:
    """Record a review (a CP review conference, a CIN / family support review, a looked-after review).

    `held_on` defaults to today; it is on or after the plan's start and its last review, and a review of a plan
    that has ended (recorded late) was held on or before the end."""
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    held_on, _ = resolve_date(held_on)
    errors = _check_plan_date(
        plan,
        held_on,
        "held_on",
        "review date",
        late_reason=late_reason,
        before=[("date the plan ended", plan.ended_on)],
    )
    if outcome not in PlanReview.Outcome.values:
        errors["outcome"] = ["Choose the outcome of the review"]
    elif outcome == PlanReview.Outcome.END and plan.kind == Kind.LAC:
        errors["outcome"] = ["A care plan ends when the child stops being looked after: record why they left care"]
    elif outcome == PlanReview.Outcome.END and plan.ended_on is not None:
        errors["outcome"] = [f"This plan already ended on {long_date(plan.ended_on)}"]
    if plan.kind == Kind.CP:
        if latest_category not in CategoryOfAbuse.values:
            errors["latest_category"] = ["Choose the latest category of abuse"]
    elif latest_category:
        errors["latest_category"] = ["Only a child protection plan has a category of abuse"]
    if participation and (plan.kind != Kind.LAC or participation not in ReviewParticipation.values):
        errors["participation"] = ["Choose how the child took part in the review (looked-after reviews only)"]
    raise_if(errors)
    policy = casework_policy()
    review = PlanReview.objects.create(
        plan=plan,
        held_on=held_on,
        outcome=outcome,
        latest_category=latest_category,
        notes=(notes or "").strip(),
        next_due_on=clocks.plan_review_due(plan.kind, plan.started_on, held_on, policy),
        participation=participation,
        created_by=actor,
        modified_by=actor,
    )
    fields = ["version", "modified_by", "modified_at"]
    if plan.kind == Kind.CP:
        plan.latest_category = latest_category
        fields.append("latest_category")
    plan.version += 1
    plan.modified_by = actor
    plan.modified_at = clock.now()
    plan.save(update_fields=fields)
    chronology_record(
        actor=actor,
        kind="casework.plan_reviewed",
        summary=f"{plan.get_kind_display()} reviewed: {review.get_outcome_display().lower()}",
        occurred_on=held_on,
        person=plan.person,
        subject=review,
        late_reason=late_reason,
    )
    if outcome == PlanReview.Outcome.END:
        end_plan_row(
            plan,
            actor=actor,
            ended_on=held_on,
            reason=(end_reason or "").strip() or "Ended at review",
            late_reason=late_reason,
        )
    return review


# --- looked after -------------------------------------------------------------------------------------
def _open_episode(plan: Plan) -> LookedAfterEpisode:
    episode = LookedAfterEpisode.objects.select_for_update().filter(plan=plan, ended_on__isnull=True).first()
    if plan.kind != Kind.LAC or plan.ended_on is not None or episode is None:
        raise DomainError("This is not an open care plan", field="__all__")
    return episode


@transaction.atomic
def lac_change(
    *,
    actor: Any,
    plan: Plan,
    changed_on: date | None = None,
    legal_status: str,
    placement_type: str,
    placement_postcode: str,
    placement_provider: str = "",
    placement_urn: str = "",
    reason_place_change: str = "",
    late_reason: str = "",
    on: date | None = None,
) -> LookedAfterEpisode:
    """A change of legal status or placement: the episode ends (X1) and the next starts the same day.

    `changed_on` (`on` is its older name) defaults to today; it is after the current episode's start, on or
    after the plan's start and its last review.

    The SSDA903 details: the reason for the new episode (L, P or B) follows from what changed; the provider and
    URN carry over when the placement does not change; why the placement changed is kept on the episode that ends.
    """
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    current = _open_episode(plan)
    on, _ = resolve_date(changed_on if changed_on is not None else on)
    errors = _check_plan_date(
        plan,
        on,
        "changed_on",
        "date of the change",
        late_reason=late_reason,
        after_last_review=False,
        after=[("date the current episode of care started", current.started_on)],
    )
    if not errors and on == current.started_on:
        errors["changed_on"] = [
            f"The current episode started on {_d(current.started_on)}: a change must be on a later day "
            "(correct the episode instead if it was recorded wrongly)"
        ]
    care_errors, postcode = _check_care(CareDetails(legal_status, placement_type, placement_postcode, current.uasc))
    errors.update(care_errors)
    if not errors and (legal_status, placement_type, postcode) == (
        current.legal_status,
        current.placement_type,
        current.placement_postcode,
    ):
        errors["legal_status"] = ["Nothing has changed: change the legal status, placement type or postcode"]
    Episode = LookedAfterEpisode
    if placement_provider and placement_provider not in Episode.PlacementProvider.values:
        errors["placement_provider"] = ["Choose the placement provider"]
    if reason_place_change and reason_place_change not in Episode.ReasonPlaceChange.values:
        errors["reason_place_change"] = ["Choose why the placement changed"]
    raise_if(errors)
    ls_changed = legal_status != current.legal_status
    moved = (placement_type, postcode) != (current.placement_type, current.placement_postcode)
    rne = Episode.ReasonNewEpisode.L
    if moved:
        rne = Episode.ReasonNewEpisode.B if ls_changed else Episode.ReasonNewEpisode.P
    current.ended_on = on
    current.reason_ended = LookedAfterEpisode.ReasonEpisodeEnded.X1
    current.reason_place_change = reason_place_change if moved else ""
    current.version += 1
    current.modified_by = actor
    current.modified_at = clock.now()
    current.save(
        update_fields=["ended_on", "reason_ended", "reason_place_change", "version", "modified_by", "modified_at"]
    )
    nxt = LookedAfterEpisode.objects.create(
        plan=plan,
        person=plan.person,
        started_on=on,
        legal_status=legal_status,
        placement_type=placement_type,
        placement_postcode=postcode,
        uasc=current.uasc,
        reason_new_episode=rne,
        placement_provider=placement_provider or ("" if moved else current.placement_provider),
        placement_urn=(placement_urn or "").strip().upper() or ("" if moved else current.placement_urn),
        home_postcode=current.home_postcode,
        created_by=actor,
        modified_by=actor,
    )
    changed = []
    if legal_status != current.legal_status:
        changed.append(f"legal status now {nxt.get_legal_status_display()}")
    if placement_type != current.placement_type or postcode != current.placement_postcode:
        changed.append(f"placement now {nxt.get_placement_type_display()}")
    chronology_record(
        actor=actor,
        kind="casework.placement_changed",
        summary="Looked after: " + "; ".join(changed),
        occurred_on=on,
        person=plan.person,
        subject=nxt,
        late_reason=late_reason,
    )
    return nxt


@transaction.atomic
def lac_end(*, actor: Any, plan: Plan, ended_on: date | None = None, reason_ended: str, late_reason: str = "") -> Plan:
    """The child stops being looked after: the episode ends with the SSDA903 reason, and so does the care plan.

    `ended_on` defaults to today; it is on or after the current episode's start, the plan's start and its last
    review."""
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    current = _open_episode(plan)
    ended_on, _ = resolve_date(ended_on)
    errors = _check_plan_date(
        plan,
        ended_on,
        "ended_on",
        "date care ended",
        late_reason=late_reason,
        after=[("date the current episode of care started", current.started_on)],
    )
    if reason_ended not in LookedAfterEpisode.ReasonEpisodeEnded.values or reason_ended == "X1":
        errors["reason_ended"] = ["Choose why the child stopped being looked after"]
    raise_if(errors)
    current.ended_on = ended_on
    current.reason_ended = reason_ended
    current.version += 1
    current.modified_by = actor
    current.modified_at = clock.now()
    current.save(update_fields=["ended_on", "reason_ended", "version", "modified_by", "modified_at"])
    plan.ended_on = ended_on
    plan.end_reason = f"Left care: {current.get_reason_ended_display()}"[:300]
    plan.version += 1
    plan.modified_by = actor
    plan.modified_at = clock.now()
    plan.save(update_fields=["ended_on", "end_reason", "version", "modified_by", "modified_at"])
    chronology_record(
        actor=actor,
        kind="casework.care_ended",
        summary=f"Stopped being looked after ({reason_ended}: {current.get_reason_ended_display()})",
        occurred_on=ended_on,
        person=plan.person,
        subject=plan,
        late_reason=late_reason,
    )
    return plan


# --- goals and actions --------------------------------------------------------------------------------
def _require_open(plan: Plan, field: str = "__all__") -> None:
    if plan.ended_on is not None:
        raise DomainError(
            f"This plan ended on {_d(plan.ended_on)}: add to or change the current plan instead", field=field
        )


def _clean_text(text: str, field: str, what: str, errors: dict[str, list[str]]) -> str:
    text = (text or "").strip()
    if not text:
        errors.setdefault(field, []).append(f"Enter the {what}")
    elif len(text) > 2000:
        errors.setdefault(field, []).append(f"The {what} must be 2,000 characters or fewer")
    return text


@transaction.atomic
def goal_add(*, actor: Any, plan: Plan, text: str) -> PlanGoal:
    """Add a goal to an open plan."""
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    _require_open(plan, "text")
    errors: dict[str, list[str]] = {}
    text = _clean_text(text, "text", "goal", errors)
    raise_if(errors)
    return PlanGoal.objects.create(plan=plan, text=text, created_by=actor, modified_by=actor)


@transaction.atomic
def goal_update(
    *,
    actor: Any,
    goal: PlanGoal,
    text: str,
    achieved_on: date | None,
    expected_version: int | None,
    late_reason: str = "",
) -> PlanGoal:
    """Change a goal's words or record the date it was achieved (None: not achieved yet; no default).

    A new or changed date achieved is on or after the plan's start, not in the future, with a late-recording
    reason when it is old; it is written to the chronology (`casework.goal_achieved`)."""
    goal = PlanGoal.objects.select_related("plan", "plan__case", "plan__person").get(pk=goal.pk)
    _require_work(actor, goal.plan.case)
    _require_open(goal.plan, "text")
    errors: dict[str, list[str]] = {}
    text = _clean_text(text, "text", "goal", errors)
    newly_achieved = achieved_on is not None and achieved_on != goal.achieved_on
    if newly_achieved:
        errors.update(
            check_effective_date(
                achieved_on,
                field="achieved_on",
                label="date achieved",
                person=goal.plan.person,
                after=[("date the plan started", goal.plan.started_on)],
                late_reason=late_reason,
            )
        )
    raise_if(errors)
    goal.text, goal.achieved_on = text, achieved_on
    save_versioned(goal, actor=actor, expected_version=expected_version, fields=["text", "achieved_on"])
    if newly_achieved:
        assert achieved_on is not None
        chronology_record(
            actor=actor,
            kind="casework.goal_achieved",
            summary=f"Plan goal achieved: {text[:200]}",
            occurred_on=achieved_on,
            person=goal.plan.person,
            subject=goal,
            late_reason=late_reason,
        )
    return goal


def _check_action(
    plan: Plan,
    *,
    text: str,
    goal: PlanGoal | None,
    owner: Any,
    owner_name: str,
    owner_agency: str,
    due_on: date | None,
    status: str,
    errors: dict[str, list[str]],
) -> tuple[str, str, str]:
    text = _clean_text(text, "text", "action", errors)
    owner_name, owner_agency = (owner_name or "").strip(), (owner_agency or "").strip()
    if owner is not None and owner_name:
        errors.setdefault("owner", []).append("Choose a council worker or name someone else, not both")
    elif owner is None and not owner_name:
        errors.setdefault("owner", []).append(
            "Say who will do it: a council worker, or the name of someone from a partner agency or the family"
        )
    elif owner is not None and (not owner.is_active or owner.partner_agency_id or owner.role == "partner"):
        errors.setdefault("owner", []).append("Choose an active council worker (name partner agency staff instead)")
    if owner_name and not owner_agency:
        errors.setdefault("owner_agency", []).append("Enter their agency, or 'Family'")
    if len(owner_name) > 200 or len(owner_agency) > 200:
        errors.setdefault("owner_name", []).append("Names must be 200 characters or fewer")
    if goal is not None and goal.plan_id != plan.pk:
        errors.setdefault("goal", []).append("Choose one of this plan's goals")
    if due_on is not None and due_on < plan.started_on:
        errors.setdefault("due_on", []).append(
            f"The due date must be on or after the plan started ({_d(plan.started_on)})"
        )
    if status not in PlanAction.Status.values:
        errors.setdefault("status", []).append("Choose the status")
    return text, owner_name, owner_agency


@transaction.atomic
def action_add(
    *,
    actor: Any,
    plan: Plan,
    text: str,
    goal: PlanGoal | None = None,
    owner: Any = None,
    owner_name: str = "",
    owner_agency: str = "",
    due_on: date | None = None,
    status: str = PlanAction.Status.OPEN,
) -> PlanAction:
    """Add an action (who will do what by when) to an open plan."""
    plan = _lock_plan(plan)
    _require_work(actor, plan.case)
    _require_open(plan, "text")
    errors: dict[str, list[str]] = {}
    text, owner_name, owner_agency = _check_action(
        plan,
        text=text,
        goal=goal,
        owner=owner,
        owner_name=owner_name,
        owner_agency=owner_agency,
        due_on=due_on,
        status=status,
        errors=errors,
    )
    raise_if(errors)
    action = PlanAction.objects.create(
        plan=plan,
        goal=goal,
        text=text,
        owner=owner,
        owner_name=owner_name,
        owner_agency=owner_agency,
        due_on=due_on,
        status=status,
        created_by=actor,
        modified_by=actor,
    )
    who = str(owner) if owner is not None else f"{owner_name} ({owner_agency})"
    due = f", due {_d(due_on)}" if due_on else ""
    # Adding an action is recorded now: the event is the action being put on the plan (its due date is a
    # deadline, not an event), so it carries today, not a reported date, and asks for no late reason.
    chronology_record(
        actor=actor,
        kind="casework.action_added",
        summary=f"Plan action for {who}{due}: {text[:200]}",
        occurred_on=clock.today(),
        person=plan.person,
        subject=action,
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor: Any,
    action: PlanAction,
    expected_version: int | None,
    text: str,
    goal: PlanGoal | None = None,
    owner: Any = None,
    owner_name: str = "",
    owner_agency: str = "",
    due_on: date | None = None,
    status: str = PlanAction.Status.OPEN,
    done_on: date | None = None,
    late_reason: str = "",
) -> PlanAction:
    """Change an action: its words, owner, due date or status (done is written to the chronology).

    When the action becomes done, `done_on` (default today) is the day it was done: on or after the plan's
    start, not in the future, with a late-recording reason when old; it dates the chronology event (the action
    has no column for it). It is ignored by any other change."""
    action = PlanAction.objects.select_related("plan", "plan__case", "plan__person").get(pk=action.pk)
    plan = action.plan
    _require_work(actor, plan.case)
    _require_open(plan, "text")
    errors: dict[str, list[str]] = {}
    text, owner_name, owner_agency = _check_action(
        plan,
        text=text,
        goal=goal,
        owner=owner,
        owner_name=owner_name,
        owner_agency=owner_agency,
        due_on=due_on,
        status=status,
        errors=errors,
    )
    completing = status == PlanAction.Status.DONE and action.status != PlanAction.Status.DONE
    done_day, _ = resolve_date(done_on)
    if completing:
        errors.update(
            check_effective_date(
                done_day,
                field="done_on",
                label="date the action was done",
                person=plan.person,
                after=[("date the plan started", plan.started_on)],
                late_reason=late_reason,
            )
        )
    raise_if(errors)
    action.text, action.goal, action.owner = text, goal, owner
    action.owner_name, action.owner_agency, action.due_on, action.status = owner_name, owner_agency, due_on, status
    save_versioned(
        action,
        actor=actor,
        expected_version=expected_version,
        fields=["text", "goal", "owner", "owner_name", "owner_agency", "due_on", "status"],
    )
    if completing:
        chronology_record(
            actor=actor,
            kind="casework.action_completed",
            summary=f"Plan action done: {text[:200]}",
            occurred_on=done_day,
            person=plan.person,
            subject=action,
            late_reason=late_reason,
        )
    return action


@transaction.atomic
def missing_episode_record(
    *,
    actor: Any,
    person: Any,
    kind: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    late_reason: str = "",
) -> MissingEpisode:
    """Record a looked-after child missing from placement (M) or away without authorisation (A) (SSDA903 Missing).

    `started_on` defaults to today and falls in a period of care; `ended_on` (the child came back, optional) is on
    or after it. Written to the chronology with the late-recording reason."""
    case = Case.objects.filter(person=person, closed_on__isnull=True).first()
    require(case is not None and can_work_case(actor, case), FORBIDDEN)
    errors: dict[str, list[str]] = {}
    if kind not in MissingEpisode.Kind.values:
        errors["kind"] = ["Choose missing or away from placement without authorisation"]
    started_on, _ = resolve_date(started_on)
    first_care = (
        LookedAfterEpisode.objects.filter(person=person)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    errors.update(
        check_effective_date(
            started_on,
            field="started_on",
            label="date the child went missing",
            person=person,
            after=[("date the child first became looked after", first_care)],
            late_reason=late_reason,
        )
    )
    in_care = LookedAfterEpisode.objects.filter(person=person, started_on__lte=started_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    )
    if "started_on" not in errors and not in_care.exists():
        errors["started_on"] = [f"The child was not looked after on {long_date(started_on)}"]
    errors.update(
        check_effective_date(
            ended_on,
            field="ended_on",
            label="date the child came back",
            person=person,
            after=[("date the child went missing", started_on)],
            required=False,
            ask_late_reason=False,  # the reason given for the start covers the episode
        )
    )
    raise_if(errors)
    episode = MissingEpisode.objects.create(
        person=person, kind=kind, started_on=started_on, ended_on=ended_on, created_by=actor, modified_by=actor
    )
    until = f" to {long_date(ended_on)}" if ended_on else ""
    chronology_record(
        actor=actor,
        kind="casework.missing_episode",
        summary=f"{episode.get_kind_display()}: from {long_date(started_on)}{until}",
        occurred_on=started_on,
        person=person,
        subject=episode,
        late_reason=late_reason,
    )
    return episode
