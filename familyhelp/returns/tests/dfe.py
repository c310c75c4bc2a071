"""The DfE validators for the tests: make sure `.venv-dfe` exists, and run the CIN census validator.

Both validators pin pandas<2, so they live in their own virtual environment (`make dfe-validators`, a
prerequisite of `make test-sqlite`/`test-postgres`). A test that needs them calls `dfe_python()`, which runs
`make dfe-validators` when the environment is missing: the tests never skip because the tool is absent.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DFE_VENV = ROOT / ".venv-dfe"

# Runs inside .venv-dfe: validates one CIN census XML with a year's rules and prints the issues as JSON.
CIN_RUNNER = r"""
import importlib, json, logging, sys, warnings
import xml.etree.ElementTree as ET
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
from cin_validator import cin_validator as cv

path, ruleset = sys.argv[1], sys.argv[2]
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
tables = cv.process_data(cv.convert_data(ET.parse(path).getroot()))
v = cv.CinValidator(tables, registry, None)
issues = []
for _, row in v.full_issue_df.iterrows():
    child = row.get("child_id")
    issues.append({"code": str(row["rule_code"]), "child": None if child != child else str(child),
                   "table": str(row.get("tables_affected")), "column": str(row.get("columns_affected")),
                   "message": str(row.get("rule_description"))})
for _, row in v.multichild_issues.iterrows():
    issues.append({"code": str(row["rule_code"]), "child": None, "table": "", "column": "",
                   "message": str(row["rule_description"])})
print(json.dumps({"issues": issues, "rules": len(registry)}))
"""


def dfe_python() -> Path:
    """The python of `.venv-dfe`, creating the environment first (`make dfe-validators`) when it is missing."""
    python = DFE_VENV / "bin" / "python"
    if not (DFE_VENV / ".installed").exists() or not python.exists():
        subprocess.run(["make", "-C", str(ROOT), "dfe-validators"], check=True)  # noqa: S603, S607
    return python


def cin_ruleset(year: int) -> str:
    """The validator's rule set for collection year `year` (2026 -> cin2025_26)."""
    return f"cin{year - 1}_{year % 100:02d}"


@dataclass
class CinResult:
    """The CIN validator's findings: one entry per flagged child and rule (child None: whole-return rules)."""

    issues: list[dict[str, str | None]]
    rules: int

    @property
    def errors(self) -> list[dict[str, str | None]]:
        return [i for i in self.issues if not str(i["code"]).endswith("Q")]

    @property
    def queries(self) -> list[dict[str, str | None]]:
        return [i for i in self.issues if str(i["code"]).endswith("Q")]

    def codes(self) -> set[str]:
        return {str(i["code"]) for i in self.issues}

    def for_child(self, child: str) -> set[str]:
        return {str(i["code"]) for i in self.issues if i["child"] == child}

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for i in self.issues:
            counts[str(i["code"])] = counts.get(str(i["code"]), 0) + 1
        return dict(sorted(counts.items()))


def run_cin(xml_path: Path, *, year: int) -> CinResult:
    """Run `cin_validator` (in `.venv-dfe`) on a census file with the rules for collection `year`."""
    proc = subprocess.run(  # noqa: S603
        [str(dfe_python()), "-c", CIN_RUNNER, str(xml_path), cin_ruleset(year)],
        capture_output=True,
        text=True,
        check=False,
        cwd=str(xml_path.parent),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"cin_validator failed:\n{proc.stderr[-4000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return CinResult(issues=data["issues"], rules=data["rules"])
