"""Every measure on small hand-worked fixtures. The expected figures are worked by hand in the comments;
none is computed by the code under test."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.casework.models import Assessment
from familyhelp.core import calendar
from familyhelp.performance import engine
from familyhelp.performance.facts import Facts
from familyhelp.performance.filters import Filters
from familyhelp.performance.measures import MEASURES, Figure, evaluate
from familyhelp.performance.periods import Period, parse_period

from . import world as w

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 25)
Q1_2025 = parse_period("2025-Q1")  # 1 January to 31 March 2025
Q2_2025 = parse_period("2025-Q2")  # 1 April to 30 June 2025


def figures(key: str, period: Period, filters: Filters | None = None) -> dict[str, Figure]:
    values = evaluate(MEASURES[key], Facts(filters=filters or Filters()), [period], TODAY)
    assert values is not None
    return {f.key: f for f in values[period]}


def test_family_support_outcomes_give_the_seed_figures() -> None:
    """Solihull: of 217 family support assessments, 149 led to a plan, 10 stepped up and 55 closed.
    149/217 = 68.66% -> 69%; 10/217 = 4.61% -> 5%; 55/217 = 25.35% -> 25% (3 had no outcome recorded)."""
    kase = w.case(level=3)
    outcomes = ["plan"] * 149 + ["step_up"] * 10 + ["close"] * 55 + [""] * 3
    rows = [
        w.assessment(
            kase, kind=Assessment.Kind.FAMILY_SUPPORT, started=D(2025, 1, 2), authorised=D(2025, 2, 3), outcome=o
        )
        for o in outcomes
    ]
    # one authorised the day after the quarter: not counted
    rows.append(
        w.assessment(kase, kind="family_support", started=D(2025, 3, 1), authorised=D(2025, 4, 1), outcome="plan")
    )
    Assessment.objects.bulk_create(rows)
    got = figures("family-support-outcomes", Q1_2025)
    assert got["total"].numerator == 217
    assert (got["plan"].numerator, got["plan"].display) == (149, "69%")
    assert (got["step_up"].numerator, got["step_up"].display) == (10, "5%")
    assert (got["closed"].numerator, got["closed"].display) == (55, "25%")


def test_single_assessments_within_45_working_days_from_the_day_after_a_bank_holiday() -> None:
    """A referral on Tuesday 22 April 2025, the day after Easter Monday, assessed from that day.
    Working days after it: 23-25 Apr (3), 28-30 Apr (6), 1-2 May (8), 6-9 May (12; 5 May is a bank holiday),
    12-16 (17), 19-23 (22), 27-30 May (26; 26 May is a bank holiday), 2-6 Jun (31), 9-13 (36), 16-20 (41),
    23-26 Jun (45). So authorised Thursday 26 June = 45 working days: in time; Friday 27 June = 46: late.
    Two more: 10 and 20 working days. Days [10, 20, 45, 46]: 3 of 4 in time = 75%; median (20+45)/2 = 32.5;
    quartiles by linear interpolation: 10 + 0.75*10 = 17.5 and 45 + 0.25*1 = 45.25."""
    assert calendar.working_days_between(D(2025, 4, 22), D(2025, 6, 26)) == 45  # the calendar agrees
    kase = w.case()
    w.episode(kase, D(2025, 4, 22))
    Assessment.objects.bulk_create(
        [
            w.assessment(kase, started=D(2025, 4, 22), authorised=D(2025, 6, 26)),  # 45
            w.assessment(kase, started=D(2025, 4, 22), authorised=D(2025, 6, 27)),  # 46
            w.assessment(kase, started=D(2025, 6, 2), authorised=D(2025, 6, 16)),  # 10 (3-6, 9-13, 16 June)
            w.assessment(kase, started=D(2025, 5, 30), authorised=D(2025, 6, 27)),  # 20 (2-6,9-13,16-20,23-27)
            w.assessment(kase, started=D(2025, 6, 2), authorised=None),  # not authorised: not counted
            w.assessment(kase, kind="family_support", started=D(2025, 4, 1), authorised=D(2025, 4, 2)),  # not single
        ]
    )
    got = figures("assessment-timeliness", Q2_2025)
    assert (got["total"].numerator, got["in_time"].numerator, got["in_time"].display) == (4, 3, "75%")
    assert got["median"].value == 32.5
    assert got["q1"].value == 17.5
    assert got["q3"].value == 45.25


def test_rereferrals_dfe_definition_and_after_closure_variant() -> None:
    """Q1 2025 referrals: X (10 Mar 2025; previous 10 Mar 2024, exactly a year before: counts),
    Y (10 Mar 2025; previous 9 Mar 2024, a year and a day: does not; that episode closed 1 Dec 2024),
    Z (1 Feb 2025, first referral). DfE: 1 of 3 = 33%. Within 12 months of closure: X's earlier episode
    closed 1 May 2024 and Y's 1 Dec 2024, both within the year before: 2 of 3 = 67%."""
    x, y, z = w.case(), w.case(), w.case()
    w.episode(x, D(2024, 3, 10), closed=D(2024, 5, 1))
    w.episode(x, D(2025, 3, 10))
    w.episode(y, D(2024, 3, 9), closed=D(2024, 12, 1))
    w.episode(y, D(2025, 3, 10))
    w.episode(z, D(2025, 2, 1))
    dfe = figures("rereferrals", Q1_2025)
    assert (dfe["total"].numerator, dfe["rereferral"].numerator, dfe["rereferral"].display) == (3, 1, "33%")
    closure = figures("rereferrals-after-closure", Q1_2025)
    assert (closure["after_closure"].numerator, closure["after_closure"].display) == (2, "67%")


def test_children_in_need_at_a_date_with_a_case_across_the_boundary_and_two_episodes() -> None:
    """At 31 March 2025: A had an episode 1 Dec 2024 - 10 Feb 2025 and a second from 1 Mar 2025 (open: 1);
    B's episode from 1 Nov 2024 closed ON 31 March (not open at the date: 0); C referred 1 Apr 2025 (later: 0);
    D referred 15 Jan 2025, open (1). Children in need = 2; rate per 10,000 of 10,000 children = 2.0.
    Closed in the quarter: A's first (referred 1 Dec, closed 10 Feb, before 1 Mar = 3 months: within) and
    B's (referred 1 Nov, closed 31 Mar, after 1 Feb: not) -> 1 of 2 = 50%. Referrals in Q1: A's second, D's = 2."""
    w.council(population=10_000)
    a, b, c, d = w.case(), w.case(), w.case(), w.case()
    w.episode(a, D(2024, 12, 1), closed=D(2025, 2, 10))
    w.episode(a, D(2025, 3, 1))
    w.episode(b, D(2024, 11, 1), closed=D(2025, 3, 31))
    w.episode(c, D(2025, 4, 1))
    w.episode(d, D(2025, 1, 15))
    cin = figures("children-in-need", Q1_2025)
    assert cin["total"].numerator == 2
    assert cin["rate"].value == pytest.approx(2.0)
    closing = figures("cin-closed-3-months", Q1_2025)
    assert (closing["total"].numerator, closing["within_3_months"].numerator, closing["within_3_months"].display) == (
        2,
        1,
        "50%",
    )
    assert figures("referrals", Q1_2025)["total"].numerator == 2
    # the previous quarter (Q4 2024) ends 31 Dec 2024: A's first episode and B's are open -> 2
    assert figures("children-in-need", Q1_2025.previous())["total"].numerator == 2


def test_cp_plans_starting_and_repeat_plans() -> None:
    """Plans starting in Q1 2025: P's second (its first ended 30 Jun 2023, within two years of 1 Feb 2025),
    Q's (a plan in another council: previous_cp_plans = 1), R's first, S's second (first ended 31 Dec 2022,
    more than two years before 15 Mar 2025). 4 plans; repeats 3 = 75%; within two years 1 = 25%.
    On plans at 31 March 2025: P, Q, R, S = 4 (P's first ended)."""
    p, q, r, s = w.case(), w.case(), w.case(), w.case()
    w.cp_plan(p, started=D(2022, 1, 1), ended=D(2023, 6, 30))
    w.cp_plan(p, started=D(2025, 2, 1))
    w.cp_plan(q, started=D(2025, 3, 1), previous=1)
    w.cp_plan(r, started=D(2025, 1, 10))
    w.cp_plan(s, started=D(2021, 6, 1), ended=D(2022, 12, 31))
    w.cp_plan(s, started=D(2025, 3, 15))
    got = figures("cp-plans-starting", Q1_2025)
    assert got["total"].numerator == 4
    assert (got["repeat"].numerator, got["repeat"].display) == (3, "75%")
    assert (got["repeat_2y"].numerator, got["repeat_2y"].display) == (1, "25%")
    assert figures("child-protection", Q1_2025)["total"].numerator == 4


def test_section_47_and_icpc_within_15_working_days() -> None:
    """Both enquiries start Tuesday 22 April 2025 (after Easter Monday). Working days after it: 23-25 Apr (3),
    28-30 (6), 1-2 May (8), 6-9 May (12; 5 May bank holiday), 12 (13), 13 (14), 14 (15), 15 (16).
    ICPC on 14 May = 15: in time; on 15 May = 16: late. A third enquiry ends without a conference.
    S47s started in Q2: 3, 2 to ICPC (67%); ICPCs in Q2: 2, 1 in time = 50%."""
    kase = w.case()
    ep = w.episode(kase, D(2025, 4, 22))
    w.s47(kase, ep, started=D(2025, 4, 22), icpc=D(2025, 5, 14))
    w.s47(kase, ep, started=D(2025, 4, 22), icpc=D(2025, 5, 15))
    w.s47(kase, ep, started=D(2025, 5, 1), icpc=None, outcome="nfa")
    started = figures("section-47", Q2_2025)
    assert (started["total"].numerator, started["to_icpc"].numerator) == (3, 2)
    timely = figures("icpc-timeliness", Q2_2025)
    assert (timely["total"].numerator, timely["in_time"].numerator, timely["in_time"].display) == (2, 1, "50%")


def test_looked_after_local_and_uasc_at_a_date() -> None:
    """At 31 March 2025: L1 placed 1 Jan, moved 1 Feb (two episodes, one child: 1 local); L2 local from
    1 Mar; U1 UASC from 15 Feb; E left care 31 Mar (not counted); F came into care 1 Apr (not counted).
    Looked after = 3: local 2, UASC 1; per 10,000 of 60,000 children = 0.5."""
    w.council(population=60_000)
    l1, l2, u1, e, f = w.case(), w.case(), w.case(), w.case(), w.case()
    first = w.looked_after(l1, started=D(2025, 1, 1), ended=D(2025, 2, 1))
    w.looked_after(l1, started=D(2025, 2, 1), plan=first.plan)
    w.looked_after(l2, started=D(2025, 3, 1))
    w.looked_after(u1, started=D(2025, 2, 15), uasc=True)
    w.looked_after(e, started=D(2024, 6, 1), ended=D(2025, 3, 31))
    w.looked_after(f, started=D(2025, 4, 1))
    got = figures("looked-after", Q1_2025)
    assert (got["total"].numerator, got["local"].numerator, got["uasc"].numerator) == (3, 2, 1)
    assert got["rate"].value == pytest.approx(0.5)


def test_conversion_and_the_decision_clock_and_contacts_by_source() -> None:
    """Contacts: four in Q1 2025 (police, police, school, GP) and one received 31 Mar 2025 23:30 UTC, which is
    00:30 on 1 April in the UK (BST): Q2. Police 2 of 4 = 50%.
    Decisions authorised in Q1 on those four: single assessment, strategy discussion, NFA, family support:
    statutory 2 of 4 = 50% (S17 25%, S47 25%).
    Decided within the clock: three decided before their due time, one after: 3 of 4 = 75%."""
    manager = w.worker(role="team_manager")
    due = w.at(2025, 2, 4, 17, 0)
    cons = [
        w.contact(w.at(2025, 2, 3), source="6", decided=w.at(2025, 2, 3, 15), due=due),
        w.contact(w.at(2025, 2, 3), source="6", decided=w.at(2025, 2, 4, 16), due=due),
        w.contact(w.at(2025, 2, 3), source="2A", decided=w.at(2025, 2, 4, 9), due=due),
        w.contact(w.at(2025, 2, 3), source="3A", decided=w.at(2025, 2, 5, 9), due=due),  # late
    ]
    w.contact(w.at(2025, 4, 1, 0, 30), source="6")  # 31 March 23:30 UTC
    for con, outcome in zip(cons, ["single_assessment", "strategy_discussion", "nfa", "family_support"], strict=True):
        w.decision(con, outcome, con.decided_at, manager)
    contacts = figures("contacts", Q1_2025)
    assert (contacts["total"].numerator, contacts["police"].numerator, contacts["police"].display) == (4, 2, "50%")
    assert figures("contacts", Q2_2025)["total"].numerator == 1
    conversion = figures("conversion", Q1_2025)
    assert (conversion["total"].numerator, conversion["statutory"].display) == (4, "50%")
    assert (conversion["s17"].display, conversion["s47"].display) == ("25%", "25%")
    clock_ = figures("decision-clock", Q1_2025)
    assert (clock_["total"].numerator, clock_["in_time"].numerator, clock_["in_time"].display) == (4, 3, "75%")


def test_early_help_ratio_step_changes_caseloads_and_agency_rate() -> None:
    """Q1 2025: 6 family support and 2 single assessments authorised: 3.0:1.
    Level changes: 2 up, 1 down. At 31 March: W1 holds 2 cases, W2 holds 1 (W2's other ended 1 Mar):
    3 cases / 2 workers = 1.5. Social workers in post: W1, W2, an agency worker and a permanent one = 4,
    1 agency = 25% (a leaver, inactive, is not counted; nor a team manager; nor one who joined in April)."""
    kase = w.case(level=3)
    Assessment.objects.bulk_create(
        [w.assessment(kase, kind="family_support", started=D(2025, 1, 6), authorised=D(2025, 2, 1)) for _ in range(6)]
        + [w.assessment(kase, started=D(2025, 1, 6), authorised=D(2025, 2, 1)) for _ in range(2)]
    )
    ratio = figures("early-help-ratio", Q1_2025)
    assert (ratio["early_help"].numerator, ratio["statutory"].numerator, ratio["ratio"].display) == (6, 2, "3.0:1")

    w1, w2 = w.worker(), w.worker()
    w.worker(employment="agency")
    w.worker()
    w.worker(employment="agency", is_active=False)
    w.worker(role="team_manager", employment="agency")
    w.worker(employment="agency", date_joined=w.at(2025, 4, 1))
    for on, direction in ((D(2025, 1, 10), "up"), (D(2025, 2, 10), "up"), (D(2025, 3, 10), "down")):
        w.level_change(kase, on, direction, w1)
    assert {k: f.numerator for k, f in figures("step-ups-downs", Q1_2025).items()} == {"total": 3, "up": 2, "down": 1}

    for holder in (w1, w1, w2):
        w.allocation(w.case(), holder, started=D(2025, 1, 1))
    w.allocation(w.case(), w2, started=D(2025, 1, 1), ended=D(2025, 3, 1))
    caseload = figures("caseloads", Q1_2025)
    assert (caseload["cases"].numerator, caseload["workers"].numerator, caseload["average"].display) == (3, 2, "1.5")
    agency = figures("agency-rate", Q1_2025)
    assert (agency["total"].numerator, agency["agency"].numerator, agency["agency"].display) == (4, 1, "25%")


def test_filters_narrow_by_team_and_locality_and_say_when_they_do_not_apply() -> None:
    """Two CIN cases in team North and one in South at 31 March 2025: North 2, South 1. Contacts carry the
    locality of the child's postcode district: B90 is in locality One, CV1 in none."""
    one = w.team().local_authority
    from familyhelp.accounts.tests.factories import LocalityFactory

    locality = LocalityFactory(local_authority=one, name="One", postcode_districts="B90 B91")
    north, south = w.team(locality=locality), w.team()
    for holder in (north, north, south):
        w.episode(w.case(team=holder), D(2025, 1, 15))
    assert figures("children-in-need", Q1_2025, Filters(team=north.pk.hex))["total"].numerator == 2
    assert figures("children-in-need", Q1_2025, Filters(team=south.pk.hex))["total"].numerator == 1
    assert figures("children-in-need", Q1_2025, Filters(locality=locality.pk.hex))["total"].numerator == 2
    w.contact(w.at(2025, 2, 3), postcode="b90 1aa")
    w.contact(w.at(2025, 2, 3), postcode="CV1 2BB")
    assert figures("contacts", Q1_2025, Filters(locality=locality.pk.hex))["total"].numerator == 1
    # contacts are not held by a team: under a team filter the measure is not available, never unfiltered
    assert evaluate(MEASURES["contacts"], Facts(filters=Filters(team=north.pk.hex)), [Q1_2025], TODAY) is None


def test_export_rows_suppress_small_counts_and_what_is_made_from_them() -> None:
    """Three referrals in Q1 2025 (under the threshold of 5): the count and the percentages made from it are
    "c"; zero stays 0; a median of fewer than 5 assessments is "c"."""
    for _ in range(3):
        w.episode(w.case(), D(2025, 2, 1), source="6")
    report = engine.build_report(Q1_2025, keys=["referrals", "assessment-timeliness"], today=TODAY)
    rows = {(r["measure"], r["figure"], r["comparison"]): r for r in engine.export_rows(report)}
    total = rows[("referrals", "total", "current")]
    assert (total["numerator"], total["value"], total["display"], total["suppressed"]) == ("c", "c", "c", True)
    assert rows[("referrals", "police", "current")]["display"] == "c"
    assert (
        rows[("referrals", "schools", "current")]["display"] == "0%"
        or rows[("referrals", "schools", "current")]["display"] == "c"
    )
    assert rows[("referrals", "total", "previous")]["display"] == "0"
    assert rows[("assessment-timeliness", "total", "current")]["display"] == "0"
    bigger = engine.export_rows(report, threshold=3)
    assert (
        next(r for r in bigger if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current"))[
            "display"
        ]
        == "3"
    )


def test_each_measure_names_its_percentage_figures_as_it_computes_them() -> None:
    """`percent_keys()` (used to check benchmark values without data) agrees with the units computed."""
    w.episode(w.case(), D(2025, 1, 10))
    for key, measure in MEASURES.items():
        computed = figures(key, Q1_2025)
        percent = {k for k, f in computed.items() if f.unit == "percent" and not k.startswith("team-")}
        assert percent == measure.percent_keys(), key
        assert set(computed) - {k for k in computed if k.startswith("team-")} <= set(measure.figure_keys()), key


def test_report_compares_with_the_previous_period_and_a_year_earlier_and_comments() -> None:
    """Referrals: 2 in Q1 2024, 1 in Q4 2024, 4 in Q1 2025. Commentary reads the movement."""
    for on in (D(2024, 2, 1), D(2024, 3, 1), D(2024, 11, 1), *[D(2025, 1, 10)] * 4):
        w.episode(w.case(), on)
    report = engine.build_report(Q1_2025, keys=["referrals"], today=TODAY)
    m = report.get("referrals")
    assert [p.key for p, _f in m.trend] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert [f.numerator for _p, f in m.trend if f] == [2, 0, 0, 1, 4]
    assert (m.headline.numerator, m.previous[0].numerator, m.last_year[0].numerator) == (4, 1, 2)
    assert m.commentary.startswith(
        "Referrals: 4 in Jan–Mar 2025, up 3 from 1 in Oct–Dec 2024; up 2 from 2 a year earlier"
    )


def test_benchmarks_are_picked_for_the_period_and_judged_in_the_commentary() -> None:
    """Targets are data: the 2024-25 target (90%) applies to Q1 2025, not the 2025-26 one (95%)."""
    from familyhelp.performance.models import Benchmark

    Benchmark.objects.create(
        measure="assessment-timeliness",
        figure="in_time",
        kind="target",
        value=90,
        year="2024-25",
        source="Council plan",
    )
    Benchmark.objects.create(
        measure="assessment-timeliness",
        figure="in_time",
        kind="target",
        value=95,
        year="2025-26",
        source="Council plan",
    )
    Benchmark.objects.create(
        measure="assessment-timeliness",
        figure="in_time",
        kind="national",
        value=82.7,
        year="2023-24",
        source="DfE CIN 2024",
    )
    kase = w.case()
    Assessment.objects.bulk_create(
        [w.assessment(kase, started=D(2025, 1, 6), authorised=D(2025, 1, 20)) for _ in range(5)]
    )
    m = engine.build_report(Q1_2025, keys=["assessment-timeliness"], today=TODAY).get("assessment-timeliness")
    assert sorted((b.kind, b.value, b.year) for b in m.benchmarks) == [
        ("national", 82.7, "2023-24"),
        ("target", 90.0, "2024-25"),
    ]
    assert "The target is 90% (2024-25): met." in m.commentary
    assert "Above England (83%, 2023-24)." in m.commentary


def test_drill_down_returns_the_records_behind_a_figure() -> None:
    x, y = w.case(), w.case()
    w.episode(x, D(2024, 3, 10), closed=D(2024, 5, 1))
    w.episode(x, D(2025, 3, 10))
    w.episode(y, D(2025, 3, 10))
    records = engine.drill_down("rereferrals", "rereferral", Q1_2025, Filters(), today=TODAY)
    assert (records.kind, records.ids) == ("case", [x.pk.hex])
    everyone = engine.drill_down("rereferrals", "total", Q1_2025, Filters(), today=TODAY)
    assert sorted(everyone.ids) == sorted([x.pk.hex, y.pk.hex])
    with pytest.raises(KeyError):
        engine.drill_down("rereferrals", "nonsense", Q1_2025, Filters(), today=TODAY)


def test_national_figures_are_seeded_once() -> None:
    from familyhelp.performance.defaults import NATIONAL, seed_national_benchmarks
    from familyhelp.performance.models import Benchmark

    assert seed_national_benchmarks() == len(NATIONAL)
    assert seed_national_benchmarks() == 0
    row = Benchmark.objects.get(measure="assessment-timeliness", figure="in_time", year="2024-25")
    assert (str(row.value), row.kind, row.source) == (
        "85.70",
        "national",
        "DfE, Characteristics of children in need 2025",
    )
