"""`familyhelp export_cin_census --year 2026 --output census.xml`: the CIN census XML for a collection year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.core.progress import stages
from familyhelp.returns.cin_census import cin_census_export


class Command(BaseCommand):
    help = (
        "Write the Children in Need census XML for a collection year (1 April YEAR-1 to the reference date "
        "31 March YEAR), and print the data-quality problems the in-product checks find."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Collection year: the one ending 31 March YEAR.")
        parser.add_argument("--output", required=True, help="Where to write the XML file.")
        parser.add_argument("--reason", default="CIN census return", help="Why (written to the access log).")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2010 <= year <= 2100:
            raise CommandError("Enter a collection year like 2026 (the year ending 31 March 2026)")
        with stages(f"CIN census {year}", 2) as step:
            step("reading the records and building the XML")
            export = cin_census_export(actor=None, year=year, reason=options["reason"])
            step("writing the file")
            Path(options["output"]).write_bytes(export.xml)
        self.stdout.write(f"CIN census {year}: {export.children} children written to {options['output']}")
        errors = [p for p in export.problems if not p.is_query]
        queries = [p for p in export.problems if p.is_query]
        self.stdout.write(f"Data-quality checks: {len(errors)} errors, {len(queries)} queries")
        for p in export.problems[:50]:
            self.stdout.write(f"  {p.code:>6} {p.la_child_id}: {p.message}")
