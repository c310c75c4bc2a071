"""Outcome tracking (issue 7 point 4): what happened to children after a specialist service ended.

Cohort: the children whose referral to the service ENDED in the period (one row per child and service: a child
whose referral to the same service ended twice in the period counts once, from the later end). For each:

- **looked after within 3, 6 and 12 months**: a looked-after episode started on or after the end date and on or
  before the end date plus 3, 6 or 12 calendar months (10 March + 3 months = 10 June). Short-break care (legal
  status V3/V4) is not a child becoming looked after. A child who came into care the day the service ended counts.
- **re-referred within 12 months**: a new children in need episode referred after the end date and on or before
  the end date plus 12 months.

Figures for a window that has not yet elapsed count what has happened so far (`complete` says when every
window is over). The same function feeds the service page, the API and the measures library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from familyhelp.core import clock
from familyhelp.performance.facts import Facts
from familyhelp.performance.measures import COUNT, LOWER, PERCENT, Figure, Measure, Records, percent, register
from familyhelp.performance.periods import Period

WINDOWS = (3, 6, 12)
SHORT_BREAK_STATUSES = ("V3", "V4")


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when it has fewer days)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Outcomes:
    """The cohort's size, children looked after within each window, and re-referred within 12 months."""

    ended: int
    looked_after: dict[int, int]
    rereferred: int
    complete: bool
    case_ids: list[str] = field(default_factory=list)
    looked_after_case_ids: dict[int, list[str]] = field(default_factory=dict)
    rereferred_case_ids: list[str] = field(default_factory=list)

    def percent(self, count: int) -> float | None:
        return 100.0 * count / self.ended if self.ended else None

    def rows(self) -> list[tuple[str, int, float | None]]:
        """(label, count, percent) for display."""
        out = [
            (f"Became looked after within {m} months", self.looked_after[m], self.percent(self.looked_after[m]))
            for m in WINDOWS
        ]
        out.append(("Re-referred within 12 months", self.rereferred, self.percent(self.rereferred)))
        return out


def _cohort(start: date, end: date, services: Iterable[Any] | None) -> dict[tuple[str, str], tuple[date, str]]:
    from familyhelp.specialist.models import ServiceReferral

    qs = ServiceReferral.objects.filter(status=ServiceReferral.Status.ENDED, ended_on__gte=start, ended_on__lte=end)
    if services is not None:
        qs = qs.filter(service__in=list(services))
    cohort: dict[tuple[str, str], tuple[date, str]] = {}
    for service_id, person_id, ended_on, case_id in qs.values_list("service_id", "person_id", "ended_on", "case_id"):
        key = (str(service_id), str(person_id))
        if ended_on is None:  # an ended referral always has its end date (a constraint); for the type checker
            continue
        if key not in cohort or ended_on > cohort[key][0]:
            cohort[key] = (ended_on, case_id.hex)
    return cohort


def service_outcomes(
    start: date, end: date, *, services: Iterable[Any] | None = None, today: date | None = None
) -> Outcomes:
    """Outcomes of the children whose referral to these services (all services when None) ended start..end."""
    from familyhelp.casework.models import CINEpisode, LookedAfterEpisode

    today = today or clock.today()
    cohort = _cohort(start, end, services)
    people = {person for _service, person in cohort}
    care: dict[str, list[date]] = {}
    for person_id, started_on in (
        LookedAfterEpisode.objects.filter(person_id__in=people, started_on__gte=start)
        .exclude(legal_status__in=SHORT_BREAK_STATUSES)
        .values_list("person_id", "started_on")
    ):
        care.setdefault(str(person_id), []).append(started_on)
    referrals: dict[str, list[date]] = {}
    for person_id, referral_date in CINEpisode.objects.filter(
        person_id__in=people, referral_date__gt=start
    ).values_list("person_id", "referral_date"):
        referrals.setdefault(str(person_id), []).append(referral_date)
    looked_after = dict.fromkeys(WINDOWS, 0)
    la_cases: dict[int, list[str]] = {m: [] for m in WINDOWS}
    rereferred, rr_cases = 0, []
    for (_service, person), (ended_on, case_id) in cohort.items():
        for months in WINDOWS:
            limit = add_months(ended_on, months)
            if any(ended_on <= d <= limit for d in care.get(person, [])):
                looked_after[months] += 1
                la_cases[months].append(case_id)
        limit = add_months(ended_on, 12)
        if any(ended_on < d <= limit for d in referrals.get(person, [])):
            rereferred += 1
            rr_cases.append(case_id)
    return Outcomes(
        ended=len(cohort),
        looked_after=looked_after,
        rereferred=rereferred,
        complete=add_months(end, 12) < today,
        case_ids=sorted(case_id for _ended, case_id in cohort.values()),
        looked_after_case_ids={m: sorted(v) for m, v in la_cases.items()},
        rereferred_case_ids=sorted(rr_cases),
    )


# --- the measures library ---------------------------------------------------------------------------------
OUTCOME_FRAMES = ("specialist:ended", "specialist:care", "specialist:cin")
# Windowed reads of care and re-referrals need only the children whose service ended in the window.
ENDED_IN_WINDOW = (
    "SELECT r.person_id FROM specialist_servicereferral r WHERE r.status = 'ended' "
    "AND r.ended_on >= %(since)s AND r.ended_on <= %(until)s"
)


def _outcome_specs() -> dict[str, Any]:
    """Ended referrals in the report's window, and the looked-after episode starts (not short-break care) and CIN
    referral dates from the window's start on (an outcome can come up to a year after the period)."""
    from familyhelp.performance.facts import DATE, ID, FrameSpec, _id, _text

    return {
        "specialist:ended": FrameSpec(
            "specialist:ended",
            (("service", ID), ("person", ID), ("ended_on", DATE)),
            f"SELECT {_id('r.service_id')}, {_id('r.person_id')}, {_text('r.ended_on')} "  # noqa: S608 (constants)
            "FROM specialist_servicereferral r WHERE r.status = 'ended' AND r.ended_on IS NOT NULL AND {window}",
            window="r.ended_on >= %(since)s AND r.ended_on <= %(until)s",
        ),
        "specialist:care": FrameSpec(
            "specialist:care",
            (("person", ID), ("care", DATE)),
            f"SELECT {_id('l.person_id')}, {_text('l.started_on')} FROM casework_lookedafterepisode l "  # noqa: S608
            "WHERE l.legal_status NOT IN ('V3', 'V4') AND {window}",
            window=f"l.started_on >= %(since)s AND l.person_id IN ({ENDED_IN_WINDOW})",
        ),
        "specialist:cin": FrameSpec(
            "specialist:cin",
            (("person", ID), ("again", DATE)),
            f"SELECT {_id('e.person_id')}, {_text('e.referral_date')} "  # noqa: S608 (constants)
            "FROM casework_cinepisode e WHERE {window}",
            window=f"e.referral_date >= %(since)s AND e.person_id IN ({ENDED_IN_WINDOW})",
        ),
    }


def _outcome_frames(facts: Facts) -> tuple[Any, Any, Any]:
    """The three frames, each read once per report (no filter dimension: the measure is unavailable under one)."""
    ended, care, cin = (facts.frame(name) for name in OUTCOME_FRAMES)
    return ended, care, cin


@dataclass(frozen=True)
class ServiceOutcomeMeasure(Measure):
    """Children whose specialist service ended in the period: % looked after within 3/6/12 months and %
    re-referred within 12 months. Its frames carry no filter dimension, so the measure says it is unavailable
    under any filter; drill-down reads its records through `service_outcomes`."""

    def compute(self, facts: Facts, periods: Sequence[Period], today: date) -> list[list[Figure]]:
        """Every period in one vectorised pass over three whole-history reads (`service_outcomes` counts the
        same thing with the ORM for one period; a test checks they agree)."""
        import polars as pl

        from familyhelp.performance.measures import in_periods

        ended, care, cin = _outcome_frames(facts)
        cohort = (
            in_periods(ended, "ended_on", periods)
            .sort("ended_on")
            .group_by("_p", "service", "person")
            .agg(pl.col("ended_on").last())
            .sort("ended_on")
        )
        # both sides are sorted on the as-of key (so within each person too, which Polars cannot check)
        cohort = cohort.join_asof(
            care.sort("care"),
            left_on="ended_on",
            right_on="care",
            by="person",
            strategy="forward",
            check_sortedness=False,
        )
        cohort = cohort.sort("ended_on").join_asof(
            cin.sort("again"),
            left_on="ended_on",
            right_on="again",
            by="person",
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        flags = [
            (pl.col("care").is_not_null() & (pl.col("care") <= pl.col("ended_on").dt.offset_by(f"{m}mo"))).alias(
                f"m{m}"
            )
            for m in WINDOWS
        ]
        flags.append(
            (pl.col("again").is_not_null() & (pl.col("again") <= pl.col("ended_on").dt.offset_by("12mo"))).alias("rr")
        )
        sums = [pl.len().alias("n"), *(pl.col(f"m{m}").sum() for m in WINDOWS), pl.col("rr").sum()]
        grouped = {row["_p"]: row for row in cohort.with_columns(flags).group_by("_p").agg(sums).iter_rows(named=True)}
        out = []
        for index in range(len(periods)):
            row = grouped.get(index, {})
            ended_n = int(row.get("n") or 0)
            figures = [Figure("total", "Children whose service ended", COUNT, float(ended_n), ended_n)]
            for months in WINDOWS:
                n = int(row.get(f"m{months}") or 0)
                figures.append(
                    Figure(
                        f"looked-after-{months}m",
                        f"Looked after within {months} months",
                        PERCENT,
                        percent(n, ended_n),
                        n,
                        ended_n,
                    )
                )
            rereferred = int(row.get("rr") or 0)
            figures.append(
                Figure(
                    "rereferred-12m",
                    "Re-referred within 12 months",
                    PERCENT,
                    percent(rereferred, ended_n),
                    rereferred,
                    ended_n,
                )
            )
            out.append(figures)
        return out

    def records(self, facts: Facts, period: Period, figure: str, today: date) -> Records:
        o = service_outcomes(period.start, period.end, today=today)
        windows = {f"looked-after-{m}m": m for m in WINDOWS}
        if figure == "total":
            ids = o.case_ids
        elif figure == "rereferred-12m":
            ids = o.rereferred_case_ids
        elif figure in windows:
            ids = o.looked_after_case_ids[windows[figure]]
        else:
            raise KeyError(figure)
        return Records("case", sorted(set(ids)))

    def figure_keys(self) -> list[str]:
        return ["total", *(f"looked-after-{m}m" for m in WINDOWS), "rereferred-12m"]

    def percent_keys(self) -> set[str]:
        return {*(f"looked-after-{m}m" for m in WINDOWS), "rereferred-12m"}


MEASURE = ServiceOutcomeMeasure(
    "specialist-service-outcomes",
    "Outcomes after specialist services",
    "child-in-need",
    "Children whose specialist service ended in the period who became looked after within 3, 6 and 12 months, "
    "and who were re-referred within 12 months.",
    frames=OUTCOME_FRAMES,
    headline="looked-after-12m",
    better=LOWER,
)


def register_measure() -> None:
    """Add the outcome measure and its frames to the library (called from SpecialistConfig.ready)."""
    from familyhelp.performance.facts import register_frame

    for name in OUTCOME_FRAMES:
        register_frame(name, lambda name=name: _outcome_specs()[name])  # type: ignore[misc]
    register(MEASURE)
