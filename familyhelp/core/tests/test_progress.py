"""The commands' stage progress bar (core.progress.stages)."""

from __future__ import annotations

import io

from familyhelp.core.progress import stages


def test_the_bar_names_each_stage_and_ends_complete() -> None:
    out = io.StringIO()
    with stages("CIN census 2026", 3, file=out, enabled=True) as step:
        step("reading the records")
        assert "CIN census 2026: reading the records" in out.getvalue() and "0/3" in out.getvalue()
        step("writing the file")
        assert "1/3" in out.getvalue()
    text = out.getvalue()
    assert "CIN census 2026: writing the file" in text
    assert "3/3" in text and "CIN census 2026: done" in text  # the last stage is completed on leaving


def test_no_bar_off_a_terminal_or_when_turned_off() -> None:
    out = io.StringIO()
    with stages("Annex A", 1, file=out) as step:  # a StringIO is not a terminal
        step("writing")
    with stages("Annex A", 1, file=out, enabled=False) as step:
        step("writing")
    assert out.getvalue() == ""
