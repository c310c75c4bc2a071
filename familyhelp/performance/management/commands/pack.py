"""`familyhelp pack --period 2025-Q1 [--format pdf|html] [--output FILE] [--team/--locality/--level/--worker ID]`:
write the scrutiny pack for a period and filters (no narrative sections), and say where and how long it took."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhelp.core.progress import stages
from familyhelp.performance import engine, pack
from familyhelp.performance.filters import FilterError, Filters
from familyhelp.performance.periods import PeriodError, parse_period
from familyhelp.performance.services_packs import filename_for, log_pack_export


class Command(BaseCommand):
    help = (
        "Write the scrutiny pack (a tagged PDF, or HTML) for a period: a summary of every measure, then each "
        "measure with its commentary, trend chart and figures. Aggregates only, small counts shown as c."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            required=True,
            help="2025-26-Q1 (April to June 2025), 2025-Q1 (January to March 2025), 2025-01, 2024-25 or "
            "2025-01-06..2025-02-14",
        )
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", help="File to write (default family-help-pack-PERIOD.pdf in this folder)")
        parser.add_argument("--team", help="Team id")
        parser.add_argument("--locality", help="Locality id")
        parser.add_argument("--level", help="Level 1 to 4")
        parser.add_argument("--worker", help="Worker (user) id")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            period = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        query = {name: options[name] or "" for name in ("team", "locality", "level", "worker")}
        try:
            filters = Filters.from_query(query)
        except FilterError as exc:
            raise CommandError(f"--{exc.field}: {exc}") from exc
        fmt = options["format"]
        output = Path(options["output"] or filename_for(period, filters, fmt))
        with stages(f"Scrutiny pack {period.key}", 3) as step:
            step("calculating the measures")
            report = engine.build_report(period, filters)
            step(f"rendering the {fmt.upper()}")
            rendered = pack.build_pack(report, pdf=fmt == "pdf")
            step("writing the file")
            output.write_bytes(rendered.pdf if fmt == "pdf" and rendered.pdf else rendered.html.encode())
        log_pack_export(None, period, filters, fmt=fmt)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Scrutiny pack for {period.label} ({filters.describe()}) written to {output.resolve()} "
            f"in {seconds:.1f} s (figures {report.seconds:.1f} s, rendering {rendered.seconds:.1f} s)"
        )
