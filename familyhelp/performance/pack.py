"""The scrutiny pack: a report to a committee, in HTML and as a tagged PDF, built from a `Report`.

Every number printed comes from `export_rows(report)` (the engine's rows with each period's dates), so the
pack's figures are the CSV's figures, suppression included: a small count (and anything made from one) prints
as "c". The generated commentary and the trend charts are made from the same suppressed figures, so no small
count leaks through a sentence or a chart's text alternative. Aggregates only: no child is named, and no
record is linked.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from django.template.loader import render_to_string

from familyhelp.core import clock

from . import charts, engine
from .engine import MeasureReport, Report
from .measures import Figure, format_value
from .periods import Period, with_dates

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page otherwise

COMPARISONS = ("current", "previous", "last_year")
BENCHMARK_ORDER = ("target", "national", "statistical_neighbours", "regional")

PACK_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-left { content: string(council) " · " string(period); font-size: 8.5pt; color: #505a5f; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; color: #505a5f; } }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
html { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; color: #0b0c0c; font-size: 10.5pt;
  line-height: 1.35; }
body { margin: 0; }
.council { string-set: council content(); }
.period-key { string-set: period content(); }
.title-page { break-after: page; padding-top: 8mm; }
.title-page .council { font-size: 14pt; font-weight: bold; margin: 0 0 8mm 0; }
.title-page h1 { font-size: 22pt; line-height: 1.15; margin: 0 0 6mm 0; }
.title-page .subtitle { font-size: 15pt; margin: 0 0 10mm 0; }
.title-page dl { display: grid; grid-template-columns: max-content auto; gap: 2mm 6mm; margin: 0 0 8mm 0; }
.title-page dt { font-weight: bold; }
.title-page dd { margin: 0; }
h2 { font-size: 16pt; margin: 8mm 0 3mm 0; break-after: avoid; }
h3 { font-size: 13pt; margin: 6mm 0 2mm 0; break-after: avoid; }
p { margin: 0 0 3mm 0; }
.group { break-before: page; }
.measure { break-inside: avoid; margin-bottom: 8mm; }
.definition { color: #505a5f; }
.commentary { border-left: 4px solid #1d70b8; padding-left: 3mm; }
figure { margin: 2mm 0 3mm 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm 0; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 1.5mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.2mm 2mm 1.2mm 0; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #0b0c0c; }
td.num, th.num { text-align: right; }
tr { break-inside: avoid; }
.note { font-size: 9pt; color: #505a5f; }
.narrative { break-before: page; }
.contents { columns: 2; margin: 0; } .contents li { margin-bottom: 1mm; }
a { color: #1d70b8; }
@media screen {
  body { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
  .title-page { padding-top: 1rem; border-bottom: 2px solid #0b0c0c; margin-bottom: 2rem; }
  .title-page .council { margin-bottom: 2rem; }
  .group { border-top: 2px solid #0b0c0c; margin-top: 2rem; }
}
""".strip()


def style_hash() -> str:
    """The CSP source for the pack's inline stylesheet (the preview page allows exactly this style)."""
    digest = hashlib.sha256(PACK_CSS.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class SectionLike(Protocol):
    title: str
    body: str


@dataclass(frozen=True)
class Section:
    """A narrative section as the renderer needs it (a PackSection satisfies the same shape)."""

    title: str
    body: str


# --- rows ---------------------------------------------------------------------------------------------
def export_rows(report: Report) -> list[dict[str, Any]]:
    """The report's aggregate rows (engine.export_rows), each with its period's first and last days: the rows a
    pack prints and freezes when published."""
    return with_dates(engine.export_rows(report), (report.period, report.previous_period, report.last_year_period))


def _index(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(row["measure"], row["figure"], row["comparison"]): row for row in rows}


def _display(row: dict[str, Any] | None) -> str:
    return "–" if row is None else str(row["display"])


def _benchmark_columns(m: MeasureReport) -> list[tuple[str, str, str]]:
    """(kind, heading, year) for each kind of benchmark the measure has."""
    seen: dict[str, tuple[str, str, str]] = {}
    for bench in m.benchmarks:
        seen.setdefault(bench.kind, (bench.kind, bench.label, bench.year))
    return [seen[kind] for kind in BENCHMARK_ORDER if kind in seen]


def _benchmark(m: MeasureReport, figure: str, kind: str, unit: str) -> str:
    for bench in m.benchmarks:
        if bench.figure == figure and bench.kind == kind:
            return format_value(bench.value, unit)
    return ""


def _figure_keys(m: MeasureReport, index: dict[tuple[str, str, str], dict[str, Any]]) -> list[str]:
    keys = [f.key for f in m.current]
    for figures in (m.previous, m.last_year):
        keys += [f.key for f in figures if f.key not in keys]
    return [key for key in keys if any((m.measure.key, key, c) in index for c in COMPARISONS)]


def measure_table(m: MeasureReport, index: dict[tuple[str, str, str], dict[str, Any]]) -> dict[str, Any]:
    """The measure's table: one row per figure, the period and its comparisons, then its benchmarks."""
    columns = _benchmark_columns(m)
    rows = []
    for key in _figure_keys(m, index):
        cells = [index.get((m.measure.key, key, c)) for c in COMPARISONS]
        first = next(cell for cell in cells if cell is not None)
        rows.append(
            {
                "label": first["figure_label"],
                "cells": [_display(cell) for cell in cells],
                "benchmarks": [_benchmark(m, key, kind, first["unit"]) for kind, _label, _year in columns],
            }
        )
    return {"rows": rows, "benchmark_headings": [f"{label} ({year})" for _kind, label, year in columns]}


# --- commentary and charts from the suppressed figures ------------------------------------------------------
def safe_commentary(m: MeasureReport, report: Report, index: dict[tuple[str, str, str], dict[str, Any]]) -> str:
    """The engine's commentary, rewritten so a suppressed figure is neither printed nor implied by a movement."""
    key = m.measure.headline
    current = index.get((m.measure.key, key, "current"))
    if current is None:
        return m.commentary
    if current["suppressed"]:
        return (
            f"{current['figure_label']}: not shown for {report.period.short_label} (c) because it is made from "
            f"fewer than {engine.suppression_threshold()} children, to protect the children in a small group."
        )
    hidden = {c for c in ("previous", "last_year") if (index.get((m.measure.key, key, c)) or {}).get("suppressed")}
    if not hidden:
        return m.commentary
    shown = replace(
        m,
        previous=[] if "previous" in hidden else m.previous,
        last_year=[] if "last_year" in hidden else m.last_year,
    )
    text = engine.commentary(shown, report.period, report.previous_period, report.last_year_period)
    names = [
        f"{report.previous_period.short_label}" if "previous" in hidden else "",
        f"a year earlier ({report.last_year_period.short_label})" if "last_year" in hidden else "",
    ]
    return f"{text} The figure for {' and '.join(n for n in names if n)} is not shown (c): a small group."


def titled(svg: str) -> str:
    """The chart with its text alternative also as an SVG <title>, which a tagged PDF uses as the figure's /Alt."""
    match = re.search(r'aria-label="([^"]*)"', svg)
    if match is None:
        return svg
    end = svg.index(">") + 1
    return f"{svg[:end]}<title>{match[1]}</title>{svg[end:]}"


def safe_trend(m: MeasureReport, threshold: int) -> list[tuple[Period, Figure | None]]:
    """The trend with every suppressed point left out (so the chart and its text alternative show no small count)."""
    return [
        (period, None if figure is None or engine.suppress(figure, threshold)["suppressed"] else figure)
        for period, figure in m.trend
    ]


def _charts(measures: Sequence[MeasureReport], threshold: int) -> dict[str, str]:
    """Each measure's trend chart (vl-convert renders outside the GIL, so a few threads draw them at once)."""

    def draw(m: MeasureReport) -> str:
        return titled(charts.trend_chart(m.measure.title, safe_trend(m, threshold), width=440))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip([m.measure.key for m in measures], pool.map(draw, measures), strict=True))


# --- rendering ------------------------------------------------------------------------------------------------
def council_name() -> str:
    from familyhelp.organisation.models import LocalAuthority

    return LocalAuthority.objects.values_list("name", flat=True).first() or "Family Help"


def pack_title(period: Period) -> str:
    return f"Children's services performance: {period.label}"


def pack_context(
    report: Report,
    sections: Sequence[SectionLike] = (),
    *,
    rows: list[dict[str, Any]] | None = None,
    title: str | None = None,
    produced: date | None = None,
    for_pdf: bool = False,
) -> dict[str, Any]:
    """Everything the pack template prints, from the report's export rows."""
    rows = export_rows(report) if rows is None else rows
    index = _index(rows)
    threshold = engine.suppression_threshold()
    summary_kinds = [
        kind for kind in BENCHMARK_ORDER[:3] if any(b.kind == kind for m in report.measures for b in m.benchmarks)
    ]
    kind_labels = {b.kind: b.label for m in report.measures for b in m.benchmarks}
    chart_for = _charts([m for m in report.measures if m.available], threshold)
    groups = []
    summary = []
    for label, measures in report.groups():
        items = []
        for m in measures:
            item: dict[str, Any] = {"measure": m.measure, "available": m.available}
            if m.available:
                headline = m.measure.headline
                cells = [index.get((m.measure.key, headline, c)) for c in COMPARISONS]
                unit = next((cell["unit"] for cell in cells if cell), "")
                summary.append(
                    {
                        "group": label,
                        "title": m.measure.title,
                        "figure": next((cell["figure_label"] for cell in cells if cell), ""),
                        "cells": [_display(cell) for cell in cells],
                        "benchmarks": [_benchmark(m, headline, kind, unit) for kind in summary_kinds],
                    }
                )
                item.update(
                    commentary=safe_commentary(m, report, index),
                    chart=chart_for[m.measure.key],
                    table=measure_table(m, index),
                    benchmarks=m.benchmarks,
                )
            items.append(item)
        groups.append({"label": label, "anchor": "group-" + label.lower().replace(" ", "-"), "measures": items})
    return {
        "title": title or pack_title(report.period),
        "council": council_name(),
        "period": report.period,
        "previous": report.previous_period,
        "last_year": report.last_year_period,
        "filters": report.filters.describe(),
        "produced": produced or clock.today(),
        "summary": summary,
        "summary_headings": [kind_labels[kind] for kind in summary_kinds],
        "groups": groups,
        "sections": list(sections),
        "threshold": threshold,
        "css": PACK_CSS,
        "for_pdf": for_pdf,
    }


def render_pack_html(
    report: Report,
    sections: Sequence[SectionLike] = (),
    *,
    for_pdf: bool = False,
    rows: list[dict[str, Any]] | None = None,
    title: str | None = None,
    produced: date | None = None,
) -> str:
    """The pack as one self-contained HTML document (styles inline, charts as inline SVG)."""
    context = pack_context(report, sections, rows=rows, title=title, produced=produced, for_pdf=for_pdf)
    return render_to_string("performance/pack.html", context)


def render_pack_pdf(html: str) -> bytes:
    """The HTML as a tagged PDF (PDF/UA-1: structure tree, document language and title from the HTML)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")


@dataclass(frozen=True)
class Rendered:
    html: str
    pdf: bytes | None
    rows: list[dict[str, Any]]
    seconds: float


def build_pack(
    report: Report, sections: Sequence[SectionLike] = (), *, pdf: bool = True, title: str | None = None
) -> Rendered:
    """The pack's rows, HTML and (optionally) PDF for one report, timed."""
    started = time.perf_counter()
    rows = export_rows(report)
    html = render_pack_html(report, sections, for_pdf=pdf, rows=rows, title=title)
    data = render_pack_pdf(html) if pdf else None
    return Rendered(html, data, rows, time.perf_counter() - started)
