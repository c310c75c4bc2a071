"""Time truth, as properties (issue 13): journeys recorded late, in any interleaving, with any delays, leave
exactly what the same journeys recorded on the day leave; a step dated against the journey's order is refused
with a field-level message and nothing written.

Journeys in a default run: the many-journeys property records MANY_EXAMPLES × 20 journeys late (2,000 on
SQLite), the on-the-day comparison FULL_EXAMPLES batches of 3–8 journeys twice, and the refusal property
MANY_EXAMPLES partial journeys. `make test-slow` runs the many-journeys property ten times over (20,000);
FAMILYHELP_TIME_TRUTH_SCALE scales every count (PostgreSQL runs 0.25 of them).
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familyhelp.core.errors import DomainError
from tests.time_truth.journeys import (
    LATE_DAYS,
    STEPS,
    Journey,
    Recorder,
    at,
    census_of,
    expected_census,
    expected_stored,
    fingerprint,
    freeze_time,
    journeys,
    stored,
)

SCALE = float(os.environ.get("FAMILYHELP_TIME_TRUTH_SCALE", "1"))
MANY_EXAMPLES = max(1, int(100 * SCALE))  # × 20 journeys = 2,000
FULL_EXAMPLES = max(1, int(25 * SCALE))
MANY_BATCH = 20
BATCH = (3, 8)
CENSUS_YEARS = (2024, 2025, 2026, 2027)
# Each step and the chronology event that carries its date and late reason.
EVENT_OF = {
    "authorised": "frontdoor.decision",
    "allocated": "casework.allocated",
    "submitted": "casework.assessment_submitted",
    "assessment_authorised": "casework.assessment_authorised",
}
# Each step and the step it may not come before (the journey's order invariants, docs/domain/effective-dates.md).
FOLLOWS = {
    "proposed": "received",
    "authorised": "proposed",
    "allocated": "authorised",
    "assessment_started": "authorised",
    "child_seen": "assessment_started",
    "submitted": "child_seen",
    "assessment_authorised": "submitted",
    "closed": "assessment_authorised",
}


def _recorded(world, batch: list[Journey], *, late: bool):  # type: ignore[no-untyped-def]
    """Record the batch inside a savepoint, take its fingerprint and roll it back."""
    with transaction.atomic():
        recorder = Recorder(world, late=late)
        recorder.run(batch)
        result = fingerprint(recorder.state)
        transaction.set_rollback(True)
    return result


def _many(tw, batch: list[Journey]) -> None:  # type: ignore[no-untyped-def]
    """Twenty journeys typed late, interleaved, each step after a random delay: every record, chronology event
    and census line carries the date the step happened, exactly as if each step had been typed on the day."""
    from familyhelp.chronology.models import ChronologyEvent
    from familyhelp.returns.cin_census import load_census

    with transaction.atomic():
        recorder = Recorder(tw, late=True)
        recorder.run(batch)
        rows = stored(recorder.state)
        for journey, row in zip(batch, rows, strict=True):
            assert {k: v for k, v in row.items() if k != "chronology"} == expected_stored(journey)
            on = dict(row["chronology"])
            assert on["frontdoor.decision"] == journey.days["authorised"].isoformat()
            assert on["casework.referral"] == journey.days["received"].isoformat()
            assert on["casework.assessment_authorised"] == journey.days["assessment_authorised"].isoformat()
        # A step typed more than the late-recording days after it happened carries the reason; none other does.
        for index in range(len(batch)):
            events = ChronologyEvent.objects.filter(person=recorder.state[index]["child"], kind__in=EVENT_OF.values())
            for event in events:
                late = (event.recorded_at.date() - event.occurred_on).days > LATE_DAYS
                assert bool(event.late_reason) == late, (event.kind, event.occurred_on, event.recorded_at)
        with freeze_time(at(datetime.date(2026, 9, 30), 18)):
            for year in CENSUS_YEARS:
                census = load_census(year)
                for index, journey in enumerate(batch):
                    assert census_of(census, recorder.state[index]["child"]) == expected_census(journey, year)
        transaction.set_rollback(True)


_health = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
_batches = st.lists(journeys(), min_size=MANY_BATCH, max_size=MANY_BATCH)


@settings(max_examples=MANY_EXAMPLES, suppress_health_check=_health)
@given(batch=_batches)
def test_journeys_recorded_late_in_any_order_keep_the_dates_they_happened(tw, batch):  # type: ignore[no-untyped-def]
    _many(tw, batch)


@pytest.mark.slow
@settings(max_examples=MANY_EXAMPLES * 10, suppress_health_check=_health)
@given(batch=_batches)
def test_journeys_recorded_late_keep_their_dates_many_more(tw, batch):  # type: ignore[no-untyped-def]
    """`make test-slow`: 20,000 journeys."""
    _many(tw, batch)


@settings(max_examples=FULL_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(journeys(), min_size=BATCH[0], max_size=BATCH[1]))
def test_late_recording_leaves_what_recording_on_the_day_leaves(tw, batch):  # type: ignore[no-untyped-def]
    on_the_day = _recorded(tw, batch, late=False)
    late = _recorded(tw, batch, late=True)
    assert late["stored"] == on_the_day["stored"]
    assert late["census"] == on_the_day["census"]
    assert late["measures"] == on_the_day["measures"]


@settings(max_examples=MANY_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(journey=journeys(), step=st.sampled_from(sorted(FOLLOWS)), back=st.integers(1, 30))
def test_a_step_dated_before_the_one_it_follows_is_refused_and_nothing_written(tw, journey, step, back):  # type: ignore[no-untyped-def]
    from familyhelp.chronology.models import ChronologyEvent

    with transaction.atomic():
        recorder = Recorder(tw, late=True)
        # The step is dated `back` days before the step it must follow.
        journey.days[step] = journey.days[FOLLOWS[step]] - datetime.timedelta(days=back)
        journey.hours[step] = 12
        done = STEPS[: STEPS.index(step)]
        recorder.state[0] = {"child": None}
        from familyhelp.people.tests.factories import ChildFactory

        recorder.state[0]["child"] = ChildFactory(
            given_names=journey.given_names, family_name=journey.family_name, date_of_birth=journey.date_of_birth
        )
        moment = at(max(journey.days[s] for s in done), 18)
        with freeze_time(moment):
            for s in done:
                getattr(recorder, f"step_{s}")(journey, recorder.state[0])
        written = ChronologyEvent.objects.count()
        with freeze_time(moment), pytest.raises(DomainError) as refused:
            getattr(recorder, f"step_{step}")(journey, recorder.state[0])
        assert refused.value.errors, "a contradicting date is refused with field-level messages"
        message = " ".join(m for ms in refused.value.errors.values() for m in ms)
        assert "must be on or after the" in message
        assert ChronologyEvent.objects.count() == written
        transaction.set_rollback(True)

