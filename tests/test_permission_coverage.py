"""Every URL pattern (UI and API) declares its permission and is in the role matrix below.

The matrix gives, for each URL and each role, the status a request gets. Person URLs use the
own-caseload child of the social worker (or the restricted child where the URL is about restricted
records). A new URL that is not in the matrix fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from familyhelp.accounts.declare import declared_permission
from familyhelp.people.models import ProfessionalInvolvement

ROLES = ["frontdoor", "sw", "manager", "specialist", "leader", "analyst", "admin", "auditor", "partner", "anon"]
TODAY = datetime.date.today().isoformat()


def iter_patterns(urlconf: Any = None) -> Iterator[tuple[str, Any]]:
    """(namespaced name, callback) for every URL pattern."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, Any]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                yield (f"{namespace}:{p.name}" if namespace else str(p.name)), p.callback

    yield from walk(get_resolver(urlconf).url_patterns, "")


def undeclared(urlconf: Any = None) -> list[str]:
    """Names of URL patterns whose view declares no permission."""
    return [name for name, callback in iter_patterns(urlconf) if declared_permission(callback) is None]


# ---------------------------------------------------------------------------------------------------
# name: (method, kwargs(world), data(world), expected statuses in ROLES order)
OWN = {"pk": lambda w: w.own.pk}
RESTRICTED = {"pk": lambda w: w.restricted.pk}
ANY = {"pk": lambda w: uuid.uuid4()}
UI_SIGNED_IN = "200 200 200 200 200 200 200 200 200 302"
VIEW_ORG = "200 200 200 200 200 200 200 200 403 302"
MANAGE_ORG = "403 403 403 403 403 403 200 403 403 302"
CHANGE_OWN = "200 200 200 403 403 403 403 403 403 302"
API_ALL = "200 200 200 200 200 200 200 200 200 401"
API_ORG = "200 200 200 200 200 200 200 200 403 401"
API_CHANGE_OWN = "201 201 201 403 403 403 403 403 403 401"
API_VIEW_OWN = "200 200 200 403 200 403 403 403 403 401"
CANDIDATE = {"pk": lambda w: w.candidate.pk}
MERGE = {"pk": lambda w: w.merge.pk}
# Managers and senior leaders review pairs they can see; administrators run the job but see no records.
DEDUP_QUEUE = "403 403 200 403 200 403 200 403 403 302"
DEDUP_PAIR = "403 403 200 403 200 403 403 403 403 302"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    # ------------------------------------------------------------------ user interface
    "frontend:home": ("get", {}, None, UI_SIGNED_IN),
    "accounts:login": ("get", {}, None, "302 302 302 302 302 302 302 302 302 200"),
    "accounts:logout": ("get", {}, None, "302 302 302 302 302 302 302 302 302 302"),
    "accounts:keepalive": ("post", {}, None, "204 204 204 204 204 204 204 204 204 302"),
    "accounts:otp_setup": ("get", {}, None, "200 200 200 200 200 200 302 200 200 302"),
    "accounts:otp_verify": ("get", {}, None, UI_SIGNED_IN),
    "accounts:profile": ("get", {}, None, UI_SIGNED_IN),
    "accounts:notification_read": ("post", ANY, None, "302 302 302 302 302 302 302 302 302 302"),
    "organisation:overview": ("get", {}, None, VIEW_ORG),
    "organisation:workers": ("get", {}, None, VIEW_ORG),
    "organisation:council_edit": ("get", {"pk": lambda w: w.la.pk}, None, MANAGE_ORG),
    "organisation:locality_add": ("get", {}, None, MANAGE_ORG),
    "organisation:locality_edit": ("get", {"pk": lambda w: w.locality.pk}, None, MANAGE_ORG),
    "organisation:team_add": ("get", {}, None, MANAGE_ORG),
    "organisation:team_edit": ("get", {"pk": lambda w: w.team_a.pk}, None, MANAGE_ORG),
    "organisation:school_add": ("get", {}, None, MANAGE_ORG),
    "organisation:school_edit": ("get", {"pk": lambda w: w.school.pk}, None, MANAGE_ORG),
    "organisation:agency_add": ("get", {}, None, MANAGE_ORG),
    "organisation:agency_edit": ("get", {"pk": lambda w: w.partner.partner_agency.pk}, None, MANAGE_ORG),
    "organisation:users": ("get", {}, None, MANAGE_ORG),
    "organisation:user_add": ("get", {}, None, MANAGE_ORG),
    "organisation:user_edit": ("get", {"pk": lambda w: w.sw.pk}, None, MANAGE_ORG),
    "organisation:user_action": (
        "post",
        {"pk": lambda w: w.sw.pk, "action": lambda w: "deactivate"},
        None,
        "403 403 403 403 403 403 302 403 403 302",
    ),
    "people:search": ("get", {}, None, "200 200 200 200 200 403 403 403 403 302"),
    "people:create": ("get", {}, None, "200 200 200 403 403 403 403 403 403 302"),
    "people:detail": ("get", OWN, None, "200 200 200 403 200 403 403 403 403 302"),
    "people:edit": ("get", OWN, None, CHANGE_OWN),
    "people:break_glass": ("get", RESTRICTED, None, "200 200 200 403 200 403 403 403 403 302"),
    "people:address_add": ("get", OWN, None, CHANGE_OWN),
    "people:name_add": ("get", OWN, None, CHANGE_OWN),
    "people:relationship_add": ("get", OWN, None, CHANGE_OWN),
    "people:involvement_add": ("get", OWN, None, CHANGE_OWN),
    "people:involvement_end": (
        "get",
        {"pk": lambda w: w.own.pk, "involvement_pk": lambda w: w.own_involvement.pk},
        None,
        CHANGE_OWN,
    ),
    "people:event_add": ("get", OWN, None, CHANGE_OWN),
    "people:restrict": ("get", OWN, None, "403 403 200 403 200 403 403 403 403 302"),
    "people:grant_add": ("get", RESTRICTED, None, "403 403 302 403 302 403 403 403 403 302"),
    "people:grant_revoke": (
        "post",
        {"pk": lambda w: w.restricted.pk, "grant_pk": lambda w: uuid.uuid4()},
        None,
        "403 403 302 403 302 403 403 403 403 302",
    ),
    "people:family_create": ("get", OWN, None, CHANGE_OWN),
    "people:family": ("get", {"pk": lambda w: w.family.pk}, None, "200 200 200 403 200 403 403 403 403 302"),
    "audit:access_log": ("get", {}, None, "403 403 403 403 403 403 403 200 403 302"),
    "dedup:queue": ("get", {}, None, DEDUP_QUEUE),
    "dedup:find": ("post", {}, None, "403 403 302 403 302 403 302 403 403 302"),
    "dedup:detail": ("get", CANDIDATE, None, DEDUP_PAIR),
    "dedup:merge": ("post", CANDIDATE, None, DEDUP_PAIR),
    "dedup:not_duplicate": ("post", CANDIDATE, None, DEDUP_PAIR),
    "dedup:undo": ("get", MERGE, None, DEDUP_PAIR),
    # ------------------------------------------------------------------ API
    "api:schema": ("get", {}, None, API_ALL),
    "api:docs": ("get", {}, None, API_ALL),
    "api:redoc": ("get", {}, None, API_ALL),
    "api:me": ("get", {}, None, API_ALL),
    "api:person-list": ("post", {}, lambda w: {"given_names": "Nguyễn", "family_name": ""}, API_CHANGE_OWN),
    "api:person-search": (
        "post",
        {},
        lambda w: {"family_name": "O'Brien", "purpose": "casework"},
        "200 200 200 200 200 403 403 403 403 401",
    ),
    "api:person-detail": ("get", OWN, None, API_VIEW_OWN),
    "api:person-chronology": ("get", OWN, None, API_VIEW_OWN),
    "api:person-addresses": (
        "post",
        OWN,
        lambda w: {"line_1": "1 High St", "postcode": "B91 3QB", "moved_in_on": TODAY},
        API_CHANGE_OWN,
    ),
    "api:person-names": ("post", OWN, lambda w: {"kind": "alias", "given_names": "Zo"}, API_CHANGE_OWN),
    "api:person-relationships": (
        "post",
        OWN,
        lambda w: {"related_person": str(w.parent.pk), "type": "carer"},
        API_CHANGE_OWN,
    ),
    "api:person-involvements": (
        "post",
        OWN,
        lambda w: {"role": "gp", "professional_name": "Dr Amina Patel", "start_date": TODAY},
        API_CHANGE_OWN,
    ),
    "api:person-restrict": (
        "post",
        OWN,
        lambda w: {"reason": "Child of a member of staff"},
        "403 403 200 403 200 403 403 403 403 401",
    ),
    "api:person-unrestrict": (
        "post",
        OWN,
        lambda w: {"reason": "No longer needed"},
        "403 403 400 403 400 403 403 403 403 401",
    ),
    "api:person-grants": (
        "post",
        OWN,
        lambda w: {"user": str(w.sw.pk), "reason": "Allocated worker"},
        "403 403 201 403 201 403 403 403 403 401",
    ),
    "api:person-break-glass": (
        "post",
        RESTRICTED,
        lambda w: {"reason": "Police called with a new concern"},
        "201 201 201 403 201 403 403 403 403 401",
    ),
    "api:family-list": (
        "post",
        {},
        lambda w: {"name": "O'Brien family", "members": [{"person": str(w.own.pk), "role": "child"}]},
        API_CHANGE_OWN,
    ),
    "api:family-detail": ("get", {"pk": lambda w: w.family.pk}, None, API_VIEW_OWN),
    "api:family-members": (
        "post",
        {"pk": lambda w: w.family.pk},
        lambda w: {"person": str(w.parent.pk), "role": "parent"},
        API_CHANGE_OWN,
    ),
    "api:local-authority-list": ("get", {}, None, API_ORG),
    "api:local-authority-detail": ("get", {"pk": lambda w: w.la.pk}, None, API_ORG),
    "api:locality-list": ("get", {}, None, API_ORG),
    "api:locality-detail": ("get", {"pk": lambda w: w.locality.pk}, None, API_ORG),
    "api:team-list": ("get", {}, None, API_ORG),
    "api:team-detail": ("get", {"pk": lambda w: w.team_a.pk}, None, API_ORG),
    "api:worker-list": ("get", {}, None, API_ORG),
    "api:worker-detail": ("get", {"pk": lambda w: w.sw.pk}, None, API_ORG),
    "api:school-list": ("get", {}, None, API_ORG),
    "api:school-detail": ("get", {"pk": lambda w: w.school.pk}, None, API_ORG),
    "api:partner-agency-list": ("get", {}, None, API_ORG),
    "api:partner-agency-detail": ("get", {"pk": lambda w: w.partner.partner_agency.pk}, None, API_ORG),
    "api:user-list": ("get", {}, None, "403 403 403 403 403 403 200 403 403 401"),
    "api:user-detail": ("get", {"pk": lambda w: w.sw.pk}, None, "403 403 403 403 403 403 200 403 403 401"),
    "api:user-deactivate": ("post", {"pk": lambda w: w.sw.pk}, lambda w: {}, "403 403 403 403 403 403 200 403 403 401"),
    "api:user-reset-second-factor": (
        "post",
        {"pk": lambda w: w.sw.pk},
        lambda w: {},
        "403 403 403 403 403 403 400 403 403 401",
    ),
    "api:user-token": ("post", {"pk": lambda w: w.analyst.pk}, lambda w: {}, "403 403 403 403 403 403 201 403 403 401"),
    "api:access-log-list": ("get", {}, None, "403 403 403 403 403 403 403 200 403 401"),
    "api:duplicate-list": ("get", {}, None, "403 403 200 403 200 403 200 403 403 401"),
    "api:duplicate-detail": ("get", CANDIDATE, None, "403 403 200 403 200 403 403 403 403 401"),
    "api:duplicate-merge": ("post", CANDIDATE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
    "api:duplicate-not-duplicate": ("post", CANDIDATE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
    "api:duplicate-find": ("post", {}, lambda w: {}, "403 403 200 403 200 403 200 403 403 401"),
    "api:merge-detail": ("get", MERGE, None, "403 403 200 403 200 403 403 403 403 401"),
    "api:merge-undo": ("post", MERGE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
}

CASES = [
    (name, role, int(code))
    for name, (_, _, _, row) in MATRIX.items()
    for role, code in zip(ROLES, row.split(), strict=True)
]


def test_every_url_declares_a_permission():
    assert undeclared() == []


def test_every_url_is_in_the_matrix():
    names = {name for name, _ in iter_patterns()}
    assert names - set(MATRIX) == set(), "URLs missing from the role matrix"
    assert set(MATRIX) - names == set(), "matrix rows for URLs that no longer exist"


def test_an_unchecked_view_is_caught(db, client):
    """Registering a view without a declared permission fails the coverage check and is refused at run time."""
    assert undeclared("tests.undeclared_urls") == ["unchecked"]
    with override_settings(ROOT_URLCONF="tests.undeclared_urls"):
        response = client.get("/unchecked/")
    assert response.status_code == 403
    assert b"secret" not in response.content


@pytest.fixture
def matrix_world(world):  # type: ignore[no-untyped-def]
    from familyhelp.accounts.tests.factories import SchoolFactory
    from familyhelp.people.models import FamilyMember
    from familyhelp.people.tests.factories import FamilyFactory

    world.school = SchoolFactory(locality=world.locality)
    world.own_involvement = ProfessionalInvolvement.objects.get(person=world.own, worker=world.sw)
    world.family = FamilyFactory(name="O'Brien family")
    FamilyMember.objects.create(family=world.family, person=world.own, role="child")
    _dedup_world(world)
    return world


def _dedup_world(world):  # type: ignore[no-untyped-def]
    """A possible duplicate of the social worker's child, and an earlier merge into that child."""
    from familyhelp.dedup.services import candidate_merge
    from familyhelp.dedup.tests.factories import duplicate_of, pair

    world.candidate = pair(world.own, duplicate_of(world.own, family_name="OBrian", worker=world.colleague))
    merged = duplicate_of(world.own, given_names="Zoe", worker=world.colleague)
    world.merge = candidate_merge(
        actor=world.leader,
        candidate=pair(world.own, merged),
        survivor=world.own,
        reason="Same child",
        expected_version=1,
    )


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_role_matrix(matrix_world, client_for, client, name, role, expected):
    method, kwargs, data, _ = MATRIX[name]
    w = matrix_world
    url = reverse(name, kwargs={k: f(w) for k, f in kwargs.items()})
    c = client if role == "anon" else client_for(w.users[role])
    payload = data(w) if data else None
    if method == "get":
        response = c.get(url)
    else:
        response = (
            c.post(url, payload, content_type="application/json")
            if name.startswith("api:")
            else c.post(url, payload or {})
        )
    assert response.status_code == expected, (name, role, response.status_code, response.content[:300])
