"""Casework pages: assessments. (Each area module exports its own `urlpatterns`; casework/urls.py joins them.)"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []


def case_section(request: Any, case: Any) -> dict[str, Any]:
    """Context for this area's section of the case page (template casework/assessments/_case_section.html)."""
    return {}
