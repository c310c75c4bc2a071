"""Specialist referrals at the service level: the lifecycle with its chronology events, every illegal move,
permission refusals, capacity and the waiting list, eligibility, concurrent edits, FGC plans, spot purchase,
sessions and short breaks with hand-worked occupancy."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.people.tests.factories import ChildFactory
from familyhelp.specialist import selectors, services
from familyhelp.specialist.models import Service, ServiceReferral
from familyhelp.specialist.tests.factories import ReferralFactory, ServiceFactory, StartedReferralFactory, open_case

S = ServiceReferral.Status
TODAY = datetime.date(2025, 6, 30)
pytestmark = pytest.mark.django_db
LATE = "Entered from the paper register"


@pytest.fixture
def ifs(world):
    return ServiceFactory(
        name="Intensive family support", team=world.specialist.team, capacity=2, max_duration_weeks=12, holds_cases=True
    )


@pytest.fixture
def kase(world):
    return open_case(world)


def _events(person):
    return list(
        ChronologyEvent.objects.filter(person=person, kind__startswith="specialist.")
        .order_by("occurred_on")
        .values_list("kind", flat=True)
    )


@freeze_time("2025-06-30 12:00")
def test_the_lifecycle_writes_each_step_and_its_chronology_event(world, ifs, kase):
    r = services.referral_create(
        actor=world.sw,
        case=kase,
        service=ifs,
        reason="Neglect of routines",
        requested_on=datetime.date(2025, 6, 2),
        late_reason="Made by phone during the outage",
    )
    assert (r.status, r.requested_by, r.person) == (S.REQUESTED, world.sw, world.own)
    r = services.referral_decide(
        actor=world.specialist,
        referral=r,
        accept=True,
        expected_version=1,
        decided_on=datetime.date(2025, 6, 4),
        late_reason=LATE,
    )
    assert (r.status, r.decided_by, r.decided_on, r.version) == (
        S.ACCEPTED,
        world.specialist,
        datetime.date(2025, 6, 4),
        2,
    )
    r = services.referral_start(
        actor=world.specialist, referral=r, started_on=datetime.date(2025, 6, 9), expected_version=2, late_reason=LATE
    )
    services.contact_record(
        actor=world.specialist, referral=r, on=datetime.date(2025, 6, 10), kind="session", late_reason="Typed up late"
    )
    services.contact_record(
        actor=world.specialist,
        referral=r,
        on=datetime.date(2025, 6, 14),
        kind="out_of_hours",
        notes="Saturday evening",
        late_reason=LATE,
    )
    r = services.referral_end(
        actor=world.specialist, referral=r, outcome="stepped_down", ended_on=TODAY, expected_version=3
    )
    r.refresh_from_db()
    assert (r.status, r.ended_on, r.outcome, r.ended_by) == (S.ENDED, TODAY, "stepped_down", world.specialist)
    assert r.contacts.count() == 2 and r.contacts.filter(kind="out_of_hours").count() == 1
    assert _events(world.own) == [
        "specialist.referral_made",
        "specialist.referral_accepted",
        "specialist.referral_started",
        "specialist.session",
        "specialist.session",
        "specialist.referral_ended",
    ]
    ended = ChronologyEvent.objects.get(person=world.own, kind="specialist.referral_ended")
    assert ended.occurred_on == TODAY and "stepped down" in ended.summary


def test_declining_needs_a_reason_and_writes_the_event(world, ifs, kase):
    r = ReferralFactory(service=ifs, case=kase, requested_by=world.sw)
    with pytest.raises(DomainError) as exc:
        services.referral_decide(
            actor=world.specialist, referral=r, accept=False, decline_reason=" ", expected_version=1
        )
    assert "decline_reason" in exc.value.errors
    r = services.referral_decide(
        actor=world.specialist,
        referral=r,
        accept=False,
        decline_reason="Needs are met by the school",
        expected_version=1,
    )
    assert r.status == S.DECLINED and _events(world.own) == ["specialist.referral_declined"]


@pytest.mark.parametrize(
    ("status", "move"),
    [
        ("requested", "start"),
        ("requested", "end"),
        ("accepted", "decide"),
        ("accepted", "end"),
        ("started", "decide"),
        ("started", "withdraw"),
        ("ended", "start"),
        ("declined", "start"),
        ("withdrawn", "decide"),
    ],
)
def test_illegal_moves_are_refused(world, ifs, kase, status, move):
    r = ReferralFactory(
        service=ifs,
        case=kase,
        requested_by=world.sw,
        status=status,
        started_on=datetime.date.today() if status in ("started", "ended") else None,
        ended_on=datetime.date.today() if status == "ended" else None,
        outcome="goals_met" if status == "ended" else "",
        decline_reason="No" if status == "declined" else "",
    )
    calls = {
        "start": lambda: services.referral_start(actor=world.specialist, referral=r, expected_version=1),
        "end": lambda: services.referral_end(
            actor=world.specialist, referral=r, outcome="goals_met", expected_version=1
        ),
        "decide": lambda: services.referral_decide(actor=world.specialist, referral=r, accept=True, expected_version=1),
        "withdraw": lambda: services.referral_withdraw(actor=world.sw, referral=r, reason="x", expected_version=1),
    }
    with pytest.raises(DomainError):
        calls[move]()
    r.refresh_from_db()
    assert r.status == status and r.version == 1


def test_only_coordinators_of_the_services_team_work_its_referrals(world, kase):
    other_team_service = ServiceFactory(team=world.team_b)
    r = ReferralFactory(service=other_team_service, case=kase, requested_by=world.sw)
    for actor in (world.specialist, world.sw, world.manager, world.leader):
        with pytest.raises(ForbiddenError):
            services.referral_decide(actor=actor, referral=r, accept=True, expected_version=1)


def test_referring_needs_the_case_in_scope(world, ifs):
    kase = open_case(world, person=world.other)  # the child protection worker's child
    with pytest.raises(ForbiddenError):
        services.referral_create(actor=world.sw, case=kase, service=ifs, reason="x")
    with pytest.raises(ForbiddenError):
        services.referral_create(actor=world.specialist, case=open_case(world), service=ifs, reason="x")


def test_a_second_open_referral_to_the_same_service_is_refused(world, ifs, kase):
    services.referral_create(actor=world.sw, case=kase, service=ifs, reason="First")
    with pytest.raises(DomainError) as exc:
        services.referral_create(actor=world.sw, case=kase, service=ifs, reason="Again")
    assert "service" in exc.value.errors


@freeze_time("2025-06-30 12:00")
def test_exploitation_team_takes_young_people_up_to_25_but_not_26(world):
    service = ServiceFactory(kind=Service.Kind.EXPLOITATION_MISSING, max_age=25, min_age=10)
    young_adult = ChildFactory(date_of_birth=datetime.date(2000, 1, 1))  # 25 on 30 June 2025
    too_old = ChildFactory(date_of_birth=datetime.date(1999, 6, 29))  # 26
    from familyhelp.people.tests.factories import InvolvementFactory

    for person in (young_adult, too_old):
        InvolvementFactory(person=person, worker=world.sw, start_date=datetime.date(2024, 1, 1))
    ok = services.referral_create(
        actor=world.sw, case=open_case(world, person=young_adult), service=service, reason="CE"
    )
    assert ok.status == S.REQUESTED
    with pytest.raises(DomainError, match="aged up to 25"):
        services.referral_create(actor=world.sw, case=open_case(world, person=too_old), service=service, reason="CE")


def test_accepting_when_full_puts_the_child_on_the_waiting_list_and_start_is_refused(world, ifs):
    from familyhelp.people.tests.factories import InvolvementFactory

    for _ in range(2):  # capacity 2, both in use
        child = ChildFactory()
        InvolvementFactory(person=child, worker=world.sw, start_date=datetime.date(2024, 1, 1))
        StartedReferralFactory(service=ifs, case=open_case(world, person=child), requested_by=world.sw)
    assert selectors.capacity_used(ifs).is_full
    r = ReferralFactory(
        service=ifs,
        case=open_case(world),
        requested_by=world.sw,
        requested_on=datetime.date.today() - datetime.timedelta(days=9),
    )
    r = services.referral_decide(actor=world.specialist, referral=r, accept=True, expected_version=1)
    assert r.status == S.WAITING
    assert [(row.referral.pk, row.waiting_days) for row in selectors.waiting_list(ifs)] == [(r.pk, 9)]
    with pytest.raises(DomainError, match="full"):
        services.referral_start(actor=world.specialist, referral=r, expected_version=2)


def test_a_stale_version_is_refused(world, ifs, kase):
    r = ReferralFactory(service=ifs, case=kase, requested_by=world.sw)
    services.referral_decide(actor=world.specialist, referral=r, accept=True, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.referral_withdraw(actor=world.sw, referral=r, reason="No longer needed", expected_version=1)
    r.refresh_from_db()
    assert r.status == S.ACCEPTED


def test_fgc_plan_and_spot_purchase_details(world, kase):
    fgc = ServiceFactory(kind=Service.Kind.FGC, team=world.specialist.team)
    r = StartedReferralFactory(service=fgc, case=kase, requested_by=world.sw)
    with pytest.raises(DomainError) as exc:
        services.referral_record_details(actor=world.specialist, referral=r, expected_version=1, fgc_plan="Nan helps")
    assert "fgc_plan_agreed_on" in exc.value.errors
    with pytest.raises(DomainError):
        services.referral_record_details(actor=world.specialist, referral=r, expected_version=1, provider="X Ltd")
    r = services.referral_record_details(
        actor=world.specialist,
        referral=r,
        expected_version=1,
        fgc_plan_agreed_on=datetime.date.today(),
        fgc_plan="Nan collects from school",
    )
    assert r.fgc_plan == "Nan collects from school" and r.version == 2
    therapy = ServiceFactory(kind=Service.Kind.THERAPEUTIC, spot_purchase=True, team=world.specialist.team)
    t = StartedReferralFactory(service=therapy, case=kase, requested_by=world.sw)
    t = services.referral_record_details(
        actor=world.specialist, referral=t, expected_version=1, provider="Play therapy CIC", cost=Decimal("1450.00")
    )
    assert (t.provider, t.cost) == ("Play therapy CIC", Decimal("1450.00"))


def test_sessions_only_once_started(world, ifs, kase):
    r = ReferralFactory(service=ifs, case=kase, requested_by=world.sw)
    with pytest.raises(DomainError):
        services.contact_record(actor=world.specialist, referral=r, on=datetime.date.today(), kind="session")


@freeze_time("2025-03-31 12:00")
def test_short_breaks_beds_and_monthly_occupancy_worked_by_hand(world):
    """2 beds. March 2025 has 31 days, so 62 bed-nights are available.
    A: planned, 1 to 8 March = 7 nights. B: emergency, 5 to 12 March = 7 nights. C: crisis on 28 February to
    3 March = 2 nights in March (1 and 2 March) and 1 in February (28th). Total March: 7 + 7 + 2 = 16 of 62 =
    25.8%. February has 28 days: 1 bed-night of 56."""
    from familyhelp.people.tests.factories import InvolvementFactory

    breaks = ServiceFactory(
        kind=Service.Kind.SHORT_BREAKS, capacity=2, capacity_unit="beds", team=world.specialist.team
    )
    refs = []
    for _ in range(3):
        child = ChildFactory()
        InvolvementFactory(person=child, worker=world.sw, start_date=datetime.date(2024, 1, 1))
        refs.append(
            StartedReferralFactory(
                service=breaks,
                case=open_case(world, person=child),
                requested_by=world.sw,
                requested_on=datetime.date(2025, 1, 1),
                started_on=datetime.date(2025, 2, 1),
            )
        )
    a, b, c = refs
    services.admission_record(
        actor=world.specialist,
        referral=c,
        admitted_on=datetime.date(2025, 2, 28),
        left_on=datetime.date(2025, 3, 3),
        kind="crisis",
        late_reason=LATE,
    )
    services.admission_record(
        actor=world.specialist,
        referral=a,
        admitted_on=datetime.date(2025, 3, 1),
        left_on=datetime.date(2025, 3, 8),
        kind="planned",
        late_reason=LATE,
    )
    with pytest.raises(DomainError, match="Every bed is taken"):  # A and C in the two beds on 2 March
        services.admission_record(
            actor=world.specialist,
            referral=b,
            admitted_on=datetime.date(2025, 3, 2),
            kind="emergency",
            late_reason=LATE,
        )
    services.admission_record(
        actor=world.specialist,
        referral=b,
        admitted_on=datetime.date(2025, 3, 5),
        left_on=datetime.date(2025, 3, 12),
        kind="emergency",
        late_reason=LATE,
    )
    rows = {row.month.month: row for row in selectors.occupancy(breaks, 2025)}
    assert (rows[3].bed_nights, rows[3].available, round(rows[3].percent, 1)) == (16, 62, 25.8)
    assert (rows[3].planned, rows[3].emergency, rows[3].crisis) == (1, 1, 0)
    assert (rows[2].bed_nights, rows[2].available, rows[2].crisis) == (1, 56, 1)
    assert rows[4].bed_nights == 0
    with pytest.raises(DomainError, match="already has a short break"):
        services.admission_record(
            actor=world.specialist, referral=a, admitted_on=datetime.date(2025, 3, 7), kind="planned", late_reason=LATE
        )
