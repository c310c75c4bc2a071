"""The definitions engine: the exploitation risk-level rule on hand-worked inputs, and answer validation."""

from __future__ import annotations

import pytest

from familyhelp.practice import definitions as d

EXP = d.EXPLOITATION_V1


@pytest.mark.parametrize(
    ("present", "score", "level"),
    [
        ([], 0, "no"),
        (["substances"], 1, "low"),
        (["missing", "substances"], 3, "low"),  # 2 + 1
        (["missing", "phones"], 4, "medium"),  # 2 + 2: the first medium score
        (["weapons"], 3, "medium"),  # score 3 is low, but carrying weapons is at least medium
        (["missing", "weapons", "place"], 7, "medium"),  # 2 + 3 + 2: the last medium score
        (["missing", "phones", "gifts_money", "travel"], 8, "high"),  # 2 + 2 + 2 + 2
        ([i["code"] for i in EXP["indicators"]], 18, "high"),  # every indicator: 2+3+2+1+2+2+2+1+2+1
    ],
)
def test_risk_level_rule(present, score, level):
    assert d.risk_level(EXP, present) == (score, level)


def test_a_later_version_is_scored_by_its_own_bands():
    v2 = {**EXP, "bands": [{"min": 0, "level": "no"}, {"min": 2, "level": "low"}, {"min": 3, "level": "high"}]}
    assert d.risk_level(EXP, ["missing", "substances"]) == (3, "low")
    assert d.risk_level(v2, ["missing", "substances"]) == (3, "high")
    assert d.risk_level(v2, ["substances"]) == (1, "no")


def test_exploitation_answers_are_checked_against_the_indicators():
    cleaned, errors = d.validate_answers(
        d.EXPLOITATION, EXP, {"present": ["phones", "missing", "jetski"]}, complete=True
    )
    assert errors == {"present": ["'jetski' is not an indicator of this version of the screening tool"]}
    assert cleaned["present"] == ["missing", "phones"]  # the definition's order


def test_other_needs_saying_what():
    _, errors = d.validate_answers(d.EXPLOITATION, EXP, {"present": ["other"]}, complete=False)
    assert errors == {"other_detail": ["Say what else may indicate the child is being exploited"]}


def test_unknown_keys_are_refused():
    _, errors = d.validate_answers(d.EXPLOITATION, EXP, {"present": [], "score": 99}, complete=False)
    assert errors == {"score": ["'score' is not part of this instrument"]}


def test_gcp2_grades_are_whole_numbers_from_1_to_5_and_all_areas_are_needed_to_finalise():
    _, errors = d.validate_answers(
        d.GCP2, d.GCP2_V1, {"grades": {"physical_care": 6, "safety": "2", "love_and_care": True}}, complete=True
    )
    assert errors == {
        "grade_physical_care": ["The grade for physical care must be a whole number from 1 to 5"],
        "grade_love_and_care": ["The grade for love and care must be a whole number from 1 to 5"],
        "grade_esteem": ["Choose a grade for stimulation and esteem"],
    }
    cleaned, errors = d.validate_answers(d.GCP2, d.GCP2_V1, {"grades": {"safety": "2"}}, complete=False)
    assert errors == {}
    assert cleaned["grades"] == {"safety": 2}


def test_gcp2_unknown_area():
    _, errors = d.validate_answers(d.GCP2, d.GCP2_V1, {"grades": {"housing": 2}}, complete=False)
    assert errors == {"grade_housing": ["'housing' is not an area of this version of the profile"]}


def test_signs_of_safety_scaling_by_name_and_role_0_to_10():
    answers = {
        "scaling": [
            {"name": "Siobhán O'Brien", "role": "mother", "score": 11},
            {"name": "", "role": "social worker", "score": 4},
            {"name": "", "role": "", "score": None},  # a blank row of the form is ignored
            {"name": "Nan", "role": "grandmother", "score": "7"},
            {"name": "nan", "role": "Grandmother", "score": 6},
        ]
    }
    cleaned, errors = d.validate_answers(d.SIGNS_OF_SAFETY, d.SIGNS_OF_SAFETY_V1, answers, complete=False)
    assert errors == {
        "scaling_1_score": ["Participant 1: the score must be a whole number from 0 to 10"],
        "scaling_2_name": ["Participant 2: enter their name"],
        "scaling_5_name": ["Participant 5: nan (Grandmother) is already listed"],
    }
    assert cleaned["scaling"] == [{"name": "Nan", "role": "grandmother", "score": 7}]


def test_signs_of_safety_needs_worries_a_danger_statement_a_goal_and_a_score_to_finalise():
    _, errors = d.validate_answers(d.SIGNS_OF_SAFETY, d.SIGNS_OF_SAFETY_V1, {}, complete=True)
    assert set(errors) == {"worries", "danger_statements", "safety_goals", "scaling_1_name"}
    _, errors = d.validate_answers(d.SIGNS_OF_SAFETY, d.SIGNS_OF_SAFETY_V1, {}, complete=False)
    assert errors == {}


def test_danger_statements_may_be_given_one_a_line():
    cleaned, _ = d.validate_answers(
        d.SIGNS_OF_SAFETY, d.SIGNS_OF_SAFETY_V1, {"danger_statements": "One\n\n Two \n"}, complete=False
    )
    assert cleaned["danger_statements"] == ["One", "Two"]
