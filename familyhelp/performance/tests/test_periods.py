from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyhelp.performance.periods import Period, PeriodError, parse_period

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2025-01", D(2025, 1, 1), D(2025, 1, 31), "January 2025"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
        ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31), "January to March 2025 (calendar quarter)"),
        ("2025q4", D(2025, 10, 1), D(2025, 12, 31), "October to December 2025 (calendar quarter)"),
        ("2024-25", D(2024, 4, 1), D(2025, 3, 31), "April 2024 to March 2025 (2024-25)"),
        ("FY2024/2025", D(2024, 4, 1), D(2025, 3, 31), "April 2024 to March 2025 (2024-25)"),
        ("2011/12", D(2011, 4, 1), D(2012, 3, 31), "April 2011 to March 2012 (2011-12)"),
        ("2011-12", D(2011, 12, 1), D(2011, 12, 31), "December 2011"),
        ("2025-01-06..2025-02-14", D(2025, 1, 6), D(2025, 2, 14), "6 January 2025 to 14 February 2025"),
    ],
)
def test_parse_period(text: str, start: datetime.date, end: datetime.date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a period like 2025-01"),
        ("2025-13", "2025-13 is neither a month nor a financial year"),
        ("2024-26", "2024-26 is neither a month nor a financial year"),
        ("2024/2026", "A financial year runs from April to the next March, like 2024-25"),
        ("2025-02-30..2025-03-01", "contains a date that does not exist"),
        ("2025-03-01..2025-02-01", "The end of the period must be on or after its start"),
        ("2020-01-01..2025-01-01", "at most three years"),
    ],
)
def test_bad_periods_say_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_comparisons() -> None:
    q1 = parse_period("2025-Q1")
    assert q1.previous().key == "2024-Q4"
    assert q1.last_year().key == "2024-Q1"
    assert [p.key for p in q1.trend(3)] == ["2024-Q3", "2024-Q4", "2025-Q1"]
    assert parse_period("2025-01").last_year().key == "2024-01"
    assert parse_period("2024-25").previous().key == "2023-24"
    custom = parse_period("2024-02-29..2024-03-09")  # 10 days
    assert (custom.previous().start, custom.previous().end) == (D(2024, 2, 19), D(2024, 2, 28))
    assert (custom.last_year().start, custom.last_year().end) == (D(2023, 2, 28), D(2023, 3, 9))
    assert [m.key for m in q1.months()] == ["2025-01", "2025-02", "2025-03"]


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), st.sampled_from(["month", "quarter", "year"]))
def test_periods_of_a_kind_tile_the_calendar(day: datetime.date, kind: str) -> None:
    period = Period.containing(kind, day)
    assert period.start <= day <= period.end
    assert period.shifted(1).start == period.end + datetime.timedelta(days=1)
    assert period.shifted(-1).end == period.start - datetime.timedelta(days=1)
