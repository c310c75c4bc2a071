"""`familyhelp export_annex_a --from 2025-04-01 --to 2026-03-31 --output annex_a.xlsx`: the Ofsted Annex A lists."""

from __future__ import annotations

import getpass
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.core.progress import stages
from familyhelp.returns.annex_a import annex_a_export


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: use YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Write Ofsted Annex A lists 1–8 for a period (inclusive) as an xlsx workbook, and log the export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day of the period (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", required=True, help="Last day of the period (YYYY-MM-DD).")
        parser.add_argument("--output", required=True, help="The xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("The end of the period must be on or after its start")
        began = time.perf_counter()
        with stages("Annex A", 1) as step:
            step("reading lists 1 to 8 and writing the workbook")
            rows = annex_a_export(
                actor=None,
                start=start,
                end=end,
                output=options["output"],
                reason=f"Command line export by {getpass.getuser()}",
            )
        for name, count in rows.items():
            self.stdout.write(f"{name}: {count} rows")
        self.stdout.write(f"Wrote {options['output']} in {time.perf_counter() - began:.1f} s")
