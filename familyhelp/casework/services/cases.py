"""Cases: opening from front-door decisions, the duty bank and allocation, step up / step down, sibling groups
and closure.

Invariants enforced here, at entry (not only at export): one open case and at most one open CIN episode
per child (also database constraints), and an episode never closes before its referral date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.accounts.roles import Role
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseworkPolicy,
    CINEpisode,
    LevelChange,
    LookedAfterEpisode,
    Plan,
    PlanReview,
    S47Enquiry,
    StepDownDestination,
    StrategyDiscussion,
)
from familyhelp.casework.permissions import can_allocate, can_authorise_casework, can_view_case, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services.plans import end_plan_row
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_bumped
from familyhelp.core.effective import check_effective_date, merge_errors, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, require
from familyhelp.core.sequences import next_value
from familyhelp.people.codes import PrimaryNeed, ReasonForClosure, ReferralSource
from familyhelp.people.models import FamilyMember, Person, ProfessionalInvolvement


def case_reference(number: int) -> str:
    return f"CASE{number:07d}"


def open_case_for(person: Person) -> Case | None:
    return Case.objects.filter(person=person, closed_on__isnull=True).first()


def open_cin_episode_for(person: Person) -> CINEpisode | None:
    return CINEpisode.objects.filter(person=person, closed_on__isnull=True).first()


@transaction.atomic
def case_open_from_front_door(
    *,
    actor: Any,
    person: Person,
    level: int,
    contact: Any,
    opened_on: date,
    referral_source: str = "",
    primary_need: str = "",
    route: str = "",
    referral_date: date | None = None,
    late_reason: str = "",
) -> tuple[Case, CINEpisode | None]:
    """Open (or step up) the child's case after an authorised threshold decision.

    Level 3 opens a family support case. Level 4 opens a case with a CIN episode (referral date, source
    and primary need); if the child already has an open level 3 case, that case steps up to level 4 in
    the same journey rather than a second case starting. `opened_on` is the case's opening (or step-up)
    date; `referral_date` is the CIN episode's own date (None: the opening date). The front door checks
    both against the contact and the authorisation before calling; the chronology events carry these
    dates and the authorisation's late-recording reason.
    """
    referral_on = referral_date or opened_on
    case = Case.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    if level == Case.Level.TARGETED:
        if case is not None:
            raise DomainError(
                f"This child already has an open case ({case.reference}): pass the information to its worker",
                field="outcome",
            )
    elif open_cin_episode_for(person) is not None:
        raise DomainError(
            "This child already has an open children in need episode: pass the information to the allocated worker",
            field="outcome",
        )
    if case is None:
        case = Case.objects.create(
            reference=case_reference(next_value("case")),
            person=person,
            level=level,
            opened_on=opened_on,
            contact=contact,
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.case_opened",
            summary=f"Case {case.reference} opened at {case.get_level_display().lower()}",
            occurred_on=opened_on,
            person=person,
            subject=case,
            late_reason=late_reason,
        )
    elif case.level < level:
        case.level = level
        case.version += 1
        case.modified_by = actor
        case.save(update_fields=["level", "version", "modified_by", "modified_at"])
        chronology_record(
            actor=actor,
            kind="casework.stepped_up",
            summary=f"Case {case.reference} stepped up to {case.get_level_display().lower()} by the front door",
            occurred_on=opened_on,
            person=person,
            subject=case,
            late_reason=late_reason,
        )
    episode = None
    if level == Case.Level.STATUTORY:
        episode = CINEpisode.objects.create(
            case=case,
            person=person,
            referral_date=referral_on,
            referral_source=referral_source,
            primary_need=primary_need,
            route=route or CINEpisode.Route.SINGLE_ASSESSMENT,
            contact=contact,
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.referral",
            summary=f"Referral to children's social care: {episode.get_route_display().lower()}",
            occurred_on=referral_on,
            person=person,
            subject=episode,
            late_reason=late_reason,
        )
    return case, episode


# =====================================================================================================
# The duty bank, allocation, step up / step down, sibling groups and closure
# (docs/domain/casework.md, "Cases, the duty bank, allocation, step up / step down and closure").
# =====================================================================================================
WORKER_ROLES = (Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER, Role.FAMILY_HELP_PRACTITIONER)
STEP_DOWN_CLOSES = {2: StepDownDestination.EARLY_HELP, 1: StepDownDestination.UNIVERSAL}
CIN_CLOSURE_CODES = {c.value for c in ReasonForClosure}


def _locked(case: Case) -> Case:
    """The stored case, locked for this transaction (PostgreSQL row lock on the case only; SQLite's write lock)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "worker", "supervisor", "team")
        .get(pk=case.pk)
    )


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the case it changes. Reload and try again.")
    if case.version != expected_version:
        raise ConcurrentEditError(
            "Someone else changed this case after you opened it. Nothing was saved: reload the case to see what "
            "changed, then try again."
        )


def _save(case: Case, actor: Any, fields: list[str]) -> None:
    save_bumped(case, actor=actor, fields=fields)


def _who(user: Any) -> str:
    return str(user) if user is not None else "someone"


def involvement_role_for(worker: Any) -> str:
    """The professional-involvement role an allocation gives the lead worker (it drives record scope)."""
    if worker.role == Role.SOCIAL_WORKER:
        return ProfessionalInvolvement.Role.ALLOCATED_WORKER
    return ProfessionalInvolvement.Role.LEAD_PRACTITIONER


def allocation_problems(*, level: int, worker: Any, supervisor: Any, policy: CaseworkPolicy) -> dict[str, list[str]]:
    """Who may hold work at this level (field-level messages; empty when the allocation is allowed).

    Level 4 goes to a social worker; under the Family Help model a family help practitioner may hold it with a
    named supervising social worker; family support workers hold level 3 only.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if worker is None:
        add("worker", "Choose the worker to allocate the case to")
    elif not worker.is_active or worker.role not in WORKER_ROLES:
        add("worker", "Choose a social worker, family support worker or family help practitioner")
    elif level == Case.Level.STATUTORY:
        if worker.role == Role.FAMILY_SUPPORT_WORKER:
            add("worker", "A family support worker holds level 3 work only: choose a social worker for level 4 work")
        elif worker.role == Role.FAMILY_HELP_PRACTITIONER:
            if not policy.family_help_holds_cin:
                add(
                    "worker",
                    "Level 4 work goes to a social worker: this council's policy does not let family help "
                    "practitioners hold child in need work",
                )
            elif supervisor is None:
                add(
                    "supervisor",
                    "Name the supervising social worker: a family help practitioner holds level 4 "
                    "(child in need) work only with one",
                )
    if supervisor is not None:
        if not supervisor.is_active or supervisor.role != Role.SOCIAL_WORKER:
            add("supervisor", "The supervisor must be a social worker")
        elif worker is not None and supervisor.pk == worker.pk:
            add("supervisor", "The supervising social worker must be someone other than the lead practitioner")
    return errors


def _involve(actor: Any, person: Person, worker: Any, role: str, on: date) -> None:
    """Put the child on the worker's caseload (record scope follows), unless they already are in that role."""
    current = ProfessionalInvolvement.objects.filter(person=person, worker=worker, role=role, end_date__isnull=True)
    if not current.exists():
        ProfessionalInvolvement.objects.create(
            person=person, worker=worker, role=role, start_date=on, created_by=actor, modified_by=actor
        )


def _uninvolve(actor: Any, person: Person, worker: Any, roles_: Sequence[str], on: date) -> None:
    for involvement in ProfessionalInvolvement.objects.filter(
        person=person, worker=worker, role__in=roles_, end_date__isnull=True
    ):
        involvement.end_date = max(on, involvement.start_date)
        involvement.modified_by = actor
        involvement.modified_at = clock.now()
        involvement.save(update_fields=["end_date", "modified_by", "modified_at"])


def _start(actor: Any, case: Case, worker: Any, role: str, on: date, reason: str) -> Allocation:
    allocation = Allocation.objects.create(
        case=case,
        worker=worker,
        team=worker.team,
        role=role,
        started_on=on,
        reason=reason[:500],
        allocated_by=actor,
        created_by=actor,
        modified_by=actor,
    )
    if role == Allocation.Role.LEAD:
        _involve(actor, case.person, worker, involvement_role_for(worker), on)
    else:
        _involve(actor, case.person, worker, ProfessionalInvolvement.Role.SUPERVISING_SOCIAL_WORKER, on)
    return allocation


def _end(actor: Any, case: Case, role: str, on: date, reason: str) -> Allocation | None:
    """End the current allocation in this role and the worker's involvement that came with it."""
    current = Allocation.objects.filter(case=case, role=role, ended_on__isnull=True).select_related("worker").first()
    if current is None:
        return None
    current.ended_on = max(on, current.started_on)
    current.end_reason = reason[:500]
    current.modified_by = actor
    current.modified_at = clock.now()
    current.save(update_fields=["ended_on", "end_reason", "modified_by", "modified_at"])
    if role == Allocation.Role.LEAD:
        roles_ = [ProfessionalInvolvement.Role.ALLOCATED_WORKER, ProfessionalInvolvement.Role.LEAD_PRACTITIONER]
    else:
        roles_ = [ProfessionalInvolvement.Role.SUPERVISING_SOCIAL_WORKER]
    _uninvolve(actor, case.person, current.worker, roles_, on)
    return current


def _current(case: Case, roles_: Sequence[str]) -> list[tuple[str, date | None]]:
    """The start of each current allocation in these roles, named for the order messages (a change that ends
    an allocation cannot be dated before it began)."""
    steps: list[tuple[str, date | None]] = []
    for allocation in (
        Allocation.objects.filter(case=case, role__in=roles_, ended_on__isnull=True)
        .select_related("worker")
        .order_by("-started_on")
    ):
        if allocation.role == Allocation.Role.LEAD:
            steps.append((f"date the case was allocated to {allocation.worker}", allocation.started_on))
        else:
            steps.append((f"date {allocation.worker} began supervising the case", allocation.started_on))
    return steps


def _allocation_summary(case: Case, worker: Any, supervisor: Any) -> str:
    text = f"Case {case.reference} allocated to {worker}"
    if worker.team_id:
        text += f" ({worker.team})"
    if supervisor is not None:
        text += f", supervised by {supervisor}"
    return text


def _refuse_allocated(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise DomainError(f"Case {case.reference} is closed and cannot be allocated", field="worker")
    lead = (
        Allocation.objects.filter(case=case, role=Allocation.Role.LEAD)
        .select_related("allocated_by", "worker")
        .order_by("-started_on", "-created_at")
        .first()
    )
    if lead is None:
        raise DomainError(f"Case {case.reference} is no longer in the duty bank", field="worker")
    raise DomainError(
        f"Case {case.reference} has already been allocated: {_who(lead.allocated_by)} allocated it to "
        f"{lead.worker} on {lead.started_on:%-d %B %Y}",
        field="worker",
    )


def _allocation_date_errors(
    case: Case, on: date, *, late_reason: str, current: Sequence[tuple[str, date | None]] = (), prefix: str = ""
) -> dict[str, list[str]]:
    """The allocation date's rules: not in the future, not before the child's birth, on or after the case opened
    (and, for a reallocation, on or after the allocations it ends started); a reason when recorded late."""
    errors = check_effective_date(
        on,
        field="allocated_on",
        label="date of allocation",
        person=case.person,
        after=[("date the case opened", case.opened_on), *current],
        late_reason=late_reason,
        ask_late_reason=not prefix,
    )
    if prefix:
        errors = {field: [f"{prefix}{m[0].lower()}{m[1:]}" for m in messages] for field, messages in errors.items()}
    return errors


def _allocate_one(
    actor: Any,
    case: Case,
    worker: Any,
    supervisor: Any,
    reason: str,
    policy: CaseworkPolicy,
    on: date,
    late_reason: str,
) -> None:
    _start(actor, case, worker, Allocation.Role.LEAD, on, reason)
    if supervisor is not None:
        _start(actor, case, supervisor, Allocation.Role.SUPERVISING, on, reason)
    case.worker, case.supervisor, case.team = worker, supervisor, worker.team
    case.allocated_on = case.allocated_on or on
    case.status = Case.Status.OPEN
    _save(case, actor, ["worker", "supervisor", "team", "allocated_on", "status"])
    chronology_record(
        actor=actor,
        kind="casework.allocated",
        summary=_allocation_summary(case, worker, supervisor),
        occurred_on=on,
        person=case.person,
        subject=case,
        late_reason=late_reason,
    )


@transaction.atomic
def case_allocate(
    *,
    actor: Any,
    case: Case,
    worker: Any,
    supervisor: Any = None,
    reason: str = "",
    expected_version: int | None,
    include_siblings: bool = False,
    allocated_on: date | None = None,
    late_reason: str = "",
) -> Case:
    """A manager allocates a case from the duty bank (and, if asked, its sibling group's waiting cases) to a
    worker. Exactly one of two managers allocating the same case at once succeeds.

    `allocated_on` (default today) is the allocation's effective date: on or after the case opened, not in the
    future; the allocations, caseload involvements, `Case.allocated_on` and the chronology event carry it, and
    `late_reason` (required when it is older than the council's late-recording days) goes on the event."""
    require(has_verb(actor, roles.ALLOCATE_CASE), "Only a manager can allocate work.")
    case = _locked(case)
    if case.status != Case.Status.AWAITING_ALLOCATION:
        # Told before the scope check: a manager who saw the case in the duty bank learns who took it.
        _refuse_allocated(case)
    require(can_allocate(actor, case), "You cannot allocate this case.")
    _check_version(case, expected_version)
    policy = casework_policy()
    reason = (reason or "").strip() or "Allocated from the duty bank"
    late_reason = (late_reason or "").strip()
    on, _ = resolve_date(allocated_on)
    errors = allocation_problems(level=case.level, worker=worker, supervisor=supervisor, policy=policy)
    raise_if(merge_errors(errors, _allocation_date_errors(case, on, late_reason=late_reason)))
    siblings: list[Case] = []
    if include_siblings and case.sibling_group:
        siblings = list(
            Case.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(sibling_group=case.sibling_group, status=Case.Status.AWAITING_ALLOCATION)
            .exclude(pk=case.pk)
            .order_by("reference")
        )
        for sibling in siblings:
            require(can_allocate(actor, sibling), f"You cannot allocate case {sibling.reference}.")
            problems = allocation_problems(level=sibling.level, worker=worker, supervisor=supervisor, policy=policy)
            if problems:
                field, messages = next(iter(problems.items()))
                raise DomainError(f"Sibling case {sibling.reference}: {messages[0]}", field=field)
            raise_if(
                _allocation_date_errors(
                    sibling, on, late_reason=late_reason, prefix=f"Sibling case {sibling.reference}: "
                )
            )
    _allocate_one(actor, case, worker, supervisor, reason, policy, on, late_reason)
    for sibling in siblings:
        _allocate_one(actor, sibling, worker, supervisor, f"{reason} (with the sibling group)", policy, on, late_reason)
    return case


@transaction.atomic
def case_reallocate(
    *,
    actor: Any,
    case: Case,
    worker: Any,
    supervisor: Any = None,
    reason: str,
    expected_version: int | None,
    allocated_on: date | None = None,
    late_reason: str = "",
) -> Case:
    """Move an open case to another worker (or change its supervising social worker), with a reason. The current
    allocation and involvement end on `allocated_on` (default today; on or after the case opened and after the
    allocations it ends started) and new ones start that day, so the history shows who held the case when."""
    require(has_verb(actor, roles.ALLOCATE_CASE), "Only a manager can reallocate work.")
    case = _locked(case)
    require(can_allocate(actor, case), "You cannot reallocate this case.")
    if case.status == Case.Status.AWAITING_ALLOCATION:
        raise DomainError(f"Case {case.reference} is in the duty bank: allocate it instead", field="worker")
    if case.status == Case.Status.CLOSED:
        raise DomainError(f"Case {case.reference} is closed", field="worker")
    _check_version(case, expected_version)
    policy = casework_policy()
    errors = allocation_problems(level=case.level, worker=worker, supervisor=supervisor, policy=policy)
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append("Say why the case is being reallocated")
    lead_changes = worker is not None and worker.pk != case.worker_id
    supervisor_changes = (supervisor.pk if supervisor else None) != case.supervisor_id
    if not errors and not lead_changes and not supervisor_changes:
        errors.setdefault("worker", []).append(f"{worker} already holds this case: choose someone else")
    late_reason = (late_reason or "").strip()
    on, _ = resolve_date(allocated_on)
    ending = [Allocation.Role.LEAD] if lead_changes else []
    if supervisor_changes:
        ending.append(Allocation.Role.SUPERVISING)
    raise_if(
        merge_errors(errors, _allocation_date_errors(case, on, late_reason=late_reason, current=_current(case, ending)))
    )
    if lead_changes:
        _end(actor, case, Allocation.Role.LEAD, on, reason)
    if supervisor_changes:
        _end(actor, case, Allocation.Role.SUPERVISING, on, reason)
    if lead_changes:
        _start(actor, case, worker, Allocation.Role.LEAD, on, reason)
    if supervisor_changes and supervisor is not None:
        _start(actor, case, supervisor, Allocation.Role.SUPERVISING, on, reason)
    previous = case.worker
    case.worker, case.supervisor, case.team = worker, supervisor, worker.team
    _save(case, actor, ["worker", "supervisor", "team"])
    summary = _allocation_summary(case, worker, supervisor).replace("allocated", "reallocated", 1)
    if lead_changes:
        summary += f" (from {previous})"
    chronology_record(
        actor=actor,
        kind="casework.reallocated",
        summary=f"{summary}: {reason}",
        occurred_on=on,
        person=case.person,
        subject=case,
        late_reason=late_reason,
    )
    return case


# --- Effective dates and invariants -------------------------------------------------------------------
Steps = list[tuple[str, date | None]]


def _latest_first(steps: Steps) -> Steps:
    """Dated steps, latest first: the order message names the latest step a date contradicts."""
    return sorted((s for s in steps if s[1] is not None), key=lambda s: s[1], reverse=True)  # type: ignore[arg-type,return-value]


def _last_level_change(case: Case) -> Steps:
    change = LevelChange.objects.filter(case=case).order_by("-changed_on", "-created_at").first()
    if change is None:
        return []
    return [(f"date of the last step {change.direction}", change.changed_on)]


def _episode_assessments(episode: CINEpisode) -> Any:
    return Assessment.objects.filter(
        Q(cin_episode=episode) | Q(case_id=episode.case_id, cin_episode__isnull=True, kind=Assessment.Kind.SINGLE)
    )


def closure_steps(
    case: Case,
    episode: CINEpisode | None,
    *,
    whole_case: bool,
    ending: Sequence[Plan] = (),
    opened_label: str = "date the case opened",
) -> Steps:
    """The recorded steps a closure cannot come before, latest first, read from their stored dates (not their
    statuses): the case's opening and last change of level, the CIN episode's referral date, every assessment
    authorisation, strategy discussion, section 47 conclusion and initial conference, every plan end and
    looked-after episode end, and the start (and last review) of each plan the closure ends. A whole-case
    closure covers the whole case; stepping down to level 3 closes only the CIN episode, so covers what is in the
    episode. Allocations are not among them: an allocation recorded on the day it was typed (the default) must
    not stop the case closing on its true date, and the date of an allocation cannot be edited; the allocations
    a closure ends stop on the closing date, or on their start if that is later."""
    steps: Steps = [(opened_label, case.opened_on), *_last_level_change(case)]
    if episode is not None:
        steps.append(("referral date of the children in need episode", episode.referral_date))
    if whole_case:
        assessments = Assessment.objects.filter(case=case)
        s47_scope = Q(case=case)
        plans = Plan.objects.filter(case=case)
        looked_after = LookedAfterEpisode.objects.filter(plan__case=case)
    else:
        assessments = _episode_assessments(episode) if episode is not None else Assessment.objects.none()
        s47_scope = Q(cin_episode=episode)
        plans = Plan.objects.filter(cin_episode=episode)
        looked_after = LookedAfterEpisode.objects.filter(plan__cin_episode=episode)
    for kind, authorised_on in assessments.filter(authorised_on__isnull=False).values_list("kind", "authorised_on"):
        steps.append((f"date the {Assessment.Kind(kind).label.lower()} was authorised", authorised_on))
    for held_on in StrategyDiscussion.objects.filter(s47_scope).values_list("held_on", flat=True):
        steps.append(("date of the strategy discussion", held_on))
    for concluded_on, icpc_on in S47Enquiry.objects.filter(s47_scope).values_list("concluded_on", "icpc_on"):
        steps.append(("date the section 47 enquiry concluded", concluded_on))
        steps.append(("date of the initial child protection conference", icpc_on))
    for kind, ended_on in plans.filter(ended_on__isnull=False).values_list("kind", "ended_on"):
        steps.append((f"end of the {Plan.Kind(kind).label.lower()}", ended_on))
    for ended_on in looked_after.filter(ended_on__isnull=False).values_list("ended_on", flat=True):
        steps.append(("end of the looked-after episode", ended_on))
    for plan in ending:
        label = Plan.Kind(plan.kind).label.lower()
        steps.append((f"start of the {label}", plan.started_on))
        last_review = PlanReview.objects.filter(plan=plan).order_by("-held_on").values_list("held_on", flat=True)
        steps.append((f"last review of the {label}", last_review.first()))
    return _latest_first(steps)


def earliest_closure(case: Case) -> tuple[str, date] | None:
    """The latest recorded step a closure of this case cannot come before (label, date), for the close page."""
    episode = CINEpisode.objects.filter(case=case, closed_on__isnull=True).first()
    plans = list(Plan.objects.filter(case=case, ended_on__isnull=True))
    steps = closure_steps(case, episode, whole_case=True, ending=plans, opened_label="date the case opened")
    return (steps[0][0], steps[0][1]) if steps and steps[0][1] is not None else None


def episode_close_blockers(episode: CINEpisode) -> list[str]:
    """Why a CIN episode cannot close yet: assessments without an authorisation date, section 47 enquiries without
    a conclusion date (the stored dates decide, not the statuses)."""
    blockers = []
    unauthorised = _episode_assessments(episode).exclude(
        status=Assessment.Status.AUTHORISED, authorised_on__isnull=False
    )
    n = unauthorised.count()
    if n:
        blockers.append(
            f"{n} assessment{'s are' if n > 1 else ' is'} not authorised yet: a manager must authorise "
            f"{'them' if n > 1 else 'it'} before the children in need episode closes"
        )
    open_s47 = S47Enquiry.objects.filter(cin_episode=episode, concluded_on__isnull=True).count()
    if open_s47:
        blockers.append(
            f"{open_s47} section 47 enquir{'ies are' if open_s47 > 1 else 'y is'} not concluded yet: conclude "
            f"{'them' if open_s47 > 1 else 'it'} before the children in need episode closes"
        )
    return blockers


AFTER_ASSESSMENT_CODES = ("RC8", "RC9")


def closure_reason_problems(episode: CINEpisode, code: str) -> list[str]:
    """RC8 and RC9 mean the episode closed straight after its assessment: refused when the episode had any
    other activity — a child in need or child protection plan, a section 47 enquiry or a conference (the
    CIN census error 2990, an invariant enforced here at entry)."""
    if code not in AFTER_ASSESSMENT_CODES:
        return []
    activity = []
    if Plan.objects.filter(cin_episode=episode, kind__in=[Plan.Kind.CIN, Plan.Kind.CP]).exists():
        activity.append("a plan")
    if S47Enquiry.objects.filter(cin_episode=episode).exists():
        activity.append("a section 47 enquiry")
    if not activity:
        return []
    return [
        f"{code} means the case closed straight after its assessment, but this children in need episode had "
        f"{' and '.join(activity)}: choose another reason, usually RC7 (services ceased)"
    ]


def _end_plans(actor: Any, plans: list[Plan], on: date, reason: str, late_reason: str = "") -> None:
    for plan in plans:
        end_plan_row(plan, actor=actor, ended_on=on, reason=reason, late_reason=late_reason)


def _close_episode(actor: Any, episode: CINEpisode, on: date, code: str) -> None:
    episode.closed_on = on
    episode.closure_reason = code
    save_bumped(episode, actor=actor, fields=["closed_on", "closure_reason"])


def _check_closure(
    case: Case,
    *,
    closed_on: date,
    closure_reason: str,
    step_down_to: str,
    closing_summary: str,
    date_field: str,
    late_reason: str = "",
    label: str = "date the case closes",
    opened_label: str = "date it opened",
) -> tuple[dict[str, list[str]], CINEpisode | None, list[Plan]]:
    """Everything that must hold before a case closes (nothing is written here): the closing date against every
    recorded step it cannot come before (`closure_steps`), the late-recording reason, and the closure's fields."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    episode = CINEpisode.objects.filter(case=case, closed_on__isnull=True).first()
    plans = list(Plan.objects.filter(case=case, ended_on__isnull=True))
    merge_errors(
        errors,
        check_effective_date(
            closed_on,
            field=date_field,
            label=label,
            person=case.person,
            after=closure_steps(case, episode, whole_case=True, ending=plans, opened_label=opened_label),
            late_reason=late_reason,
        ),
    )
    if step_down_to not in StepDownDestination.values:
        add("step_down_to", "Choose where the child's support goes next")
    if not (closing_summary or "").strip():
        add("closing_summary", "Write the closing summary")
    if episode is not None:
        if closure_reason not in CIN_CLOSURE_CODES:
            add(
                "closure_reason",
                "Choose the reason for closure from the CIN census list (RC1 to RC9): the child "
                "in need episode closes with the case",
            )
        for message in episode_close_blockers(episode) + closure_reason_problems(episode, closure_reason):
            add("closure_reason", message)
    elif not (closure_reason or "").strip():
        add("closure_reason", "Say why the case is closing")
    if LookedAfterEpisode.objects.filter(person=case.person, ended_on__isnull=True).exists():
        add("__all__", "The child is looked after: end the looked-after episode before the case closes")
    return errors, episode, plans


def _close(
    actor: Any,
    case: Case,
    *,
    closed_on: date,
    closure_reason: str,
    step_down_to: str,
    closing_summary: str,
    episode: CINEpisode | None,
    plans: list[Plan],
    late_reason: str = "",
) -> None:
    """Close the case: its plans, CIN episode, allocations and caseload involvements end on the same day."""
    destination = StepDownDestination(step_down_to).label
    _end_plans(actor, plans, closed_on, f"Case closed: {destination}", late_reason)
    if episode is not None:
        _close_episode(actor, episode, closed_on, closure_reason)
        closure_reason = f"{closure_reason} {ReasonForClosure(closure_reason).label}"
    for role in (Allocation.Role.LEAD, Allocation.Role.SUPERVISING):
        _end(actor, case, role, closed_on, "Case closed")
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    case.closure_reason = closure_reason.strip()[:200]
    case.step_down_to = step_down_to
    case.closing_summary = closing_summary.strip()
    _save(case, actor, ["status", "closed_on", "closure_reason", "step_down_to", "closing_summary"])
    chronology_record(
        actor=actor,
        kind="casework.closed",
        summary=f"Case {case.reference} closed: {case.closure_reason}. Next: {destination}",
        occurred_on=closed_on,
        person=case.person,
        subject=case,
        late_reason=late_reason,
    )


def _refuse_closed(case: Case, field: str) -> None:
    if case.closed_on is not None:
        raise DomainError(f"Case {case.reference} was already closed on {case.closed_on:%-d %B %Y}", field=field)


@transaction.atomic
def case_close(
    *,
    actor: Any,
    case: Case,
    closure_reason: str,
    step_down_to: str,
    closing_summary: str,
    expected_version: int | None,
    closed_on: date | None = None,
    late_reason: str = "",
) -> Case:
    """A manager closes the case, with a reason (the CIN census code when the CIN episode is open: it closes
    too), where support goes next and a closing summary. Refused while assessments are unauthorised, section 47
    enquiries open or the child is looked after.

    `closed_on` (default today) is checked against the stored dates of everything before it (`closure_steps`):
    never before an assessment's authorisation, a section 47 conclusion or a plan's end (the CIN census errors
    8867 and friends, refused here at entry); `late_reason` is required when it is older than the council's
    late-recording days and goes on the closure's chronology event."""
    require(has_verb(actor, roles.AUTHORISE_CASEWORK), "Only a manager can close a case.")
    case = _locked(case)
    require(can_authorise_casework(actor, case), "You cannot close this case.")
    _refuse_closed(case, "closed_on")
    _check_version(case, expected_version)
    closure_reason = (closure_reason or "").strip()
    late_reason = (late_reason or "").strip()
    on, _ = resolve_date(closed_on)
    errors, episode, plans = _check_closure(
        case,
        closed_on=on,
        closure_reason=closure_reason,
        step_down_to=step_down_to,
        closing_summary=closing_summary,
        date_field="closed_on",
        late_reason=late_reason,
    )
    raise_if(errors)
    _close(
        actor,
        case,
        closed_on=on,
        closure_reason=closure_reason,
        step_down_to=step_down_to,
        closing_summary=closing_summary,
        episode=episode,
        plans=plans,
        late_reason=late_reason,
    )
    return case


# --- Step up / step down ------------------------------------------------------------------------------
def _check_requester(requested_by: Any, errors: dict[str, list[str]]) -> None:
    if requested_by is None:
        errors.setdefault("requested_by", []).append("Choose the practitioner who asked for the change")
    elif not has_verb(requested_by, roles.WORK_CASE):
        errors.setdefault("requested_by", []).append("The practitioner who asked must be a caseworker")


@transaction.atomic
def case_step_up(
    *,
    actor: Any,
    case: Case,
    requested_by: Any,
    reason: str,
    referral_source: str,
    primary_need: str,
    expected_version: int | None,
    changed_on: date | None = None,
    supervisor: Any = None,
    route: str = CINEpisode.Route.SINGLE_ASSESSMENT,
    late_reason: str = "",
) -> LevelChange:
    """Step up from level 3 to 4 in the same case: a children in need episode opens, referred on the step-up
    date. Authorised (and recorded) by a manager; the practitioner who asked is recorded.

    `changed_on` (default today) is the step's effective date: inside the case (on or after it opened and its
    last change of level), after the child's last CIN episode ended and after a supervision it ends began; the
    level change, the episode's referral date, the supervision change and the chronology carry it, and
    `late_reason` (required when it is older than the council's late-recording days) goes on the events."""
    require(has_verb(actor, roles.ALLOCATE_CASE), "Only a manager can authorise a step up.")
    case = _locked(case)
    require(can_allocate(actor, case), "You cannot change this case.")
    _refuse_closed(case, "changed_on")
    _check_version(case, expected_version)
    if case.level != Case.Level.TARGETED:
        raise DomainError(f"Case {case.reference} is already at level 4", field="changed_on")
    errors: dict[str, list[str]] = {}
    _check_requester(requested_by, errors)
    if not (reason or "").strip():
        errors.setdefault("reason", []).append("Say why the case is stepping up")
    late_reason = (late_reason or "").strip()
    on, _ = resolve_date(changed_on)
    new_supervisor = supervisor if supervisor is not None else case.supervisor
    supervisor_changes = (
        case.worker is not None and new_supervisor is not None and new_supervisor.pk != case.supervisor_id
    )
    last_closed = CINEpisode.objects.filter(person=case.person, closed_on__isnull=False).order_by("-closed_on").first()
    after: Steps = [("date the case opened", case.opened_on), *_last_level_change(case)]
    if last_closed is not None:
        after.append(("end of the child's last children in need episode", last_closed.closed_on))
    if supervisor_changes:
        after.extend(_current(case, [Allocation.Role.SUPERVISING]))
    merge_errors(
        errors,
        check_effective_date(
            on,
            field="changed_on",
            label="date of the step up",
            person=case.person,
            after=_latest_first(after),
            before=[("date the case closed", case.closed_on)],
            late_reason=late_reason,
        ),
    )
    if referral_source not in ReferralSource.values:
        errors.setdefault("referral_source", []).append("Choose the referral source (CIN census code)")
    if primary_need not in PrimaryNeed.values:
        errors.setdefault("primary_need", []).append("Choose the child's primary need (CIN census code)")
    if route not in CINEpisode.Route.values:
        errors.setdefault("route", []).append("Choose the route: single assessment or strategy discussion")
    if open_cin_episode_for(case.person) is not None:
        errors.setdefault("__all__", []).append(
            "The child already has an open children in need episode: it must close before a new one opens"
        )
    if case.worker is not None:
        problems = allocation_problems(level=4, worker=case.worker, supervisor=new_supervisor, policy=casework_policy())
        for field, messages in problems.items():
            target = "supervisor" if field == "supervisor" else "__all__"
            for message in messages:
                if field == "worker":
                    message = (
                        f"{case.worker} cannot hold level 4 work ({message[0].lower()}{message[1:]}): "
                        "reallocate the case first"
                    )
                errors.setdefault(target, []).append(message)
    raise_if(errors)
    if supervisor_changes:
        _end(actor, case, Allocation.Role.SUPERVISING, on, "Stepped up")
        _start(actor, case, new_supervisor, Allocation.Role.SUPERVISING, on, "Stepped up to level 4")
        case.supervisor = new_supervisor
    change = LevelChange.objects.create(
        case=case,
        from_level=3,
        to_level=4,
        direction=LevelChange.Direction.UP,
        changed_on=on,
        reason=reason.strip(),
        requested_by=requested_by,
        authorised_by=actor,
        created_by=actor,
        modified_by=actor,
    )
    episode = CINEpisode.objects.create(
        case=case,
        person=case.person,
        referral_date=on,
        referral_source=referral_source,
        primary_need=primary_need,
        route=route,
        created_by=actor,
        modified_by=actor,
    )
    case.level = Case.Level.STATUTORY
    _save(case, actor, ["level", "supervisor"])
    chronology_record(
        actor=actor,
        kind="casework.stepped_up",
        summary=f"Case {case.reference} stepped up to level 4 (children's social care), asked by {requested_by} "
        f"and authorised by {actor}: {reason.strip()}",
        occurred_on=on,
        person=case.person,
        subject=change,
        late_reason=late_reason,
    )
    chronology_record(
        actor=actor,
        kind="casework.referral",
        summary=f"Referral to children's social care on stepping up: {episode.get_route_display().lower()}",
        occurred_on=on,
        person=case.person,
        subject=episode,
        late_reason=late_reason,
    )
    return change


@transaction.atomic
def case_step_down(
    *,
    actor: Any,
    case: Case,
    to_level: int,
    requested_by: Any,
    reason: str,
    expected_version: int | None,
    changed_on: date | None = None,
    closure_reason: str = "",
    closing_summary: str = "",
    late_reason: str = "",
) -> LevelChange:
    """Step down in the same case: 4 to 3 closes the CIN episode (CIN closure code) and ends CIN and CP plans;
    to early help (2) or universal services (1) closes the case with that destination.

    `changed_on` (default today) dates the level change and everything it ends (the episode, plans, allocations):
    inside the case and never before a step it closes over (`closure_steps`: an assessment's authorisation, a
    section 47 conclusion, a plan's end...); `late_reason` is required when it is older than the council's
    late-recording days and goes on the chronology events."""
    require(has_verb(actor, roles.ALLOCATE_CASE), "Only a manager can authorise a step down.")
    case = _locked(case)
    require(can_allocate(actor, case), "You cannot change this case.")
    _refuse_closed(case, "changed_on")
    _check_version(case, expected_version)
    errors: dict[str, list[str]] = {}
    if to_level not in (1, 2, 3) or to_level >= case.level:
        errors.setdefault("to_level", []).append(f"Choose a level below the case's level ({case.level})")
    _check_requester(requested_by, errors)
    reason = (reason or "").strip()
    closure_reason = (closure_reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append("Say why the case is stepping down")
    raise_if(errors)
    late_reason = (late_reason or "").strip()
    on, _ = resolve_date(changed_on)
    episode: CINEpisode | None
    if to_level in STEP_DOWN_CLOSES:
        destination = STEP_DOWN_CLOSES[to_level]
        errors, episode, plans = _check_closure(
            case,
            closed_on=on,
            closure_reason=closure_reason or ("" if case.level == 4 else reason),
            step_down_to=destination,
            closing_summary=closing_summary or reason,
            date_field="changed_on",
            late_reason=late_reason,
            label="date of the step down",
            opened_label="date the case opened",
        )
        if case.level == 3:
            errors.pop("closure_reason", None)
        raise_if(errors)
    else:
        episode = CINEpisode.objects.filter(case=case, closed_on__isnull=True).first()
        plans = list(Plan.objects.filter(case=case, ended_on__isnull=True, kind__in=[Plan.Kind.CIN, Plan.Kind.CP]))
        merge_errors(
            errors,
            check_effective_date(
                on,
                field="changed_on",
                label="date of the step down",
                person=case.person,
                after=closure_steps(case, episode, whole_case=False, ending=plans),
                late_reason=late_reason,
            ),
        )
        if (
            Plan.objects.filter(case=case, ended_on__isnull=True, kind=Plan.Kind.LAC).exists()
            or LookedAfterEpisode.objects.filter(person=case.person, ended_on__isnull=True).exists()
        ):
            errors.setdefault("__all__", []).append(
                "The child is looked after: a looked-after child's case cannot step down to family support"
            )
        if episode is not None:
            if closure_reason not in CIN_CLOSURE_CODES:
                errors.setdefault("closure_reason", []).append(
                    "Choose the reason the children in need episode closes (CIN census code RC1 to RC9)"
                )
            for message in episode_close_blockers(episode) + closure_reason_problems(episode, closure_reason):
                errors.setdefault("closure_reason", []).append(message)
        raise_if(errors)
    change = LevelChange.objects.create(
        case=case,
        from_level=case.level,
        to_level=to_level,
        direction=LevelChange.Direction.DOWN,
        changed_on=on,
        reason=reason,
        requested_by=requested_by,
        authorised_by=actor,
        created_by=actor,
        modified_by=actor,
    )
    label = {3: "level 3 (family support)", 2: "early help (level 2)", 1: "universal services (level 1)"}[to_level]
    chronology_record(
        actor=actor,
        kind="casework.stepped_down",
        summary=f"Case {case.reference} stepped down from level {case.level} to {label}, asked by {requested_by} "
        f"and authorised by {actor}: {reason}",
        occurred_on=on,
        person=case.person,
        subject=change,
        late_reason=late_reason,
    )
    if to_level in STEP_DOWN_CLOSES:
        _close(
            actor,
            case,
            closed_on=on,
            closure_reason=closure_reason if episode is not None else (closure_reason or reason),
            step_down_to=STEP_DOWN_CLOSES[to_level],
            closing_summary=closing_summary or reason,
            episode=episode,
            plans=plans,
            late_reason=late_reason,
        )
        return change
    _end_plans(actor, plans, on, "Stepped down to family support", late_reason)
    if episode is not None:
        _close_episode(actor, episode, on, closure_reason)
    case.level = Case.Level.TARGETED
    _save(case, actor, ["level"])
    return change


# --- Sibling groups -----------------------------------------------------------------------------------
def family_ids_of(person: Person) -> set[Any]:
    return set(FamilyMember.objects.filter(person=person, end_date__isnull=True).values_list("family_id", flat=True))


@transaction.atomic
def case_link_siblings(*, actor: Any, case: Case, siblings: list[Case], expected_version: int | None) -> list[Case]:
    """Link the open cases of children in the same family (people.FamilyMember) so they are worked together."""
    require(has_verb(actor, roles.WORK_CASE) or has_verb(actor, roles.ALLOCATE_CASE), "Your role cannot do that.")
    case = _locked(case)
    require(can_work_case(actor, case) or can_allocate(actor, case), "You cannot change this case.")
    _refuse_closed(case, "cases")
    _check_version(case, expected_version)
    ids = {s.pk for s in siblings} - {case.pk}
    if not ids:
        raise DomainError("Choose the brothers' and sisters' cases to link", field="cases")
    others = list(
        Case.objects.select_for_update(of=("self",)).select_related("person").filter(pk__in=ids).order_by("reference")
    )
    families = family_ids_of(case.person)
    errors: list[str] = []
    for other in others:
        if other.closed_on is not None:
            errors.append(f"Case {other.reference} is closed")
        elif not can_view_case(actor, other):
            errors.append(f"You cannot see case {other.reference}")
        elif not families & family_ids_of(other.person):
            errors.append(f"Case {other.reference} is not for a child in the same family")
    if len(others) != len(ids):
        errors.append("One of the cases chosen does not exist")
    if errors:
        raise DomainError(errors={"cases": errors})
    groups = {c.sibling_group for c in [case, *others] if c.sibling_group}
    group = case.sibling_group or next((o.sibling_group for o in others if o.sibling_group), None) or case.pk
    members = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(Q(pk__in=[case.pk, *ids]) | Q(sibling_group__in=groups))
    )
    linked = []
    for member in members:
        if member.pk == case.pk:
            member = case
        if member.sibling_group != group:
            member.sibling_group = group
            _save(member, actor, ["sibling_group"])
            linked.append(member)
    if case not in linked:
        _save(case, actor, [])
    refs = ", ".join(sorted(m.reference for m in members))
    for member in members:
        if member in linked or member.pk == case.pk:
            chronology_record(
                actor=actor,
                kind="casework.siblings_linked",
                summary=f"Worked together with brothers and sisters as a sibling group: cases {refs}",
                occurred_on=clock.today(),
                person=member.person,
                subject=member,
            )
    return members
