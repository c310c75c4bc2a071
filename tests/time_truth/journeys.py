"""Generated children's journeys for the time-truth property tests (issue 13).

A journey is the dates on which each step of one child's path through the front door and a single
assessment happened. `record` drives the real services step by step with the clock frozen at the moment
each step is typed: on the day (no date sent: the default is the moment of typing) or late (the date sent,
with a late-recording reason when the council asks for one). `fingerprint` is what the journey leaves behind
that anybody reports on: the stored dates, the chronology, the CIN census and the measures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.utils import timezone
from hypothesis import strategies as st

D = datetime.date
TODAY = D(2026, 9, 30)  # every journey happened on or before this day

# Days that break naive date arithmetic: bank holidays, year ends, the 31 March census date.
ANCHORS = [
    D(2023, 12, 22), D(2024, 3, 28), D(2024, 3, 31), D(2024, 12, 24), D(2025, 3, 31), D(2025, 4, 17),
    D(2025, 5, 2), D(2025, 8, 22), D(2025, 12, 23), D(2026, 3, 31), D(2026, 4, 2),
]
STEPS = (
    "received", "proposed", "authorised", "allocated", "assessment_started", "child_seen", "submitted",
    "assessment_authorised", "closed",
)
LATE_REASON = "Written up late: paper record typed after the system outage"
LATE_DAYS = 7  # the council's late-recording days (the default)


@contextmanager
def freeze_time(moment: datetime.datetime) -> Iterator[None]:
    """The application's clock (core.clock, model defaults, auto_now: all read django.utils.timezone.now) stopped
    at `moment`. freezegun's module scan costs ~60 ms a freeze; a journey freezes nine times."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def at(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass
class Journey:
    """When each step happened (dates; the front door's steps also carry an hour) and how late each is typed."""

    given_names: str
    family_name: str
    date_of_birth: D
    days: dict[str, D]
    delays: dict[str, int]
    closes: bool
    hours: dict[str, int] = field(default_factory=lambda: {"received": 9, "proposed": 11, "authorised": 14})

    def happened(self, step: str) -> datetime.datetime:
        """The moment the step happened (front-door steps at their hour, the rest at noon)."""
        return at(self.days[step], self.hours.get(step, 12))

    def steps(self) -> list[str]:
        return [s for s in STEPS if s != "closed" or self.closes]


@st.composite
def journeys(draw: Any) -> Journey:
    """One journey: a start near a hard day (or anywhere in three years) and gaps of 0–60 days between steps."""
    if draw(st.booleans()):
        start = draw(st.sampled_from(ANCHORS)) + datetime.timedelta(days=draw(st.integers(-6, 6)))
    else:
        start = draw(st.dates(min_value=D(2023, 10, 1), max_value=D(2026, 4, 30)))
    days: dict[str, D] = {}
    day = start
    for step in STEPS:
        if step != "received":
            day = day + datetime.timedelta(days=draw(st.integers(0, 45)))
        days[step] = min(day, TODAY)
    delays = {step: draw(st.sampled_from([0, 0, 1, 3, 8, 20, 90, 400])) for step in STEPS}
    born = start - datetime.timedelta(days=draw(st.integers(30, 17 * 365)))
    return Journey(
        given_names=draw(st.sampled_from(["Zoë", "Siân", "Nguyễn Minh", "Aaliyah", "Oliver", "Jamie"])),
        family_name=draw(st.sampled_from(["O'Brien", "Nguyễn", "Khan", "Smith", "Okafor", "Ó Súilleabháin"])),
        date_of_birth=born,
        days=days,
        delays=delays,
        closes=draw(st.booleans()),
    )


def typed_at(journey: Journey, step: str, late: bool, previous: datetime.datetime | None) -> datetime.datetime:
    """When the step is typed: on the day (a little after it happened) or after its delay; never before the
    previous step of the same journey was typed and never after TODAY."""
    moment = journey.happened(step)  # on the day: typed as it happens (the default is the moment of typing)
    if late:
        moment = moment + datetime.timedelta(days=journey.delays[step], minutes=30)
    if previous is not None and moment < previous:
        moment = previous + datetime.timedelta(minutes=1)
    return min(moment, at(TODAY, 23, 0))


def schedule(batch: list[Journey], late: bool) -> list[tuple[datetime.datetime, int, str]]:
    """Every step of every journey in the order it is typed (journeys interleave; a journey keeps its order)."""
    typed: list[tuple[datetime.datetime, int, str]] = []
    for index, journey in enumerate(batch):
        previous = None
        for step in journey.steps():
            previous = typed_at(journey, step, late, previous)
            typed.append((previous, index, step))
    return sorted(typed, key=lambda t: (t[0], t[1], STEPS.index(t[2])))


class Recorder:
    """Drives the services for a batch of journeys, on the day or late."""

    def __init__(self, world: Any, *, late: bool) -> None:
        self.w = world
        self.late = late
        self.state: dict[int, dict[str, Any]] = {}

    def run(self, batch: list[Journey]) -> None:
        from familyhelp.people.tests.factories import ChildFactory

        for index, journey in enumerate(batch):
            self.state[index] = {
                "child": ChildFactory(
                    given_names=journey.given_names,
                    family_name=journey.family_name,
                    date_of_birth=journey.date_of_birth,
                )
            }
        for moment, index, step in schedule(batch, self.late):
            with freeze_time(moment):
                getattr(self, f"step_{step}")(batch[index], self.state[index])

    # --- the steps ---------------------------------------------------------------------------------
    def _reason(self, journey: Journey, step: str) -> dict[str, Any]:
        """The late-recording reason, given only when the step is typed more than LATE_DAYS after it happened
        (so a service that asked for one on time, or forgot to ask when late, fails the property)."""
        from familyhelp.core import clock

        if self.late and (clock.today() - journey.days[step]).days > LATE_DAYS:
            return {"late_reason": LATE_REASON}
        return {}

    def _when(self, journey: Journey, step: str, key: str, *, as_date: bool = False) -> dict[str, Any]:
        if not self.late:
            return {}
        value: Any = journey.days[step] if as_date else journey.happened(step)
        return {key: value, **self._reason(journey, step)}

    def step_received(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.frontdoor import services as fd

        (contact,) = fd.contact_create(
            actor=self.w.frontdoor,
            children=[fd.ChildAsGiven(given_names=journey.given_names, family_name=journey.family_name)],
            received_at=journey.happened("received"),
            referral_source="2A",
            concerns="School reports bruising and a change in behaviour.",
            consent="given",
            **self._reason(journey, "received"),
        )
        s["contact"] = fd.contact_identify_child(actor=self.w.frontdoor, contact=contact, person=s["child"])

    def step_proposed(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.frontdoor import services as fd

        s["decision"] = fd.decision_propose(
            actor=self.w.frontdoor,
            contact=s["contact"],
            level=4,
            outcome="single_assessment",
            rationale="Significant concerns about neglect.",
            primary_need="N1",
            **self._when(journey, "proposed", "proposed_at"),
        )

    def step_authorised(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.models import Case
        from familyhelp.frontdoor import services as fd

        fd.decision_authorise(
            actor=self.w.fd_manager, decision=s["decision"], **self._when(journey, "authorised", "authorised_at")
        )
        s["case"] = Case.objects.get(person=s["child"])

    def step_allocated(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import cases

        case = s["case"]
        case.refresh_from_db()
        cases.case_allocate(
            actor=self.w.manager,
            case=case,
            worker=self.w.sw,
            expected_version=case.version,
            **self._when(journey, "allocated", "allocated_on", as_date=True),
        )

    def step_assessment_started(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import assessments

        s["case"].refresh_from_db()
        started_on = journey.days["assessment_started"] if self.late else None
        s["assessment"] = assessments.assessment_start(
            actor=self.w.sw,
            case=s["case"],
            kind="single",
            started_on=started_on,
            **self._reason(journey, "assessment_started"),
        )

    def step_child_seen(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import assessments

        a = s["assessment"]
        a.refresh_from_db()
        s["assessment"] = assessments.assessment_update(
            actor=self.w.sw,
            assessment=a,
            expected_version=a.version,
            child_seen_on=journey.days["child_seen"],
            factors=["2B"],
            analysis="Neglect of basic care; parents engaged with support.",
            outcome="close",
            **self._reason(journey, "child_seen"),
        )

    def step_submitted(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import assessments

        a = s["assessment"]
        a.refresh_from_db()
        assessments.assessment_submit(
            actor=self.w.sw,
            assessment=a,
            expected_version=a.version,
            **self._when(journey, "submitted", "completed_on", as_date=True),
        )

    def step_assessment_authorised(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import assessments

        a = s["assessment"]
        a.refresh_from_db()
        assessments.assessment_authorise(
            actor=self.w.manager,
            assessment=a,
            expected_version=a.version,
            **self._when(journey, "assessment_authorised", "authorised_on", as_date=True),
        )

    def step_closed(self, journey: Journey, s: dict[str, Any]) -> None:
        from familyhelp.casework.services import cases

        case = s["case"]
        case.refresh_from_db()
        cases.case_close(
            actor=self.w.manager,
            case=case,
            closure_reason="RC8",
            step_down_to="universal",
            closing_summary="Assessment found no further action needed.",
            expected_version=case.version,
            **self._when(journey, "closed", "closed_on", as_date=True),
        )


def stored(batch_state: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The dates each journey left on its records, and its chronology (kind, date, late reason given?)."""
    from familyhelp.chronology.models import ChronologyEvent

    out = []
    for index in sorted(batch_state):
        s = batch_state[index]
        contact, case, a = s["contact"], s["case"], s.get("assessment")
        contact.refresh_from_db()
        case.refresh_from_db()
        decision = contact.decisions.get()
        episode = case.cin_episodes.first()
        row = {
            "received_at": contact.received_at,
            "decided_at": contact.decided_at,
            "proposed_at": decision.proposed_at,
            "authorised_at": decision.authorised_at,
            "opened_on": case.opened_on,
            "allocated_on": case.allocated_on,
            "closed_on": case.closed_on,
            "referral_date": episode.referral_date if episode else None,
            "episode_closed_on": episode.closed_on if episode else None,
        }
        if a is not None:
            a.refresh_from_db()
            row.update(
                started_on=a.started_on,
                child_seen_on=a.child_seen_on,
                completed_on=a.completed_on,
                assessment_authorised_on=a.authorised_on,
            )
        row["chronology"] = sorted(
            (e.kind, e.occurred_on.isoformat())
            for e in ChronologyEvent.objects.filter(person=s["child"])
        )
        out.append(row)
    return out


def fingerprint(batch_state: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Stored dates, the CIN census of every year the journeys touch, and every measure's figures."""
    from familyhelp.performance.engine import build_report, export_rows
    from familyhelp.performance.periods import Period
    from familyhelp.returns.cin_census import census_to_xml, load_census

    generated = at(TODAY, 9)
    with freeze_time(at(TODAY, 18)):
        census = {
            year: census_to_xml(load_census(year), generated_at=generated) for year in (2024, 2025, 2026)
        }
        report = build_report(Period.financial_year(2025), today=TODAY, benchmarks=False)
        measures = [
            {k: v for k, v in row.items() if "second" not in k} for row in export_rows(report, threshold=0)
        ]
    return {"stored": stored(batch_state), "census": census, "measures": measures}


def expected_census(journey: Journey, year: int) -> tuple[Any, ...] | None:
    """What the CIN census for `year` says of this journey, worked out from its dates alone (what recording
    every step on the day would give): None when its episode is not in the year."""
    from familyhelp.returns.cin_census import collection_period

    start, reference = collection_period(year)
    days = journey.days
    closed = days["closed"] if journey.closes else None
    if days["received"] > reference or (closed is not None and closed < start):
        return None
    assessments = []
    if days["assessment_started"] <= reference:
        authorised = days["assessment_authorised"] if days["assessment_authorised"] <= reference else None
        if authorised is None or authorised >= start:
            assessments.append((days["assessment_started"], authorised))
    closure = closed if closed is not None and closed <= reference else None
    return (days["received"], closure, assessments)


def census_of(census: Any, child: Any) -> tuple[Any, ...] | None:
    """What a loaded census says of one child's (single) episode."""
    for entry in census.children:
        if entry.person_id == child.pk:
            (episode,) = entry.episodes
            return (
                episode.referral,
                episode.closure,
                [(a.start, a.authorised) for a in episode.assessments],
            )
    return None


def expected_stored(journey: Journey) -> dict[str, Any]:
    """The dates a journey's records must carry: the dates the steps happened, whenever they were typed."""
    days = journey.days
    return {
        "received_at": journey.happened("received"),
        "proposed_at": journey.happened("proposed"),
        "authorised_at": journey.happened("authorised"),
        "decided_at": journey.happened("authorised"),
        "opened_on": days["authorised"],
        "referral_date": days["received"],
        "allocated_on": days["allocated"],
        "started_on": days["assessment_started"],
        "child_seen_on": days["child_seen"],
        "completed_on": days["submitted"],
        "assessment_authorised_on": days["assessment_authorised"],
        "closed_on": days["closed"] if journey.closes else None,
        "episode_closed_on": days["closed"] if journey.closes else None,
    }
