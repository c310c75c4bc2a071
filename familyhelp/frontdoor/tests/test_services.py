"""Front-door services: contacts, siblings, re-referral, checks and their clocks, decisions and refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from familyhelp.accounts.models import Notification
from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import notify
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.frontdoor import services
from familyhelp.frontdoor.models import Contact, FrontDoorPolicy, PartnerCheck, ThresholdDecision, ThresholdDocument
from familyhelp.frontdoor.tests.conftest import make_contact, received
from familyhelp.people.models import ProfessionalInvolvement

NOW = "2026-03-09 10:30"  # a Monday, after the contact arrived at 10:00


def _propose(world, contact, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.frontdoor,
        "contact": contact,
        "level": 4,
        "outcome": "single_assessment",
        "rationale": "Injury with an explanation that does not fit; level 4 descriptor.",
        "primary_need": "N1",
    }
    values.update(overrides)
    return services.decision_propose(**values)


@pytest.fixture(autouse=True)
def _clear_outbox():  # type: ignore[no-untyped-def]
    notify.MemoryNotifier.outbox.clear()
    yield
    notify.MemoryNotifier.outbox.clear()


# --- contacts ------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_siblings_get_one_contact_each_linked_with_the_same_clock(fd):
    contacts = make_contact(
        fd,
        children=[
            services.ChildAsGiven(given_names="Zoe", family_name="OBrien"),
            services.ChildAsGiven(given_names="Kit", family_name="OBrien", date_of_birth=datetime.date(2019, 2, 1)),
        ],
    )
    assert len(contacts) == 2
    a, b = contacts
    assert a.sibling_group == b.sibling_group
    assert a.reference != b.reference
    # Received Monday 10:00, one working day: due Tuesday 10:00.
    assert timezone.localtime(a.decision_due_at) == received("2026-03-10", "10:00")
    assert a.decision_due_at == b.decision_due_at
    assert a.status == Contact.Status.NEW


@freeze_time(NOW)
def test_a_clock_in_working_hours_skips_the_night_and_the_weekend(fd):
    FrontDoorPolicy.objects.update(decision_clock_amount=4, decision_clock_unit="hours")
    (friday,) = make_contact(fd, received_at=received("2026-03-06", "15:30"))
    # 1.5 office hours on Friday, 2.5 on Monday from 09:00.
    assert timezone.localtime(friday.decision_due_at) == received("2026-03-09", "11:30")


@freeze_time(NOW)
def test_contact_validation_names_each_problem(fd):
    with pytest.raises(DomainError) as exc:
        make_contact(
            fd,
            children=[services.ChildAsGiven()],
            concerns="  ",
            consent="refused",
            lawful_basis="",
            received_at=received("2026-03-12"),
            factors=["99Z"],
        )
    errors = exc.value.errors
    assert errors["child_given_names"] == ["Enter the child's name or date of birth"]
    assert errors["concerns"] == ["Enter the concerns in the referrer's words"]
    assert errors["lawful_basis"] == ["Enter the lawful basis for sharing information without consent"]
    assert errors["received_at"] == ["The date and time the contact was received must be today or in the past"]
    assert "factors" in errors
    assert Contact.objects.count() == 0


@freeze_time(NOW)
def test_criminal_exploitation_brings_in_the_youth_offending_service(fd):
    (contact,) = make_contact(fd, factors=["24A", "10A"])
    check = contact.checks.get()
    assert check.check_type == fd.yos
    assert check.is_screening and check.required
    assert contact.status == Contact.Status.AWAITING_CHECKS
    (other,) = make_contact(fd, factors=["3B"])
    assert not other.checks.exists()


@freeze_time(NOW)
def test_a_partner_referral_is_from_their_agency_with_its_source_code(fd):
    (contact,) = services.referral_submit(
        actor=fd.partner,
        children=[services.ChildAsGiven(given_names="Zoe", family_name="O'Brian")],
        concerns="Bruising seen in PE.",
        consent="given",
        urgency="same_day",
        referrer_role="Designated safeguarding lead",
    )
    assert contact.via == Contact.Via.PARTNER_FORM
    assert contact.submitted_by == fd.partner
    assert contact.referrer_agency == fd.partner.partner_agency
    assert contact.referral_source == "2A"  # the factory's agency is a school
    with pytest.raises(ForbiddenError):
        services.referral_submit(actor=fd.frontdoor, children=[services.ChildAsGiven(family_name="X")],
                                 concerns="x", consent="given", urgency="routine")
    with pytest.raises(ForbiddenError):
        make_contact(fd, actor=fd.partner)


# --- identifying the child and re-referral -------------------------------------------------------
def _episode(world, day: datetime.date, *, closed: datetime.date | None = None) -> CINEpisode:
    case = Case.objects.create(reference=f"CASE-{day}", person=world.own, level=4, opened_on=day,
                               closed_on=closed, status="closed" if closed else "open")
    return CINEpisode.objects.create(case=case, person=world.own, referral_date=day, referral_source="6",
                                     primary_need="N1", closed_on=closed, closure_reason="RC8" if closed else "")


@freeze_time(NOW)
def test_identifying_the_child_flags_a_referral_in_the_previous_12_months(fd):
    _episode(fd, datetime.date(2025, 3, 10), closed=datetime.date(2025, 5, 1))
    (contact,) = make_contact(fd)
    contact = services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    assert contact.is_rereferral
    assert contact.previous_referral_date == datetime.date(2025, 3, 10)
    assert contact.status == Contact.Status.AWAITING_DECISION
    event = ChronologyEvent.objects.get(person=fd.own, kind="frontdoor.contact")
    assert event.occurred_on == datetime.date(2026, 3, 9)


@freeze_time(NOW)
def test_a_referral_more_than_12_months_ago_is_not_a_rereferral(fd):
    # The contact is on 9 March 2026: a referral on 9 March 2025 is within 12 months (the same date a year
    # earlier counts, docs/domain/front-door.md); one on 8 March 2025 is not.
    episode = _episode(fd, datetime.date(2025, 3, 8), closed=datetime.date(2025, 5, 1))
    (contact,) = make_contact(fd)
    contact = services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    assert not contact.is_rereferral
    CINEpisode.objects.filter(pk=episode.pk).update(referral_date=datetime.date(2025, 3, 9))
    (contact,) = make_contact(fd)
    contact = services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    assert contact.is_rereferral


@freeze_time(NOW)
def test_history_names_a_case_closed_in_the_last_12_months(fd):
    from familyhelp.frontdoor.selectors import histories_for

    # NOW is 9 March 2026: a case closed on 9 March 2025 closed within the 12 months (the same date a year
    # earlier counts); one closed on 8 March 2025 did not.
    _episode(fd, datetime.date(2024, 6, 1), closed=datetime.date(2025, 3, 8))
    assert histories_for([fd.own])[fd.own.pk].closed_within_year is None
    later = _episode(fd, datetime.date(2025, 1, 2), closed=datetime.date(2025, 3, 9))
    assert histories_for([fd.own])[fd.own.pk].closed_within_year == later.case


@freeze_time(NOW)
def test_the_partner_who_referred_can_then_see_the_child_as_a_referrer(fd):
    (contact,) = services.referral_submit(actor=fd.partner, children=[services.ChildAsGiven(family_name="Smith")],
                                          concerns="Worried.", consent="given", urgency="routine")
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.other)
    assert ProfessionalInvolvement.objects.filter(person=fd.other, worker=fd.partner, role="referrer").exists()


@freeze_time(NOW)
def test_identify_refuses_an_adult_and_a_stale_form(fd):
    (contact,) = make_contact(fd)
    with pytest.raises(DomainError) as exc:
        services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.parent)
    assert "adult" in exc.value.errors["person"][0]
    with pytest.raises(ConcurrentEditError):
        services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own,
                                        expected_version=contact.version - 1)
    assert Contact.objects.get(pk=contact.pk).child is None


# --- partner checks ------------------------------------------------------------------------------
@freeze_time(NOW)
def test_checks_have_due_times_in_office_hours_and_move_the_contact_on(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    police, health = services.checks_request(actor=fd.frontdoor, contact=contact,
                                             check_types=[fd.police, fd.health], required=[fd.police])
    assert timezone.localtime(police.due_at) == received("2026-03-09", "14:30")  # 4 working hours
    assert timezone.localtime(health.due_at) == received("2026-03-10", "10:30")  # 8 working hours
    assert police.required and not health.required
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_CHECKS
    with pytest.raises(DomainError) as exc:
        services.checks_request(actor=fd.frontdoor, contact=contact, check_types=[fd.police])
    assert exc.value.errors["check_types"] == ["Already requested: Police"]
    with pytest.raises(DomainError) as exc:
        services.check_record_response(actor=fd.frontdoor, check=police, information="", rag="purple",
                                       provided_by_name="", expected_version=police.version)
    assert set(exc.value.errors) == {"information", "rag", "provided_by_name"}
    for check in (police, health):
        services.check_record_response(actor=fd.frontdoor, check=check, information="Two call-outs in 2025.",
                                       rag="amber", provided_by_name="PC Jones", expected_version=check.version)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_DECISION
    assert PartnerCheck.objects.filter(contact=contact, status="returned").count() == 2


# --- decisions -----------------------------------------------------------------------------------
@freeze_time(NOW)
def test_deciding_before_required_checks_needs_a_managers_reason(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    services.checks_request(actor=fd.frontdoor, contact=contact, check_types=[fd.police], required=[fd.police])
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact)
    message = exc.value.errors["checks_override_reason"][0]
    assert message.startswith("Required checks are not back yet: Police (due 09/03/2026 14:30)")
    assert "ask a manager to override" in message
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, checks_override_reason="I think we should go ahead now")
    assert exc.value.errors["checks_override_reason"] == [
        "Only a manager can decide before the required checks are back"
    ]
    decision = _propose(fd, contact, actor=fd.fd_manager,
                        checks_override_reason="Child at school now; police check can follow")
    assert decision.checks_override_by == fd.fd_manager
    assert decision.status == ThresholdDecision.Status.PROPOSED


@freeze_time(NOW)
def test_outcome_must_fit_the_level_and_a_referral_needs_a_need_code(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, level=2, primary_need="")
    assert "is a level 4 outcome, not level 2" in exc.value.errors["outcome"][0]
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, primary_need="")
    assert "primary_need" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, level=2, outcome="signpost", primary_need="")
    assert exc.value.errors["local_service"] == ["Choose the service the family is signposted to"]


@freeze_time(NOW)
def test_authorising_a_referral_opens_the_cin_episode_and_tells_the_referrer(fd):
    (contact,) = services.referral_submit(actor=fd.partner, children=[services.ChildAsGiven(family_name="OBrien")],
                                          concerns="Bruise.", consent="given", urgency="same_day")
    contact.received_at = received("2026-03-09", "09:15")
    Contact.objects.filter(pk=contact.pk).update(received_at=contact.received_at)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact, feedback_to_referrer="A social worker will contact the family.")
    assert decision.threshold_document == ThresholdDocument.objects.get(number=1)
    with pytest.raises(DomainError) as exc:  # nobody authorises their own proposal
        services.decision_authorise(actor=fd.frontdoor, decision=decision)
    services.decision_authorise(actor=fd.fd_manager, decision=decision, comment="Agreed.")
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED and contact.decided_at is not None
    episode = CINEpisode.objects.get(person=fd.own)
    assert (episode.referral_date, episode.referral_source, episode.primary_need) == (
        datetime.date(2026, 3, 9), "2A", "N1")
    assert episode.case.level == 4 and episode.case.status == Case.Status.AWAITING_ALLOCATION
    assert Notification.objects.filter(recipient=fd.partner, kind="referral_outcome").exists()
    assert contact.outcome_shared_at is not None
    del exc


@pytest.mark.django_db(transaction=True)
def test_the_referrer_email_is_sent_after_commit_without_personal_data(fd):
    with freeze_time(NOW):
        (contact,) = make_contact(fd)
        services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
        decision = _propose(fd, contact, level=1, outcome="nfa", primary_need="")
        services.decision_authorise(actor=fd.fd_manager, decision=decision)
    (message,) = notify.MemoryNotifier.outbox
    subject, body = message.render()
    assert message.to == "dsl@northfield.example.org"
    assert contact.reference in subject
    assert "Zo" not in body and "Brien" not in body


@freeze_time(NOW)
def test_a_decision_is_made_once(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact)
    with pytest.raises(DomainError) as exc:
        _propose(fd, contact, actor=fd.fd_manager)
    assert "already proposed" in exc.value.errors["outcome"][0]
    # Two managers open the same proposal; the first authorises; the second is told, nothing changes.
    first_view = ThresholdDecision.objects.get(pk=decision.pk)
    second_view = ThresholdDecision.objects.get(pk=decision.pk)
    services.decision_authorise(actor=fd.fd_manager, decision=first_view)
    with pytest.raises(DomainError) as exc:
        services.decision_authorise(actor=fd.manager2, decision=second_view)
    assert exc.value.errors["comment"] == [
        "This contact has already been decided: fdmanager authorised the decision"
    ] or "already been decided" in exc.value.errors["comment"][0]
    assert CINEpisode.objects.filter(person=fd.own).count() == 1
    assert ThresholdDecision.objects.get(pk=decision.pk).authorised_by == fd.fd_manager


@freeze_time(NOW)
def test_self_authorisation_only_when_the_council_allows_it(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact, actor=fd.fd_manager)
    with pytest.raises(DomainError) as exc:
        services.decision_authorise(actor=fd.fd_manager, decision=decision)
    assert exc.value.errors["comment"] == ["You proposed this decision, so another manager must authorise it"]
    FrontDoorPolicy.objects.update(allow_self_authorisation=True)
    services.decision_authorise(actor=fd.fd_manager, decision=decision)
    assert ThresholdDecision.objects.get(pk=decision.pk).status == "authorised"


@freeze_time(NOW)
def test_a_returned_proposal_can_be_replaced(fd):
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact)
    with pytest.raises(DomainError):
        services.decision_return(actor=fd.fd_manager, decision=decision, comment=" ")
    services.decision_return(actor=fd.fd_manager, decision=decision, comment="Wait for health.")
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_DECISION
    with pytest.raises(DomainError):
        services.decision_authorise(actor=fd.fd_manager, decision=decision)
    second = _propose(fd, contact, level=3, outcome="family_support", primary_need="")
    services.decision_authorise(actor=fd.fd_manager, decision=second)
    case = Case.objects.get(person=fd.own)
    assert case.level == 3 and not CINEpisode.objects.filter(person=fd.own).exists()


@freeze_time(NOW)
def test_a_level_4_referral_steps_up_an_open_family_support_case(fd):
    for level, outcome, need in ((3, "family_support", ""), (4, "strategy_discussion", "N1")):
        (contact,) = make_contact(fd)
        services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
        decision = _propose(fd, contact, level=level, outcome=outcome, primary_need=need)
        services.decision_authorise(actor=fd.fd_manager, decision=decision)
    case = Case.objects.get(person=fd.own)
    assert case.level == 4
    assert CINEpisode.objects.get(person=fd.own).route == "s47"
    assert ChronologyEvent.objects.filter(person=fd.own, kind="casework.stepped_up").exists()
    (contact,) = make_contact(fd)
    services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
    decision = _propose(fd, contact)
    with pytest.raises(DomainError) as exc:
        services.decision_authorise(actor=fd.fd_manager, decision=decision)
    assert "already has an open children in need episode" in exc.value.errors["outcome"][0]
    assert CINEpisode.objects.filter(person=fd.own).count() == 1


# --- threshold document --------------------------------------------------------------------------
@freeze_time(NOW)
def test_a_new_threshold_version_is_recorded_on_decisions_from_its_start(fd):
    draft = services.threshold_draft_create(actor=fd.admin)
    assert draft.number == 2 and draft.levels.count() == 4
    with pytest.raises(ForbiddenError):
        services.threshold_draft_create(actor=fd.fd_manager)
    with pytest.raises(DomainError) as exc:
        services.threshold_publish(actor=fd.admin, document=draft, in_force_from=datetime.date(2026, 3, 1),
                                   expected_version=draft.version)
    assert exc.value.errors["in_force_from"] == ["The date it comes into force must be today or later"]
    services.threshold_publish(actor=fd.admin, document=draft, in_force_from=datetime.date(2026, 3, 10),
                               expected_version=draft.version)
    assert services.threshold_document_in_force(datetime.date(2026, 3, 9)).number == 1
    assert services.threshold_document_in_force(datetime.date(2026, 3, 10)).number == 2
    with pytest.raises(DomainError):
        services.threshold_draft_update(actor=fd.admin, document=draft, expected_version=draft.version,
                                        title="x", summary="", levels={})


@pytest.mark.django_db(transaction=True)
def test_two_managers_authorising_at_the_same_moment_exactly_one_succeeds(fd):
    """Two threads, two database connections, one barrier: one authorisation lands, the other is refused."""
    import threading

    from django.db import connection

    with freeze_time(NOW):
        (contact,) = make_contact(fd)
        services.contact_identify_child(actor=fd.frontdoor, contact=contact, person=fd.own)
        decision = _propose(fd, contact)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def authorise(manager):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            services.decision_authorise(actor=manager, decision=ThresholdDecision.objects.get(pk=decision.pk))
            outcomes[manager.username] = "authorised"
        except DomainError as exc:
            outcomes[manager.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=authorise, args=(m,)) for m in (fd.fd_manager, fd.manager2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert list(outcomes.values()).count("authorised") == 1, outcomes
    refused = [v for v in outcomes.values() if v != "authorised"]
    assert len(refused) == 1 and "already been decided" in refused[0], outcomes
    assert CINEpisode.objects.filter(person=fd.own).count() == 1
