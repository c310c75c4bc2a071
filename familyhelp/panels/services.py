"""Every write to panels and panel requests. Atomic; permissions checked again; moves from transitions.py.

A status move locks the row, checks the version the user started from (two members deciding the same item
at once: one wins, the other is told who decided), checks the move, writes the decision and the child's
chronology event, and puts a notification in the requester's work tray.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhelp.accounts.models import Notification, User
from familyhelp.casework.models import Case
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_bumped
from familyhelp.core.effective import check_effective_date, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, require
from familyhelp.panels.models import (
    Panel,
    PanelAttendance,
    PanelDecision,
    PanelKind,
    PanelRequest,
    SupportOption,
    SupportOptionExplored,
)
from familyhelp.panels.permissions import (
    can_decide_request,
    can_make_request,
    can_manage_panels,
    can_sit_on_panel,
    can_withdraw_request,
)
from familyhelp.panels.selectors import next_sitting, requests_awaiting_agenda
from familyhelp.panels.transitions import check_panel_transition, check_transition

R = PanelRequest.Status
Ask = PanelRequest.Ask
Outcome = PanelDecision.Outcome


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


REQUESTED = "date of the request"
DECIDED = "date of the decision"
WITHDRAWN = "date the request was withdrawn"


def _moment(day: date) -> datetime:
    """A step dated by the day: now when it is today, else the start of that day (local time)."""
    if day == clock.today():
        return clock.now()
    return timezone.make_aware(datetime.combine(day, time.min))


def panel_kind_for(ask: str) -> str:
    """Admission to care goes to the admission-to-care panel; every other ask to the resource panel."""
    return PanelKind.ADMISSION_TO_CARE if ask == Ask.ADMISSION_TO_CARE else PanelKind.RESOURCE


# --- Sittings ------------------------------------------------------------------------------------------
@transaction.atomic
def panel_schedule(*, actor: Any, kind: str, sits_on: date | None, chair: Any, location: str = "") -> Panel:
    """Schedule a sitting of the resource panel or the admission-to-care panel."""
    require(can_manage_panels(actor), "You cannot schedule panels.")
    errors: dict[str, list[str]] = {}
    if kind not in PanelKind.values:
        errors["kind"] = ["Choose which panel"]
    if sits_on is None:
        errors["sits_on"] = ["Enter the date of the panel"]
    elif sits_on < clock.today():
        errors["sits_on"] = ["The date of the panel must be today or in the future"]
    elif kind in PanelKind.values and Panel.objects.filter(kind=kind, sits_on=sits_on).exists():
        errors["sits_on"] = [f"There is already a {PanelKind(kind).label.lower()} on {_d(sits_on)}"]
    if chair is None:
        errors["chair"] = ["Choose who chairs the panel"]
    elif not (chair.is_active and can_sit_on_panel(chair)):
        errors["chair"] = ["The chair must be someone who sits on panels"]
    if len(location) > 200:
        errors["location"] = ["The location must be 200 characters or fewer"]
    raise_if(errors)
    assert sits_on is not None
    try:
        with transaction.atomic():
            return Panel.objects.create(
                kind=kind,
                sits_on=sits_on,
                chair=chair,
                location=location.strip(),
                created_by=actor,
                modified_by=actor,
            )
    except IntegrityError as exc:  # scheduled by someone else a moment ago
        raise DomainError(
            f"There is already a {PanelKind(kind).label.lower()} on {_d(sits_on)}", field="sits_on"
        ) from exc


def _lock_panel(panel: Panel, expected_version: int | None = None) -> Panel:
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError()
    return locked


@transaction.atomic
def panel_agenda_build(*, actor: Any, panel: Panel) -> list[PanelRequest]:
    """Put every submitted or deferred request of the panel's kind, made by its date, on its agenda."""
    require(can_manage_panels(actor), "You cannot build panel agendas.")
    panel = _lock_panel(panel)
    if panel.status != Panel.Status.SCHEDULED:
        raise DomainError("This panel has been held: its agenda cannot change")
    pks = list(
        requests_awaiting_agenda(panel.kind).filter(requested_on__lte=panel.sits_on).values_list("pk", flat=True)
    )
    added = []
    for request in PanelRequest.objects.select_for_update().filter(pk__in=pks):
        if request.panel_id is not None or request.status not in (R.SUBMITTED, R.DEFERRED):
            continue  # listed by someone else meanwhile
        check_transition(request.status, R.ON_AGENDA)
        request.status = R.ON_AGENDA
        request.panel = panel
        save_bumped(request, actor=actor, fields=["status", "panel"])
        added.append(request)
    save_bumped(panel, actor=actor, fields=[])
    return added


@transaction.atomic
def panel_item_move_next(*, actor: Any, request: PanelRequest, expected_version: int | None) -> Panel:
    """Move an agenda item to the next scheduled sitting of the same panel."""
    require(can_manage_panels(actor), "You cannot change panel agendas.")
    request = _lock_request(request, expected_version)
    if request.status != R.ON_AGENDA or request.panel is None:
        raise DomainError("Only an item on an agenda can move to the next panel")
    if request.panel.status != Panel.Status.SCHEDULED:
        raise DomainError("This panel has been held: its agenda cannot change")
    following = next_sitting(request.panel_kind, after=request.panel.sits_on)
    if following is None:
        raise DomainError(
            f"There is no {PanelKind(request.panel_kind).label.lower()} scheduled after "
            f"{_d(request.panel.sits_on)}: schedule the next one first"
        )
    request.panel = following
    save_bumped(request, actor=actor, fields=["panel"])
    return following


@transaction.atomic
def panel_attendance_add(
    *, actor: Any, panel: Panel, user: Any = None, name: str = "", role: str, attendance: str
) -> PanelAttendance:
    """Record someone at a sitting (a council user, or a named person from outside), present or sending apologies."""
    require(can_sit_on_panel(actor), "You cannot record panel attendance.")
    panel = _lock_panel(panel)
    if panel.status != Panel.Status.SCHEDULED:
        raise DomainError("This panel has been held: its attendance cannot change")
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if user is None and not name:
        errors["user"] = ["Choose a member or enter the name of someone from outside"]
    elif user is not None and name:
        errors["name"] = ["Choose a member or enter a name, not both"]
    elif user is not None and panel.attendance.filter(user=user).exists():
        errors["user"] = [f"{user} is already recorded at this panel"]
    if not (role or "").strip():
        errors["role"] = ["Enter their role at the panel"]
    elif len(role) > 200:
        errors["role"] = ["The role must be 200 characters or fewer"]
    if len(name) > 200:
        errors["name"] = ["The name must be 200 characters or fewer"]
    if attendance not in PanelAttendance.Attendance.values:
        errors["attendance"] = ["Choose whether they were present or sent apologies"]
    raise_if(errors)
    row = PanelAttendance.objects.create(
        panel=panel,
        user=user,
        name=name,
        role=role.strip(),
        attendance=attendance,
        created_by=actor,
        modified_by=actor,
    )
    save_bumped(panel, actor=actor, fields=[])
    return row


@transaction.atomic
def panel_mark_held(*, actor: Any, panel: Panel, expected_version: int | None) -> Panel:
    """Close a sitting: every item decided or moved on, someone recorded present."""
    require(can_sit_on_panel(actor), "You cannot close a panel.")
    if expected_version is None:  # closing is final: only from a page or request that read the sitting
        raise ConcurrentEditError()
    panel = _lock_panel(panel, expected_version)
    check_panel_transition(panel.status, Panel.Status.HELD)
    errors: dict[str, list[str]] = {}
    if panel.sits_on > clock.today():
        errors["__all__"] = [f"The panel sits on {_d(panel.sits_on)}: it cannot be held before then"]
    waiting = panel.requests.filter(status=R.ON_AGENDA).count()
    if waiting:
        errors.setdefault("__all__", []).append(
            f"{waiting} item{'s' if waiting != 1 else ''} on the agenda still need{'s' if waiting == 1 else ''} "
            "a decision, or moving to the next panel"
        )
    if not panel.attendance.filter(attendance=PanelAttendance.Attendance.PRESENT).exists():
        errors.setdefault("__all__", []).append("Record who attended the panel")
    raise_if(errors)
    panel.status = Panel.Status.HELD
    panel.held_at = clock.now()
    panel.held_by = actor
    save_bumped(panel, actor=actor, fields=["status", "held_at", "held_by"])
    return panel


# --- Requests ------------------------------------------------------------------------------------------
def _lock_request(request: PanelRequest, expected_version: int | None) -> PanelRequest:
    locked = (
        PanelRequest.objects.select_for_update(of=("self",))
        .select_related("panel", "person", "case")
        .get(pk=request.pk)
    )
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the request it changes. Reload and try again.")
    if locked.version != expected_version:
        if locked.decided_by_id and locked.decided_at:
            # when the decision was recorded (decided_at is the day the panel decided, often earlier)
            recorded = locked.decisions.order_by("-created_at").values_list("created_at", flat=True).first()
            when = timezone.localtime(recorded or locked.modified_at)
            raise ConcurrentEditError(
                f"{locked.decided_by} recorded a decision on this request ({locked.get_status_display().lower()}) "
                f"at {when:%H:%M} on {_d(when.date())} after you opened it. Your decision was not saved: reload the "
                "request to see it."
            )
        raise ConcurrentEditError()
    return locked


def _what_is_asked(request: PanelRequest) -> str:
    ask = request.get_ask_display()
    return ask[0].lower() + ask[1:] if request.ask != Ask.OTHER_SUPPORT else "other support"


@transaction.atomic
def request_make(
    *,
    actor: Any,
    case: Case,
    ask: str,
    reason: str,
    detail: str = "",
    urgency: str = PanelRequest.Urgency.ROUTINE,
    estimated_cost: Decimal | None = None,
    retrospective: bool = False,
    actioned_on: date | None = None,
    options_explored: Sequence[tuple[str, str]] = (),
    explored_referrals: Iterable[Any] = (),
    requested_on: date | None = None,
    late_reason: str = "",
) -> PanelRequest:
    """Make a request to the panel on a case, on the day it was made (default today; on or after the case
    opened). Admission to care must show the support options explored."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    require(can_make_request(actor, case), "You cannot make panel requests on this case.")
    requested_on, _ = resolve_date(requested_on)
    errors: dict[str, list[str]] = check_effective_date(
        requested_on,
        field="requested_on",
        label=REQUESTED,
        person=case.person,
        after=[("date the case opened", case.opened_on)],
        late_reason=late_reason,
    )
    if ask not in Ask.values:
        errors["ask"] = ["Choose what you are asking the panel for"]
    if not (reason or "").strip():
        errors["reason"] = ["Enter why the family needs it"]
    elif len(reason) > 10_000:
        errors["reason"] = ["The reason must be 10,000 characters or fewer"]
    if len(detail or "") > 5000:
        errors["detail"] = ["The detail must be 5,000 characters or fewer"]
    if urgency not in PanelRequest.Urgency.values:
        errors["urgency"] = ["Choose how urgent the request is"]
    if estimated_cost is not None and estimated_cost < 0:
        errors["estimated_cost"] = ["The cost cannot be less than 0"]
    elif ask == Ask.THERAPEUTIC_SUPPORT and not estimated_cost:
        errors["estimated_cost"] = ["Enter the estimated cost of the therapeutic support, in pounds"]
    if retrospective:
        if urgency != PanelRequest.Urgency.CRISIS:
            errors["urgency"] = ["Only a crisis request can be actioned before the panel and approved afterwards"]
        # when the support began, not a step reported here: the request's own date carries any late reason
        errors.update(
            check_effective_date(
                actioned_on,
                field="actioned_on",
                label="date the support was put in place",
                person=case.person,
                after=[("date the case opened", case.opened_on)],
                ask_late_reason=False,
            )
        )
    elif actioned_on is not None:
        errors["actioned_on"] = ["Only a request approved retrospectively records when the support was put in place"]
    options = list(options_explored)
    referrals = list(explored_referrals)
    if ask == Ask.ADMISSION_TO_CARE:
        if not options:
            errors["options_explored"] = ["Select the support options explored before asking for admission to care"]
        seen: set[str] = set()
        for option, what_happened in options:
            if option not in SupportOption.values:
                errors.setdefault("options_explored", []).append(f"{option!r} is not one of the support options")
                continue
            if option in seen:
                errors.setdefault("options_explored", []).append(
                    f"{SupportOption(option).label} is listed more than once"
                )
            seen.add(option)
            if not (what_happened or "").strip():
                errors[f"what_happened_{option}"] = [f"Enter what happened with {SupportOption(option).label.lower()}"]
        for referral in referrals:
            if referral.person_id != case.person_id:
                errors.setdefault("explored_referrals", []).append(
                    f"The referral to {referral.service} is not this child's: choose the child's own referrals"
                )
    elif options or referrals:
        errors["options_explored"] = ["Only a request for admission to care records the support options explored"]
    raise_if(errors)
    request = PanelRequest.objects.create(
        case=case,
        person=case.person,
        panel_kind=panel_kind_for(ask),
        ask=ask,
        detail=(detail or "").strip(),
        reason=reason.strip(),
        urgency=urgency,
        estimated_cost=estimated_cost,
        retrospective=retrospective,
        actioned_on=actioned_on if retrospective else None,
        requested_by=actor,
        requested_on=requested_on,
        created_by=actor,
        modified_by=actor,
    )
    SupportOptionExplored.objects.bulk_create(
        [
            SupportOptionExplored(
                request=request, option=o, what_happened=w.strip(), created_by=actor, modified_by=actor
            )
            for o, w in options
        ]
    )
    if referrals:
        request.explored_referrals.set(referrals)
    summary = f"Request to the {request.get_panel_kind_display().lower()}: {_what_is_asked(request)}"
    if retrospective:
        summary += f" (crisis: put in place on {_d(actioned_on)}, for approval retrospectively)"  # type: ignore[arg-type]
    elif urgency == PanelRequest.Urgency.CRISIS:
        summary += " (crisis)"
    chronology_record(
        actor=actor,
        kind="panels.request_made",
        summary=summary,
        occurred_on=requested_on,
        person=case.person,
        subject=request,
        late_reason=(late_reason or "").strip(),
    )
    return request


@transaction.atomic
def request_decide(
    *,
    actor: Any,
    request: PanelRequest,
    outcome: str,
    conditions: str = "",
    notes: str = "",
    review_on: date | None = None,
    expected_version: int | None,
    decided_on: date | None = None,
    late_reason: str = "",
) -> PanelDecision:
    """The panel decides an agenda item: approved (with conditions and a review date), declined or deferred.

    The decision is dated the day the panel made it (`decided_on`, stored as `decided_at`): by default the
    sitting's date, as the panel's clerk records it from the minutes; another day may be given (a decision
    taken after the sitting), never before the sitting nor the request. A late-recording reason is asked when
    that day is more than the council's late-recording days ago. A deferred request leaves this sitting's
    agenda and waits for the next one. The decision is written to the child's chronology (on its date) and the
    requester is told in their work tray.
    """
    request = _lock_request(request, expected_version)
    require(can_decide_request(actor, request), "You cannot record panel decisions on this request.")
    panel = request.panel
    if request.status != R.ON_AGENDA or panel is None:
        raise DomainError(
            f"This request is {request.get_status_display().lower()}: only an item on a panel's agenda can be decided"
        )
    if panel.status != Panel.Status.SCHEDULED:
        raise DomainError("This panel has been held: its decisions cannot change")
    errors: dict[str, list[str]] = {}
    if panel.sits_on > clock.today():
        errors["__all__"] = [f"The panel sits on {_d(panel.sits_on)}: record its decisions on or after that day"]
    else:
        decided_on = decided_on or panel.sits_on
        errors.update(
            check_effective_date(
                decided_on,
                field="decided_on",
                label=DECIDED,
                person=request.person,
                after=[("date the panel sat", panel.sits_on), (REQUESTED, request.requested_on)],
                late_reason=late_reason,
            )
        )
    if outcome not in Outcome.values:
        errors["outcome"] = ["Choose the panel's decision"]
    elif outcome == Outcome.APPROVED:
        if review_on is None:
            errors["review_on"] = ["Enter the date the support will be reviewed"]
        elif review_on <= panel.sits_on:
            errors["review_on"] = [f"The review date must be after the panel ({_d(panel.sits_on)})"]
    else:
        if review_on is not None:
            errors["review_on"] = ["Only an approved request has a review date"]
        if not (notes or "").strip():
            errors["notes"] = [
                "Enter why the panel declined the request"
                if outcome == Outcome.DECLINED
                else "Enter why the panel deferred the request and what it needs next time"
            ]
        if (conditions or "").strip():
            errors["conditions"] = ["Only an approved request has conditions"]
    raise_if(errors)
    assert decided_on is not None
    now = _moment(decided_on)
    decision = PanelDecision.objects.create(
        request=request,
        panel=panel,
        outcome=outcome,
        conditions=(conditions or "").strip(),
        notes=(notes or "").strip(),
        review_on=review_on,
        decided_by=actor,
        decided_at=now,
        created_by=actor,
        modified_by=actor,
    )
    new_status = {Outcome.APPROVED: R.APPROVED, Outcome.DECLINED: R.DECLINED, Outcome.DEFERRED: R.DEFERRED}[
        Outcome(outcome)
    ]
    check_transition(request.status, new_status)
    request.status = new_status
    request.conditions = decision.conditions
    request.decision_notes = decision.notes
    request.review_on = review_on
    request.decided_by = actor
    request.decided_at = now
    if new_status == R.DEFERRED:
        request.panel = None  # back to the pool: the next sitting's agenda lists it
    save_bumped(
        request,
        actor=actor,
        fields=["status", "conditions", "decision_notes", "review_on", "decided_by", "decided_at", "panel"],
    )
    verb = decision.get_outcome_display().lower()
    if outcome == Outcome.APPROVED and request.retrospective:
        verb = "approved retrospectively"
    summary = f"{panel.get_kind_display()} on {_d(panel.sits_on)}: {_what_is_asked(request)} {verb}"
    if decision.conditions:
        summary += f". Conditions: {decision.conditions}"
    if review_on:
        summary += f". Review by {_d(review_on)}"
    if decision.notes:
        summary += f". {decision.notes}"
    chronology_record(
        actor=actor,
        kind="panels.request_decided",
        summary=summary,
        occurred_on=decided_on,
        person=request.person,
        subject=decision,
        late_reason=(late_reason or "").strip(),
    )
    if request.requested_by_id != actor.pk:
        Notification.objects.create(
            recipient_id=request.requested_by_id,
            kind=Notification.Kind.REFERRAL_OUTCOME,
            person=request.person,
            message=f"The {panel.get_kind_display().lower()} on {_d(panel.sits_on)} {verb} your request for "
            f"{_what_is_asked(request)} (case {request.case.reference}).",
        )
    return decision


@transaction.atomic
def request_withdraw(
    *,
    actor: Any,
    request: PanelRequest,
    reason: str,
    expected_version: int | None,
    withdrawn_on: date | None = None,
    late_reason: str = "",
) -> PanelRequest:
    """The worker withdraws a request the panel has not decided (it leaves any agenda), on the day given
    (default today; stored as `withdrawn_at`): on or after the request and any earlier decision on it."""
    request = _lock_request(request, expected_version)
    require(can_withdraw_request(actor, request), "You cannot withdraw this request.")
    check_transition(request.status, R.WITHDRAWN)
    if request.panel is not None and request.panel.status != Panel.Status.SCHEDULED:
        raise DomainError("The panel has been held: the request cannot be withdrawn from it")
    withdrawn_on, _ = resolve_date(withdrawn_on)
    last_decided = request.decisions.order_by("-decided_at").values_list("decided_at", flat=True).first()
    errors = check_effective_date(
        withdrawn_on,
        field="withdrawn_on",
        label=WITHDRAWN,
        person=request.person,
        after=[
            (REQUESTED, request.requested_on),
            ("date of the panel's last decision on it", timezone.localdate(last_decided) if last_decided else None),
        ],
        late_reason=late_reason,
    )
    if not (reason or "").strip():
        errors.setdefault("reason", []).append("Enter why the request is being withdrawn")
    raise_if(errors)
    request.status = R.WITHDRAWN
    request.withdrawn_by = actor
    request.withdrawn_at = _moment(withdrawn_on)
    request.withdrawn_reason = reason.strip()
    request.panel = None
    save_bumped(request, actor=actor, fields=["status", "withdrawn_by", "withdrawn_at", "withdrawn_reason", "panel"])
    chronology_record(
        actor=actor,
        kind="panels.request_withdrawn",
        summary=f"Request to the {request.get_panel_kind_display().lower()} for {_what_is_asked(request)} withdrawn: "
        f"{request.withdrawn_reason}",
        occurred_on=withdrawn_on,
        person=request.person,
        subject=request,
        late_reason=(late_reason or "").strip(),
    )
    return request


def panel_members() -> list[User]:
    """Active users who may sit on panels (the chair and attendance choices)."""
    from familyhelp.accounts.roles import ROLE_VERBS, SIT_ON_PANEL

    panel_roles = [role for role, verbs in ROLE_VERBS.items() if SIT_ON_PANEL in verbs]
    return list(
        User.objects.filter(is_active=True, role__in=panel_roles).order_by("first_name", "last_name", "username")
    )
