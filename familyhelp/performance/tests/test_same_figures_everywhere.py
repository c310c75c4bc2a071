"""The scrutiny pack's PDF, the dashboard and the CSV print the same figures for the same period and filters.

A hand-built council with some figures above the suppression threshold and some below: the dashboard shows
every figure exactly; the CSV and the PDF show the same, except the small ones, which both print as "c"."""

from __future__ import annotations

import csv
import io
from typing import Any

import lxml.html
import pytest
from django.urls import reverse
from pypdf import PdfReader

from familyhelp.casework.models import Assessment
from familyhelp.performance.measures import GROUPS

from . import world as pw

D = pw.D
QUERY = {"period": "2025-Q1"}


@pytest.fixture
def council(world):  # type: ignore[no-untyped-def]
    """Q1 2025 in team A (North): 6 referrals (4 from police, 2 from schools), 7 single assessments (5 in
    time), 3 CP plans starting, 2 looked after; contacts in B90 (North's district) and elsewhere."""
    for index in range(6):
        kase = pw.case(team=world.team_a, worker=world.sw, opened=D(2025, 1, 6))
        pw.episode(kase, D(2025, 1, 6 + index), source="6" if index < 4 else "2A")
        if index < 3:
            pw.cp_plan(kase, started=D(2025, 2, 3))
        if index == 5:
            pw.looked_after(kase, started=D(2025, 3, 3))
    kase = pw.case(team=world.team_a, worker=world.sw)
    Assessment.objects.bulk_create(
        [pw.assessment(kase, started=D(2025, 1, 2), authorised=D(2025, 2, 3)) for _ in range(5)]
        + [pw.assessment(kase, started=D(2024, 11, 1), authorised=D(2025, 3, 3)) for _ in range(2)]
    )
    for index in range(8):
        pw.contact(pw.at(2025, 2, 3 + index), source="6" if index % 2 else "3A", postcode="B90 1AA")
    return world


def _dashboard(client: Any) -> dict[tuple[str, str], str]:
    """(measure key, figure label) -> the current period's cell, from every group's page."""
    shown: dict[tuple[str, str], str] = {}
    for group in GROUPS:
        response = client.get(reverse("performance:dashboard"), {**QUERY, "group": group})
        assert response.status_code == 200
        html = lxml.html.fromstring(response.content.decode())
        for table in html.xpath('//table[starts-with(@id, "measure-")]'):
            key = table.get("id").removeprefix("measure-").removesuffix("-table")
            for row in table.xpath("./tbody/tr"):
                label = " ".join(row.xpath("./th")[0].text_content().split())
                cell = row.xpath("./td")[0]
                links = cell.xpath("./a")
                # the figure is the cell's (or its drill-down link's) first text; "x of y" follows a <br>
                shown[(key, label)] = ((links[0] if links else cell).text or "").strip()
    return shown


def _csv(client: Any) -> list[dict[str, str]]:
    response = client.get(reverse("performance:export_csv"), QUERY)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return [row for row in rows if row["comparison"] == "current"]


def _pdf_text(client: Any) -> str:
    response = client.get(reverse("performance:pack_pdf"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_pdf_dashboard_and_csv_agree(council, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(council.leader)
    dashboard = _dashboard(client)
    rows = _csv(client)
    pdf = _pdf_text(client)
    assert rows, "the CSV has figures"
    compared = suppressed = 0
    for row in rows:
        label, display = row["figure_label"], row["display"]
        on_dashboard = dashboard[(row["measure"], label)]
        if display == "c":
            suppressed += 1
            assert row["suppressed"] == "True"
        else:
            assert on_dashboard == display, (row["measure"], label, on_dashboard, display)
            compared += 1
        # the pack's tables print each figure's label followed by this period's value
        assert f"{label} {display}" in pdf, (row["measure"], label, display)
    # the world was built so that both kinds occur
    assert compared >= 20 and suppressed >= 5
    assert dashboard[("referrals", "Referrals")] == "6"
    assert dashboard[("referrals", "Police")] == "67%"  # 4 of 6, shown on the dashboard; "c" in exports
    assert next(r for r in rows if (r["measure"], r["figure"]) == ("referrals", "police"))["display"] == "c"
