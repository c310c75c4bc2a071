"""Person search, end to end (issue 14): a referrer gives the child's nickname with a typo and no date of birth
("Issy Talyor"). The front-door practitioner searches, sees several Isabella Taylors and the prompt to narrow,
adds the age the referrer gave ("about 9") and finds the right Isabella Taylor first. Every page is checked with
axe at desktop (1280 px) and phone (375 px) widths."""

from __future__ import annotations

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.core import clock
from familyhelp.people.tests.factories import ChildFactory

WIDTHS = ((1280, 800), (375, 812))


def _born(years: int) -> datetime.date:
    """A date of birth that makes a child `years` old today, a hundred days past a birthday."""
    today = datetime.date.today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - datetime.timedelta(days=100)


def test_a_nickname_with_a_typo_and_no_date_of_birth_then_an_age(
    world, transactional_db, live_server, page, sign_in, axe_check
):
    from familyhelp.frontdoor.defaults import install
    from familyhelp.frontdoor.services import ChildAsGiven
    from familyhelp.frontdoor.tests.conftest import make_contact

    install()

    def check(page) -> None:  # axe at both widths, back to desktop after
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            axe_check(page)
        page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})

    # The child the referrer means, aged 9, and namesakes of other ages (and a near-namesake).
    isabella = ChildFactory(given_names="Isabella", family_name="Taylor", date_of_birth=_born(9))
    others = [
        ChildFactory(given_names="Isabella", family_name="Taylor", date_of_birth=_born(years)) for years in (3, 13, 16)
    ]
    others.append(ChildFactory(given_names="Isobel", family_name="Taylor", date_of_birth=_born(6)))
    (contact,) = make_contact(
        world,
        children=[ChildAsGiven(given_names="Issy", family_name="Talyor")],
        received_at=clock.now() - datetime.timedelta(hours=1),
    )

    # 1. The front door opens the contact and asks whether the child is known: the referrer's words, no date.
    sign_in(page, "frontdoor")
    page.goto(f"{live_server.url}{reverse('frontdoor:contact', args=[contact.pk])}")
    page.get_by_role("link", name="Is this child known?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this child known?")
    expect(page.get_by_label("Given names")).to_have_value("Issy")
    expect(page.get_by_label("Family name")).to_have_value("Talyor")
    expect(page.get_by_label("Age (about)")).to_have_value("")
    check(page)

    # 2. An age alone is not a search: the error says what to add.
    page.get_by_label("Given names").fill("")
    page.get_by_label("Family name").fill("")
    page.get_by_label("Age (about)").fill("9")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name, date of birth, postcode or identifier with the age")
    check(page)

    # 3. The nickname with the typo and no date of birth: several candidates and the prompt to narrow.
    page.get_by_label("Given names").fill("Issy")
    page.get_by_label("Family name").fill("Talyor")
    page.get_by_label("Age (about)").fill("")
    page.get_by_role("button", name="Search").click()
    cards = page.locator("[data-result]")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 4, cards.count()
    found = set(cards.evaluate_all("nodes => nodes.map(n => n.dataset.result)"))
    assert {isabella.reference, *(o.reference for o in others[:3])} <= found
    expect(page.locator("#narrow")).to_have_text(
        "Add a date of birth, age, school year or postcode to narrow the search."
    )
    expect(cards.first).to_contain_text("Why it matched")
    check(page)

    # 4. The referrer said she is about 9: with the age, she is the first result, and why says so.
    page.get_by_label("Age (about)").fill("about 9")
    page.get_by_role("button", name="Search").click()
    first = page.locator("[data-result]").first
    expect(first).to_have_attribute("data-result", isabella.reference)
    expect(first).to_contain_text("Isabella Taylor")
    expect(first).to_contain_text("age fits")
    expect(page.get_by_label("Age (about)")).to_have_value("about 9")
    check(page)

    # 5. This is the child: the contact is linked to her record.
    first.get_by_role("button", name="This is the child").click()
    expect(page.locator("body")).to_contain_text(isabella.reference)
    check(page)
    contact.refresh_from_db()
    assert contact.child is not None and contact.child.reference == isabella.reference
