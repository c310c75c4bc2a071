"""Effective-date rules, with a frozen clock."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from familyhelp.core.effective import check_effective_date

D = datetime.date


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with freeze_time("2026-03-10 12:00"):
        yield


def check(value, **kw):  # type: ignore[no-untyped-def]
    return check_effective_date(value, field="when", label="date it happened", **kw)


@pytest.mark.django_db
def test_rules():
    child = SimpleNamespace(date_of_birth=D(2020, 5, 1), dob_is_estimated=False, expected_date_of_birth=None)
    assert check(D(2026, 3, 10), person=child) == {}
    assert check(D(2026, 3, 11), person=child) == {"when": ["The date it happened must be today or in the past"]}
    assert check(D(2020, 4, 30), person=child) == {
        "when": ["The date it happened must be on or after the date of birth"]
    }
    assert check(None) == {"when": ["Enter the date it happened"]}
    assert check(None, required=False) == {}
    # 7 days late is fine, 8 days asks for a reason (default late_recording_days = 7)
    assert check(D(2026, 3, 3), person=child) == {}
    assert "late_reason" in check(D(2026, 3, 2), person=child)
    assert check(D(2026, 3, 2), person=child, late_reason="Worker on leave") == {}
    assert check(D(2026, 3, 2), person=child, ask_late_reason=False) == {}
    # in order with what it depends on
    assert check(D(2026, 3, 5), not_before=D(2026, 3, 6), not_before_label="start date") == {
        "when": ["The date it happened must be on or after the start date"]
    }


@pytest.mark.django_db
def test_estimated_and_unborn_bounds():
    estimated = SimpleNamespace(date_of_birth=D(2020, 6, 15), dob_is_estimated=True, expected_date_of_birth=None)
    assert check(D(2019, 1, 1), person=estimated, late_reason="history") == {}
    assert "when" in check(D(2018, 12, 31), person=estimated, late_reason="history")
    unborn = SimpleNamespace(date_of_birth=None, dob_is_estimated=False, expected_date_of_birth=D(2026, 6, 1))
    # 42 weeks (294 days) before 1 June 2026: 1 June 2026 - 294 days = 11 August 2025
    assert check(D(2025, 8, 11), person=unborn, late_reason="history") == {}
    assert check(D(2025, 8, 10), person=unborn, late_reason="history") == {
        "when": ["The date it happened is too long before the expected date of birth"]
    }


@pytest.mark.django_db
def test_council_setting_changes_the_late_threshold():
    from familyhelp.accounts.tests.factories import LocalAuthorityFactory

    LocalAuthorityFactory(late_recording_days=30)
    assert check(D(2026, 2, 10)) == {}
    assert "late_reason" in check(D(2026, 2, 7))


@pytest.mark.django_db
def test_order_invariants_name_the_other_step_and_its_date():
    submitted = D(2026, 3, 3)
    assert check(D(2026, 3, 4), after=[("date the assessment was submitted", submitted)]) == {}
    assert check(D(2026, 3, 3), after=[("date the assessment was submitted", submitted)]) == {}
    assert check(D(2026, 3, 2), after=[("date the assessment was submitted", submitted)], late_reason="x") == {
        "when": ["The date it happened must be on or after the date the assessment was submitted (3 March 2026)"]
    }
    # A later step already recorded bounds an edit of an earlier one.
    assert check(D(2026, 3, 5), before=[("date the assessment was authorised", D(2026, 3, 4))]) == {
        "when": ["The date it happened must be on or before the date the assessment was authorised (4 March 2026)"]
    }
    # Steps not yet recorded (None) do not constrain.
    assert check(D(2026, 3, 5), after=[("start", None)], before=[("end", None)]) == {}
    # The order is checked before the late reason is asked for.
    assert check(D(2026, 1, 1), after=[("start", D(2026, 2, 1))]) == {
        "when": ["The date it happened must be on or after the start (1 February 2026)"]
    }


@pytest.mark.django_db
def test_date_times_compare_exactly_and_dates_by_day():
    received = datetime.datetime(2026, 3, 9, 15, 30, tzinfo=datetime.UTC)
    earlier_that_day = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)
    assert "when" in check(earlier_that_day, after=[("time the contact was received", received)])
    assert check(received, after=[("time the contact was received", received)]) == {}
    # A date against a date-time compares calendar days: same day is fine.
    assert check(D(2026, 3, 9), after=[("time the contact was received", received)]) == {}


def test_resolve_defaults_to_today_or_now_and_says_so():
    from familyhelp.core.effective import resolve_date, resolve_datetime

    assert resolve_date(None) == (D(2026, 3, 10), True)
    assert resolve_date(D(2025, 1, 2)) == (D(2025, 1, 2), False)
    now, defaulted = resolve_datetime(None)
    assert defaulted is True and now.date() == D(2026, 3, 10) and now.tzinfo is not None
    given = datetime.datetime(2025, 1, 2, 9, 0, tzinfo=datetime.UTC)
    assert resolve_datetime(given) == (given, False)


def test_merge_errors_adds_every_problem_and_distinct_keeps_one_late_reason():
    from familyhelp.core.effective import merge_errors

    errors = {"when": ["first"]}
    assert merge_errors(errors, {"when": ["first", "second"], "late_reason": ["a"]}) is errors
    assert errors == {"when": ["first", "first", "second"], "late_reason": ["a"]}
    distinct = {"when": ["first"], "late_reason": ["a"]}
    merge_errors(distinct, {"when": ["first", "second"], "late_reason": ["b"]}, distinct=True)
    assert distinct == {"when": ["first", "second"], "late_reason": ["a"]}
