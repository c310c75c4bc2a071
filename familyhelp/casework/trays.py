"""Reads for the duty bank, allocation, work trays and case lists (selectors: they take the user and apply scope).

Every query here is a fixed number of statements whatever the number of rows (no N+1): clocks, plans and
caseloads for many cases are fetched in one query each and joined in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework import clocks
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseworkPolicy,
    Plan,
    PlanAction,
    S47Enquiry,
)
from familyhelp.casework.permissions import can_view_case
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services.cases import WORKER_ROLES, family_ids_of
from familyhelp.core import calendar, clock
from familyhelp.frontdoor.models import ThresholdDecision
from familyhelp.organisation.models import Locality, Team
from familyhelp.people.models import FamilyMember, Person, PersonAddress
from familyhelp.people.permissions import scope_people

ASSESSMENT = "assessment"


# --- Case lists ------------------------------------------------------------------------------------------
def case_list_for_user(user: Any) -> QuerySet[Case]:
    """The cases whose children are in the user's record scope (plus, for managers who allocate, the duty bank's
    unrestricted cases). Restricted children appear (their names are masked where listed)."""
    if not has_verb(user, roles.VIEW_CASE):
        return Case.objects.none()
    in_scope = scope_people(user, Person.objects.all()).values("pk")
    q = Q(person__in=in_scope)
    if has_verb(user, roles.ALLOCATE_CASE):
        q |= Q(status=Case.Status.AWAITING_ALLOCATION, person__is_restricted=False)
    return (
        Case.objects.filter(q)
        .select_related("person", "team", "worker", "supervisor")
        .order_by("-opened_on", "reference")
    )


# --- Caseloads ------------------------------------------------------------------------------------------
def case_kind(plan_kinds: list[str], policy: CaseworkPolicy) -> str:
    """The case type for caseload weighting: the heaviest open plan's kind, else "assessment"."""
    if not plan_kinds:
        return ASSESSMENT
    return max(plan_kinds, key=policy.weight)


@dataclass
class Caseload:
    children: int = 0
    weighted: float = 0.0
    supervising: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def caseloads_for(worker_ids: list[Any], policy: CaseworkPolicy | None = None) -> dict[Any, Caseload]:
    """Each worker's current caseload: children on open cases they lead, weighted by case type, and the cases
    they supervise (three queries)."""
    policy = policy or casework_policy()
    out: dict[Any, Caseload] = {pk: Caseload() for pk in worker_ids}
    open_cases = Case.objects.filter(closed_on__isnull=True, status=Case.Status.OPEN)
    kinds: dict[Any, list[str]] = defaultdict(list)
    for case_id, kind in Plan.objects.filter(
        case__in=open_cases.filter(worker_id__in=worker_ids), ended_on__isnull=True
    ).values_list("case_id", "kind"):
        kinds[case_id].append(kind)
    children: dict[Any, set[Any]] = defaultdict(set)
    for case_id, worker_id, person_id in open_cases.filter(worker_id__in=worker_ids).values_list(
        "pk", "worker_id", "person_id"
    ):
        load = out[worker_id]
        kind = case_kind(kinds.get(case_id, []), policy)
        if person_id not in children[worker_id]:
            children[worker_id].add(person_id)
            load.children += 1
        load.weighted += policy.weight(kind)
        load.by_kind[kind] = load.by_kind.get(kind, 0) + 1
    for worker_id in open_cases.filter(supervisor_id__in=worker_ids).values_list("supervisor_id", flat=True):
        out[worker_id].supervising += 1
    for load in out.values():
        load.weighted = round(load.weighted, 2)
    return out


@dataclass
class Candidate:
    worker: Any
    caseload: Caseload


def candidate_workers(
    *, team: Any = None, locality: Any = None, policy: CaseworkPolicy | None = None
) -> list[Candidate]:
    """Workers a case can be allocated to (social workers, family support workers, family help practitioners),
    with their team, locality and caseload; lightest weighted caseload first."""
    workers = User.objects.filter(is_active=True, role__in=WORKER_ROLES).select_related("team", "team__locality")
    if team is not None:
        workers = workers.filter(team=team)
    if locality is not None:
        workers = workers.filter(team__locality=locality)
    found = list(workers.order_by("last_name", "first_name", "username"))
    loads = caseloads_for([w.pk for w in found], policy)
    rows = [Candidate(worker=w, caseload=loads[w.pk]) for w in found]
    rows.sort(key=lambda r: (r.caseload.weighted, r.caseload.children))
    return rows


def candidate_workers_qs() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=WORKER_ROLES).select_related("team")


def social_workers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=roles.Role.SOCIAL_WORKER).select_related("team")


def caseworkers() -> QuerySet[User]:
    """Practitioners who may ask for a step up or down (anyone who works cases)."""
    verbs_roles = [r for r, verbs in roles.ROLE_VERBS.items() if roles.WORK_CASE in verbs]
    return User.objects.filter(is_active=True, role__in=verbs_roles).select_related("team")


# --- The duty bank ---------------------------------------------------------------------------------------
@dataclass
class DutyBankFilters:
    level: int | None = None
    locality: str = ""
    team: str = ""

    @classmethod
    def from_query(cls, query: Any) -> DutyBankFilters:
        level = str(query.get("level", "")).strip()
        return cls(
            level=int(level) if level in ("3", "4") else None,
            locality=str(query.get("locality", "")).strip()[:40],
            team=str(query.get("team", "")).strip()[:40],
        )


@dataclass
class DutyBankRow:
    case: Case
    age: int  # working days since the case opened
    locality: Locality | None
    deciding_team: Team | None


def _duty_bank_qs(user: Any) -> QuerySet[Case]:
    qs = Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION, closed_on__isnull=True)
    if not has_verb(user, roles.ALLOCATE_CASE):
        return qs.none()
    restricted_in_scope = scope_people(user, Person.objects.filter(is_restricted=True)).values("pk")
    return qs.filter(Q(person__is_restricted=False) | Q(person__in=restricted_in_scope))


def duty_bank_for_user(
    user: Any, filters: DutyBankFilters | None = None, *, today: date | None = None
) -> list[DutyBankRow]:
    """Decided but unallocated work, oldest first, with its age in working days since it opened.

    Locality is the child's current address's locality, else the deciding team's; the team filter is the team of
    the manager who authorised the front-door decision.
    """
    filters = filters or DutyBankFilters()
    today = today or clock.today()
    address_locality = Subquery(
        PersonAddress.objects.filter(person=OuterRef("person"), end_date__isnull=True)
        .order_by("-start_date")
        .values("address__locality_id")[:1]
    )
    deciders = ThresholdDecision.objects.filter(
        contact=OuterRef("contact"), status=ThresholdDecision.Status.AUTHORISED
    ).order_by("-authorised_at")
    qs = (
        _duty_bank_qs(user)
        .select_related("person", "contact")
        .annotate(
            fh_address_locality=address_locality,
            fh_deciding_team=Subquery(deciders.values("authorised_by__team_id")[:1]),
            fh_deciding_locality=Subquery(deciders.values("authorised_by__team__locality_id")[:1]),
        )
        .order_by("opened_on", "reference")
    )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.locality:
        qs = qs.filter(
            Q(fh_address_locality=filters.locality)
            | Q(fh_address_locality__isnull=True, fh_deciding_locality=filters.locality)
        )
    if filters.team:
        qs = qs.filter(fh_deciding_team=filters.team)
    cases = list(qs[:500])
    localities = Locality.objects.in_bulk({c.fh_address_locality or c.fh_deciding_locality for c in cases} - {None})
    teams = Team.objects.in_bulk({c.fh_deciding_team for c in cases} - {None})
    return [
        DutyBankRow(
            case=c,
            age=calendar.working_days_between(c.opened_on, today),
            locality=localities.get(c.fh_address_locality or c.fh_deciding_locality),
            deciding_team=teams.get(c.fh_deciding_team),
        )
        for c in cases
    ]


def duty_bank_summary(user: Any, *, team: Any = None, today: date | None = None) -> dict[str, Any]:
    """How much work waits in the duty bank, by level, and the oldest item's age in working days."""
    today = today or clock.today()
    rows = duty_bank_for_user(user, DutyBankFilters(team=str(team.pk) if team is not None else ""), today=today)
    return {
        "count": len(rows),
        "level_3": sum(1 for r in rows if r.case.level == 3),
        "level_4": sum(1 for r in rows if r.case.level == 4),
        "oldest": rows[0] if rows else None,
    }


# --- Siblings --------------------------------------------------------------------------------------------
def sibling_cases(case: Case) -> list[Case]:
    """The other cases in the case's sibling group."""
    if not case.sibling_group:
        return []
    return list(
        Case.objects.filter(sibling_group=case.sibling_group)
        .exclude(pk=case.pk)
        .select_related("person", "worker")
        .order_by("reference")
    )


def sibling_candidates(case: Case, user: Any) -> list[Case]:
    """Open cases of other children in the same family (people.FamilyMember) that the user can see and that are
    not yet in this case's sibling group."""
    families = family_ids_of(case.person)
    if not families:
        return []
    children = FamilyMember.objects.filter(family_id__in=families, end_date__isnull=True).exclude(person=case.person)
    qs = (
        Case.objects.filter(person__in=children.values("person_id"), closed_on__isnull=True)
        .select_related("person", "worker")
        .order_by("reference")
    )
    if case.sibling_group:
        qs = qs.exclude(sibling_group=case.sibling_group)
    return [c for c in qs if can_view_case(user, c)]


# --- Clocks for many cases ---------------------------------------------------------------------------------
def clocks_for_cases(
    cases: list[Case], today: date, policy: CaseworkPolicy | None = None, *, loaded: LoadedCase | None = None
) -> dict[Any, list[Any]]:
    """Every running clock of each case (assessment, ICPC, plan review, visit): five queries in all, or none
    beyond the visit clock's for one case whose records the page has read already (`loaded`)."""
    policy = policy or casework_policy()
    ids = [c.pk for c in cases]
    out: dict[Any, list[Any]] = {pk: [] for pk in ids}
    if not ids:
        return out
    if loaded is None:
        assessments: Iterable[Assessment] = Assessment.objects.filter(
            case_id__in=ids, status__in=RUNNING_ASSESSMENT
        ).only("case_id", "kind", "due_on")
        enquiries: Iterable[S47Enquiry] = (
            S47Enquiry.objects.filter(case_id__in=ids, icpc_on__isnull=True)
            .filter(Q(concluded_on__isnull=True) | Q(outcome=S47Enquiry.Outcome.ICPC))
            .only("case_id", "icpc_due_on")
        )
        plans: Iterable[Plan] = (
            Plan.objects.filter(case_id__in=ids, ended_on__isnull=True)
            .annotate(last_review=Max("reviews__held_on"))
            .only("case_id", "kind", "started_on")
        )
    else:  # the same rules as the queries above, on rows already read
        assessments = [a for a in loaded.assessments if a.status in RUNNING_ASSESSMENT]
        enquiries = [
            e
            for e in loaded.enquiries
            if e.icpc_on is None and (e.concluded_on is None or e.outcome == S47Enquiry.Outcome.ICPC)
        ]
        plans = [p for p in loaded.plans if p.ended_on is None]
        for plan in plans:
            plan.last_review = max((r.held_on for r in plan.reviews.all()), default=None)  # type: ignore[attr-defined]
    for a in assessments:
        out[a.case_id].append(clocks.Clock(label=f"{a.get_kind_display()} due", due_on=a.due_on, today=today))
    for s in enquiries:
        out[s.case_id].append(
            clocks.Clock(label="Initial child protection conference due", due_on=s.icpc_due_on, today=today)
        )
    for plan in plans:
        due = clocks.plan_review_due(plan.kind, plan.started_on, plan.last_review, policy)  # type: ignore[attr-defined]
        out[plan.case_id].append(clocks.Clock(label=f"{plan.get_kind_display()} review due", due_on=due, today=today))
    for case_id, visit in _visit_clocks(cases, today, policy).items():
        out[case_id].append(visit)
    for found in out.values():
        found.sort(key=lambda c: c.due_on)
    return out


RUNNING_ASSESSMENT = (Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED)


@dataclass(frozen=True)
class LoadedCase:
    """One case's records as its page read them: every assessment and enquiry, and the plan chain with its
    reviews prefetched."""

    assessments: list[Assessment]
    enquiries: list[S47Enquiry]
    plans: list[Plan]


def _visit_clocks(cases: list[Case], today: date, policy: CaseworkPolicy) -> dict[Any, Any]:
    from familyhelp.casework.visit_clocks import visit_clocks

    return visit_clocks(cases, today, policy=policy)


def open_plan_kinds(case_ids: list[Any]) -> dict[Any, list[str]]:
    kinds: dict[Any, list[str]] = defaultdict(list)
    for case_id, kind in Plan.objects.filter(case_id__in=case_ids, ended_on__isnull=True).values_list(
        "case_id", "kind"
    ):
        kinds[case_id].append(kind)
    return kinds


# --- Work trays ------------------------------------------------------------------------------------------
@dataclass
class TrayCase:
    case: Case
    role: str
    plan_kinds: list[str]
    clocks: list[Any]

    @property
    def breached(self) -> bool:
        return any(c.overdue for c in self.clocks)

    @property
    def plan_label(self) -> str:
        labels = dict(Plan.Kind.choices)
        return ", ".join(str(labels[k]) for k in self.plan_kinds) or "No plan yet"


@dataclass
class MyWork:
    cases: list[TrayCase]
    actions: list[PlanAction]
    today: date

    @property
    def breaches(self) -> int:
        return sum(1 for c in self.cases for k in c.clocks if k.overdue) + sum(
            1 for a in self.actions if a.due_on and a.due_on < self.today
        )


def my_work(user: Any, *, today: date | None = None) -> MyWork:
    """The practitioner's tray: the open cases they lead or supervise, with clocks, and their plan actions."""
    today = today or clock.today()
    policy = casework_policy()
    cases = list(
        Case.objects.filter(Q(worker=user) | Q(supervisor=user), closed_on__isnull=True)
        .select_related("person", "team")
        .order_by("person__family_name", "person__given_names", "reference")
    )
    running = clocks_for_cases(cases, today, policy)
    kinds = open_plan_kinds([c.pk for c in cases])
    rows = [
        TrayCase(
            case=c,
            role=str(Allocation.Role.LEAD.label if c.worker_id == user.pk else Allocation.Role.SUPERVISING.label),
            plan_kinds=kinds.get(c.pk, []),
            clocks=running.get(c.pk, []),
        )
        for c in cases
    ]
    rows.sort(key=lambda r: (not r.breached, min((k.due_on for k in r.clocks), default=date.max)))
    actions = list(
        PlanAction.objects.filter(
            owner=user,
            status__in=[PlanAction.Status.OPEN, PlanAction.Status.IN_PROGRESS],
            plan__ended_on__isnull=True,
        )
        .select_related("plan", "plan__case", "plan__person")
        .order_by("due_on", "created_at")[:200]
    )
    return MyWork(cases=rows, actions=actions, today=today)


@dataclass
class TeamTray:
    team: Any
    workers: list[Candidate]
    duty_bank: dict[str, Any]
    breaches: list[tuple[Case, Any]]
    today: date


def team_tray(user: Any, *, today: date | None = None) -> TeamTray:
    """The manager's tray: caseloads per worker in their team, unallocated work and every breached clock."""
    today = today or clock.today()
    policy = casework_policy()
    team = user.team
    workers = candidate_workers(team=team, policy=policy) if team is not None else []
    workers.sort(key=lambda r: (r.worker.last_name, r.worker.first_name, r.worker.username))
    cases = list(
        Case.objects.filter(team=team, closed_on__isnull=True).select_related("person", "worker")
        if team is not None
        else []
    )
    running = clocks_for_cases(cases, today, policy)
    breaches = [(c, k) for c in cases for k in running.get(c.pk, []) if k.overdue]
    breaches.sort(key=lambda pair: pair[1].due_on)
    return TeamTray(
        team=team, workers=workers, duty_bank=duty_bank_summary(user, today=today), breaches=breaches, today=today
    )
