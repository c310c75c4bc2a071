"""People pages: search by POST, the child's page, forms with GOV.UK error summaries, break glass."""

from __future__ import annotations

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.accounts.models import Notification
from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.people.models import Person


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _error_summary(response) -> list[str]:  # type: ignore[no-untyped-def]
    summary = _soup(response).select_one(".govuk-error-summary")
    return [a.get_text(strip=True) for a in summary.select("li a")] if summary else []


def test_search_page_posts_and_logs(world, client_for):
    client = client_for(world.frontdoor)
    page = client.get(reverse("people:search"))
    assert _soup(page).select_one("form")["method"] == "post"
    response = client.post(reverse("people:search"), {"family_name": "O'Brien", "purpose": "new_contact"})
    assert response.status_code == 200
    names = [a.get_text(strip=True) for a in _soup(response).select("table a")]
    assert "Zoë O'Brien" in names
    assert AccessLog.objects.filter(action="search", user=world.frontdoor).count() == 1


def test_search_needs_something_and_a_reason(world, client_for):
    client = client_for(world.frontdoor)
    response = client.post(reverse("people:search"), {})
    errors = _error_summary(response)
    assert "Choose why you are searching" in errors
    response = client.post(reverse("people:search"), {"purpose": "new_contact"})
    assert "Enter at least one thing to search for, like a family name" in _error_summary(response)
    response = client.post(
        reverse("people:search"),
        {"purpose": "new_contact", "date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2015"},
    )
    assert "Date of birth must be a real date" in _error_summary(response)
    assert not AccessLog.objects.filter(action="search").exists()


def test_child_page_shows_details_family_professionals_chronology(world, client_for):
    client = client_for(world.sw)
    response = client.get(reverse("people:detail", args=[world.own.pk]))
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "Zoë O'Brien"
    panels = [p["id"] for p in soup.select(".govuk-tabs__panel")]
    assert panels == ["details", "family", "professionals", "chronology"]
    assert "Siobhán O'Brien" in soup.select_one("#family").get_text()
    assert "Allocated worker" in soup.select_one("#professionals").get_text()


def test_chronology_newest_first_and_filtered(world, client_for):
    from familyhelp.chronology.services import chronology_add_significant_event

    chronology_add_significant_event(
        actor=world.sw,
        person=world.own,
        occurred_on=datetime.date.today(),
        summary="Home visit: new partner in the home",
    )
    chronology_add_significant_event(
        actor=world.sw,
        person=world.own,
        occurred_on=datetime.date.today() - datetime.timedelta(days=30),
        summary="School reported bruising",
        late_reason="Found in old notes",
    )
    client = client_for(world.sw)
    soup = _soup(client.get(reverse("people:detail", args=[world.own.pk])))
    titles = [p.get_text(strip=True) for p in soup.select("#chronology .moj-timeline__description p.govuk-body")]
    assert titles[:2] == ["Home visit: new partner in the home", "School reported bruising"]
    response = client.get(reverse("people:detail", args=[world.own.pk]), {"group": "Record"})
    text = _soup(response).select_one("#chronology-events").get_text()
    assert "School reported bruising" not in text
    # the htmx partial returns only the list
    partial = client.get(
        reverse("people:detail", args=[world.own.pk]),
        {"group": "Significant events", "partial": "chronology"},
        HTTP_HX_REQUEST="true",
    )
    assert partial.content.decode().lstrip().startswith('<div id="chronology-events">')
    assert "School reported bruising" in partial.content.decode()


def test_create_person_with_errors_then_success(world, client_for):
    client = client_for(world.frontdoor)
    response = client.post(
        reverse("people:create"),
        {
            "kind": "child",
            "sex": "U",
            "ethnicity": "NOBT",
            "nhs_number": "123",
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2999",
        },
    )
    errors = _error_summary(response)
    assert "Enter a given name or a family name (a single name is fine)" in errors
    assert "The date of birth must be today or in the past" in errors
    assert any("NHS number" in e for e in errors)
    assert not Person.objects.filter(nhs_number="123").exists()
    new_child = {
        "kind": "child",
        "given_names": "Nguyễn Văn",
        "family_name": "",
        "sex": "M",
        "ethnicity": "AOTH",
        "disabilities": ["AUT"],
    }
    response = client.post(reverse("people:create"), new_child)  # not searched for yet: refused
    assert any("Search for this person before recording them" in e for e in _error_summary(response))
    assert not Person.objects.filter(given_names="Nguyễn Văn").exists()
    client.post(reverse("people:search"), {"given_names": "Nguyen", "purpose": "new_contact"})
    response = client.post(
        reverse("people:create"),
        {
            "kind": "child",
            "given_names": "Nguyễn Văn",
            "family_name": "",
            "sex": "M",
            "ethnicity": "AOTH",
            "disabilities": ["AUT"],
        },
    )
    person = Person.objects.get(given_names="Nguyễn Văn")
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])


def test_edit_detects_concurrent_change(world, client_for):
    client = client_for(world.sw)
    url = reverse("people:edit", args=[world.own.pk])
    form = _soup(client.get(url))
    version = form.select_one("input[name=version]")["value"]
    data = {
        "kind": "child",
        "given_names": "Zoë",
        "family_name": "O'Brien",
        "sex": "F",
        "ethnicity": "WIRI",
        "date_of_birth_day": "4",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2016",
        "version": version,
    }
    assert client.post(url, data).status_code == 302
    data["ethnicity"] = "WBRI"
    response = client.post(url, data)  # the same stale version again
    assert response.status_code == 200
    assert any("Someone else changed this record" in e for e in _error_summary(response))
    world.own.refresh_from_db()
    assert world.own.ethnicity == "WIRI"


def test_break_glass_journey(world, client_for):
    client = client_for(world.frontdoor)
    url = reverse("people:detail", args=[world.restricted.pk])
    response = client.get(url)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert world.restricted.family_name not in page.content.decode()
    response = client.post(response["Location"], {"reason": ""})
    assert "Enter why you need to open this restricted record" in _error_summary(response)
    response = client.post(
        reverse("people:break_glass", args=[world.restricted.pk]), {"reason": "Police called with an urgent concern"}
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and "Restricted record" in page.content.decode()
    assert AccessLog.objects.filter(action="break_glass", user=world.frontdoor, person=world.restricted).count() == 1
    managers = set(Notification.objects.filter(kind="break_glass").values_list("recipient__username", flat=True))
    assert managers == {"manager"}  # the manager of the team holding the record


def test_significant_event_late_needs_reason(world, client_for):
    client = client_for(world.sw)
    url = reverse("people:event_add", args=[world.own.pk])
    old = datetime.date.today() - datetime.timedelta(days=40)
    data = {
        "occurred_on_day": old.day,
        "occurred_on_month": old.month,
        "occurred_on_year": old.year,
        "summary": "Missing overnight",
    }
    response = client.post(url, data)
    assert any("more than 7 days after" in e for e in _error_summary(response))
    data["late_reason"] = "Worker was on leave"
    assert client.post(url, data).status_code == 302
    event = ChronologyEvent.objects.get(kind="note.significant_event")
    assert (event.occurred_on, event.late_reason) == (old, "Worker was on leave")


def test_urls_and_logs_carry_no_names(world, client_for):
    """Searching posts; page URLs carry only UUIDs; the access log's view name is a route name."""
    client = client_for(world.frontdoor)
    client.post(reverse("people:search"), {"family_name": "O'Brien", "purpose": "new_contact"})
    client.get(reverse("people:detail", args=[world.own.pk]))
    for log in AccessLog.objects.all():
        assert "O'Brien" not in log.view_name
    assert "O'Brien" not in reverse("people:detail", args=[world.own.pk])


def test_search_with_bad_identifiers_shows_field_errors(world, client_for):
    client = client_for(world.frontdoor)
    response = client.post(
        reverse("people:search"), {"nhs_number": "485 777 3456", "postcode": "nowhere", "purpose": "new_contact"}
    )
    errors = _error_summary(response)
    assert "Enter a valid NHS number: the check digit does not match" in errors
    assert "Enter a real postcode, like B91 3QB" in errors
    assert not AccessLog.objects.filter(action="search").exists()


def test_manager_tray_counts_children_not_involvements(world, client_for):
    """A child held by one worker in two caseload roles counts once, as on the organisation page."""
    from familyhelp.people.tests.factories import InvolvementFactory

    InvolvementFactory(person=world.own, worker=world.sw, role="lead_practitioner")
    soup = _soup(client_for(world.manager).get(reverse("frontend:home")))
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[-1].get_text(strip=True)
        for tr in soup.select("#tray-team ~ table tbody tr")
    }
    assert rows[str(world.sw)] == "1"
    assert rows[str(world.colleague)] == "2"
