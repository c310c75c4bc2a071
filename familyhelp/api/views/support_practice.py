"""API of the practice app."""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    """Nothing yet."""
