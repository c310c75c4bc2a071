"""Ofsted Annex A lists 1–8 for a date range, built from the records, and written as xlsx.

`build_annex_a(start, end)` returns {list name: [row, …]}, each row a dict in the list's column order
(docs/domain/returns.md, "Annex A", gives the mapping from records to each column and the choices made).
Each list is a few set-based queries (one for the events with the child's details joined, one for
disability, one or two for the clocks that count earlier events) so it scales to a large council.
Lists 9–11 (care leavers, adoption, adopters) are left out: the system does not hold that data yet.
"""

from __future__ import annotations

import bisect
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from familyhelp.casework.models import (
    Assessment,
    CINEpisode,
    LookedAfterEpisode,
    Plan,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.frontdoor.models import Contact
from familyhelp.people.models import PersonDisability

Row = dict[str, Any]

YES, NO = "a) Yes", "b) No"
GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
DISABILITY_YES, DISABILITY_NO, DISABILITY_UNKNOWN = "a) Yes", "b) No", "c) Unknown"
CLOSED = "Closed"

PERSON = ["ChildUniqueID", "Gender", "Ethnicity", "DateOfBirth", "Age"]
ALLOCATED = ["AllocatedTeam", "AllocatedWorker"]

LIST_1 = "List 1 - Contacts"
LIST_2 = "List 2 - Early help assessments"
LIST_3 = "List 3 - Referrals"
LIST_4 = "List 4 - Assessments"
LIST_5 = "List 5 - Section 47 enquiries"
LIST_6 = "List 6 - Children in need"
LIST_7 = "List 7 - Child protection"
LIST_8 = "List 8 - Children in care"

COLUMNS: dict[str, list[str]] = {
    LIST_1: [*PERSON, "DateOfContact", "ContactSource"],
    LIST_2: [*PERSON, "AssessmentStartDate", "AssessmentCompletionDate", "OrganisationCompletingAssessment"],
    LIST_3: [*PERSON, "ReferralDate", "ReferralSource", "ReferralNFA", "ReferralsLast12Months", *ALLOCATED],
    LIST_4: [
        *PERSON,
        "HasDisability",
        "ContinuousAssessmentStart",
        "ContinuousAssessmentChildSeen",
        "ContinuousAssessmentAuthDate",
        *ALLOCATED,
    ],
    LIST_5: [
        *PERSON,
        "HasDisability",
        "StratDiscussionDate",
        "InitialCPConfUnnecessary",
        "InitialCPConfDate",
        "CPConfResultInCPPlan",
        "NumberS47s12m",
        "NumberICPCs12m",
        *ALLOCATED,
    ],
    LIST_6: [
        *PERSON,
        "HasDisability",
        "CINStartDate",
        "PrimaryNeedCode",
        "DateChildLastSeen",
        "CINClosureDate",
        "ReasonForClosure",
        "CaseStatus",
        *ALLOCATED,
        "v2",
    ],
    LIST_7: [
        *PERSON[1:],
        "HasDisability",
        "ChildProtectionPlanStartDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "DateOfLastStatutoryVisit",
        "ChildSeenAlone",
        "DateOfLatestReviewConf",
        "ChildProtectionPlanEndDate",
        "ProtectionLastSixMonths",
        "NumberOfPreviousChildProtectionPlans",
        *ALLOCATED,
        "PersonID",
        "CPRegID",
        "Rnk",
        "ReviewDate",
        "Team",
    ],
    LIST_8: [
        *PERSON,
        "UASC",
        "HasDisability",
        "LoookedAfterStartDate",  # sic: the column name as the Annex A template spells it
        "ChildCategoryOfNeed",
        "SubsequentLACEpisodeLast12Months",
        "MostRecentLegalStatusStart",
        "LegalStatus",
        "LatestStatutoryReviewDate",
        "LastSocialWorkVisitDate",
        "PermanencePlan",
        "LastIROVisitDate",
        "LastHealthAssessmentDate",
        "LastDentalCheckDate",
        "PlacementsLast12Months",
        "CeasedLookedAfterDate",
        "ReasonCeasedLookedAfter",
        "MostRecentPlacementStartDate",
        "PlacementType",
        "PlacementProvider",
        "PlacementPostcode",
        "PlacementURN",
        "EpisodesChildMissingFromPlacement",
        "EpisodesChildAbsentFromPlacement",
        "ChildOfferedReturnInterviewAfterLastMFH",
        "ChildAcceptedReturnInterviewAfterLastMFH",
        *ALLOCATED,
        "RowNum",
        "Rnk",
        "CountCLAPlacements",
        "MissingEpi",
        "AbsenceEpi",
        "Team",
    ],
}
LISTS = list(COLUMNS)

# The child's details and allocation, joined into each event query (prefix = the path to the person/case).
PERSON_FIELDS = {
    "_person_id": "person_id",
    "_ref": "person__reference",
    "_sex": "person__sex",
    "_eth": "person__ethnicity",
    "_dob": "person__date_of_birth",
    "_edob": "person__expected_date_of_birth",
}
CASE_FIELDS = {
    "_team": "case__team__name",
    "_wfirst": "case__worker__first_name",
    "_wlast": "case__worker__last_name",
}


@dataclass(frozen=True)
class Period:
    """The inclusive date range the lists cover."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The end of the period must be on or after its start")

    def year_before(self, day: date) -> date:
        """The day twelve months before `day` (29 February falls back to 28 February)."""
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)


def _fields(prefix: str, mapping: dict[str, str]) -> dict[str, F]:
    return {key: F(f"{prefix}{path}") for key, path in mapping.items()}


def _age(dob: date | None, on: date) -> int | None:
    if dob is None or dob > on:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _person(r: dict[str, Any], on: date) -> Row:
    dob = r["_dob"] or r["_edob"]
    return {
        "ChildUniqueID": r["_ref"],
        "Gender": GENDER.get(r["_sex"], GENDER["U"]),
        "Ethnicity": r["_eth"] or "NOBT",
        "DateOfBirth": dob,
        "Age": _age(r["_dob"], on),
        "_person_id": r["_person_id"],
    }


def _allocated(r: dict[str, Any]) -> Row:
    worker = " ".join(p for p in (r.get("_wfirst") or "", r.get("_wlast") or "") if p)
    return {"AllocatedTeam": r.get("_team") or "", "AllocatedWorker": worker}


def _disability(person_ids: Iterable[Any]) -> dict[Any, str]:
    """'a) Yes' (a disability recorded), 'b) No' (NONE recorded), else unknown — one query."""
    ids = set(person_ids)
    found: dict[Any, str] = {}
    for chunk in _chunks(ids):
        for pid, code in PersonDisability.objects.filter(person_id__in=chunk).values_list("person_id", "code"):
            if code != "NONE":
                found[pid] = DISABILITY_YES
            else:
                found.setdefault(pid, DISABILITY_NO)
    return {pid: found.get(pid, DISABILITY_UNKNOWN) for pid in ids}


def _chunks(items: Iterable[Any], size: int = 5000) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _earlier_within_year(dates: dict[Any, list[date]], person_id: Any, day: date, period: Period) -> int:
    """How many of the child's dates fall in the twelve months before `day` (not counting `day`'s own event)."""
    days = dates.get(person_id, [])
    return bisect.bisect_left(days, day) - bisect.bisect_left(days, period.year_before(day))


def _dates_by_person(rows: Iterable[tuple[Any, date | None]]) -> dict[Any, list[date]]:
    out: dict[Any, list[date]] = defaultdict(list)
    for pid, day in rows:
        if day is not None:
            out[pid].append(day)
    for days in out.values():
        days.sort()
    return out


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


def _by_date(rows: list[Row], key: str) -> list[Row]:
    rows.sort(key=lambda r: (r[key] or date.max, r.get("ChildUniqueID") or r.get("PersonID") or ""))
    return rows


# --- List 1: contacts --------------------------------------------------------------------------------
def list_contacts(period: Period) -> list[Row]:
    """Every contact received in the period about an identified child (unidentified ones: data quality)."""
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(period.start, time.min), tz)
    hi = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), tz)
    qs = (
        Contact.objects.filter(received_at__gte=lo, received_at__lt=hi, child__isnull=False)
        .annotate(**_fields("", {k: v.replace("person", "child") for k, v in PERSON_FIELDS.items()}))
        .values(*PERSON_FIELDS, "received_at", "referral_source")
    )
    rows = []
    for r in qs:
        day = timezone.localtime(r["received_at"], tz).date()
        rows.append({**_person(r, day), "DateOfContact": day, "ContactSource": r["referral_source"]})
    return _by_date(rows, "DateOfContact")


# --- Lists 2 and 4: assessments --------------------------------------------------------------------
def _assessments(period: Period, kind: str) -> QuerySet[Assessment]:
    in_period = Q(started_on__range=(period.start, period.end)) | Q(authorised_on__range=(period.start, period.end))
    return (
        Assessment.objects.filter(in_period, kind=kind)
        .annotate(**_fields("", PERSON_FIELDS), **_fields("", CASE_FIELDS))
        .order_by()
    )


def _shown(day: date | None, period: Period) -> date | None:
    """A date that happened by the end of the period (later ones are not yet known 'as at' the period end)."""
    return day if day is not None and day <= period.end else None


def list_early_help(period: Period) -> list[Row]:
    """Family support (level 3, early help) assessments started or completed in the period."""
    rows = []
    for r in _assessments(period, Assessment.Kind.FAMILY_SUPPORT).values(
        *PERSON_FIELDS, *CASE_FIELDS, "started_on", "authorised_on"
    ):
        rows.append(
            {
                **_person(r, r["started_on"]),
                "AssessmentStartDate": r["started_on"],
                "AssessmentCompletionDate": _shown(r["authorised_on"], period),
                "OrganisationCompletingAssessment": r["_team"] or "",
            }
        )
    return _by_date(rows, "AssessmentStartDate")


def list_assessments(period: Period) -> list[Row]:
    """Single (section 17) assessments started or authorised in the period."""
    raw = list(
        _assessments(period, Assessment.Kind.SINGLE).values(
            *PERSON_FIELDS, *CASE_FIELDS, "started_on", "child_seen_on", "authorised_on"
        )
    )
    disability = _disability(r["_person_id"] for r in raw)
    rows = []
    for r in raw:
        rows.append(
            {
                **_person(r, r["started_on"]),
                "HasDisability": disability[r["_person_id"]],
                "ContinuousAssessmentStart": r["started_on"],
                "ContinuousAssessmentChildSeen": _shown(r["child_seen_on"], period),
                "ContinuousAssessmentAuthDate": _shown(r["authorised_on"], period),
                **_allocated(r),
            }
        )
    return _by_date(rows, "ContinuousAssessmentStart")


# --- List 3: referrals --------------------------------------------------------------------------------
def list_referrals(period: Period) -> list[Row]:
    """Every referral (CIN episode) in the period, with earlier referrals of the child in the 12 months before."""
    episodes = CINEpisode.objects.filter(referral_date__range=(period.start, period.end))
    nfa = (
        Q(closed_on__isnull=False, closed_on__lte=period.end)
        & ~Exists(Assessment.objects.filter(cin_episode=OuterRef("pk")))
        & ~Exists(StrategyDiscussion.objects.filter(cin_episode=OuterRef("pk")))
        & ~Exists(Plan.objects.filter(cin_episode=OuterRef("pk")))
    )
    raw = list(
        episodes.annotate(**_fields("", PERSON_FIELDS), **_fields("", CASE_FIELDS))
        .annotate(nfa=ExpressionWrapper(nfa, output_field=BooleanField()))
        .order_by()
        .values(*PERSON_FIELDS, *CASE_FIELDS, "referral_date", "referral_source", "nfa")
    )
    earlier = _dates_by_person(
        CINEpisode.objects.filter(
            person_id__in=episodes.values("person_id"),
            referral_date__gte=period.year_before(period.start),
            referral_date__lte=period.end,
        ).values_list("person_id", "referral_date")
    )
    rows = []
    for r in raw:
        rows.append(
            {
                **_person(r, r["referral_date"]),
                "ReferralDate": r["referral_date"],
                "ReferralSource": r["referral_source"],
                "ReferralNFA": _yes_no(bool(r["nfa"])),
                "ReferralsLast12Months": _earlier_within_year(earlier, r["_person_id"], r["referral_date"], period),
                **_allocated(r),
            }
        )
    return _by_date(rows, "ReferralDate")


# --- List 5: section 47 enquiries -------------------------------------------------------------------
def list_s47(period: Period) -> list[Row]:
    """Section 47 enquiries started in the period, or whose initial conference was in the period."""
    in_period = Q(started_on__range=(period.start, period.end)) | Q(icpc_on__range=(period.start, period.end))
    enquiries = S47Enquiry.objects.filter(in_period)
    raw = list(
        enquiries.annotate(**_fields("", PERSON_FIELDS), **_fields("", CASE_FIELDS))
        .order_by()
        .values(
            *PERSON_FIELDS,
            *CASE_FIELDS,
            "started_on",
            "strategy_discussion__held_on",
            "outcome",
            "concluded_on",
            "icpc_on",
            "icpc_outcome",
        )
    )
    history = list(
        S47Enquiry.objects.filter(
            person_id__in=enquiries.values("person_id"),
            started_on__gte=period.year_before(period.start),
            started_on__lte=period.end,
        ).values_list("person_id", "started_on", "icpc_on")
    )
    s47s = _dates_by_person((pid, started) for pid, started, _ in history)
    icpcs = _dates_by_person((pid, icpc) for pid, _, icpc in history)
    disability = _disability(r["_person_id"] for r in raw)
    rows = []
    for r in raw:
        icpc_on = _shown(r["icpc_on"], period)
        concluded = _shown(r["concluded_on"], period)
        unnecessary: bool | None = None
        if icpc_on is not None or r["outcome"] == S47Enquiry.Outcome.ICPC:
            unnecessary = False
        elif concluded is not None and r["outcome"]:
            unnecessary = True
        result: bool | None = None
        if icpc_on is not None and r["icpc_outcome"]:
            result = r["icpc_outcome"] == S47Enquiry.ConferenceOutcome.CP_PLAN
        start = r["started_on"]
        rows.append(
            {
                **_person(r, start),
                "HasDisability": disability[r["_person_id"]],
                "StratDiscussionDate": r["strategy_discussion__held_on"],
                "InitialCPConfUnnecessary": _yes_no(unnecessary),
                "InitialCPConfDate": icpc_on,
                "CPConfResultInCPPlan": _yes_no(result),
                "NumberS47s12m": _earlier_within_year(s47s, r["_person_id"], start, period),
                "NumberICPCs12m": _earlier_within_year(icpcs, r["_person_id"], start, period),
                **_allocated(r),
            }
        )
    return _by_date(rows, "StratDiscussionDate")


# --- List 6: children in need ------------------------------------------------------------------------
def _last_visit(period: Period, *, since: str, until: str | None = None, seen_only: bool = False) -> Subquery:
    visits = Visit.objects.filter(
        person=OuterRef("person_id"), visited_on__gte=OuterRef(since), visited_on__lte=period.end
    )
    if until is not None:
        visits = visits.filter(visited_on__lte=Coalesce(OuterRef(until), Value(period.end)))
    if seen_only:
        visits = visits.exclude(seen=Visit.Seen.NOT_SEEN)
    return Subquery(visits.order_by("-visited_on").values("visited_on")[:1])


def _open_in(period: Period, start_field: str, end_field: str) -> Q:
    return Q(**{f"{start_field}__lte": period.end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": period.start})
    )


def _status_at_end(period: Period) -> dict[Any, str]:
    """Per child: the plan they were on at the end of the period (looked after wins over CP over CIN)."""
    open_at_end = Q(started_on__lte=period.end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
    rank: dict[str, int] = {Plan.Kind.LAC: 3, Plan.Kind.CP: 2, Plan.Kind.CIN: 1}
    label: dict[str, str] = {
        Plan.Kind.LAC: "Looked after",
        Plan.Kind.CP: "Child protection plan",
        Plan.Kind.CIN: "Child in need plan",
    }
    best: dict[Any, str] = {}
    in_need = CINEpisode.objects.filter(_open_in(period, "referral_date", "closed_on")).values("person_id")
    plans = Plan.objects.filter(open_at_end, kind__in=list(rank), person_id__in=in_need).values_list(
        "person_id", "kind"
    )
    for pid, kind in plans:
        if pid not in best or rank[kind] > rank[best[pid]]:
            best[pid] = kind
    return {pid: label[kind] for pid, kind in best.items()}


def list_children_in_need(period: Period) -> list[Row]:
    """Every CIN episode open at some time in the period (one row per episode)."""
    raw = list(
        CINEpisode.objects.filter(_open_in(period, "referral_date", "closed_on"))
        .annotate(
            **_fields("", PERSON_FIELDS),
            **_fields("", CASE_FIELDS),
            last_seen=_last_visit(period, since="referral_date", until="closed_on", seen_only=True),
        )
        .order_by()
        .values(
            *PERSON_FIELDS, *CASE_FIELDS, "referral_date", "primary_need", "closed_on", "closure_reason", "last_seen"
        )
    )
    disability = _disability(r["_person_id"] for r in raw)
    status = _status_at_end(period)
    rows = []
    for r in raw:
        closed = _shown(r["closed_on"], period)
        rows.append(
            {
                **_person(r, closed or period.end),
                "HasDisability": disability[r["_person_id"]],
                "CINStartDate": r["referral_date"],
                "PrimaryNeedCode": r["primary_need"],
                "DateChildLastSeen": r["last_seen"],
                "CINClosureDate": closed,
                "ReasonForClosure": r["closure_reason"] if closed else "",
                "CaseStatus": CLOSED if closed else status.get(r["_person_id"], "Child in need: assessment or other"),
                **_allocated(r),
                "v2": "",
            }
        )
    return _by_date(rows, "CINStartDate")


# --- List 7: child protection ------------------------------------------------------------------------
def _latest_review(period: Period, field: str) -> Subquery:
    reviews = PlanReview.objects.filter(plan=OuterRef("pk"), held_on__lte=period.end).order_by("-held_on")
    return Subquery(reviews.values(field)[:1])


def _rank(rows: list[Row], person_key: str, date_key: str, into: str) -> None:
    """Number each child's rows from their latest (1) backwards."""
    by_child: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        by_child[r[person_key]].append(r)
    for group in by_child.values():
        group.sort(key=lambda r: r[date_key], reverse=True)
        for n, r in enumerate(group, 1):
            r[into] = n


def list_child_protection(period: Period) -> list[Row]:
    """Every child protection plan open at some time in the period (one row per plan)."""
    last_visit = Visit.objects.filter(
        person=OuterRef("person_id"),
        visited_on__gte=OuterRef("started_on"),
        visited_on__lte=Coalesce(OuterRef("ended_on"), Value(period.end)),
    ).filter(visited_on__lte=period.end)
    raw = list(
        Plan.objects.filter(_open_in(period, "started_on", "ended_on"), kind=Plan.Kind.CP)
        .annotate(
            **_fields("", PERSON_FIELDS),
            **_fields("", CASE_FIELDS),
            visit_on=Subquery(last_visit.order_by("-visited_on", "-created_at").values("visited_on")[:1]),
            visit_seen=Subquery(last_visit.order_by("-visited_on", "-created_at").values("seen")[:1]),
            review_on=_latest_review(period, "held_on"),
            review_next=_latest_review(period, "next_due_on"),
        )
        .order_by()
        .values(
            *PERSON_FIELDS,
            *CASE_FIELDS,
            "started_on",
            "ended_on",
            "initial_category",
            "latest_category",
            "previous_cp_plans",
            "visit_on",
            "visit_seen",
            "review_on",
            "review_next",
        )
    )
    disability = _disability(r["_person_id"] for r in raw)
    six_months_before_end = period.end - timedelta(days=182)
    rows = []
    for r in raw:
        ended = _shown(r["ended_on"], period)
        person = _person(r, ended or period.end)
        person.pop("ChildUniqueID")
        rows.append(
            {
                **person,
                "HasDisability": disability[r["_person_id"]],
                "ChildProtectionPlanStartDate": r["started_on"],
                "InitialCategoryOfAbuse": r["initial_category"],
                "LatestCategoryOfAbuse": r["latest_category"] or r["initial_category"],
                "DateOfLastStatutoryVisit": r["visit_on"],
                "ChildSeenAlone": _yes_no(None if r["visit_seen"] is None else r["visit_seen"] == Visit.Seen.ALONE),
                "DateOfLatestReviewConf": r["review_on"],
                "ChildProtectionPlanEndDate": ended,
                "ProtectionLastSixMonths": _yes_no(ended is None or ended >= six_months_before_end),
                "NumberOfPreviousChildProtectionPlans": r["previous_cp_plans"],
                **_allocated(r),
                "PersonID": r["_ref"],
                "CPRegID": f"{r['_ref']}-CP{r['previous_cp_plans'] + 1}",
                "Rnk": 0,
                "ReviewDate": r["review_next"] if ended is None else None,
                "Team": r["_team"] or "",
            }
        )
    _rank(rows, "PersonID", "ChildProtectionPlanStartDate", "Rnk")
    rows.sort(key=lambda r: (r["ChildProtectionPlanStartDate"], r["PersonID"]))
    return rows


# --- List 8: children in care -----------------------------------------------------------------------
def _placement(e: dict[str, Any]) -> tuple[str, str]:
    return (e["placement_type"], e["placement_postcode"])


def list_looked_after(period: Period) -> list[Row]:
    """Every period of care (a looked-after care plan with its chain of episodes) open at some time in the period."""
    plans_qs = Plan.objects.filter(_open_in(period, "started_on", "ended_on"), kind=Plan.Kind.LAC)
    raw = list(
        plans_qs.annotate(
            **_fields("", PERSON_FIELDS),
            **_fields("", CASE_FIELDS),
            need=F("cin_episode__primary_need"),
            review_on=_latest_review(period, "held_on"),
            visit_on=_last_visit(period, since="started_on", until="ended_on"),
        )
        .order_by()
        .values(*PERSON_FIELDS, *CASE_FIELDS, "pk", "started_on", "ended_on", "need", "review_on", "visit_on")
    )
    episodes: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for e in (
        LookedAfterEpisode.objects.filter(plan__in=plans_qs, started_on__lte=period.end)
        .order_by("plan_id", "started_on", "created_at")
        .values(
            "plan_id",
            "started_on",
            "ended_on",
            "legal_status",
            "placement_type",
            "placement_postcode",
            "uasc",
            "reason_ended",
        )
    ):
        episodes[e["plan_id"]].append(dict(e))
    # Earlier periods of care of the same children, for 'returned to care within 12 months'.
    earlier_ends = _dates_by_person(
        Plan.objects.filter(
            kind=Plan.Kind.LAC, person_id__in=plans_qs.values("person_id"), ended_on__lte=period.end
        ).values_list("person_id", "ended_on")
    )
    disability = _disability(r["_person_id"] for r in raw)
    year_before_end = period.year_before(period.end)
    rows = []
    for r in raw:
        chain = episodes.get(r["pk"], [])
        if not chain:
            continue
        last = chain[-1]
        start = chain[0]["started_on"]
        ceased = _shown(last["ended_on"], period) if last["reason_ended"] not in ("", "X1") else None
        legal_start = last["started_on"]
        placement_start = last["started_on"]
        for before in reversed(chain[:-1]):
            if before["legal_status"] != last["legal_status"]:
                break
            legal_start = before["started_on"]
        for before in reversed(chain[:-1]):
            if _placement(before) != _placement(last):
                break
            placement_start = before["started_on"]
        placements = [e for i, e in enumerate(chain) if i == 0 or _placement(e) != _placement(chain[i - 1])]
        in_year = [
            p
            for i, p in enumerate(placements)
            if (placements[i + 1]["started_on"] if i + 1 < len(placements) else (last["ended_on"] or period.end))
            >= year_before_end
        ]
        ends = earlier_ends.get(r["_person_id"], [])
        returned = any(start > d >= period.year_before(start) for d in ends)
        rows.append(
            {
                **_person(r, ceased or period.end),
                "UASC": _yes_no(any(e["uasc"] for e in chain)),
                "HasDisability": disability[r["_person_id"]],
                "LoookedAfterStartDate": start,
                "ChildCategoryOfNeed": r["need"] or "",
                "SubsequentLACEpisodeLast12Months": _yes_no(returned),
                "MostRecentLegalStatusStart": legal_start,
                "LegalStatus": last["legal_status"],
                "LatestStatutoryReviewDate": r["review_on"],
                "LastSocialWorkVisitDate": r["visit_on"],
                "PermanencePlan": "",
                "LastIROVisitDate": None,
                "LastHealthAssessmentDate": None,
                "LastDentalCheckDate": None,
                "PlacementsLast12Months": len(in_year),
                "CeasedLookedAfterDate": ceased,
                "ReasonCeasedLookedAfter": last["reason_ended"] if ceased else "",
                "MostRecentPlacementStartDate": placement_start,
                "PlacementType": last["placement_type"],
                "PlacementProvider": "",
                "PlacementPostcode": last["placement_postcode"],
                "PlacementURN": "",
                "EpisodesChildMissingFromPlacement": None,
                "EpisodesChildAbsentFromPlacement": None,
                "ChildOfferedReturnInterviewAfterLastMFH": "",
                "ChildAcceptedReturnInterviewAfterLastMFH": "",
                **_allocated(r),
                "RowNum": 0,
                "Rnk": 0,
                "CountCLAPlacements": len(placements),
                "MissingEpi": None,
                "AbsenceEpi": None,
                "Team": r["_team"] or "",
            }
        )
    _rank(rows, "ChildUniqueID", "LoookedAfterStartDate", "Rnk")
    _by_date(rows, "LoookedAfterStartDate")
    for n, row in enumerate(rows, 1):
        row["RowNum"] = n
    return rows


BUILDERS = {
    LIST_1: list_contacts,
    LIST_2: list_early_help,
    LIST_3: list_referrals,
    LIST_4: list_assessments,
    LIST_5: list_s47,
    LIST_6: list_children_in_need,
    LIST_7: list_child_protection,
    LIST_8: list_looked_after,
}


def build_annex_a_rows(start: date, end: date) -> dict[str, list[Row]]:
    """The lists with each row's internal person id (`_person_id`) kept, for the data-quality checks."""
    period = Period(start, end)
    return {name: builder(period) for name, builder in BUILDERS.items()}


def public(rows: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The lists with only the Annex A columns, in order."""
    return {name: [{c: r[c] for c in COLUMNS[name]} for r in list_rows] for name, list_rows in rows.items()}


def build_annex_a(start: date, end: date) -> dict[str, list[Row]]:
    """Ofsted Annex A lists 1–8 for the inclusive period: {list name: [row dict in column order]}."""
    return public(build_annex_a_rows(start, end))


def counts(lists: dict[str, list[Row]]) -> dict[str, int]:
    """Rows per list."""
    return {name: len(rows) for name, rows in lists.items()}


def write_annex_a_xlsx(lists: dict[str, list[Row]], output: Any) -> None:
    """Write the lists as an xlsx workbook (one sheet per list, header row, dates as dd/mm/yyyy) to a path or file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for name in LISTS:
        if name not in lists:
            continue
        sheet = workbook.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        header = []
        for column in COLUMNS[name]:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in lists[name]:
            values: list[Any] = []
            for column in COLUMNS[name]:
                value = row.get(column)
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
    workbook.save(output)


def annex_a_xlsx_bytes(lists: dict[str, list[Row]]) -> bytes:
    """The workbook as bytes (for a download)."""
    buffer = io.BytesIO()
    write_annex_a_xlsx(lists, buffer)
    return buffer.getvalue()


def annex_a_filename(start: date, end: date) -> str:
    """The download's file name, e.g. annex_a_2025-04-01_2026-03-31.xlsx."""
    return f"annex_a_{start.isoformat()}_{end.isoformat()}.xlsx"


def annex_a_export(*, actor: Any, start: date, end: date, output: Any = None, reason: str = "") -> dict[str, int]:
    """Build the lists, write the workbook to `output` (a path or file) and log the export; returns rows per list.

    The access log gets who (the actor), when, the period and the row counts: no personal data.
    """
    from familyhelp.audit.services import access_log_record

    lists = build_annex_a(start, end)
    if output is not None:
        write_annex_a_xlsx(lists, output)
    rows = counts(lists)
    access_log_record(
        actor=actor,
        action="export",
        criteria={"return": "annex_a", "from": start.isoformat(), "to": end.isoformat(), "rows": rows},
        result_count=sum(rows.values()),
        reason=reason or "Ofsted Annex A lists",
    )
    return rows
