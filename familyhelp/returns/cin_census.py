"""The Children in Need census (DfE XML) for a collection year, built from the casework records.

The collection year YEAR runs from 1 April YEAR-1 to the reference date 31 March YEAR. A child is in the
return when one of their CIN episodes was open at any time in that year (referred on or before the
reference date and not closed before 1 April). Everything is taken *as at the reference date*: records
that start later are left out and ends after it are not shown (the episode, plan or assessment was still
open on 31 March). Inside each episode the return carries only what the DfE guide asks for that year:

- assessments authorised in the year, or not yet authorised at the reference date;
- CIN plans and CP plans open at some time in the year (with the CP reviews held in the year);
- section 47 enquiries whose initial conference was in the year, or that were still open at 1 April or
  started in the year (an enquiry that ended without a conference carries ICPCnotRequired = 1).

Loading is set-based: one query per table (episodes, people, disabilities, assessments, strategy
discussions with their enquiries, plans, reviews), joined in Python dictionaries. docs/domain/returns.md
("CIN census") maps each field to its record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from lxml import etree

from familyhelp.casework import clocks
from familyhelp.casework.models import Assessment, CaseworkPolicy, CINEpisode, Plan, PlanReview, S47Enquiry
from familyhelp.people.models import Person, PersonDisability

SOFTWARE_CODE = "Family Help"
RELEASE = "1.0"
# From the 2026/27 collection (reference date 31 March 2027) each CIN episode carries a
# PreProceedingsandFGDM block (the DfE validator's 2026 fake file dates it in 2026/27).
PRE_PROCEEDINGS_FROM_YEAR = 2027
# Family Help records UN7 for an unborn child; in the census UN7 means "referral with no further action"
# (rule 8772), so an unborn or newborn child without a UPN is sent as UN6 (under 6, no UPN yet).
UPN_UNKNOWN_CENSUS = {"UN7": "UN6"}


def collection_period(year: int) -> tuple[date, date]:
    """The first and last day of collection year `year` (1 April YEAR-1 to 31 March YEAR)."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def _clip(day: date | None, reference: date) -> date | None:
    """A date as known on the reference date (a later date had not happened yet)."""
    return day if day is not None and day <= reference else None


@dataclass
class CensusAssessment:
    id: Any
    start: date
    authorised: date | None
    factors: list[str]


@dataclass
class CensusCINPlan:
    id: Any
    start: date
    end: date | None


@dataclass
class CensusS47:
    id: Any
    start: date
    icpc_target: date | None
    icpc: date | None
    icpc_not_required: bool


@dataclass
class CensusCPPlan:
    id: Any
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: list[date]


@dataclass
class CensusEpisode:
    id: Any
    referral: date
    source: str
    primary_need: str
    closure: date | None
    closure_reason: str
    referral_nfa: bool
    assessments: list[CensusAssessment] = field(default_factory=list)
    cin_plans: list[CensusCINPlan] = field(default_factory=list)
    s47s: list[CensusS47] = field(default_factory=list)
    cp_plans: list[CensusCPPlan] = field(default_factory=list)


@dataclass
class CensusChild:
    person_id: Any
    la_child_id: str
    upn: str
    former_upn: str
    upn_unknown: str
    birth: date | None
    expected_birth: date | None
    sex: str
    death: date | None
    ethnicity: str
    disabilities: list[str]
    episodes: list[CensusEpisode] = field(default_factory=list)


@dataclass
class Census:
    """The return's content, as plain data: what the XML will say (the quality checks read this too)."""

    year: int
    start: date
    reference: date
    la_code: str
    children: list[CensusChild]


def _episodes_in_year(start: date, reference: date) -> QuerySet[CINEpisode]:
    return CINEpisode.objects.filter(referral_date__lte=reference).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


def _open_in_year(begin: date, end: date | None, start: date, reference: date) -> bool:
    return begin <= reference and (end is None or end >= start)


def load_census(year: int) -> Census:
    """Read everything the census needs for `year` in a handful of queries."""
    from familyhelp.organisation.models import LocalAuthority

    start, reference = collection_period(year)
    la = LocalAuthority.objects.values_list("la_code", flat=True).first() or ""
    policy = CaseworkPolicy.objects.first() or CaseworkPolicy()
    episode_qs = _episodes_in_year(start, reference)
    episode_ids = episode_qs.values("pk")
    person_ids = episode_qs.values("person_id")

    episodes: dict[Any, CensusEpisode] = {}
    episodes_by_person: dict[Any, list[CensusEpisode]] = defaultdict(list)
    for e in episode_qs.order_by("referral_date").values_list(
        "pk", "person_id", "referral_date", "referral_source", "primary_need", "closed_on", "closure_reason"
    ):
        pk, person_id, referral, source, need, closed, reason = e
        closure = _clip(closed, reference)
        ep = CensusEpisode(
            id=pk,
            referral=referral,
            source=source,
            primary_need=need,
            closure=closure,
            closure_reason=reason if closure else "",
            referral_nfa=False,
        )
        episodes[pk] = ep
        episodes_by_person[person_id].append(ep)

    disabilities: dict[Any, list[str]] = defaultdict(list)
    for person_id, code in PersonDisability.objects.filter(person_id__in=person_ids).values_list("person_id", "code"):
        disabilities[person_id].append(code)

    activity: set[Any] = set()  # episodes with an assessment, enquiry or plan (at any date up to the reference)
    for a in (
        Assessment.objects.filter(cin_episode_id__in=episode_ids, started_on__lte=reference)
        .order_by("started_on")
        .values_list("pk", "cin_episode_id", "started_on", "authorised_on", "factors")
    ):
        pk, ep_id, started, authorised, factors = a
        activity.add(ep_id)
        authorised = _clip(authorised, reference)
        if authorised is not None and authorised < start:
            continue
        episodes[ep_id].assessments.append(
            CensusAssessment(
                id=pk, start=started, authorised=authorised, factors=list(factors or []) if authorised else []
            )
        )

    for s in (
        S47Enquiry.objects.filter(cin_episode_id__in=episode_ids, started_on__lte=reference)
        .order_by("started_on")
        .values_list(
            "pk", "cin_episode_id", "started_on", "strategy_discussion__held_on", "concluded_on", "outcome", "icpc_on"
        )
    ):
        pk, ep_id, started, held_on, concluded, outcome, icpc_on = s
        activity.add(ep_id)
        icpc = _clip(icpc_on, reference)
        concluded = _clip(concluded, reference)
        not_required = icpc is None and concluded is not None and outcome != S47Enquiry.Outcome.ICPC
        if icpc is not None:
            if icpc < start:
                continue
        elif concluded is not None and concluded < start:
            continue
        episodes[ep_id].s47s.append(
            CensusS47(
                id=pk,
                start=started,
                icpc_target=clocks.icpc_due(held_on or started, policy),
                icpc=icpc,
                icpc_not_required=not_required,
            )
        )

    reviews: dict[Any, list[date]] = defaultdict(list)
    for plan_id, held_on in (
        PlanReview.objects.filter(
            plan__cin_episode_id__in=episode_ids, plan__kind=Plan.Kind.CP, held_on__gte=start, held_on__lte=reference
        )
        .order_by("held_on")
        .values_list("plan_id", "held_on")
    ):
        reviews[plan_id].append(held_on)

    for p in (
        Plan.objects.filter(cin_episode_id__in=episode_ids, kind__in=[Plan.Kind.CIN, Plan.Kind.CP])
        .order_by("started_on")
        .values_list(
            "pk",
            "cin_episode_id",
            "kind",
            "started_on",
            "ended_on",
            "initial_category",
            "latest_category",
            "previous_cp_plans",
        )
    ):
        pk, ep_id, kind, started, ended, initial, latest, previous = p
        if started <= reference:
            activity.add(ep_id)
        if not _open_in_year(started, ended, start, reference):
            continue
        end = _clip(ended, reference)
        if kind == Plan.Kind.CIN:
            episodes[ep_id].cin_plans.append(CensusCINPlan(id=pk, start=started, end=end))
        else:
            episodes[ep_id].cp_plans.append(
                CensusCPPlan(
                    id=pk,
                    start=started,
                    end=end,
                    initial_category=initial,
                    latest_category=latest or initial,
                    previous_plans=previous,
                    reviews=[r for r in reviews.get(pk, []) if r > started],
                )
            )

    # A referral with no further action: closed with nothing done (no assessment, enquiry or plan).
    for pk, ep in episodes.items():
        ep.referral_nfa = ep.closure is not None and pk not in activity and ep.closure_reason not in ("RC8", "RC9")

    children = []
    for row in (
        Person.objects.filter(pk__in=person_ids)
        .order_by("reference")
        .values_list(
            "pk",
            "reference",
            "upn",
            "former_upn",
            "upn_unknown_reason",
            "is_unborn",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "date_of_death",
            "ethnicity",
        )
    ):
        pk, ref, upn, former, unknown, unborn, dob, expected, sex, death, ethnicity = row
        born = dob is not None and dob <= reference
        children.append(
            CensusChild(
                person_id=pk,
                la_child_id=ref,
                upn=upn,
                former_upn=former,
                upn_unknown=UPN_UNKNOWN_CENSUS.get(unknown, unknown) if not upn else "",
                birth=dob if born else None,
                expected_birth=None if born else (expected or dob),
                sex=sex if born else "U",
                death=_clip(death, reference),
                ethnicity=ethnicity,
                disabilities=sorted(disabilities.get(pk, [])) or ["NONE"],
                episodes=episodes_by_person[pk],
            )
        )
    return Census(year=year, start=start, reference=reference, la_code=la, children=children)


# --- XML -------------------------------------------------------------------------------------------
def _text(parent: etree._Element, tag: str, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = "1" if value else "0"
    elif isinstance(value, date):
        value = value.isoformat()
    etree.SubElement(parent, tag).text = str(value)


def _child_xml(parent: etree._Element, child: CensusChild) -> None:
    sub = etree.SubElement
    c = sub(parent, "Child")
    ids = sub(c, "ChildIdentifiers")
    _text(ids, "LAchildID", child.la_child_id)
    _text(ids, "UPN", child.upn)
    _text(ids, "FormerUPN", child.former_upn)
    _text(ids, "UPNunknown", child.upn_unknown)
    _text(ids, "PersonBirthDate", child.birth)
    _text(ids, "ExpectedPersonBirthDate", child.expected_birth)
    _text(ids, "Sex", child.sex)
    _text(ids, "PersonDeathDate", child.death)
    chars = sub(c, "ChildCharacteristics")
    _text(chars, "Ethnicity", child.ethnicity)
    dis = sub(chars, "Disabilities")
    for code in child.disabilities:
        _text(dis, "Disability", code)
    for ep in child.episodes:
        d = sub(c, "CINdetails")
        _text(d, "CINreferralDate", ep.referral)
        _text(d, "ReferralSource", ep.source)
        _text(d, "PrimaryNeedCode", ep.primary_need)
        _text(d, "CINclosureDate", ep.closure)
        _text(d, "ReasonForClosure", ep.closure_reason)
        for a in ep.assessments:
            ae = sub(d, "Assessments")
            _text(ae, "AssessmentActualStartDate", a.start)
            _text(ae, "AssessmentAuthorisationDate", a.authorised)
            if a.factors:
                fe = sub(ae, "FactorsIdentifiedAtAssessment")
                for f in a.factors:
                    _text(fe, "AssessmentFactors", f)
        for p in ep.cin_plans:
            pe = sub(d, "CINPlanDates")
            _text(pe, "CINPlanStartDate", p.start)
            _text(pe, "CINPlanEndDate", p.end)
        for s in ep.s47s:
            se = sub(d, "Section47")
            _text(se, "S47ActualStartDate", s.start)
            _text(se, "InitialCPCtarget", s.icpc_target)
            _text(se, "DateOfInitialCPC", s.icpc)
            _text(se, "ICPCnotRequired", s.icpc_not_required)
        _text(d, "ReferralNFA", ep.referral_nfa)
        for cp in ep.cp_plans:
            ce = sub(d, "ChildProtectionPlans")
            _text(ce, "CPPstartDate", cp.start)
            _text(ce, "CPPendDate", cp.end)
            _text(ce, "InitialCategoryOfAbuse", cp.initial_category)
            _text(ce, "LatestCategoryOfAbuse", cp.latest_category)
            _text(ce, "NumberOfPreviousCPP", cp.previous_plans)
            if cp.reviews:
                re_ = sub(ce, "Reviews")
                for r in cp.reviews:
                    _text(re_, "CPPreviewDate", r)
        # PreProceedingsandFGDM (from PRE_PROCEEDINGS_FROM_YEAR) would follow here: Family Help does not yet
        # record pre-proceedings or family group decision making, so there is nothing to send (returns.md).


def census_to_xml(census: Census, *, generated_at: datetime | None = None, serial_no: str = "001") -> bytes:
    """The census as the DfE XML message (elements in the specification's sequence order)."""
    sub = etree.SubElement
    root = etree.Element("Message")
    header = sub(root, "Header")
    details = sub(header, "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", census.year)
    _text(details, "ReferenceDate", census.reference)
    source = sub(header, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", census.la_code)
    _text(source, "SoftwareCode", SOFTWARE_CODE)
    _text(source, "Release", RELEASE)
    _text(source, "SerialNo", serial_no)
    _text(source, "DateTime", (generated_at or datetime.now()).replace(microsecond=0).isoformat())  # noqa: DTZ005
    children = sub(root, "Children")
    for child in census.children:
        _child_xml(children, child)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def build_cin_census(year: int, *, generated_at: datetime | None = None) -> bytes:
    """The CIN census XML for collection year `year` (reference date 31 March YEAR)."""
    return census_to_xml(load_census(year), generated_at=generated_at)


def children_count(census: Census) -> int:
    return len(census.children)


def iter_episodes(census: Census) -> Iterable[tuple[CensusChild, CensusEpisode]]:
    for child in census.children:
        for ep in child.episodes:
            yield child, ep


@dataclass(frozen=True)
class CinCensusExport:
    xml: bytes
    children: int
    problems: list[Any]


def cin_census_export(*, actor: Any, year: int, reason: str = "CIN census return") -> CinCensusExport:
    """Build the census for `year`, run the data-quality checks, and write the export to the access log.

    The log row says who, when (its timestamp), the year and how many children: no personal data.
    """
    from familyhelp.audit.services import access_log_record
    from familyhelp.returns.quality_cin import census_problems

    census = load_census(year)
    xml = census_to_xml(census)
    problems = census_problems(census)
    access_log_record(
        actor=actor,
        action="export",
        criteria={"return": "cin_census", "year": year},
        result_count=len(census.children),
        reason=reason,
    )
    return CinCensusExport(xml=xml, children=len(census.children), problems=problems)
