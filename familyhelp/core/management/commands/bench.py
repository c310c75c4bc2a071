"""`familyhelp bench <benchmark>`: benchmarks that print figures (never timed assertions in tests).

Add a benchmark by decorating a function with `@benchmark("name", "help")`; it receives the command (for
output) and the parsed options, and may declare its own arguments with `arguments=`:

    def _args(parser):
        parser.add_argument("--rounds", type=int, default=3)

    @benchmark("search", "Time person searches against a generated council.", arguments=_args)
    def bench_search(command, options):
        ...
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


@dataclass(frozen=True)
class Benchmark:
    name: str
    help: str
    run: Callable[[BaseCommand, dict[str, Any]], None]
    arguments: Callable[[CommandParser], None] | None = None


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(
    name: str, help: str, *, arguments: Callable[[CommandParser], None] | None = None
) -> Callable[[Callable[[BaseCommand, dict[str, Any]], None]], Callable[[BaseCommand, dict[str, Any]], None]]:
    """Register a benchmark under `familyhelp bench <name>`."""

    def register(run: Callable[[BaseCommand, dict[str, Any]], None]) -> Callable[[BaseCommand, dict[str, Any]], None]:
        BENCHMARKS[name] = Benchmark(name=name, help=help, run=run, arguments=arguments)
        return run

    return register


class Command(BaseCommand):
    help = "Run a benchmark and print its figures. `familyhelp bench --help` lists the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
        for bench in BENCHMARKS.values():
            sub = subparsers.add_parser(bench.name, help=bench.help, description=bench.help)
            if bench.arguments is not None:
                bench.arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["benchmark"]
        if name not in BENCHMARKS:
            raise CommandError(f"Unknown benchmark {name!r}: choose from {', '.join(sorted(BENCHMARKS))}")
        BENCHMARKS[name].run(self, options)


# --- bench generate ------------------------------------------------------------------------------
GENERATE_TABLES = [
    ("people", "people_person"),
    ("families", "people_family"),
    ("family members", "people_familymember"),
    ("addresses", "people_address"),
    ("address history", "people_personaddress"),
    ("relationships", "people_relationship"),
    ("other names", "people_personname"),
    ("disabilities", "people_persondisability"),
    ("involvements", "people_professionalinvolvement"),
    ("chronology events", "chronology_chronologyevent"),
    ("users", "accounts_user"),
    ("schools", "organisation_school"),
    ("teams", "organisation_team"),
]


def _generate_arguments(parser: CommandParser) -> None:
    parser.add_argument("--preset", default="large", help="tiny, small or large (default large).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default=None, help="Reference date passed to generate (YYYY-MM-DD).")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary database and print where it is.")
    parser.add_argument("--quiet", action="store_true", help="No progress bar from generate.")


def _child_peak_rss_mb() -> float:
    """Peak resident memory of the largest child process waited for so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


@benchmark(
    "generate",
    "Migrate a fresh temporary SQLite database and generate a synthetic council into it; print timings, rows "
    "per table, rows per second, database size and peak memory. Never touches your own database.",
    arguments=_generate_arguments,
)
def bench_generate(command: BaseCommand, options: dict[str, Any]) -> None:
    """Time `familyhelp migrate` and `familyhelp generate` as subprocesses against a throwaway database."""
    out = command.stdout
    workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
    database = workdir / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    base = [sys.executable, "-m", "familyhelp"]
    try:
        started = time.perf_counter()
        subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
        migrate_seconds = time.perf_counter() - started
        migrate_rss = _child_peak_rss_mb()
        generate_cmd = [*base, "generate", "--preset", options["preset"], "--seed", str(options["seed"])]
        if options["today"]:
            generate_cmd += ["--today", options["today"]]
        if options["quiet"]:
            generate_cmd.append("--quiet")
        started = time.perf_counter()
        subprocess.run(generate_cmd, env=env, check=True)  # noqa: S603
        generate_seconds = time.perf_counter() - started
        peak_rss = _child_peak_rss_mb()
        with sqlite3.connect(database) as db:
            counts = {
                table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for _, table in GENERATE_TABLES
            }
            all_tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            total = sum(db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in all_tables)  # noqa: S608
        db.close()
        size = sum(p.stat().st_size for p in workdir.glob("bench.sqlite3*"))
        out.write("")
        out.write(f"bench generate: preset {options['preset']}, seed {options['seed']} (SQLite, {database})")
        out.write(f"  migrate                 {migrate_seconds:10.1f} s")
        out.write(f"  generate                {generate_seconds:10.1f} s   (process, including start-up)")
        for label, table in GENERATE_TABLES:
            out.write(f"  {label:<22}{counts[table]:>12,}")
        out.write(f"  rows in all tables      {total:>12,}")
        out.write(f"  rows per second         {total / generate_seconds:>12,.0f}")
        out.write(f"  database size           {size / 1024 / 1024:>12,.1f} MB")
        out.write(f"  peak memory (RSS)       {peak_rss:>12,.0f} MB   (migrate {migrate_rss:,.0f} MB)")
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc
    finally:
        if options["keep"]:
            out.write(f"  kept {database}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- bench search ---------------------------------------------------------------------------------
def _search_arguments(parser: CommandParser) -> None:
    from familyhelp.people.search_bench import QUERY_SETS

    parser.add_argument(
        "--preset", default="small", help="Council to generate into a new or empty database (tiny, small, large)."
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed for the council and for the query sets.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database", default="", help="An existing generated SQLite file to search (kept, so it can be reused)."
    )
    where.add_argument(
        "--database-url",
        default="",
        help="A database to search, e.g. postgres://user@127.0.0.1:5432/name (created if missing, migrated, and "
        "generated into with --preset when it has no people). Kept, so it can be reused.",
    )
    where.add_argument(
        "--postgres",
        action="store_true",
        help="Search a throwaway PostgreSQL cluster on loopback (as scripts/with-postgres.sh): generate --preset "
        "into it, run the searches, then stop and delete it.",
    )
    parser.add_argument(
        "--sets",
        default="all",
        help="Query sets to run, comma-separated (default all): standard (the front door's mix, with a date of "
        f"birth) and the sets made the way referrers err: {', '.join(QUERY_SETS)}.",
    )
    parser.add_argument("--queries", type=int, default=1000, help="Searches in the standard set (default 1000).")
    parser.add_argument(
        "--queries-per-set", type=int, default=300, help="Searches in each of the other sets (default 300)."
    )
    parser.add_argument(
        "--baseline-queries",
        type=int,
        default=100,
        help="How many of the standard set's queries the full-scan rapidfuzz baseline also runs, spread evenly "
        "(default 100); it runs every tenth query of the other sets. 0: no baseline at all. It costs about a "
        "second a query on 1,000,000 people.",
    )
    parser.add_argument(
        "--name-only-queries",
        type=int,
        default=100,
        help="Extra searches by exact name alone, reported separately (default 100; 0: none).",
    )
    parser.add_argument(
        "--scoped-queries",
        type=int,
        default=100,
        help="Run the first N queries of each set again as a social worker whose record scope is their team, "
        "each right after the same query as the front door, and compare their p95 (default 100; 0: none).",
    )
    parser.add_argument("--username", default="frontdoor", help="Who searches (default the front door).")
    parser.add_argument("--in-process", action="store_true", help=argparse_suppress())
    parser.add_argument("--count-people", action="store_true", help=argparse_suppress())


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _chosen_sets(value: str) -> list[str]:
    """The query sets --sets names, in the report's order ("standard" first)."""
    from familyhelp.people.search_bench import QUERY_SETS

    every = ["standard", *QUERY_SETS]
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    if not wanted or "all" in wanted:
        return every
    unknown = sorted(wanted - set(every))
    if unknown:
        raise CommandError(f"Unknown query set {', '.join(unknown)}: choose from all, {', '.join(every)}")
    return [key for key in every if key in wanted]


@dataclass
class _Measured:
    """One search and what came back: its time, the rank of the person searched for (-1: not shown)."""

    query: Any
    ms: float
    rank: int
    shown: int
    narrow: bool | None = None  # the results asked for something to narrow them (None: the search cannot say)
    refused: str = ""  # the search refused the criteria (DomainError)


TOP5_TARGET = 0.99  # sets with a date of birth in any form, or an age
TOP20_TARGET = 0.95  # name-only sets (and never empty)
P95_TARGET_MS = 25.0
SCOPED_RATIO_TARGET = 1.5  # a team-scoped search's p95 within 1.5x of the front door's


def _share(rows: list[_Measured], test: Callable[[_Measured], bool]) -> float:
    return sum(1 for r in rows if test(r)) / len(rows) if rows else 0.0


def _targets(rows: list[_Measured], *, name_only: bool) -> tuple[bool, str]:
    """Whether a set's figures meet its targets, and the verdict as printed."""
    p95 = _percentile([r.ms for r in rows], 0.95)
    parts = []
    ok = p95 <= P95_TARGET_MS
    if name_only:
        top20 = _share(rows, lambda r: 0 <= r.rank < 20)
        empty = sum(1 for r in rows if r.shown == 0)
        ok = ok and top20 >= TOP20_TARGET and empty == 0
        parts += [
            f"top 20 >= 95% {'met' if top20 >= TOP20_TARGET else 'NOT met'}",
            f"0 empty {'met' if empty == 0 else 'NOT met'}",
        ]
    else:
        top5 = _share(rows, lambda r: 0 <= r.rank < 5)
        ok = ok and top5 >= TOP5_TARGET
        parts.append(f"top 5 >= 99% {'met' if top5 >= TOP5_TARGET else 'NOT met'}")
    parts.append(f"p95 <= 25 ms {'met' if p95 <= P95_TARGET_MS else 'NOT met'}")
    return ok, ", ".join(parts)


def _search_in_process(command: BaseCommand, options: dict[str, Any]) -> None:
    """Build the query sets, run them through person_search_for_user, then the baseline and the team-scoped
    searches, and print the figures."""
    import dataclasses
    import gc
    import random
    import statistics

    from django.db import connection

    from familyhelp.accounts.models import User
    from familyhelp.core import clock
    from familyhelp.core.errors import DomainError
    from familyhelp.people import search_bench as sb
    from familyhelp.people.models import PersonAddress, PersonName
    from familyhelp.people.search import SearchCriteria, person_search_for_user

    out = command.stdout
    chosen = _chosen_sets(options["sets"])
    today = clock.today()
    user = User.objects.get(username=options["username"])
    population = sb.Population.load(connection)
    if not population.eligible:
        raise CommandError("No people with a date of birth in this database: generate a council first.")
    other_names: dict[Any, list[tuple[str, str]]] = {}
    for pk, given, family in PersonName.objects.filter(
        kind__in=[PersonName.Kind.ALIAS, PersonName.Kind.FORMER, PersonName.Kind.BIRTH]
    ).values_list("person_id", "given_names", "family_name"):
        other_names.setdefault(pk, []).append((given, family))

    def postcode_of(pk: Any) -> str:
        current = PersonAddress.objects.filter(person_id=pk, end_date__isnull=True)
        return current.values_list("address__postcode", flat=True).first() or ""

    def build(seed: int, count: int) -> list[sb.BenchQuery]:
        rng = random.Random(seed)  # noqa: S311 - sampling, not security
        return sb.build_queries(population, rng, count, other_names=other_names, postcode_of=postcode_of)

    def run(query: sb.BenchQuery | None, criteria: SearchCriteria, target: Any, who: Any = user) -> _Measured:
        started = time.perf_counter()
        try:
            results = person_search_for_user(who, criteria, purpose="bench")
        except DomainError as exc:
            return _Measured(query, (time.perf_counter() - started) * 1000, -1, 0, refused=exc.message)
        elapsed = (time.perf_counter() - started) * 1000
        rank = next((k for k, r in enumerate(results) if r.person.pk == target), -1)
        return _Measured(query, elapsed, rank, len(results), getattr(results, "needs_narrowing", None))

    def search(query: sb.BenchQuery, who: Any = user) -> _Measured:
        return run(query, SearchCriteria(**query.criteria_fields()), population.ids[query.target], who)

    supported = {f.name for f in dataclasses.fields(SearchCriteria)}
    sets: dict[str, list[sb.BenchQuery]] = {}
    skipped: list[str] = []
    for key in chosen:
        if key == "standard":
            sets[key] = build(options["seed"], options["queries"])
            continue
        query_set = sb.QUERY_SETS[key]
        if query_set.needs and query_set.needs not in supported:
            skipped.append(f"{query_set.label} (SearchCriteria has no {query_set.needs} field)")
            continue
        sets[key] = sb.build_query_set(
            population, query_set, seed=options["seed"], count=options["queries_per_set"], today=today
        )
    # A million people held in memory for sampling and the baseline would make each full garbage collection
    # take seconds, landing on whichever search is running: keep them out of the collector's way.
    gc.collect()
    gc.freeze()
    for query in build(options["seed"] + 1_000_003, 20):  # warm-up: caches and the database's pages
        search(query)
    measured = {key: [search(query) for query in queries] for key, queries in sets.items()}

    vendor = connection.vendor
    version = sqlite3.sqlite_version if vendor == "sqlite" else ""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    total = sum(len(q) for q in sets.values())
    out.write("")
    out.write(
        f"bench search: {total:,} searches as {user.username} over {len(population.ids):,} people "
        f"({vendor} {version}; people read into memory in {population.load_seconds:.1f} s; ages and school "
        f"years on {today.isoformat()})"
    )
    out.write(
        f"  query sets (seed {options['seed']}): searches for known people, 80% children and 20% adults; 20 "
        "warm-up searches not counted. Times include the access-log write."
    )

    def label(key: str) -> str:
        return key if key == "standard" else sb.QUERY_SETS[key].label

    if "standard" in measured:
        _standard_report(out, population, sets["standard"], measured["standard"])

    out.write("")
    out.write(
        f"  {'by query set':<20}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'top 1':>8}{'top 5':>8}"
        f"{'top 20':>8}{'shown':>7}{'empty':>7}  targets"
    )
    verdicts: dict[str, bool] = {}
    for key, rows in measured.items():
        if not rows:
            out.write(f"  {label(key):<20}{0:>6}  (no one in this council can be searched for so)")
            verdicts[label(key)] = False
            continue
        name_only = key != "standard" and sb.QUERY_SETS[key].name_only
        verdicts[label(key)], verdict = _targets(rows, name_only=name_only)
        times = [r.ms for r in rows]
        out.write(
            f"  {label(key):<20}{len(rows):>6}{statistics.median(times):>8.1f}{_percentile(times, 0.95):>8.1f}"
            f"{max(times):>8.1f}{_share(rows, lambda r: r.rank == 0):>8.1%}"
            f"{_share(rows, lambda r: 0 <= r.rank < 5):>8.1%}{_share(rows, lambda r: 0 <= r.rank < 20):>8.1%}"
            f"{statistics.mean(r.shown for r in rows):>7.1f}{sum(1 for r in rows if r.shown == 0):>7}  {verdict}"
        )
    for note in skipped:
        out.write(f"  {'':<20}skipped: {note}")

    for key, rows in measured.items():
        if key == "standard" or not rows:
            continue
        _set_details(out, population, sb.QUERY_SETS[key], rows, user)

    if options["baseline_queries"] > 0:
        population.identifier_index("nhs"), population.identifier_index("upn")  # built once, not timed
        out.write("")
        out.write(
            f"  full-scan rapidfuzz baseline: every name ({len(population.ids):,}) scored with token_sort_ratio, plus "
            "date-of-birth (or age, school year, year of birth) and NHS/UPN bonuses; all people held in memory "
            "(not timed); the standard set's --baseline-queries spread evenly, every tenth query of the others, "
            "beside this search's figures for the same queries"
        )
        out.write(
            f"  {'':<33}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'top 1':>8}{'top 5':>8}{'top 20':>8}"
            f"{'empty':>7}"
        )
        for key, rows in measured.items():
            if not rows:
                continue
            n_base = min(options["baseline_queries"], len(rows)) if key == "standard" else len(rows) // 10
            if n_base <= 0:
                continue
            step = len(rows) / n_base
            subset = [rows[int(k * step)] for k in range(n_base)]
            base: list[_Measured] = []
            for m in subset:
                started = time.perf_counter()
                top = sb.baseline_search(population, m.query, limit=20, today=today)
                elapsed = (time.perf_counter() - started) * 1000
                base.append(
                    _Measured(m.query, elapsed, top.index(m.query.target) if m.query.target in top else -1, len(top))
                )
            times = [b.ms for b in base]
            out.write(
                f"  {label(key):<20}{'baseline':<13}{n_base:>6}"
                f"{statistics.median(times):>8.1f}{_percentile(times, 0.95):>8.1f}{max(times):>8.1f}"
                f"{_share(base, lambda r: r.rank == 0):>8.1%}{_share(base, lambda r: 0 <= r.rank < 5):>8.1%}"
                f"{_share(base, lambda r: 0 <= r.rank < 20):>8.1%}{sum(1 for b in base if b.shown == 0):>7}"
            )
            out.write(
                f"  {'':<20}{'this search':<13}{n_base:>6}{'':>24}"
                f"{_share(subset, lambda r: r.rank == 0):>8.1%}{_share(subset, lambda r: 0 <= r.rank < 5):>8.1%}"
                f"{_share(subset, lambda r: 0 <= r.rank < 20):>8.1%}{sum(1 for s in subset if s.shown == 0):>7}"
            )

    if options["name_only_queries"] > 0:
        rng = random.Random(options["seed"] + 7)  # noqa: S311 - sampling, not security
        named = []
        for _ in range(options["name_only_queries"]):
            i = rng.choice(population.eligible)
            given = population.given[i].split(" ")[0] if population.given[i] else ""
            criteria = SearchCriteria(given_names=given, family_name=population.family[i])
            named.append(run(None, criteria, population.ids[i]))
        times = [m.ms for m in named]
        out.write("")
        out.write("  informational, not in the query sets: exact names alone (namesakes share a name, so the")
        out.write("  person can rank anywhere among them; the front door adds a date of birth)")
        out.write(
            f"  {'exact name only':<20}{len(named):>6}{statistics.median(times):>8.1f}{_percentile(times, 0.95):>8.1f}"
            f"{max(times):>8.1f}{_share(named, lambda r: r.rank == 0):>8.1%}"
            f"{_share(named, lambda r: 0 <= r.rank < 5):>8.1%}{_share(named, lambda r: 0 <= r.rank < 20):>8.1%}"
            f"{statistics.mean(r.shown for r in named):>7.1f}{sum(1 for r in named if r.shown == 0):>7}"
        )

    if options["scoped_queries"] > 0:
        from familyhelp.accounts.roles import Scope

        worker = next(
            (
                u
                for u in User.objects.filter(is_active=True, team__isnull=False).order_by("username")
                if u.scope == Scope.TEAM
            ),
            None,
        )
        if worker is None:
            out.write("")
            out.write("  no active team-scoped user in this council: team-scoped searches not run")
        else:
            out.write("")
            out.write(
                f"  the first {options['scoped_queries']} queries of each set again as {worker.username} (team scope; "
                "most people searched for are outside it, so recall does not apply),"
            )
            out.write("  each right after the same query as the front door again (its p95 beside, and the ratio)")
            out.write(
                f"  {'team scope':<20}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'front door p95':>16}"
                f"{'ratio':>7}  targets"
            )
            for key, rows in measured.items():
                first = rows[: options["scoped_queries"]]
                if not first:
                    continue
                # Each query as the front door and then as the worker, back to back, so that a busy spell on a
                # shared machine falls on both and the ratio compares like with like.
                scoped, again = [], []
                for m in first:
                    again.append(search(m.query))
                    scoped.append(search(m.query, worker))
                times = [s.ms for s in scoped]
                p95 = _percentile(times, 0.95)
                front = _percentile([a.ms for a in again], 0.95)
                ratio = p95 / front if front else 0.0
                ok = p95 <= P95_TARGET_MS and ratio <= SCOPED_RATIO_TARGET
                verdicts[f"{label(key)} (team scope)"] = ok
                out.write(
                    f"  {label(key):<20}{len(scoped):>6}{statistics.median(times):>8.1f}{p95:>8.1f}{max(times):>8.1f}"
                    f"{front:>16.1f}{ratio:>6.2f}x  p95 <= 25 ms {'met' if p95 <= P95_TARGET_MS else 'NOT met'}, "
                    f"<= 1.5x the front door's {'met' if ratio <= SCOPED_RATIO_TARGET else 'NOT met'}"
                )

    out.write("")
    missed = [key for key, ok in verdicts.items() if not ok]
    out.write(
        "  targets (top 5 >= 99% with a date of birth in any form or an age; top 20 >= 95% and never empty by "
        "name alone; p95 <= 25 ms; team scope within 1.5x): "
        + ("all met" if not missed else "NOT met for " + ", ".join(missed))
    )


def _standard_report(out: Any, population: Any, queries: list[Any], measured: list[_Measured]) -> None:
    """The standard set by kind of name mistake, date-of-birth mistake and identifier, and its misses."""
    import statistics

    from familyhelp.people import search_bench as sb

    children = sum(1 for q in queries if population.is_child[q.target])
    out.write("")
    out.write(
        f"  standard set: {len(queries):,} searches with names with a mistake + date of birth (+ sometimes an "
        f"identifier), {children:,} children and {len(queries) - children:,} adults"
    )
    if not measured:
        return
    header = f"  {'':<30}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'top 1':>8}{'top 5':>8}{'shown':>7}"

    def row(label: str, rows: list[_Measured]) -> str:
        times = [r.ms for r in rows]
        return (
            f"  {label:<30}{len(rows):>6}{statistics.median(times):>9.1f}{_percentile(times, 0.95):>9.1f}"
            f"{max(times):>9.1f}{_share(rows, lambda r: r.rank == 0):>8.1%}"
            f"{_share(rows, lambda r: 0 <= r.rank < 5):>8.1%}{statistics.mean(r.shown for r in rows):>7.1f}"
        )

    for title, attribute, mix in (
        ("name", "name_kind", sb.NAME_MIX),
        ("date of birth", "dob_kind", sb.DOB_MIX),
        ("identifier", "identifier_kind", sb.IDENTIFIER_MIX),
    ):
        out.write("")
        out.write(header.replace(" " * 30, f"by {title}".ljust(30), 1))
        for kind in mix:
            rows = [m for m in measured if getattr(m.query, attribute) == kind]
            if rows:
                out.write(row(kind, rows))
    out.write(row("all", measured))
    for m in [m for m in measured if not 0 <= m.rank < 5][:10]:
        query = m.query
        true = population.given[query.target], population.family[query.target], population.dob[query.target]
        out.write(
            f"    missed ({query.name_kind}, {query.dob_kind}, rank {m.rank + 1 if m.rank >= 0 else 'none'}): "
            f"{query.given_names!r} {query.family_name!r} {query.date_of_birth} for {true[0]!r} {true[1]!r} {true[2]}"
        )


def _why_missed(population: Any, rows: list[_Measured], threshold: int, user: Any) -> str:
    """Why the misses missed: each is searched again without the page limit (not timed) and counted as
    outranked (at least `threshold` people score strictly higher: closer names, or the typed name is someone
    else's exact name), tied (fewer score higher, but namesakes with the same score fill the page) or not found."""
    from familyhelp.people.search import SearchCriteria, person_search_for_user

    outranked = tied = lost = 0
    for m in rows:
        if m.query is None or 0 <= m.rank < threshold or m.refused:
            continue
        results = person_search_for_user(
            user, SearchCriteria(**m.query.criteria_fields()), purpose="bench (why missed)", limit=5000
        )
        target = population.ids[m.query.target]
        mine = next((r.score for r in results if r.person.pk == target), None)
        if mine is None:
            lost += 1
        elif sum(1 for r in results if round(r.score, 2) > round(mine, 2)) >= threshold:
            outranked += 1
        else:
            tied += 1
    total = outranked + tied + lost
    if not total:
        return ""
    return (
        f"    why missed ({total}): {outranked} outranked by {threshold}+ closer matches (often another person's exact "
        f"name), {tied} tied with namesakes past {threshold}, {lost} not found"
    )


def _set_details(out: Any, population: Any, query_set: Any, rows: list[_Measured], user: Any = None) -> None:
    """What one query set holds (kinds of name mistake, first letters changed, children) and its misses."""
    from collections import Counter

    queries = [r.query for r in rows]
    kinds = Counter(q.name_kind for q in queries)
    mix = ", ".join(f"{kind} {n / len(queries):.0%}" for kind, n in kinds.most_common())
    first = _share(rows, lambda r: r.query.first_letter_changed)
    children = _share(rows, lambda r: population.is_child[r.query.target])
    out.write(f"  {query_set.label}: {mix}; a first letter edited {first:.0%}; children {children:.0%}")
    narrow = [r.narrow for r in rows if r.narrow is not None]
    if query_set.name_only and narrow:
        out.write(
            f"    asked to narrow (a date of birth, age, address or school year) in {sum(narrow) / len(narrow):.0%}"
        )
    refused = [r for r in rows if r.refused]
    if refused:
        out.write(f"    refused by the search: {len(refused)} (first: {refused[0].refused})")
    threshold = 20 if query_set.name_only else 5
    if user is not None and (why := _why_missed(population, rows, threshold, user)):
        out.write(why)
    for m in [r for r in rows if not 0 <= r.rank < threshold][:5]:
        q = m.query
        evidence = (
            f"born {q.date_of_birth}"
            if q.date_of_birth
            else f"age {q.age}"
            if q.age is not None
            else f"school year {q.school_year}"
            if q.school_year is not None
            else f"born in {q.year_of_birth}"
            if q.year_of_birth is not None
            else "no date of birth"
        )
        out.write(
            f"    missed ({q.name_kind}, rank {m.rank + 1 if m.rank >= 0 else 'none'} of {m.shown}): "
            f"{q.given_names!r} {q.family_name!r} {evidence} for {population.given[q.target]!r} "
            f"{population.family[q.target]!r} born {population.dob[q.target]}"
        )


def _pg_run(*args: str) -> None:
    """Run a PostgreSQL server binary, as the postgres user when we are root (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603


@contextlib.contextmanager
def _throwaway_postgres(out: Any) -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory on a free loopback port, deleted afterwards."""
    import socket

    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name.split(".")[0]))
    if not versions:
        raise CommandError("PostgreSQL is not installed (apt-get install -y postgresql).")
    pgbin = versions[-1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = Path(tempfile.mkdtemp(prefix="familyhelp-pg-"))
    data = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    try:
        _pg_run(
            str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        # As scripts/with-postgres.sh, with shared_buffers sized like a server's for a million people (the
        # 128 MB default cannot hold the person table's indexes, which a production server would).
        settings = (
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=1GB"
        )
        _pg_run(str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "-o", settings, "start")
        url = f"postgres://postgres@127.0.0.1:{port}/familyhelp"
        out.write(f"Throwaway PostgreSQL cluster on 127.0.0.1:{port} in {workdir}")
        _ensure_postgres_database(url)
        yield url
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            _pg_run(str(pgbin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


def _ensure_postgres_database(url: str) -> None:
    """Create the database a postgres:// URL names when it does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(url)
    parts = {"user": config["USER"], "host": config["HOST"], "port": config["PORT"], "password": config["PASSWORD"]}
    conninfo = make_conninfo(dbname="postgres", **{k: str(v) for k, v in parts.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


@benchmark(
    "search",
    "Time typo-tolerant person searches against a generated council on SQLite or PostgreSQL: the standard "
    "front-door set (names with typos, nicknames or swapped, a date of birth that may be a year out or have day "
    "and month swapped, sometimes a postcode, NHS number or UPN) and sets made the way referrers err (dataset "
    "nicknames, one or two edits anywhere in either name, no date of birth, day/month swapped, a year out, an "
    "age, school year or year of birth instead of the date), each reported with latency percentiles, top-1/5/20 "
    "recall and empty answers, beside a full-scan rapidfuzz baseline and a team-scoped worker's times. See "
    "docs/domain/person-search.md.",
    arguments=_search_arguments,
)
def bench_search(command: BaseCommand, options: dict[str, Any]) -> None:
    """Prepare the database (temporary, given or throwaway PostgreSQL), then run the searches in a subprocess."""
    if options["count_people"]:
        from familyhelp.people.models import Person

        command.stdout.write(str(Person.objects.count()))
        return
    if options["in_process"]:
        _search_in_process(command, options)
        return
    out = command.stdout
    base = [sys.executable, "-m", "familyhelp"]
    with contextlib.ExitStack() as stack:
        if options["postgres"]:
            url = stack.enter_context(_throwaway_postgres(out))
        elif options["database_url"]:
            url = options["database_url"]
            _ensure_postgres_database(url)
        elif options["database"]:
            path = Path(options["database"]).resolve()
            if not path.exists():
                raise CommandError(f"No such database file: {path}")
            url = f"sqlite:///{path}"
        else:
            workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        try:
            subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
            counted = subprocess.run(  # noqa: S603
                [*base, "bench", "search", "--count-people"], env=env, check=True, capture_output=True, text=True
            )
            if int(counted.stdout.strip() or 0) == 0:
                out.write(f"Generating the {options['preset']} council (seed {options['seed']}) into the database…")
                started = time.perf_counter()
                subprocess.run(  # noqa: S603
                    [*base, "generate", "--preset", options["preset"], "--seed", str(options["seed"]), "--quiet"],
                    env=env,
                    check=True,
                )
                out.write(f"  generated in {time.perf_counter() - started:.0f} s")
            subprocess.run(  # noqa: S603
                [
                    *base,
                    "bench",
                    "search",
                    "--in-process",
                    "--sets",
                    options["sets"],
                    "--queries",
                    str(options["queries"]),
                    "--queries-per-set",
                    str(options["queries_per_set"]),
                    "--baseline-queries",
                    str(options["baseline_queries"]),
                    "--name-only-queries",
                    str(options["name_only_queries"]),
                    "--scoped-queries",
                    str(options["scoped_queries"]),
                    "--seed",
                    str(options["seed"]),
                    "--username",
                    options["username"],
                ],
                env=env,
                check=True,
            )
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc


# --- bench returns --------------------------------------------------------------------------------
def _returns_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--preset", default="large", help="Council to generate when no --database is given (default large)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default=None, help="Reference date passed to generate (YYYY-MM-DD).")
    parser.add_argument("--database", default="", help="An existing generated SQLite file (kept, so it can be reused).")
    parser.add_argument(
        "--year",
        type=int,
        default=0,
        help="Collection year (ending 31 March YEAR); default: the latest that ended by the last referral.",
    )
    parser.add_argument("--in-process", action="store_true", help=argparse_suppress())


def _returns_in_process(command: BaseCommand, options: dict[str, Any]) -> None:
    """Build each return in this process against the configured database and print the seconds each took."""
    import importlib
    from datetime import date

    from django.db.models import Max

    from familyhelp.casework.models import CINEpisode

    out = command.stdout
    year = options["year"]
    if not year:
        latest = CINEpisode.objects.aggregate(m=Max("referral_date"))["m"] or date.today()  # noqa: DTZ011
        year = latest.year if latest >= date(latest.year, 3, 31) else latest.year - 1
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    out.write(f"bench returns: collection year {year} ({start:%d/%m/%Y} to {end:%d/%m/%Y})")

    def timed(label: str, fn: Callable[[], Any], describe: Callable[[Any], str]) -> None:
        started = time.perf_counter()
        value = fn()
        out.write(f"  {label:<34}{time.perf_counter() - started:8.1f} s   {describe(value)}")

    from familyhelp.returns import cin_census, quality_cin

    # The first read also warms the process (imports, working-day tables): the whole export below is the figure.
    started = time.perf_counter()
    census = cin_census.load_census(year)
    seconds = time.perf_counter() - started
    out.write(f"  {'CIN census: read the records':<34}{seconds:8.1f} s   {len(census.children):,} children")
    timed("CIN census: write the XML", lambda: cin_census.census_to_xml(census), lambda x: f"{len(x) / 1e6:.1f} MB")
    timed(
        "CIN census: data-quality checks", lambda: quality_cin.census_problems(census), lambda p: f"{len(p):,} problems"
    )
    timed("CIN census: whole export", lambda: cin_census.build_cin_census(year), lambda x: f"{len(x) / 1e6:.1f} MB")
    for label, module, call, describe in (
        (
            "SSDA903",
            "familyhelp.returns.ssda903",
            lambda m: m.build_ssda903(year),
            lambda t: f"{sum(map(len, t.values())):,} rows",
        ),
        (
            "Annex A",
            "familyhelp.returns.annex_a",
            lambda m: m.build_annex_a(start, end),
            lambda t: f"{sum(map(len, t.values())):,} rows",
        ),
    ):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            out.write(f"  {label:<34}    skipped: {module} does not exist yet")
            continue
        timed(label, functools.partial(call, mod), describe)


@benchmark(
    "returns",
    "Build each statutory return (CIN census, SSDA903, Annex A) from a generated council and print the seconds "
    "each took. Generates --preset into a temporary SQLite database unless --database names one to reuse.",
    arguments=_returns_arguments,
)
def bench_returns(command: BaseCommand, options: dict[str, Any]) -> None:
    """Prepare the database (given, or a temporary one generated here), then time the builders in a subprocess."""
    if options["in_process"]:
        _returns_in_process(command, options)
        return
    out = command.stdout
    base = [sys.executable, "-m", "familyhelp"]
    with contextlib.ExitStack() as stack:
        if options["database"]:
            path = Path(options["database"]).resolve()
            if not path.exists():
                raise CommandError(f"No such database file: {path}")
            generate = False
        else:
            workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            path = workdir / "bench.sqlite3"
            generate = True
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        try:
            subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
            if generate:
                out.write(f"Generating the {options['preset']} council (seed {options['seed']}) into {path}…")
                cmd = [*base, "generate", "--preset", options["preset"], "--seed", str(options["seed"]), "--quiet"]
                if options["today"]:
                    cmd += ["--today", options["today"]]
                started = time.perf_counter()
                subprocess.run(cmd, env=env, check=True)  # noqa: S603
                out.write(f"  generated in {time.perf_counter() - started:.0f} s")
            cmd = [*base, "bench", "returns", "--in-process", "--year", str(options["year"])]
            subprocess.run(cmd, env=env, check=True)  # noqa: S603
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc


# --- bench kpis ------------------------------------------------------------------------------------
def _kpis_arguments(parser: CommandParser) -> None:
    parser.add_argument("--preset", default="large", help="Council to generate when the database is empty.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--period", default="2025-Q1", help="The pack's period (default 2025-Q1).")
    parser.add_argument("--rounds", type=int, default=3, help="Timed runs of each figure; the median is printed.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", default="", help="An existing generated SQLite file (kept, so it can be reused).")
    where.add_argument("--database-url", default="", help="A PostgreSQL URL (generated into when empty).")
    where.add_argument("--postgres", action="store_true", help="Use a throwaway PostgreSQL cluster on loopback.")
    parser.add_argument("--in-process", action="store_true", help=argparse_suppress())


@benchmark(
    "kpis",
    "Time the performance measures on a generated council: one quarter's scrutiny pack and every measure's "
    "monthly series over ten years, each beside a plain read of the columns it needs in the same run.",
    arguments=_kpis_arguments,
)
def bench_kpis(command: BaseCommand, options: dict[str, Any]) -> None:
    """Prepare the database (temporary SQLite, given, or throwaway PostgreSQL), then time in a subprocess."""
    if options["in_process"]:
        from familyhelp.performance.bench import run

        run(command.stdout, period=options["period"], rounds=options["rounds"])
        return
    out = command.stdout
    base = [sys.executable, "-m", "familyhelp"]
    with contextlib.ExitStack() as stack:
        if options["postgres"]:
            url = stack.enter_context(_throwaway_postgres(out))
        elif options["database_url"]:
            url = options["database_url"]
            _ensure_postgres_database(url)
        elif options["database"]:
            path = Path(options["database"]).resolve()
            if not path.exists():
                raise CommandError(f"No such database file: {path}")
            url = f"sqlite:///{path}"
        else:
            workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        try:
            subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
            counted = subprocess.run(  # noqa: S603
                [*base, "bench", "search", "--count-people"], env=env, check=True, capture_output=True, text=True
            )
            if int(counted.stdout.strip() or 0) == 0:
                out.write(f"Generating the {options['preset']} council (seed {options['seed']}) into the database…")
                started = time.perf_counter()
                subprocess.run(  # noqa: S603
                    [*base, "generate", "--preset", options["preset"], "--seed", str(options["seed"]), "--quiet"],
                    env=env,
                    check=True,
                )
                out.write(f"  generated in {time.perf_counter() - started:.0f} s")
            cmd = [*base, "bench", "kpis", "--in-process", "--period", options["period"]]
            subprocess.run([*cmd, "--rounds", str(options["rounds"])], env=env, check=True)  # noqa: S603
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc


# --- bench web (familyhelp/core/bench_web.py registers itself when imported) -----------------------------
from familyhelp.core import bench_web  # noqa: E402,F401
