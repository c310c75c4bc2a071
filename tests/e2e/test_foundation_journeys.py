"""Foundation journeys: sign in as each role, find a child, open the page and chronology; a partner is
refused a child they did not refer (and it is logged); break glass asks for a reason and logs it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from familyhelp.audit.models import AccessLog

ROLE_USERS = [
    "frontdoor",
    "sw",
    "manager",
    "eh_worker",
    "cp_worker",
    "specialist",
    "leader",
    "analyst",
    "admin",
    "auditor",
    "partner",
]


@pytest.mark.parametrize("user_key", ROLE_USERS)
def test_sign_in_as_each_role_sees_work_tray(world, transactional_db, live_server, page, sign_in, axe_check, user_key):
    user = world.users[user_key]
    sign_in(page, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work tray")
    expect(page.locator("body")).to_contain_text(user.get_role_display())
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    axe_check(page)


def test_search_open_child_and_chronology(world, transactional_db, live_server, page, sign_in, axe_check):
    sign_in(page, "frontdoor")
    page.get_by_role("link", name="Find a person").click()
    axe_check(page)
    page.get_by_label("Family name").fill("obrien")
    page.get_by_label("Why are you searching?").select_option("new_contact")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile("found"))).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Zoë O'Brien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoë O'Brien")
    axe_check(page)
    page.get_by_role("tab", name="Chronology").click()
    expect(page.locator("#chronology")).to_be_visible()
    axe_check(page)
    page.get_by_role("tab", name="Family").click()
    expect(page.locator("#family")).to_contain_text("Siobhán O'Brien")
    # keyboard: the tabs are reachable and operable without a mouse
    page.get_by_role("tab", name="Family").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Professionals")).to_be_focused()
    assert AccessLog.objects.filter(user=world.frontdoor, action="search").count() == 1
    assert AccessLog.objects.filter(user=world.frontdoor, action="view", person=world.own).count() >= 1


def test_partner_cannot_open_child_they_did_not_refer(world, transactional_db, live_server, page, sign_in, axe_check):
    sign_in(page, "partner")
    response = page.goto(f"{live_server.url}/people/{world.own.pk}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    axe_check(page)
    assert AccessLog.objects.filter(user=world.partner, person=world.own, action="denied").count() == 1
    response = page.goto(f"{live_server.url}/people/{world.referred.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="What you referred")).to_be_visible()
    axe_check(page)


def test_break_glass_asks_for_reason_and_logs(world, transactional_db, live_server, page, sign_in, axe_check):
    sign_in(page, "frontdoor")
    page.goto(f"{live_server.url}/people/{world.restricted.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This record is restricted")
    axe_check(page)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you need to open this restricted record")
    axe_check(page)
    page.get_by_label("Why do you need to open this record?").fill("Police called with an urgent new concern")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jamie Staffchild")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Restricted record")
    axe_check(page)
    log = AccessLog.objects.get(action="break_glass")
    assert (log.user_id, log.person_id) == (world.frontdoor.pk, world.restricted.pk)
    assert log.reason == "Police called with an urgent new concern"


def test_administrator_manages_organisation(world, transactional_db, live_server, page, sign_in, axe_check):
    sign_in(page, "admin")  # sets up two-factor on the way in
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.la.name)
    axe_check(page)
    page.get_by_role("link", name="Add a team").click()
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter name")
    axe_check(page)
    page.get_by_label("Name").fill("South family support")
    page.get_by_label("Kind").select_option("family_support")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Team saved")
    page.get_by_role("link", name="User accounts").click()
    axe_check(page)
    page.get_by_role("link", name="Add a user account").click()
    axe_check(page)
    page.get_by_role("link", name="Back").click()
    page.goto(f"{live_server.url}/organisation/workers/")
    axe_check(page)


def test_auditor_reads_access_log(world, transactional_db, live_server, page, sign_in, axe_check):
    from familyhelp.people.selectors import person_get_for_user

    person_get_for_user(world.sw, world.own.pk, purpose="opened the record")
    sign_in(page, "auditor")
    page.get_by_role("link", name="Access log").click()
    axe_check(page)
    page.get_by_label("Person reference").fill(world.own.reference)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table")).to_contain_text("Viewed a record")
    expect(page.locator("table")).to_contain_text(world.own.reference)
    axe_check(page)


def test_idle_timeout_warns_and_keeps_signed_in(
    world, transactional_db, live_server, page, sign_in, axe_check, settings
):
    """Two minutes before the idle timeout a dialog offers to stay signed in (here: a 125-second session)."""
    settings.SESSION_COOKIE_AGE = 125
    settings.FAMILYHELP_SESSION_WARNING_SECONDS = 120
    sign_in(page, "sw")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog).to_contain_text("You’re about to be signed out")
    axe_check(page)
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work tray")  # still signed in
