"""When each front-door step happened (issue 13): contact received, checks requested and answered, decision
proposed, authorised and returned, and the case and CIN referral dates an authorisation opens. Every step
defaults to now, is refused in the future, before the child's birth or before the step it follows (the
message names that step and its date), and asks for a reason when recorded late; nothing is written when
one is refused. Through the services, the REST API and the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import DomainError
from familyhelp.frontdoor import services
from familyhelp.frontdoor.models import Contact, PartnerCheck, ThresholdDecision
from familyhelp.frontdoor.tests.conftest import make_contact, received

NOW = "2026-03-09 10:30"  # a Monday (GMT: local time is UTC)
TODAY = datetime.date(2026, 3, 9)
CONTACTS = "/api/v1/contacts/"
REASON = "The paper referral was found in the post tray during the office move"
LATE = "Explain why this is being recorded more than 7 days after the"


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return received(day, time)


def iso(day: str, time: str = "10:00") -> str:
    """As the request sends it."""
    return at(day, time).isoformat()


def z(day: str, time: str = "10:00") -> str:
    """As the API's date-time fields and the `effective` block return it."""
    return iso(day, time).replace("+00:00", "Z")


NOW_Z = "2026-03-09T10:30:00Z"


def _contact(fd, day="2025-11-03", time="09:00", identify=True):  # type: ignore[no-untyped-def]
    (contact,) = make_contact(fd, received_at=at(day, time), late_reason=REASON)
    if identify:
        contact = services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    return contact


def _propose(fd, contact, **kw):  # type: ignore[no-untyped-def]
    values = {
        "level": 4,
        "outcome": "single_assessment",
        "rationale": "Injury explained poorly",
        "primary_need": "N1",
        "proposed_at": at("2025-11-04", "14:00"),
        "late_reason": REASON,
    }
    values.update(kw)
    return services.decision_propose(actor=fd.frontdoor, contact=contact, **values)


def _events(kind: str) -> list[ChronologyEvent]:
    return list(ChronologyEvent.objects.filter(kind=kind))


def _summary(html: str) -> str:
    """The GOV.UK error summary of a page."""
    assert "govuk-error-summary" in html, "no error summary on the page"
    start = html.index("govuk-error-summary")
    return html[start : html.index("</div>", html.index("govuk-error-summary__body", start))]


def _when(prefix: str, day: datetime.date | str, time: str = "10:00") -> dict[str, str]:
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)} | (
        {prefix.replace("_on", "_time"): time} if prefix.endswith("_on") else {}
    )


# --- contact received --------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_service_contact_received_months_ago_needs_a_reason_shown_on_the_childs_chronology(fd):
    with pytest.raises(DomainError) as exc:
        make_contact(fd, received_at=at("2025-11-03"))
    assert exc.value.errors["late_reason"][0].startswith(LATE)
    assert not Contact.objects.exists()
    contact = _contact(fd)
    assert contact.received_at == at("2025-11-03", "09:00") and contact.received_late_reason == REASON
    (event,) = _events("frontdoor.contact")
    assert event.occurred_on == datetime.date(2025, 11, 3) and REASON in event.late_reason


@freeze_time(NOW)
def test_service_contact_received_not_before_the_childs_birth_nor_in_the_future(fd):
    born = [services.ChildAsGiven(given_names="Ava", date_of_birth=datetime.date(2025, 12, 1))]
    with pytest.raises(DomainError) as exc:
        make_contact(fd, children=born, received_at=at("2025-11-03"), late_reason=REASON)
    assert exc.value.errors["received_at"] == [
        "The date and time the contact was received must be on or after the date of birth"
    ]
    with pytest.raises(DomainError) as exc:
        make_contact(fd, received_at=at("2026-03-09", "11:00"))
    assert exc.value.errors["received_at"] == [
        "The date and time the contact was received must be today or in the past"
    ]
    (contact,) = make_contact(fd, received_at=at("2026-03-09", "10:33"))  # a clock a few minutes ahead
    (default,) = make_contact(fd, received_at=None)
    assert default.received_at == timezone.now()
    assert Contact.objects.count() == 2


@freeze_time(NOW)
def test_api_contact_received_backdated_refused_and_defaulted(fd, api_as):
    client = api_as(fd.frontdoor)
    body = {
        "children": [{"given_names": "Zoe", "family_name": "OBrien", "date_of_birth": "2016-03-04"}],
        "referral_source": "6",
        "concerns": "Police attended a domestic incident.",
        "consent": "given",
    }
    late = client.post(CONTACTS, {**body, "received_at": iso("2025-11-03")}, format="json")
    assert late.status_code == 400 and late.json()["late_reason"][0].startswith(LATE)
    future = client.post(CONTACTS, {**body, "received_at": iso("2026-03-10")}, format="json")
    assert future.status_code == 400 and "today or in the past" in future.json()["received_at"][0]
    unborn = client.post(CONTACTS, {**body, "received_at": iso("2015-11-03"), "late_reason": REASON}, format="json")
    assert unborn.status_code == 400 and "date of birth" in unborn.json()["received_at"][0]
    assert not Contact.objects.exists()
    ok = client.post(CONTACTS, {**body, "received_at": iso("2025-11-03"), "late_reason": REASON}, format="json")
    assert ok.status_code == 201
    (item,) = ok.json()
    assert item["effective"] == {"field": "received_at", "value": z("2025-11-03"), "defaulted": False}
    assert Contact.objects.get(pk=item["id"]).received_late_reason == REASON
    default = client.post(CONTACTS, body, format="json")
    assert default.status_code == 201 and default.json()[0]["effective"]["defaulted"] is True
    assert Contact.objects.get(pk=default.json()[0]["id"]).received_at == timezone.now()


@freeze_time(NOW)
def test_page_contact_received_late_needs_a_reason_in_the_error_summary(fd, client_for):
    client = client_for(fd.frontdoor)
    page = client.get(reverse("frontdoor:contact_add")).content.decode()
    assert 'name="received_on_day" type="text" inputmode="numeric" value="9"' in page
    assert 'value="10:30"' in page and 'name="late_reason"' in page
    body = {
        "kind": "contact",
        **_when("received_on", "2025-11-03", "09:40"),
        "referral_source": "1A",
        "consent": "given",
        "urgency": "routine",
        "child_given_names": "Kit",
        "concerns": "Left alone at night.",
    }
    response = client.post(reverse("frontdoor:contact_add"), body)
    assert LATE in _summary(response.content.decode())
    assert not Contact.objects.exists()
    response = client.post(reverse("frontdoor:contact_add"), {**body, **_when("received_on", "2026-03-10")})
    assert "must be today or in the past" in _summary(response.content.decode())
    response = client.post(reverse("frontdoor:contact_add"), {**body, "late_reason": REASON})
    assert response.status_code == 302
    assert Contact.objects.get().received_late_reason == REASON


# --- checks requested and answered -------------------------------------------------------------------------
@freeze_time(NOW)
def test_service_checks_requested_and_answered_in_order(fd):
    contact = _contact(fd)
    with pytest.raises(DomainError) as exc:
        services.checks_request(
            actor=fd.frontdoor,
            contact=contact,
            check_types=[fd.police],
            required=[],
            requested_at=at("2025-11-03", "08:00"),
            late_reason=REASON,
        )
    assert exc.value.errors["requested_at"] == [
        "The date and time the checks were requested must be on or after the date and time the contact was "
        "received (3 November 2025)"
    ]
    with pytest.raises(DomainError) as exc:
        services.checks_request(
            actor=fd.frontdoor,
            contact=contact,
            check_types=[fd.police],
            required=[],
            requested_at=at("2025-11-03", "10:00"),
        )
    assert exc.value.errors["late_reason"][0].startswith(LATE)
    with pytest.raises(DomainError) as exc:
        services.checks_request(
            actor=fd.frontdoor, contact=contact, check_types=[fd.police], required=[], requested_at=at("2026-03-10")
        )
    assert "today or in the past" in exc.value.errors["requested_at"][0]
    assert not PartnerCheck.objects.exists() and Contact.objects.get().version == contact.version
    (check,) = services.checks_request(
        actor=fd.frontdoor,
        contact=contact,
        check_types=[fd.police],
        required=[],
        requested_at=at("2025-11-03", "10:00"),
        late_reason=REASON,
    )
    assert check.requested_at == at("2025-11-03", "10:00") and check.requested_late_reason == REASON
    assert timezone.localtime(check.due_at) == at("2025-11-03", "14:00")  # 4 office hours from the request
    with pytest.raises(DomainError) as exc:
        services.check_record_response(
            actor=fd.frontdoor,
            check=check,
            information="Known",
            rag="amber",
            provided_by_name="PC Jones",
            expected_version=check.version,
            returned_at=at("2025-11-03", "09:30"),
            late_reason=REASON,
        )
    assert exc.value.errors["returned_at"] == [
        "The date and time the agency answered must be on or after the date and time the checks were requested "
        "(3 November 2025)"
    ]
    with pytest.raises(DomainError) as exc:
        services.check_record_response(
            actor=fd.frontdoor,
            check=check,
            information="Known",
            rag="amber",
            provided_by_name="PC Jones",
            expected_version=check.version,
            returned_at=at("2025-11-04"),
        )
    assert exc.value.errors["late_reason"][0].startswith(LATE)
    assert PartnerCheck.objects.get().returned_at is None
    check = services.check_record_response(
        actor=fd.frontdoor,
        check=check,
        information="Known",
        rag="amber",
        provided_by_name="PC Jones",
        expected_version=check.version,
        returned_at=at("2025-11-04"),
        late_reason=REASON,
    )
    stored = PartnerCheck.objects.get()
    assert stored.returned_at == at("2025-11-04") and stored.returned_late_reason == REASON


@freeze_time(NOW)
def test_a_screening_is_requested_when_the_contact_arrived(fd):
    (contact,) = make_contact(fd, received_at=at("2025-11-03", "09:00"), late_reason=REASON, factors=["24A"])
    (screening,) = contact.checks.all()
    assert screening.requested_at == contact.received_at


@freeze_time(NOW)
def test_api_checks_requested_and_answered_with_their_dates(fd, api_as):
    contact = _contact(fd)
    client = api_as(fd.frontdoor)
    url = f"{CONTACTS}{contact.pk}/checks/"
    body = {"check_types": ["Police"], "wait_for": []}
    before = client.post(url, {**body, "requested_at": iso("2025-11-02"), "late_reason": REASON}, format="json")
    assert before.status_code == 400
    assert "the date and time the contact was received (3 November 2025)" in before.json()["requested_at"][0]
    late = client.post(url, {**body, "requested_at": iso("2025-11-03")}, format="json")
    assert late.status_code == 400 and late.json()["late_reason"][0].startswith(LATE)
    future = client.post(url, {**body, "requested_at": iso("2026-03-10")}, format="json")
    assert future.status_code == 400 and "today or in the past" in future.json()["requested_at"][0]
    assert not PartnerCheck.objects.exists()
    ok = client.post(url, {**body, "requested_at": iso("2025-11-03"), "late_reason": REASON}, format="json")
    assert ok.status_code == 201
    (check,) = ok.json()
    assert check["effective"] == {"field": "requested_at", "value": z("2025-11-03"), "defaulted": False}
    assert check["requested_late_reason"] == REASON
    answer = f"/api/v1/partner-checks/{check['id']}/response/"
    reply = {"information": "Known", "rag": "red", "provided_by_name": "PC Jones", "version": check["version"]}
    early = client.post(
        answer, {**reply, "returned_at": iso("2025-11-03", "09:30"), "late_reason": REASON}, format="json"
    )
    assert early.status_code == 400
    assert "the date and time the checks were requested (3 November 2025)" in early.json()["returned_at"][0]
    assert client.post(answer, {**reply, "returned_at": iso("2025-11-04")}, format="json").status_code == 400
    assert PartnerCheck.objects.get().returned_at is None
    ok = client.post(answer, {**reply, "returned_at": iso("2025-11-04"), "late_reason": REASON}, format="json")
    assert ok.status_code == 200 and ok.json()["returned_at"] == z("2025-11-04")
    assert ok.json()["effective"]["defaulted"] is False and ok.json()["returned_late_reason"] == REASON
    # Defaulted: now.
    (fresh,) = make_contact(fd)
    made = client.post(f"{CONTACTS}{fresh.pk}/checks/", body, format="json").json()[0]
    assert made["effective"]["defaulted"] is True and made["requested_at"] == NOW_Z
    again = client.post(
        f"/api/v1/partner-checks/{made['id']}/response/", {**reply, "version": made["version"]}, format="json"
    ).json()
    assert again["effective"]["defaulted"] is True and again["returned_at"] == NOW_Z


@freeze_time(NOW)
def test_pages_checks_requested_and_answered_with_their_dates(fd, client_for):
    contact = _contact(fd)
    client = client_for(fd.frontdoor)
    url = reverse("frontdoor:checks_request", args=[contact.pk])
    page = client.get(url).content.decode()
    assert 'name="requested_on_day"' in page and 'name="requested_time"' in page and 'name="late_reason"' in page
    body = {"check_types": [str(fd.police.pk)], "version": contact.version}
    response = client.post(url, {**body, **_when("requested_on", "2025-11-02"), "late_reason": REASON})
    assert "the date and time the contact was received (3 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("requested_on", "2025-11-03")})
    assert LATE in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("requested_on", "2026-03-10")})
    assert "today or in the past" in _summary(response.content.decode())
    assert not PartnerCheck.objects.exists()
    response = client.post(url, {**body, **_when("requested_on", "2025-11-03"), "late_reason": REASON})
    assert response.status_code == 302
    check = PartnerCheck.objects.get()
    assert check.requested_at == at("2025-11-03") and check.requested_late_reason == REASON
    url = reverse("frontdoor:check_response", args=[check.pk])
    body = {"information": "Known", "rag": "green", "provided_by_name": "Nurse Ali", "version": check.version}
    response = client.post(url, {**body, **_when("returned_on", "2025-11-03", "09:00"), "late_reason": REASON})
    assert "the date and time the checks were requested (3 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("returned_on", "2025-11-04")})
    assert LATE in _summary(response.content.decode())
    assert PartnerCheck.objects.get().returned_at is None
    response = client.post(url, {**body, **_when("returned_on", "2025-11-04"), "late_reason": REASON})
    assert response.status_code == 302
    assert PartnerCheck.objects.get().returned_at == at("2025-11-04")


# --- decision proposed -------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_service_proposal_dated_on_or_after_the_contact_with_the_threshold_document_of_that_day(fd):
    with freeze_time("2025-12-01 09:00"):
        draft = services.threshold_draft_create(actor=fd.admin)
        services.threshold_publish(
            actor=fd.admin, document=draft, in_force_from=datetime.date(2026, 1, 1), expected_version=draft.version
        )
    contact = _contact(fd)
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, proposed_at=at("2025-11-03", "08:59"))
    assert exc.value.errors["proposed_at"] == [
        "The date and time the decision was proposed must be on or after the date and time the contact was "
        "received (3 November 2025)"
    ]
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, late_reason="")
    assert exc.value.errors["late_reason"][0].startswith(LATE)
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, proposed_at=at("2026-03-09", "12:00"))
    assert "today or in the past" in exc.value.errors["proposed_at"][0]
    assert not ThresholdDecision.objects.exists()
    decision = _propose(fd, contact)
    assert decision.proposed_at == at("2025-11-04", "14:00") and decision.proposed_late_reason == REASON
    assert decision.threshold_document.number == 1  # version 2 came into force on 1 January 2026
    (other,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=other, person=fd.team_child)
    today = services.decision_propose(actor=fd.frontdoor, contact=other, level=2, outcome="advice", rationale="x")
    assert today.proposed_at == timezone.now() and today.threshold_document.number == 2


@freeze_time(NOW)
def test_api_proposal_with_its_date(fd, api_as):
    contact = _contact(fd)
    client = api_as(fd.frontdoor)
    url = f"{CONTACTS}{contact.pk}/decision/"
    body = {"level": 4, "outcome": "single_assessment", "rationale": "Injury", "primary_need": "N1"}
    early = client.post(url, {**body, "proposed_at": iso("2025-11-02"), "late_reason": REASON}, format="json")
    assert early.status_code == 400
    assert early.json()["proposed_at"] == [
        "The date and time the decision was proposed must be on or after the date and time the contact was "
        "received (3 November 2025)"
    ]
    late = client.post(url, {**body, "proposed_at": iso("2025-11-04")}, format="json")
    assert late.status_code == 400 and late.json()["late_reason"][0].startswith(LATE)
    future = client.post(url, {**body, "proposed_at": iso("2026-03-10")}, format="json")
    assert future.status_code == 400 and "today or in the past" in future.json()["proposed_at"][0]
    assert not ThresholdDecision.objects.exists()
    ok = client.post(url, {**body, "proposed_at": iso("2025-11-04"), "late_reason": REASON}, format="json")
    assert ok.status_code == 201
    assert ok.json()["effective"] == {"field": "proposed_at", "value": z("2025-11-04"), "defaulted": False}
    assert ok.json()["proposed_late_reason"] == REASON
    (fresh,) = make_contact(fd)
    default = client.post(
        f"{CONTACTS}{fresh.pk}/decision/", {"level": 2, "outcome": "advice", "rationale": "x"}, format="json"
    ).json()
    assert default["effective"]["defaulted"] is True and default["proposed_at"] == NOW_Z


@freeze_time(NOW)
def test_page_proposal_with_its_date(fd, client_for):
    contact = _contact(fd)
    client = client_for(fd.frontdoor)
    url = reverse("frontdoor:decide", args=[contact.pk])
    page = client.get(url).content.decode()
    assert 'name="proposed_on_day"' in page and 'value="10:30"' in page and 'name="late_reason"' in page
    body = {
        "level": "4",
        "outcome": "single_assessment",
        "rationale": "Injury",
        "primary_need": "N1",
        "version": Contact.objects.get().version,
    }
    response = client.post(url, {**body, **_when("proposed_on", "2025-11-02"), "late_reason": REASON})
    assert "the date and time the contact was received (3 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("proposed_on", "2025-11-04")})
    assert LATE in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("proposed_on", "2026-03-10")})
    assert "today or in the past" in _summary(response.content.decode())
    response = client.post(
        url,
        {**body, "proposed_on_day": "4", "proposed_on_month": "11", "proposed_on_year": "2025", "proposed_time": ""},
    )
    assert "Enter the time the decision was proposed, for example 14:30" in _summary(response.content.decode())
    assert not ThresholdDecision.objects.exists()
    response = client.post(url, {**body, **_when("proposed_on", "2025-11-04", "14:00"), "late_reason": REASON})
    assert response.status_code == 302
    decision = ThresholdDecision.objects.get()
    assert decision.proposed_at == at("2025-11-04", "14:00") and decision.proposed_late_reason == REASON
    # Both parts left blank: now.
    (fresh,) = make_contact(fd)
    client.post(
        reverse("frontdoor:decide", args=[fresh.pk]),
        {"level": "2", "outcome": "advice", "rationale": "x", "version": fresh.version},
    )
    assert ThresholdDecision.objects.get(contact=fresh).proposed_at == timezone.now()


# --- decision authorised, case opened, CIN referral --------------------------------------------------------
@freeze_time(NOW)
def test_service_level_4_authorised_months_ago_opens_the_case_that_day_with_the_contacts_referral_date(fd):
    contact = _contact(fd)
    decision = _propose(fd, contact)
    decision = services.decision_authorise(
        actor=fd.fd_manager, decision=decision, authorised_at=at("2025-11-05", "09:30"), late_reason=REASON
    )
    contact.refresh_from_db()
    assert decision.authorised_at == contact.decided_at == at("2025-11-05", "09:30")
    assert decision.authorised_late_reason == REASON
    episode = CINEpisode.objects.get(person=fd.own)
    assert episode.referral_date == datetime.date(2025, 11, 3)  # the day the contact was received
    assert episode.case.opened_on == datetime.date(2025, 11, 5)  # the day authorised
    assert (decision.fh_case, decision.fh_cin_episode) == (episode.case, episode)
    for kind, day in (
        ("frontdoor.decision", "2025-11-05"),
        ("casework.case_opened", "2025-11-05"),
        ("casework.referral", "2025-11-03"),
    ):
        (event,) = _events(kind)
        assert (event.occurred_on, event.late_reason) == (datetime.date.fromisoformat(day), REASON), kind
        assert event.recorded_by == fd.fd_manager
    (event,) = _events("frontdoor.decision")
    assert event.occurred_time == datetime.time(9, 30)


@freeze_time(NOW)
def test_service_authorisation_invariants_name_the_other_step_and_write_nothing(fd):
    contact = _contact(fd)
    decision = _propose(fd, contact)

    def refused(**kw):  # type: ignore[no-untyped-def]
        kw.setdefault("late_reason", REASON)
        with pytest.raises(DomainError) as exc:
            services.decision_authorise(actor=fd.fd_manager, decision=decision, **kw)
        return exc.value.errors

    assert refused(authorised_at=at("2025-11-04", "13:00"))["authorised_at"] == [
        "The date and time the decision was authorised must be on or after the date and time the decision was "
        "proposed (4 November 2025)"
    ]
    assert refused(authorised_at=at("2025-11-05"), late_reason="")["late_reason"][0].startswith(LATE)
    assert "today or in the past" in refused(authorised_at=at("2026-03-10"))["authorised_at"][0]
    assert refused(authorised_at=at("2025-11-05"), case_opened_on=datetime.date(2025, 11, 4))["case_opened_on"] == [
        "The date the case opened must be on or after the date the decision was authorised (5 November 2025)"
    ]
    assert refused(authorised_at=at("2025-11-05"), referral_date=datetime.date(2025, 11, 2))["referral_date"] == [
        "The referral date must be on or after the date the contact was received (3 November 2025)"
    ]
    assert refused(authorised_at=at("2025-11-05"), referral_date=datetime.date(2025, 11, 6))["referral_date"] == [
        "The referral date must be on or before the date the decision was authorised (5 November 2025)"
    ]
    assert not Case.objects.exists() and not CINEpisode.objects.exists()
    assert ThresholdDecision.objects.get().status == ThresholdDecision.Status.PROPOSED
    assert Contact.objects.get().decided_at is None
    assert not _events("frontdoor.decision")
    # Dates that fit: the case opens after the authorisation; the referral is dated between.
    services.decision_authorise(
        actor=fd.fd_manager,
        decision=decision,
        authorised_at=at("2025-11-05"),
        case_opened_on=datetime.date(2025, 11, 6),
        referral_date=datetime.date(2025, 11, 4),
        late_reason=REASON,
    )
    episode = CINEpisode.objects.get()
    assert (episode.case.opened_on, episode.referral_date) == (datetime.date(2025, 11, 6), datetime.date(2025, 11, 4))


@freeze_time(NOW)
def test_service_dates_a_decision_does_not_use_are_refused(fd):
    contact = _contact(fd)
    decision = _propose(fd, contact, level=2, outcome="advice", primary_need="")
    with pytest.raises(DomainError) as exc:
        services.decision_authorise(
            actor=fd.fd_manager,
            decision=decision,
            authorised_at=at("2025-11-05"),
            case_opened_on=datetime.date(2025, 11, 5),
            referral_date=datetime.date(2025, 11, 3),
            late_reason=REASON,
        )
    assert exc.value.errors == {
        "case_opened_on": ["This decision does not open a case"],
        "referral_date": ["This decision is not a referral to children's social care"],
    }
    decision = services.decision_authorise(
        actor=fd.fd_manager, decision=decision, authorised_at=at("2025-11-05"), late_reason=REASON
    )
    assert decision.fh_case is None and decision.fh_cin_episode is None


@freeze_time(NOW)
def test_service_level_3_opens_on_the_authorisation_day_and_a_later_referral_steps_it_up_that_day(fd):
    first = _contact(fd)
    decision = _propose(fd, first, level=3, outcome="family_support", primary_need="")
    services.decision_authorise(
        actor=fd.fd_manager, decision=decision, authorised_at=at("2025-11-05"), late_reason=REASON
    )
    case = Case.objects.get()
    assert case.level == 3 and case.opened_on == datetime.date(2025, 11, 5)
    (second,) = make_contact(fd, received_at=at("2025-11-03", "12:00"), late_reason=REASON)  # before the case
    services.contact_identify_child(actor=fd.frontdoor, contact=second, person=fd.own)
    referral = _propose(fd, second, proposed_at=at("2025-11-06"))
    with pytest.raises(DomainError) as exc:
        services.decision_authorise(
            actor=fd.fd_manager,
            decision=referral,
            authorised_at=at("2025-11-06"),
            case_opened_on=datetime.date(2025, 11, 5),
            late_reason=REASON,
        )
    assert "the date the decision was authorised (6 November 2025)" in exc.value.errors["case_opened_on"][0]
    referral = services.decision_authorise(
        actor=fd.fd_manager, decision=referral, authorised_at=at("2025-11-10"), late_reason=REASON
    )
    case.refresh_from_db()
    assert referral.fh_case == case and case.level == 4 and case.opened_on == datetime.date(2025, 11, 5)
    assert referral.fh_cin_episode.referral_date == datetime.date(2025, 11, 3)
    (stepped,) = _events("casework.stepped_up")
    assert (stepped.occurred_on, stepped.late_reason) == (datetime.date(2025, 11, 10), REASON)


@freeze_time(NOW)
def test_api_authorise_returns_the_case_and_episode_it_opened(fd, api_as):
    contact = _contact(fd)
    decision = _propose(fd, contact)
    manager = api_as(fd.fd_manager)
    url = f"/api/v1/decisions/{decision.pk}/authorise/"
    early = manager.post(url, {"authorised_at": iso("2025-11-04", "13:00"), "late_reason": REASON}, format="json")
    assert early.status_code == 400
    assert "the date and time the decision was proposed (4 November 2025)" in early.json()["authorised_at"][0]
    late = manager.post(url, {"authorised_at": iso("2025-11-05")}, format="json")
    assert late.status_code == 400 and late.json()["late_reason"][0].startswith(LATE)
    future = manager.post(url, {"authorised_at": iso("2026-03-10")}, format="json")
    assert future.status_code == 400 and "today or in the past" in future.json()["authorised_at"][0]
    case_early = manager.post(
        url, {"authorised_at": iso("2025-11-05"), "case_opened_on": "2025-11-04", "late_reason": REASON}, format="json"
    )
    assert case_early.status_code == 400
    assert "the date the decision was authorised (5 November 2025)" in case_early.json()["case_opened_on"][0]
    ref_early = manager.post(
        url, {"authorised_at": iso("2025-11-05"), "referral_date": "2025-11-01", "late_reason": REASON}, format="json"
    )
    assert ref_early.status_code == 400
    assert "the date the contact was received (3 November 2025)" in ref_early.json()["referral_date"][0]
    assert not Case.objects.exists() and Contact.objects.get().decided_at is None
    ok = manager.post(url, {"authorised_at": iso("2025-11-05", "09:30"), "late_reason": REASON}, format="json")
    assert ok.status_code == 200
    body = ok.json()
    episode = CINEpisode.objects.get()
    assert body["status"] == "authorised" and body["authorised_at"] == z("2025-11-05", "09:30")
    assert body["effective"] == {"field": "authorised_at", "value": z("2025-11-05", "09:30"), "defaulted": False}
    assert body["case"] == {
        "id": str(episode.case.pk),
        "reference": episode.case.reference,
        "level": 4,
        "opened_on": "2025-11-05",
    }
    assert body["cin_episode"] == {"id": str(episode.pk), "referral_date": "2025-11-03"}
    assert body["authorised_late_reason"] == REASON
    assert _events("casework.referral")[0].late_reason == REASON


@freeze_time(NOW)
def test_api_authorise_defaults_to_now_and_says_so(fd, api_as):
    (contact,) = make_contact(fd, received_at=at("2026-03-06", "16:00"))  # Friday: not late
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact, proposed_at=None, late_reason="")
    body = api_as(fd.fd_manager).post(f"/api/v1/decisions/{decision.pk}/authorise/", {}, format="json").json()
    assert body["effective"]["defaulted"] is True and body["authorised_at"] == NOW_Z
    assert body["case"]["opened_on"] == "2026-03-09" and body["cin_episode"]["referral_date"] == "2026-03-06"
    nfa_contact = make_contact(fd)[0]
    nfa = services.decision_propose(actor=fd.frontdoor, contact=nfa_contact, level=1, outcome="nfa", rationale="x")
    body = api_as(fd.manager2).post(f"/api/v1/decisions/{nfa.pk}/authorise/", {}, format="json").json()
    assert body["case"] is None and body["cin_episode"] is None


@freeze_time(NOW)
def test_api_return_with_its_date(fd, api_as):
    contact = _contact(fd)
    decision = _propose(fd, contact)
    manager = api_as(fd.fd_manager)
    url = f"/api/v1/decisions/{decision.pk}/return/"
    early = manager.post(
        url,
        {"comment": "Wait for health", "returned_at": iso("2025-11-04", "12:00"), "late_reason": REASON},
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["returned_at"] == [
        "The date and time the decision was returned must be on or after the date and time the decision was "
        "proposed (4 November 2025)"
    ]
    late = manager.post(url, {"comment": "Wait", "returned_at": iso("2025-11-05")}, format="json")
    assert late.status_code == 400 and late.json()["late_reason"][0].startswith(LATE)
    assert ThresholdDecision.objects.get().status == ThresholdDecision.Status.PROPOSED
    ok = manager.post(url, {"comment": "Wait", "returned_at": iso("2025-11-05"), "late_reason": REASON}, format="json")
    assert ok.status_code == 200 and ok.json()["returned_at"] == z("2025-11-05")
    assert ok.json()["effective"]["defaulted"] is False and ok.json()["returned_late_reason"] == REASON
    # A new proposal comes after the return.
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, proposed_at=at("2025-11-04", "15:00"))
    assert "the date and time the last proposal was returned (5 November 2025)" in exc.value.errors["proposed_at"][0]


@freeze_time(NOW)
def test_page_authorise_backdated_with_the_case_and_referral_dates(fd, client_for):
    contact = _contact(fd)
    decision = _propose(fd, contact)
    client = client_for(fd.fd_manager)
    url = reverse("frontdoor:authorise", args=[decision.pk])
    page = client.get(url).content.decode()
    for name in ("authorised_on_day", "authorised_time", "case_opened_on_day", "referral_date_day", "late_reason"):
        assert f'name="{name}"' in page, name
    assert "The contact was received on 3 November 2025" in page
    body = {"action": "authorise", **_when("authorised_on", "2025-11-05", "09:30")}
    response = client.post(url, body)
    assert LATE in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("authorised_on", "2025-11-04", "13:00"), "late_reason": REASON})
    assert "the date and time the decision was proposed (4 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("authorised_on", "2026-03-10"), "late_reason": REASON})
    assert "today or in the past" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("case_opened_on", "2025-11-04"), "late_reason": REASON})
    assert "the date the decision was authorised (5 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("referral_date", "2025-11-06"), "late_reason": REASON})
    assert "must be on or before the date the decision was authorised" in _summary(response.content.decode())
    assert not Case.objects.exists()
    response = client.post(url, {**body, "late_reason": REASON})
    assert response.status_code == 302
    episode = CINEpisode.objects.get()
    assert (episode.referral_date, episode.case.opened_on) == (datetime.date(2025, 11, 3), datetime.date(2025, 11, 5))
    assert Contact.objects.get().decided_at == at("2025-11-05", "09:30")


@freeze_time(NOW)
def test_page_return_with_its_date(fd, client_for):
    contact = _contact(fd)
    decision = _propose(fd, contact, level=2, outcome="advice", primary_need="")
    client = client_for(fd.fd_manager)
    url = reverse("frontdoor:authorise", args=[decision.pk])
    page = client.get(url).content.decode()
    assert 'name="case_opened_on_day"' not in page and 'name="referral_date_day"' not in page
    body = {
        "action": "return",
        "comment": "Ask health first",
        **_when("authorised_on", "2025-11-04", "12:00"),
        "late_reason": REASON,
    }
    response = client.post(url, body)
    assert "the date and time the decision was proposed (4 November 2025)" in _summary(response.content.decode())
    response = client.post(url, {**body, **_when("authorised_on", "2025-11-05")})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == ThresholdDecision.Status.RETURNED and decision.returned_at == at("2025-11-05")
