"""`familyhelp bench kpis`: the measures' speed on a generated council (run in-process by the bench command).

Printed figures, for the database in use:
- one quarter's scrutiny pack: every measure for the quarter, its comparisons and its trend (what
  `engine.build_report` computes for the pack and the dashboard), beside a plain read — the same SQL
  statements fetched as Python tuples, nothing else — of the columns those measures need for that window;
- every measure's monthly series over ten years, beside a plain read of all the columns they need;
- rendering the pack (HTML with charts, then the tagged PDF), when the pack module is there.
Each figure is the median of `rounds` runs after one warm-up run (imports, the working-day tables).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection

from familyhelp.core import clock

from . import engine
from .facts import Facts
from .periods import parse_period


def _median_seconds(fn: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    timings, value = [], None
    for _ in range(max(1, rounds)):
        started = time.perf_counter()
        value = fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), value


def run(out: Any, *, period: str, rounds: int) -> None:
    quarter = parse_period(period)
    today = clock.today()
    first = date(today.year - 10, today.month, 1)
    out.write(
        f"bench kpis on {connection.vendor}: pack for {quarter.key}, monthly series {first:%b %Y} to {today:%b %Y}, "
        f"median of {rounds} after a warm-up"
    )
    report = engine.build_report(quarter)  # warm-up
    periods = sorted({*report.trend_periods, report.previous_period, report.last_year_period})
    since, until = periods[0].start, min(periods[-1].end, today)

    read_s, rows = _median_seconds(lambda: engine.plain_read_seconds(None, since, until)[1], rounds)
    pack_s, report = _median_seconds(lambda: engine.build_report(quarter), rounds)
    measures = sum(1 for m in report.measures if m.available)
    out.write(f"  plain read, pack window ({since:%d/%m/%Y}–{until:%d/%m/%Y}) {read_s:8.2f} s   {rows:,} rows")
    out.write(
        f"  one quarter's pack ({measures} measures)          {pack_s:8.2f} s   {pack_s / read_s:.1f}× the plain read"
    )

    read_all_s, rows_all = _median_seconds(lambda: engine.plain_read_seconds(None, None)[1], rounds)
    series_s, series = _median_seconds(lambda: engine.monthly_series(first=first, facts=Facts()), rounds)
    months = max((len(v) for v in series.values() if v), default=0)
    out.write(f"  plain read, all history                      {read_all_s:8.2f} s   {rows_all:,} rows")
    out.write(
        f"  monthly series, every measure ({months} months)   {series_s:8.2f} s   "
        f"{series_s / read_all_s:.1f}× the plain read"
    )
    try:
        from . import pack
    except ImportError:
        return
    html_s, html = _median_seconds(lambda: pack.render_pack_html(report), rounds)
    pdf_s, pdf = _median_seconds(lambda: pack.render_pack_pdf(html), 1)
    out.write(f"  pack rendering: HTML with charts {html_s:.2f} s, PDF {pdf_s:.2f} s ({len(pdf) / 1e6:.1f} MB)")
