"""`familyhelp rebuild_name_index`: key every recorded name in the search vocabulary (ADR 0017)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from familyhelp.people import name_index
from familyhelp.people.models import NameKey


class Command(BaseCommand):
    help = (
        "Add every recorded name (people and their other names) to the search vocabulary that finds names "
        "within two edits. The services keep it up to date; run this after loading people in bulk outside them. "
        "Safe to run again: only missing keys are added."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            added = name_index.rebuild()
        self.stdout.write(
            f"Search vocabulary: {added:,} keys added; {NameKey.objects.count():,} keys of "
            f"{NameKey.objects.values('part', 'value').distinct().count():,} names "
            f"({time.perf_counter() - started:.1f} s)."
        )
