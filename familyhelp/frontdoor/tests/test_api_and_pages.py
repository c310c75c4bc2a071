"""The front door through the REST API and the pages: same rules, same audit, field-level messages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.frontdoor import services
from familyhelp.frontdoor.models import Contact, ThresholdDecision
from familyhelp.frontdoor.tests.conftest import make_contact

CONTACTS = "/api/v1/contacts/"
NOW = "2026-03-09 10:30"


@freeze_time(NOW)
def test_api_contact_journey_with_the_same_rules(fd, api_as):
    fdc, manager, partner = api_as(fd.frontdoor), None, None
    response = fdc.post(CONTACTS, {"children": [{"given_names": "Zoe", "family_name": "OBrien"}],
                                   "received_at": "2026-03-09T09:45:00Z", "referral_source": "6",
                                   "concerns": "Police attended a domestic incident.", "consent": "not_sought",
                                   "kind": "domestic_abuse"}, format="json")
    assert response.status_code == 400
    assert response.json()["lawful_basis"] == ["Enter the lawful basis for sharing information without consent"]
    assert not Contact.objects.exists()
    response = fdc.post(CONTACTS, {"children": [{"given_names": "Zoe", "family_name": "OBrien"}],
                                   "received_at": "2026-03-09T09:45:00Z", "referral_source": "6",
                                   "concerns": "Police attended a domestic incident.", "consent": "not_sought",
                                   "lawful_basis": "Protecting a child from harm", "kind": "domestic_abuse"},
                        format="json")
    assert response.status_code == 201
    pk = response.json()[0]["id"]
    assert fdc.get(CONTACTS, {"tab": "domestic_abuse"}).json()["results"][0]["id"] == pk
    assert fdc.get(f"{CONTACTS}counts/").json()["domestic_abuse"] == 1
    response = fdc.post(f"{CONTACTS}{pk}/identify-child/", {"person": str(fd.own.pk), "version": 0}, format="json")
    assert response.status_code == 409
    response = fdc.post(f"{CONTACTS}{pk}/identify-child/", {"person": str(fd.own.pk)}, format="json")
    assert response.status_code == 200 and response.json()["child_reference"] == fd.own.reference
    response = fdc.post(f"{CONTACTS}{pk}/checks/", {"check_types": ["Police", "Astrology"]}, format="json")
    assert response.status_code == 400 and "Astrology" in response.json()["check_types"][0]
    response = fdc.post(f"{CONTACTS}{pk}/checks/", {"check_types": ["Police"]}, format="json")
    check = response.json()[0]
    response = fdc.post(f"{CONTACTS}{pk}/decision/", {"level": 4, "outcome": "strategy_discussion",
                                                       "rationale": "Serious injury", "primary_need": "N1"},
                        format="json")
    assert response.status_code == 400
    assert "Required checks are not back yet: Police" in response.json()["checks_override_reason"][0]
    response = fdc.post(f"/api/v1/partner-checks/{check['id']}/response/",
                        {"information": "Known: two incidents", "rag": "red", "provided_by_name": "PC Jones",
                         "version": check["version"]}, format="json")
    assert response.status_code == 200
    decision = fdc.post(f"{CONTACTS}{pk}/decision/", {"level": 4, "outcome": "strategy_discussion",
                                                       "rationale": "Serious injury", "primary_need": "N1"},
                        format="json").json()
    assert decision["threshold_document_version"] == 1
    refused = fdc.post(f"/api/v1/decisions/{decision['id']}/authorise/", {}, format="json")
    assert refused.status_code == 403  # a practitioner cannot authorise
    manager = api_as(fd.fd_manager)
    assert manager.post(f"/api/v1/decisions/{decision['id']}/authorise/", {}, format="json").status_code == 200
    again = api_as(fd.manager2).post(f"/api/v1/decisions/{decision['id']}/authorise/", {}, format="json")
    assert again.status_code == 400 and "already been decided" in again.json()["comment"][0]
    # Every read of the contact about an identified child is in the access log, with the child.
    assert AccessLog.objects.filter(user=fd.frontdoor, action="view", person=fd.own,
                                    object_type="frontdoor.contact").exists()
    del partner


@freeze_time(NOW)
def test_api_partner_sees_only_their_referrals_and_the_outcome(fd, api_as):
    partner = api_as(fd.partner)
    response = partner.post("/api/v1/referrals/", {"children": [{"family_name": "Okafor"}], "concerns": "Worried",
                                                   "consent": "given"}, format="json")
    assert response.status_code == 201
    pk = response.json()[0]["id"]
    assert partner.get(f"/api/v1/referrals/{pk}/").json()["outcome"] is None
    (other,) = make_contact(fd)
    assert partner.get(f"/api/v1/referrals/{other.pk}/").status_code == 404
    assert partner.get(f"{CONTACTS}{pk}/").status_code == 403
    contact = Contact.objects.get(pk=pk)
    decision = services.decision_propose(actor=fd.frontdoor, contact=contact, level=1, outcome="nfa",
                                         rationale="Universal services meet the need",
                                         feedback_to_referrer="No further action; school support continues.")
    services.decision_authorise(actor=fd.fd_manager, decision=decision)
    outcome = partner.get(f"/api/v1/referrals/{pk}/").json()["outcome"]
    assert outcome["outcome"] == "nfa"
    assert outcome["message"] == "No further action; school support continues."
    assert [r["id"] for r in partner.get("/api/v1/referrals/").json()["results"]] == [pk]


@freeze_time(NOW)
def test_queue_page_tabs_filters_and_clocks(fd, client_for):
    (late,) = make_contact(fd, received_at=services.clock.now().replace(day=5))  # Thursday: due Friday
    (da,) = make_contact(fd, kind="domestic_abuse", urgency="immediate")
    client = client_for(fd.frontdoor)
    page = client.get(reverse("frontdoor:queue"), {"tab": "breached"}).content.decode()
    assert late.reference in page and da.reference not in page
    assert "Overdue by" in page
    page = client.get(reverse("frontdoor:queue"), {"tab": "domestic_abuse"}).content.decode()
    assert da.reference in page and late.reference not in page
    page = client.get(reverse("frontdoor:queue"), {"urgency": "immediate"}).content.decode()
    assert da.reference in page and late.reference not in page
    assert 'data-count="open">2<' in client.get(reverse("frontdoor:queue")).content.decode()


@freeze_time(NOW)
def test_contact_form_shows_specific_errors_and_saves_nothing(fd, client_for):
    client = client_for(fd.frontdoor)
    response = client.post(reverse("frontdoor:contact_add"), {"kind": "contact", "received_on_day": "9",
                                                              "received_on_month": "3", "received_on_year": "2026",
                                                              "received_time": "25:00", "consent": "refused"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the time as hours and minutes on the 24-hour clock, like 14:30" in html
    assert not Contact.objects.exists()
    response = client.post(reverse("frontdoor:contact_add"), {
        "kind": "contact", "received_on_day": "9", "received_on_month": "3", "received_on_year": "2026",
        "received_time": "09:40", "referral_source": "1A", "referrer_name": "Gran", "consent": "refused",
        "lawful_basis": "", "urgency": "routine", "child_given_names": "Kit", "child_2_given_names": "Ava",
        "concerns": "The children are left alone at night."})
    assert "Enter the lawful basis for sharing information without consent" in response.content.decode()
    response = client.post(reverse("frontdoor:contact_add"), {
        "kind": "contact", "received_on_day": "9", "received_on_month": "3", "received_on_year": "2026",
        "received_time": "09:40", "referral_source": "1A", "referrer_name": "Gran", "consent": "refused",
        "lawful_basis": "Risk of harm", "urgency": "routine", "child_given_names": "Kit",
        "child_2_given_names": "Ava", "concerns": "The children are left alone at night."})
    assert response.status_code == 302
    kit, ava = Contact.objects.order_by("reference")
    assert (kit.child_given_names, ava.child_given_names) == ("Kit", "Ava")
    assert kit.sibling_group == ava.sibling_group


@freeze_time(NOW)
def test_decision_page_refuses_deciding_twice(fd, client_for):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = services.decision_propose(actor=fd.frontdoor, contact=contact, level=2, outcome="advice",
                                         rationale="Advice given")
    client = client_for(fd.fd_manager)
    url = reverse("frontdoor:authorise", args=[decision.pk])
    assert client.post(url, {"action": "authorise"}).status_code == 302
    response = client_for(fd.manager2).post(url, {"action": "authorise"})
    assert "This contact has already been decided" in response.content.decode()
    assert ThresholdDecision.objects.get().authorised_by == fd.fd_manager


@pytest.mark.parametrize("role", ["sw", "specialist", "analyst", "auditor", "partner"])
def test_roles_without_the_front_door_cannot_read_a_contact(fd, api_as, role):
    with freeze_time(NOW):
        (contact,) = make_contact(fd)
    assert api_as(fd.users[role]).get(f"{CONTACTS}{contact.pk}/").status_code == 403
