"""Reads of the team around the family. Every read is a read of the child's record, so it is access-logged:
practitioners through casework's `case_get_for_user`; partners here, with the basis "taf_member"."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as When_
from django.db.models import IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.casework.models import Case
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core import clock
from familyhelp.taf.models import PlanActionSignpost, TafAction, TafMeeting, TafMember
from familyhelp.taf.permissions import can_view_taf_plan_as_partner

PARTNER_BASIS = "taf_member"
_OPEN_FIRST = When_(When(status=TafAction.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())


def taf_case_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the team around the family") -> Case:
    """The case of a team around the family, for a practitioner (scoped and logged by casework)."""
    return case_get_for_user(user, pk, purpose=purpose)


def taf_case_get_for_partner(user: Any, pk: Any, *, purpose: str = "read the team's action plan") -> Case:
    """The case of a team the partner is an active member of; 404 otherwise (nothing is said about others)."""
    try:
        case = Case.objects.select_related("person").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such team around the family") from exc
    if not can_view_taf_plan_as_partner(user, case):
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=case.person,
            obj=case,
            basis="none",
            reason="not a member of the team around the family",
        )
        raise Http404("No such team around the family")
    access_log_record(
        actor=user, action=AccessLog.Action.VIEW, person=case.person, obj=case, basis=PARTNER_BASIS, reason=purpose
    )
    return case


def taf_members(case: Case) -> QuerySet[TafMember]:
    """Every member, past and present, with their agency and account."""
    return (
        TafMember.objects.filter(case=case)
        .select_related("partner_agency", "user")
        .order_by("left_on", "joined_on", "name")
    )


def taf_meetings(case: Case) -> QuerySet[TafMeeting]:
    """The team's meetings, newest first, with who attended."""
    return (
        TafMeeting.objects.filter(case=case)
        .prefetch_related(Prefetch("attendees", queryset=TafMember.objects.order_by("name")))
        .order_by("-held_on", "-created_at")
    )


def taf_actions(case: Case) -> QuerySet[TafAction]:
    """The coordinated action plan: open actions first by due date, then the rest."""
    return (
        TafAction.objects.filter(case=case)
        .select_related("owner__partner_agency", "signpost_to", "meeting")
        .annotate(open_first=_OPEN_FIRST)
        .order_by("open_first", "due_on", "created_at")
    )


def taf_actions_for_partner(user: Any) -> QuerySet[TafAction]:
    """A partner's own actions on teams they are an active member of, on open cases."""
    return (
        TafAction.objects.filter(owner__user=user, owner__left_on__isnull=True, case__closed_on__isnull=True)
        .select_related("case", "owner__partner_agency", "signpost_to")
        .annotate(open_first=_OPEN_FIRST)
        .order_by("open_first", "due_on", "created_at")
    )


def taf_tray_rows(user: Any, limit: int = 50) -> list[TafAction]:
    """The partner's open actions for their work tray, soonest due first, each flagged `overdue`."""
    today = clock.today()
    rows = list(taf_actions_for_partner(user).filter(status=TafAction.Status.OPEN)[:limit])
    for row in rows:
        row.overdue = row.is_overdue(today)  # type: ignore[attr-defined]
    return rows


def taf_action_get(pk: Any) -> TafAction:
    """One action with its case and owner (callers check the permission)."""
    try:
        return TafAction.objects.select_related("case__person", "owner", "signpost_to").get(pk=pk)
    except (TafAction.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such action") from exc


def taf_member_get(pk: Any) -> TafMember:
    """One member with their case (callers check the permission)."""
    try:
        return TafMember.objects.select_related("case__person", "partner_agency", "user").get(pk=pk)
    except (TafMember.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such member") from exc


def taf_meeting_get(pk: Any) -> TafMeeting:
    """One meeting with its case (callers check the permission)."""
    try:
        return TafMeeting.objects.select_related("case__person").get(pk=pk)
    except (TafMeeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such meeting") from exc


def plan_action_signposts(action_ids: list[Any]) -> dict[Any, PlanActionSignpost]:
    """The signposts of these casework plan actions, by action id (one query)."""
    rows = PlanActionSignpost.objects.filter(plan_action_id__in=action_ids).select_related("local_service")
    return {row.plan_action_id: row for row in rows}
