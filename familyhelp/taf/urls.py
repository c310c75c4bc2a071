"""Pages of the taf app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "taf"
urlpatterns: list[URLPattern] = []
