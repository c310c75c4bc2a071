"""Change over time for a child's practice tools: the figures (a table) and the same figures as a chart.

Each chart is an Altair SVG rendered like the performance dashboard's (familyhelp.performance.charts.to_svg):
role="img" with an accessible name that states the figures, and the page puts a table of the same figures
beside it. Only final completions are drawn (a draft has no settled result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt

from familyhelp.performance.charts import BLUE, to_svg
from familyhelp.practice import definitions as d
from familyhelp.practice.models import Completion

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#912b88", "#28a197"]


@dataclass
class Series:
    """Rows and columns of the table beside a chart, and the chart's SVG."""

    caption: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    row_header: bool = True
    svg: str = ""


def occasion(c: Completion, taken: set[str] | None = None) -> str:
    """A short, unique label of a completion: 'Baseline 3 Mar 2025' / 'Review 9 Jun 2025'."""
    label = f"{c.get_purpose_display()} {c.completed_on.day} {c.completed_on:%b %Y}"
    if taken is not None:
        base, n = label, 2
        while label in taken:
            label, n = f"{base} ({n})", n + 1
        taken.add(label)
    return label


def _labels(completions: Sequence[Completion]) -> list[str]:
    taken: set[str] = set()
    return [occasion(c, taken) for c in completions]


# -------------------------------------------------------------------------------------------- exploitation
def exploitation_series(completions: Sequence[Completion], *, chart: bool = True) -> Series:
    """Risk level and score of each final screening, oldest first."""
    finals = [c for c in completions if c.is_final and c.kind == d.EXPLOITATION]
    labels = _labels(finals)
    series = Series(
        caption="Exploitation risk level at each screening",
        columns=["Screening", "Indicators ticked", "Score", "Risk level"],
    )
    for label, c in zip(labels, finals, strict=True):
        series.rows.append([label, c.result["indicators"], c.result["score"], d.RISK_LABELS[c.result["risk_level"]]])
    if chart and finals:
        order = [d.RISK_LABELS[level] for level in reversed(d.RISK_LEVELS)]
        data = [{"when": r[0], "level": r[3]} for r in series.rows]
        base = alt.Chart(alt.Data(values=data)).encode(
            x=alt.X("when:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0 if len(labels) <= 4 else -40)),
            y=alt.Y("level:O", scale=alt.Scale(domain=order), title="Risk level"),
        )
        svg_chart = base.mark_line(color=BLUE, strokeWidth=3) + base.mark_point(color=BLUE, filled=True, size=80)
        described = ", ".join(f"{r[0]}: {r[3].lower()} (score {r[2]})" for r in series.rows)
        series.svg = to_svg(
            svg_chart.properties(width=420, height=160),
            f"Exploitation risk level over repeated screenings. {described}. The same figures are in the table.",
        )
    return series


# -------------------------------------------------------------------------------------------- GCP2
def baseline_of(c: Completion, known: dict[Any, Completion] | None = None) -> Completion:
    """The baseline a completion's chain of reviews starts from. `known` (completions by pk, those already
    read) saves a query per step of the chain."""
    known = known or {}
    seen = {c.pk}
    while c.review_of_id is not None and c.review_of_id not in seen:
        earlier = known.get(c.review_of_id) or c.review_of
        if earlier is None:
            break
        c = earlier
        seen.add(c.pk)
    return c


def change_text(before: int | None, after: int | None) -> str:
    """GCP2 grades run 1 (best) to 5 (worst): a lower grade is better care."""
    if before is None or after is None:
        return "Not graded both times"
    if after < before:
        return f"Better by {before - after}"
    if after > before:
        return f"Worse by {after - before}"
    return "No change"


def gcp2_series(completions: Sequence[Completion], *, chart: bool = True) -> Series:
    """Grades per area at the latest baseline and each review since, with the change from baseline."""
    finals = [c for c in completions if c.is_final and c.kind == d.GCP2]
    if finals:
        root = baseline_of(finals[-1], {c.pk: c for c in completions})
        chain_ids = {root.pk}
        shown = [root]
        for c in finals:
            if c.pk not in chain_ids and c.review_of_id in chain_ids:
                chain_ids.add(c.pk)
                shown.append(c)
    else:
        shown = []
    labels = _labels(shown)
    areas = (shown[0].instrument.definition if shown else d.GCP2_V1)["areas"]
    series = Series(
        caption="Graded Care Profile 2: grade per area (1 best, 5 worst), baseline and reviews",
        columns=["Area", *labels, "Change since baseline"],
    )
    data = []
    for area in areas:
        grades = [c.result.get("grades", {}).get(area["code"]) for c in shown]
        change = change_text(grades[0], grades[-1]) if len(grades) > 1 else "Baseline only"
        series.rows.append([area["label"], *[g if g is not None else "Not graded" for g in grades], change])
        data += [
            {"area": area["label"], "when": label, "grade": g}
            for label, g in zip(labels, grades, strict=True)
            if g is not None
        ]
    if chart and shown:
        bars = (
            alt.Chart(alt.Data(values=data))
            .mark_bar()
            .encode(
                x=alt.X("area:N", sort=[a["label"] for a in areas], title=None, axis=alt.Axis(labelAngle=0)),
                xOffset=alt.XOffset("when:N", sort=labels),
                y=alt.Y(
                    "grade:Q",
                    scale=alt.Scale(domain=[0, 5]),
                    title="Grade (1 best, 5 worst)",
                    axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
                ),
                color=alt.Color(
                    "when:N",
                    sort=labels,
                    scale=alt.Scale(range=PALETTE),
                    title=None,
                    legend=alt.Legend(orient="bottom"),
                ),
            )
            .properties(width=460, height=200)
        )
        described = "; ".join(
            f"{row[0]}: " + ", ".join(f"{lbl} {g}" for lbl, g in zip(labels, row[1:-1], strict=True))
            for row in series.rows
        )
        series.svg = to_svg(
            bars,
            f"Graded Care Profile 2 grades per area, baseline and reviews. {described}. "
            "The same figures are in the table.",
        )
    return series


# -------------------------------------------------------------------------------------------- Signs of Safety
def participant(row: dict[str, Any]) -> str:
    return f"{row['name']} ({row['role']})"


def sos_series(completions: Sequence[Completion], *, chart: bool = True) -> Series:
    """Each participant's answer to the scaling question (0 to 10) at each mapping, oldest first."""
    finals = [c for c in completions if c.is_final and c.kind == d.SIGNS_OF_SAFETY]
    labels = _labels(finals)
    people: list[str] = []
    scores: dict[tuple[str, str], int] = {}
    for label, c in zip(labels, finals, strict=True):
        for row in c.result.get("scaling", []):
            who = participant(row)
            if who not in people:
                people.append(who)
            scores[(who, label)] = row["score"]
    series = Series(
        caption="Signs of Safety scaling (0 to 10) by each participant at each mapping",
        columns=["Participant", *labels],
    )
    for who in people:
        series.rows.append([who, *[scores.get((who, label), "Not asked") for label in labels]])
    if chart and finals and people:
        data = [{"who": who, "when": label, "score": s} for (who, label), s in scores.items()]
        base = alt.Chart(alt.Data(values=data)).encode(
            x=alt.X("when:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0 if len(labels) <= 4 else -40)),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 10]), title="Scaling (0 to 10)"),
            color=alt.Color(
                "who:N",
                sort=people,
                scale=alt.Scale(range=PALETTE),
                title=None,
                legend=alt.Legend(orient="bottom", columns=2),
            ),
        )
        lines = base.mark_line(strokeWidth=3) + base.mark_point(filled=True, size=70)
        described = "; ".join(
            f"{row[0]}: " + ", ".join(f"{lbl} {s}" for lbl, s in zip(labels, row[1:], strict=True))
            for row in series.rows
        )
        series.svg = to_svg(
            lines.properties(width=460, height=200),
            f"Signs of Safety scaling per participant over time. {described}. The same figures are in the table.",
        )
    return series


SERIES = {d.EXPLOITATION: exploitation_series, d.GCP2: gcp2_series, d.SIGNS_OF_SAFETY: sos_series}
