"""Returns pages: ssda903. (Each area module exports its own `urlpatterns`; returns/urls.py joins them.)"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
