"""The performance API: the measure library, the report (suppressed aggregates) and its CSV, benchmarks CRUD."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.performance.engine import EXPORT_COLUMNS
from familyhelp.performance.measures import MEASURES
from familyhelp.performance.models import Benchmark
from familyhelp.performance.tests import world as pw


@pytest.fixture
def three_referrals(world):  # type: ignore[no-untyped-def]
    for person, worker in ((world.own, world.sw), (world.team_child, world.colleague), (world.other, world.cp_worker)):
        pw.episode(pw.case(person, opened=pw.D(2025, 2, 3), team=worker.team, worker=worker), pw.D(2025, 2, 3))
    return world


@pytest.mark.django_db
def test_the_library(world, client_for):
    data = client_for(world.manager).get(reverse("api:performance-measures-list")).json()
    assert [m["key"] for m in data] == list(MEASURES)
    timeliness = next(m for m in data if m["key"] == "assessment-timeliness")
    assert timeliness["group"] == "assessment" and timeliness["headline"] == "in_time"
    median = next(f for f in timeliness["figures"] if f["key"] == "median")
    assert median["label"].startswith("Median ")
    assert timeliness["summary"]


@pytest.mark.django_db
def test_the_report_suppresses_small_counts(three_referrals, client_for):
    response = client_for(three_referrals.analyst).get(reverse("api:performance-report-list"), {"period": "2025-Q1"})
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2025-Q1" and data["previous_period"] == "2024-Q4" and data["suppression_threshold"] == 5
    total = next(
        r for r in data["rows"] if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current")
    )
    assert total["value"] == "c" and total["numerator"] == "c" and total["suppressed"] is True
    zero = next(
        r for r in data["rows"] if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "previous")
    )
    assert zero["value"] == 0 and zero["suppressed"] is False


@pytest.mark.django_db
def test_a_team_filter_lists_the_measures_it_does_not_apply_to(three_referrals, client_for):
    w = three_referrals
    data = (
        client_for(w.leader)
        .get(reverse("api:performance-report-list"), {"period": "2025-Q1", "team": str(w.team_a.pk)})
        .json()
    )
    assert {"measure": "contacts", "reason": "Not broken down by the filters used."} in data["unavailable"]
    assert not any(r["measure"] == "contacts" for r in data["rows"])
    assert data["filters"] == {"team": w.team_a.pk.hex}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [({"period": "2025-Q5"}, "period"), ({"team": "nope"}, "team"), ({"level": "9"}, "level")],
)
def test_bad_periods_and_filters_are_400_with_the_field(world, client_for, query, field):
    response = client_for(world.leader).get(reverse("api:performance-report-list"), query)
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field][0]


@pytest.mark.django_db
def test_the_csv(three_referrals, client_for):
    response = client_for(three_referrals.leader).get(reverse("api:performance-report-csv"), {"period": "2024-25"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="family-help-measures-2024-25.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == EXPORT_COLUMNS
    total = next(r for r in rows if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current"))
    assert total["value"] == "c"
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.channel == "api" and log.criteria == {"period": "2024-25"}


@pytest.mark.django_db
def test_benchmarks_crud_with_versions(world, client_for):
    c = client_for(world.leader)
    url = reverse("api:performance-benchmarks-list")
    body = {
        "measure": "referrals",
        "figure": "total",
        "kind": "target",
        "value": "40",
        "year": "2024-25",
        "source": "Council plan",
    }
    bad = c.post(url, {**body, "year": "2024-2025"}, content_type="application/json")
    assert bad.status_code == 400 and "year" in bad.json()
    wrong_figure = c.post(url, {**body, "figure": "in_time"}, content_type="application/json")
    assert wrong_figure.status_code == 400 and "figure" in wrong_figure.json()
    created = c.post(url, body, content_type="application/json")
    assert created.status_code == 201
    pk, detail = created.json()["id"], reverse("api:performance-benchmarks-detail", args=[created.json()["id"]])
    assert c.get(detail).json()["version"] == 1
    assert c.patch(detail, {"value": "42"}, content_type="application/json").status_code == 400  # no version
    assert c.patch(detail, {"value": "42", "version": 1}, content_type="application/json").json()["version"] == 2
    stale = c.patch(detail, {"value": "43", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert Benchmark.objects.get(pk=pk).value == 42
    assert c.delete(detail + "?version=1").status_code == 409
    assert c.delete(detail + "?version=2").status_code == 204
    assert not Benchmark.objects.exists()


@pytest.mark.django_db
def test_a_team_manager_reads_benchmarks_but_cannot_write_them(world, client_for):
    c = client_for(world.manager)
    assert c.get(reverse("api:performance-benchmarks-list")).status_code == 200
    response = c.post(
        reverse("api:performance-benchmarks-list"),
        {"measure": "referrals", "figure": "total", "kind": "target", "value": "1", "year": "2024-25", "source": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Benchmark.objects.exists()
