"""Annex A pages, download, API and command: permissions, the GOV.UK error summary, the workbook read back
with openpyxl, and the access-log row each export writes (with no personal data in it)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.jobs.tests.helpers import download_via_job
from familyhelp.returns import annex_a as a
from familyhelp.returns.tests.annex_a_world import build
from familyhelp.returns.views_annex_a import XLSX

PERIOD = {
    "start_day": "1",
    "start_month": "4",
    "start_year": "2025",
    "end_day": "31",
    "end_month": "3",
    "end_year": "2026",
}
ISO = {"start": "2025-04-01", "end": "2026-03-31"}
OTHERS = ["sw", "manager", "frontdoor", "specialist", "leader", "admin", "auditor", "partner"]


@pytest.fixture
def aw(world):  # type: ignore[no-untyped-def]
    world.x = build(world)
    return world


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _exports():  # type: ignore[no-untyped-def]
    return list(AccessLog.objects.filter(action="export"))


def test_the_annex_a_page_shows_rows_per_list_and_problems(aw, client_for):  # type: ignore[no-untyped-def]
    response = client_for(aw.analyst).get(reverse("returns:annex_a"), PERIOD)
    assert response.status_code == 200
    soup = _soup(response)
    counts = {r.th.get_text(strip=True): r.td.get_text(strip=True) for r in soup.select("#annex-a-counts tbody tr")}
    assert counts == {
        a.LIST_1: "1",
        a.LIST_2: "2",
        a.LIST_3: "2",
        a.LIST_4: "2",
        a.LIST_5: "1",
        a.LIST_6: "4",
        a.LIST_7: "1",
        a.LIST_8: "1",
    }
    assert "6 data-quality problems" in soup.get_text(" ", strip=True)
    form = soup.find("form", action=reverse("returns:annex_a_download"))
    assert {
        i["name"]: i["value"] for i in form.find_all("input", type="hidden") if i["name"] != "csrfmiddlewaretoken"
    } == ISO
    assert _exports() == []  # looking at the counts is not an export


def test_the_page_opens_with_the_last_twelve_months_filled_in(aw, client_for):  # type: ignore[no-untyped-def]
    from familyhelp.returns.views_annex_a import default_period

    response = client_for(aw.analyst).get(reverse("returns:annex_a"))
    assert response.status_code == 200
    soup = _soup(response)
    start, end = default_period(datetime.date.today())
    assert soup.find("input", {"name": "start_year"})["value"] == str(start.year)
    assert soup.find("input", {"name": "end_day"})["value"] == str(end.day)
    assert soup.select("#annex-a-counts") == [] and soup.select(".govuk-error-summary") == []


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({**PERIOD, "end_year": "2024"}, ["End date must be the same as or after the start date"]),
        (
            {"start_day": "", "start_month": "", "start_year": "", "end_day": "", "end_month": "", "end_year": ""},
            ["Enter the start date", "Enter the end date"],
        ),
        ({**PERIOD, "start_month": ""}, ["Start date must include a month"]),
    ],
)
def test_a_bad_period_gets_the_error_summary(aw, client_for, data, messages):  # type: ignore[no-untyped-def]
    for name in ("returns:annex_a", "returns:annex_a_quality"):
        response = client_for(aw.analyst).get(reverse(name), data)
        assert response.status_code == 400
        soup = _soup(response)
        summary = soup.select_one(".govuk-error-summary")
        assert [li.get_text(strip=True) for li in summary.select("li")] == messages
        assert summary.select_one("a")["href"] in ("#id_start-day", "#id_end-day")
        assert soup.title.get_text().startswith("Error:")
        assert soup.select("#annex-a-counts") == [] and soup.select("#annex-a-problems") == []


def test_the_download_is_the_workbook_and_is_logged_without_personal_data(aw, client_for):  # type: ignore[no-untyped-def]
    response = download_via_job(client_for(aw.analyst), reverse("returns:annex_a_download"), ISO)  # ADR 0018
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="annex_a_2025-04-01_2026-03-31.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == a.LISTS
    sheet = book[a.LIST_3]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == a.COLUMNS[a.LIST_3]
    assert rows[1][:8] == (
        "AX0001",
        "a) Male",
        "WBRI",
        datetime.datetime(2015, 6, 15),
        9,
        datetime.datetime(2025, 6, 1),
        "2A",
        "b) No",
    )
    assert sheet["D2"].number_format == "DD/MM/YYYY"
    assert len(rows) == 3
    assert [len(list(book[n].iter_rows())) - 1 for n in a.LISTS] == [1, 2, 2, 2, 1, 4, 1, 1]
    (log,) = _exports()
    assert log.user == aw.analyst and log.channel == "ui" and log.result_count == 14
    assert log.criteria == {
        "return": "annex_a",
        "from": "2025-04-01",
        "to": "2026-03-31",
        "rows": {
            a.LIST_1: 1,
            a.LIST_2: 2,
            a.LIST_3: 2,
            a.LIST_4: 2,
            a.LIST_5: 1,
            a.LIST_6: 4,
            a.LIST_7: 1,
            a.LIST_8: 1,
        },
    }
    assert log.person is None
    text = f"{log.criteria} {log.reason}"
    assert not any(s in text for s in ("AX0001", "Ava", aw.x.a.family_name, "2015"))


def test_a_download_with_a_bad_period_is_refused_and_not_logged(aw, client_for):  # type: ignore[no-untyped-def]
    response = client_for(aw.analyst).post(
        reverse("returns:annex_a_download"), {"start": "2026-03-31", "end": "2025-04-01"}
    )
    assert response.status_code == 400
    assert (
        "End date must be the same as or after the start date"
        in _soup(response).select_one(".govuk-error-summary").get_text()
    )
    assert _exports() == []


@pytest.mark.parametrize("role", OTHERS)
def test_only_analysts_export(aw, client_for, role):  # type: ignore[no-untyped-def]
    c = client_for(aw.users[role])
    assert c.get(reverse("returns:annex_a"), PERIOD).status_code == 403
    assert c.post(reverse("returns:annex_a_download"), ISO).status_code == 403
    assert c.get(reverse("api:returns-annex-a-download"), ISO).status_code == 403
    assert _exports() == []


def test_the_data_quality_page_links_each_child_and_says_what_to_fix(aw, client_for):  # type: ignore[no-untyped-def]
    for user in (aw.manager, aw.analyst):
        response = client_for(user).get(reverse("returns:annex_a_quality"), PERIOD)
        assert response.status_code == 200
        rows = _soup(response).select("#annex-a-problems tbody tr")
        assert len(rows) == 6
        dan = next(r for r in rows if r.a.get_text() == "DX0004")
        cells = [td.get_text(strip=True) for td in dan.find_all("td")]
        assert cells[1:] == [
            a.LIST_3,
            "31 Mar 2026",
            "A referral has no referral source (list 3 ReferralSource)",
            "Record who made the referral on the child in need episode",
        ]
        assert dan.a["href"] == reverse("people:detail", kwargs={"pk": aw.x.d.pk})
    assert client_for(aw.sw).get(reverse("returns:annex_a_quality"), PERIOD).status_code == 403


def test_the_landing_page_and_the_navigation(aw, client_for):  # type: ignore[no-untyped-def]
    analyst = client_for(aw.analyst).get(reverse("returns:index"))
    assert analyst.status_code == 200
    links = {x["href"] for x in _soup(analyst).select("main a")}
    assert {reverse("returns:annex_a"), reverse("returns:annex_a_quality")} <= links
    assert [x for x in _soup(analyst).select("nav a, header a") if x.get("href") == reverse("returns:index")]
    manager = client_for(aw.manager).get(reverse("returns:index"))
    assert manager.status_code == 200
    links = {x["href"] for x in _soup(manager).select("main a")}
    assert reverse("returns:annex_a_quality") in links and reverse("returns:annex_a") not in links
    sw = client_for(aw.sw).get(reverse("frontend:home"))
    assert reverse("returns:index") not in sw.content.decode()


def test_the_api_counts_and_download(aw, client_for):  # type: ignore[no-untyped-def]
    c = client_for(aw.analyst)
    response = c.get(reverse("api:returns-annex-a-list"), ISO)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-04-01",
        "end": "2026-03-31",
        "problems": 6,
        "lists": {
            a.LIST_1: 1,
            a.LIST_2: 2,
            a.LIST_3: 2,
            a.LIST_4: 2,
            a.LIST_5: 1,
            a.LIST_6: 4,
            a.LIST_7: 1,
            a.LIST_8: 1,
        },
    }
    assert _exports() == []
    bad = c.get(reverse("api:returns-annex-a-list"), {"start": "2026-03-31", "end": "2025-04-01"})
    assert bad.status_code == 400 and bad.json() == {"end": ["End date must be the same as or after the start date"]}
    assert c.get(reverse("api:returns-annex-a-list")).json() == {
        "start": ["Enter the start date"],
        "end": ["Enter the end date"],
    }
    download = c.get(reverse("api:returns-annex-a-download"), ISO)
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.content)).sheetnames == a.LISTS
    asked = c.get(reverse("api:returns-annex-a-download"), ISO, HTTP_ACCEPT=XLSX)
    assert asked.status_code == 200 and asked["Content-Type"] == XLSX
    logs = _exports()
    assert len(logs) == 2  # one per download
    assert {(e.channel, e.user, e.result_count) for e in logs} == {("api", aw.analyst, 14)}
    assert client_for(aw.manager).get(reverse("api:returns-annex-a-list"), ISO).status_code == 403


def test_the_command_writes_the_workbook_and_logs_it(aw, tmp_path):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    target = tmp_path / "annex_a.xlsx"
    call_command("export_annex_a", "--from", "2025-04-01", "--to", "2026-03-31", "--output", str(target), stdout=out)
    assert f"{a.LIST_6}: 4 rows" in out.getvalue()
    book = openpyxl.load_workbook(target)
    assert [c.value for c in book[a.LIST_1][2]] == [
        "AX0001",
        "a) Male",
        "WBRI",
        datetime.datetime(2015, 6, 15),
        9,
        datetime.datetime(2025, 4, 1),
        "2A",
    ]
    (log,) = _exports()
    assert log.channel == "cli" and log.user is None and log.result_count == 14
    assert log.reason.startswith("Command line export by ")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="on or after"):
        call_command("export_annex_a", "--from", "2026-03-31", "--to", "2025-04-01", "--output", str(target))
