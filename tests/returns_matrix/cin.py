"""Role-matrix rows for the CIN census page and API (merged by test_permission_coverage).

Analysts (`returns.export_returns`) see the census page (with its data-quality report) and download the XML;
the API's data-quality report is also open to team managers (`returns.view_data_quality`). Everyone else is
refused.
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
    "returns:cin": ("get", {}, None, EXPORT),
    "returns:cin_quality": ("get", {}, None, QUALITY),
    "returns:cin_download": ("post", {}, lambda w: {"year": "2026"}, EXPORT_JOB),  # starts a job: 302 to its page
    "api:returns-cin-census-list": ("get", {}, None, API_QUALITY),
    "api:returns-cin-census-download": ("get", {}, None, API_EXPORT),
}


def build(world: Any) -> None:
    """Nothing extra: the census is built from whatever the world holds."""
