"""Team around the family pages and API: who sees what (parsed from the HTML), the error summary, the partner's
plan and tray, the API's 400/403/404/409, and the directory's search used for signposting."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from lxml import html

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import Plan, PlanAction
from familyhelp.taf.models import PlanActionSignpost, TafAction, TafMember
from familyhelp.taf.tests.factories import LocalServiceFactory


def page(response):  # type: ignore[no-untyped-def]
    return html.fromstring(response.content)


def text(node):  # type: ignore[no-untyped-def]
    return " ".join(node.text_content().split())


# --- Practitioners -------------------------------------------------------------------------------------------
def test_practitioner_sees_members_with_contact_details_and_the_overdue_flag(world, taf, client_for):
    response = client_for(world.sw).get(reverse("taf:case", kwargs={"pk": taf.case.pk}))
    assert response.status_code == 200
    doc = page(response)
    members = text(doc.get_element_by_id("taf-members"))
    assert "Priya Shah" in members and taf.nurse.email in members
    assert "Overdue" in text(doc.xpath(f'//tr[@data-action="{taf.nurse_action.pk}"]')[0])
    assert "Overdue" not in text(doc.xpath(f'//tr[@data-action="{taf.partner_action.pk}"]')[0])
    assert "1 action overdue" in text(doc.get_element_by_id("taf-overdue"))
    assert doc.xpath('//table[@id="taf-members"]/caption') and doc.xpath('//th[@scope="col"]')


def test_the_case_page_links_to_the_team(world, taf, client_for):
    doc = page(client_for(world.sw).get(reverse("casework:case", kwargs={"pk": taf.case.pk})))
    assert doc.get_element_by_id("taf-link").get("href") == reverse("taf:case", kwargs={"pk": taf.case.pk})


def test_a_practitioner_out_of_scope_is_refused_and_logged(world, taf, client_for):
    response = client_for(world.cp_worker).get(reverse("taf:case", kwargs={"pk": taf.case.pk}))
    assert response.status_code == 403
    assert AccessLog.objects.filter(user=world.cp_worker, action="denied", object_id=str(taf.case.pk)).exists()
    response = client_for(world.cp_worker).post(reverse("taf:action_add", kwargs={"pk": taf.case.pk}), {})
    assert response.status_code == 403


def test_bad_input_shows_the_error_summary_with_field_messages(world, taf, client_for):
    url = reverse("taf:member_add", kwargs={"pk": taf.case.pk})
    response = client_for(world.sw).post(
        url,
        {
            "name": "",
            "role": "Nurse",
            "consent": "given",
            "joined_on_day": "1",
            "joined_on_month": "1",
            "joined_on_year": "2025",
        },
    )
    assert response.status_code == 200
    doc = page(response)
    summary = [text(a) for a in doc.xpath('//div[contains(@class,"govuk-error-summary")]//a')]
    assert "Enter the member's name" in summary
    assert "Enter the date of the consent decision" in summary
    assert doc.xpath('//p[@id="id_name-error"]')
    assert doc.xpath("//title")[0].text_content().startswith("Error:")
    assert TafMember.objects.filter(case=taf.case).count() == 2


def test_add_a_member_through_the_page(world, taf, client_for):
    url = reverse("taf:member_add", kwargs={"pk": taf.case.pk})
    response = client_for(world.sw).post(
        url,
        {
            "name": "Jo Bell",
            "role": "Substance misuse worker",
            "agency_name": "Change Grow Live",
            "consent": "not_asked",
            "joined_on_day": "9",
            "joined_on_month": "1",
            "joined_on_year": "2025",
        },
    )
    assert response.status_code == 302
    assert TafMember.objects.get(name="Jo Bell").joined_on == datetime.date(2025, 1, 9)


def test_a_stale_status_form_is_refused_with_a_message(world, taf, client_for):
    url = reverse("taf:action_status", kwargs={"pk": taf.nurse_action.pk})
    TafAction.objects.filter(pk=taf.nurse_action.pk).update(version=2)
    response = client_for(world.sw).post(url, {"status": "done", "version": "1"})
    assert response.status_code == 200
    assert "Someone else changed this record" in text(page(response))
    assert TafAction.objects.get(pk=taf.nurse_action.pk).status == "open"


# --- Partners ------------------------------------------------------------------------------------------------
def test_partner_sees_the_plan_without_contact_details_or_the_case(world, taf, client_for):
    response = client_for(world.partner).get(reverse("taf:plan", kwargs={"pk": taf.case.pk}))
    assert response.status_code == 200
    body = text(page(response))
    assert "Health check" in body and "Supervision appointment" in body and "Priya Shah" in body
    assert taf.nurse.email not in body and taf.nurse.phone not in body
    assert "O'Brien" not in body  # nothing of the child's record
    links = [a.get("href") for a in page(response).xpath("//a")]
    assert reverse("taf:my_action_status", kwargs={"pk": taf.partner_action.pk}) in links
    assert reverse("taf:my_action_status", kwargs={"pk": taf.nurse_action.pk}) not in links
    assert AccessLog.objects.filter(user=world.partner, action="view", basis="taf_member").exists()


def test_partner_cannot_open_the_case_or_its_team_page(world, taf, client_for):
    c = client_for(world.partner)
    assert c.get(reverse("taf:case", kwargs={"pk": taf.case.pk})).status_code == 403
    assert c.get(reverse("casework:case", kwargs={"pk": taf.case.pk})).status_code == 403


def test_partner_updates_their_own_action_only(world, taf, client_for):
    c = client_for(world.partner)
    own = reverse("taf:my_action_status", kwargs={"pk": taf.partner_action.pk})
    assert c.post(own, {"status": "done", "version": "1"}).status_code == 302
    assert TafAction.objects.get(pk=taf.partner_action.pk).status == "done"
    other = reverse("taf:my_action_status", kwargs={"pk": taf.nurse_action.pk})
    assert c.post(other, {"status": "done", "version": "1"}).status_code == 403
    assert TafAction.objects.get(pk=taf.nurse_action.pk).status == "open"


def test_a_partner_not_on_the_team_gets_404(world, taf, client_for):
    c = client_for(taf.outsider)
    assert c.get(reverse("taf:plan", kwargs={"pk": taf.case.pk})).status_code == 404
    assert c.get(reverse("taf:my_action_status", kwargs={"pk": taf.partner_action.pk})).status_code == 404
    assert AccessLog.objects.filter(user=taf.outsider, action="denied").exists()


def test_a_partner_who_left_no_longer_sees_the_plan(world, taf, client_for):
    TafMember.objects.filter(pk=taf.probation.pk).update(left_on=datetime.date(2025, 1, 9))
    assert client_for(world.partner).get(reverse("taf:plan", kwargs={"pk": taf.case.pk})).status_code == 404


def test_partner_tray_lists_their_open_actions(world, taf, client_for):
    TafAction.objects.create(case=taf.case, owner=taf.probation, text="Late report", due_on=datetime.date(2025, 1, 2))
    doc = page(client_for(world.partner).get(reverse("frontend:home")))
    rows = doc.xpath('//table[@id="tray-taf-actions"]/tbody/tr')
    assert [text(r).split(" ")[0] for r in rows] == ["Late", "Supervision"]
    assert "Overdue" in text(rows[0]) and "Overdue" not in text(rows[1])
    assert "Health check" not in text(doc)


# --- API ---------------------------------------------------------------------------------------------------
def test_api_partner_lists_and_patches_only_their_own_actions(world, taf, client_for):
    c = client_for(world.partner)
    listed = c.get("/api/v1/taf-my-actions/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [str(taf.partner_action.pk)]
    assert "email" not in rows[0]["owner"]
    url = f"/api/v1/taf-my-actions/{taf.partner_action.pk}/"
    ok = c.patch(url, {"status": "done", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "done"
    stale = c.patch(url, {"status": "open", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    other = c.patch(
        f"/api/v1/taf-my-actions/{taf.nurse_action.pk}/",
        {"status": "done", "version": 1},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert c.get(f"/api/v1/taf-actions/?case={taf.case.pk}").status_code == 403
    assert c.get(f"/api/v1/taf-members/?case={taf.case.pk}").status_code == 403


def test_api_a_partner_not_on_the_team(world, taf, client_for):
    c = client_for(taf.outsider)
    assert c.get("/api/v1/taf-my-actions/").json()["results"] == []
    assert c.get(f"/api/v1/taf-my-actions/{taf.partner_action.pk}/").status_code == 404


def test_api_practitioner_reads_and_writes(world, taf, client_for):
    c = client_for(world.sw)
    members = c.get(f"/api/v1/taf-members/?case={taf.case.pk}").json()["results"]
    assert {m["name"] for m in members} == {"Priya Shah", "Dan Hughes"}
    bad = c.post(
        "/api/v1/taf-actions/",
        {"case": str(taf.case.pk), "text": "", "owner": str(taf.nurse.pk), "due_on": "2025-02-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["text"] == ["Enter what needs to happen"]
    hub = LocalServiceFactory()
    made = c.post(
        "/api/v1/taf-actions/",
        {
            "case": str(taf.case.pk),
            "text": "Stay and play",
            "owner": str(taf.nurse.pk),
            "due_on": "2025-02-01",
            "signpost_to": str(hub.pk),
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["signpost_name"] == hub.name
    patch = c.patch(
        f"/api/v1/taf-members/{taf.nurse.pk}/", {"phone": "0", "version": 5}, content_type="application/json"
    )
    assert patch.status_code == 409


def test_api_practitioner_out_of_scope(world, taf, client_for):
    c = client_for(world.cp_worker)
    assert c.get(f"/api/v1/taf-actions/?case={taf.case.pk}").status_code == 403
    assert c.get(f"/api/v1/taf-actions/{taf.nurse_action.pk}/").status_code == 403
    response = c.post(
        f"/api/v1/taf-actions/{taf.nurse_action.pk}/status/",
        {"status": "done", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert TafAction.objects.get(pk=taf.nurse_action.pk).status == "open"


# --- Signposting from a plan action and the directory search ---------------------------------------------------
@pytest.fixture
def plan_action(taf):  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(
        case=taf.case, person=taf.case.person, kind="family_support", started_on=taf.case.opened_on
    )
    return PlanAction.objects.create(plan=plan, text="Stay and play", owner_name="Mum", owner_agency="Family")


def test_signpost_a_plan_action_and_see_it_on_the_plan(world, taf, plan_action, client_for):
    hub = LocalServiceFactory(name="Riverside family hub", phone="01632 960123")
    c = client_for(world.sw)
    url = reverse("taf:plan_action_signpost", kwargs={"pk": plan_action.pk})
    assert c.post(url, {"local_service": str(hub.pk), "version": "0"}).status_code == 302
    assert PlanActionSignpost.objects.get(plan_action=plan_action).local_service == hub
    doc = page(c.get(reverse("casework:plan", kwargs={"pk": plan_action.plan_id})))
    assert "Signposted to Riverside family hub, 01632 960123" in text(doc.xpath("//*[@data-signpost]")[0])
    assert url in [a.get("href") for a in doc.xpath("//a")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "stay play"}, ["Riverside hub"]),  # words in the offer
        ({"q": "aged 0"}, ["Riverside hub"]),  # eligibility
        ({"q": "Debt"}, ["Debt advice"]),  # name
        ({"locality": "north"}, ["Debt advice", "North youth club"]),  # the area, and services open to all
    ],
)
def test_directory_search_by_name_offer_eligibility_and_area(world, client_for, query, expected):
    from familyhelp.accounts.tests.factories import LocalityFactory

    south = LocalityFactory(local_authority=world.la, name="South")
    LocalServiceFactory(
        name="Riverside hub", offer="Stay and play sessions", eligibility="Children aged 0 to 5", locality=south
    )
    LocalServiceFactory(name="Debt advice", offer="Money advice", eligibility="Anyone", locality=None)
    LocalServiceFactory(name="North youth club", offer="Clubs", eligibility="Aged 11 to 18", locality=world.locality)
    params = dict(query)
    if params.get("locality") == "north":
        params["locality"] = str(world.locality.pk)
    doc = page(client_for(world.sw).get(reverse("directory:list"), params))
    names = [text(h) for h in doc.xpath('//h3[@class="govuk-summary-card__title"]')]
    assert names == expected
