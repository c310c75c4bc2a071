"""Visits, case notes and the casework policy at the service level: the visit clock (frozen, across bank
holidays), the rules, every refusal (nothing written), the chronology events."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from familyhelp.casework import visit_clocks
from familyhelp.casework.models import Case, CaseNote, CaseworkPolicy, Plan, Visit
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import visits as services
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError

D = datetime.date


OPENED = D(2024, 12, 2)
ALLOCATED = D(2024, 12, 3)


def make_case(world, *, opened_on=OPENED, allocated_on=ALLOCATED, person=None, worker=None):  # type: ignore[no-untyped-def]
    """An open level 4 case for the social worker's child (Zoë O'Brien), allocated to the social worker."""
    return Case.objects.create(
        reference=f"CASE{Case.objects.count() + 1:07d}",
        person=person or world.own,
        level=4,
        status=Case.Status.OPEN,
        opened_on=opened_on,
        team=world.sw.team,
        worker=worker or world.sw,
        allocated_on=allocated_on,
    )


def make_plan(case, kind, started_on):  # type: ignore[no-untyped-def]
    return Plan.objects.create(case=case, person=case.person, kind=kind, started_on=started_on)


def seen(case, on, how=Visit.Seen.ALONE, by=None):  # type: ignore[no-untyped-def]
    return Visit.objects.create(case=case, person=case.person, visited_on=on, seen=how, visited_by=by or case.worker)


def events(kind: str) -> list[ChronologyEvent]:
    return list(ChronologyEvent.objects.filter(kind=kind))


# --- The visit clock -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_cp_visit_clock_across_christmas_and_new_year(world):
    # CP plan: a visit every 10 working days. Last seen Thursday 19 December 2024; counting working days after
    # it: Fri 20 (1), Mon 23 (2), Tue 24 (3), [Wed 25 Christmas Day, Thu 26 Boxing Day], Fri 27 (4), Mon 30 (5),
    # Tue 31 (6), [Wed 1 Jan New Year's Day], Thu 2 Jan (7), Fri 3 (8), Mon 6 (9), Tue 7 January 2025 (10).
    case = make_case(world)
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    seen(case, D(2024, 12, 19))
    with freeze_time("2025-01-07 12:00"):
        clock = visit_clocks.visit_clock(case, D(2025, 1, 7))
        assert clock is not None
        assert clock.due_on == D(2025, 1, 7)
        assert not clock.overdue
        assert clock.working_days_left == 0
        assert clock.tag == "govuk-tag--yellow"
    with freeze_time("2025-01-08 09:00"):
        clock = visit_clocks.visit_clock(case, D(2025, 1, 8))
        assert clock is not None and clock.overdue
        assert clock.tag == "govuk-tag--red"


@pytest.mark.django_db
def test_a_not_seen_visit_does_not_reset_the_clock(world):
    case = make_case(world)
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    seen(case, D(2024, 12, 19))
    with freeze_time("2025-01-06 15:00"):
        services.visit_record(
            actor=world.sw,
            case=case,
            visited_on=D(2025, 1, 6),
            seen=Visit.Seen.NOT_SEEN,
            not_seen_reason="No answer at the door; neighbour said the family were away",
        )
    assert visit_clocks.visit_clock(case, D(2025, 1, 8)).due_on == D(2025, 1, 7)  # type: ignore[union-attr]
    # Seen with others resets it: 10 working days after Wed 8 Jan 2025 is Wed 22 Jan.
    seen(case, D(2025, 1, 8), Visit.Seen.WITH_OTHERS)
    assert visit_clocks.visit_clock(case, D(2025, 1, 8)).due_on == D(2025, 1, 22)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_clock_runs_from_the_plan_start_when_the_last_visit_was_before_it(world):
    case = make_case(world)
    seen(case, D(2025, 3, 3))
    # No plan: the assessment frequency (10 working days) from the last visit: Mon 3 Mar -> Mon 17 Mar 2025.
    assert visit_clocks.visit_kind(case) == "assessment"
    assert visit_clocks.visit_clock(case, D(2025, 3, 4)).due_on == D(2025, 3, 17)  # type: ignore[union-attr]
    # A CIN plan (every 20 working days) starting after that visit: 20 working days from Mon 10 Mar 2025 is
    # Mon 7 Apr 2025 (no bank holidays in between).
    make_plan(case, Plan.Kind.CIN, D(2025, 3, 10))
    assert visit_clocks.visit_kind(case) == "cin"
    assert visit_clocks.visit_clock(case, D(2025, 3, 11)).due_on == D(2025, 4, 7)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_without_visits_or_plan_the_clock_runs_from_allocation(world):
    case = make_case(world, opened_on=D(2025, 3, 3), allocated_on=D(2025, 3, 5))
    assert visit_clocks.visit_clock(case, D(2025, 3, 5)).due_on == D(2025, 3, 19)  # type: ignore[union-attr]
    Case.objects.filter(pk=case.pk).update(allocated_on=None)
    case.refresh_from_db()
    assert visit_clocks.visit_clock(case, D(2025, 3, 5)).due_on == D(2025, 3, 17)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_most_frequent_visiting_applies_when_two_plans_are_open(world):
    case = make_case(world)
    make_plan(case, Plan.Kind.LAC, D(2024, 12, 9))
    make_plan(case, Plan.Kind.CP, D(2024, 12, 10))
    assert visit_clocks.visit_kind(case) == "cp"


@pytest.mark.django_db
def test_the_frequency_comes_from_the_policy(world):
    case = make_case(world)
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    seen(case, D(2024, 12, 19))
    policy = casework_policy()
    services.casework_policy_update(actor=world.admin, expected_version=policy.version, visit_working_days={"cp": 5})
    # 5 working days after Thu 19 Dec 2024: Fri 20, Mon 23, Tue 24, Fri 27, Mon 30 December.
    assert visit_clocks.visit_clock(case, D(2024, 12, 20)).due_on == D(2024, 12, 30)  # type: ignore[union-attr]


@pytest.mark.django_db
def test_closed_cases_have_no_visit_clock(world):
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=D(2025, 1, 2))
    case.refresh_from_db()
    assert visit_clocks.visit_clock(case, D(2025, 1, 3)) is None
    assert visit_clocks.visit_clocks([case], D(2025, 1, 3)) == {}


@pytest.mark.django_db
def test_visit_clocks_for_a_work_tray_in_two_queries(world, django_assert_num_queries):
    a = make_case(world)
    make_plan(a, Plan.Kind.CP, D(2024, 12, 9))
    seen(a, D(2024, 12, 19))
    seen(a, D(2025, 1, 6), Visit.Seen.NOT_SEEN)
    b = make_case(world, person=world.team_child, worker=world.colleague)
    make_plan(b, Plan.Kind.FAMILY_SUPPORT, D(2024, 12, 16))
    c = make_case(world, person=world.other)
    seen(c, D(2024, 12, 20))
    cases = list(Case.objects.all())
    policy = casework_policy()
    with django_assert_num_queries(2):
        result = visit_clocks.visit_clocks(cases, D(2025, 1, 8), policy=policy)
    for case in cases:
        assert result[case.pk] == visit_clocks.visit_clock(case, D(2025, 1, 8), policy=policy)
    assert result[a.pk].due_on == D(2025, 1, 7) and result[a.pk].overdue


# --- Recording visits ----------------------------------------------------------------------------------
@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_visit_record_writes_the_visit_and_the_chronology(world):
    case = make_case(world)
    visit = services.visit_record(
        actor=world.sw, case=case, visited_on=D(2025, 1, 7), seen=Visit.Seen.ALONE, notes="Zoë showed me her room."
    )
    assert Visit.objects.get().pk == visit.pk
    assert visit.visited_by == world.sw and visit.person == world.own and visit.not_seen_reason == ""
    (event,) = events("casework.visit")
    assert event.person == world.own and event.occurred_on == D(2025, 1, 7)
    assert event.summary == "Visit: seen alone"
    assert event.subject_id == str(visit.pk)


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_a_not_seen_visit_records_the_reason(world):
    case = make_case(world)
    services.visit_record(
        actor=world.manager, case=case, visited_on=D(2025, 1, 8), seen="not_seen", not_seen_reason="Child at nursery"
    )
    (event,) = events("casework.visit")
    assert event.summary == "Visit: not seen. Reason: Child at nursery"


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"visited_on": D(2025, 1, 9)}, "visited_on", "The date of the visit must be today or in the past"),
        (
            {"visited_on": D(2024, 12, 1)},
            "visited_on",
            "must be on or after the date the case opened (2 December 2024)",
        ),
        ({"visited_on": None}, "visited_on", "Enter the date of the visit"),
        ({"seen": "not_seen", "not_seen_reason": "  "}, "not_seen_reason", "Enter why the child was not seen"),
        ({"seen": "maybe"}, "seen", "Select whether the child was seen"),
        ({"visited_on": D(2024, 12, 20)}, "late_reason", "Explain why this is being recorded more than 7 days"),
        ({"notes": "x" * 20_001}, "notes", "20,000 characters or fewer"),
    ],
)
def test_visit_refusals_write_nothing(world, values, field, message):
    case = make_case(world)
    kwargs = {"visited_on": D(2025, 1, 8), "seen": "alone", **values}
    with pytest.raises(DomainError) as exc:
        services.visit_record(actor=world.sw, case=case, **kwargs)
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert not Visit.objects.exists() and not ChronologyEvent.objects.filter(kind="casework.visit").exists()


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_a_late_visit_with_a_reason_is_recorded_with_it(world):
    case = make_case(world)
    services.visit_record(
        actor=world.sw, case=case, visited_on=D(2024, 12, 20), seen="alone", late_reason="Off sick over Christmas"
    )
    assert events("casework.visit")[0].late_reason == "Off sick over Christmas"


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
@pytest.mark.parametrize("who", ["leader", "cp_worker", "admin", "specialist", "frontdoor"])
def test_visits_only_by_those_who_may_work_the_case(world, who):
    case = make_case(world)
    with pytest.raises(ForbiddenError):
        services.visit_record(actor=world.users[who], case=case, visited_on=D(2025, 1, 8), seen="alone")
    assert not Visit.objects.exists()


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_no_visits_on_a_closed_case(world):
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=D(2025, 1, 6))
    with pytest.raises(ForbiddenError):
        # The object in hand is stale (open): the service re-reads the locked row and refuses.
        services.visit_record(actor=world.sw, case=case, visited_on=D(2025, 1, 6), seen="alone")
    assert not Visit.objects.exists()


# --- Case notes ----------------------------------------------------------------------------------------
@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_case_note_with_category_and_chronology(world):
    case = make_case(world)
    note = services.case_note_record(
        actor=world.sw, case=case, category="partner", occurred_on=D(2025, 1, 8), text="School: attendance 92%."
    )
    assert note.created_by == world.sw and note.category == "partner"
    (event,) = events("casework.note")
    assert event.summary == "Contact with a partner agency: School: attendance 92%."


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_management_oversight_only_by_managers(world):
    case = make_case(world)
    with pytest.raises(ForbiddenError):
        services.case_note_record(
            actor=world.sw, case=case, category="management_oversight", occurred_on=D(2025, 1, 8), text="I agree."
        )
    assert not CaseNote.objects.exists() and not ChronologyEvent.objects.filter(kind__startswith="casework.").exists()
    note = services.case_note_record(
        actor=world.manager,
        case=case,
        category="management_oversight",
        occurred_on=D(2025, 1, 8),
        text="Plan agreed; visit weekly until the review.",
    )
    (event,) = events("casework.management_oversight")
    assert event.subject_id == str(note.pk) and not events("casework.note")


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": " "}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"category": "gossip"}, "category"),
        ({"occurred_on": D(2025, 1, 9)}, "occurred_on"),
        ({"occurred_on": D(2024, 11, 30)}, "occurred_on"),
    ],
)
def test_case_note_refusals_write_nothing(world, values, field):
    case = make_case(world)
    kwargs = {"category": "contact", "occurred_on": D(2025, 1, 8), "text": "Rang mum.", **values}
    with pytest.raises(DomainError) as exc:
        services.case_note_record(actor=world.sw, case=case, **kwargs)
    assert field in exc.value.errors
    assert not CaseNote.objects.exists() and not events("casework.note")


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_a_correction_is_a_new_note_naming_the_old_one(world):
    case = make_case(world)
    original = services.case_note_record(
        actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 6), text="Met Siobhán at home."
    )
    correction = services.case_note_record(
        actor=world.sw,
        case=case,
        category="other",  # ignored: a correction keeps the category of the note it corrects
        occurred_on=D(2025, 1, 6),
        text="Met Siobhán at the family hub, not at home.",
        corrects=original,
    )
    original.refresh_from_db()
    assert original.text == "Met Siobhán at home."  # the original is kept unchanged
    assert correction.corrects == original and correction.category == "contact"
    assert list(original.corrections.all()) == [correction]
    assert events("casework.note")[-1].summary.startswith("Contact with family (correcting the note of 6 January 2025)")
    # A manager may correct it too.
    services.case_note_record(
        actor=world.manager, case=case, category="", occurred_on=D(2025, 1, 6), text="Hub.", corrects=original
    )
    assert original.corrections.count() == 2


@pytest.mark.django_db
@freeze_time("2025-01-08 10:00")
def test_only_the_author_or_a_manager_corrects_a_note(world):
    case = make_case(world)
    original = services.case_note_record(
        actor=world.manager, case=case, category="contact", occurred_on=D(2025, 1, 6), text="Rang dad."
    )
    with pytest.raises(ForbiddenError):
        services.case_note_record(
            actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 6), text="No.", corrects=original
        )
    oversight = services.case_note_record(
        actor=world.manager, case=case, category="management_oversight", occurred_on=D(2025, 1, 6), text="Agreed."
    )
    with pytest.raises(ForbiddenError):
        services.case_note_record(
            actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 6), text="x", corrects=oversight
        )
    other_case = make_case(world, person=world.team_child)
    with pytest.raises(DomainError) as exc:
        services.case_note_record(
            actor=world.manager, case=other_case, category="", occurred_on=D(2025, 1, 6), text="x", corrects=original
        )
    assert "corrects" in exc.value.errors
    assert CaseNote.objects.count() == 2


# --- The casework policy -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_policy_update_by_the_administrator(world):
    policy = casework_policy()
    updated = services.casework_policy_update(
        actor=world.admin,
        expected_version=policy.version,
        visit_working_days={"cp": "8", "lac": 40},
        caseload_weights={"cp": "2.5"},
        icpc_days="12",
        family_help_holds_cin=False,
    )
    stored = CaseworkPolicy.objects.get()
    assert stored.version == policy.version + 1 == updated.version
    assert stored.visit_days("cp") == 8 and stored.visit_days("lac") == 40 and stored.visit_days("cin") == 20
    assert stored.weight("cp") == 2.5 and stored.weight("lac") == 1.5
    assert stored.icpc_days == 12 and stored.family_help_holds_cin is False


@pytest.mark.django_db
def test_policy_update_refuses_a_stale_version(world):
    policy = casework_policy()
    services.casework_policy_update(actor=world.admin, expected_version=policy.version, icpc_days=14)
    with pytest.raises(ConcurrentEditError):
        services.casework_policy_update(actor=world.admin, expected_version=policy.version, icpc_days=10)
    assert CaseworkPolicy.objects.get().icpc_days == 14


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"single_assessment_days": 46}, "single_assessment_days"),  # above the statutory 45
        ({"single_assessment_days": 0}, "single_assessment_days"),
        ({"icpc_days": "ten"}, "icpc_days"),
        ({"icpc_days": 10.5}, "icpc_days"),
        ({"cp_first_review_months": 4}, "cp_first_review_months"),
        ({"lac_first_review_days": 21}, "lac_first_review_days"),
        ({"visit_working_days": {"cp": 0}}, "visit_working_days.cp"),
        ({"visit_working_days": {"cp": 66}}, "visit_working_days.cp"),
        ({"visit_working_days": {"fortnightly": 10}}, "visit_working_days"),
        ({"visit_working_days": [10]}, "visit_working_days"),
        ({"caseload_weights": {"lac": "0"}}, "caseload_weights.lac"),
        ({"caseload_weights": {"lac": "1.234"}}, "caseload_weights.lac"),
        ({"caseload_weights": {"lac": "heavy"}}, "caseload_weights.lac"),
        ({"family_help_holds_cin": "yes"}, "family_help_holds_cin"),
    ],
)
def test_policy_validation_writes_nothing(world, values, field):
    policy = casework_policy()
    with pytest.raises(DomainError) as exc:
        services.casework_policy_update(actor=world.admin, expected_version=policy.version, **values)
    assert field in exc.value.errors, exc.value.errors
    stored = CaseworkPolicy.objects.get()
    assert stored.version == policy.version and stored.visit_working_days == CaseworkPolicy.DEFAULT_VISITS
    assert stored.single_assessment_days == 45 and stored.icpc_days == 15


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "sw", "leader"])
def test_only_the_administrator_changes_the_policy(world, who):
    policy = casework_policy()
    with pytest.raises(ForbiddenError):
        services.casework_policy_update(actor=world.users[who], expected_version=policy.version, icpc_days=10)
    assert CaseworkPolicy.objects.get().icpc_days == 15
