"""Run the DfE SSDA903 validator (`csc-validator-be-903`, import `lac_validator`) on a directory of CSV tables.

The validator pins pandas<2, so it lives in `.venv-dfe` (made by `make dfe-validators`; `dfe.py` is the shared
helper that makes sure it exists). The validator runs in a subprocess and prints its issues as JSON.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from familyhelp.returns.tests.dfe import dfe_python

# Runs inside .venv-dfe: reads every CSV in a directory, runs the year's rules, prints issues as JSON.
RUNNER = r"""
import json, logging, sys, warnings
from pathlib import Path
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
from lac_validator.lac_validator import LacValidator
from lac_validator.report import Report
from lac_validator.rules.ruleset_utils import get_year_ruleset

directory, year, la = sys.argv[1], sys.argv[2], sys.argv[3]
files = [
    {"name": p.name, "description": "This year", "file_content": p.read_bytes()}
    for p in sorted(Path(directory).glob("*.csv"))
]
registry = get_year_ruleset(year)
v = LacValidator(metadata={"collectionYear": year, "localAuthority": la}, files=files, registry=registry)
issues = []
for table, df in v.ds_results.items():
    if table == "metadata":
        continue
    for col in [c for c in df.columns if c.startswith("ERR_")]:
        code = col[4:]
        for idx in df.index[df[col] == True]:  # noqa: E712
            child = df.at[idx, "CHILD"] if "CHILD" in df.columns else None
            issues.append({"code": code, "table": table, "row": int(idx),
                           "child": None if child is None or child != child else str(child),
                           "message": registry[code].message if code in registry else ""})
print(json.dumps({"issues": issues, "tables": sorted(k for k in v.dfs), "fails": v.fails,
                  "rules": len(registry)}))
"""


@dataclass
class Result903:
    """The validator's findings: every flagged row, the tables it read and rules that could not run."""

    issues: list[dict[str, str]]
    tables: list[str]
    fails: list[str]
    rules: int

    def codes(self) -> set[str]:
        return {i["code"] for i in self.issues}

    def for_child(self, child: str) -> set[str]:
        return {i["code"] for i in self.issues if i["child"] == child}


def run_903(directory: Path, *, year: int, local_authority: str) -> Result903:
    """Run the 903 validator for collection `year` (rules lac{year-1}_{yy}) on the CSVs in `directory`."""
    proc = subprocess.run(  # noqa: S603
        [str(dfe_python()), "-c", RUNNER, str(directory), str(year), local_authority],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"lac_validator failed:\n{proc.stderr[-4000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Result903(issues=data["issues"], tables=data["tables"], fails=data["fails"], rules=data["rules"])
