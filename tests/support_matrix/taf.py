"""Role-matrix rows for the taf app (merged by test_permission_coverage).

`build(world)` runs after the casework builders, so `world.case` (the social worker's open case for
`world.own`) and `world.plan_action` exist. It puts a school nurse (no account) and the world's partner on the
case's team around the family, each owning an action, and records a meeting.
"""

from __future__ import annotations

import datetime
from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
CASE = {"pk": lambda w: w.case.pk}
VIEW = "403 200 200 403 200 403 403 403 403 302"
WORK = "403 200 200 403 403 403 403 403 403 302"
PARTNER = "403 403 403 403 403 403 403 403 200 302"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_CREATE = "403 201 201 403 403 403 403 403 403 401"
API_WORK = "403 200 200 403 403 403 403 403 403 401"
API_PARTNER = "403 403 403 403 403 403 403 403 200 401"
TODAY = datetime.date.today().isoformat()

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "taf:case": ("get", CASE, None, VIEW),
    "taf:member_add": ("get", CASE, None, WORK),
    "taf:meeting_add": ("get", CASE, None, WORK),
    "taf:action_add": ("get", CASE, None, WORK),
    "taf:member_edit": ("get", {"pk": lambda w: w.taf_nurse.pk}, None, WORK),
    "taf:member_leave": ("get", {"pk": lambda w: w.taf_nurse.pk}, None, WORK),
    "taf:meeting_edit": ("get", {"pk": lambda w: w.taf_meeting.pk}, None, WORK),
    "taf:action_edit": ("get", {"pk": lambda w: w.taf_action.pk}, None, WORK),
    "taf:action_status": ("get", {"pk": lambda w: w.taf_action.pk}, None, WORK),
    # The partner is on the team; nobody else uses the partner's pages (their role lacks the verb).
    "taf:plan": ("get", CASE, None, PARTNER),
    "taf:my_action_status": ("get", {"pk": lambda w: w.taf_partner_action.pk}, None, PARTNER),
    "taf:plan_action_signpost": ("get", {"pk": lambda w: w.plan_action.pk}, None, WORK),
    "api:taf-member-list": (
        "post",
        {},
        lambda w: {
            "case": str(w.case.pk),
            "name": "Jo Bell",
            "role": "Housing officer",
            "agency_name": "Northfield Homes",
            "joined_on": TODAY,
        },
        API_CREATE,
    ),
    "api:taf-member-detail": ("get", {"pk": lambda w: w.taf_nurse.pk}, None, API_VIEW),
    "api:taf-member-leave": (
        "post",
        {"pk": lambda w: w.taf_leaver.pk},
        lambda w: {"left_on": TODAY, "version": 1},
        API_WORK,
    ),
    "api:taf-meeting-list": (
        "post",
        {},
        lambda w: {
            "case": str(w.case.pk),
            "held_on": TODAY,
            "attendees": [str(w.taf_nurse.pk)],
            "decisions": "Weekly check-ins",
        },
        API_CREATE,
    ),
    "api:taf-meeting-detail": ("get", {"pk": lambda w: w.taf_meeting.pk}, None, API_VIEW),
    "api:taf-action-list": (
        "post",
        {},
        lambda w: {"case": str(w.case.pk), "text": "Housing review", "owner": str(w.taf_nurse.pk), "due_on": TODAY},
        API_CREATE,
    ),
    "api:taf-action-detail": ("get", {"pk": lambda w: w.taf_action.pk}, None, API_VIEW),
    "api:taf-action-set-status": (
        "post",
        {"pk": lambda w: w.taf_action.pk},
        lambda w: {"status": "done", "version": 1},
        API_WORK,
    ),
    "api:taf-my-action-list": ("get", {}, None, API_PARTNER),
    "api:taf-my-action-detail": ("get", {"pk": lambda w: w.taf_partner_action.pk}, None, API_PARTNER),
}


def build(world: Any) -> None:
    """The team around the family on world.case: a nurse, the partner, a member who can leave, a meeting."""
    from familyhelp.taf.models import TafAction, TafMeeting, TafMember

    opened = world.case.opened_on
    world.taf_nurse = TafMember.objects.create(
        case=world.case,
        name="Priya Shah",
        role="School nurse",
        agency_name="Northfield Primary",
        email="priya@example.org",
        joined_on=opened,
    )
    world.taf_partner_member = TafMember.objects.create(
        case=world.case,
        name="Dan Hughes",
        role="Probation officer",
        partner_agency=world.partner.partner_agency,
        user=world.partner,
        joined_on=opened,
    )
    world.taf_leaver = TafMember.objects.create(
        case=world.case,
        name="Ann Lee",
        role="Housing officer",
        agency_name="Northfield Homes",
        joined_on=opened,
    )
    world.taf_meeting = TafMeeting.objects.create(case=world.case, held_on=opened, decisions="Agreed the plan")
    world.taf_meeting.attendees.set([world.taf_nurse, world.taf_partner_member])
    due = opened + datetime.timedelta(days=30)
    world.taf_action = TafAction.objects.create(case=world.case, owner=world.taf_nurse, text="Health check", due_on=due)
    world.taf_partner_action = TafAction.objects.create(
        case=world.case, owner=world.taf_partner_member, text="Supervision appointment", due_on=due
    )
