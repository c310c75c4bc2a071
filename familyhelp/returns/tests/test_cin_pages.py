"""The CIN census page and API: the data-quality report links each child's record, the download is the XML,
every export is in the access log (who, when, year, how many children; no personal data), and only analysts
may export."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from lxml import etree

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import CINEpisode
from familyhelp.jobs.tests.helpers import download_via_job
from familyhelp.returns.tests.test_cin_validator import _child

pytestmark = pytest.mark.django_db


@pytest.fixture
def census_world(world):  # type: ignore[no-untyped-def]
    good, _ = _child("GOOD")
    bad, episode = _child("BAD")
    CINEpisode.objects.filter(pk=episode.pk).update(primary_need="")
    world.good, world.bad = good, bad
    return world


def test_page_lists_each_problem_with_the_childs_record_linked(census_world, client_for):  # type: ignore[no-untyped-def]
    client = client_for(census_world.analyst)
    response = client.get(reverse("returns:cin"), {"year": 2026})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select("#cin-problems tbody tr")
    bad_rows = [r for r in rows if "NEGBAD" in r.get_text()]
    assert bad_rows, rows
    link = bad_rows[0].find("a")
    assert link["href"] == reverse("people:detail", args=[census_world.bad.pk])
    assert "8610" in bad_rows[0].get_text()
    assert "Record the primary need" in bad_rows[0].get_text()
    assert not [r for r in rows if "NEGGOOD" in r.get_text()]
    summary = soup.select_one("#cin-summary").get_text()
    assert "Children in the census" in summary and "2" in summary


def test_page_refuses_a_bad_year_with_the_error_summary(census_world, client_for):  # type: ignore[no-untyped-def]
    response = client_for(census_world.analyst).get(reverse("returns:cin"), {"year": "twenty"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Enter the collection year as a number" in soup.select_one(".govuk-error-summary").get_text()


def test_download_is_the_census_and_is_logged_without_personal_data(census_world, client_for):  # type: ignore[no-untyped-def]
    client = client_for(census_world.analyst)
    response = download_via_job(client, reverse("returns:cin_download"), {"year": "2026"})  # a job (ADR 0018)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert 'filename="cin_census_2026.xml"' in response["Content-Disposition"]
    root = etree.fromstring(response.content)
    assert sorted(e.text for e in root.iter("LAchildID")) == ["NEGBAD", "NEGGOOD"]
    text = response.content.decode()
    assert census_world.good.given_names not in text and census_world.good.family_name not in text
    log = AccessLog.objects.get(action="export")
    assert log.user == census_world.analyst
    assert log.criteria == {"return": "cin_census", "year": 2026}
    assert log.result_count == 2
    assert log.person is None
    assert log.at is not None


def test_manager_cannot_download(census_world, client_for):  # type: ignore[no-untyped-def]
    response = client_for(census_world.manager).post(reverse("returns:cin_download"), {"year": "2026"})
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


def test_api_report_and_download(census_world, client_for):  # type: ignore[no-untyped-def]
    client = client_for(census_world.analyst)
    report = client.get("/api/v1/returns/cin-census/", {"year": 2026})
    assert report.status_code == 200
    data = report.json()
    assert data["year"] == 2026 and data["reference_date"] == "2026-03-31" and data["children"] == 2
    bad = [p for p in data["problems"] if p["la_child_id"] == "NEGBAD"]
    assert {p["code"] for p in bad} == {"8610"}
    assert bad[0]["person"] == str(census_world.bad.pk) and bad[0]["kind"] == "error"
    assert data["error_count"] == 1
    assert client.get("/api/v1/returns/cin-census/", {"year": "x"}).status_code == 400
    download = client.get("/api/v1/returns/cin-census/download/", {"year": 2026})
    assert download.status_code == 200
    assert etree.fromstring(download.content).findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    log = AccessLog.objects.get(action="export")
    assert (log.channel, log.result_count, log.criteria["year"]) == ("api", 2, 2026)


def test_api_download_refused_to_a_manager_who_can_read_the_report(census_world, client_for):  # type: ignore[no-untyped-def]
    client = client_for(census_world.manager)
    assert client.get("/api/v1/returns/cin-census/", {"year": 2026}).status_code == 200
    assert client.get("/api/v1/returns/cin-census/download/", {"year": 2026}).status_code == 403


def test_export_command_writes_the_file_and_logs_it(census_world, tmp_path, capsys):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    out = tmp_path / "c.xml"
    call_command("export_cin_census", "--year", "2026", "--output", str(out))
    assert etree.parse(str(out)).getroot().findtext("Header/CollectionDetails/Year") == "2026"
    log = AccessLog.objects.get(action="export")
    assert (log.channel, log.user, log.result_count) == ("cli", None, 2)
    assert date(2026, 3, 31).isoformat() in out.read_text()


def test_manager_reads_the_report_without_the_download_button(census_world, client_for):  # type: ignore[no-untyped-def]
    client = client_for(census_world.manager)
    assert client.get(reverse("returns:cin"), {"year": 2026}).status_code == 403
    response = client.get(reverse("returns:cin_quality"), {"year": 2026})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert "NEGBAD" in soup.select_one("#cin-problems").get_text()
    assert not soup.find("form", attrs={"action": reverse("returns:cin_download")})
    analyst = client_for(census_world.analyst).get(reverse("returns:cin_quality"), {"year": 2026})
    assert BeautifulSoup(analyst.content, "html.parser").find("form", attrs={"action": reverse("returns:cin_download")})
