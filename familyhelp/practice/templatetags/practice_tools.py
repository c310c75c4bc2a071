"""`{% practice_link person %}`: the link from a child's record to their practice tools (if the user may read them)."""

from __future__ import annotations

from typing import Any

from django import template

from familyhelp.practice.permissions import can_view_practice

register = template.Library()


@register.inclusion_tag("practice/_person_link.html", takes_context=True)
def practice_link(context: Any, person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"person": person, "show": user is not None and can_view_practice(user, person)}
