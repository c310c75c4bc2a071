"""Issue 13: measures read every record that can land in a period, so the drill-down lists exactly what the
report counts.

One council whose records are entered late is built once for the module (and rolled back afterwards):
contacts received months (one over a year) before they were decided, decisions authorised at half past
midnight on 1 April in British Summer Time (still 31 March in UTC), assessments authorised long after they
started, conferences held months after the enquiry, referrals dated before their case was opened, episodes
closed years after the referral, a child referred twice in one month. For every registered measure, every
figure, five kinds of period (a month, a calendar and a financial quarter, a financial year and a custom
range across a year end) and three filters (none, a team, level 4) it checks:

- the report's figure (`engine.build_report`, windowed to its periods) equals the same figure computed from
  every row ever recorded (`Facts()` unwindowed): the window loses nothing;
- the drill-down (`engine.drill_down`, windowed to the one period) lists as many records as the figure
  counts: the value of a count, the numerator of a percentage, a rate or an average. Figures that are not a
  count of records (a ratio, a median or quartile) have no drill-down.

Figures are compared unsuppressed (the CSV's `c` is applied after, to the same numbers).

Before the fix, "decisions within the front-door clock" read contacts by when they were *received*
(from 62 days before the earliest period) while counting them by when they were *decided*: the April 2025
drill-down read contacts received from 30 January and listed none of those received in November 2024, and
the report missed the one received in January 2024; decisions authorised at 00:30 BST on 1 April were read
from 00:00 UTC on 1 April and lost; and a team filter dropped referrals whose case was opened after the
period (the cases were read only if opened by its end).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from familyhelp.casework.models import Assessment
from familyhelp.core import clock
from familyhelp.frontdoor.models import ThresholdDecision
from familyhelp.performance import engine
from familyhelp.performance.facts import Facts, specs
from familyhelp.performance.filters import Filters
from familyhelp.performance.measures import (
    AVERAGE,
    COUNT,
    MEASURES,
    PERCENT,
    RATE,
    EventMeasure,
    Figure,
    Records,
    evaluate,
    figure_of,
    window_problems,
)
from familyhelp.performance.periods import Period
from familyhelp.performance.selectors_dashboard import drilldown_listing_for_user

from . import world as w

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 11, 20)
PERIODS = {
    "month": Period.month(2025, 4),  # April 2025: the decisions authorised at 00:30 BST on 1 April
    "calendar-quarter": Period.quarter(2025, 1),  # January to March 2025
    "financial-quarter": Period.financial_quarter(2025, 1),  # April to June 2025
    "financial-year": Period.financial_year(2024),  # April 2024 to March 2025
    "custom": Period(D(2024, 12, 15), D(2025, 4, 10)),  # across the year end and the financial year end
}
FILTERS = ("whole council", "team", "level 4")
COUNTED = {COUNT, PERCENT, RATE, AVERAGE}  # units whose figure counts records


@dataclass
class Council:
    filters: dict[str, Filters]
    cache: dict[tuple[str, ...], Any] = field(default_factory=dict)


def _build() -> dict[str, Filters]:
    w.council()
    a, b = w.team(name="Team A"), w.team(name="Team B")
    permanent = w.worker(team=a, job_role="social_worker", employment="permanent")
    agency = w.worker(team=a, job_role="social_worker", employment="agency")
    other = w.worker(team=b, job_role="social_worker", employment="agency", date_joined=w.at(2025, 2, 3))
    manager = w.worker(team=a)

    # --- front door: contacts decided months after they arrived, decisions authorised at 00:30 BST ----------
    sources = ["1A", "2A", "3A", "4", "5A", "6", "7", "8", "9", "10"]
    late = [
        # (received, decided, in time, outcome, level)
        *[(w.at(2024, 11, 4 + i), w.at(2025, 4, 1, 0, 30), i % 3 == 0, "single_assessment", 4) for i in range(7)],
        *[(w.at(2024, 12, 2 + i), w.at(2025, 4, 15 + i), i % 2 == 0, "strategy_discussion", 4) for i in range(6)],
        *[(w.at(2024, 1, 8 + i), w.at(2025, 4, 22), False, "nfa", 2) for i in range(3)],  # over a year later
        *[(w.at(2024, 10, 1 + i), w.at(2025, 1, 1, 0, 15), True, "family_support", 3) for i in range(5)],
        *[(w.at(2025, 3, 3 + i), w.at(2025, 6, 2 + i), i < 2, "advice", 2) for i in range(4)],
        *[(w.at(2024, 6, 3 + i), w.at(2025, 3, 31, 23, 45), True, "signpost", 2) for i in range(3)],
    ]
    for index, (received, decided, in_time, outcome, level) in enumerate(late):
        due = decided + datetime.timedelta(hours=1) if in_time else received + datetime.timedelta(days=1)
        contact = w.contact(received, source=sources[index % len(sources)], decided=decided, due=due)
        w.decision(contact, outcome, decided, manager, level=level)
    for index in range(30):  # contacts not yet decided, across the year
        w.contact(w.at(2024, 10, 1) + datetime.timedelta(days=9 * index), source=sources[index % 7])
    w.contact(w.at(2025, 3, 31, 23, 30), source="6")  # 23:30 BST on 31 March: received in March
    assert ThresholdDecision.objects.count() == len(late)

    # --- casework: referrals before their case opened, late authorisations and conferences, long episodes ----
    def new_case(team: Any, worker: Any, opened: datetime.date, level: int = 4) -> Any:
        kase = w.case(team=team, worker=worker, opened=opened, level=level)
        w.allocation(kase, worker, started=opened)
        return kase

    for index in range(14):
        team, worker = (a, permanent) if index % 3 else (b, other)
        referred = D(2024, 11, 4) + datetime.timedelta(days=11 * index)
        kase = new_case(team, worker, referred + datetime.timedelta(days=70 + index))  # opened months later
        ep = w.episode(kase, referred, source=sources[index % len(sources)])
        started = referred + datetime.timedelta(days=3)
        authorised = started + datetime.timedelta(days=40 + 25 * (index % 5))  # some after 45 working days
        Assessment.objects.bulk_create([w.assessment(kase, started=started, authorised=authorised)])
        if index % 2:
            s47 = w.s47(kase, ep, started=started, icpc=started + datetime.timedelta(days=10 + 30 * (index % 4)))
            if s47.icpc_on and index % 4 == 1:
                w.cp_plan(kase, started=s47.icpc_on, previous=index % 3)
        if index % 4 == 0:
            w.level_change(kase, referred + datetime.timedelta(days=120), "down", manager)

    # a child referred twice in one month (one case, two referrals: listed twice), re-referred within a year
    twice = new_case(a, agency, D(2024, 6, 3))
    w.episode(twice, D(2024, 6, 3), closed=D(2024, 9, 30))
    w.episode(twice, D(2025, 4, 2), closed=D(2025, 4, 9))
    w.episode(twice, D(2025, 4, 28), closed=D(2025, 6, 30))
    Assessment.objects.bulk_create(
        [
            w.assessment(twice, started=D(2025, 4, 2), authorised=D(2025, 4, 8)),
            w.assessment(twice, started=D(2025, 4, 28), authorised=D(2025, 4, 30)),
        ]
    )
    w.level_change(twice, D(2025, 4, 10), "up", manager)
    w.level_change(twice, D(2025, 4, 20), "down", manager)
    # episodes referred years ago and closed in the periods; family support assessments authorised late
    for index in range(8):
        team, worker = (a, agency) if index % 2 else (b, other)
        kase = new_case(team, worker, D(2022, 5, 2) + datetime.timedelta(days=30 * index), level=3 + index % 2)
        w.episode(
            kase,
            D(2022, 5, 2) + datetime.timedelta(days=30 * index),
            closed=D(2025, 1, 6) + datetime.timedelta(days=17 * index),
        )
        Assessment.objects.bulk_create(
            [
                w.assessment(
                    kase,
                    kind=Assessment.Kind.FAMILY_SUPPORT,
                    started=D(2024, 9, 2),
                    authorised=D(2025, 1, 13) + datetime.timedelta(days=14 * index),
                    outcome=["plan", "step_up", "close", "step_down", "strategy", ""][index % 6],
                )
            ]
        )
        if index % 3 == 0:
            w.level_change(kase, D(2025, 2, 3) + datetime.timedelta(days=20 * index), "up", manager)
    # plans and care that started long before every period: repeats, a plan ended in April 2025
    for index in range(6):
        kase = new_case(a if index % 2 else b, permanent if index % 2 else other, D(2021, 3, 1))
        w.episode(kase, D(2021, 3, 1))
        w.cp_plan(kase, started=D(2021, 9, 1), ended=D(2023, 9, 1))
        w.cp_plan(kase, started=D(2025, 2, 10) + datetime.timedelta(days=7 * index))
        if index == 0:  # a conference held four months after the enquiry started
            ep = kase.cin_episodes.get()
            w.s47(kase, ep, started=D(2024, 12, 2), icpc=D(2025, 4, 7))
        ended = D(2025, 4, 30) if index == 0 else None
        w.looked_after(kase, started=D(2022, 1, 10) + datetime.timedelta(days=40 * index), ended=ended, uasc=index < 2)
    return {
        "whole council": Filters(),
        "team": Filters(team=a.pk.hex),
        "level 4": Filters(level=4),
    }


@pytest.fixture(scope="module")
def council(django_db_setup: None, django_db_blocker: Any) -> Iterator[Council]:
    """The council, with the application's clock frozen at noon on TODAY (Polars cannot take freezegun's dates)."""
    noon = datetime.datetime(2025, 11, 20, 12, tzinfo=datetime.UTC)
    with (
        mock.patch.object(clock, "now", return_value=noon),
        mock.patch.object(clock, "today", return_value=TODAY),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield Council(_build())
        transaction.set_rollback(True)


def _report(council: Council, key: str, kind: str, name: str) -> engine.MeasureReport:
    cached = ("report", key, kind, name)
    if cached not in council.cache:
        report = engine.build_report(
            PERIODS[kind], council.filters[name], keys=[key], today=TODAY, benchmarks=False
        ).get(key)
        council.cache[cached] = report
    return council.cache[cached]


def _truth(council: Council, key: str, kind: str, name: str) -> list[Figure] | None:
    """The figures from every row ever recorded (no read window)."""
    cached = ("truth", key, kind, name)
    if cached not in council.cache:
        values = evaluate(MEASURES[key], Facts(filters=council.filters[name]), [PERIODS[kind]], TODAY)
        council.cache[cached] = None if values is None else values[PERIODS[kind]]
    return council.cache[cached]


def _counted(figure: Figure) -> int | None:
    """The number of records a figure counts (None: it is not a count of records)."""
    if figure.unit == COUNT:
        return int(figure.value or 0)
    if figure.unit in COUNTED:
        return figure.numerator or 0
    return None


def _check(council: Council, key: str, figure_key: str, kind: str, name: str) -> None:
    report = _report(council, key, kind, name)
    truth = _truth(council, key, kind, name)
    period, filters = PERIODS[kind], council.filters[name]
    if not report.available:
        assert truth is None
        with pytest.raises(KeyError):
            engine.drill_down(key, figure_key, period, filters, today=TODAY)
        return
    assert truth is not None
    figure, whole = figure_of(report.current, figure_key), figure_of(truth, figure_key)
    assert figure is not None and whole is not None, f"{key} has no figure {figure_key}"
    assert (figure.value, figure.numerator, figure.denominator) == (whole.value, whole.numerator, whole.denominator), (
        f"{key} {figure_key} {period.key} ({name}): the report's window lost records"
    )
    count = _counted(figure)
    if count is None:
        with pytest.raises(KeyError):
            engine.drill_down(key, figure_key, period, filters, today=TODAY)
        return
    records = engine.drill_down(key, figure_key, period, filters, today=TODAY)
    assert records.total == count, (
        f"{key} {figure_key} {period.key} ({name}): drill-down {records.total}, report {count}"
    )


CASES = [
    pytest.param(key, figure_key, kind, id=f"{key}-{figure_key}-{kind}")
    for key in sorted(MEASURES)
    for figure_key in MEASURES[key].figure_keys()
    for kind in PERIODS
]


@pytest.mark.parametrize(("key", "figure_key", "kind"), CASES)
def test_the_drill_down_lists_what_the_report_counts(council: Council, key: str, figure_key: str, kind: str) -> None:
    for name in FILTERS:
        _check(council, key, figure_key, kind, name)


@pytest.mark.parametrize("kind", list(PERIODS))
def test_every_figure_a_report_prints_is_checked(council: Council, kind: str) -> None:
    """The figures known without data are every figure but the per-team caseloads, which are checked here."""
    for key in MEASURES:
        for name in FILTERS:
            report = _report(council, key, kind, name)
            printed = {f.key for f in report.current}
            extra = printed - set(MEASURES[key].figure_keys())
            assert all(k.startswith("team-") for k in extra), (key, extra)
            for figure_key in sorted(extra):
                _check(council, key, figure_key, kind, name)


def test_the_council_holds_late_records_in_every_period(council: Council) -> None:
    """The fixture bites: the late decisions and referrals land in the periods checked."""
    april = {f.key: f for f in _report(council, "decision-clock", "month", "whole council").current}
    assert april["total"].value == 7 + 6 + 3  # decided in April 2025, received 4 to 16 months before
    conversion = {f.key: f for f in _report(council, "conversion", "month", "whole council").current}
    assert conversion["total"].value == 16  # seven authorised at 00:30 BST on 1 April (31 March in UTC)
    for kind in PERIODS:
        for key in ("decision-clock", "referrals", "assessment-timeliness", "icpc-timeliness", "cin-closed-3-months"):
            total = figure_of(_report(council, key, kind, "whole council").current, "total")
            assert total is not None and total.value, (key, kind)


def test_every_measure_counts_by_a_date_its_frame_is_read_by() -> None:
    assert window_problems() == []
    all_specs = specs()
    for name in ("contacts", "decisions", "referrals", "assessments", "s47", "cp_plans", "level_changes"):
        assert all_specs[name].counts_by is not None, name
    assert all_specs["contacts"].counted == {"received_on", "decided_on"}
    assert all_specs["s47"].counted == {"started_on", "icpc_on"}


def test_a_measure_counting_by_another_date_than_its_frame_is_reported() -> None:
    from dataclasses import replace

    clock_measure = MEASURES["decision-clock"]
    assert isinstance(clock_measure, EventMeasure)
    wrong = replace(clock_measure, frame="decisions", frames=("decisions",))
    assert window_problems([wrong]) == ["decision-clock counts by decided_on; decisions is read by authorised_on"]


def test_a_case_counted_twice_is_listed_twice(council: Council) -> None:
    """The child referred twice in April 2025 is one case behind two referrals: the listing has both."""
    records = engine.drill_down("referrals", "total", PERIODS["month"], Filters(), today=TODAY)
    assert records.total == len(records.ids) == 2 and len(set(records.ids)) == 1
    listing = drilldown_listing_for_user(w.worker(role="analyst", team=None), records)
    assert (listing.total, listing.hidden) == (2, 2)  # an analyst sees counts only
    assert drilldown_listing_for_user(w.worker(role="analyst", team=None), Records("case", [])).total == 0
