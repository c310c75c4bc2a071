"""Tests for the England working-day calendar (familyhelp.core.calendar).

These tests need neither Django nor a database.  Hand-worked examples spell out the
counting in comments; property tests compare against a deliberately naive day-by-day
oracle built straight from the ``holidays`` package; a cross-check compares our
non-working weekdays with GOV.UK's published England & Wales bank holidays.
"""

from __future__ import annotations

import contextlib
import importlib
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from types import ModuleType

import holidays
import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays
from hypothesis import given, settings
from hypothesis import strategies as st

import familyhelp.core.calendar as calendar_module
from familyhelp.core.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    previous_working_day,
    within_working_days,
    working_days_between,
    working_days_between_inclusive,
)

D = date

# --------------------------------------------------------------------------------------
# Naive oracle: one day at a time, straight from the holidays package.
# --------------------------------------------------------------------------------------


@cache
def _oracle_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def oracle_is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _oracle_holidays(d.year)


def oracle_add(d: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if oracle_is_working_day(d):
            remaining -= 1
    return d


def oracle_between(start: date, end: date) -> int:
    if end < start:
        return -oracle_between(end, start)
    return sum(oracle_is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


# Dates either side of the holidays package's coverage (1872-2100) as well as the busy middle.
modern_dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31))
any_dates = st.one_of(
    modern_dates,
    st.dates(min_value=D(1860, 1, 1), max_value=D(2115, 12, 31)),
    st.dates(),  # date.min .. date.max
)
offsets = st.integers(min_value=-800, max_value=800)
positive = st.integers(min_value=0, max_value=800)


# --------------------------------------------------------------------------------------
# Hand-worked examples
# --------------------------------------------------------------------------------------


def test_weekdays_and_weekends() -> None:
    assert is_working_day(D(2025, 3, 7))  # Friday
    assert not is_working_day(D(2025, 3, 8))  # Saturday
    assert not is_working_day(D(2025, 3, 9))  # Sunday
    assert is_working_day(D(2025, 3, 10))  # Monday


def test_friday_plus_one_is_monday() -> None:
    # Fri 7 Mar 2025 -> Sat 8, Sun 9 skipped -> Mon 10 Mar is working day 1.
    assert add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)
    assert next_working_day(D(2025, 3, 7)) == D(2025, 3, 10)
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 1
    # ...and Monday minus one is the Friday.
    assert add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)
    assert previous_working_day(D(2025, 3, 10)) == D(2025, 3, 7)


def test_saturday_start() -> None:
    sat = D(2025, 3, 8)
    # The start day is day 0 even when it is not a working day: Mon 10 is day 1 ...
    assert add_working_days(sat, 1) == D(2025, 3, 10)
    # ... Mon 10, Tue 11, Wed 12, Thu 13, Fri 14 are days 1-5.
    assert add_working_days(sat, 5) == D(2025, 3, 14)
    assert working_days_between(sat, D(2025, 3, 14)) == 5
    # Nothing between Saturday and Sunday; n=0 returns the Saturday unchanged.
    assert working_days_between(sat, D(2025, 3, 9)) == 0
    assert add_working_days(sat, 0) == sat
    # Backwards: the working day before Saturday is Friday 7 Mar.
    assert add_working_days(sat, -1) == D(2025, 3, 7)
    assert previous_working_day(sat) == D(2025, 3, 7)
    assert working_days_between(sat, D(2025, 3, 7)) == 0  # (Fri 7, Sat 8] holds no working day
    assert working_days_between(sat, D(2025, 3, 6)) == -1  # (Thu 6, Sat 8] holds Fri 7


def test_christmas_and_new_year_2024_25() -> None:
    # Wed 25 Dec 2024 Christmas Day, Thu 26 Dec Boxing Day, Wed 1 Jan 2025 New Year's Day.
    for holiday in (D(2024, 12, 25), D(2024, 12, 26), D(2025, 1, 1)):
        assert not is_working_day(holiday)
    assert is_working_day(D(2024, 12, 24))  # Christmas Eve is a working day
    assert is_working_day(D(2024, 12, 27))
    assert is_working_day(D(2024, 12, 31))
    # From Tue 24 Dec: Fri 27 (1), Mon 30 (2), Tue 31 (3), [Wed 1 Jan], Thu 2 Jan (4).
    assert add_working_days(D(2024, 12, 24), 1) == D(2024, 12, 27)
    assert add_working_days(D(2024, 12, 24), 3) == D(2024, 12, 31)
    assert add_working_days(D(2024, 12, 24), 4) == D(2025, 1, 2)
    assert working_days_between(D(2024, 12, 24), D(2025, 1, 2)) == 4
    assert working_days_between(D(2025, 1, 2), D(2024, 12, 24)) == -4
    assert add_working_days(D(2025, 1, 2), -4) == D(2024, 12, 24)


def test_easter_2025() -> None:
    # Good Friday 18 Apr 2025, Easter Monday 21 Apr 2025.
    assert not is_working_day(D(2025, 4, 18))
    assert not is_working_day(D(2025, 4, 21))
    # Thu 17 Apr + 1: Fri 18 (holiday), Sat, Sun, Mon 21 (holiday) -> Tue 22 Apr.
    assert add_working_days(D(2025, 4, 17), 1) == D(2025, 4, 22)
    assert working_days_between(D(2025, 4, 17), D(2025, 4, 22)) == 1
    assert previous_working_day(D(2025, 4, 22)) == D(2025, 4, 17)


def test_substitute_christmas_days_2021_and_2022() -> None:
    # 2021: Christmas Day Sat 25, Boxing Day Sun 26 -> substitutes Mon 27 and Tue 28 Dec.
    assert not is_working_day(D(2021, 12, 27))
    assert not is_working_day(D(2021, 12, 28))
    # Fri 24 Dec 2021 + 1: Sat, Sun, Mon 27 (sub), Tue 28 (sub) -> Wed 29 Dec.
    assert add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 29)
    # New Year's Day 2022 was a Saturday -> substitute Mon 3 Jan; Fri 31 Dec + 1 = Tue 4 Jan.
    assert not is_working_day(D(2022, 1, 3))
    assert add_working_days(D(2021, 12, 31), 1) == D(2022, 1, 4)
    # 2022: Christmas Day Sun 25 -> substitute Tue 27; Boxing Day Mon 26 is itself a holiday.
    assert not is_working_day(D(2022, 12, 26))
    assert not is_working_day(D(2022, 12, 27))
    assert is_working_day(D(2022, 12, 28))
    # Fri 23 Dec 2022 + 1: Sat, Sun, Mon 26, Tue 27 -> Wed 28 Dec.
    assert add_working_days(D(2022, 12, 23), 1) == D(2022, 12, 28)
    assert working_days_between(D(2022, 12, 23), D(2022, 12, 30)) == 3  # Wed 28, Thu 29, Fri 30


def test_early_may_bank_holiday_moved_for_ve_day_2020() -> None:
    # In 2020 the early May bank holiday moved from Mon 4 May to Fri 8 May (VE Day 75).
    assert is_working_day(D(2020, 5, 4))
    assert not is_working_day(D(2020, 5, 8))
    assert add_working_days(D(2020, 5, 1), 1) == D(2020, 5, 4)  # Fri 1 May + 1 = Mon 4 May
    assert add_working_days(D(2020, 5, 7), 1) == D(2020, 5, 11)  # Thu 7 May + 1 = Mon 11 May
    # Fri 1 May -> Mon 4 .. Thu 7 are 4 working days, Fri 8 is not: 4 up to Sun 10 May.
    assert working_days_between(D(2020, 5, 1), D(2020, 5, 10)) == 4


def test_royal_one_off_bank_holidays() -> None:
    # State funeral of Queen Elizabeth II, Mon 19 Sep 2022: Fri 16 Sep + 1 = Tue 20 Sep.
    assert not is_working_day(D(2022, 9, 19))
    assert add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)
    # Coronation of King Charles III, Mon 8 May 2023 (a week after the early May holiday, 1 May).
    assert not is_working_day(D(2023, 5, 8))
    assert not is_working_day(D(2023, 5, 1))
    assert add_working_days(D(2023, 5, 5), 1) == D(2023, 5, 9)
    # Platinum Jubilee: spring bank holiday moved to Thu 2 Jun 2022 plus Fri 3 Jun 2022.
    assert add_working_days(D(2022, 6, 1), 1) == D(2022, 6, 6)
    assert is_working_day(D(2022, 5, 30))  # the usual last-Monday-of-May date was worked


def test_single_assessment_45_working_days_over_easter_2025() -> None:
    # Assessment starts Mon 3 Mar 2025 (day 0). Counting working days after it:
    #   Tue 4 - Fri 7 Mar       4  (4)
    #   10-14, 17-21, 24-28 Mar 15  (19)
    #   31 Mar - 4 Apr           5  (24)
    #   7-11 Apr                 5  (29)
    #   14-17 Apr                4  (33)  Fri 18 Apr Good Friday
    #   22-25 Apr                4  (37)  Mon 21 Apr Easter Monday
    #   28 Apr - 2 May           5  (42)
    #   Tue 6, Wed 7, Thu 8 May  3  (45)  Mon 5 May early May bank holiday
    # -> authorised by Thu 8 May 2025 (45 weekdays alone would have ended on Mon 5 May).
    start = D(2025, 3, 3)
    deadline = D(2025, 5, 8)
    assert add_working_days(start, 45) == deadline
    assert working_days_between(start, deadline) == 45
    assert within_working_days(start, deadline, 45)
    assert not within_working_days(start, D(2025, 5, 9), 45)
    assert within_working_days(start, D(2025, 5, 7), 45)


def test_single_assessment_45_working_days_over_christmas_2024() -> None:
    # Start Mon 4 Nov 2024. Nov 5-8 (4), then six full weeks to Fri 20 Dec (34),
    # Mon 23, Tue 24 (36), [25, 26 Dec], Fri 27 (37), Mon 30, Tue 31 (39), [1 Jan],
    # Thu 2, Fri 3 Jan (41), Mon 6 - Thu 9 Jan (45) -> Thu 9 Jan 2025.
    assert add_working_days(D(2024, 11, 4), 45) == D(2025, 1, 9)


def test_icpc_15_working_days_from_strategy_discussion() -> None:
    # Strategy discussion Thu 10 Apr 2025 (day 0). Fri 11 (1), Mon 14 - Thu 17 (5),
    # [Good Friday 18, Easter Monday 21], Tue 22 - Fri 25 (9), Mon 28 Apr - Fri 2 May (14),
    # [Mon 5 May bank holiday], Tue 6 May (15).
    strategy = D(2025, 4, 10)
    assert add_working_days(strategy, 15) == D(2025, 5, 6)
    assert within_working_days(strategy, D(2025, 5, 6), 15)
    assert not within_working_days(strategy, D(2025, 5, 7), 15)
    # The DfE validator's inclusive count makes the same ICPC day 16, because Thu 10 Apr is
    # itself counted as day 1: its 15th working day is Fri 2 May.
    assert working_days_between(strategy, D(2025, 5, 6)) == 15
    assert working_days_between_inclusive(strategy, D(2025, 5, 6)) == 16
    assert working_days_between_inclusive(strategy, D(2025, 5, 2)) == 15


def test_front_door_one_working_day() -> None:
    # Contact Fri 23 May 2025; Mon 26 May is the spring bank holiday -> decision due Tue 27 May.
    contact = D(2025, 5, 23)
    assert add_working_days(contact, 1) == D(2025, 5, 27)
    assert within_working_days(contact, D(2025, 5, 27), 1)
    assert not within_working_days(contact, D(2025, 5, 28), 1)
    # A contact on Sunday 25 May has the same deadline.
    assert add_working_days(D(2025, 5, 25), 1) == D(2025, 5, 27)


def test_inclusive_convention_hand_examples() -> None:
    # Same day: a working day counts as 1 inclusively, 0 exclusively; a Saturday counts 0 both ways.
    assert working_days_between_inclusive(D(2025, 3, 7), D(2025, 3, 7)) == 1
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 7)) == 0
    assert working_days_between_inclusive(D(2025, 3, 8), D(2025, 3, 8)) == 0
    # Fri 7 -> Mon 10 Mar 2025: inclusive {Fri, Mon} = 2, exclusive {Mon} = 1.
    assert working_days_between_inclusive(D(2025, 3, 7), D(2025, 3, 10)) == 2
    assert working_days_between_inclusive(D(2025, 3, 10), D(2025, 3, 7)) == -2
    # Sat 8 -> Mon 10: the start is not a working day, so both conventions give 1.
    assert working_days_between_inclusive(D(2025, 3, 8), D(2025, 3, 10)) == 1


def test_zero_and_equal_dates() -> None:
    for d in (D(2025, 3, 7), D(2025, 3, 8), D(2024, 12, 25)):
        assert add_working_days(d, 0) == d
        assert working_days_between(d, d) == 0
        assert within_working_days(d, d, 0)
        assert not within_working_days(d, d + timedelta(days=1), 0)


def oracle_weekdays_between(start: date, end: date) -> int:
    """Weekdays in (start, end] minus the weekday bank holidays the holidays package lists."""
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * 5 + sum(
        (start + timedelta(days=i)).weekday() < 5 for i in range(full_weeks * 7 + 1, full_weeks * 7 + extra + 1)
    )
    listed = holidays.country_holidays("GB", subdiv="ENG", years=range(1800, 2201))
    return count - sum(1 for h in listed if h.weekday() < 5 and start < h <= end)


def test_extremes_of_the_date_range() -> None:
    # date.min (1 Jan 0001) is a Monday and date.max (31 Dec 9999) a Friday.
    assert add_working_days(date.min, 3) == D(1, 1, 4)
    assert add_working_days(date.max, -3) == D(9999, 12, 28)
    assert working_days_between(date.min, date.max) == oracle_weekdays_between(date.min, date.max)
    with pytest.raises(OverflowError):
        add_working_days(date.max, 1)
    with pytest.raises(OverflowError):
        add_working_days(date.min, -1)
    assert within_working_days(date.max, date.max, 5)
    assert not within_working_days(date.min, date.min, -1)


def test_edges_of_the_holidays_package_coverage() -> None:
    # The lookup tables cover the package's years; either side only weekends are excluded.
    for d in (D(1871, 12, 20), D(1872, 1, 1), D(2100, 12, 20), D(2101, 1, 1)):
        for n in (-30, -1, 1, 30):
            assert add_working_days(d, n) == oracle_add(d, n), (d, n)
        assert working_days_between(d - timedelta(days=40), d + timedelta(days=40)) == oracle_between(
            d - timedelta(days=40), d + timedelta(days=40)
        )
    assert not is_working_day(D(2100, 12, 27))  # Christmas Day 2100 (Sat), observed Mon 27
    assert is_working_day(D(2101, 12, 26))  # no bank holidays known after 2100


def test_datetimes_are_rejected() -> None:
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 3, 7, 23, 30))
    with pytest.raises(TypeError):
        add_working_days(datetime(2025, 3, 7), 1)
    with pytest.raises(TypeError):
        working_days_between(D(2025, 3, 7), datetime(2025, 3, 10))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # Each call is the first after a reload, so it must build the lookup tables itself.
        (lambda cal: cal.working_days_between(D(2000, 1, 1), D(2000, 1, 1)), 0),
        (lambda cal: cal.working_days_between(D(2024, 12, 24), D(2025, 1, 2)), 4),
        (lambda cal: cal.working_days_between_inclusive(D(2025, 3, 7), D(2025, 3, 10)), 2),
        (lambda cal: cal.is_working_day(D(2025, 4, 18)), False),
        (lambda cal: cal.is_working_day(D(100, 1, 1)), True),  # Friday, before the tables
        (lambda cal: cal.add_working_days(D(2025, 4, 17), 1), D(2025, 4, 22)),
        (lambda cal: cal.add_working_days(D(2025, 4, 22), -1), D(2025, 4, 17)),
        (lambda cal: cal.within_working_days(D(2025, 4, 10), D(2025, 5, 7), 15), False),
        (lambda cal: cal.next_working_day(D(2022, 9, 16)), D(2022, 9, 20)),
        (lambda cal: cal.previous_working_day(D(2023, 5, 9)), D(2023, 5, 5)),
    ],
)
def test_first_call_builds_tables(call: Callable[[ModuleType], object], expected: object) -> None:
    fresh = importlib.reload(calendar_module)
    assert not fresh._BUILT
    assert call(fresh) == expected
    assert fresh._BUILT
    assert call(fresh) == expected


def test_calendar_does_not_import_django() -> None:
    code = "import sys, familyhelp.core.calendar; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


# --------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------


@given(any_dates, positive)
def test_round_trip(d: date, n: int) -> None:
    try:
        target = add_working_days(d, n)
    except OverflowError:
        return
    assert working_days_between(d, target) == n


@given(any_dates, offsets)
def test_add_result_is_a_working_day(d: date, n: int) -> None:
    try:
        result = add_working_days(d, n)
    except OverflowError:
        return
    if n == 0:
        assert result == d
    else:
        assert is_working_day(result)
        assert (result > d) == (n > 0)


@given(any_dates, offsets, offsets)
def test_add_is_monotonic_in_n(d: date, n: int, m: int) -> None:
    lo, hi = sorted((n, m))
    with contextlib.suppress(OverflowError):
        assert add_working_days(d, lo) <= add_working_days(d, hi)
        if lo < hi and lo != 0 and hi != 0:
            assert add_working_days(d, lo) < add_working_days(d, hi)


@given(any_dates, any_dates, positive)
def test_add_is_monotonic_in_start(a: date, b: date, n: int) -> None:
    a, b = sorted((a, b))
    with contextlib.suppress(OverflowError):
        assert add_working_days(a, n) <= add_working_days(b, n)


@given(any_dates, any_dates, any_dates)
def test_counting_is_monotonic_in_end(start: date, e1: date, e2: date) -> None:
    e1, e2 = sorted((e1, e2))
    assert working_days_between(start, e1) <= working_days_between(start, e2)


@given(any_dates, any_dates, any_dates)
def test_counting_is_additive(a: date, b: date, c: date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(any_dates, any_dates)
def test_counting_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)
    if a != b:  # inclusively, a working day counts 1 with itself
        assert working_days_between_inclusive(a, b) == -working_days_between_inclusive(b, a)


@given(any_dates, st.integers(min_value=1, max_value=800))
def test_negative_steps_mirror_positive_steps(d: date, n: int) -> None:
    try:
        back = add_working_days(d, -n)
        forward_again = add_working_days(back, n)
        there = add_working_days(d, n)
        and_back = add_working_days(there, -n)
    except OverflowError:
        return
    # Going back n then forward n lands on d itself if d is a working day, else on the next one.
    assert forward_again == (d if is_working_day(d) else next_working_day(d))
    # Forward then back lands on d, or the previous working day if d is not one.
    assert and_back == (d if is_working_day(d) else previous_working_day(d))
    # back is the n-th working day before d, so (back, d) holds n - 1 of them; (back, d] adds d
    # itself if it is a working day (the start-excluded, end-included convention).
    assert working_days_between(back, d) == n - 1 + is_working_day(d)


@given(any_dates, any_dates, st.integers(min_value=-800, max_value=800))
def test_within_is_consistent_with_counting(start: date, end: date, limit: int) -> None:
    result = within_working_days(start, end, limit)
    count = working_days_between(start, end)
    if limit >= 1 and end >= start:
        assert result == (count < limit or (count == limit and is_working_day(end)))
    if limit >= 0 and end <= start:
        assert result
    if limit == 0:
        assert result == (end <= start)
    if result and end >= start:
        assert count <= limit


@given(any_dates, any_dates)
def test_inclusive_differs_by_the_start_day(a: date, b: date) -> None:
    start, end = sorted((a, b))
    assert working_days_between_inclusive(start, end) == working_days_between(start, end) + is_working_day(start)


@given(any_dates)
def test_next_and_previous(d: date) -> None:
    try:
        nxt = next_working_day(d)
        prev = previous_working_day(d)
    except OverflowError:
        return
    assert prev < d < nxt
    assert is_working_day(nxt) and is_working_day(prev)
    assert working_days_between(d, nxt) == 1
    assert working_days_between(prev, d) == is_working_day(d)
    gap = [prev + timedelta(days=i) for i in range(1, (nxt - prev).days)]
    assert [x for x in gap if is_working_day(x)] == ([d] if is_working_day(d) else [])


@settings(max_examples=300)
@given(st.one_of(modern_dates, st.dates(min_value=D(1860, 1, 1), max_value=D(2115, 12, 31))), offsets)
def test_agrees_with_naive_oracle(d: date, n: int) -> None:
    assert is_working_day(d) == oracle_is_working_day(d)
    expected = oracle_add(d, n)
    assert add_working_days(d, n) == expected
    assert working_days_between(d, expected) == oracle_between(d, expected)


# --------------------------------------------------------------------------------------
# Cross-check with GOV.UK's England and Wales bank holidays (bundled offline copy)
# --------------------------------------------------------------------------------------

CROSS_CHECK_YEARS = range(2012, 2029)
REQUIRED_YEARS = set(range(2012, 2027))


@cache
def _govuk_by_year() -> dict[int, frozenset[date]]:
    rows = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    by_year: dict[int, set[date]] = {}
    for row in rows:
        by_year.setdefault(row["date"].year, set()).add(row["date"])
    return {year: frozenset(days) for year, days in by_year.items()}


def test_govuk_cached_data_covers_required_years() -> None:
    covered = set(_govuk_by_year())
    missing = REQUIRED_YEARS - covered
    assert not missing, f"GOV.UK cached bank holidays do not cover {sorted(missing)}; covered: {sorted(covered)}"
    # Every year it covers is a full year (England & Wales always has at least 8).
    assert all(len(_govuk_by_year()[y]) >= 8 for y in REQUIRED_YEARS)


@pytest.mark.parametrize("year", CROSS_CHECK_YEARS)
def test_non_working_weekdays_match_govuk(year: int) -> None:
    govuk = _govuk_by_year().get(year)
    if govuk is None:
        assert year not in REQUIRED_YEARS
        pytest.skip(f"GOV.UK cached data does not cover {year}")
    # GOV.UK lists the days off (substitute days, not weekend dates), so all are weekdays.
    assert all(d.weekday() < 5 for d in govuk)
    days = [D(year, 1, 1) + timedelta(days=i) for i in range((D(year + 1, 1, 1) - D(year, 1, 1)).days)]
    ours = {d for d in days if d.weekday() < 5 and not is_working_day(d)}
    assert ours == govuk, f"only ours: {sorted(ours - govuk)}, only GOV.UK: {sorted(govuk - ours)}"
