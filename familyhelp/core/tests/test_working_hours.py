"""Office-hour clocks for the front door (docs/domain/working-days.md)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyhelp.core.calendar import add_working_days_at, add_working_hours, working_hours_between

LONDON = ZoneInfo("Europe/London")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 3, 9, 10), 4, at(2026, 3, 9, 14)),  # within one day
        (at(2026, 3, 9, 16), 4, at(2026, 3, 10, 12)),  # overnight
        (at(2026, 3, 6, 15, 30), 4, at(2026, 3, 9, 11, 30)),  # over a weekend
        (at(2026, 12, 24, 16), 4, at(2026, 12, 29, 12)),  # Christmas and the Boxing Day substitute
        (at(2026, 3, 9, 7), 8, at(2026, 3, 9, 17)),  # before opening: starts at 09:00, ends at closing
        (at(2026, 3, 7, 12), 1, at(2026, 3, 9, 10)),  # on a Saturday: starts Monday 09:00
    ],
)
def test_add_working_hours(start, hours, due):
    assert add_working_hours(start, hours) == due


def test_add_working_days_at_keeps_the_office_time():
    assert add_working_days_at(at(2026, 3, 9, 10), 1) == at(2026, 3, 10, 10)
    assert add_working_days_at(at(2026, 3, 6, 20), 1) == at(2026, 3, 10, 9)  # Friday evening
    assert add_working_days_at(at(2026, 4, 2, 11), 1) == at(2026, 4, 7, 11)  # Good Friday, Easter Monday


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 3, 9, 10), 1)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
    st.integers(min_value=0, max_value=60),
)
def test_working_hours_between_inverts_add_working_hours(start, hours):
    start = start.replace(tzinfo=LONDON)
    due = add_working_hours(start, hours)
    assert working_hours_between(start, due) == pytest.approx(hours)
