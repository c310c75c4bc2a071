"""Assessments, strategy discussions, section 47 enquiries and conferences: the services' rules, refusals
(which write nothing), chronology, and the statutory clocks with a frozen clock across bank holidays."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from familyhelp.casework.models import Assessment, Case, S47Enquiry, StrategyDiscussion
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import assessments as svc
from familyhelp.casework.tests.assessments_helpers import build_aw, events, make_case
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError

D = datetime.date
pytestmark = pytest.mark.django_db
START = D(2024, 12, 20)
LATE = "Written up after the Christmas break"  # issue 13: dates older than 7 days need a late reason


@pytest.fixture
def aw(world):
    return build_aw(world)


def _start(w, *, case=None, kind="single", on=START, actor=None):
    return svc.assessment_start(actor=actor or w.sw, case=case or w.l4, kind=kind, started_on=on, late_reason=LATE)


def _complete(w, a, *, actor=None, **overrides):
    values = {
        "factors": ["3B", "16A"],
        "child_seen_on": a.started_on,
        "analysis": "Zoë's mum's partner is violent; Zoë is frightened at home.",
        "outcome": "plan",
    }
    values.update(overrides)
    a = svc.assessment_update(actor=actor or w.sw, assessment=a, expected_version=a.version, late_reason=LATE, **values)
    return svc.assessment_submit(actor=actor or w.sw, assessment=a, expected_version=a.version)


def _nothing_written(before_events: int) -> None:
    assert ChronologyEvent.objects.count() == before_events


# --- Starting: clocks across bank holidays ------------------------------------------------------------------
@freeze_time("2024-12-20 10:00")
def test_single_assessment_started_on_20_december_2024_is_due_26_february_2025(aw):
    # Worked by hand: the start day (Fri 20 Dec 2024) is day 0; weekends and bank holidays do not count.
    #   Mon 23 Dec = 1, Tue 24 Dec = 2, [Wed 25 Dec Christmas Day, Thu 26 Dec Boxing Day], Fri 27 Dec = 3,
    #   Mon 30 Dec = 4, Tue 31 Dec = 5, [Wed 1 Jan New Year's Day], Thu 2 Jan = 6, Fri 3 Jan = 7,
    #   6-10 Jan = 8-12, 13-17 Jan = 13-17, 20-24 Jan = 18-22, 27-31 Jan = 23-27,
    #   3-7 Feb = 28-32, 10-14 Feb = 33-37, 17-21 Feb = 38-42, Mon 24 Feb = 43, Tue 25 Feb = 44, Wed 26 Feb = 45.
    # Good Friday and Easter Monday 2025 (18 and 21 April) are after the deadline, so not in range.
    # Without the three bank holidays it would have been Fri 21 Feb 2025.
    a = _start(aw)
    assert a.due_on == D(2025, 2, 26)
    assert a.due_on.weekday() == 2  # a Wednesday
    assert calendar.working_days_between(D(2024, 12, 20), D(2025, 2, 26)) == 45
    assert a.cin_episode == aw.episode
    assert a.status == Assessment.Status.IN_PROGRESS
    (event,) = events("casework.assessment_started")
    assert event.person == aw.own and event.occurred_on == D(2024, 12, 20)
    assert "26 February 2025" in event.summary


@freeze_time("2024-12-20 10:00")
def test_family_support_assessment_uses_the_policy_clock(aw):
    # Policy default 30 working days: counting as above, day 27 is Fri 31 Jan, then Mon 3 Feb = 28,
    # Tue 4 Feb = 29, Wed 5 Feb = 30.
    a = _start(aw, case=aw.l3, kind="family_support")
    assert a.due_on == D(2025, 2, 5)
    assert a.cin_episode is None
    policy = casework_policy()
    policy.family_support_assessment_days = 20
    policy.save()
    assert _start(aw, case=make_case(aw, aw.team_child, level=3, worker=aw.sw), kind="family_support",
                  actor=aw.manager).due_on == calendar.add_working_days(D(2024, 12, 20), 20)  # fmt: skip


@freeze_time("2025-04-10 10:00")
def test_icpc_clock_across_easter_2025(aw):
    # docs/domain/working-days.md worked example: strategy discussion Thu 10 Apr 2025; Good Friday 18 Apr,
    # Easter Monday 21 Apr and the early May bank holiday (Mon 5 May) are skipped: day 15 is Tue 6 May 2025.
    discussion = svc.strategy_discussion_record(
        actor=aw.sw, case=aw.l4, held_on=D(2025, 4, 10), agencies=["Police", "Health"], decision="s47"
    )
    enquiry = discussion.s47_enquiry
    assert enquiry.started_on == D(2025, 4, 10)
    assert enquiry.icpc_due_on == D(2025, 5, 6)
    assert sorted(ChronologyEvent.objects.values_list("kind", flat=True)) == [
        "casework.s47_started",
        "casework.strategy_discussion",
    ]
    with freeze_time("2025-05-06 10:00"):
        enquiry = svc.s47_conclude(actor=aw.sw, enquiry=enquiry, outcome="icpc", concluded_on=D(2025, 4, 25),
                                   child_seen_on=D(2025, 4, 11), expected_version=1, late_reason=LATE)  # fmt: skip
        enquiry = svc.icpc_record(
            actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 5, 6), icpc_outcome="cp_plan", expected_version=2
        )
    assert svc.icpc_in_time(enquiry) is True
    enquiry.icpc_on = D(2025, 5, 7)
    assert svc.icpc_in_time(enquiry) is False
    (event,) = events("casework.icpc")
    assert "(in timescale)" in event.summary and event.occurred_on == D(2025, 5, 6)


# --- Starting: refusals -------------------------------------------------------------------------------
@freeze_time("2024-12-20 10:00")
@pytest.mark.parametrize(
    ("setup", "field", "message"),
    [
        (lambda w: {"case": w.l3, "kind": "single"}, "kind", "single assessment is for a level 4 case"),
        (lambda w: {"case": w.l4, "kind": "family_support"}, "kind", "family support assessment is for a level 3"),
        (lambda w: {"on": D(2024, 12, 21)}, "started_on", "today or in the past"),
        (lambda w: {"on": D(2024, 12, 1)}, "started_on", "on or after the referral date"),
        (lambda w: {"kind": "other"}, "kind", "Choose the kind"),
    ],
)
def test_start_refusals_write_nothing(aw, setup, field, message):
    before = ChronologyEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        _start(aw, **setup(aw))
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert Assessment.objects.count() == 0
    _nothing_written(before)


@freeze_time("2024-12-20 10:00")
def test_single_assessment_needs_an_open_cin_episode(aw):
    case = make_case(aw, aw.team_child, level=4, worker=aw.sw, episode=False)
    with pytest.raises(DomainError, match="needs an open children in need episode"):
        _start(aw, case=case)
    assert not Assessment.objects.exists()


@freeze_time("2024-12-20 10:00")
def test_one_unauthorised_assessment_per_case(aw):
    _start(aw)
    with pytest.raises(DomainError, match="already has an assessment that is not yet authorised"):
        _start(aw, on=D(2024, 12, 19))
    assert Assessment.objects.count() == 1


@freeze_time("2024-12-20 10:00")
def test_no_assessment_on_a_case_in_the_duty_bank_or_out_of_scope(aw):
    duty = make_case(aw, aw.team_child, level=3, worker=None, status=Case.Status.AWAITING_ALLOCATION)
    with pytest.raises(DomainError, match="duty bank"):
        _start(aw, case=duty, kind="family_support")
    with pytest.raises(ForbiddenError):
        _start(aw, actor=aw.cp_worker)  # another team's social worker: Zoë is not in their scope
    with pytest.raises(ForbiddenError):
        _start(aw, actor=aw.specialist)  # can view cases, cannot work them
    assert not Assessment.objects.exists()


# --- Recording and submitting ---------------------------------------------------------------------------
@freeze_time("2024-12-30 10:00")
def test_update_validates_factors_and_child_seen(aw):
    a = _start(aw)
    with pytest.raises(DomainError) as exc:
        svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, factors=["3B", "99Z"],
                              child_seen_on=D(2024, 12, 19))  # fmt: skip
    assert "99Z" in exc.value.errors["factors"][0]
    assert "on or after the assessment start date (20 December 2024)" in exc.value.errors["child_seen_on"][0]
    with pytest.raises(DomainError, match="No factors identified"):
        svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, factors=["21", "3B"])
    with pytest.raises(DomainError, match="today or in the past"):
        svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, child_seen_on=D(2024, 12, 31))
    a.refresh_from_db()
    assert (a.factors, a.child_seen_on, a.version) == ([], None, 1)
    a = svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, factors=["16a", "3B", "3B"],
                              child_seen_on=D(2024, 12, 23), analysis="  Neglect and domestic abuse.  ",
                              late_reason=LATE)  # fmt: skip
    a.refresh_from_db()
    assert (a.factors, a.child_seen_on, a.analysis, a.version) == (
        ["16A", "3B"], D(2024, 12, 23), "Neglect and domestic abuse.", 2
    )  # fmt: skip


@freeze_time("2024-12-30 10:00")
def test_a_stale_version_is_refused(aw):
    a = _start(aw)
    svc.assessment_update(actor=aw.sw, assessment=a, expected_version=1, analysis="First draft")
    with pytest.raises(ConcurrentEditError):
        svc.assessment_update(actor=aw.manager, assessment=a, expected_version=1, analysis="Overwrites it")
    a.refresh_from_db()
    assert a.analysis == "First draft" and a.version == 2


@freeze_time("2024-12-30 10:00")
def test_submit_needs_child_seen_factors_analysis_and_outcome(aw):
    a = _start(aw)
    before = ChronologyEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=1)
    assert set(exc.value.errors) == {"child_seen_on", "factors", "analysis", "outcome"}
    a.refresh_from_db()
    assert a.status == Assessment.Status.IN_PROGRESS and a.completed_on is None
    _nothing_written(before)


@freeze_time("2024-12-30 10:00")
def test_family_support_assessment_does_not_need_the_child_seen_date(aw):
    a = _start(aw, case=aw.l3, kind="family_support")
    a = _complete(aw, a, child_seen_on=None, factors=["21"], outcome="step_up")
    assert a.status == Assessment.Status.SUBMITTED and a.outcome == "step_up" and a.closure_reason == ""


@freeze_time("2024-12-30 10:00")
@pytest.mark.parametrize(
    ("kind", "overrides", "field", "message"),
    [
        ("family_support", {"outcome": "strategy"}, "outcome", "step the case up first"),
        ("single", {"outcome": "step_up"}, "outcome", "already at level 4"),
        ("single", {"outcome": "step_down"}, "step_down_to", "Choose the level"),
        ("single", {"outcome": "step_down", "step_down_to": 4}, "step_down_to", "level 1, 2, 3"),
        ("family_support", {"outcome": "step_down", "step_down_to": 3}, "step_down_to", "level 1, 2"),
        ("single", {"outcome": "close", "closure_reason": "RC99"}, "closure_reason", "CIN census list"),
    ],
)
def test_outcome_rules(aw, kind, overrides, field, message):
    a = _start(aw, case=aw.l4 if kind == "single" else aw.l3, kind=kind)
    with pytest.raises(DomainError) as exc:
        _complete(aw, a, **overrides)
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    a.refresh_from_db()
    assert a.status == Assessment.Status.IN_PROGRESS and a.version == 1


@freeze_time("2024-12-30 10:00")
def test_closing_a_single_assessment_defaults_to_rc8_and_step_down_records_the_level(aw):
    a = _complete(aw, _start(aw), outcome="close")
    assert (a.closure_reason, a.status, a.completed_on, a.submitted_by) == (
        "RC8", Assessment.Status.SUBMITTED, D(2024, 12, 30), aw.sw
    )  # fmt: skip
    (event,) = events("casework.assessment_submitted")
    assert "no further action" in event.summary.lower()
    b = _complete(aw, _start(aw, case=aw.l3, kind="family_support"), outcome="step_down", step_down_to=2,
                  closure_reason="RC8")  # fmt: skip
    assert (b.step_down_to, b.closure_reason) == (2, "")  # no CIN episode at level 3: no census reason


@freeze_time("2024-12-30 10:00")
def test_a_submitted_assessment_cannot_be_changed(aw):
    a = _complete(aw, _start(aw))
    with pytest.raises(DomainError, match="can no longer be changed"):
        svc.assessment_update(actor=aw.sw, assessment=a, expected_version=a.version, analysis="Later")
    with pytest.raises(DomainError, match="already been submitted"):
        svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version)


# --- Authorising and returning -------------------------------------------------------------------------
@freeze_time("2024-12-30 10:00")
def test_a_manager_authorises_and_the_census_date_is_recorded(aw):
    a = _complete(aw, _start(aw))
    with pytest.raises(ForbiddenError):
        svc.assessment_authorise(actor=aw.sw, assessment=a, expected_version=a.version)
    with pytest.raises(ConcurrentEditError):
        svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version - 1)
    a = svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version, comment="Good work")
    a.refresh_from_db()
    assert (a.status, a.authorised_on, a.authorised_by) == (Assessment.Status.AUTHORISED, D(2024, 12, 30), aw.manager)
    assert svc.assessment_in_time(a) is True
    (event,) = events("casework.assessment_authorised")
    assert "(in timescale)" in event.summary and "Good work" in event.summary
    with pytest.raises(DomainError, match="already authorised"):
        svc.assessment_authorise(actor=aw.manager2, assessment=a, expected_version=a.version)
    # Once authorised, the case can have its next assessment.
    assert _start(aw, on=D(2024, 12, 30)).status == Assessment.Status.IN_PROGRESS


@freeze_time("2024-12-30 10:00")
def test_no_authorising_your_own_work_unless_the_policy_allows_it(aw):
    a = _complete(aw, _start(aw), actor=aw.manager)
    with pytest.raises(ForbiddenError, match="another manager must authorise it"):
        svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version)
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED and a.authorised_on is None
    assert not events("casework.assessment_authorised")
    policy = casework_policy()
    policy.allow_self_authorisation = True
    policy.save()
    a = svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version)
    assert a.authorised_by == aw.manager


@freeze_time("2024-12-30 10:00")
def test_return_needs_a_comment_and_reopens_the_assessment(aw):
    a = _complete(aw, _start(aw))
    with pytest.raises(DomainError) as exc:
        svc.assessment_return(actor=aw.manager, assessment=a, comment="  ")
    assert "comment" in exc.value.errors
    with pytest.raises(ForbiddenError):
        svc.assessment_return(actor=aw.sw, assessment=a, comment="Mine")
    a = svc.assessment_return(actor=aw.manager, assessment=a, comment="Say what Zoë told you.")
    a.refresh_from_db()
    assert (a.status, a.completed_on, a.return_comment) == (
        Assessment.Status.IN_PROGRESS,
        None,
        "Say what Zoë told you.",
    )
    (event,) = events("casework.assessment_returned")
    assert "Say what Zoë told you." in event.summary
    a = svc.assessment_submit(actor=aw.sw, assessment=a, expected_version=a.version)
    assert a.status == Assessment.Status.SUBMITTED


@pytest.mark.parametrize(("authorised_on", "in_time"), [(D(2025, 2, 26), True), (D(2025, 2, 27), False)])
def test_timeliness_uses_the_authorisation_date(aw, authorised_on, in_time):
    with freeze_time("2024-12-20 10:00"):
        a = _complete(aw, _start(aw))
    with freeze_time(f"{authorised_on.isoformat()} 10:00"):
        a = svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version)
    assert svc.assessment_in_time(a) is in_time


# --- Strategy discussions and section 47 enquiries ------------------------------------------------------
@freeze_time("2025-01-06 10:00")
def test_strategy_discussion_refusals_write_nothing(aw):
    before = ChronologyEvent.objects.count()
    with pytest.raises(DomainError, match="step the case up first"):
        svc.strategy_discussion_record(actor=aw.sw, case=aw.l3, held_on=D(2025, 1, 6), agencies=["Police"],
                                       decision="s47")  # fmt: skip
    no_episode = make_case(aw, aw.team_child, level=4, worker=aw.sw, episode=False)
    with pytest.raises(DomainError, match="needs an open children in need episode"):
        svc.strategy_discussion_record(actor=aw.sw, case=no_episode, held_on=D(2025, 1, 6), agencies=["Police"],
                                       decision="s47")  # fmt: skip
    with pytest.raises(DomainError) as exc:
        svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 7), agencies=["Health", "Zoo"],
                                       decision="maybe")  # fmt: skip
    assert set(exc.value.errors) == {"held_on", "agencies", "decision"}
    with pytest.raises(DomainError, match="must include the police"):
        svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 6), agencies=["Health"],
                                       decision="nfa")  # fmt: skip
    with pytest.raises(ForbiddenError):
        svc.strategy_discussion_record(actor=aw.cp_worker, case=aw.l4, held_on=D(2025, 1, 6), agencies=["Police"],
                                       decision="s47")  # fmt: skip
    assert not StrategyDiscussion.objects.exists() and not S47Enquiry.objects.exists()
    _nothing_written(before)


@freeze_time("2025-01-06 10:00")
def test_one_open_s47_enquiry_per_episode(aw):
    first = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 6),
                                           agencies=["police", "Children's social care"], decision="s47")  # fmt: skip
    assert first.agencies == ["Children's social care", "Police"]
    with pytest.raises(DomainError, match="already open in this episode"):
        svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 6), agencies=["Police"],
                                       decision="s47")  # fmt: skip
    assert StrategyDiscussion.objects.count() == 1
    # A discussion that decides no enquiry is fine meanwhile.
    nfa = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 6), agencies=["Police"],
                                         decision="nfa")  # fmt: skip
    assert not S47Enquiry.objects.filter(strategy_discussion=nfa).exists()
    # Concluded to a conference: still open until the conference is held.
    enquiry = svc.s47_conclude(actor=aw.sw, enquiry=first.s47_enquiry, outcome="icpc", concluded_on=D(2025, 1, 6),
                               child_seen_on=D(2025, 1, 6), expected_version=1)  # fmt: skip
    assert svc.open_s47_for(aw.episode) == enquiry
    svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 6), icpc_outcome="cin_plan",
                    expected_version=enquiry.version)  # fmt: skip
    assert svc.open_s47_for(aw.episode) is None
    second = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 6), agencies=["Police"],
                                            decision="s47")  # fmt: skip
    assert second.s47_enquiry.icpc_due_on == calendar.add_working_days(D(2025, 1, 6), 15)


@freeze_time("2025-01-20 10:00")
def test_s47_conclude_and_icpc_rules(aw):
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 8), agencies=["Police"],
                                                decision="s47", late_reason=LATE)  # fmt: skip
    enquiry = discussion.s47_enquiry
    with pytest.raises(DomainError, match="after the enquiry concluded"):
        svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 20), icpc_outcome="cp_plan",
                        expected_version=1)  # fmt: skip
    with pytest.raises(DomainError) as exc:
        svc.s47_conclude(actor=aw.sw, enquiry=enquiry, outcome="later", concluded_on=D(2025, 1, 7),
                         child_seen_on=None, expected_version=1)  # fmt: skip
    assert set(exc.value.errors) == {"outcome", "concluded_on", "child_seen_on"}
    with pytest.raises(DomainError, match="on or before the date the enquiry concluded"):
        svc.s47_conclude(actor=aw.sw, enquiry=enquiry, outcome="icpc", concluded_on=D(2025, 1, 10),
                         child_seen_on=D(2025, 1, 13), expected_version=1, late_reason=LATE)  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.concluded_on is None and enquiry.version == 1
    enquiry = svc.s47_conclude(actor=aw.sw, enquiry=enquiry, outcome="nfa", concluded_on=D(2025, 1, 10),
                               child_seen_on=D(2025, 1, 9), expected_version=1, late_reason=LATE)  # fmt: skip
    (event,) = events("casework.s47_concluded")
    assert event.occurred_on == D(2025, 1, 10)
    with pytest.raises(DomainError, match="already concluded"):
        svc.s47_conclude(actor=aw.sw, enquiry=enquiry, outcome="icpc", concluded_on=D(2025, 1, 10),
                         child_seen_on=D(2025, 1, 9), expected_version=2, late_reason=LATE)  # fmt: skip
    with pytest.raises(DomainError, match="after the enquiry concluded that one should be held"):
        svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 20), icpc_outcome="cp_plan",
                        expected_version=2)  # fmt: skip
    assert not events("casework.icpc")


@freeze_time("2025-02-10 10:00")
def test_icpc_not_before_the_strategy_discussion_and_only_once(aw):
    discussion = svc.strategy_discussion_record(actor=aw.sw, case=aw.l4, held_on=D(2025, 1, 8), agencies=["Police"],
                                                decision="s47", late_reason=LATE)  # fmt: skip
    enquiry = svc.s47_conclude(actor=aw.sw, enquiry=discussion.s47_enquiry, outcome="icpc",
                               concluded_on=D(2025, 1, 20), child_seen_on=D(2025, 1, 9),
                               expected_version=1, late_reason=LATE)  # fmt: skip
    with pytest.raises(DomainError) as exc:
        svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 7), icpc_outcome="", expected_version=2)
    assert "on or after the start of the section 47 enquiry (8 January 2025)" in exc.value.errors["icpc_on"][0]
    assert "icpc_outcome" in exc.value.errors
    # Sat 25 Jan 2025: conferences are not held at weekends (CIN census error 8875), refused at entry.
    with pytest.raises(DomainError) as exc:
        svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 25), icpc_outcome="cp_plan",
                        expected_version=2, late_reason=LATE)  # fmt: skip
    assert exc.value.errors["icpc_on"] == ["25 January 2025 is a Saturday: enter the date the conference was held"]
    enquiry.refresh_from_db()
    assert enquiry.icpc_on is None
    # 30 Jan 2025 is day 16 after 8 Jan: out of timescale (due 29 Jan).
    assert enquiry.icpc_due_on == D(2025, 1, 29)
    enquiry = svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 30), icpc_outcome="cp_plan",
                              expected_version=2, late_reason=LATE)  # fmt: skip
    assert svc.icpc_in_time(enquiry) is False
    assert "(out of timescale)" in events("casework.icpc")[0].summary
    with pytest.raises(DomainError, match="already been recorded"):
        svc.icpc_record(actor=aw.sw, enquiry=enquiry, icpc_on=D(2025, 1, 30), icpc_outcome="cp_plan",
                        expected_version=3)  # fmt: skip


@freeze_time("2024-12-30 10:00")
def test_next_steps_follow_the_authorised_outcome(aw):
    a = _complete(aw, _start(aw), outcome="strategy")
    assert svc.next_steps(a) == []  # not until authorised
    a = svc.assessment_authorise(actor=aw.manager, assessment=a, expected_version=a.version)
    assert [s.url_name for s in svc.next_steps(a)] == ["casework:strategy_discussion_add"]
    b = _complete(aw, _start(aw, case=aw.l3, kind="family_support"), outcome="plan")
    b = svc.assessment_authorise(actor=aw.manager, assessment=b, expected_version=b.version)
    assert [(s.url_name, s.query) for s in svc.next_steps(b)] == [("casework:plan_start", "?kind=family_support")]
