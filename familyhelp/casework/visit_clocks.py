"""When the child's next statutory visit is due (docs/domain/casework.md, "Visits, case notes and the casework
policy").

The frequency depends on the open plan's kind (cp, lac, cin, family_support; "assessment" while there is no
plan) and is set in the casework policy in working days. The clock runs from the later of:
- the last visit in which the child was seen (alone or with others: a "not seen" visit does not reset it), and
- the start of the current plan (or, with no plan, the date the case was allocated, else opened),
so a new plan restarts the clock at its own frequency and a visit made before it does not count against it.
When a child has more than one open plan (a looked-after child who is also on a CP plan), the most frequent
visiting applies. Closed cases have no visit clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Max

from familyhelp.casework import clocks, memo
from familyhelp.casework.models import Case, CaseworkPolicy, Plan, Visit
from familyhelp.casework.policy import casework_policy

ASSESSMENT = "assessment"
LABEL = "Next visit"


def _choose_plan(plans: Iterable[Plan], policy: CaseworkPolicy) -> Plan | None:
    """The open plan whose visiting is most frequent (ties: the most recently started)."""
    best: Plan | None = None
    for plan in plans:
        if best is None:
            best = plan
            continue
        key = (policy.visit_days(plan.kind), -plan.started_on.toordinal())
        best_key = (policy.visit_days(best.kind), -best.started_on.toordinal())
        if key < best_key:
            best = plan
    return best


def _open_plans(case: Case) -> list[Plan]:
    return memo.remembered(
        "open_plans",
        case.pk,
        lambda: list(Plan.objects.filter(case=case, ended_on__isnull=True).only("id", "kind", "started_on", "case_id")),
    )


def visit_kind(case: Case, *, policy: CaseworkPolicy | None = None) -> str:
    """The visiting regime of the case: the open plan's kind (cp/lac/cin/family_support), else "assessment"."""
    policy = policy or casework_policy()
    plan = _choose_plan(_open_plans(case), policy)
    return plan.kind if plan else ASSESSMENT


def _since(case: Case, plan: Plan | None) -> date:
    if plan is not None:
        return plan.started_on
    return case.allocated_on or case.opened_on


def _clock(
    case: Case, plan: Plan | None, last_seen_on: date | None, today: date, policy: CaseworkPolicy
) -> clocks.Clock | None:
    if case.closed_on is not None or case.status == Case.Status.CLOSED:
        return None
    kind = plan.kind if plan else ASSESSMENT
    since = _since(case, plan)
    last = last_seen_on if last_seen_on is not None and last_seen_on >= since else None
    return clocks.Clock(label=LABEL, due_on=clocks.visit_due(kind, last, since, policy), today=today)


def last_seen_on(case: Case) -> date | None:
    """The date of the last visit in which the child was seen (alone or with others)."""
    return memo.remembered(
        "last_seen_on",
        case.pk,
        lambda: (
            Visit.objects.filter(case=case).exclude(seen=Visit.Seen.NOT_SEEN).aggregate(last=Max("visited_on"))["last"]
        ),
    )


def visit_clock(case: Case, today: date, *, policy: CaseworkPolicy | None = None) -> clocks.Clock | None:
    """The case's next-visit clock (None for a closed case)."""
    if case.closed_on is not None:
        return None
    policy = policy or casework_policy()
    plan = _choose_plan(_open_plans(case), policy)
    return _clock(case, plan, last_seen_on(case), today, policy)


def visit_clocks(
    cases: Iterable[Case], today: date, *, policy: CaseworkPolicy | None = None
) -> dict[Any, clocks.Clock]:
    """Next-visit clocks for many cases (work trays): one query for the last visits, one for the open plans
    (plus the policy, unless given). Closed cases are left out of the result."""
    open_cases = [c for c in cases if c.closed_on is None and c.status != Case.Status.CLOSED]
    if not open_cases:
        return {}
    policy = policy or casework_policy()
    last: dict[Any, date] = {}
    plans: dict[Any, list[Plan]] = {}
    ids = []
    for case in open_cases:  # a case whose page has read both already needs no query
        has_plans, case_plans = memo.known("open_plans", case.pk)
        has_last, case_last = memo.known("last_seen_on", case.pk)
        if has_plans and has_last:
            plans[case.pk] = case_plans
            if case_last is not None:
                last[case.pk] = case_last
        else:
            ids.append(case.pk)
    if ids:
        last.update(
            {
                row["case_id"]: row["last"]
                for row in Visit.objects.filter(case_id__in=ids)
                .exclude(seen=Visit.Seen.NOT_SEEN)
                .values("case_id")
                .annotate(last=Max("visited_on"))
                .order_by()
            }
        )
        for plan in Plan.objects.filter(case_id__in=ids, ended_on__isnull=True).only(
            "id", "kind", "started_on", "case_id"
        ):
            plans.setdefault(plan.case_id, []).append(plan)
    result: dict[Any, clocks.Clock] = {}
    for case in open_cases:
        memo.remember("open_plans", case.pk, plans.get(case.pk, []))
        memo.remember("last_seen_on", case.pk, last.get(case.pk))
        clock = _clock(case, _choose_plan(plans.get(case.pk, []), policy), last.get(case.pk), today, policy)
        if clock is not None:
            result[case.pk] = clock
    return result
