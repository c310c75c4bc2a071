"""Returns API: cin. `register(router)` adds this area's viewsets to /api/v1/."""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    """Add this area's viewsets to the router."""
