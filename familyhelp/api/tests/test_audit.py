"""The access log endpoint: auditors only, read-only, and reading it is itself logged."""

from __future__ import annotations

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.core import clock

pytestmark = pytest.mark.django_db

LOG = "/api/v1/audit/access-log/"


@pytest.mark.parametrize("user_key", ["sw", "manager", "leader", "admin", "analyst", "partner"])
def test_only_auditors_read_the_access_log(api_as, world, user_key):
    assert api_as(world.users[user_key]).get(LOG).status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.AUDIT_SEARCH).exists()


def test_filters_apply_and_the_search_is_logged_with_them(api_as, world):
    api_as(world.sw).get(f"/api/v1/people/{world.own.pk}/")
    api_as(world.partner).get(f"/api/v1/people/{world.own.pk}/")
    today = clock.today().isoformat()
    client = api_as(world.auditor)
    response = client.get(LOG, {"person": str(world.own.pk), "action": "view", "date_from": today, "date_to": today})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["user"], r["action"], r["channel"]) for r in rows] == [(str(world.sw.pk), "view", "api")]
    assert rows[0]["user_name"] == str(world.sw)
    (search,) = AccessLog.objects.filter(user=world.auditor, action=AccessLog.Action.AUDIT_SEARCH)
    assert search.criteria == {
        "person_id": str(world.own.pk),
        "action": "view",
        "date_from": today,
        "date_to": today,
    }
    assert search.result_count == 1

    denied = client.get(LOG, {"user": str(world.partner.pk), "action": "denied"}).json()["results"]
    assert [r["person"] for r in denied] == [str(world.own.pk)]


def test_the_log_is_read_only_and_filters_are_checked(api_as, world):
    client = api_as(world.auditor)
    assert client.post(LOG, {}, format="json").status_code == 405
    row = AccessLog.objects.create(user=world.sw, action="view")
    assert client.get(f"{LOG}{row.pk}/").status_code == 404
    assert client.delete(f"{LOG}{row.pk}/").status_code == 404
    response = client.get(LOG, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.json() == {"date_to": ["The end date must be on or after the start date"]}
    assert client.get(LOG, {"action": "nonsense"}).status_code == 400
