"""Version 1 of the three practice tools, installed by migration 0002 (and by tests after a flush)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

IN_FORCE_FROM = datetime.date(2016, 4, 1)  # Stockton's Signs of Safety documents from April 2016 (002 §5.4)


def install(apps: Any = None) -> None:
    """Create version 1 of each tool if it is missing (idempotent; a published version is never changed)."""
    from familyhelp.practice.definitions import SEEDS

    if apps is None:
        from django.apps import apps as registry

        apps = registry
    Instrument = apps.get_model("practice", "Instrument")  # noqa: N806
    now = timezone.now()
    for row in SEEDS:
        Instrument.objects.get_or_create(
            kind=row["kind"],
            version_number=1,
            defaults={
                "id": uuid.uuid4(),
                "name": row["name"],
                "in_force_from": IN_FORCE_FROM,
                "definition": row["definition"],
                "published_at": now,
                "created_at": now,
                "modified_at": now,
            },
        )
