"""Template helpers for GOV.UK form components."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def widget_part(field: Any, part: str) -> str:
    """The submitted (or initial) value of one part of a GOV.UK date input."""
    data = field.form.data
    if field.form.is_bound and f"{field.html_name}_{part}" in data:
        return str(data.get(f"{field.html_name}_{part}", ""))
    value = field.value()
    if value and hasattr(value, "year"):
        return str({"day": value.day, "month": value.month, "year": value.year}[part])
    return ""


@register.filter
def nhs_format(value: str) -> str:
    """Show an NHS number as 3 3 4 digits."""
    from familyhelp.people.identifiers import format_nhs_number

    return format_nhs_number(value)
