"""The case page's "Specialist services" section: referrals from the case and the link to refer."""

from __future__ import annotations

from typing import Any

from django import template

from familyhelp.specialist.permissions import can_refer
from familyhelp.specialist.selectors import referrals_for_case

register = template.Library()


@register.inclusion_tag("specialist/_case_section.html", takes_context=True)
def specialist_case_section(context: Any, case: Any) -> dict[str, Any]:
    """Referrals made from the case (the page has already checked the user may see the case)."""
    user = context["request"].user
    return {"case": case, "referrals": list(referrals_for_case(case)), "can_refer": can_refer(user, case)}
