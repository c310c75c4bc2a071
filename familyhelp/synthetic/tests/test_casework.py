"""The synthetic council's casework journeys: calibration at the reference date and the casework invariants.

One small council (seed 1) is generated for the module and rolled back afterwards; the tests only read it.
Figures are recomputed from the rows, with familyhelp.core.calendar and familyhelp.casework.clocks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection, transaction

from familyhelp.casework import clocks
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseworkPolicy,
    CINEpisode,
    LevelChange,
    LookedAfterEpisode,
    Plan,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.people.models import Person, ProfessionalInvolvement
from familyhelp.synthetic.casework import CIN_PER_10K, CP_PER_10K, LAC_PER_10K
from familyhelp.synthetic.generator import GenerationResult, generate

TODAY = date(2025, 3, 31)
POLICY = CaseworkPolicy(visit_working_days=dict(CaseworkPolicy.DEFAULT_VISITS))

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[GenerationResult]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        result = generate(preset="small", seed=1, today=TODAY)
        yield result
        transaction.set_rollback(True)


def _open_on(qs, day: date, start: str = "started_on", end: str = "ended_on"):  # type: ignore[no-untyped-def]
    return qs.filter(**{f"{start}__lte": day}).exclude(**{f"{end}__lt": day})


def _no_overlaps(rows: list[tuple[object, date, date | None]], *, touching: bool = False) -> list[object]:
    """Who has two spans that overlap (with touching=True, one may start the day the other ends)."""
    spans: dict[object, list[tuple[date, date]]] = defaultdict(list)
    for person, start, end in rows:
        spans[person].append((start, end or date.max))
    bad = []
    for person, items in spans.items():
        items.sort()
        for (_, e1), (s2, _) in zip(items, items[1:], strict=False):
            if s2 < e1 or (s2 == e1 and not touching):
                bad.append(person)
    return bad


# --- Calibration ------------------------------------------------------------------------------------
def test_children_in_need_cp_and_looked_after_at_the_reference_date(small: GenerationResult) -> None:
    """CP 41 and looked after 70 per 333 children in need (the sample cannot hold 333 per 10,000)."""
    cin = _open_on(CINEpisode.objects, TODAY, "referral_date", "closed_on").values("person").distinct().count()
    cp = _open_on(Plan.objects.filter(kind="cp"), TODAY).values("person").distinct().count()
    lac = _open_on(LookedAfterEpisode.objects, TODAY).values("person").distinct().count()
    assert cin > 300
    assert abs(cp / cin - CP_PER_10K / CIN_PER_10K) < 0.02
    assert abs(lac / cin - LAC_PER_10K / CIN_PER_10K) < 0.03
    assert small.casework is not None and small.casework.targets["cp"] == pytest.approx(cp, abs=3)
    # the small preset (60,000 children) has fewer children in need than the national rate: scaled down
    assert cin < CIN_PER_10K * 6
    # every looked-after child now has an open looked-after plan, every CP child an open CP plan
    assert lac == _open_on(Plan.objects.filter(kind="lac"), TODAY).count()


def test_single_assessments_about_85_percent_within_45_working_days(small: GenerationResult) -> None:
    rows = list(
        Assessment.objects.filter(kind="single", status="authorised").values_list(
            "started_on", "authorised_on", "due_on"
        )
    )
    assert len(rows) > 800
    in_time = 0
    for started, authorised, due in rows:
        assert due == clocks.single_assessment_due(started, POLICY)
        in_time += authorised <= due
    assert 0.82 <= in_time / len(rows) <= 0.89


def test_icpcs_mostly_within_15_working_days_and_cp_plans_start_on_them(small: GenerationResult) -> None:
    rows = list(
        S47Enquiry.objects.exclude(icpc_on=None).values_list("strategy_discussion__held_on", "icpc_on", "icpc_due_on")
    )
    assert len(rows) > 50
    assert all(due == clocks.icpc_due(held, POLICY) for held, _, due in rows)
    share = sum(icpc <= calendar.add_working_days(held, 15) for held, icpc, _ in rows) / len(rows)
    assert 0.72 <= share <= 0.9
    for plan in Plan.objects.filter(kind="cp").select_related("s47_enquiry"):
        assert plan.s47_enquiry is not None and plan.s47_enquiry.icpc_on == plan.started_on
        assert plan.started_on.weekday() < 5 and calendar.is_working_day(plan.started_on)
        assert plan.initial_category and plan.latest_category


def test_cp_categories_and_repeat_plans(small: GenerationResult) -> None:
    plans = Plan.objects.filter(kind="cp")
    categories = Counter(plans.values_list("initial_category", flat=True))
    ranked = [c for c, _ in categories.most_common()]
    assert ranked[:2] == ["NEG", "EMO"]
    repeat = plans.filter(previous_cp_plans__gt=0).count() / plans.count()
    assert 0.17 <= repeat <= 0.29
    # previous_cp_plans counts the child's earlier plans here (plus, for some, one before our records)
    by_child: dict[object, list[tuple[date, int]]] = defaultdict(list)
    for person, start, previous in plans.values_list("person_id", "started_on", "previous_cp_plans"):
        by_child[person].append((start, previous))
    for items in by_child.values():
        items.sort()
        base = items[0][1]
        assert base in (0, 1)
        assert [p for _, p in items] == list(range(base, base + len(items)))


def test_reviews_follow_the_schedule(small: GenerationResult) -> None:
    for plan in Plan.objects.filter(kind="cp").prefetch_related("reviews")[:200]:
        reviews = sorted(plan.reviews.all(), key=lambda r: r.held_on)
        last = None
        for review in reviews:
            due = clocks.plan_review_due("cp", plan.started_on, last, POLICY)
            assert review.held_on <= due + calendar_days(14)
            assert plan.started_on < review.held_on and (plan.ended_on is None or review.held_on <= plan.ended_on)
            last = review.held_on
        if (plan.ended_on or TODAY) > clocks.add_months(plan.started_on, 4):
            assert reviews, "a CP plan of more than three months has had its first review"
    assert PlanReview.objects.filter(plan__kind="cin").exists()


def calendar_days(n: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(days=n)


def test_looked_after_mix(small: GenerationResult) -> None:
    episodes = LookedAfterEpisode.objects.all()
    placements = Counter(episodes.values_list("placement_type", flat=True))
    statuses = Counter(episodes.values_list("legal_status", flat=True))
    total = sum(placements.values())
    assert (placements["U4"] + placements["U6"]) / total > 0.45
    assert placements["K2"] and placements["P1"]
    assert {"C1", "C2", "V2"} <= set(statuses)
    assert not episodes.filter(placement_postcode="").exists()
    # the unaccompanied asylum-seeking children looked after are flagged
    assert episodes.filter(uasc=True).exists()


def test_visits_roughly_at_the_policy_frequency(small: GenerationResult) -> None:
    seen = Counter(Visit.objects.values_list("seen", flat=True))
    total = sum(seen.values())
    assert total > 3000
    assert 0.02 < seen["not_seen"] / total < 0.12
    assert not Visit.objects.filter(seen="not_seen", not_seen_reason="").exists()
    assert not Visit.objects.exclude(seen="not_seen").exclude(not_seen_reason="").exists()
    # CP plans open now: seen about every 10 working days
    for plan in _open_on(Plan.objects.filter(kind="cp", started_on__lt=TODAY - calendar_days(40)), TODAY)[:30]:
        days = sorted(
            Visit.objects.filter(person=plan.person_id, visited_on__gte=plan.started_on).values_list(
                "visited_on", flat=True
            )
        )
        gaps = [calendar.working_days_between(a, b) for a, b in zip(days, days[1:], strict=False)]
        assert gaps and max(gaps) <= 16 and sum(gaps) / len(gaps) <= 11


# --- Allocation --------------------------------------------------------------------------------------
def test_allocation_matches_the_caseloads(small: GenerationResult) -> None:
    holding = {}
    for person, worker in ProfessionalInvolvement.objects.filter(
        end_date__isnull=True, role__in=["allocated_worker", "lead_practitioner"], worker__isnull=False
    ).values_list("person_id", "worker_id"):
        holding[person] = worker
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    assert open_cases.count() > 500
    for case in open_cases:
        assert case.worker_id == holding[case.person_id]
        assert case.team_id and case.allocated_on and case.allocated_on <= TODAY
        current = case.allocations.filter(role="lead", ended_on__isnull=True).get()
        assert current.worker_id == case.worker_id and current.started_on == case.allocated_on
    for case in Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION):
        assert case.worker_id is None and not case.allocations.exists()
    for case in Case.objects.filter(status=Case.Status.CLOSED):
        assert case.worker_id is not None
        assert not case.allocations.filter(ended_on__isnull=True).exists()
        assert not case.allocations.filter(ended_on__gt=case.closed_on).exists()
    # lead allocations of a case follow each other without overlapping
    assert not _no_overlaps(
        list(Allocation.objects.filter(role="lead").values_list("case_id", "started_on", "ended_on"))
    )


def test_family_help_practitioners_level_4_work_is_supervised(small: GenerationResult) -> None:
    cases = Case.objects.filter(level=4, status=Case.Status.OPEN, worker__job_role="family_help_practitioner")
    assert cases.exists()
    for case in cases:
        assert case.supervisor is not None and case.supervisor.job_role == "social_worker"
        assert case.allocations.filter(role="supervising", worker=case.supervisor, ended_on__isnull=True).exists()


# --- Invariants (the services' rules and the CIN census / SSDA903 validators') ---------------------------
def test_constraints_hold(small: GenerationResult) -> None:
    connection.check_constraints()


def test_one_open_case_and_episode_and_no_overlaps(small: GenerationResult) -> None:
    assert not _no_overlaps(list(CINEpisode.objects.values_list("person_id", "referral_date", "closed_on")))
    assert not _no_overlaps(list(Plan.objects.filter(kind="cp").values_list("person_id", "started_on", "ended_on")))
    assert not _no_overlaps(list(Plan.objects.filter(kind="cin").values_list("person_id", "started_on", "ended_on")))
    # a CIN plan is never concurrent with a CP plan
    assert not _no_overlaps(
        list(Plan.objects.filter(kind__in=["cin", "cp"]).values_list("person_id", "started_on", "ended_on"))
    )
    # SSDA903: each looked-after episode starts the day the previous one ends (X1)
    assert not _no_overlaps(
        list(LookedAfterEpisode.objects.values_list("person_id", "started_on", "ended_on")), touching=True
    )


def test_episodes_are_valid_for_the_cin_census(small: GenerationResult) -> None:  # noqa: C901
    episodes = {e.pk: e for e in CINEpisode.objects.all()}
    assessed = defaultdict(list)
    for a in Assessment.objects.filter(kind="single"):
        e = episodes[a.cin_episode_id]
        assessed[e.pk].append(a)
        assert e.referral_date <= a.started_on <= a.due_on
        assert a.started_on - e.referral_date <= calendar_days(14)
        if a.status == "authorised":
            assert a.started_on <= a.completed_on <= a.authorised_on and a.authorised_by_id
            assert e.closed_on is None or a.authorised_on <= e.closed_on
        else:
            assert e.closed_on is None and a.started_on >= TODAY - calendar_days(120)
    for e in episodes.values():
        if e.case.status == Case.Status.AWAITING_ALLOCATION:
            continue
        assert len(assessed[e.pk]) == 1, "a single assessment for every allocated CIN episode"
        if e.closed_on is not None:
            assert all(a.status == "authorised" for a in assessed[e.pk])
        if e.closure_reason in ("RC8", "RC9"):
            assert not Plan.objects.filter(cin_episode=e).exists()
            assert not S47Enquiry.objects.filter(cin_episode=e).exists()
            a = assessed[e.pk][0]
            assert a.authorised_on <= e.closed_on and a.closure_reason == e.closure_reason
    for s in S47Enquiry.objects.select_related("strategy_discussion", "cin_episode"):
        e = s.cin_episode
        assert s.strategy_discussion.decision == "s47" and s.started_on == s.strategy_discussion.held_on
        assert e.referral_date <= s.started_on and (e.closed_on is None or s.started_on <= e.closed_on)
        if e.closed_on is not None:
            assert s.concluded_on is not None and s.concluded_on <= e.closed_on
        if s.icpc_on is not None:
            assert s.started_on <= s.icpc_on and calendar.is_working_day(s.icpc_on)
            assert s.outcome == "icpc"
    for p in Plan.objects.filter(cin_episode__isnull=False).select_related("cin_episode"):
        e = p.cin_episode
        assert e.referral_date <= p.started_on
        assert (p.ended_on is None) == (e.closed_on is None) or p.ended_on is not None
        if e.closed_on is not None:
            assert p.ended_on is not None and p.ended_on <= e.closed_on
    assert Plan.objects.filter(kind="cp").count() <= S47Enquiry.objects.exclude(icpc_on=None).count()
    assert StrategyDiscussion.objects.count() >= S47Enquiry.objects.count()


def test_plans_are_one_care_plan_and_follow_the_case(small: GenerationResult) -> None:
    for p in Plan.objects.select_related("case", "previous"):
        assert p.person_id == p.case.person_id
        assert p.case.opened_on <= p.started_on
        if p.previous is not None:
            assert p.previous.case_id == p.case_id and p.previous.ended_on is not None
            assert p.previous.ended_on < p.started_on
        if p.case.closed_on is not None:
            assert p.ended_on is not None and p.ended_on <= p.case.closed_on
    assert Plan.objects.filter(previous__isnull=False, kind="cin", previous__kind="cp").exists()  # CP -> CIN
    assert LevelChange.objects.filter(from_level=4, to_level=3, direction="down").exists()
    assert Plan.objects.filter(case__level=3).exclude(kind="family_support").count() == 0


def test_looked_after_episodes_are_contiguous_and_valid(small: GenerationResult) -> None:
    dob = dict(Person.objects.values_list("id", "date_of_birth"))
    for plan in Plan.objects.filter(kind="lac").prefetch_related("looked_after_episodes"):
        episodes = sorted(plan.looked_after_episodes.all(), key=lambda e: e.started_on)
        assert episodes and episodes[0].started_on == plan.started_on
        for a, b in zip(episodes, episodes[1:], strict=False):
            assert a.ended_on == b.started_on and a.reason_ended == "X1"
        last = episodes[-1]
        assert last.ended_on == plan.ended_on
        assert (last.ended_on is None) == (last.reason_ended == "")
        born = dob[plan.person_id]
        for e in episodes:
            age = (e.started_on - born).days / 365.25
            assert 0 <= age < 18
            assert e.placement_type != "H5" or age >= 16
            assert e.placement_type not in ("A5", "A6") or e.legal_status == "E1"
            assert (
                (e.ended_on or TODAY) <= born.replace(year=born.year + 18)
                if not (born.month == 2 and born.day == 29)
                else True
            )


def test_chronology_has_the_main_steps(small: GenerationResult) -> None:
    kinds = Counter(ChronologyEvent.objects.filter(kind__startswith="casework.").values_list("kind", flat=True))
    for kind in (
        "casework.allocated",
        "casework.assessment_started",
        "casework.assessment_authorised",
        "casework.strategy_discussion",
        "casework.s47_started",
        "casework.icpc",
        "casework.plan_started",
        "casework.plan_ended",
        "casework.plan_reviewed",
        "casework.care_started",
        "casework.stepped_down",
        "casework.closed",
    ):
        assert kinds[kind], kind
    assert kinds["casework.plan_started"] == Plan.objects.count()
    assert kinds["casework.assessment_authorised"] == Assessment.objects.filter(status="authorised").count()


def test_assessment_and_s47_dates_keep_the_journey_order(small: GenerationResult) -> None:
    """Issue 13's order: start <= child seen <= submission <= authorisation; S47 start <= child seen <=
    conclusion <= conference (the services refuse anything else, so the synthetic council must not hold it)."""
    for started, seen, completed, authorised in Assessment.objects.values_list(
        "started_on", "child_seen_on", "completed_on", "authorised_on"
    ):
        steps = [d for d in (started, seen, completed, authorised) if d is not None]
        assert steps == sorted(steps), (started, seen, completed, authorised)
    for held, started, seen, concluded, icpc in S47Enquiry.objects.values_list(
        "strategy_discussion__held_on", "started_on", "child_seen_on", "concluded_on", "icpc_on"
    ):
        steps = [d for d in (held, started, seen, concluded, icpc) if d is not None]
        assert steps == sorted(steps), (held, started, seen, concluded, icpc)
