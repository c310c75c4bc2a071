"""Reporting periods: a month, a quarter, a financial year (April to March) or a custom range.

Keys are what users type and what URLs carry: `2025-01` (a month), `2025-26-Q1` (the first quarter of the
financial year 2025-26: April to June 2025; typed also as `2025-26 Q1`, `2025-26Q1` or `Q1 2025-26`),
`2025-Q1` (January to March 2025, a calendar quarter), `2024-25` (the financial year 1 April 2024 to
31 March 2025) and `2025-01-06..2025-02-14` (a custom range, both days included).

Councils number quarters by the financial year, so "Q1" alone is never shown: every label says the months
("April to June 2025 (Q1 2025-26)", "January to March 2025 (calendar quarter)"). A financial quarter and the
calendar quarter with the same months cover the same days (the figures are the same); they differ in name only.
Every period has a machine `key`, a `label`, and `start` and `end` dates (both included).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
# what a period is, in one word each, as the API and the exports name it
KIND_NAMES = ("month", "financial_quarter", "calendar_quarter", "financial_year", "custom")


class PeriodError(ValueError):
    """A period key that cannot be read; the message says what was expected."""


def _add_months(d: date, months: int) -> date:
    """The first of the month `months` after d's month (d must be a first of the month)."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _year_start(day: date) -> int:
    """The first calendar year of the financial year (April to March) containing day."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_name(start_year: int) -> str:
    """`2025-26` for the financial year April 2025 to March 2026."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # included
    kind: str = CUSTOM
    financial: bool = False  # a quarter numbered by the financial year: 2025-26 Q1 is April to June 2025

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("The end of the period must be on or after its start.")
        if self.financial and self.kind != QUARTER:
            raise PeriodError("Only a quarter is numbered by the financial year.")

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, _month_end(first), MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """A calendar quarter: quarter 1 is January to March of `year`."""
        first = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, _month_end(_add_months(first, 2)), QUARTER)

    @classmethod
    def financial_quarter(cls, start_year: int, quarter: int) -> Period:
        """A quarter of the financial year starting April `start_year`: Q1 is April to June, Q4 January to March
        of the next year."""
        first = _add_months(date(start_year, 4, 1), 3 * (quarter - 1))
        return cls(first, _month_end(_add_months(first, 2)), QUARTER, financial=True)

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        return cls(date(start_year, 4, 1), date(start_year + 1, 3, 31), YEAR)

    @classmethod
    def containing(cls, kind: str, day: date, *, financial: bool = False) -> Period:
        """The month, quarter (numbered by the financial year when `financial`) or financial year containing
        day."""
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == QUARTER:
            if financial:
                return cls.financial_quarter(_year_start(day), (day.month - 4) % 12 // 3 + 1)
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == YEAR:
            return cls.financial_year(_year_start(day))
        raise PeriodError(f"There is no {kind} period containing a day.")

    # --- names ----------------------------------------------------------------------------------
    @property
    def quarter_number(self) -> int:
        """A quarter's number: in its financial year for a financial quarter, else in its calendar year."""
        if self.financial:
            return (self.start.month - 4) % 12 // 3 + 1
        return (self.start.month - 1) // 3 + 1

    @property
    def kind_name(self) -> str:
        """month, financial_quarter, calendar_quarter, financial_year or custom."""
        if self.kind == QUARTER:
            return "financial_quarter" if self.financial else "calendar_quarter"
        return {MONTH: "month", YEAR: "financial_year"}.get(self.kind, "custom")

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER and self.financial:
            return f"{financial_year_name(_year_start(self.start))}-Q{self.quarter_number}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{self.quarter_number}"
        if self.kind == YEAR:
            following = (self.start.year + 1) % 100
            # "2011-12" reads as December 2011: such years are written with a slash
            return f"{self.start.year}{'/' if 1 <= following <= 12 else '-'}{following:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """The period in words, always naming its months: "April to June 2025 (Q1 2025-26)"."""
        if self.kind == MONTH:
            return f"{self.start:%B %Y}"
        if self.kind == QUARTER and self.financial:
            year = financial_year_name(_year_start(self.start))
            return f"{self.start:%B} to {self.end:%B %Y} (Q{self.quarter_number} {year})"
        if self.kind == QUARTER:
            return f"{self.start:%B} to {self.end:%B %Y} (calendar quarter)"
        if self.kind == YEAR:
            return f"{self.start:%B %Y} to {self.end:%B %Y} ({financial_year_name(self.start.year)})"
        return f"{_day(self.start)} to {_day(self.end)}"

    @property
    def short_label(self) -> str:
        """A column heading or a chart's axis label: the months, never a bare quarter number."""
        if self.kind == MONTH:
            return f"{self.start:%b %Y}"
        if self.kind == QUARTER:
            return f"{self.start:%b}–{self.end:%b %Y}"
        if self.kind == YEAR:
            return financial_year_name(self.start.year)
        return f"{self.start:%d/%m/%y}–{self.end:%d/%m/%y}"

    @property
    def dates(self) -> str:
        """The first and last day in words: "1 April 2025 to 30 June 2025"."""
        return f"{_day(self.start)} to {_day(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> dict[str, Any]:
        """The period as the API and the exports carry it: key, kind, label and its first and last days."""
        return {"key": self.key, "kind": self.kind_name, "label": self.label, "start": self.start, "end": self.end}

    def __str__(self) -> str:
        return self.key

    # --- neighbours -----------------------------------------------------------------------------
    def shifted(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (earlier when negative)."""
        if self.kind == MONTH:
            return Period.containing(MONTH, _add_months(self.start, steps))
        if self.kind == QUARTER:
            return Period.containing(QUARTER, _add_months(self.start, 3 * steps), financial=self.financial)
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


def with_dates(rows: Iterable[dict[str, Any]], periods: Iterable[Period]) -> list[dict[str, Any]]:
    """Export rows (each naming its `period` key) with the period's first and last days (ISO dates) added as
    `period_start` and `period_end`, just after `period_label`."""
    by_key = {p.key: p for p in periods}
    out = []
    for row in rows:
        period = by_key.get(row.get("period", ""))
        dated: dict[str, Any] = {}
        for name, value in row.items():
            if name in ("period_start", "period_end"):
                continue
            dated[name] = value
            if name == "period_label":
                dated["period_start"] = period.start.isoformat() if period else row.get("period_start")
                dated["period_end"] = period.end.isoformat() if period else row.get("period_end")
        out.append(dated)
    return out


def with_date_columns(columns: Iterable[str]) -> list[str]:
    """Export columns with `period_start` and `period_end` just after `period_label`."""
    out: list[str] = []
    for name in columns:
        if name in ("period_start", "period_end"):
            continue
        out.append(name)
        if name == "period_label":
            out += ["period_start", "period_end"]
    return out


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_FY = r"(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{4}|\d{2})"
_FINANCIAL_QUARTER = re.compile(rf"^{_FY}\s*[-\s,]?\s*Q([1-4])$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(rf"^Q([1-4])\s*[-\s,]?\s*{_FY}$", re.IGNORECASE)
_BARE_QUARTER = re.compile(r"^Q([1-4])\s*[-\s,]?\s*(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:FY)?(\d{4})[-/](\d{2}|\d{4})$", re.IGNORECASE)
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|_|/)(\d{4}-\d{2}-\d{2})$")
EXPECTED = (
    "Enter a period like 2025-01 (a month), 2025-26 Q1 (April to June 2025, the first quarter of the financial "
    "year 2025-26), 2025-Q1 (January to March 2025, a calendar quarter), 2024-25 (the financial year April 2024 to "
    "March 2025) or 2025-01-06..2025-02-14 (a custom range)"
)


def _follows(first: int, second: str) -> bool:
    """Whether `second` (two or four digits) is the year after `first`."""
    return int(second) == (first + 1 if len(second) == 4 else (first + 1) % 100)


def _financial_quarter(value: str, first: int, second: str, quarter: int) -> Period:
    if not _follows(first, second):
        raise PeriodError(
            f"{value} is not a quarter of a financial year: a financial year runs from April to the next March, "
            f"so its quarters are written like {financial_year_name(first)} Q1 (April to June {first})."
        )
    return Period.financial_quarter(first, quarter)


def parse_period(text: str) -> Period:
    """Read a period key; raise PeriodError saying what was expected."""
    value = " ".join((text or "").split())
    if (match := _MONTH.match(value)) and 1 <= int(match[2]) <= 12:
        return Period.month(int(match[1]), int(match[2]))
    if match and int(match[2]) != (int(match[1]) + 1) % 100:
        raise PeriodError(f"{value} is neither a month nor a financial year. {EXPECTED}.")
    if match := _QUARTER.match(value):
        return Period.quarter(int(match[1]), int(match[2]))
    if match := _FINANCIAL_QUARTER.match(value):
        return _financial_quarter(value, int(match[1]), match[2], int(match[3]))
    if match := _QUARTER_FIRST.match(value):
        return _financial_quarter(value, int(match[2]), match[3], int(match[1]))
    if match := _BARE_QUARTER.match(value):
        number, year = int(match[1]), int(match[2])
        calendar_q, financial_q = Period.quarter(year, number), Period.financial_quarter(year, number)
        raise PeriodError(
            f"{value} could be either of two quarters: write {calendar_q.key} for "
            f"{calendar_q.start:%B} to {calendar_q.end:%B %Y} (a calendar quarter) or "
            f"{financial_year_name(year)} Q{number} for {financial_q.start:%B} to {financial_q.end:%B %Y} "
            f"(quarter {number} of the financial year {financial_year_name(year)})."
        )
    if match := _YEAR.match(value):
        first, second = int(match[1]), match[2]
        if not _follows(first, second):
            raise PeriodError(f"A financial year runs from April to the next March, like {financial_year_name(first)}.")
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
