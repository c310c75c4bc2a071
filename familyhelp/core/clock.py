"""The one place the application asks for the time, so tests can freeze it."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current aware datetime."""
    return timezone.now()


def today() -> date:
    """Return today's date in the council's time zone (Europe/London)."""
    return timezone.localdate(timezone.now())
