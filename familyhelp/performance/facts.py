"""The columns the measures need, read once into Polars frames and filtered there.

Each frame is one SQL statement (the same on SQLite and PostgreSQL); `Facts` reads a frame the first time a
measure asks for it and keeps it. A `since` date limits the rows to those that can matter for periods
ending after it (each frame says how far back it must look); without it everything is read.

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
class FrameSpec:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, kind) in SELECT order
    sql: str  # SELECT … FROM … [WHERE …] with {window} where the window condition goes (or 1=1)
    window: str = ""  # SQL condition on %(since)s; empty: always read whole
    lookback_days: int = 0  # how far before `since` rows still matter
    dimensions: tuple[str, ...] = ()
    derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None


def _id(expr: str) -> str:
    """A uuid column as text on both databases (SQLite stores 32 hex digits, PostgreSQL a uuid)."""
    if connection.vendor == "postgresql":
        return f"REPLACE(CAST({expr} AS TEXT), '-', '')"
    return expr


def _local_date(column: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def derive(df: pl.DataFrame) -> pl.DataFrame:
        return df.with_columns(
            pl.col(column).dt.convert_time_zone(LONDON).dt.date().alias(column.replace("_at", "_on"))
        )

    return derive


_CHILD_LOCALITY = (
    "(SELECT a.locality_id FROM people_personaddress pa JOIN people_address a ON a.id = pa.address_id "
    "WHERE pa.person_id = {person} AND pa.end_date IS NULL ORDER BY pa.start_date DESC LIMIT 1)"
)
_CASE_DIMS = "ca.team_id, ca.worker_id, t.locality_id"
_CASE_JOIN = "LEFT JOIN casework_case ca ON ca.id = {alias}.case_id LEFT JOIN organisation_team t ON t.id = ca.team_id"
_CASE_DIM_COLUMNS = (("team", ID), ("worker", ID), ("locality", ID))


def specs() -> dict[str, FrameSpec]:
    """The frames (built per call: the uuid casts depend on the database in use)."""
    child_locality = _CHILD_LOCALITY.format(person="c.child_id")
    return {
        spec.name: spec
        for spec in (
            FrameSpec(
                "contacts",
                (
                    ("id", ID),
                    ("received_at", DATETIME),
                    ("kind", STR),
                    ("source", STR),
                    ("person", ID),
                    ("decided_at", DATETIME),
                    ("due_at", DATETIME),
                    ("locality", ID),
                ),
                f"SELECT {_id('c.id')}, c.received_at, c.kind, c.referral_source, {_id('c.child_id')}, c.decided_at, "
                f"c.decision_due_at, {_id(child_locality)} FROM frontdoor_contact c WHERE {{window}}",
                window="c.received_at >= %(since)s",
                dimensions=("locality",),
                derive=lambda df: df.pipe(_local_date("received_at")).pipe(_local_date("decided_at")),
            ),
            FrameSpec(
                "decisions",
                (
                    ("id", ID),
                    ("contact", ID),
                    ("authorised_at", DATETIME),
                    ("outcome", STR),
                    ("level", INT),
                    ("locality", ID),
                ),
                f"SELECT {_id('d.id')}, {_id('d.contact_id')}, d.authorised_at, d.outcome, d.level, "
                f"{_id(child_locality)} FROM frontdoor_thresholddecision d "
                "JOIN frontdoor_contact c ON c.id = d.contact_id "
                "WHERE d.status = 'authorised' AND {window}",
                window="d.authorised_at >= %(since)s",
                dimensions=("locality", "level"),
                derive=_local_date("authorised_at"),
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
                    ("closure_reason", STR),
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('e.id')}, {_id('e.case_id')}, {_id('e.person_id')}, e.referral_date, e.referral_source, "
                f"e.closed_on, e.closure_reason, {_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                f"FROM casework_cinepisode e {_CASE_JOIN.format(alias='e')} WHERE {{window}}",
                window="(e.referral_date >= %(since)s OR e.closed_on IS NULL OR e.closed_on >= %(since)s)",
                lookback_days=366,
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(level=pl.lit(4, pl.Int64)),
            ),
            FrameSpec(
                "assessments",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("kind", STR),
                    ("started_on", DATE),
                    ("authorised_on", DATE),
                    ("outcome", STR),
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('s.id')}, {_id('s.case_id')}, {_id('s.person_id')}, s.kind, s.started_on, "
                f"s.authorised_on, s.outcome, {_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                f"FROM casework_assessment s {_CASE_JOIN.format(alias='s')} WHERE {{window}}",
                window="(s.authorised_on >= %(since)s OR s.authorised_on IS NULL)",
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(
                    level=pl.when(pl.col("kind") == "single").then(4).otherwise(3).cast(pl.Int64)
                ),
            ),
            FrameSpec(
                "s47",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("started_on", DATE),
                    ("icpc_on", DATE),
                    ("outcome", STR),
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('s.id')}, {_id('s.case_id')}, {_id('s.person_id')}, s.started_on, s.icpc_on, s.outcome, "
                f"{_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                f"FROM casework_s47enquiry s {_CASE_JOIN.format(alias='s')} WHERE {{window}}",
                window="(s.started_on >= %(since)s OR s.icpc_on >= %(since)s)",
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(level=pl.lit(4, pl.Int64)),
            ),
            FrameSpec(
                "plans",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("kind", STR),
                    ("started_on", DATE),
                    ("ended_on", DATE),
                    ("previous_cp_plans", INT),
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('p.id')}, {_id('p.case_id')}, {_id('p.person_id')}, p.kind, p.started_on, p.ended_on, "
                f"p.previous_cp_plans, {_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                f"FROM casework_plan p {_CASE_JOIN.format(alias='p')} "
                "WHERE p.kind IN ('cp', 'cin', 'lac') AND {window}",
                window="(p.ended_on IS NULL OR p.ended_on >= %(since)s)",
                lookback_days=2 * 366,
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(level=pl.lit(4, pl.Int64)),
            ),
            FrameSpec(
                "looked_after",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("started_on", DATE),
                    ("ended_on", DATE),
                    ("uasc", BOOL),
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('l.id')}, {_id('p.case_id')}, {_id('l.person_id')}, l.started_on, l.ended_on, l.uasc, "
                f"{_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                "FROM casework_lookedafterepisode l JOIN casework_plan p ON p.id = l.plan_id "
                f"{_CASE_JOIN.format(alias='p')} WHERE {{window}}",
                window="(l.ended_on IS NULL OR l.ended_on >= %(since)s)",
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(level=pl.lit(4, pl.Int64)),
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
                    *_CASE_DIM_COLUMNS,
                ),
                f"SELECT {_id('x.id')}, {_id('x.case_id')}, {_id('ca.person_id')}, x.changed_on, x.direction, "
                f"x.from_level, x.to_level, {_id('ca.team_id')}, {_id('ca.worker_id')}, {_id('t.locality_id')} "
                f"FROM casework_levelchange x {_CASE_JOIN.format(alias='x')} WHERE {{window}}",
                window="x.changed_on >= %(since)s",
                dimensions=("team", "worker", "locality", "level"),
                derive=lambda df: df.with_columns(level=pl.col("from_level")),
            ),
            FrameSpec(
                "allocations",
                (
                    ("id", ID),
                    ("case", ID),
                    ("person", ID),
                    ("worker", ID),
                    ("team", ID),
                    ("started_on", DATE),
                    ("ended_on", DATE),
                    ("level", INT),
                    ("locality", ID),
                ),
                f"SELECT {_id('x.id')}, {_id('x.case_id')}, {_id('ca.person_id')}, {_id('x.worker_id')}, "
                f"{_id('x.team_id')}, x.started_on, x.ended_on, ca.level, {_id('t.locality_id')} "
                "FROM casework_allocation x JOIN casework_case ca ON ca.id = x.case_id "
                "LEFT JOIN organisation_team t ON t.id = x.team_id WHERE x.role = 'lead' AND {window}",
                window="(x.ended_on IS NULL OR x.ended_on >= %(since)s)",
                dimensions=("team", "worker", "locality", "level"),
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
                "u.date_joined, u.is_active FROM accounts_user u LEFT JOIN organisation_team t ON t.id = u.team_id "
                "WHERE u.job_role = 'social_worker' AND {window}",
                dimensions=("team", "worker", "locality"),
                derive=lambda df: df.with_columns(worker=pl.col("id")).pipe(_local_date("joined_at")),
            ),
        )
    }


def _sql(spec: FrameSpec, since: date | None) -> tuple[str, dict[str, Any]]:
    if since is None or not spec.window:
        return spec.sql.replace("{window}", "1=1"), {}
    start = since - timedelta(days=spec.lookback_days)
    return spec.sql.replace("{window}", spec.window), {"since": start}


def read_rows(spec: FrameSpec, since: date | None) -> list[tuple[Any, ...]]:
    """The plain read: run the frame's statement and fetch its rows as Python tuples."""
    sql, params = _sql(spec, since)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _series(name: str, kind: str, values: tuple[Any, ...]) -> pl.Series:
    if kind in (ID, STR):
        return pl.Series(name, values, dtype=pl.Utf8)
    if kind == INT:
        return pl.Series(name, values, dtype=pl.Int64)
    if kind == BOOL:
        return pl.Series(name, [bool(v) if v is not None else None for v in values], dtype=pl.Boolean)
    sample = next((v for v in values if v is not None), None)
    if kind == DATE:
        if isinstance(sample, str):
            return pl.Series(name, values, dtype=pl.Utf8).str.to_date("%Y-%m-%d", strict=False)
        return pl.Series(name, values, dtype=pl.Date)
    if kind == DATETIME:
        if isinstance(sample, str):
            text = pl.Series(name, values, dtype=pl.Utf8).str.slice(0, 19)
            return text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us").dt.replace_time_zone("UTC")
        if sample is None or sample.tzinfo is None:  # SQLite hands back naive UTC datetimes
            return pl.Series(name, values, dtype=pl.Datetime("us")).dt.replace_time_zone("UTC")
        return pl.Series(name, values).dt.convert_time_zone("UTC")
    raise ValueError(kind)


def to_frame(spec: FrameSpec, rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in spec.columns]
    df = pl.DataFrame([_series(name, kind, values) for (name, kind), values in zip(spec.columns, columns, strict=True)])
    if spec.derive is not None:
        df = spec.derive(df)
    return df


@dataclass
class Facts:
    """The frames one report needs, read lazily, then narrowed by the filters."""

    filters: Filters = field(default_factory=Filters)
    since: date | None = None
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    read_seconds: float = 0.0
    child_population: int | None = None

    def frame(self, name: str) -> pl.DataFrame:
        if name not in self.frames:
            spec = specs()[name]
            started = time.perf_counter()
            df = to_frame(spec, read_rows(spec, self.since))
            self.read_seconds += time.perf_counter() - started
            self.frames[name] = apply_filters(df, spec, self.filters)
        return self.frames[name]

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


def plain_read(names: Iterable[str], since: date | None) -> tuple[float, int]:
    """Seconds and rows for fetching every named frame's columns as tuples (the bench's yardstick)."""
    all_specs = specs()
    started, rows = time.perf_counter(), 0
    for name in names:
        rows += len(read_rows(all_specs[name], since))
    return time.perf_counter() - started, rows


assert set(DIMENSIONS) == {"team", "locality", "level", "worker"}
