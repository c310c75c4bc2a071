"""A small hand-built council for the Annex A tests: four children whose events sit in, on and just outside
the period 1 April 2025 – 31 March 2026, so each list's rows can be asserted exactly."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from familyhelp.casework.models import (
    Assessment,
    Case,
    CINEpisode,
    LookedAfterEpisode,
    Plan,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.frontdoor.models import Contact
from familyhelp.people.models import PersonDisability
from familyhelp.people.tests.factories import ChildFactory

D = datetime.date
START, END = D(2025, 4, 1), D(2026, 3, 31)
LONDON = ZoneInfo("Europe/London")


def _at(y: int, m: int, d: int, hh: int, mm: int) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def _contact(ref: str, child: Any, received: datetime.datetime, source: str = "2A") -> Contact:
    return Contact.objects.create(
        reference=ref,
        child=child,
        received_at=received,
        decision_due_at=received + datetime.timedelta(days=1),
        referral_source=source,
        concerns="Worried about the child.",
        consent=Contact.Consent.GIVEN,
    )


def _case(ref: str, child: Any, level: int, opened: datetime.date, w: Any) -> Case:
    return Case.objects.create(
        reference=ref,
        person=child,
        level=level,
        status=Case.Status.OPEN,
        opened_on=opened,
        team=w.team_a,
        worker=w.sw,
        allocated_on=opened,
    )


def build(w: Any) -> SimpleNamespace:
    """Children A (referral → assessment → S47 → CP plan), B (early help), C (looked after) and D (NFA referral)."""
    x = SimpleNamespace()
    # --- A: Ava, two CIN episodes (one closing in the period, one starting in it) -------------------------
    x.a = ChildFactory(reference="AX0001", sex="M", ethnicity="WBRI", date_of_birth=D(2015, 6, 15))
    PersonDisability.objects.create(person=x.a, code="MOB")
    _contact("CON1", x.a, _at(2025, 4, 1, 0, 30))  # first minute of the period (BST): in
    _contact("CON2", x.a, _at(2025, 3, 31, 23, 30))  # the evening before: out
    _contact("CON3", x.a, _at(2026, 4, 1, 0, 10))  # the day after: out
    _contact("CON4", None, _at(2025, 5, 1, 9, 0))  # no child identified: data quality, not list 1
    x.case_a = _case("CASEA", x.a, 4, D(2024, 6, 1), w)
    x.ep_a1 = CINEpisode.objects.create(
        case=x.case_a,
        person=x.a,
        referral_date=D(2024, 6, 1),
        referral_source="6",
        primary_need="N1",
        closed_on=D(2025, 4, 30),
        closure_reason="RC7",
    )
    x.ep_a2 = CINEpisode.objects.create(
        case=x.case_a, person=x.a, referral_date=D(2025, 6, 1), referral_source="2A", primary_need="N1"
    )
    Assessment.objects.create(
        case=x.case_a,
        cin_episode=x.ep_a2,
        person=x.a,
        kind=Assessment.Kind.SINGLE,
        status=Assessment.Status.AUTHORISED,
        started_on=D(2025, 6, 2),
        due_on=D(2025, 8, 4),
        child_seen_on=D(2025, 6, 5),
        completed_on=D(2025, 6, 30),
        authorised_on=D(2025, 7, 1),
    )
    sd = StrategyDiscussion.objects.create(
        case=x.case_a, cin_episode=x.ep_a2, person=x.a, held_on=D(2025, 7, 10), decision="s47"
    )
    x.s47 = S47Enquiry.objects.create(
        case=x.case_a,
        cin_episode=x.ep_a2,
        person=x.a,
        strategy_discussion=sd,
        started_on=D(2025, 7, 10),
        icpc_due_on=D(2025, 7, 31),
        concluded_on=D(2025, 7, 25),
        outcome=S47Enquiry.Outcome.ICPC,
        icpc_on=D(2025, 7, 28),
        icpc_outcome=S47Enquiry.ConferenceOutcome.CP_PLAN,
    )
    x.cp = Plan.objects.create(
        case=x.case_a,
        cin_episode=x.ep_a2,
        person=x.a,
        kind=Plan.Kind.CP,
        started_on=D(2025, 7, 28),
        s47_enquiry=x.s47,
        initial_category="NEG",
        latest_category="EMO",
    )
    PlanReview.objects.create(plan=x.cp, held_on=D(2025, 10, 20), outcome="continue", next_due_on=D(2026, 4, 20))
    Visit.objects.create(case=x.case_a, person=x.a, visited_on=D(2026, 3, 31), seen="alone", visited_by=w.sw)
    Visit.objects.create(case=x.case_a, person=x.a, visited_on=D(2026, 4, 1), seen="with_others", visited_by=w.sw)
    # --- B: Bea, early help (level 3) assessments around the boundaries ---------------------------------
    x.b = ChildFactory(reference="BX0002", sex="U", ethnicity="NOBT", date_of_birth=D(2010, 1, 1))
    PersonDisability.objects.create(person=x.b, code="NONE")
    x.case_b = _case("CASEB", x.b, 3, D(2025, 2, 1), w)
    for started, authorised in (
        (D(2026, 3, 31), None),
        (D(2025, 3, 3), D(2025, 4, 1)),
        (D(2025, 2, 1), D(2025, 3, 31)),
    ):
        Assessment.objects.create(
            case=x.case_b,
            person=x.b,
            kind=Assessment.Kind.FAMILY_SUPPORT,
            status=Assessment.Status.AUTHORISED if authorised else Assessment.Status.IN_PROGRESS,
            started_on=started,
            due_on=started + datetime.timedelta(days=42),
            authorised_on=authorised,
        )
    # --- C: Cal, looked after: a legal-status change then a placement change in the period --------------
    x.c = ChildFactory(reference="CX0003", sex="F", ethnicity="BAFR", date_of_birth=D(2012, 2, 29))
    x.case_c = _case("CASEC", x.c, 4, D(2024, 1, 10), w)
    x.ep_c = CINEpisode.objects.create(
        case=x.case_c, person=x.c, referral_date=D(2024, 1, 10), referral_source="5A", primary_need="N4"
    )
    Assessment.objects.create(  # authorised without the date the child was seen: data quality
        case=x.case_c,
        cin_episode=x.ep_c,
        person=x.c,
        kind=Assessment.Kind.SINGLE,
        status=Assessment.Status.AUTHORISED,
        started_on=D(2025, 3, 1),
        due_on=D(2025, 5, 2),
        authorised_on=D(2025, 4, 2),
    )
    x.lac = Plan.objects.create(
        case=x.case_c, cin_episode=x.ep_c, person=x.c, kind=Plan.Kind.LAC, started_on=D(2024, 2, 1)
    )
    PlanReview.objects.create(plan=x.lac, held_on=D(2025, 11, 3), outcome="continue")
    chain = [
        (D(2024, 2, 1), D(2025, 5, 1), "V2", "U6", "AB1 2CD"),
        (D(2025, 5, 1), D(2025, 9, 1), "C2", "U6", "AB1 2CD"),
        (D(2025, 9, 1), None, "C2", "K2", ""),
    ]
    for started, ended, legal, placement, postcode in chain:
        LookedAfterEpisode.objects.create(
            plan=x.lac,
            person=x.c,
            started_on=started,
            ended_on=ended,
            reason_ended="X1" if ended else "",
            legal_status=legal,
            placement_type=placement,
            placement_postcode=postcode,
        )
    Visit.objects.create(case=x.case_c, person=x.c, visited_on=D(2026, 2, 2), seen="alone", visited_by=w.sw)
    # --- D: Dan, referred on the last day, closed NFA the same day; referred again the next day ----------
    x.d = ChildFactory(reference="DX0004", sex="M", ethnicity="WBRI", date_of_birth=D(2026, 1, 5))
    x.case_d = _case("CASED", x.d, 4, D(2026, 3, 31), w)
    CINEpisode.objects.create(
        case=x.case_d,
        person=x.d,
        referral_date=D(2026, 3, 31),
        referral_source="",
        primary_need="N9",
        closed_on=D(2026, 3, 31),
        closure_reason="RC8",
    )
    CINEpisode.objects.create(
        case=x.case_d, person=x.d, referral_date=D(2026, 4, 1), referral_source="6", primary_need="N1"
    )
    return x
