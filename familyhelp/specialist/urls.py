"""Pages of the specialist app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "specialist"
urlpatterns: list[URLPattern] = []
