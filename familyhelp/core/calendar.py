"""England working-day calendar for statutory clocks.

A *working day* is Monday to Friday that is not an England & Wales bank holiday, as
published by the ``holidays`` package (``country_holidays("GB", subdiv="ENG")``).

Counting convention used by the product (see ``docs/domain/working-days.md``): the start
day is day 0 and is never counted.  ``add_working_days(d, n)`` for ``n > 0`` is the n-th
working day strictly after ``d``; ``working_days_between(start, end)`` counts the working
days ``x`` with ``start < x <= end``.  So a clock "within 45 working days of start" has the
deadline ``add_working_days(start, 45)``, whether or not ``start`` is itself a working day.
``working_days_between_inclusive`` reproduces the DfE CIN validator's convention, in which
the start day counts as day 1 when it is a working day; it exists for comparison only.

Implementation: every function reduces to ``_count_before(o)``, the number of working days
with proleptic Gregorian ordinal ``< o`` (counted from 0001-01-01), and its inverse
``_kth_working_day(k)``.  For the years the ``holidays`` package covers (1872-2100 at the
time of writing) these are two flat lookup tables built lazily on first use (30-40 ms, plus
0.5-0.7 s to import and initialise ``holidays``, which is also deferred to first use);
outside those years the package knows no bank holidays, so only weekends are excluded and
both functions are closed-form weekday arithmetic.  Every call is O(1), correct for every
date from ``date.min`` to ``date.max``, and never needs the range to be extended.
"""

from __future__ import annotations

import functools
import threading
from array import array
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "OFFICE_CLOSES",
    "OFFICE_OPENS",
    "add_working_days",
    "add_working_days_at",
    "add_working_hours",
    "working_hours_between",
    "is_working_day",
    "next_working_day",
    "previous_working_day",
    "within_working_days",
    "working_days_between",
    "working_days_between_inclusive",
]

# Used only if the installed ``holidays`` release does not expose its supported years.
_FALLBACK_START_YEAR = 1872
_FALLBACK_END_YEAR = 2100

_MIN_ORDINAL = date.min.toordinal()  # 1, a Monday
_MAX_ORDINAL = date.max.toordinal()

# Lookup tables, filled by _build_tables() on first use.  Until then _LEN == 0, so every
# fast-path range check fails and the slow path builds the tables.  _LEN is published last
# and never changes again, so a reader that loads _LEN before _BASE and finds it non-zero is
# guaranteed to see the final _BASE and _CUM (fast paths must read them in that order).
_BUILT = False
_BASE = 0  # ordinal of the first day of the table window (1 January)
_LEN = 0  # len(_CUM): the window holds _LEN - 1 days
_CUM: array[int] = array("l")  # _CUM[i] == _count_before(_BASE + i)
_WORKING: array[int] = array("l")  # ordinals of the working days in the window, ascending
_K0 = 0  # _count_before(_BASE): working days before the window (all weekdays)
_NHOL = 0  # weekday bank holidays in the window (all there are)
_LOCK = threading.Lock()


def _build_tables() -> None:
    """Fill the lookup tables from the ``holidays`` package (idempotent, thread-safe)."""
    global _BUILT, _BASE, _LEN, _CUM, _WORKING, _K0, _NHOL
    with _LOCK:
        if _BUILT:
            return
        import holidays  # deferred: importing and initialising it takes ~0.5 s, paid by the first caller

        probe = holidays.country_holidays("GB", subdiv="ENG")
        start_year = int(getattr(probe, "start_year", _FALLBACK_START_YEAR))
        end_year = int(getattr(probe, "end_year", _FALLBACK_END_YEAR))
        listed = holidays.country_holidays("GB", subdiv="ENG", years=range(start_year, end_year + 1))
        by_year: dict[int, set[date]] = {}
        for day in listed:
            by_year.setdefault(day.year, set()).add(day)
        # An observed day could in principle spill into a neighbouring year; widen to fit.
        if by_year:
            start_year = min(start_year, min(by_year))
            end_year = max(end_year, max(by_year))
        base = date(start_year, 1, 1).toordinal()
        stop = date(end_year + 1, 1, 1).toordinal()
        weekday_holidays = {d.toordinal() for days in by_year.values() for d in days if d.weekday() < 5}

        k0 = _weekdays_before(base)
        cum = array("l", [k0])
        working = array("l")
        count = k0
        for o in range(base, stop):
            if (o + 6) % 7 < 5 and o not in weekday_holidays:
                working.append(o)
                count += 1
            cum.append(count)

        _BASE, _CUM, _WORKING, _K0, _NHOL = base, cum, working, k0, len(weekday_holidays)
        _LEN = len(cum)  # published last: fast paths only switch on once everything is set
        _BUILT = True


def _weekdays_before(o: int) -> int:
    """Number of Mondays-Fridays with ordinal in [1, o) (ordinal 1 is a Monday)."""
    q, r = divmod(o - 1, 7)
    return 5 * q + (r if r < 5 else 5)


def _nth_weekday(m: int) -> int:
    """Ordinal of the weekday preceded by exactly m weekdays since ordinal 1."""
    q, r = divmod(m, 5)
    return 1 + 7 * q + r


def _count_before(o: int) -> int:
    """Number of working days with ordinal < o."""
    length = _LEN
    i = o - _BASE
    if 0 <= i < length:
        return _CUM[i]
    if not _BUILT:
        _build_tables()
    i = o - _BASE  # the tables are final from here on
    if 0 <= i < _LEN:
        return _CUM[i]
    # Outside the window there are no bank holidays; after it, subtract all of the window's.
    return _weekdays_before(o) - (_NHOL if i > 0 else 0)


def _kth_working_day(k: int) -> int:
    """Ordinal of the working day preceded by exactly k working days (k may be any int)."""
    if not _BUILT:
        _build_tables()
    j = k - _K0
    if 0 <= j < len(_WORKING):
        return _WORKING[j]
    return _nth_weekday(k if j < 0 else k + _NHOL)


def _to_date(o: int) -> date:
    """date.fromordinal that raises OverflowError, like date arithmetic does."""
    if not _MIN_ORDINAL <= o <= _MAX_ORDINAL:
        raise OverflowError("date value out of range")
    return date.fromordinal(o)


def _reject_datetime(*values: date) -> None:
    """Raise TypeError for datetimes, whose calendar day depends on their time zone."""
    for value in values:
        if isinstance(value, datetime):
            raise TypeError(
                "working-day functions take a date, not a datetime: convert to the Europe/London local date first"
            )


def is_working_day(d: date) -> bool:
    """Return True if d is Monday-Friday and not an England & Wales bank holiday."""
    if type(d) is not date:
        _reject_datetime(d)
    o = d.toordinal()
    length = _LEN
    i = o - _BASE
    if 0 <= i < length - 1:
        return _CUM[i + 1] != _CUM[i]
    return _count_before(o + 1) != _count_before(o)


def add_working_days(start: date, n: int) -> date:
    """Return the n-th working day strictly after start (n > 0), before it (n < 0), or start (n == 0)."""
    if type(start) is not date:
        _reject_datetime(start)
    if n == 0:
        return start
    o = start.toordinal()
    # n > 0: skip the working days <= start, then n - 1 more; n < 0: step back from those < start.
    k = _count_before(o + 1) + n - 1 if n > 0 else _count_before(o) + n
    j = k - _K0
    if 0 <= j < len(_WORKING):
        return date.fromordinal(_WORKING[j])
    return _to_date(_kth_working_day(k))


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days d with start < d <= end (negated if end < start)."""
    if type(start) is not date or type(end) is not date:
        _reject_datetime(start, end)
    so = start.toordinal() + 1
    eo = end.toordinal() + 1
    length = _LEN
    base = _BASE
    if 0 <= so - base < length and 0 <= eo - base < length:
        return _CUM[eo - base] - _CUM[so - base]
    return _count_before(eo) - _count_before(so)


def working_days_between_inclusive(start: date, end: date) -> int:
    """Return the DfE CIN validator's count of working days d with start <= d <= end (mirrored)."""
    if type(start) is not date or type(end) is not date:
        _reject_datetime(start, end)
    s, e = start.toordinal(), end.toordinal()
    if e < s:
        return -(_count_before(s + 1) - _count_before(e))
    return _count_before(e + 1) - _count_before(s)


def within_working_days(start: date, end: date, limit: int) -> bool:
    """Return True if end is on or before add_working_days(start, limit)."""
    if type(end) is not date:
        _reject_datetime(end)
    try:
        deadline = add_working_days(start, limit)
    except OverflowError:
        # The deadline lies beyond date.max (anything is in time) or before date.min (nothing is).
        return limit > 0
    return end <= deadline


def next_working_day(d: date) -> date:
    """Return the first working day strictly after d."""
    return add_working_days(d, 1)


def previous_working_day(d: date) -> date:
    """Return the last working day strictly before d."""
    return add_working_days(d, -1)


# --- Working hours (front-door clocks) ------------------------------------------------------------
# Office hours on working days, in the council's time zone. A clock in working hours only runs
# while the office is open; see docs/domain/working-days.md.
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)
_LONDON = ZoneInfo("Europe/London")


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-hour functions take an aware datetime")
    return moment.astimezone(_LONDON)


def _at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=_LONDON)


def _open_moment(moment: datetime, opens: time, closes: time) -> datetime:
    """The first moment at or after `moment` when the office is open (local time)."""
    local = _local(moment)
    day = local.date()
    if is_working_day(day):
        if local.time() < opens:
            return _at(day, opens)
        if local.time() < closes:
            return local
    return _at(next_working_day(day), opens)


def add_working_hours(
    start: datetime, hours: float, *, opens: time = OFFICE_OPENS, closes: time = OFFICE_CLOSES
) -> datetime:
    """The moment `hours` of office time after `start` (office hours on working days only).

    A clock started outside office hours starts when the office next opens; a deadline that falls
    exactly at closing time stays at closing time rather than moving to the next morning.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    current = _open_moment(start, opens, closes)
    remaining = timedelta(hours=hours)
    while True:
        close_today = _at(current.date(), closes)
        available = close_today - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _at(next_working_day(current.date()), opens)


def working_hours_between(
    start: datetime, end: datetime, *, opens: time = OFFICE_OPENS, closes: time = OFFICE_CLOSES
) -> float:
    """Office hours elapsed from start to end (negative if end is before start)."""
    if end < start:
        return -working_hours_between(end, start, opens=opens, closes=closes)
    a, b = _local(start), _local(end)
    total = timedelta(0)
    day = a.date()
    while day <= b.date():
        if is_working_day(day):
            lo = max(a, _at(day, opens))
            hi = min(b, _at(day, closes))
            if hi > lo:
                total += hi - lo
        day = date.fromordinal(day.toordinal() + 1)
    return total.total_seconds() / 3600


def add_working_days_at(
    start: datetime, n: int, *, opens: time = OFFICE_OPENS, closes: time = OFFICE_CLOSES
) -> datetime:
    """The same office time on the n-th working day after `start` (started outside office hours: from
    the next opening). A contact received on Monday at 10:00 with a one-working-day clock is due on
    Tuesday at 10:00; one received on Friday evening is due on Tuesday at 09:00."""
    begun = _open_moment(start, opens, closes)
    due_day = add_working_days(begun.date(), n)
    return _at(due_day, begun.timetz().replace(tzinfo=None))


@functools.cache
def _bank_holiday_ordinals() -> tuple[int, ...]:
    _build_tables()
    weekdays = (o for o in range(_BASE, _BASE + _LEN - 1) if (o + 6) % 7 < 5)
    working = set(_WORKING)
    return tuple(o for o in weekdays if o not in working)


def bank_holidays() -> tuple[date, ...]:
    """Every England and Wales bank holiday falling on a weekday in the calendar's window, ascending.

    The days are cached as ordinals and made into dates on each call: a cached tuple of dates first built
    under a frozen test clock (freezegun) kept FakeDate objects that Polars cannot read afterwards."""
    return tuple(date.fromordinal(o) for o in _bank_holiday_ordinals())
