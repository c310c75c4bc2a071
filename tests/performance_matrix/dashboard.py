"""Role-matrix rows for the performance dashboard, drill-down, CSV, benchmarks and their API (merged by
test_permission_coverage).

Team managers, senior leaders and analysts (`performance.view_performance`) see the dashboard, follow figures
to records (listing only those in their scope), download the CSV and read the API; senior leaders and
analysts (`performance.manage_performance`) also enter targets and comparator figures. Everyone else is
refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
VIEW = "403 403 200 403 200 200 403 403 403 302"
MANAGE = "403 403 403 403 200 200 403 403 403 302"
API_VIEW = "403 403 200 403 200 200 403 403 403 401"
API_CREATE = "403 403 403 403 201 201 403 403 403 401"
BENCHMARK = {"pk": lambda w: w.benchmark.pk}

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "performance:dashboard": ("get", {}, None, VIEW),
    "performance:drilldown": (
        "get",
        {"measure": lambda w: "contacts", "figure": lambda w: "total"},
        None,
        VIEW,
    ),
    "performance:export_csv": ("get", {}, None, VIEW),
    "performance:benchmarks": ("get", {}, None, MANAGE),
    "performance:benchmark_add": ("get", {}, None, MANAGE),
    "performance:benchmark_edit": ("get", BENCHMARK, None, MANAGE),
    "performance:benchmark_delete": ("get", BENCHMARK, None, MANAGE),
    "api:performance-measures-list": ("get", {}, None, API_VIEW),
    "api:performance-report-list": ("get", {}, None, API_VIEW),
    "api:performance-report-csv": ("get", {}, None, API_VIEW),
    "api:performance-records-list": ("get", {}, lambda w: {"measure": "contacts", "figure": "total"}, API_VIEW),
    "api:performance-benchmarks-list": (
        "post",
        {},
        lambda w: {
            "measure": "contacts",
            "figure": "total",
            "kind": "national",
            "value": "1200",
            "year": "2023-24",
            "source": "DfE Children in need 2024",
        },
        API_CREATE,
    ),
    "api:performance-benchmarks-detail": ("get", BENCHMARK, None, API_VIEW),
}


def build(world: Any) -> None:
    """A target for the assessment timeliness headline."""
    from familyhelp.performance.models import Benchmark

    world.benchmark = Benchmark.objects.create(
        measure="assessment-timeliness",
        figure="in_time",
        kind=Benchmark.Kind.TARGET,
        value=Decimal("85"),
        year="2024-25",
        source="Council plan 2024-27",
    )
