"""Record access beyond the matrix (test_permissions_matrix.py): partners, ended involvements, inactive users."""

from __future__ import annotations

from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.people.models import Person
from familyhelp.people.permissions import person_access, scope_people


def test_partner_refusal_is_logged(world, client_for):
    """A partner user cannot open a child they did not refer, and the attempt is in the access log."""
    client = client_for(world.partner)
    response = client.get(reverse("people:detail", args=[world.own.pk]))
    assert response.status_code == 403
    log = AccessLog.objects.get(user=world.partner, person=world.own)
    assert log.action == AccessLog.Action.DENIED
    assert log.reason == "outside record scope"


def test_partner_sees_only_what_they_referred(world, client_for):
    client = client_for(world.partner)
    response = client.get(reverse("people:detail", args=[world.referred.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "What you referred" in body
    assert "Chronology" not in body  # not the full record


def test_ended_involvement_removes_caseload_access(world):
    import datetime

    involvement = world.own.involvements.get(worker=world.sw)
    involvement.end_date = datetime.date(2024, 6, 30)
    involvement.save()
    assert not person_access(world.sw, world.own).allowed
    # but the colleague-held team child is still visible through the team
    assert person_access(world.sw, world.team_child).allowed


def test_scope_lasts_90_days_after_an_involvement_ends(world):
    import datetime

    from freezegun import freeze_time

    involvement = world.own.involvements.get(worker=world.sw)
    involvement.end_date = datetime.date(2025, 1, 31)
    involvement.save()
    # Ended 31 January 2025: 90 days later is 1 May 2025 (Feb 28 + Mar 31 + Apr 30 = 89 days to 30 April).
    with freeze_time("2025-05-01 12:00:00"):
        assert person_access(world.sw, world.own).allowed
        assert person_access(world.manager, world.own).allowed  # the service's manager too
    with freeze_time("2025-05-02 12:00:00"):
        assert not person_access(world.sw, world.own).allowed
        assert not person_access(world.manager, world.own).allowed


def test_inactive_user_has_no_access(world):
    world.frontdoor.is_active = False
    world.frontdoor.save()
    assert not person_access(world.frontdoor, world.other).allowed


def test_partner_cannot_see_parents_of_referred_child(world):
    from familyhelp.people.models import Relationship
    from familyhelp.people.tests.factories import AdultFactory

    mum = AdultFactory(given_names="Ngozi", family_name="Okafor")
    Relationship.objects.create(person=mum, related_person=world.referred, type=Relationship.Type.PARENT)
    assert not person_access(world.partner, mum).allowed
    assert mum.pk not in set(scope_people(world.partner, Person.objects.all()).values_list("pk", flat=True))
    assert person_access(world.cp_worker, mum).allowed  # the worker holding the child does see the parent
