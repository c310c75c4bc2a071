"""The child's page and the work tray read a fixed number of queries, however much there is to show."""

from __future__ import annotations

import datetime

from django.urls import reverse

from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.people import services
from familyhelp.people.tests.factories import AdultFactory, ChildFactory, InvolvementFactory


def _page_queries(client, url):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first view may renew the session (at most once a minute): count a view like any other
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_child_page_queries_do_not_grow_with_the_record(world, client_for):
    client = client_for(world.sw)
    url = reverse("people:detail", args=[world.own.pk])
    before = _page_queries(client, url)
    for i in range(8):
        relative = AdultFactory(given_names=f"Relative{i}")
        services.relationship_add(actor=world.sw, person=world.own, related_person=relative, type="aunt_uncle")
        services.involvement_add(
            actor=world.sw, person=world.own, role="gp", professional_name=f"Dr {i}", start_date=datetime.date.today()
        )
        chronology_add_significant_event(
            actor=world.sw, person=world.own, occurred_on=datetime.date.today(), summary=f"Event {i}"
        )
    services.family_create(
        actor=world.sw, name="O'Brien family", members=[(world.own, "child"), (world.parent, "parent")]
    )
    after = _page_queries(client, url)
    assert after <= before + 2, (before, after)  # the family section appears once, not per member


def test_work_tray_queries_do_not_grow_with_the_caseload(world, client_for):
    client = client_for(world.sw)
    url = reverse("frontend:home")
    before = _page_queries(client, url)
    for _ in range(15):
        InvolvementFactory(person=ChildFactory(), worker=world.sw)
    after = _page_queries(client, url)
    assert after == before, (before, after)
