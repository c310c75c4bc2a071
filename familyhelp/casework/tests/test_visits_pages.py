"""Visits, case notes and casework policy pages: forms, the GOV.UK error summary, permissions, the case-page
section (clock, frequency, notes filter, oversight shown apart). HTML is parsed, not string-matched."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.casework.models import CaseNote, CaseworkPolicy, Plan, Visit
from familyhelp.casework.policy import casework_policy
from familyhelp.casework.services import visits as services
from familyhelp.casework.tests.test_visits_services import make_case, make_plan, seen
from familyhelp.casework.views.visits import case_section

D = datetime.date
NOW = "2025-01-08 10:00"


def doc(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content.decode(), "html.parser")


def summary_links(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(a.get("href"), a.get_text().strip()) for a in page.select(".govuk-error-summary__list a")]


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return make_case(world)


@freeze_time(NOW)
def test_record_a_visit_not_seen_without_reason_shows_the_error_summary(world, case, client_for):
    c = client_for(world.sw)
    url = reverse("casework:visit_add", kwargs={"pk": case.pk})
    page = doc(c.get(url))
    assert page.select("input[name=seen][value=not_seen][data-aria-controls=conditional-not-seen]")
    r = c.post(url, {"visited_on_day": "8", "visited_on_month": "1", "visited_on_year": "2025", "seen": "not_seen"})
    assert r.status_code == 200
    page = doc(r)
    assert ("#id_not_seen_reason", "Enter why the child was not seen") in summary_links(page)
    assert page.select("title")[0].get_text().startswith("Error:")
    # The reason is revealed (not hidden) when "not seen" was chosen.
    assert "govuk-radios__conditional--hidden" not in page.find(id="conditional-not-seen").get("class")
    r = c.post(url, {"visited_on_day": "9", "visited_on_month": "1", "visited_on_year": "2025"})
    links = summary_links(doc(r))
    assert ("#id_visited_on-day", "The date of the visit must be today or in the past") in links
    assert any(href == "#id_seen_0" for href, _ in links)
    assert not Visit.objects.exists()


@freeze_time(NOW)
def test_record_a_visit_then_see_it_listed_with_the_clock(world, case, client_for):
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    c = client_for(world.sw)
    r = c.post(
        reverse("casework:visit_add", kwargs={"pk": case.pk}),
        {"visited_on_day": "7", "visited_on_month": "1", "visited_on_year": "2025", "seen": "alone", "notes": "Fine"},
    )
    assert r.status_code == 302 and r.url == reverse("casework:visits", kwargs={"pk": case.pk})
    page = doc(c.get(r.url))
    assert "Seen alone" in page.select(".govuk-table__body")[0].get_text()
    tag = page.select("strong.govuk-tag")[0]
    # 10 working days after Tue 7 Jan 2025 is Tue 21 Jan 2025 (no bank holidays).
    assert tag.get_text() == "Next visit due" and "21 January 2025" in tag.parent.get_text()


@freeze_time(NOW)
def test_the_pages_refuse_those_who_cannot_work_the_case(world, case, client_for):
    for name in ("casework:visit_add", "casework:note_add"):
        url = reverse(name, kwargs={"pk": case.pk})
        assert client_for(world.leader).get(url).status_code == 403
        assert client_for(world.cp_worker).post(url, {}).status_code == 403
    assert client_for(world.leader).get(reverse("casework:visits", kwargs={"pk": case.pk})).status_code == 200
    assert client_for(world.manager).get(reverse("casework:policy")).status_code == 403


@freeze_time(NOW)
def test_notes_page_oversight_shown_apart_and_filter(world, case, client_for):
    services.case_note_record(actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 7), text="Rang.")
    services.case_note_record(
        actor=world.manager, case=case, category="management_oversight", occurred_on=D(2025, 1, 8), text="Agreed."
    )
    url = reverse("casework:notes", kwargs={"pk": case.pk})
    page = doc(client_for(world.sw).get(url))
    oversight = page.select("li.fh-oversight")
    assert len(oversight) == 1 and "Agreed." in oversight[0].get_text()
    assert "Management oversight" in oversight[0].select(".govuk-tag--purple")[0].get_text()
    # The social worker may correct their own note, not the manager's oversight.
    corrections = [a.get("href") for a in page.select("a") if "correct/" in (a.get("href") or "")]
    assert len(corrections) == 1
    # The social worker cannot offer oversight.
    assert not [a for a in page.select("a") if "management_oversight" in (a.get("href") or "")]
    page = doc(client_for(world.sw).get(url, {"category": "contact"}))
    assert not page.select("li.fh-oversight") and "Rang." in page.get_text()


@freeze_time(NOW)
def test_note_form_offers_oversight_only_to_managers(world, case, client_for):
    url = reverse("casework:note_add", kwargs={"pk": case.pk})
    values = lambda r: [i.get("value") for i in doc(r).select("input[name=category]")]  # noqa: E731
    assert "management_oversight" not in values(client_for(world.sw).get(url))
    assert "management_oversight" in values(client_for(world.manager).get(url))
    # Posting it anyway as a social worker is refused by the form's choices, nothing written.
    r = client_for(world.sw).post(
        url,
        {
            "category": "management_oversight",
            "occurred_on_day": "8",
            "occurred_on_month": "1",
            "occurred_on_year": "2025",
            "text": "x",
        },
    )
    assert r.status_code == 200 and any(h == "#id_category_0" for h, _ in summary_links(doc(r)))
    r = client_for(world.sw).post(url, {"category": "contact"})
    links = dict(summary_links(doc(r)))
    assert (
        links["#id_text"] == "Enter the note"
        and links["#id_occurred_on-day"] == "Enter the date of what the note records"
    )
    assert not CaseNote.objects.exists()


@freeze_time(NOW)
def test_correct_a_note_through_the_page(world, case, client_for):
    note = services.case_note_record(
        actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 7), text="Met at home."
    )
    url = reverse("casework:note_correct", kwargs={"pk": case.pk, "note_pk": note.pk})
    assert client_for(world.colleague).get(url).status_code == 403  # not the author, not a manager
    r = client_for(world.sw).post(
        url,
        {"occurred_on_day": "7", "occurred_on_month": "1", "occurred_on_year": "2025", "text": "Met at the hub."},
    )
    assert r.status_code == 302
    correction = CaseNote.objects.exclude(pk=note.pk).get()
    assert correction.corrects == note and correction.category == "contact"
    page = doc(client_for(world.sw).get(reverse("casework:notes", kwargs={"pk": case.pk})))
    original = page.find(id=f"note-{note.pk}")
    assert "Corrected" in original.get_text() and "Met at home." in original.get_text()


def test_policy_page_validation_and_save(world, client_for):
    policy = casework_policy()
    c = client_for(world.admin)
    url = reverse("casework:policy")
    page = doc(c.get(url))
    assert page.find(id="id_visit_cp").get("value") == "10"
    data = {f"visit_{k}": str(policy.visit_days(k)) for k in services.VISIT_KINDS}
    data.update({f"weight_{k}": str(policy.weight(k)) for k in services.VISIT_KINDS})
    data.update({name: str(getattr(policy, name)) for name in services.CLOCK_LIMITS})
    data.update({"version": str(policy.version), "family_help_holds_cin": "on"})
    bad = {**data, "visit_cp": "0", "single_assessment_days": "50", "weight_lac": "lots"}
    links = dict(summary_links(doc(c.post(url, bad))))
    assert links["#id_visit_cp"] == "Child protection plan: visits must be every 1 to 65 working days"
    assert links["#id_single_assessment_days"] == "Single assessment: must be between 1 and 45 working days"
    assert "#id_weight_lac" in links
    assert CaseworkPolicy.objects.get().version == policy.version
    r = c.post(url, {**data, "visit_cp": "5", "weight_cp": "2"})
    assert r.status_code == 302
    stored = CaseworkPolicy.objects.get()
    assert stored.visit_days("cp") == 5 and stored.weight("cp") == 2.0 and stored.allow_self_authorisation is False
    # The same form posted again carries the old version: refused as a concurrent edit.
    r = c.post(url, {**data, "visit_cp": "6"})
    assert r.status_code == 200 and "Someone else changed this record" in doc(r).get_text()
    assert CaseworkPolicy.objects.get().visit_days("cp") == 5


@freeze_time(NOW)
def test_case_section_shows_the_overdue_clock_frequencies_and_filtered_notes(world, case):
    make_plan(case, Plan.Kind.CP, D(2024, 12, 9))
    seen(case, D(2024, 12, 19))
    services.case_note_record(actor=world.sw, case=case, category="contact", occurred_on=D(2025, 1, 7), text="Rang.")
    services.case_note_record(
        actor=world.manager, case=case, category="management_oversight", occurred_on=D(2025, 1, 8), text="Agreed."
    )
    request = RequestFactory().get("/", {"notes-category": "management_oversight"})
    request.user = world.manager
    context = case_section(request, case)
    assert context["clock"].overdue and context["kind"] == "cp" and context["frequency"] == 10
    assert [n.text for n in context["notes"]] == ["Agreed."]
    page = BeautifulSoup(
        render_to_string("casework/visits/_case_section.html", {"visits": context}, request), "html.parser"
    )
    assert page.select(".govuk-tag--red")[0].get_text() == "Visit overdue"
    assert "7 January 2025" in page.select(".govuk-tag--red")[0].parent.get_text()
    rows = {r.select("th")[0].get_text().strip(): r.select("td")[0].get_text() for r in page.select("details tbody tr")}
    assert rows["Child protection plan This case"] == "10 working days"
    assert rows["Looked after (care plan)"] == "30 working days"
    assert page.select("select[name=notes-category] option[selected]")[0].get("value") == "management_oversight"
    assert len(page.select("li.fh-oversight")) == 1


@freeze_time(NOW)
def test_the_case_page_includes_the_visits_and_notes_section(world, case, client_for):
    services.visit_record(actor=world.sw, case=case, visited_on=D(2025, 1, 8), seen="not_seen", not_seen_reason="Out")
    r = client_for(world.sw).get(reverse("casework:case", kwargs={"pk": case.pk}))
    assert r.status_code == 200
    page = doc(r)
    assert page.find(id="visits-heading") and page.find(id="notes-heading")
    assert "Not seen" in page.find(id="visits-heading").parent.get_text()
    assert page.select(f"a[href='{reverse('casework:visit_add', kwargs={'pk': case.pk})}']")
