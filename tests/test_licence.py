"""The licence is stated once and everywhere agrees with it (issue 15: the front end said "UNLICENSED")."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_manifest_states_the_mit_licence_of_the_license_file() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == {"text": "MIT"}
    assert json.loads((ROOT / "frontend" / "package.json").read_text())["license"] == "MIT"
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text())
    assert lock["packages"][""]["license"] == "MIT"
    assert "Licence: MIT" in (ROOT / "README.md").read_text()
