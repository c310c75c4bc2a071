"""Pages of the panels app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "panels"
urlpatterns: list[URLPattern] = []
