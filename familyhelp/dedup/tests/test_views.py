"""Review queue pages: the list, the side-by-side comparison, decisions with GOV.UK error summaries, the
survivor's and merged record's pages."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.dedup.models import DuplicateCandidate, PersonMerge
from familyhelp.dedup.services import candidate_merge, duplicates_find
from familyhelp.dedup.tests.factories import duplicate_of, pair, same_nhs_number


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _error_summary(response) -> list[str]:  # type: ignore[no-untyped-def]
    summary = _soup(response).select_one(".govuk-error-summary")
    return [a.get_text(strip=True) for a in summary.select("li a")] if summary else []


@pytest.fixture
def dup(world):  # type: ignore[no-untyped-def]
    duplicate = duplicate_of(world.own, family_name="OBrian", worker=world.colleague)
    chronology_add_significant_event(
        actor=world.sw, person=duplicate, occurred_on=datetime.date.today(), summary="Seen at school"
    )
    return duplicate


def test_find_button_fills_the_queue_which_lists_pairs_best_first(world, dup, client_for):
    same_nhs_number(world.own, dup)
    client = client_for(world.manager)
    job_page = client.post(reverse("dedup:find"), follow=True)  # a background job (ADR 0018): its page
    assert "1 new possible duplicate" in job_page.content.decode()
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a, candidate.person_b} == {world.own, dup}
    response = client.get(_soup(job_page).find("a", string="Review the possible duplicates")["href"])
    rows = _soup(response).select("tbody tr")
    assert len(rows) == 1 and "OBrian" in rows[0].get_text() and dup.reference in rows[0].get_text()
    assert AccessLog.objects.filter(user=world.manager, action="search", reason__contains="Review queue").exists()


def test_queue_shows_only_pairs_inside_the_users_scope(world, dup, client_for):
    pair(world.own, dup)
    pair(world.other, duplicate_of(world.other))  # outside the manager's service
    manager_rows = _soup(client_for(world.manager).get(reverse("dedup:queue"))).select("tbody tr")
    assert len(manager_rows) == 1
    leader_rows = _soup(client_for(world.leader).get(reverse("dedup:queue"))).select("tbody tr")
    assert len(leader_rows) == 2
    admin_page = client_for(world.admin).get(reverse("dedup:queue"))
    assert not _soup(admin_page).select("tbody tr") and "2 pairs waiting for review" in admin_page.content.decode()


def test_comparison_shows_both_records_side_by_side_and_logs_both_reads(world, dup, client_for):
    candidate = pair(world.own, dup)
    response = client_for(world.manager).get(reverse("dedup:detail", args=[candidate.pk]))
    soup = _soup(response)
    rows = {
        tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("tbody tr")
    }
    family = rows["Family name"]
    assert sorted(v.replace(" Differs", "") for v in family) == ["O'Brien", "OBrian"]
    assert "Differs" in family[1]
    assert rows["Date of birth"][0] == rows["Date of birth"][1] == "4 March 2016"
    assert any("Allocated worker" in v for v in rows["Professionals"])
    assert any("Siobhán O'Brien" in v for v in rows["Relationships"])
    assert [r.get_text(strip=True) for r in soup.select("input[name=survivor] + label")][0].startswith("Keep")
    for person in (world.own, dup):
        assert AccessLog.objects.filter(
            user=world.manager, person=person, action="view", reason="reviewing a possible duplicate"
        ).exists()


def test_merge_without_a_choice_or_reason_shows_the_error_summary(world, dup, client_for):
    candidate = pair(world.own, dup)
    response = client_for(world.manager).post(
        reverse("dedup:merge", args=[candidate.pk]), {"version": candidate.version}
    )
    assert response.status_code == 200
    assert _error_summary(response) == ["Choose which record to keep", "Enter why these records are the same person"]
    assert not PersonMerge.objects.exists()


def test_merge_then_the_survivor_shows_both_histories_and_the_merged_record_a_banner(world, dup, client_for):
    candidate = pair(world.own, dup)
    client = client_for(world.manager)
    response = client.post(
        reverse("dedup:merge", args=[candidate.pk]),
        {"survivor": str(world.own.pk), "reason": "Same child, same school", "version": candidate.version},
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[world.own.pk])
    page = _soup(client_for(world.sw).get(reverse("people:detail", args=[world.own.pk])))
    merged_section = page.select_one("#details").get_text(" ", strip=True)
    assert "Merged records" in merged_section and dup.reference in merged_section
    assert f"Zoë OBrian (name on the merged record, from merged record {dup.reference})" in merged_section
    items = [li.get_text(" ", strip=True) for li in page.select("#chronology li.moj-timeline__item")]
    assert any("Seen at school" in i and f"From merged record {dup.reference}" in i for i in items)
    # The social worker sees no undo link (no verb); the manager does.
    assert not page.select(f"a[href='{reverse('dedup:undo', args=[PersonMerge.objects.get().pk])}']")
    banner = _soup(client_for(world.sw).get(reverse("people:detail", args=[dup.pk]))).select_one(
        ".govuk-notification-banner"
    )
    assert "Merged record" in banner.get_text() and banner.a["href"] == reverse("people:detail", args=[world.own.pk])
    # Nothing on the merged record can be changed any more.
    assert client_for(world.sw).get(reverse("people:edit", args=[dup.pk])).status_code == 403


def test_second_reviewer_gets_a_clear_error(world, dup, client_for):
    candidate = pair(world.own, dup)
    candidate_merge(actor=world.leader, candidate=candidate, survivor=world.own, reason="Same", expected_version=1)
    response = client_for(world.manager).post(
        reverse("dedup:not_duplicate", args=[candidate.pk]), {"reason": "Twins", "version": 1}
    )
    assert response.status_code == 200
    [message] = _error_summary(response)
    assert message.startswith("This pair has already been decided by") and "not saved" in message


def test_not_a_duplicate_and_it_is_not_suggested_again(world, dup, client_for):
    same_nhs_number(world.own, dup)
    client = client_for(world.manager)
    duplicates_find(actor=world.manager)
    candidate = DuplicateCandidate.objects.get()
    response = client.post(reverse("dedup:not_duplicate", args=[candidate.pk]), {"reason": "Twins", "version": 1})
    assert response.status_code == 302
    result = duplicates_find(actor=world.manager)
    assert (result.created, result.already_decided) == (0, 1)
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.NOT_DUPLICATE


def test_undo_page(world, dup, client_for):
    candidate = pair(world.own, dup)
    merge = candidate_merge(
        actor=world.manager, candidate=candidate, survivor=world.own, reason="x", expected_version=1
    )
    client = client_for(world.manager)
    url = reverse("dedup:undo", args=[merge.pk])
    assert _error_summary(client.post(url, {})) == ["Enter why the merge is being undone"]
    response = client.post(url, {"reason": "Different children"})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[dup.pk])
    dup.refresh_from_db()
    assert dup.merged_into is None


def test_a_restricted_record_in_the_pair_sends_the_reviewer_to_break_glass(world, client_for):
    restricted_dup = duplicate_of(world.restricted, given_names="Jaime", worker=world.colleague)
    candidate = pair(world.restricted, restricted_dup)
    response = client_for(world.manager).get(reverse("dedup:detail", args=[candidate.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:break_glass", args=[world.restricted.pk])
    rows = _soup(client_for(world.manager).get(reverse("dedup:queue"))).select("tbody tr")
    text = rows[0].get_text()
    assert "Restricted record" in text and world.restricted.reference in text and "Jamie" not in text
