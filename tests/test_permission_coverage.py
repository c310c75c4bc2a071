"""Every URL pattern (UI and API) declares its permission and is in the role matrix below.

The matrix gives, for each URL and each role, the status a request gets. Person URLs use the
own-caseload child of the social worker (or the restricted child where the URL is about restricted
records). A new URL that is not in the matrix fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import copy
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
CONTACT = {"pk": lambda w: w.contact.pk}
FD_VIEW = "200 403 200 403 200 403 403 403 403 302"
FD_WORK = "200 403 200 403 403 403 403 403 403 302"
FD_WORK_POST = "302 403 302 403 403 403 403 403 403 302"
FD_ADMIN = "403 403 403 403 403 403 200 403 403 302"
PARTNER_ONLY = "403 403 403 403 403 403 403 403 200 302"
API_FD_VIEW = "200 403 200 403 200 403 403 403 403 401"
API_FD_CREATE = "201 403 201 403 403 403 403 403 403 401"
API_MANAGER = "403 403 200 403 403 403 403 403 403 401"
API_PARTNER = "403 403 403 403 403 403 403 403 200 401"
CANDIDATE = {"pk": lambda w: w.candidate.pk}
MERGE = {"pk": lambda w: w.merge.pk}
# Managers and senior leaders review pairs they can see; administrators run the job but see no records.
DEDUP_QUEUE = "403 403 200 403 200 403 200 403 403 302"
DEDUP_PAIR = "403 403 200 403 200 403 403 403 403 302"
INTEGRATION = {"pk": lambda w: w.integration.pk}
INTEGRATION_TOKEN = {"pk": lambda w: w.integration.pk, "token_key": lambda w: w.integration_token.token_key}
API_ADMIN = "403 403 403 403 403 403 200 403 403 401"

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    # ------------------------------------------------------------------ load-balancer probes (public, JSON)
    "healthz": ("get", {}, None, "200 200 200 200 200 200 200 200 200 200"),
    "readyz": ("get", {}, None, "200 200 200 200 200 200 200 200 200 200"),
    # ------------------------------------------------------------------ user interface
    "frontend:home": ("get", {}, None, UI_SIGNED_IN),
    "accounts:login": ("get", {}, None, "302 302 302 302 302 302 302 302 302 200"),
    "accounts:logout": ("get", {}, None, "302 302 302 302 302 302 302 302 302 302"),
    "accounts:keepalive": ("post", {}, None, "204 204 204 204 204 204 204 204 204 302"),
    "accounts:otp_setup": ("get", {}, None, "200 200 200 200 200 200 302 200 200 302"),
    "accounts:otp_verify": ("get", {}, None, UI_SIGNED_IN),
    "accounts:profile": ("get", {}, None, UI_SIGNED_IN),
    "accounts:notification_read": ("post", ANY, None, "302 302 302 302 302 302 302 302 302 302"),
    # integration accounts (ADR 0016): administrators only
    "accounts:integration_list": ("get", {}, None, MANAGE_ORG),
    "accounts:integration_add": ("get", {}, None, MANAGE_ORG),
    "accounts:integration_detail": ("get", INTEGRATION, None, MANAGE_ORG),
    "accounts:integration_token_issue": ("post", INTEGRATION, None, MANAGE_ORG),  # 200: the token, shown once
    "accounts:integration_token_action": (
        "post",
        {**INTEGRATION_TOKEN, "action": lambda w: "revoke"},
        None,
        "403 403 403 403 403 403 302 403 403 302",
    ),
    "accounts:integration_deactivate": ("post", INTEGRATION, None, "403 403 403 403 403 403 302 403 403 302"),
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
    # the council's own nicknames for person search: administrators only
    "people:name_variants": ("get", {}, None, MANAGE_ORG),
    "people:name_variant_remove": (
        "post",
        {"pk": lambda w: w.name_variant.pk},
        None,
        "403 403 403 403 403 403 302 403 403 302",
    ),
    "audit:access_log": ("get", {}, None, "403 403 403 403 403 403 403 200 403 302"),
    # front door
    "frontdoor:queue": ("get", {}, None, FD_VIEW),
    "frontdoor:contact_add": ("get", {}, None, FD_WORK),
    "frontdoor:contact": ("get", CONTACT, None, FD_VIEW),
    "frontdoor:find": ("get", CONTACT, None, FD_WORK),
    "frontdoor:identify": ("post", CONTACT, None, FD_WORK_POST),
    "frontdoor:add_person": ("post", CONTACT, None, FD_WORK_POST),
    "frontdoor:new_person": ("get", CONTACT, None, FD_WORK),
    "frontdoor:sibling_add": ("get", CONTACT, None, FD_WORK),
    "frontdoor:checks_request": ("get", CONTACT, None, FD_WORK),
    "frontdoor:check_response": ("get", {"pk": lambda w: w.check.pk}, None, FD_WORK),
    "frontdoor:decide": ("get", {"pk": lambda w: w.contact2.pk}, None, FD_WORK),
    "frontdoor:authorise": ("get", {"pk": lambda w: w.decision.pk}, None, "403 403 200 403 403 403 403 403 403 302"),
    "frontdoor:refer": ("get", {}, None, PARTNER_ONLY),
    "frontdoor:my_referrals": ("get", {}, None, PARTNER_ONLY),
    "frontdoor:my_referral": ("get", {"pk": lambda w: w.partner_contact.pk}, None, PARTNER_ONLY),
    "frontdoor:thresholds": ("get", {}, None, UI_SIGNED_IN),
    "frontdoor:threshold_draft": ("get", {}, None, FD_ADMIN),
    "frontdoor:settings": ("get", {}, None, FD_ADMIN),
    "frontdoor:check_type_add": ("get", {}, None, FD_ADMIN),
    "frontdoor:check_type_edit": ("get", {"pk": lambda w: w.check.check_type.pk}, None, FD_ADMIN),
    "directory:list": ("get", {}, None, VIEW_ORG),
    "directory:add": ("get", {}, None, MANAGE_ORG),
    "directory:edit": ("get", {"pk": lambda w: w.hub.pk}, None, MANAGE_ORG),
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
    "api:name-variant-list": ("get", {}, None, API_ADMIN),
    "api:name-variant-detail": ("get", {"pk": lambda w: w.name_variant.pk}, None, API_ADMIN),
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
    "api:integration-account-list": ("get", {}, None, API_ADMIN),
    "api:integration-account-detail": ("get", INTEGRATION, None, API_ADMIN),
    "api:integration-account-tokens": ("post", INTEGRATION, lambda w: {}, "403 403 403 403 403 403 201 403 403 401"),
    "api:integration-account-rotate-token": (
        "post",
        INTEGRATION_TOKEN,
        lambda w: {},
        "403 403 403 403 403 403 201 403 403 401",
    ),
    "api:integration-account-revoke-token": ("post", INTEGRATION_TOKEN, lambda w: {}, API_ADMIN),
    "api:integration-account-deactivate": ("post", INTEGRATION, lambda w: {}, API_ADMIN),
    "api:access-log-list": ("get", {}, None, "403 403 403 403 403 403 403 200 403 401"),
    "api:contact-list": ("get", {}, None, API_FD_VIEW),
    "api:contact-counts": ("get", {}, None, API_FD_VIEW),
    "api:contact-detail": ("get", CONTACT, None, API_FD_VIEW),
    "api:contact-identify-child": (
        "post",
        CONTACT,
        lambda w: {"person": str(w.own.pk)},
        "200 403 200 403 403 403 403 403 403 401",
    ),
    "api:contact-add-person": (
        "post",
        CONTACT,
        lambda w: {"person": str(w.parent.pk), "relationship": "mother"},
        API_FD_CREATE,
    ),
    "api:contact-add-sibling": (
        "post",
        CONTACT,
        lambda w: {"given_names": "Kit", "family_name": "O'Brien"},
        API_FD_CREATE,
    ),
    "api:contact-request-checks": ("post", CONTACT, lambda w: {"check_types": ["Police"]}, API_FD_CREATE),
    "api:contact-propose-decision": (
        "post",
        {"pk": lambda w: w.contact2.pk},
        lambda w: {"level": 1, "outcome": "nfa", "rationale": "Universal services are meeting the child's needs."},
        API_FD_CREATE,
    ),
    "api:partner-check-record-response": (
        "post",
        {"pk": lambda w: w.check.pk},
        lambda w: {
            "information": "Not known to health",
            "rag": "not_known",
            "provided_by_name": "Nurse Ali",
            "version": w.check.version,
        },
        "200 403 200 403 403 403 403 403 403 401",
    ),
    "api:decision-authorise": ("post", {"pk": lambda w: w.decision.pk}, lambda w: {}, API_MANAGER),
    "api:decision-send-back": (
        "post",
        {"pk": lambda w: w.decision.pk},
        lambda w: {"comment": "Wait for health"},
        API_MANAGER,
    ),
    "api:referral-list": ("get", {}, None, API_PARTNER),
    "api:referral-detail": ("get", {"pk": lambda w: w.partner_contact.pk}, None, API_PARTNER),
    "api:threshold-document-list": ("get", {}, None, API_ALL),
    "api:threshold-document-detail": ("get", {"pk": lambda w: w.threshold.pk}, None, API_ALL),
    "api:local-service-list": ("get", {}, None, API_ORG),
    "api:duplicate-list": ("get", {}, None, "403 403 200 403 200 403 200 403 403 401"),
    "api:duplicate-detail": ("get", CANDIDATE, None, "403 403 200 403 200 403 403 403 403 401"),
    "api:duplicate-merge": ("post", CANDIDATE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
    "api:duplicate-not-duplicate": ("post", CANDIDATE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
    "api:duplicate-find": ("post", {}, lambda w: {}, "403 403 202 403 202 403 202 403 403 401"),
    "api:merge-detail": ("get", MERGE, None, "403 403 200 403 200 403 403 403 403 401"),
    "api:merge-undo": ("post", MERGE, lambda w: {}, "403 403 400 403 400 403 403 403 403 401"),
}

from tests.casework_matrix import assessments as _cw_assessments  # noqa: E402
from tests.casework_matrix import cases as _cw_cases  # noqa: E402
from tests.casework_matrix import plans as _cw_plans  # noqa: E402
from tests.casework_matrix import visits as _cw_visits  # noqa: E402
from tests.jobs_matrix import jobs as _jb_jobs  # noqa: E402
from tests.performance_matrix import dashboard as _pf_dashboard  # noqa: E402
from tests.performance_matrix import packs as _pf_packs  # noqa: E402
from tests.returns_matrix import annex_a as _rt_annex_a  # noqa: E402
from tests.returns_matrix import cin as _rt_cin  # noqa: E402
from tests.returns_matrix import ssda903 as _rt_ssda903  # noqa: E402
from tests.support_matrix import panels as _sp_panels  # noqa: E402
from tests.support_matrix import practice as _sp_practice  # noqa: E402
from tests.support_matrix import specialist as _sp_specialist  # noqa: E402
from tests.support_matrix import taf as _sp_taf  # noqa: E402

CASEWORK_BUILDERS = (
    _cw_cases,
    _cw_assessments,
    _cw_plans,
    _cw_visits,
    _rt_cin,
    _rt_ssda903,
    _rt_annex_a,
    _pf_dashboard,
    _pf_packs,
    _sp_specialist,
    _sp_taf,
    _sp_panels,
    _sp_practice,
    _jb_jobs,
)
for _module in CASEWORK_BUILDERS:
    assert not set(_module.MATRIX) & set(MATRIX), f"{_module.__name__} repeats a matrix row"
    MATRIX.update(_module.MATRIX)

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


@pytest.fixture(scope="module")
def _matrix_world_once(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The matrix's council, built once per test process; every case rolls back to it (conftest)."""
    from conftest import build_world, shared_world_module

    with shared_world_module(django_db_blocker, lambda: _build_matrix_world(build_world())) as world:
        yield world


@pytest.fixture
def matrix_world(_matrix_world_once, db):  # type: ignore[no-untyped-def]
    """A copy per test, as Django's TestCase.setUpTestData gives: what a test changes in memory stays its own."""
    return copy.deepcopy(_matrix_world_once)


def _build_matrix_world(world):  # type: ignore[no-untyped-def]
    from familyhelp.accounts.tests.factories import SchoolFactory
    from familyhelp.people.models import FamilyMember, NameVariant
    from familyhelp.people.tests.factories import FamilyFactory

    world.school = SchoolFactory(locality=world.locality)
    world.own_involvement = ProfessionalInvolvement.objects.get(person=world.own, worker=world.sw)
    world.family = FamilyFactory(name="O'Brien family")
    world.name_variant = NameVariant.objects.create(
        name="Bubba", variant="Robert", search_name="bubba", search_variant="robert"
    )
    FamilyMember.objects.create(family=world.family, person=world.own, role="child")
    _dedup_world(world)
    _front_door_world(world)
    _integration_world(world)
    for module in CASEWORK_BUILDERS:
        module.build(world)
    return world


def _front_door_world(world):  # type: ignore[no-untyped-def]
    """A contact about the social worker's child with a health check and a proposed decision, an unmatched
    contact, a partner's referral and a directory entry; every user has just searched for "Nguyen"."""
    from familyhelp.audit.services import access_log_record
    from familyhelp.directory.models import LocalService
    from familyhelp.frontdoor import services as fd
    from familyhelp.frontdoor.models import CheckType, ThresholdDocument
    from familyhelp.frontdoor.tests.conftest import make_contact

    for user in world.users.values():
        access_log_record(actor=user, action="search", criteria={"given_names": "Nguyen"}, reason="matrix")
    world.contact, world.contact2 = make_contact(
        world,
        children=[fd.ChildAsGiven(family_name="OBrien"), fd.ChildAsGiven(family_name="OBrien")],
        received_at=fd.clock.now() - datetime.timedelta(hours=1),
    )
    fd.contact_identify_child(actor=world.frontdoor, contact=world.contact, person=world.own)
    (world.check,) = fd.checks_request(
        actor=world.frontdoor, contact=world.contact, check_types=[CheckType.objects.get(name="Health")], required=[]
    )
    world.decision = fd.decision_propose(
        actor=world.frontdoor,
        contact=world.contact,
        level=2,
        outcome="advice",
        rationale="Advice on parenting support is enough.",
    )
    (world.partner_contact,) = fd.referral_submit(
        actor=world.partner,
        children=[fd.ChildAsGiven(family_name="X")],
        concerns="Worried.",
        consent="given",
        urgency="routine",
    )
    world.hub = LocalService.objects.create(name="Hub", kind="family_hub", offer="Groups")
    world.threshold = ThresholdDocument.objects.get(number=1)


def _integration_world(world):  # type: ignore[no-untyped-def]
    """An integration account with one token (ADR 0016)."""
    from familyhelp.accounts import services

    world.integration = services.integration_account_create(
        actor=world.admin, name="Power BI refresh", scopes=["read-performance"]
    )
    world.integration_token = services.integration_token_issue(actor=world.admin, account=world.integration)


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
        response = c.get(url, payload or {})  # a GET's data is its query string
    else:
        response = (
            c.post(url, payload, content_type="application/json")
            if name.startswith("api:")
            else c.post(url, payload or {})
        )
    assert response.status_code == expected, (name, role, response.status_code, response.content[:300])
