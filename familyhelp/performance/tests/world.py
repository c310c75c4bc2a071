"""Small builders for hand-worked measure tests: each creates only the columns the measures read."""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from familyhelp.accounts.tests.factories import LocalAuthorityFactory, TeamFactory, UserFactory
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CINEpisode,
    LevelChange,
    LookedAfterEpisode,
    Plan,
    S47Enquiry,
    StrategyDiscussion,
)
from familyhelp.frontdoor.models import Contact, ThresholdDecision, ThresholdDocument
from familyhelp.people.tests.factories import ChildFactory

D = datetime.date
LONDON = ZoneInfo("Europe/London")
_refs = itertools.count(1)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime.datetime:
    """A moment in UK local time."""
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def council(population: int = 10_000) -> Any:
    return LocalAuthorityFactory(child_population=population)


def child(**kwargs: Any) -> Any:
    return ChildFactory(**kwargs)


def case(
    person: Any = None,
    *,
    level: int = 4,
    opened: datetime.date = datetime.date(2024, 1, 1),  # noqa: B008 (immutable)
    team: Any = None,
    worker: Any = None,
    closed: datetime.date | None = None,
) -> Case:
    return Case.objects.create(
        reference=f"PCASE{next(_refs)}",
        person=person or child(),
        level=level,
        opened_on=opened,
        status=Case.Status.CLOSED if closed else Case.Status.OPEN,
        closed_on=closed,
        team=team,
        worker=worker,
    )


def episode(
    kase: Case, referred: datetime.date, *, closed: datetime.date | None = None, source: str = "6"
) -> CINEpisode:
    return CINEpisode.objects.create(
        case=kase,
        person=kase.person,
        referral_date=referred,
        referral_source=source,
        primary_need="N1",
        closed_on=closed,
        closure_reason="RC1" if closed else "",
    )


def assessment(
    kase: Case,
    *,
    kind: str = Assessment.Kind.SINGLE,
    started: datetime.date,
    authorised: datetime.date | None,
    outcome: str = "",
) -> Assessment:
    return Assessment(
        case=kase,
        person=kase.person,
        kind=kind,
        started_on=started,
        due_on=started,
        status=Assessment.Status.AUTHORISED if authorised else Assessment.Status.IN_PROGRESS,
        completed_on=authorised,
        authorised_on=authorised,
        outcome=outcome,
    )


def s47(
    kase: Case,
    ep: CINEpisode,
    *,
    started: datetime.date,
    icpc: datetime.date | None,
    outcome: str = S47Enquiry.Outcome.ICPC,
) -> S47Enquiry:
    sd = StrategyDiscussion.objects.create(
        case=kase, cin_episode=ep, person=kase.person, held_on=started, decision="s47"
    )
    return S47Enquiry.objects.create(
        case=kase,
        cin_episode=ep,
        person=kase.person,
        strategy_discussion=sd,
        started_on=started,
        icpc_due_on=started,
        outcome=outcome,
        icpc_on=icpc,
    )


def cp_plan(kase: Case, *, started: datetime.date, ended: datetime.date | None = None, previous: int = 0) -> Plan:
    return Plan.objects.create(
        case=kase,
        person=kase.person,
        kind=Plan.Kind.CP,
        started_on=started,
        ended_on=ended,
        previous_cp_plans=previous,
        initial_category="NEG",
        latest_category="NEG",
    )


def looked_after(
    kase: Case,
    *,
    started: datetime.date,
    ended: datetime.date | None = None,
    uasc: bool = False,
    plan: Plan | None = None,
) -> LookedAfterEpisode:
    plan = plan or Plan.objects.create(case=kase, person=kase.person, kind=Plan.Kind.LAC, started_on=started)
    return LookedAfterEpisode.objects.create(
        plan=plan,
        person=kase.person,
        started_on=started,
        ended_on=ended,
        uasc=uasc,
        legal_status="C2",
        placement_type="U1",
    )


def level_change(kase: Case, on: datetime.date, direction: str, by: Any) -> LevelChange:
    up = direction == "up"
    return LevelChange.objects.create(
        case=kase,
        from_level=3 if up else 4,
        to_level=4 if up else 3,
        direction=direction,
        changed_on=on,
        reason="Hand-worked",
        requested_by=by,
        authorised_by=by,
    )


def allocation(kase: Case, worker: Any, *, started: datetime.date, ended: datetime.date | None = None) -> Allocation:
    return Allocation.objects.create(case=kase, worker=worker, team=worker.team, started_on=started, ended_on=ended)


def contact(
    received: datetime.datetime,
    *,
    source: str = "6",
    postcode: str = "B90 1AA",
    decided: datetime.datetime | None = None,
    due: datetime.datetime | None = None,
) -> Contact:
    return Contact.objects.create(
        reference=f"PCON{next(_refs)}",
        received_at=received,
        referral_source=source,
        child_postcode=postcode,
        concerns="Worried.",
        consent=Contact.Consent.GIVEN,
        decision_due_at=due or received + datetime.timedelta(days=1),
        decided_at=decided,
    )


def decision(con: Contact, outcome: str, authorised: datetime.datetime, by: Any, level: int = 4) -> ThresholdDecision:
    document = ThresholdDocument.objects.first() or ThresholdDocument.objects.create(
        number=1, title="Threshold", status=ThresholdDocument.Status.PUBLISHED, in_force_from=D(2020, 1, 1)
    )
    return ThresholdDecision.objects.create(
        contact=con,
        threshold_document=document,
        level=level,
        outcome=outcome,
        rationale="Hand-worked",
        proposed_by=by,
        proposed_at=authorised,
        status=ThresholdDecision.Status.AUTHORISED,
        authorised_by=by,
        authorised_at=authorised,
    )


def worker(**kwargs: Any) -> Any:
    kwargs.setdefault("date_joined", at(2020, 1, 6))
    return UserFactory(**kwargs)


def team(**kwargs: Any) -> Any:
    return TeamFactory(**kwargs)
