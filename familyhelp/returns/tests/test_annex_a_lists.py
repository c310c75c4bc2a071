"""Annex A lists built from a hand-made council: every list's rows and columns asserted exactly, with events
on and just outside both ends of the period, and a child with two CIN episodes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.people.tests.factories import ChildFactory
from familyhelp.returns import annex_a as a
from familyhelp.returns.quality_annex_a import RULES, annex_a_problems
from familyhelp.returns.tests.annex_a_world import END, START, build

D = datetime.date
MALE, FEMALE, NOT_RECORDED = "a) Male", "b) Female", "c) Not stated/recorded"
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"


@pytest.fixture
def lists(world):  # type: ignore[no-untyped-def]
    world.x = build(world)
    world.alloc = {"AllocatedTeam": "North family support", "AllocatedWorker": world.sw.get_full_name()}
    world.lists = a.build_annex_a(START, END)
    return world


def _a(age: int) -> dict:  # type: ignore[type-arg]
    return {"ChildUniqueID": "AX0001", "Gender": MALE, "Ethnicity": "WBRI", "DateOfBirth": D(2015, 6, 15), "Age": age}


def test_every_list_has_the_reference_columns_in_order(lists):  # type: ignore[no-untyped-def]
    assert list(lists.lists) == a.LISTS
    for name, rows in lists.lists.items():
        for row in rows:
            assert list(row) == a.COLUMNS[name]
    assert a.COLUMNS[a.LIST_1] == [
        "ChildUniqueID",
        "Gender",
        "Ethnicity",
        "DateOfBirth",
        "Age",
        "DateOfContact",
        "ContactSource",
    ]
    assert len(a.COLUMNS[a.LIST_8]) == 38 and a.COLUMNS[a.LIST_8][7] == "LoookedAfterStartDate"
    assert "ChildUniqueID" not in a.COLUMNS[a.LIST_7] and a.COLUMNS[a.LIST_7][-5:] == [
        "PersonID",
        "CPRegID",
        "Rnk",
        "ReviewDate",
        "Team",
    ]


def test_list_1_contacts_only_inside_the_period_and_about_an_identified_child(lists):  # type: ignore[no-untyped-def]
    # 00:30 BST on 1 April is in; 23:30 on 31 March 2025 and 00:10 on 1 April 2026 are out; CON4 has no child.
    assert lists.lists[a.LIST_1] == [{**_a(9), "DateOfContact": D(2025, 4, 1), "ContactSource": "2A"}]


def test_list_2_early_help_started_or_completed_in_the_period(lists):  # type: ignore[no-untyped-def]
    bea = {"ChildUniqueID": "BX0002", "Gender": NOT_RECORDED, "Ethnicity": "NOBT", "DateOfBirth": D(2010, 1, 1)}
    assert lists.lists[a.LIST_2] == [
        {
            **bea,
            "Age": 15,
            "AssessmentStartDate": D(2025, 3, 3),
            "AssessmentCompletionDate": D(2025, 4, 1),
            "OrganisationCompletingAssessment": "North family support",
        },
        {
            **bea,
            "Age": 16,
            "AssessmentStartDate": D(2026, 3, 31),
            "AssessmentCompletionDate": None,
            "OrganisationCompletingAssessment": "North family support",
        },
    ]  # the one started 1 February and authorised 31 March 2025 is out


def test_list_3_referrals_with_earlier_referrals_and_nfa(lists):  # type: ignore[no-untyped-def]
    assert lists.lists[a.LIST_3] == [
        {
            **_a(9),
            "ReferralDate": D(2025, 6, 1),
            "ReferralSource": "2A",
            "ReferralNFA": NO,
            "ReferralsLast12Months": 1,
            **lists.alloc,
        },
        {
            "ChildUniqueID": "DX0004",
            "Gender": MALE,
            "Ethnicity": "WBRI",
            "DateOfBirth": D(2026, 1, 5),
            "Age": 0,
            "ReferralDate": D(2026, 3, 31),
            "ReferralSource": "",
            "ReferralNFA": YES,
            "ReferralsLast12Months": 0,
            **lists.alloc,
        },
    ]  # Dan's second referral on 1 April 2026 is out; Ava's first (1 June 2024) only counts as 'last 12 months'


def test_list_4_single_assessments(lists):  # type: ignore[no-untyped-def]
    cal = {"ChildUniqueID": "CX0003", "Gender": FEMALE, "Ethnicity": "BAFR", "DateOfBirth": D(2012, 2, 29)}
    assert lists.lists[a.LIST_4] == [
        {
            **cal,
            "Age": 13,
            "HasDisability": UNKNOWN,
            "ContinuousAssessmentStart": D(2025, 3, 1),
            "ContinuousAssessmentChildSeen": None,
            "ContinuousAssessmentAuthDate": D(2025, 4, 2),
            **lists.alloc,
        },
        {
            **_a(9),
            "HasDisability": YES,
            "ContinuousAssessmentStart": D(2025, 6, 2),
            "ContinuousAssessmentChildSeen": D(2025, 6, 5),
            "ContinuousAssessmentAuthDate": D(2025, 7, 1),
            **lists.alloc,
        },
    ]


def test_list_5_section_47_enquiries(lists):  # type: ignore[no-untyped-def]
    assert lists.lists[a.LIST_5] == [
        {
            **_a(10),
            "HasDisability": YES,
            "StratDiscussionDate": D(2025, 7, 10),
            "InitialCPConfUnnecessary": NO,
            "InitialCPConfDate": D(2025, 7, 28),
            "CPConfResultInCPPlan": YES,
            "NumberS47s12m": 0,
            "NumberICPCs12m": 0,
            **lists.alloc,
        },
    ]


def test_list_6_children_in_need_one_row_per_episode(lists):  # type: ignore[no-untyped-def]
    rows = lists.lists[a.LIST_6]
    assert [(r["ChildUniqueID"], r["CINStartDate"]) for r in rows] == [
        ("CX0003", D(2024, 1, 10)),
        ("AX0001", D(2024, 6, 1)),
        ("AX0001", D(2025, 6, 1)),
        ("DX0004", D(2026, 3, 31)),
    ]
    cal, ava1, ava2, dan = rows
    assert cal == {
        "ChildUniqueID": "CX0003",
        "Gender": FEMALE,
        "Ethnicity": "BAFR",
        "DateOfBirth": D(2012, 2, 29),
        "Age": 14,
        "HasDisability": UNKNOWN,
        "CINStartDate": D(2024, 1, 10),
        "PrimaryNeedCode": "N4",
        "DateChildLastSeen": D(2026, 2, 2),
        "CINClosureDate": None,
        "ReasonForClosure": "",
        "CaseStatus": "Looked after",
        **lists.alloc,
        "v2": "",
    }
    assert ava1 == {
        **_a(9),
        "HasDisability": YES,
        "CINStartDate": D(2024, 6, 1),
        "PrimaryNeedCode": "N1",
        "DateChildLastSeen": None,
        "CINClosureDate": D(2025, 4, 30),
        "ReasonForClosure": "RC7",
        "CaseStatus": "Closed",
        **lists.alloc,
        "v2": "",
    }
    # The visit on 1 April 2026 is after the period: the last one seen is on its last day.
    assert ava2["DateChildLastSeen"] == D(2026, 3, 31) and ava2["CaseStatus"] == "Child protection plan"
    assert ava2["CINClosureDate"] is None and ava2["Age"] == 10
    assert (dan["CINClosureDate"], dan["ReasonForClosure"], dan["CaseStatus"]) == (D(2026, 3, 31), "RC8", "Closed")


def test_list_7_child_protection(lists):  # type: ignore[no-untyped-def]
    assert lists.lists[a.LIST_7] == [
        {
            "Gender": MALE,
            "Ethnicity": "WBRI",
            "DateOfBirth": D(2015, 6, 15),
            "Age": 10,
            "HasDisability": YES,
            "ChildProtectionPlanStartDate": D(2025, 7, 28),
            "InitialCategoryOfAbuse": "NEG",
            "LatestCategoryOfAbuse": "EMO",
            "DateOfLastStatutoryVisit": D(2026, 3, 31),
            "ChildSeenAlone": YES,
            "DateOfLatestReviewConf": D(2025, 10, 20),
            "ChildProtectionPlanEndDate": None,
            "ProtectionLastSixMonths": YES,
            "NumberOfPreviousChildProtectionPlans": 0,
            **lists.alloc,
            "PersonID": "AX0001",
            "CPRegID": "AX0001-CP1",
            "Rnk": 1,
            "ReviewDate": D(2026, 4, 20),
            "Team": "North family support",
        },
    ]


def test_list_8_children_in_care_one_row_per_period_of_care(lists):  # type: ignore[no-untyped-def]
    (row,) = lists.lists[a.LIST_8]
    assert row == {
        "ChildUniqueID": "CX0003",
        "Gender": FEMALE,
        "Ethnicity": "BAFR",
        "DateOfBirth": D(2012, 2, 29),
        "Age": 14,
        "UASC": NO,
        "HasDisability": UNKNOWN,
        "LoookedAfterStartDate": D(2024, 2, 1),
        "ChildCategoryOfNeed": "N4",
        "SubsequentLACEpisodeLast12Months": NO,
        "MostRecentLegalStatusStart": D(2025, 5, 1),
        "LegalStatus": "C2",
        "LatestStatutoryReviewDate": D(2025, 11, 3),
        "LastSocialWorkVisitDate": D(2026, 2, 2),
        "PermanencePlan": "",
        "LastIROVisitDate": None,
        "LastHealthAssessmentDate": None,
        "LastDentalCheckDate": None,
        "PlacementsLast12Months": 2,
        "CeasedLookedAfterDate": None,
        "ReasonCeasedLookedAfter": "",
        "MostRecentPlacementStartDate": D(2025, 9, 1),
        "PlacementType": "K2",
        "PlacementProvider": "",
        "PlacementPostcode": "",
        "PlacementURN": "",
        "EpisodesChildMissingFromPlacement": None,
        "EpisodesChildAbsentFromPlacement": None,
        "ChildOfferedReturnInterviewAfterLastMFH": "",
        "ChildAcceptedReturnInterviewAfterLastMFH": "",
        **lists.alloc,
        "RowNum": 1,
        "Rnk": 1,
        "CountCLAPlacements": 2,
        "MissingEpi": None,
        "AbsenceEpi": None,
        "Team": "North family support",
    }


def test_a_period_ending_before_the_child_left_care_shows_the_chain_as_it_was(lists):  # type: ignore[no-untyped-def]
    (row,) = a.build_annex_a(D(2025, 1, 1), D(2025, 6, 30))[a.LIST_8]
    assert (row["LegalStatus"], row["MostRecentLegalStatusStart"]) == ("C2", D(2025, 5, 1))
    assert (row["PlacementType"], row["MostRecentPlacementStartDate"], row["PlacementPostcode"]) == (
        "U6",
        D(2024, 2, 1),
        "AB1 2CD",
    )
    assert row["CountCLAPlacements"] == 1


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ValueError):
        a.build_annex_a(END, START)


def test_the_lists_take_a_fixed_number_of_queries(lists):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as few:
        a.build_annex_a(START, END)
    # Five more children in need must not add a query.

    for n in range(5):
        child = ChildFactory(reference=f"EX{n:04d}")
        case = Case.objects.create(
            reference=f"CE{n}", person=child, level=4, opened_on=D(2025, 5, 1), team=lists.team_a, worker=lists.sw
        )
        CINEpisode.objects.create(
            case=case, person=child, referral_date=D(2025, 5, 1), referral_source="8", primary_need="N1"
        )
    with CaptureQueriesContext(connection) as more:
        a.build_annex_a(START, END)
    assert len(more.captured_queries) == len(few.captured_queries) <= 20


def test_data_quality_names_each_problem_with_the_child_the_rule_and_the_fix(lists):  # type: ignore[no-untyped-def]
    problems = annex_a_problems(START, END)
    found = {(p.list_name, p.reference, p.rule) for p in problems}
    assert found == {
        (a.LIST_1, "CON4", RULES["contact_no_child"][0]),
        (a.LIST_2, "BX0002", RULES["gender_not_recorded"][0]),
        (a.LIST_2, "BX0002", RULES["ethnicity_not_obtained"][0]),
        (a.LIST_3, "DX0004", RULES["referral_no_source"][0]),
        (a.LIST_4, "CX0003", RULES["authorised_not_seen"][0]),
        (a.LIST_8, "CX0003", RULES["lac_no_postcode"][0]),
    }
    by_ref = {p.reference: p for p in problems}
    assert by_ref["DX0004"].url == f"/people/{lists.x.d.pk}/" and by_ref["DX0004"].fix == RULES["referral_no_source"][1]
    assert by_ref["CON4"].url.startswith("/front-door/") or "contact" in by_ref["CON4"].url


def test_fixing_the_record_clears_the_problem(lists):  # type: ignore[no-untyped-def]
    CINEpisode.objects.filter(person=lists.x.d, referral_date=D(2026, 3, 31)).update(referral_source="9")
    assert "DX0004" not in {p.reference for p in annex_a_problems(START, END)}
