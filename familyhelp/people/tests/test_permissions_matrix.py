"""The role × relationship matrix for reading a person's record, at the permission, page and log level.

The council is built once for the module (conftest.shared_world_module); each case rolls back what it writes.

A = allowed, B = restricted: may break glass with a reason, D = denied.
Columns: own caseload, team, service, another service, referred by a partner, restricted (team caseload),
an adult parent of the own-caseload child.
"""

from __future__ import annotations

import copy

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


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from conftest import build_world, shared_world_module

    with shared_world_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture
def matrix_world(_shared_world, db):  # type: ignore[no-untyped-def]
    """The world built once for the module's read-only matrices (each test still rolls back what it writes)."""
    return copy.deepcopy(_shared_world)  # what a test changes in memory stays its own, as in setUpTestData


@pytest.mark.parametrize(("user_key", "column", "expected"), CASES)
def test_person_access_matrix(matrix_world, user_key, column, expected):
    world = matrix_world
    user = world.users[user_key]
    person = world.children[column]
    assert _decision(person_access(user, person)) == expected


@pytest.mark.parametrize("user_key", list(MATRIX))
def test_scope_queryset_agrees_with_matrix(matrix_world, user_key):
    """scope_people (used by search and lists) includes exactly the allowed and break-glass columns."""
    world = matrix_world
    user = world.users[user_key]
    visible = set(scope_people(user, Person.objects.all()).values_list("pk", flat=True))
    expected = {world.children[c].pk for c, e in zip(COLUMNS, MATRIX[user_key].split(), strict=True) if e != "D"}
    assert visible & {p.pk for p in world.children.values()} == expected


@pytest.mark.parametrize(("user_key", "column", "expected"), CASES)
def test_child_page_matrix_and_access_log(matrix_world, client_for, user_key, column, expected):
    world = matrix_world
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
