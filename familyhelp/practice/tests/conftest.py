"""Practice tests: the seeded instruments are present even after a transactional test emptied the tables;
`case` is the social worker's open case for Zoë (world.own), which lets them record her tools."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.casework.models import Case


@pytest.fixture(autouse=True)
def _instruments(request):  # type: ignore[no-untyped-def]
    if request.node.get_closest_marker("django_db") is None and not {"db", "world"} & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    from familyhelp.practice.defaults import install

    install()


@pytest.fixture(autouse=True)
def _wide_late_recording(request):  # type: ignore[no-untyped-def]
    """These tests record tools dated 2025 on today's clock and are not about late recording: the council's
    late-recording days are set wide for them. test_effective_dates.py keeps the council's 7 days."""
    if "world" not in request.fixturenames:
        return
    from familyhelp.organisation.models import LocalAuthority

    request.getfixturevalue("world")
    LocalAuthority.objects.update(late_recording_days=36500)


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return Case.objects.create(
        reference="CASE7000001",
        person=world.own,
        level=4,
        status="open",
        opened_on=datetime.date(2024, 1, 2),
        team=world.sw.team,
        worker=world.sw,
        allocated_on=datetime.date(2024, 1, 2),
    )
