"""Data-quality checks on the CIN census, in the product, before export.

Each check reads the census content exactly as the XML will carry it (`cin_census.load_census`) and uses
the DfE validator's rule code, so a problem named here is the one `cin_validator` reports, with the
child's record to open and what to change at source. Codes ending in Q are queries (the DfE asks for a
reason or a fix), the rest errors. Rules that are domain invariants (one open episode, a CP plan starts
on a conference date, …) are also enforced by the casework services; they are checked here as well
because records from before those rules, imports and direct corrections can still break them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyhelp.core.calendar import working_days_between_inclusive
from familyhelp.people.codes import (
    AssessmentFactor,
    Disability,
    Ethnicity,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
)
from familyhelp.returns.cin_census import Census, CensusChild, CensusEpisode

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
CATEGORIES = {"NEG", "PHY", "SAB", "EMO", "MUL"}


@dataclass(frozen=True)
class Problem:
    """One data-quality problem: the DfE rule code, whose record, what is wrong and what to fix."""

    code: str
    person_id: Any
    la_child_id: str
    message: str
    fix: str

    @property
    def is_query(self) -> bool:
        return self.code.endswith("Q")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": "query" if self.is_query else "error",
            "person": str(self.person_id) if self.person_id else None,
            "la_child_id": self.la_child_id,
            "message": self.message,
            "fix": self.fix,
        }


Check = Callable[[Census, CensusChild], Iterator[tuple[str, str, str]]]
CHILD_CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHILD_CHECKS.append(fn)
    return fn


def upn_check_letter(upn: str) -> str:
    """The DfE UPN check letter for characters 2–13 (weights 2–13, modulo 23)."""
    return UPN_CHECK_LETTERS[sum(int(c) * w for w, c in enumerate(upn[1:13], start=2)) % 23]


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "none"


def _overlap(spans: list[tuple[date, date | None]]) -> bool:
    spans = sorted(spans, key=lambda span: span[0])
    return any(end is None or end > nxt for (_, end), (nxt, _) in zip(spans, spans[1:], strict=False))


# --- the child ---------------------------------------------------------------------------------------------
@check
def _identifiers(census: Census, c: CensusChild) -> Iterator[tuple[str, str, str]]:
    if not c.la_child_id:
        yield "8500", "The person has no reference (LA child ID)", "Give the person a reference"
    elif len(c.la_child_id) > 20:
        yield "1570", "The reference is longer than 20 characters", "Shorten the person's reference"
    elif not c.la_child_id.isalnum() or not c.la_child_id.isascii():
        yield "1580", "The reference has characters other than letters and digits", "Correct the reference"
    if c.upn:
        if len(c.upn) != 13 or not c.upn[4:12].isdigit():
            yield "1540", f"UPN {c.upn} is not in the 13-character UPN format", "Correct the UPN"
        elif c.upn[1:].isdigit() and upn_check_letter(c.upn) != c.upn[0]:
            yield "1510", f"UPN {c.upn} has the wrong check letter", "Correct the UPN from the school's records"
    if c.sex not in ("M", "F", "U"):
        yield "4180", "Sex is not M, F or U", "Record the child's sex"
    if c.expected_birth and c.sex != "U":
        yield "8750", "An unborn child's sex must be U", "Record sex as not known until birth"
    if c.birth and c.birth > census.reference:
        yield "8520", f"Date of birth {_d(c.birth)} is after the reference date", "Correct the date of birth"
    if (c.birth is None) == (c.expected_birth is None):
        yield "8525Q", "Neither a date of birth nor an expected date of birth", "Record the date of birth"
    if c.ethnicity not in Ethnicity.values:
        yield "4220", f"Ethnicity {c.ethnicity!r} is not a census code", "Record the child's ethnicity"
    bad = [d for d in c.disabilities if d not in Disability.values]
    if bad:
        yield "8540", f"Disability codes {', '.join(bad)} are not census codes", "Correct the disabilities"
    if "NONE" in c.disabilities and len(c.disabilities) > 1:
        yield "8790", "Disabilities include both NONE and a disability", "Remove NONE or the other codes"
    school_age_born_by = date(census.reference.year - 6, 8, 31)  # the validator's cut-off
    if (
        not c.upn
        and c.birth is not None
        and c.birth <= school_age_born_by
        and c.upn_unknown in ("", "UN1")
        and any(not e.referral_nfa for e in c.episodes)
    ):
        yield "8770Q", "A child of school age has no UPN and no reason why", "Record the UPN or why it is not known"
    if c.death and c.birth and c.death < c.birth:
        yield "8535Q", "Date of death is before the date of birth", "Correct the dates of birth and death"
    if c.death and not (census.start <= c.death <= census.reference):
        yield "8545Q", f"Date of death {_d(c.death)} is outside the census year", "Check the date of death"


# --- episodes ---------------------------------------------------------------------------------------------
def _episode_problems(census: Census, c: CensusChild, e: CensusEpisode) -> Iterator[tuple[str, str, str]]:  # noqa: C901, PLR0912
    ref = f"CIN episode referred {_d(e.referral)}"
    if e.source not in ReferralSource.values:
        yield "8866", f"{ref}: referral source missing or invalid", "Record the source of the referral"
    if not e.primary_need and not e.referral_nfa:
        yield "8610", f"{ref}: no primary need code", "Record the primary need on the episode"
    elif e.primary_need and e.primary_need not in PrimaryNeed.values:
        yield "8650", f"{ref}: primary need {e.primary_need!r} is not a census code", "Correct the primary need"
    if e.closure and e.closure < e.referral:
        yield "8630", f"{ref}: closed {_d(e.closure)}, before the referral", "Correct the referral or closure date"
    if e.closure and not e.closure_reason:
        yield "8805", f"{ref}: closed with no reason for closure", "Record the reason for closure"
    if e.closure_reason and e.closure_reason not in ReasonForClosure.values:
        yield "8640", f"{ref}: reason for closure is not a census code", "Correct the reason for closure"
    if e.closure and c.death is None and e.closure_reason == "RC2":
        yield "8585Q", f"{ref}: closed because the child died, but no date of death", "Record the date of death"
    if c.death and e.referral > c.death:
        yield "8555Q", f"{ref}: referred after the child's date of death", "Check the dates"
    if e.closure:
        if any(a.authorised is None for a in e.assessments):
            yield "8867", f"{ref}: closed with an assessment not authorised", "Authorise the assessment"
        if any(s.icpc is None and not s.icpc_not_required for s in e.s47s):
            yield "8868", f"{ref}: closed with a section 47 enquiry not concluded", "Conclude the enquiry"
    if e.closure_reason in ("RC8", "RC9") and (e.cin_plans or e.s47s or e.cp_plans):
        yield "2990", f"{ref}: closed after assessment (RC8/RC9) but has plans or enquiries", "Correct the reason"
    if e.referral_nfa and (e.assessments or e.s47s or e.cin_plans or e.cp_plans):
        yield "8831", f"{ref}: a referral with no further action has activity", "Correct the episode"
    if e.closure_reason in ("RC8", "RC9") and not e.assessments:
        yield (
            "8825Q",
            f"{ref}: closed after assessment (RC8/RC9) with no assessment in the year",
            ("Check the reason for closure: RC8/RC9 are for a case that closes when its assessment is authorised"),
        )
    if e.s47s and not e.assessments:
        yield "2991Q", f"{ref}: a section 47 enquiry with no assessment in the year", "Record the assessment"
    if sum(1 for a in e.assessments if a.authorised is None) > 1:
        yield "8896", f"{ref}: two or more assessments open at once", "Authorise or remove the older assessment"
    for a in e.assessments:
        what = f"Assessment started {_d(a.start)}"
        if a.start < e.referral:
            yield "1103", f"{what}: before the referral date {_d(e.referral)}", "Correct the assessment start date"
        if a.authorised and a.authorised < a.start:
            yield "8608", f"{what}: authorised {_d(a.authorised)}, before it started", "Correct the dates"
        if a.authorised is None and working_days_between_inclusive(a.start, census.reference) > 45:  # noqa: PLR2004
            yield "8670Q", f"{what}: not authorised 45 working days after it started", "Authorise the assessment"
        if a.authorised is None and a.start < census.start:
            yield "8736", f"{what}: still not authorised, started before the census year", "Authorise it"
        if "21" in a.factors and len(a.factors) > 1:
            yield "8869", f"{what}: factor 21 (no factors) with other factors", "Remove 21 or the other factors"
        if len(set(a.factors)) != len(a.factors):
            yield "8898", f"{what}: the same factor twice", "Remove the duplicate factor"
        if any(f not in AssessmentFactor.values for f in a.factors):
            yield "8897Q", f"{what}: a factor that is not a census code", "Correct the factors"
        elif a.authorised and not a.factors:
            yield "8897Q", f"{what}: authorised with no factors", "Record the factors (21 if none)"
    open_s47 = 0
    for s in e.s47s:
        what = f"Section 47 enquiry started {_d(s.start)}"
        if s.start < e.referral:
            yield "2889", f"{what}: before the referral date", "Correct the enquiry's start date"
        if s.icpc and s.icpc < s.start:
            yield "8615", f"{what}: conference on {_d(s.icpc)}, before it started", "Correct the dates"
        if s.icpc and s.icpc.weekday() >= 5:
            yield "8875", f"{what}: conference date {_d(s.icpc)} is a weekend", "Correct the conference date"
        if s.icpc is None and not s.icpc_not_required:
            open_s47 += 1
            if working_days_between_inclusive(s.start, census.reference) > 15:  # noqa: PLR2004
                yield "8675Q", f"{what}: no conference 15 working days after it started", "Record the conference"
            if s.start < census.start:
                yield "8740", f"{what}: still open, started before the census year", "Conclude the enquiry"
        if s.icpc and e.referral > s.icpc:
            yield "1104", f"{what}: conference before the referral date", "Correct the dates"
    if open_s47 > 1:
        yield "8839", f"{ref}: two or more section 47 enquiries open", "Conclude the older enquiry"
    icpcs = {s.icpc for s in e.s47s if s.icpc and not s.icpc_not_required}
    for p in e.cp_plans:
        what = f"Child protection plan from {_d(p.start)}"
        if p.start < e.referral:
            yield "1105", f"{what}: starts before the referral date", "Correct the plan's start date"
        if census.start <= p.start <= census.reference and e.s47s and icpcs and p.start not in icpcs:
            yield "2885", f"{what}: no initial conference on that day", "Start the plan on the conference date"
        if p.end and p.end < p.start:
            yield "8925", f"{what}: ends before it starts", "Correct the plan's dates"
        elif p.end and p.end == p.start:
            yield "8840", f"{what}: starts and ends on the same day", "Correct the plan's dates"
        if any(r <= p.start for r in p.reviews):
            yield "8841", f"{what}: a review on or before the start", "Correct the review date"
        if p.initial_category not in CATEGORIES:
            yield "8905", f"{what}: initial category of abuse missing", "Record the initial category"
        if p.latest_category not in CATEGORIES:
            yield "8910", f"{what}: latest category of abuse missing", "Record the latest category"
        if c.death and p.start > c.death:
            yield "8915", f"{what}: starts after the child's death", "Correct the dates"
        if c.death and p.end and p.end > c.death:
            yield "8920", f"{what}: ends after the child's death", "End the plan on the date of death"
        for q in e.cin_plans:
            if p.end is None and q.end is None:
                yield "4001", f"{what}: open at the same time as a CIN plan", "End the CIN plan when the CP plan starts"
    if sum(1 for p in e.cp_plans if p.end is None) > 1:
        yield "8935", f"{ref}: more than one open child protection plan", "End the earlier plan"
    if _overlap([(p.start, p.end) for p in e.cp_plans]):
        yield "8940", f"{ref}: child protection plans overlap", "Correct the plans' dates"
    for q in e.cin_plans:
        what = f"CIN plan from {_d(q.start)}"
        if q.start < e.referral:
            yield "4015", f"{what}: starts before the referral date", "Correct the plan's start date"
        if q.end and q.end < q.start:
            yield "4011", f"{what}: ends before it starts", "Correct the plan's dates"
        if q.end and q.end == q.start:
            yield "4012Q", f"{what}: starts and ends on the same day", "Check the plan's dates"
        if c.death and q.start > c.death:
            yield "4008", f"{what}: starts after the child's death", "Correct the dates"
    if _overlap([(q.start, q.end) for q in e.cin_plans]):
        yield "4014", f"{ref}: CIN plans overlap", "Correct the plans' dates"


@check
def _episodes(census: Census, c: CensusChild) -> Iterator[tuple[str, str, str]]:
    for e in c.episodes:
        yield from _episode_problems(census, c, e)
    if sum(1 for e in c.episodes if e.closure is None and not e.referral_nfa) > 1:
        yield "8815", "More than one open CIN episode", "Close the earlier episode"
    if _overlap([(e.referral, e.closure) for e in c.episodes]):
        yield "8820", "CIN episodes overlap", "Correct the referral and closure dates"


def census_problems(census: Census) -> list[Problem]:
    """Every problem in the census content, child by child, then the return-level ones."""
    problems = [
        Problem(code=code, person_id=c.person_id, la_child_id=c.la_child_id, message=message, fix=fix)
        for c in census.children
        for fn in CHILD_CHECKS
        for code, message, fix in fn(census, c)
    ]

    def in_year(day: date | None) -> bool:
        return day is not None and census.start <= day <= census.reference

    episodes = [e for c in census.children for e in c.episodes]
    plans = sum(1 for e in episodes for p in e.cp_plans if in_year(p.start))
    icpcs = sum(1 for e in episodes for s in e.s47s if in_year(s.icpc))
    if plans > icpcs:
        problems.append(
            Problem(
                code="2883",
                person_id=None,
                la_child_id="",
                message=f"{plans} child protection plans started in the year but {icpcs} initial conferences",
                fix="Record the initial conference for each plan",
            )
        )
    used = {d for c in census.children for d in c.disabilities if d != "NONE"}
    if len(used) < 8:
        problems.append(
            Problem(
                code="2887Q",
                person_id=None,
                la_child_id="",
                message=f"Only {len(used)} disability codes used in the return",
                fix="Check that children's disabilities are recorded",
            )
        )
    return problems
