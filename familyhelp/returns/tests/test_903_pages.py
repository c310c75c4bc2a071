"""SSDA903 pages, download and API: who may see them, the quality report linking each child's record, the zip
read back, and the access-log row each export writes (who, when, year, row counts; no personal data)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import LookedAfterEpisode
from familyhelp.jobs.tests.helpers import download_via_job
from familyhelp.returns.tests.test_903_validator import COLUMNS, _looked_after

OTHERS = ["sw", "frontdoor", "specialist", "leader", "admin", "auditor", "partner"]


@pytest.fixture
def lw(world):  # type: ignore[no-untyped-def]
    """The role world with one clean looked-after child and one with no placement provider (rule 526)."""
    world.clean, _ = _looked_after("CLEAN")
    world.bad, ep = _looked_after("BAD")
    LookedAfterEpisode.objects.filter(pk=ep.pk).update(placement_provider="")
    return world


def test_analyst_sees_counts_and_the_problem_count(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(lw.analyst).get(reverse("returns:ssda903"), {"year": "2026"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in soup.select("#ssda903-counts tbody tr")}
    assert rows["Header"] == "2" and rows["Episodes"] == "2" and rows["Reviews"] == "2"
    assert "1 error and 0 queries" in soup.get_text(" ", strip=True)


def test_year_is_checked(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(lw.analyst).get(reverse("returns:ssda903"), {"year": "twenty"})
    assert response.status_code == 400
    assert "Enter the collection year as a number" in response.content.decode()


def test_quality_report_links_the_child_and_names_the_rule(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    for user in (lw.analyst, lw.manager):
        response = client_for(user).get(reverse("returns:ssda903_quality"), {"year": "2026"})
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        rows = soup.select("#ssda903-problems tbody tr")
        assert len(rows) == 1
        cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
        assert cells[0] == "NEGBAD" and cells[1] == "526" and "placement provider" in cells[4]
        assert rows[0].a["href"] == reverse("people:detail", args=[lw.bad.pk])


def test_download_is_a_zip_of_the_tables_and_is_logged(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = download_via_job(client_for(lw.analyst), reverse("returns:ssda903_download"), {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ssda903_2026.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        files = {n.split("/")[-1]: zf.read(n).decode() for n in zf.namelist()}
    assert {name: text.splitlines()[0] for name, text in files.items()} == COLUMNS
    # nothing but the return's fields: no names, no addresses beyond the postcodes the 903 asks for
    assert lw.clean.family_name not in "".join(files.values())
    assert "NEGCLEAN,F,05/01/2012,WBRI," in files["header.csv"]
    log = AccessLog.objects.get(action="export", user=lw.analyst)
    assert log.criteria == {
        "return": "ssda903",
        "year": 2026,
        "rows": {"Header": 2, "Episodes": 2, "Reviews": 2, "UASC": 0, "Missing": 0},
    }
    assert log.result_count == 2 and log.person is None


def test_others_are_refused(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    for name in [*OTHERS, "manager"]:
        user = getattr(lw, name)
        assert client_for(user).post(reverse("returns:ssda903_download"), {"year": "2026"}).status_code == 403
        assert client_for(user).get(reverse("api:returns-ssda903-download")).status_code == 403
    for name in OTHERS:
        user = getattr(lw, name)
        assert client_for(user).get(reverse("returns:ssda903_quality")).status_code == 403
        assert client_for(user).get(reverse("api:returns-ssda903-list")).status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


def test_api_report_and_download(lw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(lw.analyst)
    data = client.get(reverse("api:returns-ssda903-list"), {"year": "2026"}).json()
    assert data["year"] == 2026 and data["tables"]["Episodes"] == 2
    assert data["error_count"] == 1 and data["query_count"] == 0
    assert data["problems"][0]["code"] == "526" and data["problems"][0]["person"] == str(lw.bad.pk)
    assert client.get(reverse("api:returns-ssda903-list"), {"year": "1900"}).status_code == 400
    response = client.get(reverse("api:returns-ssda903-download"), {"year": "2026"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert AccessLog.objects.get(action="export").channel == "api"


LATE = "Recorded from the paper file"  # these dates are long before today (issue 13: late entries say why)


def test_review_participation_and_placement_change_through_the_services(lw) -> None:  # type: ignore[no-untyped-def]
    """The plan services record the 903 fields: participation on a review; RNE, provider and reason on a move."""
    from familyhelp.casework.services import plans as svc

    _looked_after("OWN", child=lw.own)  # the social worker's child, in their record scope
    plan = LookedAfterEpisode.objects.get(person=lw.own).plan
    svc.plan_review_record(
        actor=lw.sw, plan=plan, held_on=date(2025, 9, 1), outcome="continue", participation="PN6", late_reason=LATE
    )
    assert plan.reviews.order_by("-held_on").first().participation == "PN6"
    nxt = svc.lac_change(
        actor=lw.sw,
        plan=plan,
        on=date(2025, 10, 1),
        legal_status="C2",
        placement_type="K2",
        placement_postcode="CB5 8GY",
        placement_provider="PR4",
        placement_urn="sc123456",
        reason_place_change="CREQB",
        late_reason=LATE,
    )
    prev = LookedAfterEpisode.objects.get(person=lw.own, ended_on=date(2025, 10, 1))
    assert (prev.reason_ended, prev.reason_place_change) == ("X1", "CREQB")
    assert (nxt.reason_new_episode, nxt.placement_provider, nxt.placement_urn) == ("P", "PR4", "SC123456")
    assert nxt.home_postcode == prev.home_postcode


def test_missing_episode_recorded_by_the_service_goes_to_the_missing_table(lw) -> None:  # type: ignore[no-untyped-def]
    from familyhelp.casework.services import plans as svc
    from familyhelp.core.errors import DomainError
    from familyhelp.returns import ssda903

    _looked_after("OWN", child=lw.own)
    with pytest.raises(DomainError):
        svc.missing_episode_record(actor=lw.sw, person=lw.own, kind="M", started_on=date(2025, 5, 1))  # before care
    svc.missing_episode_record(
        actor=lw.sw, person=lw.own, kind="A", started_on=date(2025, 8, 1), ended_on=date(2025, 8, 2), late_reason=LATE
    )
    rows = ssda903.build_ssda903(2026)["Missing"]
    assert [(r["CHILD"], r["MISSING"], r["MIS_START"], r["MIS_END"]) for r in rows] == [
        (lw.own.reference, "A", "01/08/2025", "02/08/2025")
    ]
