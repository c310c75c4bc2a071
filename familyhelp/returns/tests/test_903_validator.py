"""The SSDA903 tables from a realistic synthetic council pass the DfE 903 validator (`csc-validator-be-903`, run
from .venv-dfe) with zero errors, and deliberately wrong records, written straight to the database, give the
validator's rule code and the same code in the in-product data-quality report for that child."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from familyhelp.accounts.tests.factories import LocalAuthorityFactory
from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import Case, CINEpisode, LookedAfterEpisode, Plan, PlanReview
from familyhelp.people.tests.factories import ChildFactory
from familyhelp.returns import quality_903, ssda903
from familyhelp.returns.tests.dfe903 import run_903

LA = "E10000003"  # the ONS code of LA 873 (Cambridgeshire), which the validator places postcodes against
# The exact column sets the validator recognises each table by (lac_validator/config.py).
COLUMNS = {
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
    "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE",
    "uasc.csv": "CHILD,SEX,DOB,DUC",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END",
}


@pytest.mark.django_db
def test_small_council_903_has_no_validator_errors(tmp_path: Path) -> None:
    from familyhelp.synthetic.generator import generate

    generate(preset="small", seed=7, today=date(2026, 3, 31))
    call_command("export_ssda903", "--year", "2026", "--output-dir", str(tmp_path))

    assert {p.name: p.read_text().splitlines()[0] for p in tmp_path.glob("*.csv")} == COLUMNS
    with (tmp_path / "header.csv").open() as f:
        header = list(csv.DictReader(f))
    with (tmp_path / "episodes.csv").open() as f:
        episodes = list(csv.DictReader(f))
    assert len(header) > 80  # the small council's ~85 looked after at 31 March, and those who left in the year
    assert all(r["DECOM"][2] == "/" and r["DECOM"][5] == "/" for r in episodes)  # dd/mm/yyyy
    assert all(r["DEC"] == "" or r["DEC"][6:] + r["DEC"][3:5] <= "202603" for r in episodes)

    result = run_903(tmp_path, year=2026, local_authority=LA)

    assert result.rules > 300
    assert set(result.tables) == {"Header", "Episodes", "Reviews", "UASC", "Missing"}
    assert result.issues == [], sorted(result.codes())
    assert quality_903.check_903(ssda903.build_ssda903(2026), year=2026) == []
    log = AccessLog.objects.get(action="export", criteria__return="ssda903")
    assert log.criteria == {
        "return": "ssda903",
        "year": 2026,
        "rows": {"Header": len(header), "Episodes": len(episodes), **log.criteria["rows"]},
    }
    assert log.result_count == len(header)


# --- deliberately wrong records ---------------------------------------------------------------------------
def _looked_after(suffix: str, child: Any = None) -> tuple[Any, LookedAfterEpisode]:
    """A child looked after since June 2025 on a full care order in foster care, reviewed in July."""
    child = child or ChildFactory(
        reference=f"NEG{suffix}",
        date_of_birth=date(2012, 1, 5),
        sex="F",
        ethnicity="WBRI",
        upn=f"A8732{abs(hash(suffix)) % 10**7:07d}1",
        upn_unknown_reason="",
    )
    case = Case.objects.create(
        reference=f"CASENEG{suffix}", person=child, level=4, status=Case.Status.OPEN, opened_on=date(2025, 5, 1)
    )
    cin = CINEpisode.objects.create(
        case=case, person=child, referral_date=date(2025, 5, 1), referral_source="2A", primary_need="N1"
    )
    plan = Plan.objects.create(case=case, cin_episode=cin, person=child, kind="lac", started_on=date(2025, 6, 2))
    episode = LookedAfterEpisode.objects.create(
        plan=plan,
        person=child,
        started_on=date(2025, 6, 2),
        legal_status="C2",
        placement_type="U4",
        placement_postcode="CB4 2DA",
        home_postcode="PE13 3AF",
        placement_provider="PR1",
        reason_new_episode="S",
    )
    PlanReview.objects.create(plan=plan, held_on=date(2025, 7, 1), outcome="continue", participation="PN1")
    return child, episode


def _epo(child: Any, ep: LookedAfterEpisode) -> None:
    LookedAfterEpisode.objects.filter(pk=ep.pk).update(legal_status="L2")


CORRUPTIONS = {
    # a placement for adoption under a placement order (A5) while the legal status is a care order
    "408": lambda child, ep: LookedAfterEpisode.objects.filter(pk=ep.pk).update(placement_type="A5"),
    # no UPN and no reason it is unknown
    "442": lambda child, ep: type(child).objects.filter(pk=child.pk).update(upn="", upn_unknown_reason=""),
    # no placement provider
    "526": lambda child, ep: LookedAfterEpisode.objects.filter(pk=ep.pk).update(placement_provider=""),
    # a review with no participation code
    "167": lambda child, ep: PlanReview.objects.filter(plan=ep.plan).update(participation=""),
    # a child of 13 recorded as under 4 at the review
    "440": lambda child, ep: PlanReview.objects.filter(plan=ep.plan).update(participation="PN0"),
    # an emergency protection order that has lasted ten months
    "362": _epo,
    # a placement type that is no longer valid (H5 became K3 in 2024)
    "146": lambda child, ep: LookedAfterEpisode.objects.filter(pk=ep.pk).update(placement_type="H5"),
}


@pytest.mark.django_db
def test_wrong_records_give_the_validators_rule_and_the_same_in_product_problem(tmp_path: Path) -> None:
    LocalAuthorityFactory()
    clean, _ = _looked_after("CLEAN")
    for code, corrupt in CORRUPTIONS.items():
        child, episode = _looked_after(code)
        corrupt(child, episode)  # straight to the database: the services would refuse these

    tables = ssda903.build_ssda903(2026)
    ssda903.write_ssda903(tables, tmp_path)
    result = run_903(tmp_path, year=2026, local_authority=LA)
    ours: dict[str, set[str]] = {}
    for p in quality_903.check_903(tables, year=2026):
        ours.setdefault(p.child, set()).add(p.code)
        assert p.person_id is not None

    for code in CORRUPTIONS:
        assert code in result.for_child(f"NEG{code}"), (code, result.for_child(f"NEG{code}"))
        assert code in ours.get(f"NEG{code}", set()), (code, ours.get(f"NEG{code}"))
    assert result.for_child(clean.reference) == set()
    assert clean.reference not in ours


@pytest.mark.django_db
def test_tables_take_the_year_only() -> None:
    """Episodes that ended before 1 April are left out; an end after 31 March is blank (still looked after)."""
    LocalAuthorityFactory()
    child, ep = _looked_after("YEAR")
    LookedAfterEpisode.objects.filter(pk=ep.pk).update(
        started_on=date(2024, 1, 10), ended_on=date(2025, 4, 20), reason_ended="X1"
    )
    LookedAfterEpisode.objects.create(
        plan=ep.plan,
        person=child,
        started_on=date(2025, 4, 20),
        legal_status="C2",
        placement_type="U4",
        placement_postcode="CB5 8GY",
        placement_provider="PR1",
        ended_on=date(2026, 5, 1),
        reason_ended="E4A",
    )
    old, _ = _looked_after("OLD")
    LookedAfterEpisode.objects.filter(person=old).update(
        started_on=date(2024, 6, 1), ended_on=date(2025, 3, 1), reason_ended="E4A"
    )

    tables = ssda903.build_ssda903(2026)

    eps = [r for r in tables["Episodes"] if r["CHILD"] == "NEGYEAR"]
    assert [(r["DECOM"], r["DEC"], r["REC"], r["RNE"]) for r in eps] == [
        ("10/01/2024", "20/04/2025", "X1", "S"),
        ("20/04/2025", "", "", "P"),
    ]
    assert "NEGOLD" not in {r["CHILD"] for r in tables["Header"]}
