"""Record access is decided once per request and decided again after a write that can change it (ADR 0019)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from familyhelp.accounts.models import BreakGlassAccess, RestrictedAccessGrant
from familyhelp.core import clock
from familyhelp.core.middleware import _request_var
from familyhelp.people.permissions import person_access


def _in_a_request(method: str = "GET"):  # type: ignore[no-untyped-def]
    return _request_var.set(getattr(RequestFactory(), method.lower())("/"))


def test_inside_a_request_the_decision_is_read_once(world):  # type: ignore[no-untyped-def]
    token = _in_a_request()
    try:
        with CaptureQueriesContext(connection) as first:
            assert person_access(world.sw, world.own).allowed
        with CaptureQueriesContext(connection) as again:
            for _ in range(5):
                assert person_access(world.sw, world.own).allowed
                assert not person_access(world.sw, world.other).allowed
        assert len(first.captured_queries) >= 1
        assert len(again.captured_queries) == 1  # world.other decided once; world.own not read again
    finally:
        _request_var.reset(token)


def test_outside_a_request_every_call_decides_afresh(world):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        person_access(world.sw, world.own)
        person_access(world.sw, world.own)
    assert len(ctx.captured_queries) >= 2


def test_break_glass_a_grant_and_its_revocation_are_seen_in_the_same_request(world):  # type: ignore[no-untyped-def]
    token = _in_a_request("POST")
    try:
        assert person_access(world.sw, world.restricted).needs_break_glass
        later = clock.now() + datetime.timedelta(hours=8)
        glass = BreakGlassAccess.objects.create(person=world.restricted, user=world.sw, reason="Now", expires_at=later)
        assert person_access(world.sw, world.restricted).basis == "break_glass"
        glass.delete()
        assert person_access(world.sw, world.restricted).needs_break_glass
        grant = RestrictedAccessGrant.objects.create(
            person=world.restricted, user=world.sw, granted_by=world.manager, reason="Allocated"
        )
        assert person_access(world.sw, world.restricted).basis == "grant"
        grant.revoked_at = clock.now()
        grant.save()
        assert not person_access(world.sw, world.restricted).allowed
    finally:
        _request_var.reset(token)


def test_an_ended_involvement_is_seen_in_the_same_request(world):  # type: ignore[no-untyped-def]
    token = _in_a_request("POST")
    try:
        assert person_access(world.sw, world.own).basis == "own"
        involvement = world.own.involvements.get(worker=world.sw)
        involvement.end_date = involvement.start_date  # ended long ago (past the 90 days scope lasts)
        involvement.save()
        assert not person_access(world.sw, world.own).allowed  # it was only on the worker's own caseload
    finally:
        _request_var.reset(token)
