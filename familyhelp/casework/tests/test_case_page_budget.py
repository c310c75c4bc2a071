"""The case page reads a fixed number of queries whatever the case's history (issue 15: at most 25), and record
access is decided once per request however many sections ask."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.casework.models import (
    Allocation,
    Assessment,
    CaseNote,
    LevelChange,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.casework.tests.assessments_helpers import make_case

CASE_PAGE_BUDGET = 25
NOW = "2026-03-09 10:30"
D = datetime.date


def _history(world, case, rounds: int) -> None:  # type: ignore[no-untyped-def]
    """`rounds` years of a case's life: allocations, a level change, assessments, strategy discussions and
    enquiries with conferences, closed plans with reviews, goals and actions, visits and notes."""
    episode = case.cin_episodes.get()
    for i in range(rounds):
        year = 2016 + i
        Allocation.objects.create(
            case=case, worker=world.sw, team=world.team_a, started_on=D(year, 1, 2), ended_on=D(year, 12, 31)
        )
        LevelChange.objects.create(
            case=case,
            from_level=3,
            to_level=4,
            direction="up",
            changed_on=D(year, 1, 3),
            reason="Worry grew",
            requested_by=world.sw,
            authorised_by=world.manager,
        )
        Assessment.objects.create(
            case=case,
            person=case.person,
            kind="single",
            started_on=D(year, 1, 5),
            due_on=D(year, 3, 5),
            status="authorised",
            completed_on=D(year, 2, 20),
            authorised_on=D(year, 2, 25),
        )
        discussion = StrategyDiscussion.objects.create(
            case=case, cin_episode=episode, person=case.person, held_on=D(year, 4, 1), decision="s47"
        )
        S47Enquiry.objects.create(
            case=case,
            cin_episode=episode,
            person=case.person,
            strategy_discussion=discussion,
            started_on=D(year, 4, 1),
            icpc_due_on=D(year, 4, 29),
            concluded_on=D(year, 4, 20),
            outcome="icpc",
            icpc_on=D(year, 4, 28),
            icpc_outcome="cp_plan",
        )
        plan = Plan.objects.create(
            case=case, person=case.person, kind="cp", started_on=D(year, 4, 28), ended_on=D(year, 12, 1)
        )
        PlanReview.objects.create(plan=plan, held_on=D(year, 7, 20), outcome="continue")
        goal = PlanGoal.objects.create(plan=plan, text="Safe sleeping")
        PlanAction.objects.create(plan=plan, goal=goal, text="Health visitor checks", owner=world.sw)
        for month in range(1, 13):
            Visit.objects.create(
                case=case, person=case.person, visited_on=D(year, month, 10), seen="alone", visited_by=world.sw
            )
            CaseNote.objects.create(
                case=case,
                person=case.person,
                category="direct_work",
                occurred_on=D(year, month, 11),
                text="Played and talked about school",
            )
    # now: an open CIN plan with overdue actions and a review, and an enquiry waiting for its conference
    plan = Plan.objects.create(case=case, person=case.person, kind="cin", started_on=D(2026, 1, 5))
    PlanReview.objects.create(plan=plan, held_on=D(2026, 2, 20), outcome="continue")
    for n in range(rounds):
        PlanAction.objects.create(plan=plan, text=f"Action {n}", owner=world.sw, due_on=D(2026, 2, 1))
    discussion = StrategyDiscussion.objects.create(
        case=case, cin_episode=episode, person=case.person, held_on=D(2026, 3, 2), decision="s47"
    )
    S47Enquiry.objects.create(
        case=case,
        cin_episode=episode,
        person=case.person,
        strategy_discussion=discussion,
        started_on=D(2026, 3, 2),
        icpc_due_on=D(2026, 3, 30),
    )


def _queries(client, url) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # the first view renews the session; the count is of a page view like any other
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["manager", "sw", "leader"])
@freeze_time(NOW)
def test_the_case_page_stays_within_its_budget_whatever_its_history(world, client_for, who):  # type: ignore[no-untyped-def]
    short = make_case(world, world.own, level=4, worker=world.sw, opened_on=D(2016, 1, 1))
    long = make_case(world, world.team_child, level=4, worker=world.colleague, opened_on=D(2016, 1, 1))
    _history(world, short, 1)
    _history(world, long, 8)  # eight years, 96 visits and notes, eight plans, nine enquiries
    client = client_for(getattr(world, who))
    small = _queries(client, reverse("casework:case", args=[short.pk]))
    large = _queries(client, reverse("casework:case", args=[long.pk]))
    assert large == small, (small, large)
    assert large <= CASE_PAGE_BUDGET, large


@freeze_time(NOW)
def test_record_access_is_decided_once_per_request(world, client_for):  # type: ignore[no-untyped-def]
    case = make_case(world, world.own, level=4, worker=world.sw, opened_on=D(2016, 1, 1))
    _history(world, case, 2)
    client = client_for(world.manager)
    client.get(reverse("casework:case", args=[case.pk]))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("casework:case", args=[case.pk])).status_code == 200
    scope_checks = [q for q in ctx.captured_queries if "people_professionalinvolvement" in q["sql"]]
    assert len(scope_checks) == 1, [q["sql"][:200] for q in scope_checks]
