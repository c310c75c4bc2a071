"""Role-matrix rows for the practice app (merged by test_permission_coverage)."""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {}


def build(world: Any) -> None:
    """Nothing extra yet."""
