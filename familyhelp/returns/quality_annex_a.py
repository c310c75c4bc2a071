"""Data-quality checks for Annex A: rows missing what Ofsted expects, each with the rule and what to fix.

`annex_a_problems(start, end)` returns one `Problem` per record and rule, for the records the lists for
that period are built from. Each names the child (their reference, linked to the person page) or, for a
contact not yet matched to a child, the contact. Set-based: one query per rule over the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from familyhelp.casework.models import Assessment, CINEpisode, LookedAfterEpisode, Plan, S47Enquiry
from familyhelp.frontdoor.models import Contact
from familyhelp.returns import annex_a as a


@dataclass(frozen=True)
class Problem:
    """One record that breaks one Annex A rule."""

    list_name: str
    rule: str
    fix: str
    reference: str  # the child's reference (or the contact's, when no child is identified)
    url: str  # the person page (or the contact)
    event_date: date | None = None


RULES: dict[str, tuple[str, str]] = {
    # key: (rule, what to fix)
    "contact_no_child": (
        "A contact is not matched to a child's record, so it cannot appear in list 1",
        "Open the contact and find or add the child",
    ),
    "referral_no_source": (
        "A referral has no referral source (list 3 ReferralSource)",
        "Record who made the referral on the child in need episode",
    ),
    "authorised_no_date": (
        "An assessment is authorised but has no authorisation date (lists 2 and 4)",
        "Record the date the manager authorised the assessment",
    ),
    "authorised_not_seen": (
        "A single assessment is authorised but does not say when the child was seen (list 4)",
        "Record the date the child was seen during the assessment",
    ),
    "icpc_no_outcome": (
        "An initial child protection conference has a date but no outcome (list 5 CPConfResultInCPPlan)",
        "Record the conference's outcome on the section 47 enquiry",
    ),
    "episode_no_closure_reason": (
        "A child in need episode is closed without a reason for closure (list 6)",
        "Record the reason the episode closed",
    ),
    "cp_no_category": (
        "A child protection plan has no initial category of abuse (list 7)",
        "Record the category of abuse from the initial conference",
    ),
    "lac_no_postcode": (
        "A looked-after placement has no postcode (list 8 PlacementPostcode)",
        "Record the placement's postcode on the current looked-after episode",
    ),
    "lac_no_episodes": (
        "A care plan for a looked-after child has no looked-after episode, so it cannot appear in list 8",
        "Record the legal status and placement on the care plan",
    ),
    "gender_not_recorded": (
        "The child's sex is not recorded (Gender in every list)",
        "Record the child's sex on their record",
    ),
    "ethnicity_not_obtained": (
        "The child's ethnicity is not yet obtained (Ethnicity in every list)",
        "Record the child's ethnicity, or 'Refused' if the family declined to give it",
    ),
    "no_date_of_birth": (
        "The child has no date of birth or expected date of birth (DateOfBirth and Age in every list)",
        "Record the child's date of birth",
    ),
}


def _problem(key: str, list_name: str, ref: str, person_id: Any, day: date | None) -> Problem:
    rule, fix = RULES[key]
    return Problem(list_name, rule, fix, ref, reverse("people:detail", kwargs={"pk": person_id}), day)


def annex_a_problems(start: date, end: date, lists: dict[str, list[a.Row]] | None = None) -> list[Problem]:
    """Every Annex A problem in the records for the period. Pass `lists` from build_annex_a_rows to reuse them."""
    period = a.Period(start, end)
    rng = (period.start, period.end)
    problems: list[Problem] = []

    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(period.start, time.min), tz)
    hi = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), tz)
    for pk, ref, received in Contact.objects.filter(
        received_at__gte=lo, received_at__lt=hi, child__isnull=True
    ).values_list("pk", "reference", "received_at"):
        rule, fix = RULES["contact_no_child"]
        url = reverse("frontdoor:contact", kwargs={"pk": pk})
        problems.append(Problem(a.LIST_1, rule, fix, ref, url, timezone.localtime(received, tz).date()))

    for pid, ref, day in CINEpisode.objects.filter(referral_date__range=rng, referral_source="").values_list(
        "person_id", "person__reference", "referral_date"
    ):
        problems.append(_problem("referral_no_source", a.LIST_3, ref, pid, day))

    assessments = Assessment.objects.filter(Q(started_on__range=rng) | Q(authorised_on__range=rng))
    for pid, ref, day, kind in assessments.filter(
        status=Assessment.Status.AUTHORISED, authorised_on__isnull=True
    ).values_list("person_id", "person__reference", "started_on", "kind"):
        name = a.LIST_2 if kind == Assessment.Kind.FAMILY_SUPPORT else a.LIST_4
        problems.append(_problem("authorised_no_date", name, ref, pid, day))
    for pid, ref, day in assessments.filter(
        kind=Assessment.Kind.SINGLE, status=Assessment.Status.AUTHORISED, child_seen_on__isnull=True
    ).values_list("person_id", "person__reference", "started_on"):
        problems.append(_problem("authorised_not_seen", a.LIST_4, ref, pid, day))

    for pid, ref, icpc_on in S47Enquiry.objects.filter(
        Q(started_on__range=rng) | Q(icpc_on__range=rng), icpc_on__lte=period.end, icpc_outcome=""
    ).values_list("person_id", "person__reference", "icpc_on"):
        problems.append(_problem("icpc_no_outcome", a.LIST_5, ref, pid, icpc_on))

    for pid, ref, closed_on in CINEpisode.objects.filter(
        a._open_in(period, "referral_date", "closed_on"), closed_on__lte=period.end, closure_reason=""
    ).values_list("person_id", "person__reference", "closed_on"):
        problems.append(_problem("episode_no_closure_reason", a.LIST_6, ref, pid, closed_on))

    plans = Plan.objects.filter(a._open_in(period, "started_on", "ended_on"))
    for pid, ref, day in plans.filter(kind=Plan.Kind.CP, initial_category="").values_list(
        "person_id", "person__reference", "started_on"
    ):
        problems.append(_problem("cp_no_category", a.LIST_7, ref, pid, day))
    lac = plans.filter(kind=Plan.Kind.LAC)
    for pid, ref, day in lac.exclude(looked_after_episodes__started_on__lte=period.end).values_list(
        "person_id", "person__reference", "started_on"
    ):
        problems.append(_problem("lac_no_episodes", a.LIST_8, ref, pid, day))
    for pid, ref, day in (
        LookedAfterEpisode.objects.filter(plan__in=lac, placement_postcode="")
        .filter(a._open_in(period, "started_on", "ended_on"))
        .values_list("person_id", "person__reference", "started_on")
    ):
        problems.append(_problem("lac_no_postcode", a.LIST_8, ref, pid, day))

    problems.extend(_child_details(a.build_annex_a_rows(start, end) if lists is None else lists))
    problems.sort(key=lambda p: (a.LISTS.index(p.list_name), p.event_date or date.min, p.reference, p.rule))
    return problems


def _child_details(lists: dict[str, list[a.Row]]) -> list[Problem]:
    """Sex, ethnicity and date of birth missing, once per child (under the first list they appear in)."""
    seen: set[tuple[Any, str]] = set()
    problems: list[Problem] = []
    for name in a.LISTS:
        for row in lists.get(name, []):
            pid = row["_person_id"]
            ref = row.get("ChildUniqueID") or row.get("PersonID") or ""
            checks = {
                "gender_not_recorded": row["Gender"] == a.GENDER["U"],
                "ethnicity_not_obtained": row["Ethnicity"] == "NOBT",
                "no_date_of_birth": row["DateOfBirth"] is None,
            }
            for key, failed in checks.items():
                if failed and (pid, key) not in seen:
                    seen.add((pid, key))
                    problems.append(_problem(key, name, ref, pid, None))
    return problems


def problem_counts(problems: list[Problem]) -> dict[str, int]:
    """Problems per rule, for the summary."""
    out: dict[str, int] = {}
    for p in problems:
        out[p.rule] = out.get(p.rule, 0) + 1
    return out
