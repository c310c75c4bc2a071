"""The library of measures: each defined once (docs/domain/measures.md) and used by the dashboard, the
scrutiny pack, the CSV export and the API alike.

A measure turns `Facts` (the columns it needs, already filtered) into `Figure`s for each of a list of
non-overlapping periods in one vectorised pass, so one quarter and 120 months cost about the same. Events
(a referral, an authorised assessment) count in the period their date falls in; stocks (children on a plan)
are counted at the end of each period, or today when the period has not ended yet: a record is open on a
day when it started on or before it and has not ended, or ended after it. Working days are England and
Wales working days: Monday to Friday, not a bank holiday, counted after the start day up to and including
the end day (`familyhelp.core.calendar.working_days_between`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl

from familyhelp.core import calendar, clock

from .facts import Facts
from .periods import Period

COUNT, PERCENT, RATE, RATIO, DAYS, AVERAGE = "count", "percent", "rate", "ratio", "days", "average"
HIGHER, LOWER, NEUTRAL = "higher", "lower", "neutral"  # which direction is better

GROUPS = {
    "front-door": "Front door",
    "assessment": "Assessment",
    "child-in-need": "Children in need",
    "child-protection": "Child protection",
    "looked-after": "Looked after children",
    "workforce": "Caseloads and workforce",
}

SOURCE_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("individual", "Individual", ("1A", "1B", "1C", "1D")),
    ("schools", "Schools", ("2A",)),
    ("education", "Education services", ("2B",)),
    ("health", "Health services", ("3A", "3B", "3C", "3D", "3E", "3F")),
    ("housing", "Housing", ("4",)),
    ("la", "Local authority services", ("5A", "5B", "5C", "5D")),
    ("police", "Police", ("6",)),
    ("legal", "Other legal agency", ("7",)),
    ("other", "Other", ("8",)),
    ("anonymous", "Anonymous", ("9",)),
    ("unknown", "Unknown", ("10",)),
]
_SOURCE_GROUP_OF = {code: key for key, _label, codes in SOURCE_GROUPS for code in codes}


@dataclass(frozen=True)
class Figure:
    """One number a measure reports for one period."""

    key: str
    label: str
    unit: str
    value: float | None
    numerator: int | None = None  # for a percentage or rate: the count it is made of
    denominator: int | None = None

    @property
    def display(self) -> str:
        """The figure as every output prints it (dashboard, pack, CSV `display` column)."""
        return format_value(self.value, self.unit)


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == PERCENT:
        return f"{value:.0f}%"
    if unit in (RATE, AVERAGE, DAYS) and value != int(value):
        return f"{value:.1f}"
    if unit == RATIO:
        return f"{value:.1f}:1"
    return f"{value:,.0f}"


def percent(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


@dataclass(frozen=True)
class Records:
    """The records behind one figure: `kind` is contact, case or user; ids are primary keys (hex), one for each
    record the figure counts, so there are as many as the figure says: a case with two referrals in the period
    is there twice for a count of referrals."""

    kind: str
    ids: list[str]

    @property
    def total(self) -> int:
        return len(self.ids)


# --- period bucketing ----------------------------------------------------------------------------------
def in_periods(df: pl.DataFrame, column: str, periods: Sequence[Period]) -> pl.DataFrame:
    """Rows whose `column` falls in one of the (sorted, non-overlapping) periods, with its index in `_p`."""
    if df.is_empty():
        return df.with_columns(_p=pl.lit(None, pl.Int64)).head(0)
    starts = pl.Series([p.start for p in periods], dtype=pl.Date)
    ends = pl.Series([p.end for p in periods], dtype=pl.Date)
    rows = df.filter(pl.col(column).is_not_null())
    index = starts.search_sorted(rows[column], side="right").cast(pl.Int64) - 1
    rows = rows.with_columns(_p=index)
    rows = rows.filter(pl.col("_p") >= 0)
    return rows.filter(pl.col(column) <= ends.gather(rows["_p"]))


def stock_dates(periods: Sequence[Period], today: date) -> list[date]:
    """The day each period's stock is counted on: its end, or today when it has not ended."""
    return [min(p.end, today) for p in periods]


def open_on(df: pl.DataFrame, start: str, end: str, day: date) -> pl.DataFrame:
    return df.filter((pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) > day)))


def count_open(
    df: pl.DataFrame, start: str, end: str, days: Sequence[date], person: str = "person", *, merge: bool = False
) -> list[int]:
    """Records open on each day. Casework allows one open CIN episode, CP plan and looked-after episode per
    child, so that is the number of children; `merge` first joins a child's overlapping records (slower)."""
    if df.is_empty():
        return [0] * len(days)
    spells = merge_spells(df, start, end, person) if merge else df.select(start=pl.col(start), end=pl.col(end))
    spells = spells.filter(
        pl.col("start").is_not_null() & (pl.col("end").is_null() | (pl.col("end") > pl.col("start")))
    )
    starts = spells["start"].sort()
    ends = spells["end"].drop_nulls().sort()
    query = pl.Series(list(days), dtype=pl.Date)
    opened = starts.search_sorted(query, side="right")
    closed = ends.search_sorted(query, side="right")
    return [int(a) - int(b) for a, b in zip(opened.to_list(), closed.to_list(), strict=True)]


def merge_spells(df: pl.DataFrame, start: str, end: str, person: str = "person") -> pl.DataFrame:
    """One row per continuous spell per child: overlapping or touching records are merged."""
    far = date(9999, 12, 31)
    rows = (
        df.select(pl.col(person).alias("person"), pl.col(start).alias("start"), pl.col(end).fill_null(far).alias("end"))
        .filter(pl.col("start").is_not_null() & (pl.col("end") > pl.col("start")))
        .sort("person", "start")
    )
    prior_end = pl.col("end").cum_max().shift(1).over("person")
    rows = rows.with_columns(new=(prior_end.is_null() | (pl.col("start") > prior_end)).cast(pl.Int32))
    rows = rows.with_columns(spell=pl.col("new").cum_sum().over("person"))
    spells = rows.group_by("person", "spell").agg(pl.col("start").min(), pl.col("end").max())
    return spells.with_columns(pl.when(pl.col("end") == far).then(None).otherwise(pl.col("end")).alias("end"))


def working_days(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Working days d with start < d <= end (as calendar.working_days_between) for date columns."""
    one = timedelta(days=1)
    return pl.business_day_count(start + one, end + one, holidays=calendar.bank_holidays())


# --- the measure kinds -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """A numerator: rows of the denominator set matching `where`."""

    key: str
    label: str
    where: pl.Expr


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    group: str
    summary: str  # one sentence, shown under the title
    frames: tuple[str, ...]
    headline: str  # the figure key the trend, the summary and the commentary use
    better: str = NEUTRAL
    record_kind: str = "case"

    @property
    def anchor(self) -> str:
        return f"measure-{self.key}"

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        raise NotImplementedError

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        raise NotImplementedError

    def figure_keys(self) -> list[str]:
        """Figure keys known without data (breakdowns by team are added per council)."""
        return [self.headline]

    def percent_keys(self) -> set[str]:
        """The figures that are percentages (a benchmark for one cannot be over 100)."""
        return set()

    def counts_by(self) -> dict[str, set[str]]:
        """For each frame, the columns of it this measure counts by (its frame must read by them)."""
        return {}


@dataclass(frozen=True)
class EventMeasure(Measure):
    """Rows of one frame dated in the period (`dated`), optionally narrowed by `where`: a total count
    (`total_label`), and for each Part a count and (with `percent_of_total`) its share of the total."""

    frame: str = ""
    dated: str = ""  # the column that places a row in a period
    where: pl.Expr | None = None
    total_label: str = "Total"
    parts: tuple[Part, ...] = ()
    percent_of_total: bool = True
    prepare: Callable[[pl.DataFrame, Facts], pl.DataFrame] | None = None
    distribution: tuple[str, str] | None = None  # (column, words): adds median and quartiles
    record_column: str = "case"

    def rows(self, facts: Facts) -> pl.DataFrame:
        df = facts.frame(self.frame)
        if self.prepare is not None:
            df = facts.derived(self.frame, self.prepare)
        if self.where is not None:
            df = df.filter(self.where)
        return facts.narrow(df, self.frame)

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        rows = in_periods(self.rows(facts), self.dated, periods)
        aggs = [pl.len().alias("total")] + [part.where.sum().alias(part.key) for part in self.parts]
        if self.distribution:
            column = pl.col(self.distribution[0])
            aggs += [
                column.median().alias("_median"),
                column.quantile(0.25, "linear").alias("_q1"),
                column.quantile(0.75, "linear").alias("_q3"),
            ]
        grouped = {row["_p"]: row for row in rows.group_by("_p").agg(aggs).iter_rows(named=True)}
        out = []
        for index in range(len(periods)):
            row = grouped.get(index, {})
            total = int(row.get("total") or 0)
            figures = [Figure("total", self.total_label, COUNT, float(total), total, None)]
            for part in self.parts:
                count = int(row.get(part.key) or 0)
                if self.percent_of_total:
                    figures.append(Figure(part.key, part.label, PERCENT, percent(count, total), count, total))
                else:
                    figures.append(Figure(part.key, part.label, COUNT, float(count), count, None))
            if self.distribution:
                words = self.distribution[1]
                for key, label in (("_median", "Median"), ("_q1", "Lower quartile"), ("_q3", "Upper quartile")):
                    value = row.get(key)
                    figures.append(
                        Figure(key.lstrip("_"), f"{label} {words}", DAYS, None if value is None else float(value))
                    )
            out.append(figures)
        return out

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        rows = in_periods(self.rows(facts), self.dated, [period])
        parts = {part.key: part for part in self.parts}
        if figure in parts:
            rows = rows.filter(parts[figure].where)
        elif figure != "total":
            raise KeyError(figure)
        return Records(self.record_kind, rows[self.record_column].drop_nulls().sort().to_list())

    def counts_by(self) -> dict[str, set[str]]:
        return {self.frame: {self.dated}}

    def figure_keys(self) -> list[str]:
        keys = ["total", *(part.key for part in self.parts)]
        return keys + (["median", "q1", "q3"] if self.distribution else [])

    def percent_keys(self) -> set[str]:
        return {part.key for part in self.parts} if self.percent_of_total else set()


@dataclass(frozen=True)
class RatioMeasure(EventMeasure):
    """Two counts of one frame's rows in the period and their ratio (first part : second part)."""

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        out = []
        for figures in super().compute(facts, periods, today):
            first, second = (f for f in figures if f.key in (self.parts[0].key, self.parts[1].key))
            ratio = (first.value or 0) / second.value if second.value else None
            out.append([first, second, Figure("ratio", f"{first.label} per {second.label.lower()}", RATIO, ratio)])
        return out

    def figure_keys(self) -> list[str]:
        return [self.parts[0].key, self.parts[1].key, "ratio"]

    def percent_keys(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class StockMeasure(Measure):
    """Children with a record of `frame` open at the period's end; a split into parts (e.g. UASC) and a rate
    per 10,000 children of the council's child population."""

    frame: str = ""
    start: str = "started_on"
    end: str = "ended_on"
    where: pl.Expr | None = None
    total_label: str = "Children"
    parts: tuple[Part, ...] = ()

    def rows(self, facts: Facts) -> pl.DataFrame:
        df = facts.frame(self.frame)
        return facts.narrow(df.filter(self.where) if self.where is not None else df, self.frame)

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        rows, days = self.rows(facts), stock_dates(periods, today)
        totals = count_open(rows, self.start, self.end, days)
        split = [count_open(rows.filter(part.where), self.start, self.end, days) for part in self.parts]
        population = facts.population()
        out = []
        for index, total in enumerate(totals):
            figures = [Figure("total", self.total_label, COUNT, float(total), total)]
            figures += [
                Figure(part.key, part.label, COUNT, float(counts[index]), counts[index])
                for part, counts in zip(self.parts, split, strict=True)
            ]
            rate = 10_000 * total / population if population else None
            figures.append(Figure("rate", "Rate per 10,000 children", RATE, rate, total, population))
            out.append(figures)
        return out

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        rows = open_on(self.rows(facts), self.start, self.end, stock_dates([period], today)[0])
        parts = {part.key: part for part in self.parts}
        if figure in parts:
            rows = rows.filter(parts[figure].where)
        elif figure not in ("total", "rate"):
            raise KeyError(figure)
        return Records(self.record_kind, rows["case"].drop_nulls().sort().to_list())

    def counts_by(self) -> dict[str, set[str]]:
        return {self.frame: {self.start, self.end}}

    def figure_keys(self) -> list[str]:
        return ["total", *(part.key for part in self.parts), "rate"]


@dataclass(frozen=True)
class CaseloadMeasure(Measure):
    """Open lead allocations at the period's end: cases, workers holding them, the average per worker, and
    the same for each team."""

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        from familyhelp.organisation.models import Team

        allocations = facts.narrow(facts.frame("allocations"), "allocations")
        names = dict(Team.objects.values_list("id", "name"))
        team_names = {key.hex: name for key, name in names.items()}
        out = []
        for day in stock_dates(periods, today):
            held = open_on(allocations, "started_on", "ended_on", day)
            cases, workers = held.height, held["worker"].n_unique()  # one open lead allocation per case
            figures = [
                Figure(
                    "average",
                    "Average open cases per worker",
                    AVERAGE,
                    cases / workers if workers else None,
                    cases,
                    workers,
                ),
                Figure("cases", "Open allocated cases", COUNT, float(cases), cases),
                Figure("workers", "Workers holding cases", COUNT, float(workers), workers),
            ]
            per_team = held.group_by("team").agg(pl.len().alias("c"), pl.col("worker").n_unique().alias("w"))
            for row in sorted(per_team.iter_rows(named=True), key=lambda r: team_names.get(r["team"], "")):
                if row["team"] is None:
                    continue
                figures.append(
                    Figure(
                        f"team-{row['team']}",
                        f"Average per worker: {team_names.get(row['team'], 'Unknown team')}",
                        AVERAGE,
                        row["c"] / row["w"],
                        row["c"],
                        row["w"],
                    )
                )
            out.append(figures)
        return out

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        held = open_on(
            facts.narrow(facts.frame("allocations"), "allocations"),
            "started_on",
            "ended_on",
            stock_dates([period], today)[0],
        )
        if figure == "workers":
            return Records("user", held["worker"].drop_nulls().unique().sort().to_list())
        if figure.startswith("team-"):
            held = held.filter(pl.col("team") == figure.removeprefix("team-"))
        elif figure not in ("average", "cases"):
            raise KeyError(figure)
        return Records("case", held["case"].drop_nulls().sort().to_list())

    def counts_by(self) -> dict[str, set[str]]:
        return {"allocations": {"started_on", "ended_on"}}

    def figure_keys(self) -> list[str]:
        return ["average", "cases", "workers"]


@dataclass(frozen=True)
class AgencyMeasure(Measure):
    """Social workers in post at the period's end (joined on or before it, still active) who are agency staff.
    The staff list has no leaving dates, so earlier periods count today's active staff who had joined."""

    def _staff(self, facts: Facts, day: date) -> pl.DataFrame:
        df = facts.narrow(facts.frame("workforce"), "workforce")
        return df.filter(pl.col("is_active") & (pl.col("joined_on") <= day))

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        out = []
        for day in stock_dates(periods, today):
            staff = self._staff(facts, day)
            total = staff.height
            agency = int((staff["employment"] == "agency").sum())
            out.append(
                [
                    Figure("agency", "Agency social workers", PERCENT, percent(agency, total), agency, total),
                    Figure("total", "Social workers in post", COUNT, float(total), total),
                ]
            )
        return out

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        staff = self._staff(facts, stock_dates([period], today)[0])
        if figure == "agency":
            staff = staff.filter(pl.col("employment") == "agency")
        elif figure != "total":
            raise KeyError(figure)
        return Records("user", staff["id"].sort().to_list())

    def figure_keys(self) -> list[str]:
        return ["agency", "total"]

    def percent_keys(self) -> set[str]:
        return {"agency"}


# --- preparations that need more than one row ---------------------------------------------------------
def _with_source_group(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    return df.with_columns(source_group=pl.col("source").replace_strict(_SOURCE_GROUP_OF, default="unknown"))


def _source_parts() -> tuple[Part, ...]:
    return tuple(Part(key, label, pl.col("source_group") == key) for key, label, _codes in SOURCE_GROUPS)


def _year_before(column: str) -> pl.Expr:
    """The same date a year earlier (29 February gives 28 February)."""
    return pl.col(column).dt.offset_by("-1y")


def _rereferrals(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    """For each referral, the child's previous referral and when its episode closed."""
    ordered = df.sort("person", "referral_date", maintain_order=True)
    previous = ordered.with_columns(
        previous_referral=pl.col("referral_date").shift(1).over("person"),
        previous_closed=pl.col("closed_on").shift(1).over("person"),
    )
    return previous.with_columns(
        rereferral=pl.col("previous_referral").is_not_null()
        & (pl.col("previous_referral") >= _year_before("referral_date")),
        after_closure=pl.col("previous_closed").is_not_null()
        & (pl.col("previous_closed") >= _year_before("referral_date"))
        & (pl.col("previous_closed") <= pl.col("referral_date")),
    )


def _policy(name: str, default: int) -> int:
    """A casework timescale from the council's policy (read, never created here)."""
    from familyhelp.casework.models import CaseworkPolicy

    value = CaseworkPolicy.objects.order_by("created_at").values_list(name, flat=True).first()
    return int(value) if value is not None else default


def _assessment_days(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    limit = _policy("single_assessment_days", 45)
    done = df.filter(pl.col("authorised_on").is_not_null())
    return done.with_columns(days=working_days(pl.col("started_on"), pl.col("authorised_on"))).with_columns(
        in_time=pl.col("days") <= limit
    )


def _s47_days(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    limit = _policy("icpc_days", 15)
    return df.with_columns(icpc_days=working_days(pl.col("started_on"), pl.col("icpc_on"))).with_columns(
        icpc_in_time=pl.col("icpc_days") <= limit
    )


def _cp_repeats(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    """A CP plan is a repeat when the child had an earlier CP plan (here or, per `previous_cp_plans`, in
    another council); a repeat within 2 years when an earlier plan of ours ended within two years before it."""
    cp = df.sort("person", "started_on", maintain_order=True)
    return cp.with_columns(
        earlier=pl.col("started_on").cum_count().over("person") - 1,
        previous_end=pl.col("ended_on").shift(1).over("person"),
    ).with_columns(
        repeat=(pl.col("earlier") > 0) | (pl.col("previous_cp_plans") > 0),
        repeat_2y=pl.col("previous_end").is_not_null()
        & (pl.col("previous_end") >= pl.col("started_on").dt.offset_by("-2y"))
        & (pl.col("previous_end") <= pl.col("started_on")),
    )


def _cin_closure(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    return df.filter(pl.col("closed_on").is_not_null()).with_columns(
        within_3_months=pl.col("closed_on") <= pl.col("referral_date").dt.offset_by("3mo")
    )


def _decision_clock(df: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    return df.filter(pl.col("decided_at").is_not_null()).with_columns(in_time=pl.col("decided_at") <= pl.col("due_at"))


# --- the library ----------------------------------------------------------------------------------------
LIBRARY: list[Measure] = [
    EventMeasure(
        "contacts",
        "Contacts by source",
        "front-door",
        "Contacts received at the front door in the period, by who made them.",
        frames=("contacts",),
        headline="total",
        frame="contacts",
        dated="received_on",
        record_kind="contact",
        record_column="id",
        prepare=_with_source_group,
        parts=_source_parts(),
        total_label="Contacts",
    ),
    EventMeasure(
        "referrals",
        "Referrals by source",
        "front-door",
        "Referrals to children's social care (CIN episodes starting) in the period, by source.",
        frames=("referrals",),
        headline="total",
        frame="referrals",
        dated="referral_date",
        prepare=_with_source_group,
        parts=_source_parts(),
        total_label="Referrals",
    ),
    EventMeasure(
        "conversion",
        "Conversion to statutory assessment",
        "front-door",
        "Authorised front-door decisions in the period that led to a section 17 or section 47 assessment.",
        frames=("decisions",),
        headline="statutory",
        frame="decisions",
        dated="authorised_on",
        record_kind="contact",
        record_column="contact",
        total_label="Decisions",
        parts=(
            Part(
                "statutory",
                "Led to a statutory assessment",
                pl.col("outcome").is_in(["single_assessment", "strategy_discussion"]),
            ),
            Part("s17", "Single assessment (section 17)", pl.col("outcome") == "single_assessment"),
            Part("s47", "Strategy discussion (section 47)", pl.col("outcome") == "strategy_discussion"),
            Part(
                "nfa",
                "No further action, advice or signposting",
                pl.col("outcome").is_in(["nfa", "advice", "signpost"]),
            ),
        ),
    ),
    EventMeasure(
        "decision-clock",
        "Front-door decisions within the clock",
        "front-door",
        "Contacts decided in the period whose decision was made by the time the front-door clock set.",
        frames=("contacts",),
        headline="in_time",
        better=HIGHER,
        frame="contacts",
        dated="decided_on",
        record_kind="contact",
        record_column="id",
        prepare=_decision_clock,
        total_label="Contacts decided",
        parts=(Part("in_time", "Decided within the clock", pl.col("in_time")),),
    ),
    EventMeasure(
        "rereferrals",
        "Re-referrals within 12 months",
        "front-door",
        "Referrals in the period of a child referred before, within the 12 months before this referral (DfE).",
        frames=("referrals",),
        headline="rereferral",
        better=LOWER,
        frame="referrals",
        dated="referral_date",
        prepare=_rereferrals,
        total_label="Referrals",
        parts=(Part("rereferral", "Re-referred within 12 months", pl.col("rereferral")),),
    ),
    EventMeasure(
        "rereferrals-after-closure",
        "Re-referrals within 12 months of closure",
        "front-door",
        "Referrals in the period of a child whose previous CIN episode closed in the 12 months before.",
        frames=("referrals",),
        headline="after_closure",
        better=LOWER,
        frame="referrals",
        dated="referral_date",
        prepare=_rereferrals,
        total_label="Referrals",
        parts=(Part("after_closure", "Referred within 12 months of closure", pl.col("after_closure")),),
    ),
    EventMeasure(
        "assessment-timeliness",
        "Single assessments within 45 working days",
        "assessment",
        "Single assessments authorised in the period, and the working days each took from its start.",
        frames=("assessments",),
        headline="in_time",
        better=HIGHER,
        frame="assessments",
        dated="authorised_on",
        where=pl.col("kind") == "single",
        prepare=_assessment_days,
        total_label="Single assessments authorised",
        parts=(Part("in_time", "Authorised within 45 working days", pl.col("in_time")),),
        distribution=("days", "working days"),
    ),
    EventMeasure(
        "family-support-outcomes",
        "Family support assessment outcomes",
        "assessment",
        "Family support assessments authorised in the period, by what happened next.",
        frames=("assessments",),
        headline="plan",
        frame="assessments",
        dated="authorised_on",
        where=(pl.col("kind") == "family_support") & pl.col("authorised_on").is_not_null(),
        total_label="Family support assessments authorised",
        parts=(
            Part("plan", "Family support plan", pl.col("outcome") == "plan"),
            Part("step_up", "Stepped up to children's social care", pl.col("outcome").is_in(["step_up", "strategy"])),
            Part("closed", "Closed or stepped down", pl.col("outcome").is_in(["close", "step_down"])),
        ),
    ),
    RatioMeasure(
        "early-help-ratio",
        "Early help and statutory assessments",
        "assessment",
        "Family support (early help) assessments and single (statutory) assessments authorised in the period.",
        frames=("assessments",),
        headline="ratio",
        better=HIGHER,
        frame="assessments",
        dated="authorised_on",
        where=pl.col("authorised_on").is_not_null(),
        total_label="Assessments authorised",
        percent_of_total=False,
        parts=(
            Part("early_help", "Early help assessments", pl.col("kind") == "family_support"),
            Part("statutory", "Statutory assessments", pl.col("kind") == "single"),
        ),
    ),
    EventMeasure(
        "cin-closed-3-months",
        "CIN episodes closed within 3 months",
        "child-in-need",
        "CIN episodes closed in the period that closed within 3 months of the referral.",
        frames=("referrals",),
        headline="within_3_months",
        frame="referrals",
        dated="closed_on",
        prepare=_cin_closure,
        total_label="CIN episodes closed",
        parts=(Part("within_3_months", "Closed within 3 months of referral", pl.col("within_3_months")),),
    ),
    StockMeasure(
        "children-in-need",
        "Children in need",
        "child-in-need",
        "Children with an open CIN episode at the end of the period, and the rate per 10,000 children.",
        frames=("referrals",),
        headline="total",
        frame="referrals",
        start="referral_date",
        end="closed_on",
    ),
    StockMeasure(
        "child-protection",
        "Children on child protection plans",
        "child-protection",
        "Children on a child protection plan at the end of the period, and the rate per 10,000 children.",
        frames=("cp_plans",),
        headline="total",
        frame="cp_plans",
    ),
    EventMeasure(
        "cp-plans-starting",
        "Child protection plans starting; repeat plans",
        "child-protection",
        "Child protection plans that started in the period; those that are a second or later plan, and those "
        "starting within two years of an earlier plan ending.",
        frames=("cp_plans",),
        headline="repeat",
        better=LOWER,
        frame="cp_plans",
        dated="started_on",
        prepare=_cp_repeats,
        total_label="Plans starting",
        parts=(
            Part("repeat", "Second or later plan", pl.col("repeat")),
            Part("repeat_2y", "Within 2 years of a previous plan", pl.col("repeat_2y")),
        ),
    ),
    EventMeasure(
        "section-47",
        "Section 47 enquiries",
        "child-protection",
        "Section 47 enquiries started in the period.",
        frames=("s47",),
        headline="total",
        frame="s47",
        dated="started_on",
        total_label="Section 47 enquiries started",
        parts=(Part("to_icpc", "Led to an initial child protection conference", pl.col("outcome") == "icpc"),),
    ),
    EventMeasure(
        "icpc-timeliness",
        "Initial conferences within 15 working days",
        "child-protection",
        "Initial child protection conferences held in the period within 15 working days of the section 47 start.",
        frames=("s47",),
        headline="in_time",
        better=HIGHER,
        frame="s47",
        dated="icpc_on",
        prepare=_s47_days,
        total_label="Initial conferences held",
        parts=(Part("in_time", "Held within 15 working days", pl.col("icpc_in_time")),),
    ),
    StockMeasure(
        "looked-after",
        "Looked after children",
        "looked-after",
        "Children looked after at the end of the period, local children and unaccompanied asylum-seeking "
        "children (UASC), and the rate per 10,000 children.",
        frames=("looked_after",),
        headline="total",
        frame="looked_after",
        parts=(Part("local", "Local children", ~pl.col("uasc")), Part("uasc", "UASC", pl.col("uasc"))),
    ),
    EventMeasure(
        "step-ups-downs",
        "Step-ups and step-downs",
        "child-in-need",
        "Cases stepped up from family support to social care, or down, in the period.",
        frames=("level_changes",),
        headline="up",
        frame="level_changes",
        dated="changed_on",
        total_label="Level changes",
        percent_of_total=False,
        parts=(
            Part("up", "Stepped up", pl.col("direction") == "up"),
            Part("down", "Stepped down", pl.col("direction") == "down"),
        ),
    ),
    CaseloadMeasure(
        "caseloads",
        "Caseloads",
        "workforce",
        "Open cases allocated to a lead worker at the end of the period, per worker and per team.",
        frames=("allocations",),
        headline="average",
        better=LOWER,
    ),
    AgencyMeasure(
        "agency-rate",
        "Agency social worker rate",
        "workforce",
        "Social workers in post at the end of the period who are agency staff.",
        frames=("workforce",),
        headline="agency",
        better=LOWER,
        record_kind="user",
    ),
]
MEASURES: dict[str, Measure] = {measure.key: measure for measure in LIBRARY}


def register(measure: Measure) -> Measure:
    """Add a measure to the library (other apps call this from their AppConfig.ready)."""
    if measure.key not in MEASURES:
        LIBRARY.append(measure)
        MEASURES[measure.key] = measure
    return measure


def evaluate(
    measure: Measure, facts: Facts, periods: Sequence[Period], today: date | None = None
) -> dict[Period, list[Figure]] | None:
    """Figures for each period, or None when the facts' filters do not apply to this measure."""
    if not facts.supports(measure.frames):
        return None
    today = today or clock.today()
    out: dict[Period, list[Figure]] = {}
    for batch in non_overlapping(periods):
        for period, figures in zip(batch, measure.compute(facts, batch, today), strict=True):
            out[period] = figures
    return out


def window_problems(measures: Sequence[Measure] | None = None) -> list[str]:
    """Measures that count by a date their frame's read window is not derived from (each would lose records
    entered late: a contact decided long after it arrived, read only if it arrived near the period)."""
    from .facts import specs

    all_specs = specs()
    problems = []
    for measure in measures if measures is not None else LIBRARY:
        for name, columns in measure.counts_by().items():
            spec = all_specs[name]
            if not spec.windowed:
                continue  # read whole
            missing = columns - spec.counted
            if missing:
                problems.append(
                    f"{measure.key} counts by {', '.join(sorted(missing))}; {name} is read by "
                    f"{', '.join(sorted(spec.counted)) or 'another condition'}"
                )
            if len(columns) > 1 and spec.ends_by is None:
                problems.append(f"{measure.key} counts records open over a span; {name} is read by one date")
    return problems


def non_overlapping(periods: Sequence[Period]) -> list[list[Period]]:
    """Split periods into sorted batches whose periods do not overlap (each batch is computed at once)."""
    batches: list[list[Period]] = []
    for period in sorted(set(periods)):
        for batch in batches:
            if batch[-1].end < period.start:
                batch.append(period)
                break
        else:
            batches.append([period])
    return batches


def figure_of(figures: Sequence[Figure], key: str) -> Figure | None:
    return next((figure for figure in figures if figure.key == key), None)


def with_value(figure: Figure, value: float | None) -> Figure:
    return replace(figure, value=value)


__all__ = ["LIBRARY", "MEASURES", "Figure", "Measure", "Records", "evaluate", "field"]
