"""A practice tool for the whole family, end to end (issue 7, "attached to a child or family"): the social
worker records a Graded Care Profile 2 for the whole household from Zoë's practice tools; the completion says
who it is for; the team manager opens Zoë's brother Minh's practice tools and finds it under "Completed for the
whole family", filed under Zoë. Every page is checked with axe."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from familyhelp.core import clock
from familyhelp.people.models import FamilyMember
from familyhelp.people.tests.factories import FamilyFactory
from familyhelp.performance.tests import world as pw


def test_a_gcp2_for_the_whole_family_is_seen_from_a_brothers_record(  # type: ignore[no-untyped-def]
    world, transactional_db, live_server, page, sign_in, axe_check
):
    from familyhelp.practice.defaults import install

    install()  # the seeded practice tools (a transactional test empties the tables)
    today = clock.today()
    pw.case(world.own, team=world.sw.team, worker=world.sw, opened=today - datetime.timedelta(days=60))
    household = FamilyFactory(name="O'Brien household")
    for child in (world.own, world.team_child):
        FamilyMember.objects.create(family=household, person=child, role=FamilyMember.Role.CHILD)

    sign_in(page, "sw")
    page.goto(f"{live_server.url}/practice/child/{world.own.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice tools")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Record\W+Graded Care Profile 2$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Graded Care Profile 2")
    axe_check(page)
    for area, grade in (
        ("Physical care", "3"),
        ("Safety", "2"),
        ("Love and care", "2"),
        ("Stimulation and esteem", "4"),
    ):
        page.get_by_role("group", name=f"{area}: grade").get_by_label(f"{grade}:", exact=False).check()
    page.get_by_role("group", name="Who is this for?").get_by_label(
        f"The whole family: O'Brien household ({household.reference})"
    ).check()
    page.get_by_role("button", name="Save and finalise").click()
    expect(page.locator("main")).to_contain_text("Finalised")
    expect(page.locator("#practice-for")).to_have_text(
        f"The whole family: O'Brien household ({household.reference}), filed under this child"
    )
    axe_check(page)

    page.context.clear_cookies()
    sign_in(page, "manager")
    page.goto(f"{live_server.url}/practice/child/{world.team_child.pk}/")
    expect(page.get_by_role("heading", name="Completed for the whole family")).to_be_visible()
    row = page.locator("#family-tools tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Graded Care Profile 2")
    expect(row).to_contain_text(f"Zoë O'Brien ({world.own.reference})")
    axe_check(page)
    row.get_by_role("link").click()
    expect(page.locator("#practice-for")).to_contain_text("The whole family: O'Brien household")
    axe_check(page)
