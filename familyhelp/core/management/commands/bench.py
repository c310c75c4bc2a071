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

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
    parser.add_argument("--preset", default="small", help="Council to generate when --database is not given.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="", help="An existing generated SQLite file to search instead.")
    parser.add_argument("--queries", type=int, default=300, help="How many searches (default 300).")
    parser.add_argument("--username", default="frontdoor", help="Who searches (default the front door).")
    parser.add_argument("--in-process", action="store_true", help=argparse_suppress())


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


def _variants(rng: Any, person: Any) -> list[tuple[str, dict[str, Any]]]:
    """The kinds of search a front door makes for a known child, with the mistakes people make."""
    from datetime import date

    given, family = person.given_names.split(" ")[0], person.family_name
    out: list[tuple[str, dict[str, Any]]] = [("exact name", {"given_names": given, "family_name": family})]
    if len(family) > 4:
        i = rng.randrange(1, len(family) - 1)
        out.append(("typo in family name", {"given_names": given, "family_name": family[:i] + family[i + 1 :]}))
    out.append(("names swapped", {"given_names": family, "family_name": given}))
    dob = person.date_of_birth
    if dob:
        out.append(("family name and date of birth", {"family_name": family, "date_of_birth": dob}))
        if dob.day <= 12 and dob.day != dob.month:
            out.append(("day and month swapped", {"date_of_birth": date(dob.year, dob.day, dob.month),
                                                  "family_name": family}))
    if person.nhs_number:
        out.append(("NHS number", {"nhs_number": person.nhs_number}))
    return out


def _search_in_process(command: BaseCommand, options: dict[str, Any]) -> None:
    import random
    import statistics

    from familyhelp.accounts.models import User
    from familyhelp.people.models import Person
    from familyhelp.people.selectors import SearchCriteria, person_search_for_user

    out = command.stdout
    user = User.objects.get(username=options["username"])
    rng = random.Random(options["seed"])  # noqa: S311 - sampling, not security
    total = Person.objects.filter(kind="child").exclude(family_name="").count()
    if not total:
        raise CommandError("No children in this database: generate a council first.")
    ids = Person.objects.filter(kind="child").exclude(family_name="").exclude(is_restricted=True).values_list(
        "pk", flat=True
    )
    picks = [ids[rng.randrange(0, min(total, 50_000))] for _ in range(max(1, options["queries"] // 4))]
    timings: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    runs = 0
    for pk in picks:
        person = Person.objects.get(pk=pk)
        for label, fields in _variants(rng, person):
            if runs >= options["queries"]:
                break
            criteria = SearchCriteria(**fields)
            started = time.perf_counter()
            results = person_search_for_user(user, criteria, purpose="bench")
            timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
            rank = next((i for i, r in enumerate(results) if r.person.pk == person.pk), None)
            found.setdefault(label, []).append(-1 if rank is None else rank)
            runs += 1
    everything = [t for ts in timings.values() for t in ts]

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    people = Person.objects.count()
    out.write("")
    out.write(f"bench search: {runs} searches as {user.username} over {people:,} people")
    out.write(f"  {'kind of search':<32}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'top 1':>8}{'top 5':>8}")
    for label, ts in timings.items():
        ranks = found[label]
        top1 = sum(1 for r in ranks if r == 0) / len(ranks)
        top5 = sum(1 for r in ranks if 0 <= r < 5) / len(ranks)
        out.write(f"  {label:<32}{len(ts):>5}{statistics.median(ts):>9.1f}{pct(ts, 0.95):>9.1f}{max(ts):>9.1f}"
                  f"{top1:>8.0%}{top5:>8.0%}")
    out.write(f"  {'all':<32}{len(everything):>5}{statistics.median(everything):>9.1f}"
              f"{pct(everything, 0.95):>9.1f}{max(everything):>9.1f}")


@benchmark(
    "search",
    "Time typo-tolerant person searches (exact, typo, swapped names, date of birth, NHS number) against a "
    "generated council and report latency percentiles and how often the child is ranked first / in the top 5.",
    arguments=_search_arguments,
)
def bench_search(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run the searches in a subprocess pointed at a generated (temporary or given) SQLite database."""
    if options["in_process"]:
        _search_in_process(command, options)
        return
    workdir = None
    database = Path(options["database"]) if options["database"] else None
    base = [sys.executable, "-m", "familyhelp"]
    try:
        if database is None:
            workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
            database = workdir / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        if workdir is not None:
            subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
            subprocess.run([*base, "generate", "--preset", options["preset"], "--seed", str(options["seed"]),  # noqa: S603
                            "--quiet"], env=env, check=True)
        subprocess.run([*base, "bench", "search", "--in-process", "--queries", str(options["queries"]),  # noqa: S603
                        "--seed", str(options["seed"]), "--username", options["username"]], env=env, check=True)
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
