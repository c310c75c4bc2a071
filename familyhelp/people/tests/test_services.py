"""People services: happy paths, refusals, validation, effective dates, chronology and concurrency."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from freezegun import freeze_time

from familyhelp.accounts.models import BreakGlassAccess, Notification
from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.people import services
from familyhelp.people.models import Person, PersonAddress, Relationship
from familyhelp.people.permissions import person_access

TODAY = "2026-03-10"


@pytest.fixture(autouse=True)
def _searched_first(monkeypatch):
    """These tests are about other rules; the search-before-create rule has tests of its own
    (test_search_before_create.py)."""
    monkeypatch.setattr(services, "_searched_for", lambda actor, values: True)


@pytest.mark.parametrize(
    ("given", "family"),
    [("Zoë", "O'Brien"), ("Minh Anh", "Nguyễn"), ("Madonna", ""), ("", "Ørsted"), ("Ní", "Bhriain-Ó Sé")],
)
def test_person_create_accepts_any_name(world, given, family):
    person = services.person_create(
        actor=world.frontdoor, given_names=given, family_name=family, date_of_birth=datetime.date(2015, 1, 2)
    )
    person.refresh_from_db()
    assert (person.given_names, person.family_name) == (given, family)
    assert person.reference.startswith("P") and person.reference[1:].isdigit()
    event = ChronologyEvent.objects.get(person=person)
    assert event.kind == "person.created"
    assert event.recorded_by == world.frontdoor


def test_person_create_requires_a_name(world):
    with pytest.raises(DomainError) as exc:
        services.person_create(actor=world.frontdoor, given_names="  ", family_name="")
    assert "given_names" in exc.value.errors
    assert not Person.objects.filter(given_names="").exists()


@freeze_time(TODAY)
def test_person_create_validates_dates_and_identifiers(world):
    with pytest.raises(DomainError) as exc:
        services.person_create(
            actor=world.frontdoor,
            given_names="Ava",
            family_name="Jones",
            date_of_birth=datetime.date(2026, 3, 11),
            nhs_number="485 777 3456",
            upn="A12345678901Z",
        )
    assert exc.value.errors["date_of_birth"] == ["The date of birth must be today or in the past"]
    assert "check digit" in exc.value.errors["nhs_number"][0]
    assert "upn" in exc.value.errors
    assert Person.objects.filter(family_name="Jones").count() == 0  # nothing half-written
    assert ChronologyEvent.objects.filter(summary__contains="Jones").count() == 0


def test_person_create_normalises_nhs_number(world):
    person = services.person_create(
        actor=world.frontdoor, given_names="Ava", family_name="Jones", nhs_number="485 777 3457"
    )
    assert person.nhs_number == "4857773457"


@freeze_time(TODAY)
def test_unborn_child_needs_expected_date(world):
    with pytest.raises(DomainError) as exc:
        services.person_create(actor=world.frontdoor, given_names="", family_name="Baby Khan", is_unborn=True)
    assert "expected_date_of_birth" in exc.value.errors
    person = services.person_create(
        actor=world.frontdoor, family_name="Khan", is_unborn=True, expected_date_of_birth=datetime.date(2026, 6, 1)
    )
    assert person.is_unborn and person.date_of_birth is None and person.age is None


def test_partner_cannot_create_people(world):
    with pytest.raises(ForbiddenError):
        services.person_create(actor=world.partner, given_names="Ava", family_name="Jones")


def test_disabilities_none_is_exclusive(world):
    with pytest.raises(DomainError) as exc:
        services.person_create(
            actor=world.frontdoor, given_names="Ava", family_name="Jones", disabilities=["NONE", "AUT"]
        )
    assert "disabilities" in exc.value.errors
    person = services.person_create(
        actor=world.frontdoor, given_names="Ava", family_name="Jones", disabilities=["AUT", "COMM"]
    )
    assert sorted(person.disabilities.values_list("code", flat=True)) == ["AUT", "COMM"]


def test_person_update_detects_concurrent_edit(world):
    child = world.own
    version = child.version
    services.person_update(actor=world.sw, person=child, expected_version=version, preferred_name="Zo")
    stale = Person.objects.get(pk=child.pk)
    with pytest.raises(ConcurrentEditError):
        services.person_update(actor=world.sw, person=stale, expected_version=version, preferred_name="Zed")
    child.refresh_from_db()
    assert child.preferred_name == "Zo"
    assert child.version == version + 1
    assert child.history.count() >= 2  # field history kept
    assert ChronologyEvent.objects.filter(person=child, kind="person.updated").count() == 1


def test_person_update_refused_outside_scope(world):
    with pytest.raises(ForbiddenError):
        services.person_update(
            actor=world.sw, person=world.other, expected_version=world.other.version, preferred_name="X"
        )


@freeze_time(TODAY)
def test_address_move_uses_effective_date_and_asks_reason_when_late(world):
    child = world.own
    first = services.person_move_address(
        actor=world.sw, person=child, line_1="1 High St", postcode="b913qb", moved_in_on=datetime.date(2026, 3, 5)
    )
    assert first.address.postcode == "B91 3QB"
    assert first.address.locality == world.locality  # B91 is in North
    # A move in order (after the current one) but recorded 8 days late needs a reason.
    first.start_date = datetime.date(2026, 2, 1)
    first.save()
    with pytest.raises(DomainError) as exc:
        services.person_move_address(
            actor=world.sw, person=child, line_1="2 Low Rd", postcode="B90 1AA", moved_in_on=datetime.date(2026, 3, 2)
        )
    assert list(exc.value.errors) == ["late_reason"]
    first.start_date = datetime.date(2026, 3, 5)
    first.save()
    # A move before the current address started is out of order.
    with pytest.raises(DomainError) as exc:
        services.person_move_address(
            actor=world.sw,
            person=child,
            line_1="2 Low Rd",
            postcode="B90 1AA",
            moved_in_on=datetime.date(2026, 3, 1),
            late_reason="",
        )
    assert "moved_in_on" in exc.value.errors
    second = services.person_move_address(
        actor=world.sw, person=child, line_1="2 Low Rd", postcode="B90 1AA", moved_in_on=datetime.date(2026, 3, 9)
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2026, 3, 8)
    assert second.end_date is None
    event = ChronologyEvent.objects.filter(person=child, kind="person.address_added").first()
    assert event is not None and event.occurred_on == datetime.date(2026, 3, 9)
    assert event.recorded_at.date() == datetime.date(2026, 3, 10)


@freeze_time(TODAY)
def test_late_recording_with_reason_is_kept(world):
    residence = services.person_move_address(
        actor=world.sw,
        person=world.own,
        line_1="1 High St",
        postcode="B91 3QB",
        moved_in_on=datetime.date(2025, 1, 6),
        late_reason="Loading history from the old system",
    )
    event = ChronologyEvent.objects.get(subject_id=str(residence.pk))
    assert event.late_reason == "Loading history from the old system"


@freeze_time(TODAY)
def test_effective_date_not_before_birth_or_in_future(world):
    with pytest.raises(DomainError) as exc:
        services.person_move_address(
            actor=world.sw,
            person=world.own,
            line_1="1 High St",
            postcode="B91 3QB",
            moved_in_on=datetime.date(2016, 3, 3),
            late_reason="history",
        )
    assert exc.value.errors["moved_in_on"] == ["The date they moved in must be on or after the date of birth"]
    with pytest.raises(DomainError) as exc:
        services.person_move_address(
            actor=world.sw,
            person=world.own,
            line_1="1 High St",
            postcode="B91 3QB",
            moved_in_on=datetime.date(2026, 3, 11),
        )
    assert exc.value.errors["moved_in_on"] == ["The date they moved in must be today or in the past"]
    assert not PersonAddress.objects.filter(person=world.own).exists()


def test_bad_postcode_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.person_move_address(
            actor=world.sw, person=world.own, line_1="1 High St", postcode="NOT IT", moved_in_on=datetime.date.today()
        )
    assert exc.value.errors["postcode"] == ["Enter a real postcode, like B91 3QB"]


def test_relationship_is_written_both_ways(world):
    sibling = services.person_create(actor=world.frontdoor, given_names="Kit", family_name="O'Brien")
    services.relationship_add(actor=world.sw, person=world.own, related_person=sibling, type="sibling")
    assert Relationship.objects.filter(person=world.own, related_person=sibling, type="sibling").exists()
    assert Relationship.objects.filter(person=sibling, related_person=world.own, type="sibling").exists()
    with pytest.raises(DomainError):
        services.relationship_add(actor=world.sw, person=world.own, related_person=sibling, type="sibling")
    with pytest.raises(DomainError):
        services.relationship_add(actor=world.sw, person=world.own, related_person=world.own, type="sibling")


def test_family_with_members_and_chronology(world):
    family = services.family_create(
        actor=world.sw, name="O'Brien family", members=[(world.own, "child"), (world.parent, "parent")]
    )
    assert family.members.count() == 2
    assert ChronologyEvent.objects.filter(family=family, kind="family.member_added").count() == 2
    with pytest.raises(DomainError):
        services.family_add_member(actor=world.sw, family=family, person=world.own, role="child")


def test_restrict_grant_and_break_glass(world):
    manager, sw, frontdoor = world.manager, world.sw, world.frontdoor
    child = world.own
    services.person_restrict(actor=manager, person=child, reason="Child of a member of staff")
    child.refresh_from_db()
    assert child.is_restricted
    assert person_access(manager, child).allowed  # the restricting manager keeps access
    assert person_access(sw, child).needs_break_glass
    # A grant opens it for the social worker.
    grant = services.access_grant(actor=manager, person=child, user=sw, reason="Allocated worker")
    assert person_access(sw, child).allowed
    services.access_revoke(actor=manager, grant=grant)
    assert not person_access(sw, child).allowed
    # Break glass: needs a real reason, is logged, alerts the manager, opens the record for a while.
    with pytest.raises(DomainError):
        services.break_glass(actor=frontdoor, person=child, reason="x")
    services.break_glass(actor=frontdoor, person=child, reason="Police at the door with a new concern")
    assert person_access(frontdoor, child).allowed
    log = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert (log.user, log.person, log.reason) == (frontdoor, child, "Police at the door with a new concern")
    note = Notification.objects.get(kind=Notification.Kind.BREAK_GLASS)
    assert note.recipient == manager
    assert BreakGlassAccess.objects.filter(user=frontdoor, person=child).count() == 1


def test_break_glass_email_has_no_personal_data(world, django_capture_on_commit_callbacks):
    services.person_restrict(actor=world.manager, person=world.own, reason="High-profile case")
    with django_capture_on_commit_callbacks(execute=True):
        services.break_glass(actor=world.frontdoor, person=world.own, reason="Urgent police request tonight")
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    for secret in (world.own.given_names, world.own.family_name, world.own.reference, "Urgent police"):
        assert secret not in text


def test_break_glass_expires(world):
    services.person_restrict(actor=world.manager, person=world.own, reason="High-profile case")
    world.own.refresh_from_db()
    assert person_access(world.frontdoor, world.own).needs_break_glass
    with freeze_time("2026-03-10 09:00"):
        services.break_glass(actor=world.frontdoor, person=world.own, reason="Urgent police request tonight")
        assert person_access(world.frontdoor, world.own).allowed
    with freeze_time("2026-03-10 18:00"):
        assert person_access(world.frontdoor, world.own).needs_break_glass


def test_social_worker_cannot_restrict(world):
    with pytest.raises(ForbiddenError):
        services.person_restrict(actor=world.sw, person=world.own, reason="because")


def test_chronology_and_access_log_are_append_only(world):
    services.person_restrict(actor=world.manager, person=world.own, reason="High-profile case")
    world.own.refresh_from_db()
    services.access_grant(actor=world.manager, person=world.own, user=world.sw, reason="Allocated worker")
    event = ChronologyEvent.objects.filter(person=world.own).first()
    assert event is not None
    event.summary = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ChronologyEvent.objects.filter(pk=event.pk).update(summary="changed")
    log = AccessLog.objects.first()
    assert log is not None
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    # Even raw SQL is refused by the database triggers.
    from django.db import transaction

    from familyhelp.audit.append_only import enforced

    for sql in ("UPDATE audit_accesslog SET reason = 'x'", "DELETE FROM chronology_chronologyevent"):
        with (
            enforced(),
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AccessLog.objects.filter(reason="x").count() == 0


def test_worker_can_open_a_record_they_created(world):
    from familyhelp.people.permissions import person_access

    person = services.person_create(actor=world.sw, given_names="New", family_name="Child")
    assert person_access(world.sw, person).allowed
    assert not person_access(world.eh_worker, person).allowed


def test_named_grant_opens_restricted_record_outside_scope(world):
    from familyhelp.people.permissions import person_access

    services.person_restrict(actor=world.manager, person=world.own, reason="Child of a member of staff")
    world.own.refresh_from_db()
    assert not person_access(world.cp_worker, world.own).allowed  # another service's worker
    services.access_grant(actor=world.manager, person=world.own, user=world.cp_worker, reason="Covering the case")
    access = person_access(world.cp_worker, world.own)
    assert access.allowed and access.basis == "grant"


def test_restricted_relative_is_named_by_reference_in_chronology(world):
    services.relationship_add(actor=world.sw, person=world.own, related_person=world.restricted, type="sibling")
    summaries = list(ChronologyEvent.objects.filter(person=world.own).values_list("summary", flat=True))
    assert any(world.restricted.reference in s for s in summaries)
    assert not any(world.restricted.family_name in s for s in summaries)


def test_family_member_start_date_is_checked(world):
    family = services.family_create(actor=world.sw, name="O'Brien family", members=[(world.own, "child")])
    with pytest.raises(DomainError) as exc:
        services.family_add_member(
            actor=world.sw,
            family=family,
            person=world.parent,
            role="parent",
            start_date=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert "start_date" in exc.value.errors


@freeze_time("2026-03-10 09:00")
def test_significant_event_time_cannot_be_later_today(world):
    from familyhelp.chronology.services import chronology_add_significant_event

    with pytest.raises(DomainError) as exc:
        chronology_add_significant_event(
            actor=world.sw,
            person=world.own,
            occurred_on=datetime.date(2026, 3, 10),
            occurred_time=datetime.time(17, 0),
            summary="Visit",
        )
    assert "occurred_time" in exc.value.errors
    event = chronology_add_significant_event(
        actor=world.sw,
        person=world.own,
        occurred_on=datetime.date(2026, 3, 10),
        occurred_time=datetime.time(8, 30),
        summary="Visit",
    )
    assert event.occurred_time == datetime.time(8, 30)
