"""Practice tests: the seeded instruments are present even after a transactional test emptied the tables."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _instruments(request):  # type: ignore[no-untyped-def]
    if request.node.get_closest_marker("django_db") is None and not {"db", "world"} & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    from familyhelp.practice.defaults import install

    install()
