"""The front door, end to end: a school DSL refers a child with a misspelt surname; the front-door practitioner
finds the known child, sees the re-referral and the history, requests and records checks (and is refused a
decision before the required police check is back), proposes level 4 / single assessment; a manager
authorises; the DSL sees the outcome. Every page is checked with axe."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.frontdoor.models import Contact


def _previous_referral(world) -> None:  # type: ignore[no-untyped-def]
    referred = datetime.date.today() - datetime.timedelta(days=150)
    closed = referred + datetime.timedelta(days=40)
    case = Case.objects.create(reference="CASE0000900", person=world.own, level=4, status="closed",
                               opened_on=referred, closed_on=closed, closure_reason="Assessment completed")
    CINEpisode.objects.create(case=case, person=world.own, referral_date=referred, referral_source="6",
                              primary_need="N4", closed_on=closed, closure_reason="RC8")


def test_referral_to_decision_and_feedback(world, transactional_db, live_server, page, sign_in, axe_check):
    from familyhelp.frontdoor.defaults import install

    install()
    _previous_referral(world)

    # 1. The school's designated safeguarding lead refers, misspelling the surname.
    sign_in(page, "partner")
    page.get_by_role("link", name="Make a referral").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral to the front door")
    axe_check(page)
    page.get_by_role("button", name="Send the referral").click()  # empty: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's name or date of birth")
    axe_check(page)
    page.get_by_label("Your role").fill("Designated safeguarding lead")
    page.get_by_label("Child: given names").fill("Zoe")
    page.get_by_label("Child: family name").fill("O'Brian")
    page.locator("#id_child_date_of_birth-day").fill("4")
    page.locator("#id_child_date_of_birth-month").fill("3")
    page.locator("#id_child_date_of_birth-year").fill("2016")
    page.get_by_label("What are you worried about?").fill("Zoe arrived with a bruise on her arm and is withdrawn.")
    page.get_by_label("The family consented to the referral and to information sharing").check()
    page.get_by_label("Today").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator("#outcome")).to_contain_text("Being considered")
    axe_check(page)
    contact = Contact.objects.get()

    # 2. The front door finds the existing child despite the spelling, and sees the re-referral.
    page.context.clear_cookies()
    sign_in(page, "frontdoor")
    page.get_by_role("link", name="Front door").first.click()
    expect(page.locator("#queue")).to_contain_text(contact.reference)
    axe_check(page)
    page.get_by_role("link", name=contact.reference).click()
    axe_check(page)
    page.get_by_role("link", name="Is this child known?").click()
    expect(page.get_by_label("Family name")).to_have_value("O'Brian")
    page.get_by_role("button", name="Search").click()
    result = page.locator(f'[data-result="{world.own.reference}"]')
    expect(result).to_contain_text("Zoë O'Brien")
    expect(result).to_contain_text("Referrals to social care")
    axe_check(page)
    result.get_by_role("button", name="This is the child").click()
    expect(page.locator("#rereferral")).to_contain_text("Re-referral")
    axe_check(page)

    # 3. Checks: requested with the usual defaults; the decision must wait for the police.
    page.get_by_role("link", name="Request checks").click()
    axe_check(page)
    page.get_by_role("button", name="Request checks").click()
    expect(page.locator("#checks")).to_be_visible()
    page.get_by_role("link", name="Propose a decision").click()
    page.get_by_label("Level 4: statutory (children's social care)").check()
    page.get_by_label("Referral to children's social care: single assessment (section 17)").check()
    page.get_by_label("Primary need (CIN code)").select_option("N1")
    page.get_by_label("Rationale").fill("Unexplained injury and a re-referral: level 4 descriptor met.")
    page.get_by_role("button", name="Propose the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Required checks are not back yet: Police")
    axe_check(page)
    page.get_by_role("link", name=f"Contact {contact.reference}").first.click()
    page.get_by_role("link", name="Record the Police response").click()
    axe_check(page)
    page.get_by_label("Information the agency gave").fill("Two domestic incidents at the address in 2026.")
    page.get_by_label("Amber: some concerns").check()
    page.get_by_label("Provided by").fill("PC Jones, MASH police")
    page.get_by_role("button", name="Save the response").click()
    page.get_by_role("link", name="Propose a decision").click()
    page.get_by_label("Level 4: statutory (children's social care)").check()
    page.get_by_label("Referral to children's social care: single assessment (section 17)").check()
    page.get_by_label("Primary need (CIN code)").select_option("N1")
    page.get_by_label("Rationale").fill("Unexplained injury and a re-referral: level 4 descriptor met.")
    page.get_by_label("What the referrer is told").fill("A social worker will carry out an assessment.")
    page.get_by_role("button", name="Propose the decision").click()
    expect(page.locator("#decision-summary")).to_contain_text("Awaiting authorisation")
    axe_check(page)

    # 4. A manager authorises.
    page.context.clear_cookies()
    sign_in(page, "manager")
    page.goto(f"{live_server.url}/front-door/?tab=authorisation")
    expect(page.locator("#queue")).to_contain_text(contact.reference)
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("link", name="Authorise or return").click()
    axe_check(page)
    page.get_by_role("button", name="Authorise").click()
    expect(page.locator("#decision-summary")).to_contain_text("Authorised")
    assert CINEpisode.objects.filter(person=world.own, closed_on__isnull=True).count() == 1

    # 5. The DSL sees the outcome.
    page.context.clear_cookies()
    sign_in(page, "partner")
    page.get_by_role("link", name="My referrals").first.click()
    expect(page.locator("#my-referrals")).to_contain_text("single assessment")
    axe_check(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.locator("#outcome")).to_contain_text("Referral to children's social care")
    expect(page.locator("body")).to_contain_text("A social worker will carry out an assessment.")
    axe_check(page)
