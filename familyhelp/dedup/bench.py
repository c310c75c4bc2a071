"""`familyhelp bench dedup`: time the batch job on a generated council and measure it against the synthetic
council's known duplicates (registered with the bench command's registry when the app loads)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.core.management.commands.bench import argparse_suppress, benchmark


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--preset", default="small", help="Council to generate when --database is not given.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database",
        default="",
        help="An existing generated SQLite file instead (not changed: the run works on a copy).",
    )
    parser.add_argument(
        "--truth",
        default="",
        help="The known duplicates of that database (CSV written by `familyhelp generate --duplicates-csv`).",
    )
    parser.add_argument("--in-process", action="store_true", help=argparse_suppress())


def read_truth(path: str) -> set[tuple[str, str]]:
    """Known duplicate pairs (lower id hex, higher id hex) from a generate --duplicates-csv file."""
    pairs: set[tuple[str, str]] = set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            a, b = row["original_id"].replace("-", ""), row["duplicate_id"].replace("-", "")
            pairs.add((min(a, b), max(a, b)))
    return pairs


def _in_process(command: BaseCommand, options: dict[str, Any]) -> None:
    from familyhelp.dedup.linkage import MIN_WEIGHT
    from familyhelp.dedup.models import DuplicateCandidate
    from familyhelp.dedup.services import duplicates_find

    out = command.stdout
    started = time.perf_counter()
    first = duplicates_find()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = duplicates_find()
    second_seconds = time.perf_counter() - started
    out.write("")
    out.write(f"bench dedup: {first.records:,} records (not merged)")
    out.write(
        f"  first run                {first_seconds:9.1f} s   "
        + ", ".join(f"{k} {v:.1f}" for k, v in first.phases.items())
    )
    out.write(
        f"  second run (idempotent)  {second_seconds:9.1f} s   {second.created} new, {second.updated} updated, "
        f"{second.withdrawn} withdrawn"
    )
    out.write(f"  pairs compared           {first.compared:>12,}")
    for rule, n in sorted(first.pairs_by_rule.items()):
        skipped = first.skipped_blocks.get(rule, 0)
        out.write(f"    {rule:<22}{n:>12,}" + (f"   ({skipped:,} oversized blocks skipped)" if skipped else ""))
    out.write(f"  pairs queued (weight >= {MIN_WEIGHT:g}) {first.above_threshold:>6,}")
    out.write(f"  open pairs in the queue  {DuplicateCandidate.objects.filter(status='open').count():>12,}")
    if not options["truth"]:
        out.write("  (no --truth file: precision and recall not measured)")
        return
    truth = read_truth(options["truth"])
    found = {(a, b): w for a, b, w in first.pairs}
    hits = [w for pair, w in found.items() if pair in truth]
    out.write(f"  known duplicates         {len(truth):>12,}")
    out.write(f"  found (recall)           {len(hits):>12,}   {len(hits) / max(1, len(truth)):.1%}")
    out.write(f"  true among queued (precision) {len(hits) / max(1, len(found)):>7.1%}")
    for threshold in (MIN_WEIGHT, 20.0, 22.0, 25.0):
        queued = [pair for pair, w in found.items() if w >= threshold]
        true = sum(1 for pair in queued if pair in truth)
        out.write(
            f"    at weight >= {threshold:4.0f}: {len(queued):>7,} queued, precision {true / max(1, len(queued)):6.1%}"
            f", recall {true / max(1, len(truth)):6.1%}"
        )


@benchmark(
    "dedup",
    "Time `find_duplicates` (the batch de-duplication job) on a generated council, run it twice to show it is "
    "idempotent, and report pairs compared per blocking rule, pairs queued, and precision and recall against "
    "the synthetic duplicates the generator made.",
    arguments=_arguments,
)
def bench_dedup(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run the job in a subprocess against a throwaway copy of a generated SQLite database."""
    if options["in_process"]:
        _in_process(command, options)
        return
    workdir = Path(tempfile.mkdtemp(prefix="familyhelp-bench-"))
    database = workdir / "bench.sqlite3"
    truth = options["truth"]
    base = [sys.executable, "-m", "familyhelp"]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    try:
        if options["database"]:
            shutil.copyfile(options["database"], database)
        else:
            truth = str(workdir / "duplicates.csv")
            subprocess.run([*base, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
            subprocess.run(  # noqa: S603
                [
                    *base,
                    "generate",
                    "--preset",
                    options["preset"],
                    "--seed",
                    str(options["seed"]),
                    "--quiet",
                    "-v",
                    "0",
                    "--duplicates-csv",
                    truth,
                ],
                env=env,
                check=True,
            )
        subprocess.run([*base, "bench", "dedup", "--in-process", "--truth", truth], env=env, check=True)  # noqa: S603
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"{' '.join(exc.cmd[2:])} failed with exit status {exc.returncode}") from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
