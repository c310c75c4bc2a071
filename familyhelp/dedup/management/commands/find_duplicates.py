"""`familyhelp find_duplicates`: the batch job that fills the review queue of possible duplicate records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from familyhelp.core.progress import stages
from familyhelp.dedup import linkage
from familyhelp.dedup.jobs import _AFTER_PHASE, STEPS
from familyhelp.dedup.services import duplicates_find


class Command(BaseCommand):
    help = (
        "Compare the person index for possible duplicate records and add them to the review queue. Safe to run "
        "again: pairs already queued are updated, pairs decided 'not a duplicate' are never reopened."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-weight",
            type=float,
            default=linkage.MIN_WEIGHT,
            help=f"Queue pairs whose match weight is at least this (default {linkage.MIN_WEIGHT}).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print only the summary (no progress bar).")

    def handle(self, *args: Any, **options: Any) -> None:
        with stages("Looking for duplicates", STEPS, enabled=False if options["quiet"] else None) as step:
            step("Loading the person index")

            def progress(message: str) -> None:
                stage, _done = _AFTER_PHASE.get(message.split(":", 1)[0], (None, None))
                if stage:
                    step(stage)

            result = duplicates_find(min_weight=options["min_weight"], progress=progress)
        out = self.stdout
        out.write(
            f"Compared {result.compared:,} pairs among {result.records:,} records in {result.seconds:.1f} s; "
            f"{result.above_threshold:,} pairs at or above weight {options['min_weight']}."
        )
        out.write(
            f"Review queue: {result.created:,} new, {result.updated:,} updated, {result.reopened:,} suggested again, "
            f"{result.withdrawn:,} no longer suggested, {result.already_decided:,} already decided."
        )
        if result.skipped_blocks:
            skipped = ", ".join(f"{rule} {n:,}" for rule, n in sorted(result.skipped_blocks.items()))
            out.write(f"Blocks too large to compare (skipped): {skipped}")
