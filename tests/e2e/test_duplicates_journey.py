"""Duplicate records: a manager opens the review queue, compares a pair, merges it, sees both histories on
the kept record, and undoes the merge. Every page is checked with axe."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.dedup.models import PersonMerge
from familyhelp.dedup.tests.factories import duplicate_of, pair


def test_review_merge_and_undo(world, transactional_db, live_server, page, sign_in, axe_check):
    dup = duplicate_of(world.own, family_name="OBrian", worker=world.colleague)
    chronology_add_significant_event(
        actor=world.sw, person=dup, occurred_on=datetime.date.today(), summary="Seen at school by the nurse"
    )
    pair(world.own, dup)
    sign_in(page, "manager")
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    axe_check(page)
    page.get_by_role("link", name="Zoë O'Brien and Zoë OBrian").or_(
        page.get_by_role("link", name="Zoë OBrian and Zoë O'Brien")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    axe_check(page)
    page.get_by_role("button", name="Merge").click()  # nothing chosen: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose which record to keep")
    axe_check(page)
    page.get_by_label(f"Keep {world.own.reference}", exact=False).check()
    page.get_by_label("Why are these the same person?").fill("Same child: same date of birth, mother and school")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoë O'Brien")
    expect(page.locator("body")).to_contain_text(f"Records merged: {dup.reference}")
    axe_check(page)
    page.get_by_role("tab", name="Chronology").click()
    expect(page.locator("#chronology")).to_contain_text("Seen at school by the nurse")
    expect(page.locator("#chronology")).to_contain_text(f"From merged record {dup.reference}")
    page.get_by_role("tab", name="Details").click()
    page.get_by_role("link", name=f"Undo the merge of {dup.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo the merge")
    axe_check(page)
    page.get_by_label("Why are you undoing this merge?").fill("Different children: twins")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoë OBrian")
    axe_check(page)
    assert PersonMerge.objects.get().undone_reason == "Different children: twins"
