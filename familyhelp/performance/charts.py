"""Charts as inline SVG (Altair, rendered by vl-convert without a browser). Every chart is drawn beside a
table of the same figures, so the SVG is marked as an image with a text alternative and nothing else."""

from __future__ import annotations

import re
from collections.abc import Sequence

import altair as alt

from .measures import PERCENT, Figure
from .periods import Period

FONT = "Arial"
BLUE, GREY, DARK = "#1d70b8", "#b1b4b6", "#0b0c0c"


def _config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT, aria=False)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor=DARK, titleColor=DARK)
        .configure_view(stroke=None)
    )


def to_svg(chart: alt.Chart, description: str) -> str:
    """Render to SVG with role="img" and an accessible name; drop the width/height so it scales."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(_config(chart).to_dict())
    # Vega marks its groups and symbols for screen readers; the table beside the chart carries the figures,
    # so the chart is one image: its parts' roles and labels are removed (axe flags them inside role=img).
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", svg)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{_escape(description)}" focusable="false" ', svg, count=1)
    return svg


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def trend_chart(title: str, points: Sequence[tuple[Period, Figure | None]], *, width: int = 420) -> str:
    """A line of the headline figure over the trend periods."""
    shown = [(period, figure) for period, figure in points if figure is not None and figure.value is not None]
    rows = [{"period": period.short_label, "value": figure.value} for period, figure in shown]
    unit = next((f.unit for _p, f in points if f is not None), "")
    axis_title = "%" if unit == PERCENT else ""
    sort = [p.short_label for p, _f in points]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("period:N", sort=sort, title=None, axis=alt.Axis(labelAngle=0 if len(points) <= 6 else -40)),
        y=alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=True)),
    )
    chart = (base.mark_line(color=BLUE, strokeWidth=3) + base.mark_point(color=BLUE, filled=True, size=60)).properties(
        width=width, height=180
    )
    described = ", ".join(f"{period.short_label}: {figure.display}" for period, figure in shown)
    return to_svg(chart, f"{title}, trend. {described}. The same figures are in the table.")


def bar_chart(title: str, figures: Sequence[Figure], *, width: int = 420) -> str:
    """Horizontal bars for a breakdown (sources, outcomes, teams)."""
    rows = [{"label": f.label, "value": f.value or 0} for f in figures if f.value is not None]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(y=alt.Y("label:N", sort=None, title=None), x=alt.X("value:Q", title=None))
        .properties(width=width, height=max(40, 22 * len(rows)))
    )
    described = ", ".join(f"{f.label}: {f.display}" for f in figures)
    return to_svg(chart, f"{title}. {described}. The same figures are in the table.")
