"""Template tags other apps' pages use to show signposting from a plan action."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from familyhelp.taf.models import PlanActionSignpost

register = template.Library()


@register.simple_tag
def plan_action_signpost(action: Any) -> str:
    """'Signposted to <service>' under a plan action, or nothing."""
    row = PlanActionSignpost.objects.filter(plan_action=action).select_related("local_service").first()
    if row is None:
        return ""
    service = row.local_service
    contact = f", {service.phone}" if service.phone else ""
    return format_html('<br><span class="govuk-hint" data-signpost>Signposted to {}{}</span>', service.name, contact)
