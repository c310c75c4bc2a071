"""The role × relationship matrix for reading a person's record, at the permission, page and log level.

A = allowed, B = restricted: may break glass with a reason, D = denied.
Columns: own caseload, team, service, another service, referred by a partner, restricted (team caseload),
an adult parent of the own-caseload child.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.people.models import Person
from familyhelp.people.permissions import person_access, scope_people

COLUMNS = ["own", "team", "service", "other", "referred", "restricted", "parent_of_own"]
MATRIX = {
    #             own  team serv other ref  restr parent
    "sw": "A    A    D    D     D    B     A",
    "manager": "A    A    A    D     D    B     A",
    "eh_worker": "D    D    A    D     D    D     D",
    "cp_worker": "D    D    D    A     A    D     D",
    "frontdoor": "A    A    A    A     A    B     A",
    "specialist": "D    D    D    D     D    D     D",
    "leader": "A    A    A    A     A    B     A",
    "analyst": "D    D    D    D     D    D     D",
    "admin": "D    D    D    D     D    D     D",
    "auditor": "D    D    D    D     D    D     D",
    "partner": "D    D    D    D     A    D     D",
}
CASES = [
    (user, column, expected)
    for user, row in MATRIX.items()
    for column, expected in zip(COLUMNS, row.split(), strict=True)
]


def _decision(access) -> str:  # type: ignore[no-untyped-def]
    if access.allowed:
        return "A"
    return "B" if access.needs_break_glass else "D"


@pytest.mark.parametrize(("user_key", "column", "expected"), CASES)
def test_person_access_matrix(world, user_key, column, expected):
    user = world.users[user_key]
    person = world.children[column]
    assert _decision(person_access(user, person)) == expected


@pytest.mark.parametrize("user_key", list(MATRIX))
def test_scope_queryset_agrees_with_matrix(world, user_key):
    """scope_people (used by search and lists) includes exactly the allowed and break-glass columns."""
    user = world.users[user_key]
    visible = set(scope_people(user, Person.objects.all()).values_list("pk", flat=True))
    expected = {world.children[c].pk for c, e in zip(COLUMNS, MATRIX[user_key].split(), strict=True) if e != "D"}
    assert visible & {p.pk for p in world.children.values()} == expected


@pytest.mark.parametrize(("user_key", "column", "expected"), CASES)
def test_child_page_matrix_and_access_log(world, client_for, user_key, column, expected):
    user = world.users[user_key]
    person = world.children[column]
    client = client_for(user)
    before = AccessLog.objects.count()
    response = client.get(reverse("people:detail", args=[person.pk]))
    if expected == "A":
        assert response.status_code == 200
        log = AccessLog.objects.latest("at")
        assert (log.user_id, log.person_id, log.action) == (user.pk, person.pk, AccessLog.Action.VIEW)
    elif expected == "B":
        assert response.status_code == 302
        assert response["Location"] == reverse("people:break_glass", args=[person.pk])
        log = AccessLog.objects.latest("at")
        assert (log.action, log.person_id) == (AccessLog.Action.DENIED, person.pk)
    else:
        assert response.status_code == 403
        if AccessLog.objects.count() > before:  # roles without the verb are refused before any read
            log = AccessLog.objects.latest("at")
            assert (log.action, log.person_id, log.user_id) == (AccessLog.Action.DENIED, person.pk, user.pk)
    # Nothing about the child leaks into a refusal.
    if expected != "A":
        main = BeautifulSoup(response.content, "html.parser").select_one("main")
        body = main.get_text() if main else ""
        assert person.family_name not in body
        assert person.given_names not in body


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
