"""The columns the measures need, read once into Polars frames and filtered there.

Each frame is one SQL statement (the same on SQLite and PostgreSQL); `Facts` reads a frame the first time a
measure asks for it and keeps it. `since` and `until` limit the rows to those that can land in periods
between them; without them everything is read. Each frame declares the date its measures count by
(`counts_by`, and `also_by` when they count by more than one: a contact by when it was received and by when
it was decided) or, for records open over a span, the dates that start and end it (`ends_by`). Its read
window is derived from those columns and nothing else, so a record entered late, or decided long after it
arrived, is still read for the period it counts in (issue 13). A measure may count only by a date its frame
declares (`measures.window_problems` checks the library).

Every frame carries the filter dimensions it can honour, as columns: `team`, `worker`, `locality`, `level`.
A measure whose frames lack a dimension is not available under that filter (it is never silently unfiltered).

Dimensions of work held on a case are the case's current team, worker and the team's locality; the level is
the level of the work measured (4 for anything in a CIN episode, 3 for a family support assessment, the
level the case moved from for a step up or down). Front-door contacts and decisions take the locality of the
child's current address, and a decision its threshold level.
"""

# ruff: noqa: S608  -- every statement is built from the constants below; values travel as parameters
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db import connection

from .filters import DIMENSIONS, Filters

LONDON = "Europe/London"

# column kinds: how a fetched value becomes a Polars column on either database
ID, STR, INT, DATE, DATETIME, BOOL = "id", "str", "int", "date", "datetime", "bool"


@dataclass(frozen=True)
class Dated:
    """A date a frame's measures count by: the frame's column (a UK local date) and the stored column it comes
    from (a date, or a UTC timestamp placed by its UK date)."""

    column: str  # in the frame, e.g. "decided_on"
    sql: str  # in the statement, e.g. "c.decided_at"
    timestamp: bool = False


@dataclass(frozen=True)
class FrameSpec:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, kind) in SELECT order
    sql: str  # SELECT … FROM … WHERE … {window}; the window condition replaces {window} (or 1=1)
    window: str = ""  # an explicit SQL condition on %(since)s and %(until)s (a lookup, another app's frame)
    lookback_days: int = 0  # how far before `since` rows still matter (a measure's history: a previous referral)
    dimensions: tuple[str, ...] = ()
    on_case: bool = False  # takes person, team, worker and locality from the `cases` frame
    derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    counts_by: Dated | None = None  # events: rows whose date is in the window; spans: the date that starts them
    also_by: tuple[Dated, ...] = ()  # events: other dates its measures count by (rows with any in the window)
    ends_by: Dated | None = None  # spans: the date that ends them (rows open at any time in the window are read)
    history: bool = False  # every row up to `until` (an earlier plan makes a later one a repeat)

    @property
    def counted(self) -> set[str]:
        """The frame's columns a measure may count by: rows with any of them in the window are read (a span's
        start and end are both in it when the span starts or ends in the window)."""
        return {d.column for d in (self.counts_by, self.ends_by, *self.also_by) if d is not None}

    @property
    def windowed(self) -> bool:
        return bool(self.window or self.counts_by)

    def condition(self) -> str:
        """The window, derived from the dates the frame counts by (or the explicit one)."""
        if self.window or self.counts_by is None:
            return self.window
        start = self.counts_by
        if self.history:
            return f"{start.sql} {_before(start)}"
        if self.ends_by is None:
            return " OR ".join(f"({d.sql} {_from(d)} AND {d.sql} {_before(d)})" for d in (start, *self.also_by))
        end = self.ends_by
        return f"{start.sql} {_before(start)} AND ({end.sql} IS NULL OR {end.sql} {_from(end)})"


def _from(dated: Dated) -> str:
    """On or after the window's first day (a timestamp: from the day before, as UK time is up to an hour ahead)."""
    return ">= %(from_stamp)s" if dated.timestamp else ">= %(since)s"


def _before(dated: Dated) -> str:
    """On or before the window's last day (a timestamp: before the second day after it, the margin for UK time)."""
    return "< %(after)s" if dated.timestamp else "<= %(until)s"


def _id(expr: str) -> str:
    """A uuid column as text on both databases (SQLite stores 32 hex digits, PostgreSQL a uuid)."""
    if connection.vendor == "postgresql":
        return f"REPLACE(CAST({expr} AS TEXT), '-', '')"
    return expr


def _text(expr: str) -> str:
    """A date or timestamp as text: Polars parses a column of text far faster than Python builds objects."""
    return f"CAST({expr} AS TEXT)"


def _local_date(column: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def derive(df: pl.DataFrame) -> pl.DataFrame:
        local = pl.col(column).dt.convert_time_zone(LONDON).dt.date().alias(column.replace("_at", "_on"))
        return df.with_columns(local)

    return derive


def _postcode_locality(df: pl.DataFrame) -> pl.DataFrame:
    """The locality whose postcode districts include the outward code of the child's postcode."""
    from familyhelp.organisation.models import Locality

    districts = {
        district.upper(): key.hex
        for key, listed in Locality.objects.values_list("id", "postcode_districts")
        for district in (listed or "").split()
    }
    squashed = pl.col("postcode").str.to_uppercase().str.replace_all(r"\s", "")
    outward = squashed.str.slice(0, squashed.str.len_chars() - 3)
    return df.with_columns(locality=outward.replace_strict(districts, default=None, return_dtype=pl.Utf8))


def _then(*steps: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def derive(df: pl.DataFrame) -> pl.DataFrame:
        for step in steps:
            df = step(df)
        return df

    return derive


_LEVEL_4 = lambda df: df.with_columns(level=pl.lit(4, pl.Int64))  # noqa: E731
_CASE_DIMENSIONS = ("team", "worker", "locality", "level")


_EXTRA: dict[str, Callable[[], FrameSpec]] = {}


def register_frame(name: str, build: Callable[[], FrameSpec]) -> None:
    """Another app's frame (built per call, like these): its measures name it in `frames`."""
    _EXTRA[name] = build


def specs() -> dict[str, FrameSpec]:
    """The frames (built per call: the uuid casts depend on the database in use)."""
    return {name: build() for name, build in _EXTRA.items()} | {
        spec.name: spec
        for spec in (
            FrameSpec(
                "cases",
                (
                    ("case", ID),
                    ("case_person", ID),
                    ("team", ID),
                    ("worker", ID),
                    ("locality", ID),
                ),
                f"SELECT {_id('ca.id')}, {_id('ca.person_id')}, {_id('ca.team_id')}, {_id('ca.worker_id')}, "
                f"{_id('t.locality_id')} FROM casework_case ca LEFT JOIN organisation_team t ON t.id = ca.team_id "
                "WHERE {window}",
                # a lookup, not counted: every case that can hold a row counted in the window, whenever it was
                # opened (a referral is dated when the contact arrived, often before the case opened)
                window="ca.closed_on IS NULL OR ca.closed_on >= %(since)s",
                lookback_days=2 * 366,
            ),
            FrameSpec(
                "contacts",
                (
                    ("id", ID),
                    ("received_at", DATETIME),
                    ("kind", STR),
                    ("source", STR),
                    ("postcode", STR),
                    ("decided_at", DATETIME),
                    ("due_at", DATETIME),
                ),
                f"SELECT {_id('c.id')}, {_text('c.received_at')}, c.kind, c.referral_source, c.child_postcode, "
                f"{_text('c.decided_at')}, {_text('c.decision_due_at')} FROM frontdoor_contact c WHERE {{window}}",
                # contacts by source count by arrival; the front-door clock by decision, however long after
                counts_by=Dated("received_on", "c.received_at", timestamp=True),
                also_by=(Dated("decided_on", "c.decided_at", timestamp=True),),
                dimensions=("locality",),
                derive=_then(_local_date("received_at"), _local_date("decided_at"), _postcode_locality),
            ),
            FrameSpec(
                "decisions",
                (
                    ("id", ID),
                    ("contact", ID),
                    ("authorised_at", DATETIME),
                    ("outcome", STR),
                    ("level", INT),
                    ("postcode", STR),
                ),
                f"SELECT {_id('d.id')}, {_id('d.contact_id')}, {_text('d.authorised_at')}, d.outcome, d.level, "
                "c.child_postcode FROM frontdoor_thresholddecision d JOIN frontdoor_contact c ON c.id = d.contact_id "
                "WHERE d.status = 'authorised' AND {window}",
                counts_by=Dated("authorised_on", "d.authorised_at", timestamp=True),
                dimensions=("locality", "level"),
                derive=_then(_local_date("authorised_at"), _postcode_locality),
            ),
            FrameSpec(
                "referrals",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("referral_date", DATE),
                    ("source", STR),
                    ("closed_on", DATE),
                ),
                f"SELECT {_id('e.id')}, {_id('e.case_id')}, {_id('e.person_id')}, {_text('e.referral_date')}, "
                "e.referral_source, "
                f"{_text('e.closed_on')} FROM casework_cinepisode e WHERE {{window}}",
                counts_by=Dated("referral_date", "e.referral_date"),
                ends_by=Dated("closed_on", "e.closed_on"),
                lookback_days=366,  # a referral's previous referral, or closure, in the 12 months before it
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=_LEVEL_4,
            ),
            FrameSpec(
                "assessments",
                (
                    ("id", ID),
                    ("case", ID),
                    ("kind", STR),
                    ("started_on", DATE),
                    ("authorised_on", DATE),
                    ("outcome", STR),
                ),
                f"SELECT {_id('s.id')}, {_id('s.case_id')}, s.kind, {_text('s.started_on')}, "
                f"{_text('s.authorised_on')}, s.outcome FROM casework_assessment s "
                "WHERE s.authorised_on IS NOT NULL AND {window}",
                counts_by=Dated("authorised_on", "s.authorised_on"),
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=lambda df: df.with_columns(
                    level=pl.when(pl.col("kind") == "single").then(4).otherwise(3).cast(pl.Int64)
                ),
            ),
            FrameSpec(
                "s47",
                (("id", ID), ("case", ID), ("person", ID), ("started_on", DATE), ("icpc_on", DATE), ("outcome", STR)),
                f"SELECT {_id('s.id')}, {_id('s.case_id')}, {_id('s.person_id')}, {_text('s.started_on')}, "
                f"{_text('s.icpc_on')}, s.outcome FROM casework_s47enquiry s WHERE {{window}}",
                counts_by=Dated("started_on", "s.started_on"),  # enquiries started
                also_by=(Dated("icpc_on", "s.icpc_on"),),  # initial conferences held
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=_LEVEL_4,
            ),
            FrameSpec(
                "cp_plans",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("started_on", DATE),
                    ("ended_on", DATE),
                    ("previous_cp_plans", INT),
                ),
                f"SELECT {_id('p.id')}, {_id('p.case_id')}, {_id('p.person_id')}, {_text('p.started_on')}, "
                f"{_text('p.ended_on')}, p.previous_cp_plans FROM casework_plan p WHERE p.kind = 'cp' AND {{window}}",
                counts_by=Dated("started_on", "p.started_on"),
                ends_by=Dated("ended_on", "p.ended_on"),
                history=True,  # earlier plans make later ones repeats: read from the start
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=_LEVEL_4,
            ),
            FrameSpec(
                "looked_after",
                (("id", ID), ("case", ID), ("person", ID), ("started_on", DATE), ("ended_on", DATE), ("uasc", BOOL)),
                f"SELECT {_id('l.id')}, {_id('p.case_id')}, {_id('l.person_id')}, {_text('l.started_on')}, "
                f"{_text('l.ended_on')}, l.uasc FROM casework_lookedafterepisode l "
                "JOIN casework_plan p ON p.id = l.plan_id WHERE {window}",
                counts_by=Dated("started_on", "l.started_on"),
                ends_by=Dated("ended_on", "l.ended_on"),
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=_LEVEL_4,
            ),
            FrameSpec(
                "level_changes",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("changed_on", DATE),
                    ("direction", STR),
                    ("from_level", INT),
                    ("to_level", INT),
                ),
                f"SELECT {_id('x.id')}, {_id('x.case_id')}, {_id('ca.person_id')}, {_text('x.changed_on')}, "
                "x.direction, x.from_level, x.to_level FROM casework_levelchange x "
                "JOIN casework_case ca ON ca.id = x.case_id WHERE {window}",
                counts_by=Dated("changed_on", "x.changed_on"),
                dimensions=_CASE_DIMENSIONS,
                on_case=True,
                derive=lambda df: df.with_columns(level=pl.col("from_level")),
            ),
            FrameSpec(
                "allocations",
                (
                    ("id", ID),
                    ("case", ID),
                    ("worker", ID),
                    ("team", ID),
                    ("started_on", DATE),
                    ("ended_on", DATE),
                    ("level", INT),
                    ("locality", ID),
                ),
                f"SELECT {_id('x.id')}, {_id('x.case_id')}, {_id('x.worker_id')}, {_id('x.team_id')}, "
                f"{_text('x.started_on')}, {_text('x.ended_on')}, ca.level, {_id('t.locality_id')} "
                "FROM casework_allocation x JOIN casework_case ca ON ca.id = x.case_id "
                "LEFT JOIN organisation_team t ON t.id = x.team_id WHERE x.role = 'lead' AND {window}",
                counts_by=Dated("started_on", "x.started_on"),
                ends_by=Dated("ended_on", "x.ended_on"),
                dimensions=_CASE_DIMENSIONS,
            ),
            FrameSpec(
                "workforce",
                (
                    ("id", ID),
                    ("job_role", STR),
                    ("employment", STR),
                    ("team", ID),
                    ("locality", ID),
                    ("joined_at", DATETIME),
                    ("is_active", BOOL),
                ),
                f"SELECT {_id('u.id')}, u.job_role, u.employment, {_id('u.team_id')}, {_id('t.locality_id')}, "
                f"{_text('u.date_joined')}, u.is_active FROM accounts_user u "
                "LEFT JOIN organisation_team t ON t.id = u.team_id WHERE u.job_role = 'social_worker' AND {window}",
                # no window: today's staff list, counted by joining date (no leaving dates are kept)
                dimensions=("team", "worker", "locality"),
                derive=lambda df: df.with_columns(worker=pl.col("id")).pipe(_local_date("joined_at")),
            ),
        )
    }


def _sql(spec: FrameSpec, since: date | None, until: date | None) -> tuple[str, dict[str, Any]]:
    if since is None or not spec.windowed:
        return spec.sql.replace("{window}", "1=1"), {}
    start = since - timedelta(days=spec.lookback_days)
    last = until or date(9999, 12, 30)
    return spec.sql.replace("{window}", f"({spec.condition()})"), {
        "since": start,
        "until": last,
        # timestamps: a day's margin each side for the UK's offset from UTC (placed by their UK date after)
        "from_stamp": start - timedelta(days=1),
        "after": last + timedelta(days=2),
    }


# Identifiers only drill-down and the filters' join to cases need: reports without either leave them unread.
DETAIL_COLUMNS = {"id", "case", "contact"}
_KEEP_DETAIL = {"cases", "workforce"}


def _split_select(sql: str) -> tuple[list[str], str]:
    """The SELECT list's expressions (split at top-level commas) and the rest from " FROM " on."""
    body, rest = sql[len("SELECT ") :].split(" FROM ", 1)
    parts, depth, current = [], 0, ""
    for char in body:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts, " FROM " + rest


def columns_read(spec: FrameSpec, detail: bool) -> tuple[tuple[str, str], ...]:
    if detail or spec.name in _KEEP_DETAIL:
        return spec.columns
    return tuple(column for column in spec.columns if column[0] not in DETAIL_COLUMNS)


def read_rows(
    spec: FrameSpec, since: date | None, until: date | None = None, *, detail: bool = True
) -> list[tuple[Any, ...]]:
    """The plain read: run the frame's statement and fetch its rows as Python tuples."""
    sql, params = _sql(spec, since, until)
    if not (detail or spec.name in _KEEP_DETAIL):
        expressions, rest = _split_select(sql)
        assert len(expressions) == len(spec.columns), spec.name
        kept = [e for e, (name, _kind) in zip(expressions, spec.columns, strict=True) if name not in DETAIL_COLUMNS]
        sql = "SELECT " + ", ".join(kept) + rest
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_RAW = {ID: pl.Utf8, STR: pl.Utf8, INT: pl.Int64, BOOL: pl.Boolean, DATE: pl.Utf8, DATETIME: pl.Utf8}


def to_frame(spec: FrameSpec, rows: list[tuple[Any, ...]], *, detail: bool = True) -> pl.DataFrame:
    """Rows to a frame, built by Polars (not Python) with dates and timestamps parsed from their text."""
    columns = columns_read(spec, detail)
    schema = {name: _RAW[kind] for name, kind in columns}
    df = pl.DataFrame(rows, schema=schema, orient="row", strict=False)
    casts = []
    for name, kind in columns:
        if kind == DATE:
            casts.append(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        elif kind == DATETIME:
            text = pl.col(name).str.slice(0, 19).str.replace("T", " ")
            moment = text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
            casts.append(moment.dt.replace_time_zone("UTC").alias(name))
    if casts:
        df = df.with_columns(casts)
    if spec.derive is not None:
        df = spec.derive(df)
    return df


@dataclass
class Facts:
    """The frames one report needs, read lazily (each once) for rows that can matter between `since` and
    `until`. `frame` gives every row; `narrow` applies the filters, after a measure has derived what needs
    the whole history (a re-referral, a repeat plan)."""

    filters: Filters = field(default_factory=Filters)
    since: date | None = None
    until: date | None = None
    detail: bool = False  # read the identifiers drill-down needs
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    read_seconds: float = 0.0
    child_population: int | None = None

    @property
    def reads_detail(self) -> bool:
        return self.detail or bool({"team", "worker", "locality"} & set(self.filters.active()))

    def frame(self, name: str) -> pl.DataFrame:
        if name not in self.frames:
            spec = specs()[name]
            started = time.perf_counter()
            detail = self.reads_detail
            df = to_frame(spec, read_rows(spec, self.since, self.until, detail=detail), detail=detail)
            self.read_seconds += time.perf_counter() - started
            if spec.on_case and {"team", "worker", "locality"} & set(self.filters.active()):
                cases = self.frame("cases").drop("case_person")
                df = df.join(cases, on="case", how="left")
            self.frames[name] = df
        return self.frames[name]

    def derived(self, name: str, prepare: Callable[[pl.DataFrame, Facts], pl.DataFrame]) -> pl.DataFrame:
        """`prepare(frame)`, computed once per frame and function (two measures share re-referral flags)."""
        key = f"{name}:{prepare.__module__}.{prepare.__qualname__}"
        if key not in self.frames:
            self.frames[key] = prepare(self.frame(name), self)
        return self.frames[key]

    def narrow(self, df: pl.DataFrame, name: str) -> pl.DataFrame:
        """Rows of frame `name` (or rows derived from it) that the filters keep."""
        return apply_filters(df, specs()[name], self.filters)

    def supports(self, frame_names: Iterable[str]) -> bool:
        """True when every frame named carries every dimension the filters use."""
        wanted = set(self.filters.active())
        all_specs = specs()
        return all(wanted <= set(all_specs[name].dimensions) for name in frame_names)

    def population(self) -> int | None:
        if self.child_population is None:
            from familyhelp.organisation.models import LocalAuthority

            self.child_population = (
                LocalAuthority.objects.order_by("created_at").values_list("child_population", flat=True).first()
            )
        return self.child_population


def apply_filters(df: pl.DataFrame, spec: FrameSpec, filters: Filters) -> pl.DataFrame:
    conditions = []
    for name, value in filters.active().items():
        if name not in spec.dimensions:
            continue  # the measure reports itself unavailable (Facts.supports)
        conditions.append(pl.col(name) == value)
    return df.filter(*conditions) if conditions else df


def plain_read(
    names: Iterable[str], since: date | None, until: date | None = None, *, detail: bool = False
) -> tuple[float, int]:
    """Seconds and rows for fetching every named frame's columns as tuples (the bench's yardstick)."""
    all_specs = specs()
    wanted = set(names)
    started, rows = time.perf_counter(), 0
    for name in sorted(wanted):
        rows += len(read_rows(all_specs[name], since, until, detail=detail))
    return time.perf_counter() - started, rows


assert set(DIMENSIONS) == {"team", "locality", "level", "worker"}
