"""Reporting periods: a month, a calendar quarter, a financial year (April to March) or a custom range.

Keys are what users type and what URLs carry: `2025-01` (a month), `2025-Q1` (January to March 2025, a
calendar quarter), `2024-25` (the financial year 1 April 2024 to 31 March 2025) and
`2025-01-06..2025-02-14` (a custom range, both days included).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)


class PeriodError(ValueError):
    """A period key that cannot be read; the message says what was expected."""


def _add_months(d: date, months: int) -> date:
    """The first of the month `months` after d's month (d must be a first of the month)."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # included
    kind: str = CUSTOM

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("The end of the period must be on or after its start.")

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, _month_end(first), MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, _month_end(_add_months(first, 2)), QUARTER)

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        return cls(date(start_year, 4, 1), date(start_year + 1, 3, 31), YEAR)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """The month, quarter or financial year that contains day."""
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == YEAR:
            return cls.financial_year(day.year if day.month >= 4 else day.year - 1)
        raise PeriodError(f"There is no {kind} period containing a day.")

    # --- names ----------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            following = (self.start.year + 1) % 100
            # "2011-12" reads as December 2011: such years are written with a slash
            return f"{self.start.year}{'/' if 1 <= following <= 12 else '-'}{following:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%B %Y}"
        if self.kind == QUARTER:
            return f"{self.start:%B} to {self.end:%B %Y}"
        if self.kind == YEAR:
            return f"Financial year {self.start.year} to {self.end.year}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"

    @property
    def short_label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%b %Y}"
        if self.kind == QUARTER:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == YEAR:
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
        return f"{self.start:%d/%m/%y}–{self.end:%d/%m/%y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.key

    # --- neighbours -----------------------------------------------------------------------------
    def shifted(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (earlier when negative)."""
        if self.kind == MONTH:
            return Period.containing(MONTH, _add_months(self.start, steps))
        if self.kind == QUARTER:
            return Period.containing(QUARTER, _add_months(self.start, 3 * steps))
        if self.kind == YEAR:
            return Period.financial_year(self.start.year + steps)
        length = timedelta(days=self.days * steps)
        return Period(self.start + length, self.end + length, CUSTOM)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return self.shifted(-1)

    def last_year(self) -> Period:
        """The same period a year earlier (29 February becomes 28 February)."""
        if self.kind in (MONTH, QUARTER, YEAR):
            return self.shifted({MONTH: -12, QUARTER: -4, YEAR: -1}[self.kind])

        def back(d: date) -> date:
            return d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else date(d.year - 1, 2, 28)

        return Period(back(self.start), back(self.end), CUSTOM)

    def trend(self, count: int) -> list[Period]:
        """`count` periods of this kind ending with this one, oldest first."""
        return [self.shifted(-i) for i in range(count - 1, -1, -1)]

    def months(self) -> list[Period]:
        """The calendar months this period touches, oldest first."""
        out, first = [], self.start.replace(day=1)
        while first <= self.end:
            out.append(Period.month(first.year, first.month))
            first = _add_months(first, 1)
        return out


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:FY)?(\d{4})[-/](\d{2}|\d{4})$", re.IGNORECASE)
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|_|/)(\d{4}-\d{2}-\d{2})$")
EXPECTED = (
    "Enter a period like 2025-01 (a month), 2025-Q1 (January to March 2025), 2024-25 (the financial year "
    "April 2024 to March 2025) or 2025-01-06..2025-02-14 (a custom range)"
)


def parse_period(text: str) -> Period:
    """Read a period key; raise PeriodError saying what was expected."""
    value = (text or "").strip()
    if (match := _MONTH.match(value)) and 1 <= int(match[2]) <= 12:
        return Period.month(int(match[1]), int(match[2]))
    if match and int(match[2]) != (int(match[1]) + 1) % 100:
        raise PeriodError(f"{value} is neither a month nor a financial year. {EXPECTED}.")
    if match := _QUARTER.match(value):
        return Period.quarter(int(match[1]), int(match[2]))
    if match := _YEAR.match(value):
        first, second = int(match[1]), match[2]
        following = int(second) if len(second) == 4 else (first + 1) % 100
        if (len(second) == 4 and following != first + 1) or (len(second) == 2 and int(second) != (first + 1) % 100):
            raise PeriodError(
                f"A financial year runs from April to the next March, like {first}-{(first + 1) % 100:02d}."
            )
        return Period.financial_year(first)
    if match := _CUSTOM.match(value):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as exc:
            raise PeriodError(f"{value} contains a date that does not exist. {EXPECTED}.") from exc
        if end < start:
            raise PeriodError("The end of the period must be on or after its start.")
        if (end - start).days > 3 * 366:
            raise PeriodError("A custom period can be at most three years long.")
        return Period(start, end, CUSTOM)
    raise PeriodError(f"{EXPECTED}.")
