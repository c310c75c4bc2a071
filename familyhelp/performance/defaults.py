"""Published national figures (England) loaded as benchmarks into a new council, with their source.

From the DfE's "Characteristics of children in need" and "Children looked after in England" (years to
31 March), as listed in the project's domain notes. Councils add their own targets and statistical
neighbours on the benchmarks page.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

CIN = "DfE, Characteristics of children in need"
LAC = "DfE, Children looked after in England"

NATIONAL: list[tuple[str, str, str, str, str]] = [
    # measure, figure, year, value, source
    ("rereferrals", "rereferral", "2023-24", "22", f"{CIN} 2024"),
    ("rereferrals", "rereferral", "2024-25", "22.6", f"{CIN} 2025"),
    ("assessment-timeliness", "in_time", "2016-17", "82.9", f"{CIN} 2017"),
    ("assessment-timeliness", "in_time", "2017-18", "82.7", f"{CIN} 2018"),
    ("assessment-timeliness", "in_time", "2024-25", "85.7", f"{CIN} 2025"),
    ("assessment-timeliness", "median", "2024-25", "33", f"{CIN} 2025"),
    ("icpc-timeliness", "in_time", "2024-25", "81.4", f"{CIN} 2025"),
    ("children-in-need", "rate", "2023-24", "332.9", f"{CIN} 2024"),
    ("looked-after", "rate", "2023-24", "70", f"{LAC} 2024"),
    ("looked-after", "rate", "2024-25", "67", f"{LAC} 2025"),
]


def seed_national_benchmarks(new_id: Callable[[], UUID] | None = None) -> int:
    """Add the national figures a council does not have yet; returns how many were added."""
    from .models import Benchmark

    added = 0
    for measure, figure, year, value, source in NATIONAL:
        if Benchmark.objects.filter(measure=measure, figure=figure, kind="national", year=year).exists():
            continue
        extra = {"id": new_id()} if new_id else {}
        Benchmark.objects.create(
            measure=measure, figure=figure, kind="national", year=year, value=Decimal(value), source=source, **extra
        )
        added += 1
    return added
