"""`familyhelp bench returns` builds each return from the council in the database and prints what it built."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from familyhelp.synthetic.generator import generate

pytestmark = pytest.mark.django_db


def test_bench_returns_times_each_return_on_the_council_in_the_database() -> None:
    with transaction.atomic():
        generate(preset="tiny", seed=1, today=date(2026, 3, 31))
        out = io.StringIO()
        call_command("bench", "returns", "--in-process", "--year", "2026", stdout=out)
        transaction.set_rollback(True)
    text = out.getvalue()
    assert "collection year 2026 (01/04/2025 to 31/03/2026)" in text
    children = int(re.search(r"CIN census: read the records\s+[\d.]+ s\s+([\d,]+) children", text).group(1))  # type: ignore[union-attr]
    assert children > 0
    for label in ("CIN census: write the XML", "CIN census: data-quality checks", "CIN census: whole export",
                  "SSDA903", "Annex A"):  # fmt: skip
        assert re.search(rf"{re.escape(label)}\s+\d+\.\d s", text), label
    rows = re.search(r"Annex A\s+[\d.]+ s\s+([\d,]+) rows", text)
    assert rows is not None and int(rows.group(1).replace(",", "")) > 0
