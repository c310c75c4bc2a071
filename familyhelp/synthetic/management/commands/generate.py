"""`familyhelp generate`: fill an empty database with a synthetic council."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.synthetic.generator import DataExistsError, generate
from familyhelp.synthetic.presets import PRESETS


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        from argparse import ArgumentTypeError

        raise ArgumentTypeError(f"{value!r} is not a date like 2025-03-31") from exc


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic council: organisation, workers, schools, people, families, "
        "caseloads and chronology, plus one demonstration login per role. Deterministic: the same --seed and "
        "--today give the same data. See docs/domain/synthetic-council.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--preset",
            choices=list(PRESETS),
            default="small",
            help="tiny (tests), small (demos; default) or large (a big county, a million people).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="Reference date every generated date is relative to (YYYY-MM-DD; default: "
            "today). Fix it to get identical data on another day.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--duplicates-csv",
            default="",
            metavar="PATH",
            help="Also write the duplicate records made on purpose (original id, duplicate id, mistakes) to this "
            "CSV file, to measure `find_duplicates` against (`familyhelp bench dedup`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate(
                preset=options["preset"], seed=options["seed"], today=options["today"], progress=not options["quiet"]
            )
        except DataExistsError as exc:
            raise CommandError(
                f"{exc} `familyhelp generate` only fills an empty database. Point DATABASE_URL at a new "
                "database (or delete var/familyhelp.sqlite3) and run `familyhelp migrate` first."
            ) from exc
        if options["duplicates_csv"]:
            with open(options["duplicates_csv"], "w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["original_id", "duplicate_id", "mistakes"])
                writer.writerows((d.original_id, d.duplicate_id, d.mistakes) for d in result.duplicates)
        rows = result.total_rows
        self.stdout.write(
            f"Generated the {result.preset} council (seed {result.seed}, reference date {result.today.isoformat()}) "
            f"in {result.seconds:.1f} s: {rows:,} rows ({rows / max(result.seconds, 1e-9):,.0f} rows/s)."
        )
        if options["verbosity"] >= 1:
            for table, count in sorted(result.counts.items()):
                self.stdout.write(f"  {table:<40} {count:>12,}")
            self.stdout.write("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items()))
            if result.caseloads:
                c = result.caseloads
                self.stdout.write(
                    f"  children on a caseload now: {c.open_children:,} of {c.eligible_children:,} current children"
                )
            if result.frontdoor:
                fd = result.frontdoor
                self.stdout.write(
                    f"  front door since {fd.first_day}: {fd.contacts:,} contacts ({fd.open_contacts:,} open now), "
                    f"{fd.cin_episodes:,} referrals, {fd.cases:,} cases ({fd.open_cases:,} open, "
                    f"{fd.awaiting_allocation:,} awaiting allocation)"
                )
            if result.casework:
                cw = result.casework
                in_time = cw.single_in_time / max(cw.single_assessments_authorised, 1)
                self.stdout.write(
                    f"  casework now: {cw.children_in_need:,} children in need, {cw.on_cp_plans:,} on CP plans, "
                    f"{cw.looked_after:,} looked after; {cw.single_assessments_authorised:,} single assessments "
                    f"({in_time:.1%} within 45 working days), {cw.cp_plans:,} CP plans, {cw.visits:,} visits"
                )
        self.stdout.write("Sign in with the demonstration logins: `familyhelp demo_setup` lists them.")
