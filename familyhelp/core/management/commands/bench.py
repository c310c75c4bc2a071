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
    parser.add_argument(
        "--preset", default="small", help="Council to generate into a new or empty database (tiny, small, large)."
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed for the council and for the query set.")
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
    parser.add_argument("--queries", type=int, default=1000, help="Searches in the query set (default 1000).")
    parser.add_argument(
        "--baseline-queries",
        type=int,
        default=100,
        help="How many of those the full-scan rapidfuzz baseline also runs, spread evenly (default 100; 0: none). "
        "It costs about a second a query on 1,000,000 people.",
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
        help="Run the first N queries again as a social worker whose record scope is their team, reported "
        "separately (latency of the scope rule; default 100; 0: none).",
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


def _search_in_process(command: BaseCommand, options: dict[str, Any]) -> None:
    """Build the query set, run it through person_search_for_user, then the baseline, and print the figures."""
    import gc
    import random
    import statistics

    from django.db import connection

    from familyhelp.accounts.models import User
    from familyhelp.people import search_bench as sb
    from familyhelp.people.models import PersonAddress, PersonName
    from familyhelp.people.search import SearchCriteria, person_search_for_user

    out = command.stdout
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

    def run(criteria: SearchCriteria, target: Any) -> tuple[float, int, int]:
        started = time.perf_counter()
        results = person_search_for_user(user, criteria, purpose="bench")
        elapsed = (time.perf_counter() - started) * 1000
        rank = next((k for k, r in enumerate(results) if r.person.pk == target), -1)
        return elapsed, rank, len(results)

    queries = build(options["seed"], options["queries"])
    # A million people held in memory for sampling and the baseline would make each full garbage collection
    # take seconds, landing on whichever search is running: keep them out of the collector's way.
    gc.collect()
    gc.freeze()
    for query in build(options["seed"] + 1_000_003, 20):  # warm-up: caches and the database's pages
        run(SearchCriteria(**query.criteria_fields()), population.ids[query.target])
    measured = []
    for query in queries:
        elapsed, rank, shown = run(SearchCriteria(**query.criteria_fields()), population.ids[query.target])
        measured.append((query, elapsed, rank, shown))

    vendor = connection.vendor
    version = sqlite3.sqlite_version if vendor == "sqlite" else ""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    children = sum(1 for q in queries if population.is_child[q.target])
    out.write("")
    out.write(
        f"bench search: {len(queries):,} searches as {user.username} over {len(population.ids):,} people "
        f"({vendor} {version}; people read into memory in {population.load_seconds:.1f} s)"
    )
    out.write(
        f"  query set (seed {options['seed']}): names with a mistake + date of birth (+ sometimes an identifier) "
        f"for known people, {children:,} children and {len(queries) - children:,} adults; 20 warm-up searches "
        "not counted. Times include the access-log write."
    )
    header = f"  {'':<30}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'top 1':>8}{'top 5':>8}{'shown':>7}"

    def row(label: str, rows: list[tuple[Any, float, int, int]]) -> str:
        times = [r[1] for r in rows]
        ranks = [r[2] for r in rows]
        top1 = sum(1 for r in ranks if r == 0) / len(ranks)
        top5 = sum(1 for r in ranks if 0 <= r < 5) / len(ranks)
        shown = statistics.mean(r[3] for r in rows)
        return (
            f"  {label:<30}{len(rows):>6}{statistics.median(times):>9.1f}{_percentile(times, 0.95):>9.1f}"
            f"{max(times):>9.1f}{top1:>8.1%}{top5:>8.1%}{shown:>7.1f}"
        )

    for title, attribute, mix in (
        ("name", "name_kind", sb.NAME_MIX),
        ("date of birth", "dob_kind", sb.DOB_MIX),
        ("identifier", "identifier_kind", sb.IDENTIFIER_MIX),
    ):
        out.write("")
        out.write(header.replace(" " * 30, f"by {title}".ljust(30), 1))
        for kind in mix:
            rows = [m for m in measured if getattr(m[0], attribute) == kind]
            if rows:
                out.write(row(kind, rows))
    out.write(row("all", measured))
    times = [m[1] for m in measured]
    recall = sum(1 for m in measured if 0 <= m[2] < 5) / len(measured)
    p95 = _percentile(times, 0.95)
    missed = [m for m in measured if not 0 <= m[2] < 5]
    for query, _, rank, _ in missed[:10]:
        true = population.given[query.target], population.family[query.target], population.dob[query.target]
        out.write(
            f"    missed ({query.name_kind}, {query.dob_kind}, rank {rank + 1 if rank >= 0 else 'none'}): "
            f"{query.given_names!r} {query.family_name!r} {query.date_of_birth} for {true[0]!r} {true[1]!r} {true[2]}"
        )

    n_base = min(options["baseline_queries"], len(queries))
    if n_base > 0:
        step = len(queries) / n_base
        subset = [measured[int(k * step)] for k in range(n_base)]
        population.identifier_index("nhs"), population.identifier_index("upn")  # built once, not timed
        base_times: list[float] = []
        base_ranks: list[int] = []
        for query, *_ in subset:
            started = time.perf_counter()
            top = sb.baseline_search(population, query)
            base_times.append((time.perf_counter() - started) * 1000)
            base_ranks.append(top.index(query.target) if query.target in top else -1)
        ours = sum(1 for m in subset if 0 <= m[2] < 5) / n_base
        out.write("")
        out.write(
            f"  full-scan rapidfuzz baseline: every name ({len(population.ids):,}) scored with token_sort_ratio, plus "
            f"date-of-birth and NHS/UPN bonuses; all people held in memory (not timed); {n_base} of the "
            f"{len(queries):,} queries (every {step:g}th)"
        )
        out.write(
            f"  {'baseline':<30}{n_base:>6}{statistics.median(base_times):>9.1f}{_percentile(base_times, 0.95):>9.1f}"
            f"{max(base_times):>9.1f}{sum(1 for r in base_ranks if r == 0) / n_base:>8.1%}"
            f"{sum(1 for r in base_ranks if 0 <= r < 5) / n_base:>8.1%}"
        )
        out.write(f"  {'this search, same queries':<30}{n_base:>6}{'':>27}{'':>8}{ours:>8.1%}")

    if options["name_only_queries"] > 0:
        rng = random.Random(options["seed"] + 7)  # noqa: S311 - sampling, not security
        named = []
        for _ in range(options["name_only_queries"]):
            i = rng.choice(population.eligible)
            given = population.given[i].split(" ")[0] if population.given[i] else ""
            criteria = SearchCriteria(given_names=given, family_name=population.family[i])
            named.append((None, *run(criteria, population.ids[i])))
        out.write("")
        out.write("  informational, not in the query set: exact names alone (namesakes share a name, so the")
        out.write("  person can rank anywhere among them; the front door adds a date of birth)")
        out.write(row("exact name only", named))

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
        if worker is not None:
            scoped = []
            for query in queries[: options["scoped_queries"]]:
                started = time.perf_counter()
                results = person_search_for_user(worker, SearchCriteria(**query.criteria_fields()), purpose="bench")
                scoped.append((query, (time.perf_counter() - started) * 1000, -1, len(results)))
            times = [m[1] for m in scoped]
            out.write("")
            out.write(f"  informational: the first {len(scoped)} queries as {worker.username} (team scope: most of the")
            out.write("  people searched for are outside it, so recall does not apply)")
            out.write(
                f"  {'team scope':<30}{len(scoped):>6}{statistics.median(times):>9.1f}{_percentile(times, 0.95):>9.1f}"
                f"{max(times):>9.1f}{'':>16}{statistics.mean(m[3] for m in scoped):>7.1f}"
            )

    out.write("")
    out.write(
        f"  targets: p95 <= 25 ms {'met' if p95 <= 25 else 'NOT met'} ({p95:.1f} ms); top-5 recall >= 99% "
        f"{'met' if recall >= 0.99 else 'NOT met'} ({recall:.1%})"
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
    "Time typo-tolerant person searches (names with typos, nicknames or swapped, with a date of birth that may "
    "be a year out or have day and month swapped, sometimes a postcode, NHS number or UPN) against a generated "
    "council on SQLite or PostgreSQL; report latency percentiles and top-1/top-5 recall beside a full-scan "
    "rapidfuzz baseline. See docs/domain/person-search.md.",
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
                    "--queries",
                    str(options["queries"]),
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
