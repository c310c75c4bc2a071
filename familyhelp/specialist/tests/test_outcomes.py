"""Outcome tracking on a hand-built cohort, every figure worked by hand in the comments.

Intensive family support (IFS) referrals that ENDED in 2024-Q1 (1 January to 31 March 2024):

  child  ended        afterwards                                        3m  6m  12m  re-referred
  A      31 Jan 2024  looked after from 31 Mar 2024 (2 months later)    yes yes yes  no  (a CIN referral in
                      2023 is before the end, so not a re-referral)
  B      15 Feb 2024  looked after from 15 Jul 2024 (5 months)          no  yes yes  no
  C      10 Mar 2024  looked after from 10 Apr 2025 (13 months)         no  no  no   no
  D      31 Mar 2024  new CIN referral 1 Sep 2024                       no  no  no   yes
  E       1 Feb 2024  short-break care (V3) from 10 Feb 2024: not       no  no  no   no  (CIN referral on
                      becoming looked after                                              2 Feb 2025 = 12 months
                                                                                         and a day: too late)
  H      20 Mar 2024  looked after the same day (the service ended      yes yes yes  no
                      because the child came into care)

Not in the IFS cohort: F (IFS ended 1 Apr 2024, Q2) and G (an FGC referral, ended 5 Mar 2024, looked after
from 1 May 2024). A referral that ended twice for the same child and service counts once (A's earlier IFS
referral ended 3 Jan 2024, so A is one child).

IFS 2024-Q1: 6 children. Looked after within 3 months: A, H = 2 (33%); 6 months: A, B, H = 3 (50%);
12 months: A, B, H = 3 (50%) — C's 13 months falls outside. Re-referred within 12 months: D = 1 (17%).
All services 2024-Q1 (the measures library): 7 children (G added; G ended 5 Mar and was looked after from 1 May,
within 3 months). Looked after within 3 months: A, G, H = 3 of 7 (43%); 6 months: A, B, G, H = 4 (57%); 12 months:
4 (57%). Re-referred: D = 1 (14%).
"""

from __future__ import annotations

import datetime

import pytest

from familyhelp.people.tests.factories import ChildFactory, InvolvementFactory
from familyhelp.performance.facts import Facts
from familyhelp.performance.filters import Filters
from familyhelp.performance.measures import MEASURES, evaluate, figure_of
from familyhelp.performance.periods import parse_period
from familyhelp.performance.tests import world as pw
from familyhelp.specialist.models import Service
from familyhelp.specialist.outcomes import MEASURE, add_months, service_outcomes
from familyhelp.specialist.tests.factories import EndedReferralFactory, ServiceFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(world):
    ifs = ServiceFactory(name="IFS", kind=Service.Kind.INTENSIVE_FAMILY_SUPPORT)
    fgc = ServiceFactory(name="FGC", kind=Service.Kind.FGC)
    cases = {}
    for name in "ABCDEFGH":
        child = ChildFactory(given_names=name)
        InvolvementFactory(person=child, worker=world.sw, start_date=D(2023, 1, 1))
        cases[name] = pw.case(child, opened=D(2023, 1, 1))

    def ended(name, on, service=ifs):
        EndedReferralFactory(
            service=service,
            case=cases[name],
            requested_by=world.sw,
            requested_on=D(2023, 6, 1),
            started_on=D(2023, 7, 1),
            ended_on=on,
        )

    ended("A", D(2024, 1, 3))
    ended("A", D(2024, 1, 31))
    pw.episode(cases["A"], D(2023, 2, 1), closed=D(2023, 5, 1))
    pw.looked_after(cases["A"], started=D(2024, 3, 31))
    ended("B", D(2024, 2, 15))
    pw.looked_after(cases["B"], started=D(2024, 7, 15))
    ended("C", D(2024, 3, 10))
    pw.looked_after(cases["C"], started=D(2025, 4, 10))
    ended("D", D(2024, 3, 31))
    pw.episode(cases["D"], D(2024, 9, 1))
    ended("E", D(2024, 2, 1))
    short_break = pw.looked_after(cases["E"], started=D(2024, 2, 10))
    short_break.legal_status = "V3"
    short_break.save()
    pw.episode(cases["E"], D(2025, 2, 2))
    ended("F", D(2024, 4, 1))
    pw.looked_after(cases["F"], started=D(2024, 4, 15))
    ended("G", D(2024, 3, 5), service=fgc)
    pw.looked_after(cases["G"], started=D(2024, 5, 1))
    ended("H", D(2024, 3, 20))
    pw.looked_after(cases["H"], started=D(2024, 3, 20))
    return ifs, fgc


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(D(2024, 3, 10), 3) == D(2024, 6, 10)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)


def test_ifs_outcomes_match_the_hand_worked_figures(cohort):
    ifs, _fgc = cohort
    o = service_outcomes(D(2024, 1, 1), D(2024, 3, 31), services=[ifs], today=D(2025, 6, 30))
    assert o.ended == 6
    assert o.looked_after == {3: 2, 6: 3, 12: 3}
    assert o.rereferred == 1
    assert o.complete  # 31 Mar 2025 is before 30 Jun 2025
    assert [(label, n, round(p)) for label, n, p in o.rows()] == [
        ("Became looked after within 3 months", 2, 33),
        ("Became looked after within 6 months", 3, 50),
        ("Became looked after within 12 months", 3, 50),
        ("Re-referred within 12 months", 1, 17),
    ]


def test_a_window_not_yet_passed_is_marked_incomplete(cohort):
    ifs, _fgc = cohort
    o = service_outcomes(D(2024, 1, 1), D(2024, 3, 31), services=[ifs], today=D(2024, 8, 1))
    assert not o.complete


def test_the_measure_is_registered_and_counts_every_service(cohort):
    assert MEASURES["specialist-service-outcomes"] is MEASURE
    q1 = parse_period("2024-Q1")
    figures = evaluate(MEASURE, Facts(), [q1], today=D(2025, 6, 30))[q1]
    values = {f.key: (f.numerator, round(f.value)) for f in figures}
    assert values == {
        "total": (7, 7),
        "looked-after-3m": (3, 43),  # A, G, H of 7
        "looked-after-6m": (4, 57),  # A, B, G, H
        "looked-after-12m": (4, 57),
        "rereferred-12m": (1, 14),  # D
    }
    assert figure_of(figures, MEASURE.headline).numerator == 4
    records = MEASURE.records(Facts(), q1, "rereferred-12m", D(2025, 6, 30))
    assert len(records.ids) == 1 and records.kind == "case"


def test_the_measure_is_unavailable_under_a_filter(cohort, world):
    q1 = parse_period("2024-Q1")
    assert evaluate(MEASURE, Facts(filters=Filters(team=world.team_a.pk.hex)), [q1]) is None
