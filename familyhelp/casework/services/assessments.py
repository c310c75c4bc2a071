"""Assessments, strategy discussions, section 47 enquiries and the initial child protection conference.

Every write is one atomic function: it locks the rows it changes, checks the permission again (the page or
endpoint checked it once), checks the rules (raising field-level DomainErrors, so nothing is written when
one fails), records a chronology event and returns the object. The rules and clocks are described in
docs/domain/casework.md ("Assessments, strategy discussions and section 47 enquiries").

Every dated step takes its effective date (a missing date is today) and goes through
core.effective.check_effective_date: not in the future, not before the child's birth or the case/referral
opening, in journey order (start <= child seen <= submission <= authorisation; strategy discussion <= section 47
start <= child seen <= conclusion <= conference), and a late-recording reason when older than the council's
late-recording days. The reason is stored on the step's chronology event, dated with the effective date.

Acting on an authorised assessment's outcome (starting a plan, stepping down, closing) belongs to the plans
and cases services: an assessment records the outcome; it does not carry it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework import clocks, memo
from familyhelp.casework.models import Assessment, Case, CINEpisode, S47Enquiry, StrategyDiscussion
from familyhelp.casework.permissions import can_authorise_casework, can_work_case
from familyhelp.casework.policy import casework_policy
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.chronology.services import chronology_record
from familyhelp.core import calendar
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.effective import check_effective_date, merge_errors, raise_if, resolve_date
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError, require
from familyhelp.people.codes import AssessmentFactor, ReasonForClosure

FACTOR_CODES = frozenset(c.value for c in AssessmentFactor)
NO_FACTORS = AssessmentFactor.F21.value  # "21": no factors identified (must be chosen explicitly)
DEFAULT_CLOSE_REASON = ReasonForClosure.RC8.value  # closed after assessment, no further action
DEFAULT_STEP_DOWN_REASON = ReasonForClosure.RC9.value  # closed after assessment, referred to early help

# Which outcomes each kind of assessment may reach (a family support assessment is on a level 3 case, a
# single assessment on a level 4 case).
OUTCOMES_FOR_KIND: dict[str, set[str]] = {
    Assessment.Kind.FAMILY_SUPPORT: {
        Assessment.Outcome.PLAN,
        Assessment.Outcome.STEP_UP,
        Assessment.Outcome.STEP_DOWN,
        Assessment.Outcome.CLOSE,
    },
    Assessment.Kind.SINGLE: {
        Assessment.Outcome.PLAN,
        Assessment.Outcome.STRATEGY,
        Assessment.Outcome.STEP_DOWN,
        Assessment.Outcome.CLOSE,
    },
}
# Where a step down can go: below the case's level (1 universal, 2 early help, 3 targeted family support).
STEP_DOWN_LEVELS: dict[str, dict[int, str]] = {
    Assessment.Kind.SINGLE: {
        3: "Level 3: targeted family support",
        2: "Level 2: early help / family hub",
        1: "Level 1: universal services",
    },
    Assessment.Kind.FAMILY_SUPPORT: {2: "Level 2: early help / family hub", 1: "Level 1: universal services"},
}

# The agencies a strategy discussion records (Working Together 2023: at least the police, health and
# children's social care take part; this product requires the police, see docs/domain/casework.md).
POLICE = "Police"
AGENCIES: list[str] = [
    "Children's social care",
    POLICE,
    "Health",
    "Education",
    "Probation",
    "Youth justice service",
    "Housing",
    "Other",
]

OPEN_ASSESSMENT_STATUSES = (Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED)

# How each dated step is named in messages ("The date of authorisation must be on or after the date the
# assessment was submitted (3 March 2025)"): the label of the step itself, and of the step as another's bound.
STARTED = "start date"
STARTED_AS_BOUND = "assessment start date"
CHILD_SEEN = "date the child was seen"
SUBMITTED = "date the assessment was submitted"
AUTHORISED = "date of authorisation"
RETURNED = "date the assessment was returned"
HELD = "date of the strategy discussion"
S47_STARTED = "date the section 47 enquiry started"
S47_STARTED_AS_BOUND = "start of the section 47 enquiry"
CONCLUDED = "date the enquiry concluded"
CONFERENCE = "date of the conference"


class Unset:
    """A marker for 'leave this field as it is' in partial updates."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


# --- Reading helpers (no personal data: these take records the caller already holds) ----------------------
def open_assessment_for(case: Case) -> Assessment | None:
    """The case's assessment that is not yet authorised, if there is one."""
    return case.assessments.filter(status__in=OPEN_ASSESSMENT_STATUSES).first()


def open_episode_of(case: Case) -> CINEpisode | None:
    """The case's open children in need episode, if there is one (read once per page view)."""
    return memo.remembered(
        "open_episode",
        case.pk,
        lambda: case.cin_episodes.filter(closed_on__isnull=True).order_by("-referral_date").first(),
    )


def s47_open_q() -> Any:
    """A Q for enquiries still open: not concluded, or concluded to a conference that has not been held."""
    from django.db.models import Q

    return Q(concluded_on__isnull=True) | Q(outcome=S47Enquiry.Outcome.ICPC, icpc_on__isnull=True)


def open_s47_for(episode: CINEpisode) -> S47Enquiry | None:
    """The episode's open section 47 enquiry, if there is one."""
    return episode.s47_enquiries.filter(s47_open_q()).first()


def assessment_in_time(assessment: Assessment, policy: Any = None) -> bool | None:
    """A single assessment is in time when authorised within 45 working days of its start (the CIN census
    measure: start date to AssessmentAuthorisationDate). None while not authorised."""
    if assessment.authorised_on is None:
        return None
    policy = policy or casework_policy()
    days = (
        policy.single_assessment_days
        if assessment.kind == Assessment.Kind.SINGLE
        else policy.family_support_assessment_days
    )
    return calendar.within_working_days(assessment.started_on, assessment.authorised_on, days)


def icpc_in_time(enquiry: S47Enquiry, policy: Any = None) -> bool | None:
    """The initial conference is in time when held within 15 working days of the strategy discussion."""
    if enquiry.icpc_on is None:
        return None
    policy = policy or casework_policy()
    return calendar.within_working_days(enquiry.started_on, enquiry.icpc_on, policy.icpc_days)


@dataclass(frozen=True)
class NextStep:
    """What happens after an authorised assessment or a conference, for the page to link to."""

    label: str
    url_name: str
    query: str = ""


def next_steps(assessment: Assessment) -> list[NextStep]:
    """The steps an authorised assessment's outcome leads to (carried out by the plans and cases pages)."""
    if assessment.status != Assessment.Status.AUTHORISED:
        return []
    outcome = assessment.outcome
    if outcome == Assessment.Outcome.PLAN:
        if assessment.kind == Assessment.Kind.SINGLE:
            return [NextStep("Start the child in need plan", "casework:plan_start", "?kind=cin")]
        return [NextStep("Start the family support plan", "casework:plan_start", "?kind=family_support")]
    if outcome == Assessment.Outcome.STRATEGY:
        return [NextStep("Record the strategy discussion", "casework:strategy_discussion_add")]
    if outcome == Assessment.Outcome.STEP_DOWN:
        return [NextStep("Step the case down", "casework:step_down")]
    if outcome == Assessment.Outcome.CLOSE:
        return [NextStep("Close the case", "casework:close")]
    if outcome == Assessment.Outcome.STEP_UP:
        return [NextStep("Step the case up to children's social care", "casework:step_up")]
    return []


# --- Internal ----------------------------------------------------------------------------------------
def _long(day: date) -> str:
    """A date as GOV.UK writes it: 6 May 2025."""
    return f"{day.day} {day:%B %Y}"


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("case", "case__person", "cin_episode", "person")
        .get(pk=assessment.pk)
    )


def _locked_enquiry(enquiry: S47Enquiry) -> S47Enquiry:
    return (
        S47Enquiry.objects.select_for_update(of=("self",))
        .select_related("case", "case__person", "strategy_discussion", "person")
        .get(pk=enquiry.pk)
    )


def _check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the record it edits. Reload and try again.")
    if obj.version != expected_version:
        raise ConcurrentEditError()


def _bump(obj: Any, actor: Any, fields: list[str]) -> None:
    """Save the fields of a row already locked and version-checked in this transaction."""
    save_versioned(obj, actor=actor, expected_version=obj.version, fields=fields)


def _require_work(actor: Any, case: Case) -> None:
    require(
        has_verb(actor, roles.WORK_CASE) and can_work_case(actor, case),
        "You cannot work on this case: it is closed or outside your caseload scope.",
    )


def _require_open_case(case: Case, field: str = "__all__") -> None:
    if case.closed_on is not None or case.status == Case.Status.CLOSED:
        raise DomainError(f"Case {case.reference} is closed", field=field)
    if case.status == Case.Status.AWAITING_ALLOCATION:
        raise DomainError(
            f"Case {case.reference} is waiting in the duty bank: allocate it to a worker first", field=field
        )


def _clean_factors(factors: Any) -> tuple[list[str], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(factors, list | tuple | set):
        return [], {"factors": ["Choose factors from the list"]}
    codes = sorted({str(f).strip().upper() for f in factors if str(f).strip()})
    unknown = [c for c in codes if c not in FACTOR_CODES]
    if unknown:
        errors["factors"] = [f"Choose factors from the list (not {', '.join(unknown)})"]
    elif NO_FACTORS in codes and len(codes) > 1:
        errors["factors"] = ["Choose 'No factors identified' on its own, or choose the factors identified"]
    return codes, errors


def _opening_bound(case: Case, episode: CINEpisode | None) -> tuple[str, date]:
    """The date an assessment on this case cannot precede: the case's opening or the CIN referral date."""
    if episode is not None and episode.referral_date >= case.opened_on:
        return "referral date", episode.referral_date
    return "date the case opened", case.opened_on


def last_returned_on(assessment: Assessment) -> date | None:
    """The effective date the assessment was last returned to the worker (from its chronology), if ever."""
    return (
        ChronologyEvent.objects.filter(
            kind="casework.assessment_returned",
            subject_type=Assessment._meta.label_lower,
            subject_id=str(assessment.pk),
        )
        .order_by("-occurred_on")
        .values_list("occurred_on", flat=True)
        .first()
    )


def _outcome_errors(
    assessment: Assessment, outcome: str, step_down_to: int | None, closure_reason: str
) -> dict[str, list[str]]:
    """Is this outcome allowed for this kind of assessment, with what it needs? (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if not outcome:
        return {"outcome": ["Choose the outcome of the assessment"]}
    if outcome not in Assessment.Outcome.values:
        return {"outcome": ["Choose an outcome from the list"]}
    if outcome not in OUTCOMES_FOR_KIND[assessment.kind]:
        if outcome == Assessment.Outcome.STRATEGY:
            message = "A strategy discussion follows a single assessment (level 4): step the case up first"
        elif outcome == Assessment.Outcome.STEP_UP:
            message = "A single assessment is already at level 4: choose another outcome"
        else:
            message = "Choose an outcome from the list"
        return {"outcome": [message]}
    if outcome == Assessment.Outcome.STEP_DOWN:
        allowed = STEP_DOWN_LEVELS[assessment.kind]
        if step_down_to is None:
            errors["step_down_to"] = ["Choose the level the case steps down to"]
        elif step_down_to not in allowed:
            errors["step_down_to"] = [f"A step down goes to level {', '.join(str(v) for v in sorted(allowed))}"]
    if closure_reason and closure_reason not in ReasonForClosure.values:
        errors["closure_reason"] = ["Choose a closure reason from the CIN census list"]
    return errors


def _normalise_outcome(assessment: Assessment) -> None:
    """Fill the CIN closure reason's defaults and drop values the outcome does not use."""
    if assessment.outcome != Assessment.Outcome.STEP_DOWN:
        assessment.step_down_to = None
    if assessment.kind != Assessment.Kind.SINGLE or assessment.outcome not in (
        Assessment.Outcome.CLOSE,
        Assessment.Outcome.STEP_DOWN,
    ):
        assessment.closure_reason = ""
    elif not assessment.closure_reason:
        assessment.closure_reason = (
            DEFAULT_CLOSE_REASON if assessment.outcome == Assessment.Outcome.CLOSE else DEFAULT_STEP_DOWN_REASON
        )


# --- Assessments -------------------------------------------------------------------------------------
@transaction.atomic
def assessment_start(
    *, actor: Any, case: Case, kind: str, started_on: date | None = None, late_reason: str = ""
) -> Assessment:
    """Start a family support assessment (level 3) or a single assessment (level 4, in the open CIN episode).

    `started_on` is the day it started (today when not given); not before the case's opening or the referral.
    """
    case = _locked_case(case)
    _require_work(actor, case)
    _require_open_case(case)
    if kind not in Assessment.Kind.values:
        raise DomainError("Choose the kind of assessment", field="kind")
    episode = None
    if kind == Assessment.Kind.SINGLE:
        if case.level != Case.Level.STATUTORY:
            raise DomainError(
                "A single assessment is for a level 4 case: step the case up first, or start a family support "
                "assessment",
                field="kind",
            )
        episode = open_episode_of(case)
        if episode is None:
            raise DomainError(
                "A single assessment needs an open children in need episode, and this case has none", field="kind"
            )
    elif case.level != Case.Level.TARGETED:
        raise DomainError(
            "A family support assessment is for a level 3 case: on a level 4 case start a single assessment",
            field="kind",
        )
    current = open_assessment_for(case)
    if current is not None:
        raise DomainError(
            f"This case already has an assessment that is not yet authorised (started "
            f"{_long(current.started_on)}): finish that one first",
            field="kind",
        )
    day, _ = resolve_date(started_on)
    errors = check_effective_date(
        day,
        field="started_on",
        label=STARTED,
        person=case.person,
        after=[_opening_bound(case, episode)],
        late_reason=late_reason,
    )
    raise_if(errors)
    policy = casework_policy()
    assessment = Assessment.objects.create(
        case=case,
        cin_episode=episode,
        person=case.person,
        kind=kind,
        started_on=day,
        due_on=clocks.assessment_due(kind, day, policy),
        created_by=actor,
        modified_by=actor,
    )
    chronology_record(
        actor=actor,
        kind="casework.assessment_started",
        summary=f"{assessment.get_kind_display()} started on case {case.reference}, due {_long(assessment.due_on)}",
        occurred_on=day,
        person=case.person,
        subject=assessment,
        late_reason=(late_reason or "").strip(),
    )
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int | None,
    started_on: Any = UNSET,
    factors: Any = UNSET,
    child_seen_on: Any = UNSET,
    analysis: Any = UNSET,
    outcome: Any = UNSET,
    step_down_to: Any = UNSET,
    closure_reason: Any = UNSET,
    late_reason: str = "",
) -> Assessment:
    """Save the worker's progress: factors, the date the child was seen, the analysis, the proposed outcome.

    A changed start date or child-seen date is checked against the steps on either side (the start against the
    case's opening and the child-seen date; the child-seen date against the start), asks for a late reason
    when old, and is recorded in the chronology with its effective date. A date sent unchanged is left alone.
    """
    assessment = _locked_assessment(assessment)
    _require_work(actor, assessment.case)
    _check_version(assessment, expected_version)
    if assessment.status != Assessment.Status.IN_PROGRESS:
        raise DomainError(
            "This assessment is waiting for authorisation or authorised: it can no longer be changed"
            if assessment.status == Assessment.Status.SUBMITTED
            else "This assessment is authorised: it can no longer be changed"
        )
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    old_start, old_seen = assessment.started_on, assessment.child_seen_on
    new_start = old_start if started_on is UNSET or started_on == old_start else started_on
    new_seen = old_seen if child_seen_on is UNSET else child_seen_on
    start_moved = new_start != old_start
    seen_moved = new_seen != old_seen
    if start_moved:
        if new_start is None:
            errors["started_on"] = ["Enter the start date"]
        else:
            merge_errors(
                errors,
                check_effective_date(
                    new_start,
                    field="started_on",
                    label=STARTED,
                    person=assessment.person,
                    after=[_opening_bound(assessment.case, assessment.cin_episode)],
                    before=[(CHILD_SEEN, new_seen)],
                    late_reason=late_reason,
                ),
                distinct=True,
            )
        assessment.started_on = new_start
        changed.append("started_on")
        if new_start is not None:
            assessment.due_on = clocks.assessment_due(assessment.kind, new_start, casework_policy())
            changed.append("due_on")
    if seen_moved and new_seen is not None:
        merge_errors(
            errors,
            check_effective_date(
                new_seen,
                field="child_seen_on",
                label=CHILD_SEEN,
                person=assessment.person,
                after=[(STARTED_AS_BOUND, new_start)] if "started_on" not in errors else [],
                late_reason=late_reason,
            ),
            distinct=True,
        )
    if child_seen_on is not UNSET:
        assessment.child_seen_on = new_seen
        changed.append("child_seen_on")
    if factors is not UNSET:
        codes, factor_errors = _clean_factors(factors or [])
        errors.update(factor_errors)
        assessment.factors = codes
        changed.append("factors")
    if analysis is not UNSET:
        text = (analysis or "").strip()
        if len(text) > 50000:
            errors["analysis"] = ["The analysis must be 50,000 characters or fewer"]
        assessment.analysis = text
        changed.append("analysis")
    if outcome is not UNSET:
        assessment.outcome = outcome or ""
        changed.append("outcome")
    if step_down_to is not UNSET:
        assessment.step_down_to = step_down_to
        changed.append("step_down_to")
    if closure_reason is not UNSET:
        assessment.closure_reason = closure_reason or ""
        changed.append("closure_reason")
    if assessment.outcome:
        errors.update(
            _outcome_errors(assessment, assessment.outcome, assessment.step_down_to, assessment.closure_reason)
        )
    raise_if(errors)
    if assessment.outcome:
        _normalise_outcome(assessment)
    _bump(assessment, actor, [*changed, "step_down_to", "closure_reason"])
    reason = (late_reason or "").strip()
    if start_moved:
        chronology_record(
            actor=actor,
            kind="casework.assessment_start_changed",
            summary=f"{assessment.get_kind_display()} start date corrected to {_long(new_start)} "
            f"(was {_long(old_start)}), now due {_long(assessment.due_on)}",
            occurred_on=new_start,
            person=assessment.person,
            subject=assessment,
            late_reason=reason,
        )
    if seen_moved and new_seen is not None:
        summary = f"Child seen for the {assessment.get_kind_display().lower()}"
        if old_seen is not None:
            summary += f" (date corrected: was {_long(old_seen)})"
        chronology_record(
            actor=actor,
            kind="casework.assessment_child_seen",
            summary=summary,
            occurred_on=new_seen,
            person=assessment.person,
            subject=assessment,
            late_reason=reason,
        )
    return assessment


@transaction.atomic
def assessment_submit(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int | None,
    completed_on: date | None = None,
    late_reason: str = "",
) -> Assessment:
    """The worker sends the finished assessment to a manager for authorisation.

    `completed_on` is the day it was submitted (today when not given): on or after the start, the date the
    child was seen and the date a manager last returned it.
    """
    assessment = _locked_assessment(assessment)
    _require_work(actor, assessment.case)
    _check_version(assessment, expected_version)
    if assessment.status != Assessment.Status.IN_PROGRESS:
        raise DomainError("This assessment has already been submitted")
    errors: dict[str, list[str]] = {}
    if assessment.kind == Assessment.Kind.SINGLE and assessment.child_seen_on is None:
        errors["child_seen_on"] = ["Enter the date the child was seen: a single assessment needs it"]
    if not assessment.factors:
        errors["factors"] = ["Choose the factors identified, or 'No factors identified'"]
    if not assessment.analysis.strip():
        errors["analysis"] = ["Enter the analysis"]
    errors.update(_outcome_errors(assessment, assessment.outcome, assessment.step_down_to, assessment.closure_reason))
    day, _ = resolve_date(completed_on)
    merge_errors(
        errors,
        check_effective_date(
            day,
            field="completed_on",
            label=SUBMITTED,
            person=assessment.person,
            after=[
                (STARTED_AS_BOUND, assessment.started_on),
                (CHILD_SEEN, assessment.child_seen_on),
                (RETURNED, last_returned_on(assessment)),
            ],
            late_reason=late_reason,
        ),
        distinct=True,
    )
    raise_if(errors)
    _normalise_outcome(assessment)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.completed_on = day
    assessment.submitted_by = actor
    _bump(assessment, actor, ["status", "completed_on", "submitted_by", "step_down_to", "closure_reason"])
    chronology_record(
        actor=actor,
        kind="casework.assessment_submitted",
        summary=f"{assessment.get_kind_display()} submitted for authorisation: "
        f"{assessment.get_outcome_display().lower()}",
        occurred_on=day,
        person=assessment.person,
        subject=assessment,
        late_reason=(late_reason or "").strip(),
    )
    return assessment


def _require_manager(actor: Any, assessment: Assessment, verb: str) -> None:
    require(
        has_verb(actor, roles.AUTHORISE_CASEWORK) and can_authorise_casework(actor, assessment.case),
        f"Only a manager with this case in scope can {verb} an assessment.",
    )


@transaction.atomic
def assessment_authorise(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int | None,
    comment: str = "",
    authorised_on: date | None = None,
    late_reason: str = "",
) -> Assessment:
    """A manager authorises the assessment. `authorised_on` (today when not given) is the CIN census
    AssessmentAuthorisationDate and ends the timeliness count; it is on or after the submission."""
    assessment = _locked_assessment(assessment)
    _require_manager(actor, assessment, "authorise")
    _check_version(assessment, expected_version)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise DomainError(
            "This assessment is already authorised"
            if assessment.status == Assessment.Status.AUTHORISED
            else "This assessment has not been submitted for authorisation"
        )
    if assessment.submitted_by_id == actor.pk and not casework_policy().allow_self_authorisation:
        raise ForbiddenError("You submitted this assessment: another manager must authorise it.")
    day, _ = resolve_date(authorised_on)
    errors = check_effective_date(
        day,
        field="authorised_on",
        label=AUTHORISED,
        person=assessment.person,
        after=[(SUBMITTED, assessment.completed_on), (CHILD_SEEN, assessment.child_seen_on)],
        late_reason=late_reason,
    )
    raise_if(errors)
    assessment.status = Assessment.Status.AUTHORISED
    assessment.authorised_on = day
    assessment.authorised_by = actor
    assessment.return_comment = ""
    _bump(assessment, actor, ["status", "authorised_on", "authorised_by", "return_comment"])
    in_time = assessment_in_time(assessment)
    summary = (
        f"{assessment.get_kind_display()} authorised ({'in' if in_time else 'out of'} timescale): "
        f"{assessment.get_outcome_display().lower()}"
    )
    if (comment or "").strip():
        summary += f". Manager's comment: {comment.strip()[:2000]}"
    chronology_record(
        actor=actor,
        kind="casework.assessment_authorised",
        summary=summary,
        occurred_on=day,
        person=assessment.person,
        subject=assessment,
        late_reason=(late_reason or "").strip(),
    )
    return assessment


@transaction.atomic
def assessment_return(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str,
    expected_version: int | None = None,
    returned_on: date | None = None,
    late_reason: str = "",
) -> Assessment:
    """A manager sends a submitted assessment back to the worker, saying what it needs.

    `returned_on` (today when not given) is on or after the submission; the chronology event carries it, and a
    resubmission cannot be dated before it.
    """
    assessment = _locked_assessment(assessment)
    _require_manager(actor, assessment, "return")
    if expected_version is not None:
        _check_version(assessment, expected_version)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise DomainError("Only an assessment waiting for authorisation can be returned")
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if not comment:
        errors["comment"] = ["Say what the assessment needs before it can be authorised"]
    elif len(comment) > 5000:
        errors["comment"] = ["The comment must be 5,000 characters or fewer"]
    day, _ = resolve_date(returned_on)
    merge_errors(
        errors,
        check_effective_date(
            day,
            field="returned_on",
            label=RETURNED,
            person=assessment.person,
            after=[(SUBMITTED, assessment.completed_on)],
            late_reason=late_reason,
        ),
        distinct=True,
    )
    raise_if(errors)
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.completed_on = None
    assessment.return_comment = comment
    _bump(assessment, actor, ["status", "completed_on", "return_comment"])
    chronology_record(
        actor=actor,
        kind="casework.assessment_returned",
        summary=f"{assessment.get_kind_display()} returned to the worker: {comment[:2000]}",
        occurred_on=day,
        person=assessment.person,
        subject=assessment,
        late_reason=(late_reason or "").strip(),
    )
    return assessment


# --- Strategy discussions, section 47 enquiries, initial conferences ---------------------------------------
def _clean_agencies(agencies: Any) -> tuple[list[str], dict[str, list[str]]]:
    if not isinstance(agencies, list | tuple | set):
        return [], {"agencies": ["Choose the agencies that took part"]}
    known = {a.lower(): a for a in AGENCIES}
    names = [str(a).strip() for a in agencies if str(a).strip()]
    unknown = [n for n in names if n.lower() not in known]
    if unknown:
        return [], {"agencies": [f"Choose agencies from the list (not {', '.join(unknown)})"]}
    chosen = {known[n.lower()] for n in names}
    if POLICE not in chosen:
        return [], {"agencies": ["A strategy discussion must include the police"]}
    return [a for a in AGENCIES if a in chosen], {}


@transaction.atomic
def strategy_discussion_record(
    *,
    actor: Any,
    case: Case,
    held_on: date | None = None,
    agencies: Any,
    decision: str,
    notes: str = "",
    s47_started_on: date | None = None,
    late_reason: str = "",
) -> StrategyDiscussion:
    """Record a strategy discussion; the decision to start a section 47 enquiry starts it (and its ICPC clock).

    `held_on` is the day of the discussion (today when not given), not before the referral; the enquiry starts
    on `s47_started_on` (the day of the discussion when not given), not before the discussion.
    """
    case = _locked_case(case)
    _require_work(actor, case)
    _require_open_case(case)
    if case.level != Case.Level.STATUTORY:
        raise DomainError(
            "A strategy discussion is for a level 4 case with a children in need episode: step the case up first"
        )
    episode = open_episode_of(case)
    if episode is None:
        raise DomainError("A strategy discussion needs an open children in need episode, and this case has none")
    held, _ = resolve_date(held_on)
    errors = check_effective_date(
        held,
        field="held_on",
        label=HELD,
        person=case.person,
        after=[_opening_bound(case, episode)],
        late_reason=late_reason,
    )
    s47_day = held if s47_started_on is None else resolve_date(s47_started_on)[0]
    if decision == StrategyDiscussion.Decision.S47 and s47_started_on is not None and "held_on" not in errors:
        merge_errors(
            errors,
            check_effective_date(
                s47_day,
                field="s47_started_on",
                label=S47_STARTED,
                person=case.person,
                after=[(HELD, held)],
                late_reason=late_reason,
            ),
            distinct=True,
        )
    elif decision != StrategyDiscussion.Decision.S47 and s47_started_on is not None:
        errors["s47_started_on"] = ["Only a discussion that starts a section 47 enquiry has an enquiry start date"]
    chosen, agency_errors = _clean_agencies(agencies)
    errors.update(agency_errors)
    if decision not in StrategyDiscussion.Decision.values:
        errors["decision"] = ["Choose what the strategy discussion decided"]
    if len(notes or "") > 20000:
        errors["notes"] = ["The notes must be 20,000 characters or fewer"]
    if decision == StrategyDiscussion.Decision.S47:
        current = open_s47_for(episode)
        if current is not None:
            errors.setdefault("decision", []).append(
                f"A section 47 enquiry is already open in this episode (started {_long(current.started_on)}): "
                "conclude it first"
            )
    raise_if(errors)
    reason = (late_reason or "").strip()
    discussion = StrategyDiscussion.objects.create(
        case=case,
        cin_episode=episode,
        person=case.person,
        held_on=held,
        agencies=chosen,
        decision=decision,
        notes=(notes or "").strip(),
        created_by=actor,
        modified_by=actor,
    )
    chronology_record(
        actor=actor,
        kind="casework.strategy_discussion",
        summary=f"Strategy discussion ({', '.join(chosen)}): {discussion.get_decision_display().lower()}",
        occurred_on=held,
        person=case.person,
        subject=discussion,
        late_reason=reason,
    )
    if decision == StrategyDiscussion.Decision.S47:
        enquiry = S47Enquiry.objects.create(
            case=case,
            cin_episode=episode,
            person=case.person,
            strategy_discussion=discussion,
            started_on=s47_day,
            icpc_due_on=clocks.icpc_due(s47_day, casework_policy()),
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.s47_started",
            summary=f"Section 47 enquiry started; an initial conference would be due by {_long(enquiry.icpc_due_on)}",
            occurred_on=s47_day,
            person=case.person,
            subject=enquiry,
            late_reason=reason,
        )
    return discussion


@transaction.atomic
def s47_conclude(
    *,
    actor: Any,
    enquiry: S47Enquiry,
    outcome: str,
    concluded_on: date | None = None,
    child_seen_on: date | None,
    expected_version: int | None,
    notes: str = "",
    late_reason: str = "",
) -> S47Enquiry:
    """Conclude a section 47 enquiry: an initial conference, a child in need plan, or no further action.

    `concluded_on` (today when not given) and `child_seen_on` (required) are on or after the enquiry's start,
    and the child is seen on or before the conclusion.
    """
    enquiry = _locked_enquiry(enquiry)
    _require_work(actor, enquiry.case)
    _check_version(enquiry, expected_version)
    if enquiry.concluded_on is not None:
        raise DomainError("This section 47 enquiry is already concluded")
    errors: dict[str, list[str]] = {}
    if outcome not in S47Enquiry.Outcome.values:
        errors["outcome"] = ["Choose the outcome of the enquiry"]
    day, _ = resolve_date(concluded_on)
    started = (S47_STARTED_AS_BOUND, enquiry.started_on)
    merge_errors(
        errors,
        check_effective_date(
            day,
            field="concluded_on",
            label=CONCLUDED,
            person=enquiry.person,
            after=[started],
            late_reason=late_reason,
        ),
        distinct=True,
    )
    if child_seen_on is None:
        errors["child_seen_on"] = ["Enter the date the child was seen during the enquiry"]
    else:
        merge_errors(
            errors,
            check_effective_date(
                child_seen_on,
                field="child_seen_on",
                label=CHILD_SEEN,
                person=enquiry.person,
                after=[started],
                before=[] if "concluded_on" in errors else [(CONCLUDED, day)],
                late_reason=late_reason,
            ),
            distinct=True,
        )
    if len(notes or "") > 20000:
        errors["notes"] = ["The notes must be 20,000 characters or fewer"]
    raise_if(errors)
    enquiry.outcome = outcome
    enquiry.concluded_on = day
    enquiry.child_seen_on = child_seen_on
    if (notes or "").strip():
        enquiry.notes = notes.strip()
    _bump(enquiry, actor, ["outcome", "concluded_on", "child_seen_on", "notes"])
    assert child_seen_on is not None
    chronology_record(
        actor=actor,
        kind="casework.s47_concluded",
        summary=f"Section 47 enquiry concluded: {enquiry.get_outcome_display().lower()} "
        f"(child seen {_long(child_seen_on)})",
        occurred_on=day,
        person=enquiry.person,
        subject=enquiry,
        late_reason=(late_reason or "").strip(),
    )
    return enquiry


@transaction.atomic
def icpc_record(
    *,
    actor: Any,
    enquiry: S47Enquiry,
    icpc_on: date | None = None,
    icpc_outcome: str,
    expected_version: int | None,
    late_reason: str = "",
) -> S47Enquiry:
    """Record the initial child protection conference the enquiry concluded to hold, and its decision.

    `icpc_on` (today when not given) is on or after the enquiry's start and its conclusion, and not at a weekend.
    """
    enquiry = _locked_enquiry(enquiry)
    _require_work(actor, enquiry.case)
    _check_version(enquiry, expected_version)
    if enquiry.concluded_on is None or enquiry.outcome != S47Enquiry.Outcome.ICPC:
        raise DomainError("A conference is recorded only after the enquiry concluded that one should be held")
    if enquiry.icpc_on is not None:
        raise DomainError("The initial conference has already been recorded")
    day, _ = resolve_date(icpc_on)
    errors = check_effective_date(
        day,
        field="icpc_on",
        label=CONFERENCE,
        person=enquiry.person,
        after=[(S47_STARTED_AS_BOUND, enquiry.started_on), (CONCLUDED, enquiry.concluded_on)],
        late_reason=late_reason,
    )
    if not errors.get("icpc_on") and day.weekday() >= 5:
        # CIN census error 8875: conferences are not held at weekends (a CP plan would start on this date).
        errors["icpc_on"] = [f"{_long(day)} is a {day:%A}: enter the date the conference was held"]
    if icpc_outcome not in S47Enquiry.ConferenceOutcome.values:
        errors["icpc_outcome"] = ["Choose what the conference decided"]
    raise_if(errors)
    enquiry.icpc_on = day
    enquiry.icpc_outcome = icpc_outcome
    _bump(enquiry, actor, ["icpc_on", "icpc_outcome"])
    in_time = icpc_in_time(enquiry)
    chronology_record(
        actor=actor,
        kind="casework.icpc",
        summary=f"Initial child protection conference ({'in' if in_time else 'out of'} timescale): "
        f"{enquiry.get_icpc_outcome_display().lower()}",
        occurred_on=day,
        person=enquiry.person,
        subject=enquiry,
        late_reason=(late_reason or "").strip(),
    )
    return enquiry
