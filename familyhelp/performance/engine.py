"""Reports: the library's measures for a period, its comparisons and trend, with benchmarks, commentary,
drill-down to records, and the aggregate rows the CSV, the API and the pack print (with small counts
suppressed)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from familyhelp.core import clock

from .facts import Facts, plain_read
from .filters import Filters
from .measures import (
    COUNT,
    HIGHER,
    LOWER,
    MEASURES,
    PERCENT,
    Figure,
    Measure,
    Records,
    evaluate,
    figure_of,
    format_value,
)
from .periods import CUSTOM, MONTH, QUARTER, YEAR, Period

TREND_LENGTH = {MONTH: 13, QUARTER: 5, YEAR: 3, CUSTOM: 2}
SUPPRESSED = "c"


def suppression_threshold() -> int:
    return int(getattr(settings, "FAMILYHELP_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class BenchmarkFigure:
    kind: str
    label: str
    figure: str
    value: float
    year: str
    source: str


@dataclass
class MeasureReport:
    measure: Measure
    available: bool
    current: list[Figure] = field(default_factory=list)
    previous: list[Figure] = field(default_factory=list)
    last_year: list[Figure] = field(default_factory=list)
    trend: list[tuple[Period, Figure | None]] = field(default_factory=list)
    benchmarks: list[BenchmarkFigure] = field(default_factory=list)
    commentary: str = ""

    @property
    def headline(self) -> Figure | None:
        return figure_of(self.current, self.measure.headline)

    def compared(self) -> list[tuple[Figure, Figure | None, Figure | None]]:
        """Each current figure beside the same figure in the previous period and a year earlier."""
        return [(f, figure_of(self.previous, f.key), figure_of(self.last_year, f.key)) for f in self.current]


@dataclass
class Report:
    period: Period
    filters: Filters
    today: date
    previous_period: Period
    last_year_period: Period
    trend_periods: list[Period]
    measures: list[MeasureReport]
    seconds: float = 0.0
    read_seconds: float = 0.0

    def get(self, key: str) -> MeasureReport:
        return next(m for m in self.measures if m.measure.key == key)

    def groups(self) -> list[tuple[str, list[MeasureReport]]]:
        from .measures import GROUPS

        return [
            (label, [m for m in self.measures if m.measure.group == key])
            for key, label in GROUPS.items()
            if any(m.measure.group == key for m in self.measures)
        ]


def selected(keys: Iterable[str] | None) -> list[Measure]:
    if keys is None:
        return list(MEASURES.values())
    unknown = [key for key in keys if key not in MEASURES]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [MEASURES[key] for key in keys]


def build_report(
    period: Period,
    filters: Filters | None = None,
    *,
    keys: Iterable[str] | None = None,
    today: date | None = None,
    facts: Facts | None = None,
    benchmarks: bool = True,
) -> Report:
    """Every selected measure for `period`, the previous period, the same period a year earlier and a trend."""
    started = time.perf_counter()
    filters = filters or Filters()
    today = today or clock.today()
    trend = period.trend(TREND_LENGTH[period.kind])
    previous, last_year = period.previous(), period.last_year()
    periods = sorted({*trend, previous, last_year})
    facts = facts or Facts(filters=filters, since=periods[0].start, until=min(periods[-1].end, today))
    known = load_benchmarks() if benchmarks else {}
    reports = []
    for measure in selected(keys):
        values = evaluate(measure, facts, periods, today)
        if values is None:
            reports.append(MeasureReport(measure, available=False))
            continue
        report = MeasureReport(
            measure,
            available=True,
            current=values[period],
            previous=values[previous],
            last_year=values[last_year],
            trend=[(p, figure_of(values[p], measure.headline)) for p in trend],
            benchmarks=benchmarks_for(known, measure, period),
        )
        report.commentary = commentary(report, period, previous, last_year)
        reports.append(report)
    return Report(
        period,
        filters,
        today,
        previous,
        last_year,
        trend,
        reports,
        seconds=time.perf_counter() - started,
        read_seconds=facts.read_seconds,
    )


def monthly_series(
    filters: Filters | None = None,
    *,
    keys: Iterable[str] | None = None,
    today: date | None = None,
    first: date | None = None,
    facts: Facts | None = None,
) -> dict[str, dict[Period, list[Figure]] | None]:
    """Every month from `first` (default: ten years before today's month) to today's, for every measure."""
    today = today or clock.today()
    first = first or date(today.year - 10, today.month, 1)
    months = Period(first.replace(day=1), today).months()
    facts = facts or Facts(filters=filters or Filters())
    return {measure.key: evaluate(measure, facts, months, today) for measure in selected(keys)}


def frames_for(keys: Iterable[str] | None = None) -> list[str]:
    return sorted({name for measure in selected(keys) for name in measure.frames})


def plain_read_seconds(keys: Iterable[str] | None, since: date | None, until: date | None = None) -> tuple[float, int]:
    return plain_read(frames_for(keys), since, until)


# --- benchmarks ------------------------------------------------------------------------------------
def load_benchmarks() -> dict[tuple[str, str], list[Any]]:
    from .models import Benchmark

    known: dict[tuple[str, str], list[Any]] = {}
    for row in Benchmark.objects.order_by("-year"):
        known.setdefault((row.measure, row.figure), []).append(row)
    return known


def financial_year_of(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def benchmarks_for(known: dict[tuple[str, str], list[Any]], measure: Measure, period: Period) -> list[BenchmarkFigure]:
    """For each figure and kind, the benchmark for the period's financial year, else the latest before it."""
    year = financial_year_of(period.end)
    out = []
    for (measure_key, figure_key), rows in sorted(known.items()):
        if measure_key != measure.key:
            continue
        seen = set()
        for row in rows:  # newest first
            if row.kind in seen or row.year > year:
                continue
            seen.add(row.kind)
            out.append(
                BenchmarkFigure(row.kind, row.get_kind_display(), figure_key, float(row.value), row.year, row.source)
            )
    return out


# --- commentary ------------------------------------------------------------------------------------
def _movement(now: Figure, then: Figure | None, when: str, better: str) -> str | None:
    if then is None or now.value is None or then.value is None:
        return None
    delta = now.value - then.value
    size = f"{abs(delta):.0f}" if now.unit in (PERCENT, COUNT) else f"{abs(delta):.1f}"
    if size.strip("0.") == "":
        return f"unchanged from {then.display} {when}"
    unit = (" percentage point" if size == "1" else " percentage points") if now.unit == PERCENT else ""
    direction = "up" if delta > 0 else "down"
    judgement = ""
    if better in (HIGHER, LOWER):
        good = (delta > 0) == (better == HIGHER)
        judgement = ", an improvement" if good else ", a deterioration"
    return f"{direction} {size}{unit} from {then.display} {when}{judgement}"


def commentary(report: MeasureReport, period: Period, previous: Period, last_year: Period) -> str:
    """One or two sentences on the headline's movement and how it stands against its benchmarks."""
    now = report.headline
    if now is None or now.value is None:
        return f"No {report.measure.title.lower()} to report for {period.short_label}."
    better = report.measure.better
    moves = [
        m
        for m in (
            _movement(now, figure_of(report.previous, now.key), f"in {previous.short_label}", better),
            _movement(now, figure_of(report.last_year, now.key), f"a year earlier ({last_year.short_label})", better),
        )
        if m
    ]
    text = f"{now.label}: {now.display} in {period.short_label}"
    text += (", " + "; ".join(moves) + ".") if moves else "."
    for bench in report.benchmarks:
        if bench.figure != now.key:
            continue
        shown = format_value(bench.value, now.unit)
        if bench.kind == "target":
            met = now.value >= bench.value if better != LOWER else now.value <= bench.value
            text += f" The target is {shown} ({bench.year}): {'met' if met else 'not met'}."
        else:
            side = "above" if now.value > bench.value else "below" if now.value < bench.value else "level with"
            text += f" {side.capitalize()} {bench.label} ({shown}, {bench.year})."
    return text


# --- aggregate rows (CSV, API, pack) -----------------------------------------------------------------
def _small(count: int | None, threshold: int) -> bool:
    return count is not None and 0 < count < threshold


def suppress(figure: Figure, threshold: int) -> dict[str, Any]:
    """A figure as exported: counts from 1 to threshold-1, and anything made from them, become "c"."""
    hide = _small(figure.numerator, threshold) or _small(figure.denominator, threshold)
    if figure.unit == COUNT:
        hide = hide or _small(int(figure.value) if figure.value is not None else None, threshold)
    if figure.unit == "average" and figure.numerator is not None:
        hide = _small(figure.numerator, threshold)  # cases per worker: the workers are staff, not children
    return {
        "numerator": SUPPRESSED if hide and figure.numerator is not None else figure.numerator,
        "denominator": SUPPRESSED
        if hide and figure.denominator is not None and figure.unit != "average"
        else figure.denominator,
        "value": SUPPRESSED if hide else (None if figure.value is None else round(figure.value, 1)),
        "display": SUPPRESSED if hide else figure.display,
        "suppressed": hide,
    }


def suppress_distribution(figures: Sequence[Figure], threshold: int) -> list[Figure]:
    return list(figures)


EXPORT_COLUMNS = [
    "measure",
    "measure_title",
    "figure",
    "figure_label",
    "period",
    "period_label",
    "comparison",
    "unit",
    "numerator",
    "denominator",
    "value",
    "display",
    "suppressed",
    "filters",
]


def export_rows(report: Report, threshold: int | None = None) -> list[dict[str, Any]]:
    """One row per figure for the period and its two comparison periods; aggregates only, suppressed."""
    threshold = suppression_threshold() if threshold is None else threshold
    described = report.filters.describe()
    rows = []
    for m in report.measures:
        if not m.available:
            continue
        total = figure_of(m.current, "total")
        for comparison, period, figures in (
            ("current", report.period, m.current),
            ("previous", report.previous_period, m.previous),
            ("last_year", report.last_year_period, m.last_year),
        ):
            base = figure_of(figures, "total") if total is not None else None
            for figure in figures:
                shown = suppress(figure, threshold)
                if figure.key in ("median", "q1", "q3") and base is not None and _small(base.numerator, threshold):
                    shown.update(value=SUPPRESSED, display=SUPPRESSED, suppressed=True)
                rows.append(
                    {
                        "measure": m.measure.key,
                        "measure_title": m.measure.title,
                        "figure": figure.key,
                        "figure_label": figure.label,
                        "period": period.key,
                        "period_label": period.label,
                        "comparison": comparison,
                        "unit": figure.unit,
                        **shown,
                        "filters": described,
                    }
                )
    return rows


# --- drill-down --------------------------------------------------------------------------------------
def drill_down(
    measure_key: str, figure_key: str, period: Period, filters: Filters, today: date | None = None
) -> Records:
    """The records behind one figure (raises KeyError for an unknown measure or figure)."""
    measure = MEASURES[measure_key]
    facts = Facts(filters=filters, since=period.start, until=period.end, detail=True)
    if not facts.supports(measure.frames):
        raise KeyError(measure_key)
    return measure.records(facts, period, figure_key, today or clock.today())
