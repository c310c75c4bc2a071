"""The performance API: the measure library, the report (suppressed aggregates) and its CSV, benchmarks CRUD."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.performance.measures import MEASURES
from familyhelp.performance.models import Benchmark
from familyhelp.performance.tests import world as pw
from familyhelp.performance.views_dashboard import export_columns


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
    assert list(rows[0]) == export_columns()
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


# --- drill-down ---------------------------------------------------------------------------------------------
def records_url(**query: str) -> str:
    from urllib.parse import urlencode

    return reverse("api:performance-records-list") + "?" + urlencode({"period": "2025-Q1", **query})


@pytest.mark.django_db
def test_records_lists_the_cases_in_scope_counts_the_rest_and_logs(referrals, client_for):
    w = referrals
    response = client_for(w.manager).get(records_url(measure="referrals", figure="total"))
    assert response.status_code == 200
    data = response.json()
    assert (data["kind"], data["total"], data["hidden"], data["count"]) == ("case", 3, 1, 2)
    assert data["figure_label"] == "Referrals" and data["period"] == "2025-Q1"
    listed = {r["reference"]: r for r in data["results"]}
    assert set(listed) == {w.cases["own"].reference, w.cases["team"].reference}
    own = listed[w.cases["own"].reference]
    assert own["url"].endswith(reverse("api:case-detail", args=[w.cases["own"].pk]))
    assert own["opened_on"] == "2025-02-03" and own["team"] == w.team_a.name and own["level"] == w.cases["own"].level
    body = response.content.decode()
    for name in ("Zoë", "Minh", "Oliver", w.cases["other"].reference):
        assert name not in body  # names come from the case endpoint (which logs its own read); out of scope: counted
    log = AccessLog.objects.get(user=w.manager, action=AccessLog.Action.SEARCH)
    assert log.criteria == {"measure": "referrals", "figure": "total", "period": "2025-Q1"}
    assert log.result_count == 2 and log.reason == "Performance drill-down (API)"


@pytest.mark.django_db
def test_records_for_an_analyst_are_counts_only_and_a_leader_pages_through_all(referrals, client_for):
    w = referrals
    analyst = client_for(w.analyst).get(records_url(measure="referrals", figure="total")).json()
    assert (analyst["total"], analyst["hidden"], analyst["count"], analyst["results"]) == (3, 3, 0, [])
    leader = client_for(w.leader)
    first = leader.get(records_url(measure="referrals", figure="total", limit="2")).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = leader.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    references = [r["reference"] for r in first["results"] + second["results"]]
    assert references == sorted(c.reference for c in w.cases.values())
    team_only = leader.get(records_url(measure="referrals", figure="total", team=str(w.team_b.pk))).json()
    assert [r["reference"] for r in team_only["results"]] == [w.cases["other"].reference]
    assert team_only["filters"] == {"team": w.team_b.pk.hex}


@pytest.mark.django_db
def test_records_contacts_carry_an_address_only_for_front_door_readers(world, client_for):
    con = pw.contact(pw.at(2025, 2, 4))
    leader = client_for(world.leader).get(records_url(measure="contacts", figure="total")).json()
    (row,) = leader["results"]
    assert leader["kind"] == "contact" and row["reference"] == con.reference
    assert row["url"].endswith(reverse("api:contact-detail", args=[con.pk])) and row["received_at"]
    manager = client_for(world.manager).get(records_url(measure="contacts", figure="total")).json()
    assert manager["total"] == 1


@pytest.mark.django_db
def test_records_refuses_missing_or_unknown_measures_figures_and_periods(referrals, client_for):
    c = client_for(referrals.leader)
    missing = c.get(reverse("api:performance-records-list"))
    assert missing.status_code == 400
    assert missing.json() == {"measure": ["Give the measure's key"], "figure": ["Give the figure's key"]}
    unknown = c.get(records_url(measure="no-such", figure="total"))
    assert unknown.status_code == 400 and unknown.json() == {"measure": ["There is no measure called 'no-such'"]}
    figure = c.get(records_url(measure="referrals", figure="nonsense"))
    assert figure.status_code == 400
    assert figure.json()["figure"] == [
        "Referrals by source has no figure 'nonsense' that can be listed for these filters"
    ]
    period = c.get(records_url(measure="referrals", figure="total", period="2025-Q7"))
    assert period.status_code == 400 and list(period.json()) == ["period"]
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH).exists()
    assert client_for(referrals.partner).get(records_url(measure="referrals", figure="total")).status_code == 403
