"""The "Cases" summary on a child's page (people/detail.html): the child's cases, for users who may see cases."""

from __future__ import annotations

from typing import Any

from django import template

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb

register = template.Library()


@register.inclusion_tag("casework/_person_cases.html", takes_context=True)
def person_cases(context: Any, person: Any) -> dict[str, Any]:
    """The child's cases, newest first (the page that includes this has already logged the read)."""
    from familyhelp.casework.selectors import cases_for_person

    user = context.get("user")
    if not has_verb(user, roles.VIEW_CASE) or getattr(person, "kind", "child") != "child":
        return {"show": False}
    return {"show": True, "cases": list(cases_for_person(person).select_related("supervisor")[:20])}
