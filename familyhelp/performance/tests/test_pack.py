"""The scrutiny pack: the PDF opens, is tagged (PDF/UA-1), carries its title and language, and prints exactly the
CSV's figures for the period (suppression included); no child is named; the `pack` command.

The hand-made world (all contacts, received at noon so the local date is the day):
- Q1 2025: 12 contacts: 7 from the police (6), 3 from schools (2A), 2 from health (3A)
  -> Contacts 12; Police 7/12 = 58%; Schools 3 and Health 2 are under 5, so their shares print as "c".
- Q4 2024: 6 contacts, all from the police -> Contacts 6; Police 6/6 = 100%.
- Q1 2024: 2 contacts from the police -> Contacts 2, under 5: "c" (and no commentary movement from it).
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from pathlib import Path

import pypdf
import pytest
from django.core.management import CommandError, call_command
from pypdf.generic import BooleanObject

from familyhelp.frontdoor.models import Contact
from familyhelp.people.tests.factories import ChildFactory
from familyhelp.performance import engine, pack
from familyhelp.performance.filters import Filters
from familyhelp.performance.periods import parse_period

LONDON = datetime.UTC
_numbers = itertools.count(1)


def contact(day: datetime.date, source: str, child: object) -> Contact:
    received = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=LONDON)
    return Contact.objects.create(
        reference=f"PK{next(_numbers):05d}",
        received_at=received,
        decision_due_at=received + datetime.timedelta(days=1),
        referral_source=source,
        concerns="Worried about the child.",
        consent="given",
        child=child,
        child_given_names="Evangeline",
        child_family_name="Thistlewood",
    )


@pytest.fixture
def small_world(_rendered_once, db):  # type: ignore[no-untyped-def]
    """The hand-made world (built once per module with the rendered pack; each test rolls back to it)."""
    return _rendered_once[0]


def _small_world():  # type: ignore[no-untyped-def]
    from familyhelp.accounts.tests.factories import LocalAuthorityFactory

    LocalAuthorityFactory(name="Brackenford Council")
    child = ChildFactory(given_names="Evangeline", family_name="Thistlewood")
    q1 = datetime.date(2025, 2, 10)
    for source, count in (("6", 7), ("2A", 3), ("3A", 2)):
        for _ in range(count):
            contact(q1, source, child)
    for _ in range(6):
        contact(datetime.date(2024, 11, 5), "6", child)
    for _ in range(2):
        contact(datetime.date(2024, 2, 5), "6", child)
    return child


def _report() -> engine.Report:
    return engine.build_report(parse_period("2025-Q1"), Filters())


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _render():  # type: ignore[no-untyped-def]
    child = _small_world()
    report = _report()
    built = pack.build_pack(report, [pack.Section("Actions", "Recruit two social workers.\n\nReview the MASH rota.")])
    return child, report, built


@pytest.fixture(scope="module")
def _rendered_once(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The PDF is rendered once for the module's read-only checks (rendering is the slow part)."""
    from conftest import shared_world_module

    with shared_world_module(django_db_blocker, _render) as once:
        yield once


@pytest.fixture
def rendered(_rendered_once, db):  # type: ignore[no-untyped-def]
    _child, report, built = _rendered_once
    return report, built


def test_the_pdf_opens_is_tagged_titled_and_in_british_english(rendered):  # type: ignore[no-untyped-def]
    _report, built = rendered
    reader = pypdf.PdfReader(io.BytesIO(built.pdf))
    assert len(reader.pages) > 3
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "Children's services performance: January to March 2025 (calendar quarter)"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)


def test_every_chart_has_a_text_alternative_in_the_structure_tree(rendered):  # type: ignore[no-untyped-def]
    _report, built = rendered
    reader = pypdf.PdfReader(io.BytesIO(built.pdf))
    figures = []

    def walk(node):  # type: ignore[no-untyped-def]
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else ([kids] if kids is not None else []):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert figures and all(str(f.get("/Alt", "")).startswith(tuple(m.title for m in pack_titles())) for f in figures)


def pack_titles():  # type: ignore[no-untyped-def]
    from familyhelp.performance.measures import MEASURES

    return MEASURES.values()


def test_the_pdf_prints_every_current_figure_of_the_csv(rendered):  # type: ignore[no-untyped-def]
    report, built = rendered
    text = _text(built.pdf)
    csv_rows = pack.export_rows(report)  # the CSV's rows: the engine's, with each period's dates
    assert built.rows == csv_rows  # the pack's numbers are built from the CSV's rows
    current = [row for row in csv_rows if row["comparison"] == "current"]
    assert current
    missing = [(row["measure"], row["figure"], row["display"]) for row in current if row["display"] not in text]
    assert missing == []
    # The contacts table, row by row: this period, the previous one and a year earlier, as the CSV has them.
    assert re.search(r"^Contacts 12 6 c$", text, re.MULTILINE)
    assert re.search(r"^Police 58% 100% c$", text, re.MULTILINE)
    assert re.search(r"^Schools c 0% c$", text, re.MULTILINE)
    assert re.search(r"^Health services c 0% c$", text, re.MULTILINE)
    by_figure = {(r["measure"], r["figure"]): r for r in current}
    assert by_figure[("contacts", "schools")]["display"] == "c"
    assert by_figure[("contacts", "police")]["display"] == "58%"


def test_the_commentary_never_prints_a_suppressed_figure(rendered):  # type: ignore[no-untyped-def]
    report, built = rendered
    contacts = report.get("contacts")
    assert "from 2 a year earlier" in contacts.commentary  # the engine's own sentence has the small count
    assert "Contacts: 12 in Jan–Mar 2025, up 6 from 6 in Oct–Dec 2024." in built.html
    assert "from 2 a year earlier" not in built.html
    assert "a year earlier (Jan–Mar 2024) is not shown (c)" in built.html
    assert "Jan–Mar 2024: 2," not in built.html  # nor the chart's text alternative


def test_the_narrative_follows_the_measures(rendered):  # type: ignore[no-untyped-def]
    _report, built = rendered
    text = _text(built.pdf)
    assert "Review the MASH rota." in text
    assert text.index("Commentary from the service\nActions") > text.index("Caseloads and workforce\nCaseloads")


def test_no_personal_data(_rendered_once, db):  # type: ignore[no-untyped-def]
    child, _report, built = _rendered_once
    for name in ("Evangeline", "Thistlewood", child.pk.hex, str(child.pk)):
        assert name not in built.html
    assert "PK0" not in built.html  # no contact reference


def test_html_uses_arial_and_scoped_table_headers(small_world):  # type: ignore[no-untyped-def]
    html = pack.render_pack_html(_report())
    assert "font-family: Arial" in html
    assert '<html lang="en-GB">' in html
    assert html.count("<caption>") == html.count("<table>")
    assert '<th scope="row">' in html and '<th scope="col"' in html
    assert "Brackenford Council" in html
    assert "Whole council" in html


def test_the_command_writes_a_pdf(small_world, tmp_path: Path):  # type: ignore[no-untyped-def]
    output = tmp_path / "pack.pdf"
    out = io.StringIO()
    call_command("pack", period="2025-Q1", output=str(output), stdout=out)
    assert output.read_bytes().startswith(b"%PDF-")
    assert str(output) in out.getvalue() and " s (" in out.getvalue()
    from familyhelp.audit.models import AccessLog

    log = AccessLog.objects.get(action="export", reason="Scrutiny pack")
    assert log.criteria == {"period": "2025-Q1", "filters": {}, "format": "pdf"} and log.channel == "cli"


def test_the_command_writes_html_by_default_name(small_world, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    call_command("pack", period="2025-Q1", format="html", stdout=io.StringIO())
    html = (tmp_path / "family-help-pack-2025-Q1.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "Contacts by source" in html


@pytest.mark.parametrize("period", ["2025-Q5", "next quarter", "2025-13"])
def test_the_command_refuses_a_bad_period(db, period, tmp_path: Path):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="Enter a period like|is not a month"):
        call_command("pack", period=period, output=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_refuses_a_bad_filter(db, tmp_path: Path):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="--team"):
        call_command("pack", period="2025-Q1", team="nonsense", output=str(tmp_path / "x.pdf"))
