"""Plans at the service level: every invariant refused with nothing written, the one care plan across
CIN -> CP -> CIN -> family support, review clocks with a frozen clock, looked-after episodes, goals and actions.

Cases, episodes, strategy discussions and S47 enquiries are set up with the ORM (other slices own their
services)."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from freezegun import freeze_time

from familyhelp.casework.models import (
    Case,
    CINEpisode,
    LookedAfterEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
)
from familyhelp.casework.services import plans as svc
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError

D = date.fromisoformat


@pytest.fixture(autouse=True)
def _no_late_recording_question(monkeypatch):  # type: ignore[no-untyped-def]
    """These tests are about the plan rules, with dates long before the frozen today: the late-recording
    question (issue 13) is tested in test_plans_effective_dates.py, so it is not asked here."""
    monkeypatch.setattr("familyhelp.core.effective.late_recording_days", lambda: 100_000)


def make_case(world, *, level: int = 4, opened: str = "2024-08-01", child=None) -> Case:  # type: ignore[no-untyped-def]
    """An open case for the social worker's child (level 4 with a CIN episode from the opening date)."""
    child = child or world.own
    case = Case.objects.create(
        reference=f"CASE{Case.objects.count() + 8000001:07d}",
        person=child,
        level=level,
        status="open",
        opened_on=D(opened),
        team=world.sw.team,
        worker=world.sw,
        allocated_on=D(opened),
    )
    if level == 4:
        CINEpisode.objects.create(
            case=case, person=child, referral_date=D(opened), referral_source="2A", primary_need="N1"
        )
    return case


def make_s47(case: Case, *, icpc_on: str, outcome: str = "cp_plan") -> S47Enquiry:
    episode = CINEpisode.objects.get(case=case, closed_on__isnull=True)
    held = D(icpc_on) - datetime.timedelta(days=14)
    sd = StrategyDiscussion.objects.create(
        case=case, cin_episode=episode, person=case.person, held_on=held, agencies=["Police", "Health"], decision="s47"
    )
    return S47Enquiry.objects.create(
        case=case,
        cin_episode=episode,
        person=case.person,
        strategy_discussion=sd,
        started_on=held,
        icpc_due_on=D(icpc_on),
        concluded_on=D(icpc_on),
        outcome="icpc",
        icpc_on=D(icpc_on),
        icpc_outcome=outcome,
    )


def counts() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        PlanGoal.objects.count(),
        PlanAction.objects.count(),
        PlanReview.objects.count(),
        LookedAfterEpisode.objects.count(),
        ChronologyEvent.objects.count(),
    )


def refused(fn, field: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """Call fn, expect a DomainError on `field`, and that nothing was written. Returns the message."""
    before = counts()
    ends = list(Plan.objects.values_list("pk", "ended_on", "version"))
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    assert field in exc.value.errors, exc.value.errors
    assert counts() == before
    assert list(Plan.objects.values_list("pk", "ended_on", "version")) == ends
    return " ".join(exc.value.errors[field])


CARE = svc.CareDetails(legal_status="C2", placement_type="U4", placement_postcode="b91 3qb", uasc=False)


@freeze_time("2025-06-02")
def test_family_support_plan_needs_level_3_and_cin_needs_level_4_with_an_open_episode(world):
    case = make_case(world, level=4)
    msg = refused(svc.plan_start, "kind", actor=world.sw, case=case, kind="family_support", started_on=D("2024-09-02"))
    assert "level 3" in msg
    case3 = make_case(world, level=3, child=world.team_child)
    refused(svc.plan_start, "kind", actor=world.sw, case=case3, kind="cin", started_on=D("2024-09-02"))
    fs = svc.plan_start(
        actor=world.sw,
        case=case3,
        kind="family_support",
        started_on=D("2024-09-02"),
        summary="Routines and school attendance",
    )
    assert fs.cin_episode is None and fs.previous is None
    CINEpisode.objects.filter(case=case).update(closed_on=D("2024-08-30"), closure_reason="RC8")
    msg = refused(svc.plan_start, "kind", actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    assert "open children in need episode" in msg


@freeze_time("2025-06-02")
def test_dates_in_the_future_or_before_the_referral_are_refused(world):
    case = make_case(world)
    assert "today or in the past" in refused(
        svc.plan_start, "started_on", actor=world.sw, case=case, kind="cin", started_on=D("2025-06-03")
    )
    assert "referral date" in refused(
        svc.plan_start, "started_on", actor=world.sw, case=case, kind="cin", started_on=D("2024-07-31")
    )


@freeze_time("2025-06-02")
def test_cp_plan_needs_a_conference_that_decided_on_one_and_starts_on_its_date(world):
    case = make_case(world)
    kw = {"actor": world.sw, "case": case, "kind": "cp", "initial_category": "NEG"}
    refused(svc.plan_start, "s47_enquiry", started_on=D("2024-11-29"), **kw)
    nfa = make_s47(case, icpc_on="2024-11-29", outcome="cin_plan")
    assert "not decided on a child protection plan" in refused(
        svc.plan_start, "s47_enquiry", started_on=D("2024-11-29"), s47_enquiry=nfa, **kw
    )
    S47Enquiry.objects.filter(pk=nfa.pk).update(icpc_outcome="cp_plan")
    nfa.refresh_from_db()
    assert "held on 29 November 2024" in refused(
        svc.plan_start, "started_on", started_on=D("2024-11-28"), s47_enquiry=nfa, **kw
    )
    refused(
        svc.plan_start,
        "initial_category",
        started_on=D("2024-11-29"),
        s47_enquiry=nfa,
        actor=world.sw,
        case=case,
        kind="cp",
        initial_category="",
    )
    plan = svc.plan_start(started_on=D("2024-11-29"), s47_enquiry=nfa, **kw)
    assert (plan.initial_category, plan.latest_category, plan.previous_cp_plans) == ("NEG", "NEG", 0)
    assert plan.cin_episode == CINEpisode.objects.get(case=case)
    # One conference, one plan: after this one ends, the same conference cannot start another.
    svc.plan_end(actor=world.sw, plan=plan, ended_on=D("2025-01-10"), reason="Transferred in error")
    assert "already started" in refused(
        svc.plan_start, "s47_enquiry", started_on=D("2024-11-29"), s47_enquiry=nfa, **kw
    )


@freeze_time("2025-06-02")
def test_an_s47_of_another_episode_is_refused(world):
    case = make_case(world)
    s47 = make_s47(case, icpc_on="2024-11-29")
    CINEpisode.objects.filter(case=case).update(closed_on=D("2024-12-01"), closure_reason="RC7")
    CINEpisode.objects.create(
        case=case, person=world.own, referral_date=D("2025-01-06"), referral_source="6", primary_need="N1"
    )
    assert "open children in need episode" in refused(
        svc.plan_start,
        "s47_enquiry",
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=s47,
        initial_category="NEG",
    )


@freeze_time("2025-06-02")
def test_previous_cp_plans_counts_the_childs_earlier_plans_in_any_case(world):
    old = make_case(world, opened="2021-01-04")
    s47 = make_s47(old, icpc_on="2021-02-01")
    first = svc.plan_start(
        actor=world.sw, case=old, kind="cp", started_on=D("2021-02-01"), s47_enquiry=s47, initial_category="PHY"
    )
    svc.plan_end(actor=world.sw, plan=first, ended_on=D("2021-09-01"), reason="Risk reduced")
    Case.objects.filter(pk=old.pk).update(closed_on=D("2021-10-01"), status="closed")
    CINEpisode.objects.filter(case=old).update(closed_on=D("2021-10-01"), closure_reason="RC7")
    case = make_case(world)
    plan = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="EMO",
    )
    assert plan.previous_cp_plans == 1
    assert plan.previous is None  # a new case starts a new care plan


@freeze_time("2025-06-02")
def test_cp_plans_never_overlap_even_in_history(world):
    """Rule 8940: a CP plan may not start on or before the end date of another (history, not only open)."""
    old = make_case(world, opened="2024-01-08")
    s47 = make_s47(old, icpc_on="2024-02-01")
    svc.plan_start(
        actor=world.sw, case=old, kind="cp", started_on=D("2024-02-01"), s47_enquiry=s47, initial_category="NEG"
    )
    # Recorded late, the earlier plan ends on 1 Mar; a later ICPC dated inside or on that end is refused.
    Plan.objects.filter(case=old).update(ended_on=D("2024-03-01"), end_reason="Ended")
    s47b = make_s47(old, icpc_on="2024-03-01")
    msg = refused(
        svc.plan_start,
        "started_on",
        actor=world.sw,
        case=old,
        kind="cp",
        started_on=D("2024-03-01"),
        s47_enquiry=s47b,
        initial_category="NEG",
    )
    assert "cannot overlap" in msg
    s47c = make_s47(old, icpc_on="2024-03-04")
    assert (
        svc.plan_start(
            actor=world.sw, case=old, kind="cp", started_on=D("2024-03-04"), s47_enquiry=s47c, initial_category="NEG"
        ).previous_cp_plans
        == 1
    )


@freeze_time("2025-06-02")
def test_cin_plans_never_overlap_and_a_backdated_plan_cannot_straddle_a_later_one(world):
    case = make_case(world, opened="2024-01-08")
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-03-01"))
    svc.plan_end(actor=world.sw, plan=cin, ended_on=D("2024-06-03"), reason="Needs met")
    assert "cannot overlap" in refused(
        svc.plan_start, "started_on", actor=world.sw, case=case, kind="cin", started_on=D("2024-06-03")
    )
    # Backdated to before the earlier plan: it would run through it.
    assert "cannot overlap" in refused(
        svc.plan_start, "started_on", actor=world.sw, case=case, kind="cin", started_on=D("2024-02-01")
    )
    assert svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-06-04")).previous == cin


@freeze_time("2025-06-02")
def test_a_second_open_plan_of_the_same_kind_is_refused(world):
    case = make_case(world)
    svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    assert "already has an open child in need plan" in refused(
        svc.plan_start, "kind", actor=world.sw, case=case, kind="cin", started_on=D("2024-10-01")
    )


@freeze_time("2025-06-02")
def test_cin_and_cp_not_concurrent_by_dates_but_same_day_handover_is_allowed(world):
    """Rules 4016/4017: one may start on the day the other ends, never inside it."""
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    svc.plan_end(actor=world.sw, plan=cin, ended_on=D("2024-11-29"), reason="Conference")
    # A CP plan dated inside the (ended) CIN plan is refused ...
    early = make_s47(case, icpc_on="2024-11-28")
    assert "cannot run at the same time" in refused(
        svc.plan_start,
        "started_on",
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-28"),
        s47_enquiry=early,
        initial_category="NEG",
    )
    # ... a CP plan starting on the CIN plan's end date is not.
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    assert cp.previous == cin
    # A CIN plan cannot start while the CP plan is open, on a date inside it:
    Plan.objects.filter(pk=cp.pk).update(ended_on=D("2025-03-03"), end_reason="x")
    assert "cannot run at the same time" in refused(
        svc.plan_start, "started_on", actor=world.sw, case=case, kind="cin", started_on=D("2025-03-02")
    )
    assert svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2025-03-03")).previous == cp


@freeze_time("2025-06-02")
def test_one_care_plan_cin_cp_cin_family_support(world):
    """The chain reads as one care plan: each start ends the last plan the same day and carries open work."""
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"), summary="CIN")
    g1 = svc.goal_add(actor=world.sw, plan=cin, text="Zoë goes to school every day")
    g2 = svc.goal_add(actor=world.sw, plan=cin, text="Mum's GP appointment")
    svc.goal_update(actor=world.sw, goal=g2, text=g2.text, achieved_on=D("2024-10-01"), expected_version=1)
    a1 = svc.action_add(
        actor=world.sw,
        plan=cin,
        text="Walk to school plan",
        goal=g1,
        owner_name="Siobhán O'Brien",
        owner_agency="Family",
        due_on=D("2024-10-01"),
    )
    a2 = svc.action_add(actor=world.sw, plan=cin, text="Attendance report", owner=world.sw, due_on=D("2024-10-15"))
    svc.action_update(
        actor=world.sw, action=a2, expected_version=1, text=a2.text, owner=world.sw, due_on=a2.due_on, status="done"
    )
    svc.plan_review_record(actor=world.sw, plan=cin, held_on=D("2024-11-04"), outcome="step_up")

    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    cin.refresh_from_db()
    assert (cin.ended_on, cin.end_reason) == (D("2024-11-29"), "Stepped up to child protection plan")
    assert cp.previous == cin
    carried = list(cp.goals.all())
    assert [(g.text, g.carried_from_id) for g in carried] == [("Zoë goes to school every day", g1.pk)]
    (ca,) = cp.actions.all()
    assert (ca.text, ca.carried_from_id, ca.goal_id, ca.owner_name) == (
        a1.text,
        a1.pk,
        carried[0].pk,
        "Siobhán O'Brien",
    )
    svc.plan_review_record(actor=world.sw, plan=cp, held_on=D("2025-02-24"), outcome="step_down", latest_category="EMO")
    cp.refresh_from_db()
    assert cp.latest_category == "EMO" and cp.initial_category == "NEG"

    cin2 = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2025-03-03"))
    cp.refresh_from_db()
    assert (cp.ended_on, cp.end_reason) == (D("2025-03-03"), "Stepped down to child in need plan")
    (g3,) = cin2.goals.all()
    assert g3.carried_from.carried_from_id == g1.pk  # two hops back to where it started

    Case.objects.filter(pk=case.pk).update(level=3)  # the cases slice steps the case down
    fs = svc.plan_start(actor=world.sw, case=case, kind="family_support", started_on=D("2025-05-06"))
    cin2.refresh_from_db()
    assert cin2.end_reason == "Stepped down to family support plan" and cin2.ended_on == D("2025-05-06")
    chain, p = [], fs
    while p is not None:
        chain.append(p.kind)
        p = p.previous
    assert chain == ["family_support", "cin", "cp", "cin"]
    assert svc.current_plan(case) == fs
    kinds = list(
        ChronologyEvent.objects.filter(person=world.own, kind__startswith="casework.plan")
        .order_by("occurred_on", "recorded_at")
        .values_list("kind", flat=True)
    )
    assert kinds.count("casework.plan_started") == 4 and kinds.count("casework.plan_ended") == 3
    assert kinds.count("casework.plan_reviewed") == 2
    assert ChronologyEvent.objects.filter(kind="casework.action_completed", person=world.own).count() == 1


@freeze_time("2025-06-02")
def test_a_new_plan_cannot_start_before_the_current_one_or_its_last_review(world):
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    svc.plan_review_record(actor=world.sw, plan=cin, held_on=D("2024-12-02"), outcome="step_up")
    msg = refused(
        svc.plan_start,
        "started_on",
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    assert "reviewed on 02/12/2024" in msg


# --- review clocks (frozen) ---------------------------------------------------------------------------
@freeze_time("2025-03-01")
def test_cp_review_clock_end_of_month_rule(world):
    """CP plan starting 30 Nov 2024 (the ICPC date). add_months(30 Nov 2024, 3): month 11 + 3 = February 2025,
    which has no 30th, so the last day of February: 28 Feb 2025. A review held on 27 Feb 2025: every 6 months
    after, add_months(27 Feb 2025, 6) = 27 Aug 2025. On 1 Mar 2025 without a review the clock is overdue."""
    case = make_case(world)
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-30"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-30"),
        initial_category="NEG",
    )
    assert svc.next_review_due(cp) == D("2025-02-28")
    clock = svc.review_clock(cp)
    assert clock is not None and clock.overdue and clock.tag == "govuk-tag--red"
    review = svc.plan_review_record(
        actor=world.sw, plan=cp, held_on=D("2025-02-27"), outcome="continue", latest_category="NEG"
    )
    assert review.next_due_on == D("2025-08-27") == svc.next_review_due(cp)
    assert not svc.review_clock(cp).overdue  # type: ignore[union-attr]


@freeze_time("2025-06-02")
def test_cin_and_family_support_reviews_every_three_months(world):
    """CIN plan from 31 Aug 2024: add_months(31 Aug, 3) = 30 Nov 2024 (November has 30 days)."""
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-08-31"))
    assert svc.next_review_due(cin) == D("2024-11-30")
    r = svc.plan_review_record(actor=world.sw, plan=cin, held_on=D("2024-11-29"), outcome="continue")
    assert r.next_due_on == D("2025-02-28")  # 29 Feb does not exist in 2025
    case3 = make_case(world, level=3, child=world.team_child)
    fs = svc.plan_start(actor=world.sw, case=case3, kind="family_support", started_on=D("2025-01-31"))
    assert svc.next_review_due(fs) == D("2025-04-30")


@freeze_time("2025-06-02")
def test_looked_after_reviews_20_working_days_then_3_then_6_months(world):
    """Care from Friday 20 Dec 2024. 20 working days, day 0 = 20 Dec, skipping weekends and 25, 26 Dec and
    1 Jan: 23, 24, 27, 30, 31 Dec (5), 2, 3 Jan (7), 6-10 Jan (12), 13-17 Jan (17), 20, 21, 22 Jan (20) ->
    22 Jan 2025. First review on 21 Jan: the second 3 months later, 21 Apr 2025; then 6-monthly."""
    case = make_case(world)
    lac = svc.plan_start(actor=world.sw, case=case, kind="lac", started_on=D("2024-12-20"), care=CARE)
    assert svc.next_review_due(lac) == D("2025-01-22")
    r1 = svc.plan_review_record(actor=world.sw, plan=lac, held_on=D("2025-01-21"), outcome="continue")
    assert r1.next_due_on == D("2025-04-21")
    r2 = svc.plan_review_record(actor=world.sw, plan=lac, held_on=D("2025-04-15"), outcome="continue")
    assert r2.next_due_on == D("2025-10-15")


@freeze_time("2025-06-02")
def test_review_refusals(world):
    case = make_case(world)
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    refused(
        svc.plan_review_record, "latest_category", actor=world.sw, plan=cp, held_on=D("2025-02-20"), outcome="continue"
    )
    refused(
        svc.plan_review_record,
        "held_on",
        actor=world.sw,
        plan=cp,
        held_on=D("2024-11-28"),
        outcome="continue",
        latest_category="NEG",
    )
    refused(
        svc.plan_review_record,
        "outcome",
        actor=world.sw,
        plan=cp,
        held_on=D("2025-02-20"),
        outcome="maybe",
        latest_category="NEG",
    )
    svc.plan_review_record(actor=world.sw, plan=cp, held_on=D("2025-02-20"), outcome="continue", latest_category="NEG")
    assert "last review" in refused(
        svc.plan_review_record,
        "held_on",
        actor=world.sw,
        plan=cp,
        held_on=D("2025-02-19"),
        outcome="continue",
        latest_category="NEG",
    )
    svc.plan_review_record(
        actor=world.sw,
        plan=cp,
        held_on=D("2025-05-20"),
        outcome="end",
        latest_category="NEG",
        end_reason="Risk reduced: no longer needed",
    )
    cp.refresh_from_db()
    assert cp.ended_on == D("2025-05-20") and cp.end_reason == "Risk reduced: no longer needed"
    assert "ended" in refused(
        svc.plan_review_record,
        "held_on",
        actor=world.sw,
        plan=cp,
        held_on=D("2025-05-21"),
        outcome="continue",
        latest_category="NEG",
    )
    assert "already ended" in refused(
        svc.plan_end, "ended_on", actor=world.sw, plan=cp, ended_on=D("2025-05-22"), reason="x"
    )


# --- looked after -------------------------------------------------------------------------------------
@freeze_time("2025-06-02")
def test_looked_after_start_change_and_end(world):
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    bad = svc.CareDetails(legal_status="C9", placement_type="U4", placement_postcode="NOT A POSTCODE")
    before = counts()
    with pytest.raises(DomainError) as exc:
        svc.plan_start(actor=world.sw, case=case, kind="lac", started_on=D("2024-12-20"), care=bad)
    assert set(exc.value.errors) >= {"legal_status", "placement_postcode"}
    assert counts() == before
    lac = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="lac",
        started_on=D("2024-12-20"),
        care=svc.CareDetails("V2", "U6", "b913qb", True),
    )
    cin.refresh_from_db()
    assert cin.end_reason == "Stepped up to care plan (looked after)" and lac.previous == cin
    (ep,) = lac.looked_after_episodes.all()
    assert (ep.legal_status, ep.placement_type, ep.placement_postcode, ep.uasc) == ("V2", "U6", "B91 3QB", True)
    # A looked-after child cannot also start a CIN plan; the care plan cannot end through plan_end.
    assert "looked after" in refused(
        svc.plan_start, "kind", actor=world.sw, case=case, kind="cin", started_on=D("2025-01-06")
    )
    refused(svc.plan_end, "reason", actor=world.sw, plan=lac, ended_on=D("2025-01-06"), reason="x")
    refused(
        svc.lac_change,
        "changed_on",
        actor=world.sw,
        plan=lac,
        on=D("2024-12-20"),
        legal_status="C1",
        placement_type="U6",
        placement_postcode="B91 3QB",
    )
    refused(
        svc.lac_change,
        "legal_status",
        actor=world.sw,
        plan=lac,
        on=D("2025-01-06"),
        legal_status="V2",
        placement_type="U6",
        placement_postcode="B91 3QB",
    )
    nxt = svc.lac_change(
        actor=world.sw,
        plan=lac,
        on=D("2025-01-06"),
        legal_status="C1",
        placement_type="U6",
        placement_postcode="B91 3QB",
    )
    ep.refresh_from_db()
    assert (ep.ended_on, ep.reason_ended) == (D("2025-01-06"), "X1")
    assert (nxt.started_on, nxt.legal_status, nxt.uasc) == (D("2025-01-06"), "C1", True)
    refused(svc.lac_end, "reason_ended", actor=world.sw, plan=lac, ended_on=D("2025-05-01"), reason_ended="X1")
    refused(svc.lac_end, "ended_on", actor=world.sw, plan=lac, ended_on=D("2025-01-05"), reason_ended="E4A")
    svc.lac_end(actor=world.sw, plan=lac, ended_on=D("2025-05-01"), reason_ended="E4A")
    lac.refresh_from_db()
    nxt.refresh_from_db()
    assert lac.ended_on == nxt.ended_on == D("2025-05-01") and nxt.reason_ended == "E4A"
    kinds = set(ChronologyEvent.objects.filter(person=world.own).values_list("kind", flat=True))
    assert {"casework.care_started", "casework.placement_changed", "casework.care_ended"} <= kinds
    # After care, a CIN plan may start again, continuing the same care plan.
    back = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2025-05-01"))
    assert back.previous == lac


@freeze_time("2025-06-02")
def test_one_open_care_episode_per_child(world):
    case = make_case(world)
    LookedAfterEpisode.objects.create(
        plan=Plan.objects.create(
            case=case,
            person=world.own,
            kind="lac",
            started_on=D("2024-10-01"),
            ended_on=D("2024-10-02"),
            end_reason="data fix",
        ),
        person=world.own,
        started_on=D("2024-10-01"),
        legal_status="V2",
        placement_type="U6",
    )
    assert "already looked after" in refused(
        svc.plan_start, "kind", actor=world.sw, case=case, kind="lac", started_on=D("2024-12-20"), care=CARE
    )


@freeze_time("2025-06-02")
def test_cp_plan_may_continue_alongside_care(world):
    case = make_case(world)
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    lac = svc.plan_start(
        actor=world.sw, case=case, kind="lac", started_on=D("2025-01-06"), care=CARE, continue_cp_plan=True
    )
    cp.refresh_from_db()
    assert cp.ended_on is None and lac.previous == cp and svc.current_plan(case) == lac
    assert [p.kind for p in svc.open_plans(case)] == ["lac", "cp"]


@freeze_time("2025-06-02")
def test_cp_plan_ends_by_default_when_the_child_becomes_looked_after(world):
    case = make_case(world)
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2024-11-29"),
        s47_enquiry=make_s47(case, icpc_on="2024-11-29"),
        initial_category="NEG",
    )
    svc.plan_start(actor=world.sw, case=case, kind="lac", started_on=D("2025-01-06"), care=CARE)
    cp.refresh_from_db()
    assert cp.ended_on == D("2025-01-06")


# --- goals, actions, permissions ----------------------------------------------------------------------
@freeze_time("2025-06-02")
def test_actions_owners_versions_and_overdue(world):
    case = make_case(world)
    cin = svc.plan_start(actor=world.sw, case=case, kind="cin", started_on=D("2024-09-02"))
    refused(svc.action_add, "owner", actor=world.sw, plan=cin, text="Something")
    refused(
        svc.action_add,
        "owner",
        actor=world.sw,
        plan=cin,
        text="x",
        owner=world.sw,
        owner_name="Dr Patel",
        owner_agency="GP",
    )
    refused(svc.action_add, "owner", actor=world.sw, plan=cin, text="x", owner=world.partner)
    refused(svc.action_add, "owner_agency", actor=world.sw, plan=cin, text="x", owner_name="Dr Patel")
    refused(svc.action_add, "text", actor=world.sw, plan=cin, text="  ", owner=world.sw)
    refused(svc.action_add, "due_on", actor=world.sw, plan=cin, text="x", owner=world.sw, due_on=D("2024-08-01"))
    other = make_case(world, child=world.team_child)
    other_plan = svc.plan_start(actor=world.sw, case=other, kind="cin", started_on=D("2024-09-02"))
    g = svc.goal_add(actor=world.sw, plan=other_plan, text="Other child's goal")
    refused(svc.action_add, "goal", actor=world.sw, plan=cin, text="x", owner=world.sw, goal=g)
    late = svc.action_add(
        actor=world.sw,
        plan=cin,
        text="Health assessment",
        owner_name="Dr Amina Patel",
        owner_agency="Northfield Surgery",
        due_on=D("2025-05-30"),
    )
    svc.action_add(actor=world.sw, plan=cin, text="Later", owner=world.sw, due_on=D("2025-06-30"))
    assert svc.overdue_actions(case) == [late]
    with pytest.raises(ConcurrentEditError):
        svc.action_update(actor=world.sw, action=late, expected_version=7, text="x", owner=world.sw)
    svc.action_update(
        actor=world.sw,
        action=late,
        expected_version=1,
        text=late.text,
        owner_name=late.owner_name,
        owner_agency=late.owner_agency,
        due_on=late.due_on,
        status="done",
    )
    assert svc.overdue_actions(case) == []
    with pytest.raises(ConcurrentEditError):
        svc.goal_update(actor=world.sw, goal=g, text="new", achieved_on=None, expected_version=0)


@freeze_time("2025-06-02")
def test_writes_need_work_case_with_the_child_in_scope_and_an_open_case(world):
    case = make_case(world)
    before = counts()
    for user in (world.frontdoor, world.leader, world.cp_worker, world.partner):
        with pytest.raises(ForbiddenError):
            svc.plan_start(actor=user, case=case, kind="cin", started_on=D("2024-09-02"))
    assert counts() == before
    cin = svc.plan_start(actor=world.manager, case=case, kind="cin", started_on=D("2024-09-02"))
    Case.objects.filter(pk=case.pk).update(closed_on=D("2025-05-01"), status="closed")
    with pytest.raises(ForbiddenError):
        svc.goal_add(actor=world.sw, plan=cin, text="Too late")


@freeze_time("2025-06-02")
def test_a_cp_plan_for_a_looked_after_child_runs_alongside_the_care_plan(world):
    case = make_case(world)
    lac = svc.plan_start(actor=world.sw, case=case, kind="lac", started_on=D("2024-12-20"), care=CARE)
    cp = svc.plan_start(
        actor=world.sw,
        case=case,
        kind="cp",
        started_on=D("2025-02-03"),
        s47_enquiry=make_s47(case, icpc_on="2025-02-03"),
        initial_category="PHY",
    )
    lac.refresh_from_db()
    assert lac.ended_on is None and cp.previous is None
    assert [p.kind for p in svc.open_plans(case)] == ["lac", "cp"]
