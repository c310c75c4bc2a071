"""Role-matrix rows for the returns URLs of this area (merged by test_permission_coverage)."""

from __future__ import annotations

from typing import Any

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {}


def build(world: Any) -> None:
    """Records the annex_a rows need (runs after the casework builders)."""
