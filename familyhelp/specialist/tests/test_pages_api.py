"""Specialist pages and API: the catalogue, referring from the case page, the coordinator's page (waiting days,
capacity, occupancy), the referral page showing no case file to a coordinator, the error summary, concurrent
edits, and the API's lifecycle and outcomes."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.casework.models import CaseNote
from familyhelp.specialist.models import Service, ServiceReferral
from familyhelp.specialist.tests.factories import ReferralFactory, ServiceFactory, StartedReferralFactory, open_case

pytestmark = pytest.mark.django_db
S = ServiceReferral.Status


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def ifs(world):
    return ServiceFactory(
        name="Intensive family support", team=world.specialist.team, capacity=3, max_duration_weeks=12
    )


def test_the_administrator_adds_a_service_and_bad_input_shows_the_error_summary(world, client_for):
    c = client_for(world.admin)
    response = c.post(
        reverse("specialist:service_add"),
        {"name": "", "kind": "", "capacity_unit": "cases", "min_age": "18", "max_age": "10"},
    )
    soup = _soup(response)
    summary = soup.select_one(".govuk-error-summary")
    assert response.status_code == 200 and summary is not None
    links = {a["href"] for a in summary.select("a")}
    assert {"#id_name", "#id_kind", "#id_max_age"} <= links
    response = c.post(
        reverse("specialist:service_add"),
        {
            "name": "Exploitation and missing",
            "kind": "exploitation_missing",
            "capacity_unit": "cases",
            "max_age": "25",
            "is_active": "on",
            "team": str(world.specialist.team.pk),
        },
    )
    service = Service.objects.get(name="Exploitation and missing")
    assert response.status_code == 302 and service.max_age == 25 and service.team == world.specialist.team
    listing = _soup(client_for(world.sw).get(reverse("specialist:services")))
    assert "Up to 25" in listing.select_one("#services").get_text()


def test_a_social_worker_refers_from_the_case_page(world, client_for, ifs):
    kase = open_case(world)
    c = client_for(world.sw)
    page = _soup(c.get(reverse("casework:case", args=[kase.pk])))
    link = page.select_one("#refer-to-service")
    assert link is not None and link["href"] == reverse("specialist:refer", args=[kase.pk])
    response = c.post(link["href"], {"service": str(ifs.pk), "reason": ""})
    assert _soup(response).select_one(".govuk-error-summary a[href='#id_reason']") is not None
    response = c.post(link["href"], {"service": str(ifs.pk), "reason": "Parenting under strain"})
    referral = ServiceReferral.objects.get(case=kase)
    assert response.status_code == 302 and referral.requested_by == world.sw
    page = _soup(c.get(reverse("casework:case", args=[kase.pk])))
    assert "Intensive family support" in page.select_one("#service-referrals").get_text()


def test_the_coordinator_sees_the_referral_not_the_case_file(world, client_for, ifs):
    kase = open_case(world)
    CaseNote.objects.create(
        case=kase, person=kase.person, category="note", text="SECRET NOTE", occurred_on=datetime.date.today()
    )
    r = ReferralFactory(service=ifs, case=kase, requested_by=world.sw, reason="Parenting under strain")
    c = client_for(world.specialist)
    response = c.get(reverse("specialist:referral", args=[r.pk]))
    soup = _soup(response)
    assert response.status_code == 200
    assert "Zoë O'Brien" in soup.select_one("#child-name").get_text()
    assert "Parenting under strain" in soup.select_one("#referral-summary").get_text()
    assert reverse("casework:case", args=[kase.pk]) not in response.content.decode()
    assert b"SECRET NOTE" not in response.content
    assert c.get(reverse("casework:case", args=[kase.pk])).status_code == 403
    assert AccessLog.objects.filter(user=world.specialist, object_id=str(r.pk), action="view", basis="service").exists()


def test_a_coordinator_of_another_team_is_refused(world, client_for):
    other = ServiceFactory(team=world.team_b)
    r = ReferralFactory(service=other, case=open_case(world), requested_by=world.sw)
    c = client_for(world.specialist)
    assert c.get(reverse("specialist:referral", args=[r.pk])).status_code == 403
    assert c.get(reverse("specialist:coordinate", args=[other.pk])).status_code == 403


def test_coordinator_page_shows_waiting_days_and_capacity(world, client_for, ifs):
    ReferralFactory(
        service=ifs,
        case=open_case(world),
        requested_by=world.sw,
        requested_on=datetime.date.today() - datetime.timedelta(days=17),
    )
    StartedReferralFactory(
        service=ifs,
        case=open_case(world, person=world.team_child),
        requested_by=world.sw,
        started_on=datetime.date.today() - datetime.timedelta(weeks=13),
    )
    soup = _soup(client_for(world.specialist).get(reverse("specialist:coordinate", args=[ifs.pk])))
    assert "1 of 3" in soup.select_one("#capacity").get_text()
    cells = [td.get_text(strip=True) for td in soup.select("#waiting-list tbody td")]
    assert "17" in cells
    assert "Over 12 weeks" in soup.select_one("#started").get_text()


def test_decline_without_a_reason_shows_the_error_summary_then_a_stale_form_is_refused(world, client_for, ifs):
    r = ReferralFactory(service=ifs, case=open_case(world), requested_by=world.sw)
    c = client_for(world.specialist)
    url = reverse("specialist:referral_decide", args=[r.pk])
    soup = _soup(c.post(url, {"version": 1, "decision": "decline", "decline_reason": ""}))
    assert soup.select_one(".govuk-error-summary a[href='#id_decline_reason']") is not None
    assert c.post(url, {"version": 1, "decision": "accept"}).status_code == 302
    response = c.post(reverse("specialist:referral_withdraw", args=[r.pk]), {"version": 1, "reason": "x"})
    assert response.status_code == 403  # the coordinator declines; only the case side withdraws
    r.refresh_from_db()
    assert r.status == S.ACCEPTED


def test_api_lifecycle_and_outcomes(world, client_for, ifs):
    kase = open_case(world)
    sw = client_for(world.sw)
    response = sw.post(
        "/api/v1/service-referrals/",
        {"case": str(kase.pk), "service": str(ifs.pk), "reason": "Routines"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["child"]["name"] == "Zoë O'Brien" and body["status"] == "requested"
    pk = body["id"]
    sp = client_for(world.specialist)

    def post(path, data):
        return sp.post(
            f"/api/v1/service-referrals/{pk}/{path}/",
            data,
            content_type="application/json",
        )

    assert post("decide", {"accept": True, "version": 1}).json()["status"] == "accepted"
    assert post("start", {"version": 1}).status_code == 409  # stale version
    assert post("start", {"version": 2}).json()["status"] == "started"
    assert post("contacts", {"date": datetime.date.today().isoformat(), "kind": "out_of_hours"}).status_code == 201
    response = post("end", {"version": 3, "outcome": "nonsense"})
    assert response.status_code == 400 and "outcome" in response.json()
    body = post("end", {"version": 3, "outcome": "goals_met"}).json()
    assert body["status"] == "ended" and len(body["contacts"]) == 1
    sw = client_for(world.sw)  # one test client: signing in again switches user
    assert (
        sw.post(
            f"/api/v1/service-referrals/{pk}/end/",
            {"version": 4, "outcome": "goals_met"},
            content_type="application/json",
        ).status_code
        == 403
    )
    today = datetime.date.today()
    outcomes = sw.get(f"/api/v1/specialist-services/{ifs.pk}/outcomes/?period={today:%Y-%m}").json()
    assert outcomes["ended"] == 1 and outcomes["looked_after_12m"] == 0 and outcomes["complete"] is False
    bad = sw.get(f"/api/v1/specialist-services/{ifs.pk}/outcomes/?period=nope")
    assert bad.status_code == 400 and "period" in bad.json()


def test_api_admissions_and_occupancy(world, client_for):
    breaks = ServiceFactory(kind="short_breaks", capacity=1, capacity_unit="beds", team=world.specialist.team)
    r = StartedReferralFactory(
        service=breaks,
        case=open_case(world),
        requested_by=world.sw,
        started_on=datetime.date(2024, 1, 1),
        requested_on=datetime.date(2023, 12, 1),
    )
    sp = client_for(world.specialist)
    response = sp.post(
        f"/api/v1/service-referrals/{r.pk}/admissions/",
        {"admitted_on": "2024-02-01", "left_on": "2024-02-08", "kind": "emergency", "late_reason": "Paper register"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["nights"] == 7
    rows = sp.get(f"/api/v1/specialist-services/{breaks.pk}/occupancy/?year=2024").json()
    feb = rows[1]
    # 7 bed-nights of 1 bed × 29 days (2024 is a leap year) = 24.1%
    assert (feb["bed_nights"], feb["available"], round(feb["percent"], 1), feb["emergency"]) == (7, 29, 24.1, 1)


def test_a_restricted_childs_referrals_are_listed_only_with_a_grant(world, client_for, ifs):
    """The social worker has the restricted child in team scope but no grant: the API list leaves the referral
    out (its reason is part of the child's record); with a named grant it is listed."""
    from familyhelp.accounts.models import RestrictedAccessGrant

    kase = open_case(world, person=world.restricted)
    ReferralFactory(service=ifs, case=kase, requested_by=world.manager, reason="Staff member's child: private")
    c = client_for(world.sw)
    listed = c.get("/api/v1/service-referrals/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert "Staff member's child: private" not in str(rows)
    RestrictedAccessGrant.objects.create(
        person=world.restricted, user=world.sw, reason="Allocated", granted_by=world.manager
    )
    listed = c.get("/api/v1/service-referrals/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert "Staff member's child: private" in str(rows)


def test_withdrawing_a_referral_is_in_the_chronology(world, ifs):
    from familyhelp.chronology.models import ChronologyEvent
    from familyhelp.specialist import services as svc

    referral = ReferralFactory(service=ifs, case=open_case(world), requested_by=world.sw)
    svc.referral_withdraw(
        actor=world.sw, referral=referral, reason="Family moved away", expected_version=referral.version
    )
    assert ChronologyEvent.objects.filter(person=world.own, kind="specialist.referral_withdrawn").count() == 1
