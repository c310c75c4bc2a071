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
