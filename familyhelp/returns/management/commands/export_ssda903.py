"""`familyhelp export_ssda903 --year 2026 --output-dir dir/`: the SSDA903 CSV tables for a collection year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.core.progress import stages
from familyhelp.returns import quality_903, ssda903


class Command(BaseCommand):
    help = (
        "Write the SSDA903 (children looked after) CSV tables for a collection year (1 April YEAR-1 to "
        "31 March YEAR), and print the problems the in-product data-quality checks find."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Collection year: the one ending 31 March YEAR.")
        parser.add_argument("--output-dir", required=True, help="Directory to write the CSV files in.")
        parser.add_argument("--reason", default="SSDA903 return", help="Why (written to the access log).")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2010 <= year <= 2100:
            raise CommandError("Enter a collection year like 2026 (the year ending 31 March 2026)")
        with stages(f"SSDA903 {year}", 3) as step:
            step("reading the records")
            export = ssda903.ssda903_export(actor=None, year=year, reason=options["reason"])
            step("writing the files")
            paths = ssda903.write_ssda903(export.tables, Path(options["output_dir"]))
            step("checking data quality")
            problems = quality_903.check_903(export.tables, year=year)
        counts = ", ".join(f"{name} {n}" for name, n in ssda903.row_counts(export.tables).items())
        self.stdout.write(f"SSDA903 {year}: {len(paths)} files written to {options['output_dir']} ({counts})")
        self.stdout.write(f"Data-quality checks: {len(problems)} problems")
        for p in problems[:50]:
            self.stdout.write(f"  {p.code:>6} {p.child}: {p.message}")
