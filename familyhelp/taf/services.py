"""Every write to the team around the family, and signposting from plan actions. Rules (docs/domain/support.md,
"Team around the family"):

- Members, meetings and actions are managed by whoever may work the case (WORK_CASE, the child in scope, the
  case open); each write checks that again inside the transaction, with the case row locked.
- A member has a name and role, an agency (a partner agency on record or free text), contact details, the
  family's consent to share information with them (given / refused with its date, or not asked yet), and the
  dates they joined and left. A partner's user account may be linked so they can sign in to see the plan.
- A member who still owns open actions cannot leave: give the actions to someone else first.
- A meeting's attendees are members who were on the team that day; its next meeting is after it.
- An action's owner is a current member; its status moves open -> done | dropped, and back to open.
  The partner who owns an action may move its status, and nothing else.
- Edits name the version they started from (409 / "someone else changed this" when stale).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import roles
from familyhelp.casework.models import Case, PlanAction
from familyhelp.casework.permissions import can_work_case
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import check_effective_date, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, full_clean_or_raise, require
from familyhelp.directory.models import LocalService
from familyhelp.taf.models import PlanActionSignpost, TafAction, TafMeeting, TafMember
from familyhelp.taf.permissions import can_manage_taf, can_update_action_status
from familyhelp.taf.transitions import check_action_move

TEXT_MAX = 5000
NAME_MAX = 200
REFUSED_MANAGE = "You cannot change the team around the family for this case."

MEMBER_FIELDS = {"name", "role", "agency_name", "partner_agency", "email", "phone", "consent", "consent_date", "user"}
MEETING_FIELDS = {"held_on", "attendees", "other_attendees", "decisions", "next_meeting_on"}
ACTION_FIELDS = {"text", "owner", "due_on", "meeting", "signpost_to"}


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _lock_case(actor: Any, case: Case) -> Case:
    """The case row locked for the transaction, with the permission checked again on the locked row."""
    require(can_manage_taf(actor, case), REFUSED_MANAGE)
    locked = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    require(can_manage_taf(actor, locked), REFUSED_MANAGE)
    return locked


def _text(
    value: str | None,
    field: str,
    label: str,
    errors: dict[str, list[str]],
    *,
    required: bool = True,
    limit: int = TEXT_MAX,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(f"Enter {label}")
    elif len(value) > limit:
        errors.setdefault(field, []).append(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer")
    return value


# --- Members -------------------------------------------------------------------------------------------
def _check_member(
    case: Case, values: dict[str, Any], errors: dict[str, list[str]], *, member: TafMember | None
) -> None:
    """Validate and normalise a member's details in place."""
    values["name"] = _text(values.get("name"), "name", "the member's name", errors, limit=NAME_MAX)
    values["role"] = _text(values.get("role"), "role", "their role", errors, limit=NAME_MAX)
    values["agency_name"] = _text(
        values.get("agency_name"), "agency_name", "the agency", errors, required=False, limit=NAME_MAX
    )
    values["email"] = (values.get("email") or "").strip()
    values["phone"] = (values.get("phone") or "").strip()
    consent = values.get("consent") or TafMember.Consent.NOT_ASKED
    values["consent"] = consent
    if consent not in TafMember.Consent.values:
        errors.setdefault("consent", []).append("Select whether the family gave consent")
    elif consent == TafMember.Consent.NOT_ASKED:
        values["consent_date"] = None
    else:
        errors.update(
            check_effective_date(
                values.get("consent_date"),
                field="consent_date",
                label="date of the consent decision",
                ask_late_reason=False,
            )
        )
    user = values.get("user")
    if user is not None:
        if not user.is_active or user.role != roles.Role.PARTNER:
            errors.setdefault("user", []).append("Choose an active partner user account")
        else:
            others = TafMember.objects.filter(case=case, user=user, left_on__isnull=True)
            if member is not None:
                others = others.exclude(pk=member.pk)
            if others.exists():
                errors.setdefault("user", []).append("This user is already on the team")
            if values.get("partner_agency") is None and user.partner_agency_id:
                values["partner_agency"] = user.partner_agency
    if values.get("partner_agency") is None and not values["agency_name"] and "agency_name" not in errors:
        errors.setdefault("agency_name", []).append("Enter the agency, or choose a partner agency")


@transaction.atomic
def taf_member_add(
    *,
    actor: Any,
    case: Case,
    name: str,
    role: str,
    joined_on: date | None,
    agency_name: str = "",
    partner_agency: Any = None,
    email: str = "",
    phone: str = "",
    consent: str = TafMember.Consent.NOT_ASKED,
    consent_date: date | None = None,
    user: Any = None,
) -> TafMember:
    """Add someone to the team around the family."""
    case = _lock_case(actor, case)
    values: dict[str, Any] = {
        "name": name,
        "role": role,
        "agency_name": agency_name,
        "partner_agency": partner_agency,
        "email": email,
        "phone": phone,
        "consent": consent,
        "consent_date": consent_date,
        "user": user,
    }
    errors: dict[str, list[str]] = {}
    _check_member(case, values, errors, member=None)
    errors.update(
        check_effective_date(
            joined_on,
            field="joined_on",
            label="date they joined",
            not_before=case.opened_on,
            not_before_label=f"date the case opened ({_d(case.opened_on)})",
            ask_late_reason=False,
        )
    )
    raise_if(errors)
    assert joined_on is not None
    member = TafMember(case=case, joined_on=joined_on, created_by=actor, modified_by=actor, **values)
    full_clean_or_raise(member)
    member.save()
    chronology_record(
        actor=actor,
        kind="taf.member_joined",
        summary=f"{member.name} ({member.role}, {member.agency}) joined the team around the family",
        occurred_on=joined_on,
        person=case.person,
        subject=member,
    )
    return member


@transaction.atomic
def taf_member_update(*, actor: Any, member: TafMember, expected_version: int | None, **fields: Any) -> TafMember:
    """Change a member's details, contact details or consent."""
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"Unknown member fields: {sorted(unknown)}")
    _lock_case(actor, member.case)
    values = {f: getattr(member, f) for f in MEMBER_FIELDS}
    values.update(fields)
    errors: dict[str, list[str]] = {}
    _check_member(member.case, values, errors, member=member)
    raise_if(errors)
    for key, value in values.items():
        setattr(member, key, value)
    full_clean_or_raise(member)
    save_versioned(member, actor=actor, expected_version=expected_version, fields=sorted(MEMBER_FIELDS))
    return member


@transaction.atomic
def taf_member_leave(
    *, actor: Any, member: TafMember, left_on: date | None, reason: str = "", expected_version: int | None
) -> TafMember:
    """A member leaves the team (their open actions must be given to someone else first)."""
    case = _lock_case(actor, member.case)
    stored = TafMember.objects.select_for_update(of=("self",)).only("left_on", "version").get(pk=member.pk)
    if stored.version != expected_version:
        raise ConcurrentEditError()
    errors: dict[str, list[str]] = {}
    if stored.left_on is not None:
        raise DomainError(f"{member.name} already left the team on {_d(stored.left_on)}", field="left_on")
    errors.update(
        check_effective_date(
            left_on,
            field="left_on",
            label="date they left",
            not_before=member.joined_on,
            not_before_label=f"date they joined ({_d(member.joined_on)})",
            ask_late_reason=False,
        )
    )
    reason = _text(reason, "reason", "the reason", errors, required=False, limit=500)
    open_actions = TafAction.objects.filter(owner=member, status=TafAction.Status.OPEN).count()
    if open_actions:
        errors.setdefault("left_on", []).append(
            f"{member.name} still owns {open_actions} open action{'s' if open_actions != 1 else ''}: "
            "give them to another member, or mark them done or no longer needed, first"
        )
    raise_if(errors)
    assert left_on is not None
    member.left_on = left_on
    member.left_reason = reason
    save_versioned(member, actor=actor, expected_version=expected_version, fields=["left_on", "left_reason"])
    chronology_record(
        actor=actor,
        kind="taf.member_left",
        summary=f"{member.name} ({member.role}, {member.agency}) left the team around the family"
        + (f": {reason}" if reason else ""),
        occurred_on=left_on,
        person=case.person,
        subject=member,
    )
    return member


# --- Meetings ------------------------------------------------------------------------------------------
def _check_meeting(
    case: Case, values: dict[str, Any], errors: dict[str, list[str]], late_reason: str, *, ask_late: bool = True
) -> None:
    held_on = values.get("held_on")
    errors.update(
        check_effective_date(
            held_on,
            field="held_on",
            label="date of the meeting",
            not_before=case.opened_on,
            not_before_label=f"date the case opened ({_d(case.opened_on)})",
            late_reason=late_reason,
            ask_late_reason=ask_late,
        )
    )
    values["decisions"] = _text(values.get("decisions"), "decisions", "what the meeting decided", errors)
    values["other_attendees"] = _text(
        values.get("other_attendees"), "other_attendees", "the other attendees", errors, required=False
    )
    attendees = list(values.get("attendees") or [])
    values["attendees"] = attendees
    for m in attendees:
        if m.case_id != case.pk:
            errors.setdefault("attendees", []).append("Choose members of this team")
            break
        if held_on and "held_on" not in errors and (m.joined_on > held_on or (m.left_on and m.left_on < held_on)):
            errors.setdefault("attendees", []).append(f"{m.name} was not on the team on {_d(held_on)}")
    if not attendees and not values["other_attendees"]:
        errors.setdefault("attendees", []).append("Choose who attended")
    next_on = values.get("next_meeting_on")
    if next_on is not None and held_on is not None and next_on <= held_on:
        errors.setdefault("next_meeting_on", []).append("The next meeting must be after this one")


@transaction.atomic
def taf_meeting_record(
    *,
    actor: Any,
    case: Case,
    held_on: date | None = None,
    decisions: str,
    attendees: Iterable[TafMember] = (),
    other_attendees: str = "",
    next_meeting_on: date | None = None,
    late_reason: str = "",
) -> TafMeeting:
    """Record a meeting of the team around the family, on the day it was held (default today): who attended,
    what it decided, when it meets next."""
    case = _lock_case(actor, case)
    held_on, _ = resolve_date(held_on)
    values: dict[str, Any] = {
        "held_on": held_on,
        "decisions": decisions,
        "attendees": attendees,
        "other_attendees": other_attendees,
        "next_meeting_on": next_meeting_on,
    }
    errors: dict[str, list[str]] = {}
    _check_meeting(case, values, errors, late_reason)
    raise_if(errors)
    members = values.pop("attendees")
    meeting = TafMeeting(case=case, created_by=actor, modified_by=actor, **values)
    full_clean_or_raise(meeting)
    meeting.save()
    meeting.attendees.set(members)
    who = len(members)
    chronology_record(
        actor=actor,
        kind="taf.meeting_held",
        summary=f"Team around the family meeting ({who} member{'s' if who != 1 else ''} attended)",
        occurred_on=meeting.held_on,
        person=case.person,
        subject=meeting,
        late_reason=(late_reason or "").strip(),
    )
    return meeting


@transaction.atomic
def taf_meeting_update(*, actor: Any, meeting: TafMeeting, expected_version: int | None, **fields: Any) -> TafMeeting:
    """Correct a meeting's record (attendees, decisions, next meeting)."""
    unknown = set(fields) - MEETING_FIELDS - {"late_reason"}
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    case = _lock_case(actor, meeting.case)
    late_reason = fields.pop("late_reason", "")
    values: dict[str, Any] = {f: getattr(meeting, f) for f in MEETING_FIELDS - {"attendees"}}
    values["attendees"] = list(meeting.attendees.all())
    values.update(fields)
    errors: dict[str, list[str]] = {}
    # A late-recording reason is asked only when the date itself changes.
    _check_meeting(
        case, values, errors, late_reason, ask_late=fields.get("held_on", meeting.held_on) != meeting.held_on
    )
    raise_if(errors)
    members = values.pop("attendees")
    for key, value in values.items():
        setattr(meeting, key, value)
    full_clean_or_raise(meeting)
    save_versioned(
        meeting, actor=actor, expected_version=expected_version, fields=sorted(MEETING_FIELDS - {"attendees"})
    )
    meeting.attendees.set(members)
    return meeting


# --- Actions -------------------------------------------------------------------------------------------
def _check_action(case: Case, values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    values["text"] = _text(values.get("text"), "text", "what needs to happen", errors)
    owner = values.get("owner")
    if owner is None:
        errors.setdefault("owner", []).append("Choose who will do it")
    elif owner.case_id != case.pk or owner.left_on is not None:
        errors.setdefault("owner", []).append("Choose a current member of this team")
    due_on = values.get("due_on")
    if due_on is None:
        errors.setdefault("due_on", []).append("Enter the date it is due")
    elif due_on < case.opened_on:
        errors.setdefault("due_on", []).append(
            f"The due date must be on or after the date the case opened ({_d(case.opened_on)})"
        )
    meeting = values.get("meeting")
    if meeting is not None and meeting.case_id != case.pk:
        errors.setdefault("meeting", []).append("Choose a meeting of this team")
    signpost = values.get("signpost_to")
    if signpost is not None and not signpost.is_active:
        errors.setdefault("signpost_to", []).append("Choose a service that is open")


@transaction.atomic
def taf_action_add(
    *,
    actor: Any,
    case: Case,
    text: str,
    owner: TafMember | None,
    due_on: date | None,
    meeting: TafMeeting | None = None,
    signpost_to: LocalService | None = None,
) -> TafAction:
    """Agree an action of the coordinated plan, owned by a member from any agency."""
    case = _lock_case(actor, case)
    values: dict[str, Any] = {
        "text": text,
        "owner": owner,
        "due_on": due_on,
        "meeting": meeting,
        "signpost_to": signpost_to,
    }
    errors: dict[str, list[str]] = {}
    _check_action(case, values, errors)
    raise_if(errors)
    action = TafAction(case=case, created_by=actor, modified_by=actor, **values)
    full_clean_or_raise(action)
    action.save()
    assert owner is not None and due_on is not None
    summary = f"Action agreed for {owner.name} ({owner.agency}) by {_d(due_on)}: {action.text[:200]}"
    if signpost_to is not None:
        summary += f". Signposted to {signpost_to.name}"
    chronology_record(
        actor=actor,
        kind="taf.action_agreed",
        summary=summary,
        occurred_on=meeting.held_on if meeting is not None else clock.today(),
        person=case.person,
        subject=action,
    )
    return action


@transaction.atomic
def taf_action_update(*, actor: Any, action: TafAction, expected_version: int | None, **fields: Any) -> TafAction:
    """Change an open action: what, who, by when, the meeting that agreed it, where it signposts to."""
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    case = _lock_case(actor, action.case)
    stored = TafAction.objects.select_for_update(of=("self",)).only("status", "version").get(pk=action.pk)
    if stored.version != expected_version:
        raise ConcurrentEditError()
    if stored.status != TafAction.Status.OPEN:
        raise DomainError("Only an open action can be changed: reopen it first", field="status")
    values: dict[str, Any] = {f: getattr(action, f) for f in ACTION_FIELDS}
    values.update(fields)
    if "owner" not in fields and values["owner"] is not None and values["owner"].left_on is not None:
        values["owner"] = action.owner  # an unchanged owner keeps the error on the owner field below
    errors: dict[str, list[str]] = {}
    _check_action(case, values, errors)
    raise_if(errors)
    for key, value in values.items():
        setattr(action, key, value)
    full_clean_or_raise(action)
    save_versioned(action, actor=actor, expected_version=expected_version, fields=sorted(ACTION_FIELDS))
    return action


STATUS_KINDS = {
    TafAction.Status.DONE: ("taf.action_done", "Action done"),
    TafAction.Status.DROPPED: ("taf.action_dropped", "Action no longer needed"),
    TafAction.Status.OPEN: ("taf.action_reopened", "Action reopened"),
}


@transaction.atomic
def taf_action_set_status(
    *,
    actor: Any,
    action: TafAction,
    status: str,
    expected_version: int | None,
    done_on: date | None = None,
    late_reason: str = "",
) -> TafAction:
    """Move an action's status. Whoever manages the team, or the partner who owns the action.

    Done: on the day it was done (default today), on or after the day it was agreed (the meeting that agreed it,
    else the day it was added), with a late-recording reason when that day is more than the council's
    late-recording days ago. Dropping or reopening an action is dated the day it is recorded."""
    require(can_update_action_status(actor, action), "You can only change the status of your own actions.")
    action = (
        TafAction.objects.select_for_update(of=("self",))
        .select_related("case__person", "owner", "meeting")
        .get(pk=action.pk)
    )
    require(can_update_action_status(actor, action), "You can only change the status of your own actions.")
    if expected_version is None or action.version != expected_version:
        raise ConcurrentEditError()
    check_action_move(action.status, status)
    if status == TafAction.Status.DONE:
        done_on, _ = resolve_date(done_on)
        agreed = action.meeting.held_on if action.meeting is not None else timezone.localdate(action.created_at)
        raise_if(
            check_effective_date(
                done_on,
                field="done_on",
                label="date it was done",
                person=action.case.person,
                after=[("date the action was agreed", agreed)],
                late_reason=late_reason,
            )
        )
    else:
        done_on = None
        late_reason = ""
    action.status = status
    action.done_on = done_on
    action.status_changed_at = clock.now()
    action.status_changed_by = actor
    full_clean_or_raise(action)
    save_versioned(
        action,
        actor=actor,
        expected_version=expected_version,
        fields=["status", "done_on", "status_changed_at", "status_changed_by"],
    )
    kind, label = STATUS_KINDS[TafAction.Status(status)]
    chronology_record(
        actor=actor,
        kind=kind,
        summary=f"{label} ({action.owner.name}, {action.owner.agency}): {action.text[:200]}",
        occurred_on=done_on or clock.today(),
        person=action.case.person,
        subject=action,
        late_reason=(late_reason or "").strip(),
    )
    return action


def taf_overdue_actions(case: Case) -> list[TafAction]:
    """Open actions past their due date."""
    return list(
        TafAction.objects.filter(case=case, status=TafAction.Status.OPEN, due_on__lt=clock.today())
        .select_related("owner")
        .order_by("due_on")
    )


# --- Signposting from casework plan actions ----------------------------------------------------------------
@transaction.atomic
def plan_action_signpost(
    *, actor: Any, plan_action: PlanAction, local_service: LocalService | None, expected_version: int | None
) -> PlanActionSignpost | None:
    """Signpost a plan action to a directory service (or clear it with None).

    `expected_version` is the signpost's version the form showed, or 0 when it showed none.
    """
    case = plan_action.plan.case
    require(can_work_case(actor, case), "You cannot change plans for this case.")
    action = (
        PlanAction.objects.select_for_update(of=("self",)).select_related("plan__case__person").get(pk=plan_action.pk)
    )
    require(can_work_case(actor, action.plan.case), "You cannot change plans for this case.")
    if action.plan.ended_on is not None:
        raise DomainError("The plan has ended", field="local_service")
    current = PlanActionSignpost.objects.filter(plan_action=action).first()
    if (current.version if current else 0) != expected_version:
        raise ConcurrentEditError()
    if local_service is not None and not local_service.is_active:
        raise DomainError("Choose a service that is open", field="local_service")
    person = action.plan.case.person
    if local_service is None:
        if current is not None:
            current.delete()
        return None
    if current is None:
        current = PlanActionSignpost(
            plan_action=action, local_service=local_service, created_by=actor, modified_by=actor
        )
        current.save()
    elif current.local_service_id == local_service.pk:
        return current
    else:
        current.local_service = local_service
        save_versioned(current, actor=actor, expected_version=expected_version, fields=["local_service"])
    chronology_record(
        actor=actor,
        kind="taf.signposted",
        summary=f"Signposted to {local_service.name} for the plan action: {action.text[:200]}",
        occurred_on=clock.today(),
        person=person,
        subject=action,
    )
    return current
