"""Role-matrix rows for the casework assessments URLs (merged by test_permission_coverage).

`build(world)` runs after cases.build, so `world.case` (the social worker's open level 4 case for
`world.own`, with CIN episode `world.episode`) exists.
"""

from __future__ import annotations

from typing import Any

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {}


def build(world: Any) -> None:
    """Records the assessments rows need."""
