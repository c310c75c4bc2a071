"""Query budgets of person search (page and API), the organisation pages, the directory, the access log and
the remaining /api/v1/ lists (organisation, directory, threshold documents, name variants, integrations)."""

from __future__ import annotations

from typing import Any

import pytest

from familyhelp.people.forms import PURPOSES
from tests.query_budgets import builders as b
from tests.query_budgets.conftest import Budget

pytestmark = pytest.mark.django_db


def _run(name: str, client: Any, url: str, grow: Any, ceiling: int, *, slack: int = 0, **request: Any) -> None:
    grow(2)
    budget = Budget(name, client, url, **request)
    budget.small()
    grow(10)
    budget.large()
    budget.check(ceiling=ceiling, slack=slack)


# --- person search ------------------------------------------------------------------------------------------
def _namesakes(world: Any, n: int, *, restricted: int = 0) -> None:
    """`n` children called Okonkwo, some on the social worker's caseload, some outside her scope; and
    `restricted` restricted records of the name."""
    from familyhelp.people.tests.factories import RestrictedChildFactory

    for i in range(n):
        b.child_of(world.sw if i % 2 else world.cp_worker, given_names="Chidi", family_name="Okonkwo")
    for _ in range(restricted):
        b.child_of(world.cp_worker, factory=RestrictedChildFactory, given_names="Chidi", family_name="Okonkwo")


SEARCH = {"given_names": "Chidi", "family_name": "Okonkwo", "purpose": PURPOSES[1][0]}


@pytest.mark.parametrize("role", ["sw", "manager", "frontdoor"])
def test_person_search_page(world, page_as, role):
    _run(f"person search page ({role})", page_as(world.users[role]), "/people/search/",
         lambda n: _namesakes(world, n), 13, method="post", data=SEARCH)  # fmt: skip


@pytest.mark.parametrize("role", ["sw", "frontdoor"])
def test_person_search_api(world, api_as, role):
    _run(f"API person search ({role})", api_as(world.users[role]), "/api/v1/people/search/",
         lambda n: _namesakes(world, n), 12, method="post", data=SEARCH, format="json")  # fmt: skip


# Restricted records found: grants and break glass are checked for the whole page in two queries
# (people/search.py `_restricted_open_to`; it was person_access per restricted result, about four queries each).
@pytest.mark.parametrize("role", ["frontdoor", "leader"])
def test_person_search_with_restricted_results(world, page_as, role):
    _run(f"person search page, restricted results ({role})", page_as(world.users[role]), "/people/search/",
         lambda n: _namesakes(world, 1, restricted=n), 13, method="post", data=SEARCH)  # fmt: skip


# --- organisation, directory, access log -------------------------------------------------------------------
def _organisation(world: Any, n: int) -> None:
    from familyhelp.accounts.tests.factories import PartnerAgencyFactory, SchoolFactory, TeamFactory

    b.team_members(world, n)
    for _ in range(n):
        TeamFactory(local_authority=world.la, locality=world.locality)
        SchoolFactory()
        PartnerAgencyFactory()


def _directory(world: Any, n: int) -> None:
    from familyhelp.taf.tests.factories import LocalServiceFactory

    for _ in range(n):
        LocalServiceFactory()


def _log(world: Any, n: int) -> None:
    from familyhelp.audit.models import AccessLog

    b.refused_access(world, n)
    for _ in range(n):
        AccessLog.objects.create(user=world.sw, action=AccessLog.Action.VIEW, person=world.own, basis="own")


def _variants(world: Any, n: int) -> None:
    from familyhelp.people.models import NameVariant

    start = NameVariant.objects.count()
    for i in range(start, start + n):
        name, variant = f"Name{i}", f"Variant{i}"
        NameVariant.objects.create(name=name, variant=variant, search_name=name.lower(), search_variant=variant.lower())


@pytest.mark.parametrize(
    ("name", "role", "url", "grow", "ceiling"),
    [
        ("organisation overview", "admin", "/organisation/", _organisation, 12),
        ("organisation workers", "manager", "/organisation/workers/", _organisation, 9),
        ("organisation users", "admin", "/organisation/users/", _organisation, 8),
        ("API teams", "admin", "/api/v1/teams/", _organisation, 8),
        ("API workers", "manager", "/api/v1/workers/", _organisation, 8),
        ("API users", "admin", "/api/v1/users/", _organisation, 8),
        ("API schools", "admin", "/api/v1/schools/", _organisation, 8),
        ("API partner agencies", "admin", "/api/v1/partner-agencies/", _organisation, 8),
        ("API localities", "admin", "/api/v1/localities/", _organisation, 8),
        ("API local authorities", "admin", "/api/v1/local-authorities/", _organisation, 8),
        ("directory", "sw", "/directory/", _directory, 9),
        ("API local services", "sw", "/api/v1/local-services/", _directory, 8),
        ("API threshold documents", "frontdoor", "/api/v1/threshold-documents/", _directory, 9),
        ("access log page", "auditor", "/audit/access-log/", _log, 11),
        ("API access log", "auditor", "/api/v1/audit/access-log/", _log, 10),
        ("name variants page", "admin", "/people/name-variants/", _variants, 8),
        ("API name variants", "admin", "/api/v1/name-variants/", _variants, 7),
        ("API integration accounts", "admin", "/api/v1/integration-accounts/", _organisation, 7),
        ("API me", "sw", "/api/v1/me/", _organisation, 7),
    ],
)
def test_admin_lists(world, page_as, api_as, name, role, url, grow, ceiling):
    client = (api_as if url.startswith("/api/") else page_as)(world.users[role])
    _run(name, client, url, lambda n: grow(world, n), ceiling)
