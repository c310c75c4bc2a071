"""A senior leader opens the performance dashboard, filters it to one locality and quarter, follows a figure
to the records behind it and downloads the scrutiny pack; a partner cannot open the dashboard. Every page is
checked with axe."""

from __future__ import annotations

import datetime
import io

from pypdf import PdfReader

from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.performance.tests import world as pw

D = datetime.date


def _council(world):  # type: ignore[no-untyped-def]
    """Children in need at 31 March 2025: two in North (team_a), one in a team with no locality."""
    north_cases = [pw.case(team=world.team_a, worker=world.sw, opened=D(2025, 2, 3)) for _ in range(2)]
    for kase in north_cases:
        pw.episode(kase, D(2025, 2, 3))
    elsewhere = TeamFactory(local_authority=world.team_a.local_authority, name="Elsewhere")
    pw.episode(pw.case(team=elsewhere, opened=D(2025, 2, 3)), D(2025, 2, 3))
    return north_cases


def test_leader_filters_drills_down_and_downloads_the_pack(  # type: ignore[no-untyped-def]
    world, transactional_db, live_server, page, sign_in, axe_check
):
    north_cases = _council(world)

    sign_in(page, "partner")
    response = page.goto(f"{live_server.url}/performance/")
    assert response is not None and response.status == 403
    page.context.clear_cookies()

    sign_in(page, "leader")
    page.get_by_role("link", name="Performance").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/performance/")
    axe_check(page)

    page.get_by_text("Change the period and filters").click()
    page.get_by_label("A quarter").check()
    page.get_by_label("Quarter", exact=True).select_option(label="January to March 2025 (Q4 2024-25)")
    page.get_by_label("Locality").select_option(label="North")
    page.get_by_role("button", name="Show the figures").click()
    page.wait_for_load_state()
    assert "January to March 2025" in page.locator("h1").inner_text()
    assert "Locality: North" in page.locator("h1").inner_text()
    axe_check(page)

    page.get_by_role("navigation", name="Measure groups").get_by_role("link", name="Children in need").click()
    page.wait_for_load_state()
    axe_check(page)
    table = page.locator("#measure-children-in-need-table")
    link = table.locator('a[href*="/children-in-need/total/records/"]')
    assert link.inner_text().startswith("2")
    link.click()
    page.wait_for_load_state()
    axe_check(page)
    listed = page.locator("table tbody").inner_text()
    for kase in north_cases:
        assert kase.reference in listed
    assert page.locator("table tbody tr").count() == 2

    page.go_back()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the scrutiny pack (PDF)").click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "January to March 2025" in text
    assert "Locality: North" in text
    for kase in north_cases:  # aggregates only: no child's name or case reference
        assert kase.reference not in text
        assert kase.person.family_name not in text
