"""The performance dashboard, drill-down and CSV pages, parsed from the rendered HTML.

The world (conftest) has a social worker's child (Zoë, team A), a colleague's child (Minh, team A) and a
child-protection worker's child (Oliver, team B). Three CIN referrals start in February 2025, so the
referrals measure for 2025-Q1 is 3: a team manager (service scope) may see two of them, a senior leader all
three and an analyst (no record scope) none.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import lxml.html
import pytest
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.performance.models import Benchmark
from familyhelp.performance.tests import world as pw

Q1 = "2025-Q1"


def page(response):  # type: ignore[no-untyped-def]
    return lxml.html.fromstring(response.content.decode())


def text(node) -> str:  # type: ignore[no-untyped-def]
    """The visible text (without govuk-visually-hidden parts), whitespace squashed."""
    copy = lxml.html.fromstring(lxml.html.tostring(node))
    for hidden in by_class(copy, "govuk-visually-hidden"):
        hidden.drop_tree()
    return " ".join(copy.text_content().split())


def by_class(node, name: str) -> list:  # type: ignore[no-untyped-def]
    return node.xpath(f'descendant-or-self::*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')


def drill_url(measure: str = "referrals", figure: str = "total", **query: str) -> str:
    from urllib.parse import urlencode

    return reverse("performance:drilldown", args=[measure, figure]) + "?" + urlencode({"period": Q1, **query})


# --- the dashboard -------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_group_page_shows_chart_table_and_links_each_count_to_its_records(referrals, client_for):
    w = referrals
    response = client_for(w.leader).get(reverse("performance:dashboard"), {"period": Q1, "group": "front-door"})
    assert response.status_code == 200
    doc = page(response)
    table = doc.get_element_by_id("measure-referrals-table")
    assert text(table.find(".//caption")) == "Referrals by source: figures"
    headings = [text(th) for th in table.findall(".//thead//th")][:4]
    assert headings == ["Figure", "Jan–Mar 2025", "Oct–Dec 2024", "Jan–Mar 2024"]
    assert all(th.get("scope") == "col" for th in table.findall(".//thead//th"))
    first = table.find(".//tbody/tr")
    assert first.find("th").get("scope") == "row" and text(first.find("th")) == "Referrals"
    link = first.find(".//td/a")
    assert link.text.strip() == "3"
    assert link.get("href") == drill_url()
    section = doc.get_element_by_id("measure-referrals")
    charts = section.findall(".//svg")
    assert len(charts) == 2  # the trend, and the breakdown by source
    assert all(svg.get("role") == "img" and svg.get("aria-label") for svg in charts)
    assert "Referrals: 3 in Jan–Mar 2025" in text(section)
    # one group per page: other groups' measures are not drawn
    with pytest.raises(KeyError):
        doc.get_element_by_id("measure-caseloads")
    tabs = by_class(doc, "moj-sub-navigation__link")
    assert [a.text for a in tabs][:2] == ["Overview", "Front door"]
    assert tabs[1].get("aria-current") == "page"


@pytest.mark.django_db
def test_overview_is_the_default_and_lists_every_headline(referrals, client_for):
    response = client_for(referrals.manager).get(reverse("performance:dashboard"), {"period": Q1})
    assert response.status_code == 200
    doc = page(response)
    rows = doc.get_element_by_id("overview").findall(".//tbody/tr")
    from familyhelp.performance.measures import MEASURES

    assert len(rows) == len(MEASURES)
    referrals_row = next(r for r in rows if text(r.find("th")) == "Referrals by source")
    assert [text(td) for td in referrals_row.findall("td")][:2] == ["Referrals", "3"]
    assert not doc.findall(".//svg")  # no charts on the overview


@pytest.mark.django_db
def test_default_period_is_the_latest_complete_quarter(world, client_for):
    from familyhelp.performance.forms_dashboard import latest_complete_quarter

    response = client_for(world.analyst).get(reverse("performance:dashboard"))
    assert response.status_code == 200
    assert latest_complete_quarter().label in text(page(response).find(".//h1"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"period": "2025-13"}, "id_start", "The period in the link cannot be read"),
        (
            {"kind": "custom", "start_day": "31", "start_month": "2", "start_year": "2025"},
            "id_start",
            "must be a real date",
        ),
        (
            {"kind": "custom", "start_day": "1", "start_month": "2", "start_year": "2025"},
            "id_end",
            "Enter the end date",
        ),
        ({"kind": "quarter", "quarter": "2025-Q9"}, "id_quarter", "Choose a quarter from the list"),
        ({"kind": "month"}, "id_month", "Choose a month"),
        ({"period": Q1, "team": "not-a-team"}, "id_team", "Choose a team from the list"),
        ({"period": Q1, "level": "7"}, "id_level", "Choose a level from the list"),
    ],
)
def test_bad_input_gives_the_error_summary_and_no_report(world, client_for, query, field, message):
    response = client_for(world.leader).get(reverse("performance:dashboard"), query)
    assert response.status_code == 400
    doc = page(response)
    summary = by_class(doc, "govuk-error-summary")[0]
    links = summary.findall(".//a")
    assert any(message in a.text for a in links), [a.text for a in links]
    assert any(a.get("href").startswith(f"#{field}") for a in links)
    assert message in text(doc.get_element_by_id(f"{field}-error"))
    assert not by_class(doc, "moj-sub-navigation") and not doc.findall(".//table")
    assert text(doc.find(".//title")).startswith("Error:")


@pytest.mark.django_db
def test_custom_dates_and_old_periods_from_links_are_read(world, client_for):
    c = client_for(world.leader)
    custom = c.get(
        reverse("performance:dashboard"),
        {
            "kind": "custom",
            "start_day": "6",
            "start_month": "1",
            "start_year": "2025",
            "end_day": "14",
            "end_month": "2",
            "end_year": "2025",
            "group": "workforce",
        },
    )
    assert custom.status_code == 200
    assert "6 January 2025 to 14 February 2025" in text(page(custom).find(".//h1"))
    old = c.get(reverse("performance:dashboard"), {"period": "2012-03"})
    assert old.status_code == 200 and "March 2012" in text(page(old).find(".//h1"))


@pytest.mark.django_db
def test_a_measure_not_broken_down_by_team_says_so(referrals, client_for):
    w = referrals
    response = client_for(w.leader).get(
        reverse("performance:dashboard"), {"period": Q1, "group": "front-door", "team": w.team_a.pk.hex}
    )
    assert response.status_code == 200
    doc = page(response)
    contacts = doc.get_element_by_id("measure-contacts")
    assert "not broken down by team" in text(contacts)
    assert not contacts.findall(".//table")
    referrals_table = doc.get_element_by_id("measure-referrals-table")
    assert text(referrals_table.find(".//tbody/tr/td")) == "2"  # Zoë and Minh: team A only
    assert "Team: North family support" in text(doc.find(".//h1"))


@pytest.mark.django_db
def test_the_dashboard_shows_benchmarks_with_their_source(referrals, client_for):
    Benchmark.objects.create(
        measure="referrals", figure="total", kind="national", value=Decimal("5"), year="2024-25", source="DfE CIN 2025"
    )
    Benchmark.objects.create(
        measure="referrals", figure="total", kind="target", value=Decimal("4"), year="2023-24", source="Council plan"
    )
    doc = page(
        client_for(referrals.leader).get(reverse("performance:dashboard"), {"period": Q1, "group": "front-door"})
    )
    table = doc.get_element_by_id("measure-referrals-table")
    assert [text(th) for th in table.findall(".//thead//th")][4:] == ["Target", "England"]
    assert [text(td) for td in table.find(".//tbody/tr").findall("td")][3:] == ["4", "5"]
    section = text(doc.get_element_by_id("measure-referrals"))
    assert "Below England (5, 2024-25)." in section
    assert "England 2024-25: DfE CIN 2025" in section
    overview = page(client_for(referrals.leader).get(reverse("performance:dashboard"), {"period": Q1}))
    row = next(r for r in overview.get_element_by_id("overview").findall(".//tbody/tr") if "Referrals by" in text(r))
    assert [text(td) for td in row.findall("td")][4:] == ["4 (2023-24)", "5 (2024-25)"]


@pytest.mark.django_db
def test_the_menu_links_to_performance_only_for_those_who_may_see_it(world, client_for):
    def menu(user):  # type: ignore[no-untyped-def]
        return [
            text(a)
            for a in page(client_for(user).get(reverse("frontend:home")))
            .get_element_by_id("navigation")
            .findall(".//a")
        ]

    assert "Performance" in menu(world.manager)
    assert "Performance" in menu(world.analyst)
    assert "Performance" not in menu(world.sw)


# --- drill-down -------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_drill_down_lists_only_cases_in_scope_and_counts_the_rest(referrals, client_for):
    w = referrals
    response = client_for(w.manager).get(drill_url())
    assert response.status_code == 200
    doc = page(response)
    rows = doc.get_element_by_id("records").findall(".//tbody/tr")
    listed = {text(r.find("th")) for r in rows}
    assert listed == {w.cases["own"].reference, w.cases["team"].reference}
    assert rows[0].find("th/a").get("href") == reverse("casework:case", args=[w.cases["own"].pk])
    assert "Zoë O'Brien" in text(doc.get_element_by_id("records"))
    assert "Oliver" not in response.content.decode()
    assert "1 more record you do not have access to is counted but not listed." in text(
        doc.get_element_by_id("hidden-records")
    )
    log = AccessLog.objects.get(user=w.manager, action=AccessLog.Action.SEARCH)
    assert log.criteria == {"measure": "referrals", "figure": "total", "period": Q1}
    assert log.result_count == 2 and log.reason == "Performance drill-down"
    assert "Zo" not in str(log.criteria)


@pytest.mark.django_db
def test_drill_down_for_a_leader_lists_all_and_an_analyst_sees_counts_only(referrals, client_for):
    w = referrals
    leader = page(client_for(w.leader).get(drill_url()))
    assert len(leader.get_element_by_id("records").findall(".//tbody/tr")) == 3
    analyst = client_for(w.analyst).get(drill_url())
    doc = page(analyst)
    with pytest.raises(KeyError):
        doc.get_element_by_id("records")
    assert "You do not have access to these 3 records" in text(doc.get_element_by_id("hidden-records"))
    assert w.cases["own"].reference not in analyst.content.decode()
    assert AccessLog.objects.get(user=w.analyst, action=AccessLog.Action.SEARCH).result_count == 0


@pytest.mark.django_db
def test_drill_down_keeps_the_filters_and_paginates(referrals, client_for, settings):
    w = referrals
    from familyhelp.performance import views_dashboard

    original = views_dashboard.PAGE_SIZE
    views_dashboard.PAGE_SIZE = 2
    try:
        doc = page(client_for(w.leader).get(drill_url(team=w.team_a.pk.hex)))
        assert len(doc.get_element_by_id("records").findall(".//tbody/tr")) == 2
        assert not by_class(doc, "govuk-pagination")
        first = page(client_for(w.leader).get(drill_url()))
        nxt = by_class(first, "govuk-pagination__next")[0].find(".//a").get("href")
        second = page(client_for(w.leader).get(reverse("performance:drilldown", args=["referrals", "total"]) + nxt))
        assert len(second.get_element_by_id("records").findall(".//tbody/tr")) == 1
    finally:
        views_dashboard.PAGE_SIZE = original


@pytest.mark.django_db
def test_drill_down_refuses_unknown_figures_and_bad_periods(referrals, client_for):
    c = client_for(referrals.leader)
    assert c.get(drill_url("referrals", "nonsense")).status_code == 404
    assert c.get(drill_url("no-such-measure", "total")).status_code == 404
    bad = c.get(reverse("performance:drilldown", args=["referrals", "total"]), {"period": "2025-Q7"})
    assert bad.status_code == 400
    assert by_class(page(bad), "govuk-error-summary")
    assert not AccessLog.objects.filter(action=AccessLog.Action.SEARCH).exists()


@pytest.mark.django_db
def test_drill_down_to_contacts_lists_them_for_front_door_readers(world, client_for):
    con = pw.contact(pw.at(2025, 2, 4))
    response = client_for(world.leader).get(drill_url("contacts", "total"))
    doc = page(response)
    row = doc.get_element_by_id("records").find(".//tbody/tr")
    assert row.find("th/a").get("href") == reverse("frontdoor:contact", args=[con.pk])
    analyst = page(client_for(world.analyst).get(drill_url("contacts", "total")))
    assert "You do not have access to this record" in text(analyst.get_element_by_id("hidden-records"))


# --- CSV ------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_csv_is_aggregates_only_with_small_counts_suppressed_and_logged(referrals, client_for):
    w = referrals
    response = client_for(w.manager).get(reverse("performance:export_csv"), {"period": Q1})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="family-help-measures-2025-Q1.csv"'
    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    from familyhelp.performance.views_dashboard import export_columns

    assert list(rows[0]) == export_columns()  # the engine's columns with period_start and period_end
    total = next(
        r for r in rows if r["measure"] == "referrals" and r["figure"] == "total" and r["comparison"] == "current"
    )
    assert (total["numerator"], total["value"], total["display"], total["suppressed"]) == ("c", "c", "c", "True")
    assert (total["period_label"], total["period_start"], total["period_end"]) == (
        "January to March 2025 (calendar quarter)",
        "2025-01-01",
        "2025-03-31",
    )
    for name in ("O'Brien", "Nguyễn", "Smith", w.cases["own"].reference):
        assert name not in body
    log = AccessLog.objects.get(user=w.manager, action=AccessLog.Action.EXPORT)
    assert log.criteria == {"period": Q1} and log.result_count == len(rows)


@pytest.mark.django_db
def test_csv_refuses_a_bad_period(world, client_for):
    response = client_for(world.analyst).get(reverse("performance:export_csv"), {"period": "next week"})
    assert response.status_code == 400
    assert "period" in response.content.decode().lower()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


# --- the dashboard's calculated report is kept a minute per process (ADR 0019) ------------------------------
@pytest.mark.django_db
def test_the_dashboard_keeps_its_report_for_a_minute_and_says_when_it_was_calculated(
    referrals, client_for, settings, monkeypatch
):  # type: ignore[no-untyped-def]
    from familyhelp.performance import engine, views_dashboard

    settings.FAMILYHELP_DASHBOARD_CACHE_SECONDS = 60
    views_dashboard.forget_dashboard_reports()
    built = []
    real = engine.build_report
    monkeypatch.setattr(engine, "build_report", lambda *a, **k: built.append(1) or real(*a, **k))
    clock_now = [1000.0]
    monkeypatch.setattr(views_dashboard.time, "monotonic", lambda: clock_now[0])
    client = client_for(referrals.leader)

    def referrals_shown() -> str:
        response = client.get(reverse("performance:dashboard"), {"period": Q1, "group": "front-door"})
        assert response.status_code == 200
        assert "Calculated at" in text(page(response).get_element_by_id("calculated-at"))
        table = page(response).get_element_by_id("measure-referrals-table")
        return text(table.find(".//tbody/tr"))

    first = referrals_shown()
    clock_now[0] += 59
    assert referrals_shown() == first and len(built) == 1  # within the minute: the same report, not rebuilt
    client.get(reverse("performance:dashboard"), {"period": "2024-Q4", "group": "front-door"})
    assert len(built) == 2  # another period is its own report
    clock_now[0] += 2
    referrals_shown()
    assert len(built) == 3  # a minute on: calculated afresh
    views_dashboard.forget_dashboard_reports()
