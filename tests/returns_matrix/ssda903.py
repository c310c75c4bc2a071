"""Role-matrix rows for the SSDA903 pages and API (merged by test_permission_coverage).

Analysts (`returns.export_returns`) see the tables and download them; team managers and analysts
(`returns.view_data_quality`) see the data-quality report. Everyone else is refused.
"""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
QUALITY = "403 403 200 403 403 200 403 403 403 302"
EXPORT = "403 403 403 403 403 200 403 403 403 302"
EXPORT_JOB = "403 403 403 403 403 302 403 403 403 302"
API_QUALITY = "403 403 200 403 403 200 403 403 403 401"
API_EXPORT = "403 403 403 403 403 200 403 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "returns:ssda903": ("get", {}, None, EXPORT),
    "returns:ssda903_download": ("post", {}, lambda w: {"year": "2026"}, EXPORT_JOB),  # starts a job: 302 to its page
    "returns:ssda903_quality": ("get", {}, None, QUALITY),
    "api:returns-ssda903-list": ("get", {}, None, API_QUALITY),
    "api:returns-ssda903-download": ("get", {}, None, API_EXPORT),
}


def build(world: Any) -> None:
    """Nothing extra: the tables are built from whatever the world holds."""
