"""Practice tools at the service level: drafts, finalising (append-only), reviews, GCP2 change, chronology,
permissions and scope, and concurrent edits."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from familyhelp.casework.models import Case
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.organisation.models import Team
from familyhelp.practice import charts
from familyhelp.practice import services as svc
from familyhelp.practice.models import Completion, Instrument
from familyhelp.practice.tests.factories import em_coordinator, final, gcp2, sos

D = datetime.date.fromisoformat


def test_three_instruments_are_seeded_as_version_1(db):
    rows = {i.kind: i for i in Instrument.objects.filter(version_number=1)}
    assert set(rows) == {"exploitation_screening", "gcp2", "signs_of_safety"}
    assert [i["code"] for i in rows["exploitation_screening"].definition["indicators"]] == [
        "missing",
        "weapons",
        "place",
        "environment",
        "peer_group",
        "gifts_money",
        "phones",
        "substances",
        "travel",
        "other",
    ]
    assert [a["code"] for a in rows["gcp2"].definition["areas"]] == [
        "physical_care",
        "safety",
        "love_and_care",
        "esteem",
    ]


def test_a_screening_is_drafted_then_finalised_with_its_risk_level_in_the_chronology(world, case):
    draft = svc.completion_start(
        actor=world.sw,
        person=world.own,
        kind="exploitation_screening",
        completed_on=D("2025-03-03"),
        answers={"present": ["missing", "phones"], "notes": "Missing twice in February"},
    )
    assert (draft.status, draft.purpose, draft.risk_level, draft.case) == ("draft", "baseline", "medium", case)
    assert draft.result == {"score": 4, "risk_level": "medium", "indicators": 2}
    assert not ChronologyEvent.objects.filter(kind="practice.screening_completed").exists()
    done = svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version)
    assert (done.status, done.finalised_by, done.version) == ("final", world.sw, 2)
    event = ChronologyEvent.objects.get(kind="practice.screening_completed")
    assert (event.person, event.occurred_on, event.subject_id) == (world.own, D("2025-03-03"), str(done.pk))
    assert event.summary == "Exploitation screening baseline: Medium risk (score 4)"


def test_a_final_completion_never_changes(world, case):
    done = final(world.sw, world.own, "exploitation_screening", D("2025-03-03"), {"present": []})
    with pytest.raises(DomainError, match="final and cannot be changed"):
        svc.completion_update(
            actor=world.sw,
            completion=done,
            completed_on=D("2025-03-04"),
            answers={"present": ["weapons"]},
            review_of=None,
            expected_version=done.version,
        )
    with pytest.raises(DomainError, match="final and cannot be changed"):
        svc.completion_finalise(actor=world.sw, completion=done, expected_version=done.version)
    done.refresh_from_db()
    assert (done.completed_on, done.risk_level, done.answers["present"]) == (D("2025-03-03"), "no", [])
    assert ChronologyEvent.objects.filter(kind="practice.screening_completed").count() == 1


def test_repeated_screening_is_a_review_and_the_chronology_shows_the_change(world, case):
    first = final(world.sw, world.own, "exploitation_screening", D("2025-03-03"), {"present": ["substances"]})
    second = final(
        world.sw,
        world.own,
        "exploitation_screening",
        D("2025-06-02"),
        {"present": ["missing", "phones", "gifts_money", "travel"]},
        review_of=first,
    )
    assert (second.purpose, second.review_of, second.risk_level) == ("review", first, "high")
    event = ChronologyEvent.objects.get(kind="practice.screening_completed", subject_id=str(second.pk))
    assert event.summary == (
        "Exploitation screening review: High risk (score 8) (reviewing 03/03/2025: Low risk (score 1))"
    )
    series = charts.exploitation_series([first, second], chart=False)
    assert series.rows == [["Baseline 3 Mar 2025", 1, 1, "Low risk"], ["Review 2 Jun 2025", 4, 8, "High risk"]]


def test_gcp2_change_from_baseline_4_to_review_2(world, case):
    base = final(world.sw, world.own, "gcp2", D("2025-01-10"), gcp2(4, 3, 2, 4))
    review = final(world.sw, world.own, "gcp2", D("2025-04-10"), gcp2(2, 3, 3, 4), review_of=base)
    series = charts.gcp2_series([base, review], chart=False)
    assert series.columns == ["Area", "Baseline 10 Jan 2025", "Review 10 Apr 2025", "Change since baseline"]
    assert series.rows == [
        ["Physical care", 4, 2, "Better by 2"],
        ["Safety", 3, 3, "No change"],
        ["Love and care", 2, 3, "Worse by 1"],
        ["Stimulation and esteem", 4, 4, "No change"],
    ]
    event = ChronologyEvent.objects.get(kind="practice.gcp2_completed", subject_id=str(review.pk))
    assert event.summary.startswith("Graded Care Profile 2 review: Physical care 2, Safety 3")


def test_gcp2_review_of_a_review_still_compares_with_the_baseline(world, case):
    base = final(world.sw, world.own, "gcp2", D("2025-01-10"), gcp2(4, 3, 2, 4))
    r1 = final(world.sw, world.own, "gcp2", D("2025-04-10"), gcp2(3, 3, 2, 4), review_of=base)
    r2 = final(world.sw, world.own, "gcp2", D("2025-07-10"), gcp2(2, 2, 2, 3), review_of=r1)
    assert charts.baseline_of(r2) == base
    series = charts.gcp2_series([base, r1, r2], chart=False)
    assert series.rows[0] == ["Physical care", 4, 3, 2, "Better by 2"]


def test_gcp2_cannot_be_finalised_with_an_area_ungraded(world, case):
    draft = svc.completion_start(
        actor=world.sw, person=world.own, kind="gcp2", completed_on=D("2025-01-10"), answers={"grades": {"safety": 3}}
    )
    with pytest.raises(DomainError) as exc:
        svc.completion_finalise(actor=world.sw, completion=draft, expected_version=draft.version)
    assert set(exc.value.errors) == {"grade_physical_care", "grade_love_and_care", "grade_esteem"}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_signs_of_safety_scaling_per_participant(world, case):
    m1 = final(
        world.sw,
        world.own,
        "signs_of_safety",
        D("2025-02-01"),
        sos(("Siobhán O'Brien", "mother", 6), ("Sam Green", "social worker", 3)),
    )
    m2 = final(
        world.sw,
        world.own,
        "signs_of_safety",
        D("2025-05-01"),
        sos(("Siobhán O'Brien", "mother", 8), ("Sam Green", "social worker", 6), ("Nan", "grandmother", 7)),
        review_of=m1,
    )
    series = charts.sos_series([m1, m2], chart=False)
    assert series.rows == [
        ["Siobhán O'Brien (mother)", 6, 8],
        ["Sam Green (social worker)", 3, 6],
        ["Nan (grandmother)", "Not asked", 7],
    ]
    assert ChronologyEvent.objects.filter(kind="practice.sos_mapping").count() == 2


def test_bad_answers_write_nothing(world, case):
    with pytest.raises(DomainError) as exc:
        svc.completion_start(
            actor=world.sw,
            person=world.own,
            kind="gcp2",
            completed_on=D("2025-01-10"),
            answers={"grades": {"safety": 9}},
        )
    assert exc.value.errors == {"grade_safety": ["The grade for safety must be a whole number from 1 to 5"]}
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2016-03-31", "No version of this tool was in force on that date"),
        ("2999-01-01", "must be today or in the past"),
    ],
)
def test_the_date_must_have_a_version_in_force_and_not_be_in_the_future(world, case, on, message):
    with pytest.raises(DomainError, match=message):
        svc.completion_start(actor=world.sw, person=world.own, kind="gcp2", completed_on=D(on), answers={})


def test_a_new_version_is_used_from_its_in_force_date_and_old_completions_keep_theirs(world, case):
    v1 = Instrument.objects.get(kind="exploitation_screening", version_number=1)
    definition = {**v1.definition, "bands": [{"min": 0, "level": "no"}, {"min": 1, "level": "high"}]}
    v2 = Instrument.objects.create(
        kind="exploitation_screening",
        name=v1.name,
        version_number=2,
        in_force_from=D("2025-04-01"),
        definition=definition,
        published_at=v1.published_at,
    )
    old = final(world.sw, world.own, "exploitation_screening", D("2025-03-31"), {"present": ["substances"]})
    new = final(
        world.sw, world.own, "exploitation_screening", D("2025-04-01"), {"present": ["substances"]}, review_of=old
    )
    assert (old.instrument, old.risk_level) == (v1, "low")
    assert (new.instrument, new.risk_level) == (v2, "high")


def test_a_review_must_follow_a_final_completion_of_the_same_tool_and_child(world, case):
    screening = final(world.sw, world.own, "exploitation_screening", D("2025-03-03"), {"present": []})
    draft = svc.completion_start(
        actor=world.sw, person=world.own, kind="gcp2", completed_on=D("2025-03-03"), answers={}
    )
    for review_of, on, message in [
        (screening, "2025-04-01", "same tool"),
        (draft, "2025-04-01", "not a draft"),
    ]:
        with pytest.raises(DomainError, match=message):
            svc.completion_start(
                actor=world.sw, person=world.own, kind="gcp2", completed_on=D(on), answers={}, review_of=review_of
            )
    with pytest.raises(DomainError, match="must be on or after the date of the completion it reviews"):
        svc.completion_start(
            actor=world.sw,
            person=world.own,
            kind="exploitation_screening",
            completed_on=D("2025-03-02"),
            answers={},
            review_of=screening,
        )


# ------------------------------------------------------------------------------------------ permissions
@pytest.mark.parametrize("who", ["leader", "specialist", "cp_worker", "frontdoor", "partner", "admin"])
def test_only_workers_on_a_case_of_the_child_record(world, case, who):
    with pytest.raises(ForbiddenError):
        svc.completion_start(
            actor=world.users[who], person=world.own, kind="gcp2", completed_on=D("2025-01-10"), answers={}
        )
    assert not Completion.objects.exists()


def test_no_open_case_no_recording(world):
    Case.objects.create(
        reference="CASE7000002",
        person=world.own,
        level=3,
        status="closed",
        opened_on=D("2024-01-02"),
        closed_on=D("2024-06-01"),
        team=world.sw.team,
        worker=world.sw,
    )
    with pytest.raises(ForbiddenError):
        svc.completion_start(actor=world.sw, person=world.own, kind="gcp2", completed_on=D("2025-01-10"), answers={})


def test_the_exploitation_coordinator_records_screenings_only_for_children_in_scope(world):
    coordinator = em_coordinator(world, world.other)
    done = final(coordinator, world.other, "exploitation_screening", D("2025-03-03"), {"present": ["weapons"]})
    assert (done.risk_level, done.case, done.completed_by) == ("medium", None, coordinator)
    with pytest.raises(ForbiddenError):
        svc.completion_start(
            actor=coordinator, person=world.other, kind="gcp2", completed_on=D("2025-03-03"), answers={}
        )
    with pytest.raises(ForbiddenError):  # not on their caseload
        svc.completion_start(
            actor=coordinator, person=world.own, kind="exploitation_screening", completed_on=D("2025-03-03"), answers={}
        )


def test_an_fgc_coordinator_does_not_record_screenings(world):
    coordinator = em_coordinator(world, world.other, team_kind=Team.Kind.FGC)
    with pytest.raises(ForbiddenError):
        svc.completion_start(
            actor=coordinator,
            person=world.other,
            kind="exploitation_screening",
            completed_on=D("2025-03-03"),
            answers={},
        )


# ------------------------------------------------------------------------------------------ concurrency
def test_a_stale_version_is_refused(world, case):
    draft = svc.completion_start(
        actor=world.sw, person=world.own, kind="gcp2", completed_on=D("2025-01-10"), answers=gcp2(3, 3, 3, 3)
    )
    svc.completion_update(
        actor=world.manager,
        completion=draft,
        completed_on=D("2025-01-10"),
        answers=gcp2(2, 3, 3, 3),
        review_of=None,
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError):
        svc.completion_update(
            actor=world.sw,
            completion=draft,
            completed_on=D("2025-01-10"),
            answers=gcp2(5, 3, 3, 3),
            review_of=None,
            expected_version=1,
        )
    with pytest.raises(ConcurrentEditError):
        svc.completion_finalise(actor=world.sw, completion=draft, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        svc.completion_finalise(actor=world.sw, completion=draft, expected_version=None)
    draft.refresh_from_db()
    assert (draft.version, draft.answers["grades"]["physical_care"], draft.status) == (2, 2, "draft")


@pytest.mark.django_db(transaction=True)
def test_two_people_finalising_at_once_one_succeeds(world, case):
    draft = svc.completion_start(
        actor=world.sw,
        person=world.own,
        kind="exploitation_screening",
        completed_on=D("2025-03-03"),
        answers={"present": []},
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(actor):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            svc.completion_finalise(actor=actor, completion=draft, expected_version=1)
            outcomes.append("ok")
        except (ConcurrentEditError, DomainError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (world.sw, world.manager)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ChronologyEvent.objects.filter(kind="practice.screening_completed").count() == 1
