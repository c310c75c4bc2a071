"""Financial-year quarters (issue 13, point 5): what a council calls "Q1 2025-26" is April to June 2025.

`2025-26 Q1` (and `2025-26-Q1` in links, `2025-26Q1`, `Q1 2025-26`, …) is read as April to June 2025; Q4 is
January to March 2026. A calendar quarter (`2025-Q1`) still means January to March 2025, and is labelled by its
months too. Every period shown or exported carries its label and its first and last days: the dashboard, the
drill-down, the CSV, the scrutiny pack and the API.

The world: six CIN referrals in May 2025 (Q1 2025-26) and three in February 2025 (the `referrals` fixture, in
Q4 2024-25); the clock is 10 July 2025, so the latest complete quarter is Q1 2025-26.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import lxml.html
import pytest
from django.urls import reverse
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from familyhelp.audit.models import AccessLog
from familyhelp.performance import services_packs as svc
from familyhelp.performance.forms_dashboard import latest_complete_quarter
from familyhelp.performance.models import Pack
from familyhelp.performance.periods import QUARTER, Period, PeriodError, parse_period
from familyhelp.performance.tests import world as pw

D = datetime.date
NOW = "2025-07-10 12:00:00"
FQ1 = "2025-26-Q1"
FQ1_LABEL = "April to June 2025 (Q1 2025-26)"


def page(response):  # type: ignore[no-untyped-def]
    return lxml.html.fromstring(response.content.decode())


def text(node) -> str:  # type: ignore[no-untyped-def]
    copy = lxml.html.fromstring(lxml.html.tostring(node))
    for hidden in copy.xpath('descendant-or-self::*[contains(@class, "govuk-visually-hidden")]'):
        hidden.drop_tree()
    return " ".join(" ".join(copy.itertext()).split())


@pytest.fixture
def may_referrals(referrals):  # type: ignore[no-untyped-def]
    """Six referrals in May 2025 (team A), beside the fixture's three in February 2025."""
    for day in range(1, 7):
        kase = pw.case(pw.child(), opened=D(2025, 5, day), team=referrals.team_a, worker=referrals.sw)
        pw.episode(kase, D(2025, 5, day), source="2A")
    return referrals


# --- reading and naming periods ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    ["2025-26 Q1", "2025-26-Q1", "2025-26Q1", "2025-26 q1", "2025-26-q1", "Q1 2025-26", "q1 2025-26", "Q1-2025-26",
     " 2025-26  Q1 ", "2025/26 Q1", "2025-2026 Q1", "FY2025-26 Q1"],
)  # fmt: skip
def test_every_way_of_writing_q1_2025_26_means_april_to_june_2025(typed: str) -> None:
    period = parse_period(typed)
    assert (period.start, period.end) == (D(2025, 4, 1), D(2025, 6, 30))
    assert period.key == FQ1 and period.label == FQ1_LABEL
    assert period.kind == QUARTER and period.financial and period.kind_name == "financial_quarter"
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    ("typed", "start", "end", "label"),
    [
        ("2025-26-Q2", D(2025, 7, 1), D(2025, 9, 30), "July to September 2025 (Q2 2025-26)"),
        ("2025-26-Q3", D(2025, 10, 1), D(2025, 12, 31), "October to December 2025 (Q3 2025-26)"),
        ("2025-26-Q4", D(2026, 1, 1), D(2026, 3, 31), "January to March 2026 (Q4 2025-26)"),
        ("2011-12-Q1", D(2011, 4, 1), D(2011, 6, 30), "April to June 2011 (Q1 2011-12)"),  # not December 2011
        ("2099-00 Q4", D(2100, 1, 1), D(2100, 3, 31), "January to March 2100 (Q4 2099-00)"),
    ],
)
def test_the_other_financial_quarters(typed: str, start: datetime.date, end: datetime.date, label: str) -> None:
    period = parse_period(typed)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    ("typed", "key", "label", "short"),
    [
        ("2025-Q1", "2025-Q1", "January to March 2025 (calendar quarter)", "Jan–Mar 2025"),
        ("2025q2", "2025-Q2", "April to June 2025 (calendar quarter)", "Apr–Jun 2025"),
        ("2025-04", "2025-04", "April 2025", "Apr 2025"),
        ("2025-26", "2025-26", "April 2025 to March 2026 (2025-26)", "2025-26"),
        ("2025-04-07..2025-05-02", "2025-04-07..2025-05-02", "7 April 2025 to 2 May 2025", "07/04/25–02/05/25"),
    ],
)
def test_every_label_names_the_months(typed: str, key: str, label: str, short: str) -> None:
    period = parse_period(typed)
    assert (period.key, period.label, period.short_label) == (key, label, short)
    assert "Q" not in period.short_label  # no bare quarter number that a council would read another way


def test_a_calendar_quarter_keeps_its_dates_and_is_not_the_financial_one() -> None:
    calendar_q2, financial_q1 = parse_period("2025-Q2"), parse_period(FQ1)
    assert (calendar_q2.start, calendar_q2.end) == (financial_q1.start, financial_q1.end)  # the same days…
    assert calendar_q2 != financial_q1 and calendar_q2.key != financial_q1.key  # …named differently
    assert (parse_period("2025-Q1").start, parse_period("2025-Q1").end) == (D(2025, 1, 1), D(2025, 3, 31))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2025-27-Q1", "2025-27-Q1 is not a quarter of a financial year: a financial year runs from April to the next "
         "March, so its quarters are written like 2025-26 Q1 (April to June 2025)"),
        ("2025-2027 Q1", "is not a quarter of a financial year"),
        ("Q3 2025-24", "is not a quarter of a financial year"),
        ("2025-26-Q5", "Enter a period like 2025-01"),
        ("Q1 2025", "write 2025-Q1 for January to March 2025 (a calendar quarter) or 2025-26 Q1 for April to June "
         "2025"),
    ],
)  # fmt: skip
def test_a_financial_year_that_is_not_one_is_refused_saying_why(typed: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(typed)
    assert message in str(caught.value)


def test_comparisons_stay_financial_quarters() -> None:
    q1 = parse_period(FQ1)
    assert q1.previous().key == "2024-25-Q4" and q1.previous().label == "January to March 2025 (Q4 2024-25)"
    assert q1.last_year().key == "2024-25-Q1"
    assert [p.key for p in q1.trend(5)] == ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4", FQ1]
    assert q1.describe() == {
        "key": FQ1,
        "kind": "financial_quarter",
        "label": FQ1_LABEL,
        "start": D(2025, 4, 1),
        "end": D(2025, 6, 30),
    }
    assert q1.dates == "1 April 2025 to 30 June 2025"


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)))
def test_financial_quarters_tile_the_calendar_like_calendar_quarters(day: datetime.date) -> None:
    financial = Period.containing(QUARTER, day, financial=True)
    calendar_q = Period.containing(QUARTER, day)
    assert (financial.start, financial.end) == (calendar_q.start, calendar_q.end)
    assert financial.shifted(1).start == financial.end + datetime.timedelta(days=1)
    assert parse_period(financial.key) == financial and parse_period(calendar_q.key) == calendar_q
    fy_start = day.year if day.month >= 4 else day.year - 1
    assert financial.key.startswith(f"{fy_start}-{(fy_start + 1) % 100:02d}-Q")
    assert financial.start.strftime("%B") in financial.label and financial.end.strftime("%B %Y") in financial.label


@freeze_time(NOW)
def test_the_default_period_is_the_latest_complete_financial_quarter() -> None:
    assert latest_complete_quarter().key == FQ1
    assert latest_complete_quarter(D(2025, 4, 1)).key == "2024-25-Q4"


# --- the dashboard ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
@freeze_time(NOW)
def test_the_dashboard_shows_q1_2025_26_as_april_to_june(may_referrals, client_for):
    c = client_for(may_referrals.leader)
    response = c.get(reverse("performance:dashboard"), {"period": "2025-26 Q1", "group": "front-door"})
    assert response.status_code == 200
    doc = page(response)
    assert FQ1_LABEL in text(doc.find(".//h1"))
    assert text(doc.find(".//title")).startswith(f"Performance: Front door, {FQ1_LABEL}")
    dates = text(doc.get_element_by_id("period-dates"))
    assert dates == (
        "Figures for 1 April 2025 to 30 June 2025, compared with January to March 2025 (Q4 2024-25) and, a year "
        "earlier, April to June 2024 (Q1 2024-25)."
    )
    table = doc.get_element_by_id("measure-referrals-table")
    assert [text(th) for th in table.findall(".//thead//th")][:4] == ["Figure", "Apr–Jun 2025", "Jan–Mar 2025",
                                                                      "Apr–Jun 2024"]  # fmt: skip
    cells = [text(td) for td in table.find(".//tbody/tr").findall("td")]
    assert cells[:3] == ["6", "3", "0"]  # May's six; February's three are the previous quarter
    assert not re.search(r"Q2 2025(?!-)", response.content.decode())  # the old label of April to June
    # the chooser offers quarters of the financial year, by their months, with this one chosen
    options = doc.xpath('//select[@name="quarter"]/option')
    chosen = [o for o in options if o.get("selected") is not None]
    assert [(o.get("value"), text(o)) for o in chosen] == [(FQ1, FQ1_LABEL)]
    labels = [text(o) for o in options]
    assert labels[:2] == ["July to September 2025 (Q2 2025-26)", FQ1_LABEL]
    assert "January to March 2025 (Q4 2024-25)" in labels
    # the links on the page carry the key as URLs write it
    assert f"period={FQ1}" in doc.get_element_by_id("measure-referrals").find(".//a").get("href")


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_chooser_and_the_default(may_referrals, client_for):
    c = client_for(may_referrals.leader)
    chosen = c.get(reverse("performance:dashboard"), {"kind": "quarter", "quarter": FQ1})
    assert chosen.status_code == 200 and FQ1_LABEL in text(page(chosen).find(".//h1"))
    default = c.get(reverse("performance:dashboard"))
    assert default.status_code == 200 and FQ1_LABEL in text(page(default).find(".//h1"))


@pytest.mark.django_db
@freeze_time(NOW)
def test_a_calendar_quarter_from_a_link_still_works_labelled_by_its_months(may_referrals, client_for):
    c = client_for(may_referrals.leader)
    response = c.get(reverse("performance:dashboard"), {"period": "2025-Q1", "group": "front-door"})
    assert response.status_code == 200
    doc = page(response)
    assert "January to March 2025 (calendar quarter)" in text(doc.find(".//h1"))
    table = doc.get_element_by_id("measure-referrals-table")
    assert text(table.find(".//tbody/tr/td")) == "3"  # January to March 2025: February's three
    selected = doc.xpath('//select[@name="quarter"]/option[@selected]')
    assert [(o.get("value"), text(o)) for o in selected] == [("2025-Q1", "January to March 2025 (calendar quarter)")]
    by_form = c.get(reverse("performance:dashboard"), {"kind": "quarter", "quarter": "2025-Q2"})
    assert by_form.status_code == 200
    assert "April to June 2025 (calendar quarter)" in text(page(by_form).find(".//h1"))


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"period": "2025-27-Q1"}, "id_start", "2025-27-Q1 is not a quarter of a financial year"),
        ({"period": "Q2 2025"}, "id_start", "could be either of two quarters"),
        ({"kind": "quarter", "quarter": "2025-27-Q1"}, "id_quarter", "Choose a quarter from the list"),
    ],
)
def test_a_bad_financial_quarter_gives_the_error_summary(world, client_for, query, field, message):
    response = client_for(world.leader).get(reverse("performance:dashboard"), query)
    assert response.status_code == 400
    doc = page(response)
    links = doc.xpath('//*[contains(@class, "govuk-error-summary")]//a')
    assert any(message in text(a) and a.get("href").startswith(f"#{field}") for a in links), [text(a) for a in links]
    assert message in text(doc.get_element_by_id(f"{field}-error"))
    assert not doc.xpath('//*[@id="overview"]')


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_drill_down_says_the_period_and_its_dates(may_referrals, client_for):
    url = reverse("performance:drilldown", args=["referrals", "total"])
    response = client_for(may_referrals.leader).get(url, {"period": FQ1})
    assert response.status_code == 200
    summary = text(page(response).get_element_by_id("drilldown-summary"))
    assert f"Period {FQ1_LABEL}" in summary and "Dates 1 April 2025 to 30 June 2025" in summary
    assert "Records behind the figure 6" in summary
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert log.criteria["period"] == FQ1


# --- CSV ----------------------------------------------------------------------------------------------------------
def _csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


PERIOD_COLUMNS = {
    "current": (FQ1, FQ1_LABEL, "2025-04-01", "2025-06-30"),
    "previous": ("2024-25-Q4", "January to March 2025 (Q4 2024-25)", "2025-01-01", "2025-03-31"),
    "last_year": ("2024-25-Q1", "April to June 2024 (Q1 2024-25)", "2024-04-01", "2024-06-30"),
}


def _check_period_columns(rows: list[dict[str, str]]) -> None:
    assert rows
    for row in rows:
        got = (row["period"], row["period_label"], row["period_start"], row["period_end"])
        assert got == PERIOD_COLUMNS[row["comparison"]], row


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_csv_carries_the_label_and_the_dates(may_referrals, client_for):
    response = client_for(may_referrals.leader).get(reverse("performance:export_csv"), {"period": "2025-26 Q1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="family-help-measures-{FQ1}.csv"'
    rows = _csv_rows(response)
    header = list(rows[0])
    assert header[header.index("period") : header.index("period") + 4] == [
        "period",
        "period_label",
        "period_start",
        "period_end",
    ]
    _check_period_columns(rows)
    total = next(r for r in rows if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current"))
    assert total["display"] == "6"


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_csv_refuses_a_financial_year_that_is_not_one(world, client_for):
    response = client_for(world.leader).get(reverse("performance:export_csv"), {"period": "2025-27-Q1"})
    assert response.status_code == 400
    assert "2025-27-Q1 is not a quarter of a financial year" in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


# --- the API --------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
@freeze_time(NOW)
def test_the_api_report_carries_the_label_and_the_dates(may_referrals, client_for):
    response = client_for(may_referrals.analyst).get(reverse("api:performance-report-list"), {"period": FQ1})
    assert response.status_code == 200
    data = response.json()
    assert (data["period"], data["period_label"], data["period_start"], data["period_end"]) == (
        FQ1,
        FQ1_LABEL,
        "2025-04-01",
        "2025-06-30",
    )
    assert (data["previous_period"], data["last_year_period"]) == ("2024-25-Q4", "2024-25-Q1")
    assert data["periods"]["current"] == {
        "key": FQ1,
        "kind": "financial_quarter",
        "label": FQ1_LABEL,
        "start": "2025-04-01",
        "end": "2025-06-30",
    }
    assert data["periods"]["previous"]["label"] == "January to March 2025 (Q4 2024-25)"
    assert (data["periods"]["last_year"]["start"], data["periods"]["last_year"]["end"]) == ("2024-04-01", "2024-06-30")
    _check_period_columns(data["rows"])
    total = next(
        r for r in data["rows"] if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current")
    )
    assert total["value"] == 6


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_api_default_and_a_calendar_quarter(world, client_for):
    c = client_for(world.analyst)
    default = c.get(reverse("api:performance-report-list")).json()
    assert default["period"] == FQ1 and default["period_label"] == FQ1_LABEL
    calendar_q = c.get(reverse("api:performance-report-list"), {"period": "2025-Q1"}).json()
    assert calendar_q["periods"]["current"] == {
        "key": "2025-Q1",
        "kind": "calendar_quarter",
        "label": "January to March 2025 (calendar quarter)",
        "start": "2025-01-01",
        "end": "2025-03-31",
    }


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("name", ["api:performance-report-list", "api:performance-report-csv"])
def test_the_api_refuses_a_financial_year_that_is_not_one_on_the_period_field(world, client_for, name):
    response = client_for(world.analyst).get(reverse(name), {"period": "2025-27-Q1"})
    assert response.status_code == 400
    assert list(response.json()) == ["period"]
    assert response.json()["period"][0].startswith("2025-27-Q1 is not a quarter of a financial year")


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_api_csv_and_records_carry_the_label_and_the_dates(may_referrals, client_for):
    c = client_for(may_referrals.leader)
    _check_period_columns(_csv_rows(c.get(reverse("api:performance-report-csv"), {"period": "Q1 2025-26"})))
    records = c.get(
        reverse("api:performance-records-list"), {"measure": "referrals", "figure": "total", "period": FQ1}
    ).json()
    assert (records["period"], records["period_label"], records["period_start"], records["period_end"]) == (
        FQ1,
        FQ1_LABEL,
        "2025-04-01",
        "2025-06-30",
    )
    assert records["total"] == 6


@pytest.mark.django_db
def test_the_schema_documents_the_period_fields() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("Report", "ReportRow", "DrillDown", "Pack", "PackList"):
        properties = schemas[name]["properties"]
        assert {"period", "period_label", "period_start", "period_end"} <= set(properties), name
        assert properties["period_start"]["format"] == "date", name
    assert set(schemas["ReportingPeriod"]["properties"]) == {"key", "kind", "label", "start", "end"}
    assert "financial_quarter" in str(schemas)


# --- the scrutiny pack -------------------------------------------------------------------------------------------
@pytest.mark.django_db
@freeze_time(NOW)
def test_a_pack_for_a_financial_quarter_covers_april_to_june(may_referrals):
    made = svc.pack_create(actor=may_referrals.analyst, period="Q1 2025-26")
    assert made.period == FQ1
    assert made.title == f"Children's services performance: {FQ1_LABEL}"
    report = svc.pack_report(made)
    assert (report.period.start, report.period.end) == (D(2025, 4, 1), D(2025, 6, 30))
    rendered = svc.pack_render(made, pdf=False)
    _check_period_columns(rendered.rows)
    total = next(
        r for r in rendered.rows if (r["measure"], r["figure"], r["comparison"]) == ("referrals", "total", "current")
    )
    assert total["value"] == 6
    title_page = lxml.html.fromstring(rendered.html).xpath('//header[@class="title-page"]')[0]
    words = text(title_page)
    assert f"Period {FQ1_LABEL} Dates 1 April 2025 to 30 June 2025" in words
    assert "January to March 2025 (Q4 2024-25) (the previous period)" in words
    assert not re.search(r"Q2 2025(?!-)", rendered.html)


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_pack_pages_show_the_label_and_dates_and_refuse_a_bad_year(world, client_for):
    c = client_for(world.analyst)
    create = c.get(reverse("performance:pack_create"))
    assert page(create).get_element_by_id("id_period").get("value") == FQ1  # the latest complete quarter
    bad = c.post(reverse("performance:pack_create"), {"period": "2025-27-Q1"})
    assert bad.status_code == 400
    summary = page(bad).xpath('//*[contains(@class, "govuk-error-summary")]//a')
    assert summary[0].get("href") == "#id_period"
    assert "2025-27-Q1 is not a quarter of a financial year" in text(summary[0])
    assert not Pack.objects.exists()
    made = c.post(reverse("performance:pack_create"), {"period": "2025-26 Q1"})
    assert made.status_code == 302
    pack_row = Pack.objects.get()
    assert pack_row.period == FQ1
    detail = text(page(c.get(reverse("performance:pack", args=[pack_row.pk]))).get_element_by_id("pack-summary"))
    assert f"Period {FQ1_LABEL}" in detail and "Dates 1 April 2025 to 30 June 2025" in detail
    listing = text(page(c.get(reverse("performance:packs"))).find(".//main"))
    assert FQ1_LABEL in listing


@pytest.mark.django_db
@freeze_time(NOW)
def test_the_pack_api_carries_the_label_and_dates_and_freezes_them_on_publishing(may_referrals, client_for):
    c = client_for(may_referrals.analyst)
    bad = c.post(reverse("api:performance-pack-list"), {"period": "2025-27-Q1"}, content_type="application/json")
    assert bad.status_code == 400 and "is not a quarter of a financial year" in bad.json()["period"][0]
    made = c.post(reverse("api:performance-pack-list"), {"period": "2025-26 Q1"}, content_type="application/json")
    assert made.status_code == 201
    data = made.json()
    assert (data["period"], data["period_label"], data["period_start"], data["period_end"]) == (
        FQ1,
        FQ1_LABEL,
        "2025-04-01",
        "2025-06-30",
    )
    listed = c.get(reverse("api:performance-pack-list")).json()["results"][0]
    assert (listed["period_label"], listed["period_start"], listed["period_end"]) == (
        FQ1_LABEL,
        "2025-04-01",
        "2025-06-30",
    )
    published = c.post(
        reverse("api:performance-pack-publish", args=[data["id"]]),
        {"version": data["version"]},
        content_type="application/json",
    )
    assert published.status_code == 200
    _check_period_columns(published.json()["figures"])
    pdf = c.get(reverse("api:performance-pack-current-pdf"))  # the default: the latest complete quarter
    assert pdf.status_code == 200 and f"family-help-pack-{FQ1}.pdf" in pdf["Content-Disposition"]
