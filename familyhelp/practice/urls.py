"""Pages of the practice app (practice tools for a child)."""

from __future__ import annotations

from familyhelp.practice.views import urlpatterns as urlpatterns  # noqa: PLC0414

app_name = "practice"
