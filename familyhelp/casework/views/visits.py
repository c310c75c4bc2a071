"""Casework pages: visits. (Each area module exports its own `urlpatterns`; casework/urls.py joins them.)"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
