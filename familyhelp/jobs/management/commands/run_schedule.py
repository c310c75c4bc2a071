"""`familyhelp run_schedule`: start the periodic jobs that are due (ADR 0018).

Call it every few minutes from a systemd timer or cron; each periodic job starts once per period (a row per
name and period), so calling it more often changes nothing. `--every SECONDS` keeps it running in a loop
(for `make demo`). It also marks jobs failed that have been "running" for longer than
FAMILYHELP_JOB_STALE_HOURS (their worker stopped). `--list` prints what is registered.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from familyhelp.jobs import registry
from familyhelp.jobs.services import schedule_run_due


class Command(BaseCommand):
    help = "Start the periodic background jobs that are due (idempotent: once per period). Run every few minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every SECONDS (default: run once).")
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for p in registry.periodic():
                self.stdout.write(f"{p.name}: {p.kind} every {p.every} from {p.at:%H:%M}")
            return
        while True:
            for periodic, job in schedule_run_due():
                if job is None:
                    self.stderr.write(f"{periodic.name}: could not be started (see the log)")
                else:
                    self.stdout.write(f"{periodic.name}: started job {job.pk} ({job.label})")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
