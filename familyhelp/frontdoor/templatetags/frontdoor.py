"""Clocks as GOV.UK tags: overdue (red), due within two hours (orange), otherwise the due time."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min" if hours < 10 else f"{hours} h"
    return f"{hours // 24} days"


@register.simple_tag
def clock(due: datetime | None, now: datetime, done: datetime | None = None) -> SafeString:
    """The state of a clock; `done` stops it (decided, returned)."""
    if due is None:
        return format_html("{}", "")
    local = timezone.localtime(due)
    if done is not None:
        late = done > due
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            "red" if late else "green",
            f"{'Late' if late else 'In time'}: due {local:%-d %b %H:%M}",
        )
    remaining = (due - now).total_seconds()
    if remaining < 0:
        return format_html('<strong class="govuk-tag govuk-tag--red">Overdue by {}</strong>', _span(remaining))
    if remaining < 2 * 3600:
        return format_html('<strong class="govuk-tag govuk-tag--orange">Due in {}</strong>', _span(remaining))
    return format_html('<strong class="govuk-tag govuk-tag--grey">Due {}</strong>', f"{local:%-d %b %H:%M}")


@register.filter
def rag_colour(rag: str) -> str:
    return {"red": "red", "amber": "orange", "green": "green", "not_known": "grey"}.get(rag, "grey")
