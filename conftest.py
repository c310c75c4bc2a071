"""Shared fixtures: a small council ("world") with a user of every role and children related to them
in every way the record scope distinguishes (own caseload, team, service, other, referred, restricted)."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from familyhelp.accounts.roles import Role, Scope
from familyhelp.accounts.tests.factories import (
    LocalAuthorityFactory,
    LocalityFactory,
    PartnerUserFactory,
    TeamFactory,
    UserFactory,
)
from familyhelp.organisation.models import Team
from familyhelp.people.models import Relationship
from familyhelp.people.tests.factories import (
    AdultFactory,
    ChildFactory,
    InvolvementFactory,
    ReferrerInvolvementFactory,
    RestrictedChildFactory,
)


def _warm_polars_dates() -> None:
    """Load Polars' date handling before any test freezes the clock: a module first imported inside a frozen
    test (freezegun) keeps FakeDate as its `date` for good, and Polars then reads real dates as objects."""
    import polars as pl

    day = datetime.date(2025, 1, 1)
    starts = pl.Series([day], dtype=pl.Date)
    frame = pl.DataFrame({"d": [day, day]})
    starts.search_sorted(frame["d"], side="right")
    frame.with_columns(pl.lit(day).alias("x"), pl.business_day_count(pl.col("d"), pl.col("d"), holidays=[day]))
    frame.filter(pl.col("d") <= pl.lit(day)).group_by("d").len().to_dicts()


_warm_polars_dates()

# No timing assertions in tests (speed is measured by `familyhelp bench`): hypothesis deadlines off.
hypothesis_settings.register_profile("familyhelp", deadline=None)
hypothesis_settings.load_profile("familyhelp")


@pytest.fixture(autouse=True)
def _fresh_council_name():  # type: ignore[no-untyped-def]
    """The header's council name is cached per process (frontend.context_processors); each test reads its own."""
    from django.core.cache import cache

    from familyhelp.frontend.context_processors import COUNCIL_NAME_KEY

    cache.delete(COUNCIL_NAME_KEY)
    yield


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """A council with one user per role and one child per relationship to the social worker `sw`."""
    return build_world()


def build_world() -> SimpleNamespace:
    """The `world` fixture's council (also built once per module by fixtures that share it, see
    `shared_world_module`)."""
    la = LocalAuthorityFactory()
    north = LocalityFactory(local_authority=la, name="North")
    team_a = TeamFactory(local_authority=la, name="North family support", kind=Team.Kind.FAMILY_SUPPORT, locality=north)
    team_a2 = TeamFactory(local_authority=la, name="Early help", kind=Team.Kind.EARLY_HELP)
    team_b = TeamFactory(local_authority=la, name="Child protection", kind=Team.Kind.CHILD_PROTECTION)
    mash = TeamFactory(local_authority=la, name="MASH", kind=Team.Kind.FRONT_DOOR)
    fgc = TeamFactory(local_authority=la, name="FGC", kind=Team.Kind.FGC)
    w = SimpleNamespace(la=la, locality=north, team_a=team_a, team_a2=team_a2, team_b=team_b, mash=mash)
    w.sw = UserFactory(username="sw", role=Role.SOCIAL_WORKER, team=team_a, swe_number="SW123456")
    w.colleague = UserFactory(username="colleague", role=Role.FAMILY_SUPPORT_WORKER, team=team_a)
    w.manager = UserFactory(username="manager", role=Role.TEAM_MANAGER, team=team_a)
    w.eh_worker = UserFactory(username="ehworker", role=Role.FAMILY_HELP_PRACTITIONER, team=team_a2)
    w.cp_worker = UserFactory(username="cpworker", role=Role.SOCIAL_WORKER, team=team_b)
    w.frontdoor = UserFactory(username="frontdoor", role=Role.FRONT_DOOR, team=mash)
    w.specialist = UserFactory(username="specialist", role=Role.SPECIALIST_COORDINATOR, team=fgc)
    w.leader = UserFactory(username="leader", role=Role.SENIOR_LEADER, team=None)
    w.analyst = UserFactory(username="analyst", role=Role.ANALYST, team=None)
    w.admin = UserFactory(username="admin", role=Role.ADMINISTRATOR, team=None)
    w.auditor = UserFactory(username="auditor", role=Role.AUDITOR, team=None)
    w.partner = PartnerUserFactory(username="partner")
    start = datetime.date(2024, 1, 1)
    w.own = ChildFactory(given_names="Zoë", family_name="O'Brien", date_of_birth=datetime.date(2016, 3, 4))
    InvolvementFactory(person=w.own, worker=w.sw, start_date=start)
    w.team_child = ChildFactory(given_names="Minh", family_name="Nguyễn")
    InvolvementFactory(person=w.team_child, worker=w.colleague, start_date=start)
    w.service_child = ChildFactory(given_names="Aaliyah", family_name="Khan")
    InvolvementFactory(person=w.service_child, worker=w.eh_worker, start_date=start)
    w.other = ChildFactory(given_names="Oliver", family_name="Smith")
    InvolvementFactory(person=w.other, worker=w.cp_worker, start_date=start)
    w.referred = ChildFactory(given_names="Amara", family_name="Okafor")
    InvolvementFactory(person=w.referred, worker=w.cp_worker, start_date=start)
    ReferrerInvolvementFactory(person=w.referred, worker=w.partner, start_date=start)
    w.restricted = RestrictedChildFactory(given_names="Jamie", family_name="Staffchild")
    InvolvementFactory(person=w.restricted, worker=w.colleague, start_date=start)
    w.parent = AdultFactory(given_names="Siobhán", family_name="O'Brien")
    Relationship.objects.create(person=w.parent, related_person=w.own, type=Relationship.Type.PARENT)
    Relationship.objects.create(person=w.own, related_person=w.parent, type=Relationship.Type.CHILD)
    w.users = {
        "sw": w.sw,
        "manager": w.manager,
        "eh_worker": w.eh_worker,
        "cp_worker": w.cp_worker,
        "frontdoor": w.frontdoor,
        "specialist": w.specialist,
        "leader": w.leader,
        "analyst": w.analyst,
        "admin": w.admin,
        "auditor": w.auditor,
        "partner": w.partner,
    }
    w.children = {
        "own": w.own,
        "team": w.team_child,
        "service": w.service_child,
        "other": w.other,
        "referred": w.referred,
        "restricted": w.restricted,
        "parent_of_own": w.parent,
    }
    assert w.manager.scope == Scope.SERVICE
    return w


@contextmanager
def shared_world_module(django_db_blocker, build):  # type: ignore[no-untyped-def]
    """Build a module's data once and give every test of the module its own rollback (issue 15: the role
    matrix built its world ~5,000 times). The data is created inside an outer transaction that is rolled
    back when the module ends; each test's `db` transaction is then a savepoint inside it, so whatever a test
    writes is undone before the next. For module-scoped fixtures only; not for transactional tests."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        world = build()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """Log the test client in as a user (second factor marked verified for roles that need it)."""

    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        if user.role == Role.ADMINISTRATOR:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return login


_DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """`make test-postgres` runs the suite a second time for the database's sake: with
    FAMILYHELP_DATABASE_TESTS_ONLY=1 the tests that never touch a database (pure functions, parsers, the
    benches' arithmetic) are left out of that pass; they ran, and passed, on SQLite."""
    import os

    if os.environ.get("FAMILYHELP_DATABASE_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = set(getattr(item, "fixturenames", ())) & _DB_FIXTURES or item.get_closest_marker("django_db")
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
