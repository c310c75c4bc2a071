"""Every casework deadline, in one place (the working-day convention is docs/domain/working-days.md:
the start day is day 0, the deadline is `add_working_days(start, N)`; months are calendar months).

Work trays, case pages, the API, the measures and the synthetic council all use these functions.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date

from familyhelp.casework.models import CaseworkPolicy
from familyhelp.core import calendar


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the last day of the month when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def single_assessment_due(started_on: date, policy: CaseworkPolicy) -> date:
    """45 working days from the start date (Working Together 2023)."""
    return calendar.add_working_days(started_on, policy.single_assessment_days)


def family_support_assessment_due(started_on: date, policy: CaseworkPolicy) -> date:
    return calendar.add_working_days(started_on, policy.family_support_assessment_days)


def assessment_due(kind: str, started_on: date, policy: CaseworkPolicy) -> date:
    if kind == "single":
        return single_assessment_due(started_on, policy)
    return family_support_assessment_due(started_on, policy)


def icpc_due(strategy_discussion_on: date, policy: CaseworkPolicy) -> date:
    """The initial child protection conference: within 15 working days of the strategy discussion."""
    return calendar.add_working_days(strategy_discussion_on, policy.icpc_days)


def plan_review_due(kind: str, started_on: date, last_review_on: date | None, policy: CaseworkPolicy) -> date:
    """When the plan's next review is due.

    CP: the first review within 3 months of the plan starting (the ICPC date), then every 6 months.
    CIN and family support: every 3 months (configurable). Looked after: the first review within 20 working
    days of coming into care, then 3 months later, then every 6 months.
    """
    if kind == "cp":
        if last_review_on is None:
            return add_months(started_on, policy.cp_first_review_months)
        return add_months(last_review_on, policy.cp_review_months)
    if kind == "lac":
        if last_review_on is None:
            return calendar.add_working_days(started_on, policy.lac_first_review_days)
        return add_months(last_review_on, 6 if last_review_on > add_months(started_on, 2) else 3)
    months = policy.cin_review_months if kind == "cin" else policy.family_support_review_months
    return add_months(last_review_on or started_on, months)


def visit_due(kind: str, last_visit_on: date | None, since: date, policy: CaseworkPolicy) -> date:
    """The next visit is due N working days after the last one in which the child was seen (or the plan or
    assessment start when there has been none); N depends on the plan kind ("assessment" without a plan)."""
    return calendar.add_working_days(last_visit_on or since, policy.visit_days(kind))


@dataclass(frozen=True)
class Clock:
    """A deadline as work trays and case pages show it."""

    label: str
    due_on: date
    today: date

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def working_days_left(self) -> int:
        return calendar.working_days_between(self.today, self.due_on)

    @property
    def tag(self) -> str:
        """GOV.UK tag colour: red when breached, yellow in the last 5 working days, grey otherwise."""
        if self.overdue:
            return "govuk-tag--red"
        if self.working_days_left <= 5:
            return "govuk-tag--yellow"
        return "govuk-tag--grey"
