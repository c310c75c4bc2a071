"""The CIN census against the DfE validator (`cin_validator` in .venv-dfe): a realistic synthetic council gives
zero errors and only the queries docs/domain/returns.md explains; deliberately wrong records, written straight
to the database, give the validator's rule code and the same code in the in-product data-quality report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from familyhelp.accounts.tests.factories import LocalAuthorityFactory
from familyhelp.casework.models import Assessment, Case, CINEpisode, Plan, S47Enquiry, StrategyDiscussion
from familyhelp.people.models import PersonDisability
from familyhelp.people.tests.factories import ChildFactory
from familyhelp.returns.cin_census import census_to_xml, cin_census_export, load_census
from familyhelp.returns.quality_cin import census_problems
from familyhelp.returns.tests.dfe import run_cin

# Every query the small council leaves, each explained in docs/domain/returns.md ("CIN census").
DOCUMENTED_QUERIES = {"2991Q", "4012Q", "8670Q", "8675Q", "8825Q"}
# The child-level elements the return carries, and nothing else (no names, addresses or case notes).
ALLOWED_TAGS = {
    "Message", "Header", "CollectionDetails", "Collection", "Year", "ReferenceDate", "Source", "SourceLevel", "LEA",
    "SoftwareCode", "Release", "SerialNo", "DateTime", "Children", "Child", "ChildIdentifiers", "LAchildID", "UPN",
    "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate", "Sex", "PersonDeathDate",
    "ChildCharacteristics", "Ethnicity", "Disabilities", "Disability", "CINdetails", "CINreferralDate",
    "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC", "Assessments",
    "AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
    "FactorsIdentifiedAtAssessment", "AssessmentFactors", "CINPlanDates", "CINPlanStartDate", "CINPlanEndDate",
    "Section47", "S47ActualStartDate", "InitialCPCtarget", "ICPCnotRequired", "ReferralNFA",
    "ChildProtectionPlans", "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP", "Reviews", "CPPreviewDate",
}  # fmt: skip
CINDETAILS_ORDER = [
    "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC",
    "Assessments", "CINPlanDates", "Section47", "ReferralNFA", "ChildProtectionPlans",
]  # fmt: skip


def _child_issues(result: Any) -> set[tuple[str, str]]:
    return {(str(i["child"]), str(i["code"])) for i in result.issues if i["child"]}


@pytest.mark.django_db
def test_small_council_census_has_no_validator_errors(tmp_path: Path) -> None:
    from familyhelp.synthetic.generator import generate

    generate(preset="small", seed=7, today=date(2026, 5, 29))  # records run on past the reference date
    export = cin_census_export(actor=None, year=2026)
    assert export.children > 300
    path = tmp_path / "census.xml"
    path.write_bytes(export.xml)

    result = run_cin(path, year=2026)

    assert result.rules >= 100
    assert result.errors == [], result.summary()
    assert {str(i["code"]) for i in result.queries} <= DOCUMENTED_QUERIES, result.summary()
    # The in-product report names the same problems, child by child, with the same rule codes.
    ours = {(p.la_child_id, p.code) for p in export.problems if p.la_child_id}
    assert ours == _child_issues(result)
    assert not [p for p in export.problems if not p.is_query]

    root = etree.fromstring(export.xml)
    assert {el.tag for el in root.iter()} <= ALLOWED_TAGS
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    for details in root.iter("CINdetails"):
        tags = [el.tag for el in details]
        assert tags == sorted(tags, key=CINDETAILS_ORDER.index)
        # as at the reference date: nothing after 31 March 2026, and each episode open in the year
        for el in details.iter():
            if el.tag.endswith("Date") and el.text and el.tag != "InitialCPCtarget":
                assert el.text <= "2026-03-31", (el.tag, el.text)
        closure = details.findtext("CINclosureDate")
        assert closure is None or closure >= "2025-04-01"
    sexes = {el.text for el in root.iter("Sex")}
    assert sexes <= {"M", "F", "U"}
    assert all(len(el.text or "") <= 20 and (el.text or "").isalnum() for el in root.iter("LAchildID"))


# --- deliberately wrong records ---------------------------------------------------------------------------
def _child(suffix: str, *, referral: date = date(2025, 6, 2)) -> tuple[Any, CINEpisode]:
    """A child with a CIN episode, an authorised assessment, an S47 with an ICPC and a CP plan from it."""
    child = ChildFactory(
        reference=f"NEG{suffix}", date_of_birth=date(2022, 1, 5), sex="M", ethnicity="WBRI", upn_unknown_reason="UN6"
    )
    PersonDisability.objects.create(person=child, code="NONE")
    case = Case.objects.create(
        reference=f"CASENEG{suffix}", person=child, level=4, status=Case.Status.OPEN, opened_on=referral
    )
    episode = CINEpisode.objects.create(
        case=case, person=child, referral_date=referral, referral_source="2A", primary_need="N1"
    )
    Assessment.objects.create(
        case=case,
        cin_episode=episode,
        person=child,
        kind="single",
        status="authorised",
        started_on=date(2025, 6, 3),
        due_on=date(2025, 8, 5),
        authorised_on=date(2025, 7, 10),
        factors=["3B", "4B"],
    )
    sd = StrategyDiscussion.objects.create(
        case=case, cin_episode=episode, person=child, held_on=date(2025, 7, 14), decision="s47"
    )
    s47 = S47Enquiry.objects.create(
        case=case,
        cin_episode=episode,
        person=child,
        strategy_discussion=sd,
        started_on=date(2025, 7, 14),
        icpc_due_on=date(2025, 8, 4),
        concluded_on=date(2025, 7, 30),
        outcome="icpc",
        icpc_on=date(2025, 8, 1),
        icpc_outcome="cp_plan",
    )
    Plan.objects.create(
        case=case,
        cin_episode=episode,
        person=child,
        kind="cp",
        started_on=date(2025, 8, 1),
        s47_enquiry=s47,
        initial_category="NEG",
        latest_category="NEG",
    )
    return child, episode


CORRUPTIONS = {
    # a CP plan that does not start on the day of the initial conference
    "2885": lambda child, ep: Plan.objects.filter(cin_episode=ep).update(started_on=date(2025, 8, 4)),
    # an assessment authorised before it started
    "8608": lambda child, ep: Assessment.objects.filter(cin_episode=ep).update(authorised_on=date(2025, 6, 1)),
    # no primary need on an episode that went on to an assessment
    "8610": lambda child, ep: CINEpisode.objects.filter(pk=ep.pk).update(primary_need=""),
    # an assessment started before the referral
    "1103": lambda child, ep: Assessment.objects.filter(cin_episode=ep).update(started_on=date(2025, 5, 20)),
    # a child protection plan that starts and ends on the same day
    "8840": lambda child, ep: Plan.objects.filter(cin_episode=ep).update(ended_on=date(2025, 8, 1)),
    # an initial conference on a Saturday (the plan starts that day too, so only the weekend rule fires)
    "8875": lambda child, ep: (
        S47Enquiry.objects.filter(cin_episode=ep).update(icpc_on=date(2025, 8, 2)),
        Plan.objects.filter(cin_episode=ep).update(started_on=date(2025, 8, 2)),
    ),
}


@pytest.mark.django_db
def test_wrong_records_give_the_validators_rule_and_the_same_in_product_problem(tmp_path: Path) -> None:
    LocalAuthorityFactory()
    clean, _ = _child("CLEAN")
    for code, corrupt in CORRUPTIONS.items():
        child, episode = _child(code)
        corrupt(child, episode)  # straight to the database: the services would refuse these
    for suffix, started in (("DAY46", date(2026, 1, 27)), ("DAY45", date(2026, 1, 28))):
        child, episode = _child(suffix)
        Assessment.objects.create(
            case=episode.case,
            cin_episode=episode,
            person=child,
            kind="single",
            started_on=started,
            due_on=started,
        )

    census = load_census(2026)
    path = tmp_path / "census.xml"
    path.write_bytes(census_to_xml(census))
    result = run_cin(path, year=2026)
    ours: dict[str, set[str]] = {}
    for p in census_problems(census):
        ours.setdefault(p.la_child_id, set()).add(p.code)

    for code in CORRUPTIONS:
        assert code in result.for_child(f"NEG{code}"), (code, result.for_child(f"NEG{code}"))
        assert code in ours.get(f"NEG{code}", set()), (code, ours.get(f"NEG{code}"))
        # the in-product report finds the errors the validator finds for this child (queries aside)
        validator_errors = {c for c in result.for_child(f"NEG{code}") if not c.endswith("Q")}
        assert validator_errors <= ours[f"NEG{code}"], (code, validator_errors, ours[f"NEG{code}"])
    assert not {c for c in result.for_child(clean.reference) if not c.endswith("Q")}
    assert clean.reference not in ours
    # The 45-working-day query counts the start day as day 1 (the validator's reading): started 27 January 2026
    # is day 46 on 31 March and is queried, 28 January (day 45) is not, by both.
    assert "8670Q" in result.for_child("NEGDAY46") and "8670Q" in ours.get("NEGDAY46", set())
    assert "8670Q" not in result.for_child("NEGDAY45") and "8670Q" not in ours.get("NEGDAY45", set())


@pytest.mark.django_db
def test_census_takes_records_as_at_the_reference_date() -> None:
    """An episode closed after 31 March is open in the return; plans and enquiries after it are left out."""
    LocalAuthorityFactory()
    child, episode = _child("LATE")
    CINEpisode.objects.filter(pk=episode.pk).update(closed_on=date(2026, 5, 1), closure_reason="RC7")
    Plan.objects.filter(cin_episode=episode).update(ended_on=date(2026, 4, 20))
    old, _ = _child("OLD", referral=date(2024, 5, 1))
    CINEpisode.objects.filter(person=old).update(closed_on=date(2025, 3, 20), closure_reason="RC7")

    census = load_census(2026)

    refs = [c.la_child_id for c in census.children]
    assert refs == ["NEGLATE"]  # the episode closed before 1 April 2025 is not in the 2026 census
    ep = census.children[0].episodes[0]
    assert ep.closure is None and ep.closure_reason == ""
    assert ep.cp_plans[0].end is None
    assert ep.s47s[0].icpc == date(2025, 8, 1) and not ep.s47s[0].icpc_not_required
    # InitialCPCtarget: 15 working days after the strategy discussion, the start day being day 0
    assert ep.s47s[0].icpc_target == date(2025, 8, 4)
    assert census.children[0].disabilities == ["NONE"]
