"""Role-matrix rows for the returns landing page and Ofsted Annex A (merged by test_permission_coverage).

Analysts (`returns.export_returns`) export; team managers and analysts (`returns.view_data_quality`) see the
landing page and the data-quality report. Everyone else is refused.
"""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
QUALITY = "403 403 200 403 403 200 403 403 403 302"
EXPORT = "403 403 403 403 403 200 403 403 403 302"
EXPORT_JOB = "403 403 403 403 403 302 403 403 403 302"
# Without ?start=&end= the analyst gets the field-level 400 (the 200 is in test_annex_a_pages).
API_EXPORT = "403 403 403 403 403 400 403 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "returns:index": ("get", {}, None, QUALITY),
    "returns:annex_a": ("get", {}, None, EXPORT),
    "returns:annex_a_download": (
        "post",
        {},
        lambda w: {"start": "2025-04-01", "end": "2026-03-31"},
        EXPORT_JOB,
    ),  # starts a job: 302 to its page
    "returns:annex_a_quality": ("get", {}, None, QUALITY),
    "api:returns-annex-a-list": ("get", {}, None, API_EXPORT),
    "api:returns-annex-a-download": ("get", {}, None, API_EXPORT),
}


def build(world: Any) -> None:
    """Nothing extra: the lists are built from whatever the world holds."""
