"""Data-quality checks on the SSDA903 return, in the product, before export.

Each check reads the tables exactly as the CSV files will carry them (`ssda903.build_ssda903`) and uses the
DfE validator's rule code (`csc-validator-be-903`), so a problem named here is the one `lac_validator`
reports, with the child's record to open and what to change at source. The validator has no query codes:
every rule is an error unless the DfE accepts a bypass; `QUERIES` lists the rules that are questions
("please check", sex not known) rather than mistakes. See docs/domain/returns.md ("SSDA903").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from familyhelp.people.codes import Ethnicity

# Placement types valid from 2025/26 (rule 146).
PLACE_CODES = {
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14",
}  # fmt: skip
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
NO_PROVIDER = TEMPORARY | {"Z11", "Z12", "Z13", "Z14"}
URN_EXEMPT = {"P1", "P3", "R1", "R2", "R5"} | NO_PROVIDER
URN_XXXXXXX = {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"}
UPN_RE = re.compile(r"(^((?![IOS])[A-Z]){1}(\d{12}|\d{11}[A-Z]{1})$)|^(UN[1-5])$")
QUERIES = {"232", "231"}


@dataclass(frozen=True)
class Problem:
    """One data-quality problem: the DfE rule code, whose record, which table, what is wrong and what to fix."""

    code: str
    child: str
    table: str
    message: str
    fix: str
    person_id: Any = None

    @property
    def is_query(self) -> bool:
        return self.code in QUERIES

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": "query" if self.is_query else "error",
            "person": str(self.person_id) if self.person_id else None,
            "child": self.child,
            "table": self.table,
            "message": self.message,
            "fix": self.fix,
        }


def _d(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%d/%m/%Y").date() if value else None
    except ValueError:
        return None


def _years(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


def _header(rows: list[dict[str, str]], year: int) -> Iterator[tuple[str, str, str, str]]:
    upns: dict[str, int] = defaultdict(int)
    for r in rows:
        upns[r["UPN"]] += 1
    for r in rows:
        c = r["CHILD"]
        if r["SEX"] not in ("M", "F", "U"):
            yield "101", c, "Sex is missing or not M, F or U.", "Record the child's sex on their person record."
        elif r["SEX"] == "U":
            yield "232", c, "Sex is recorded as not known.", "Record the child's sex if it is known."
        if _d(r["DOB"]) is None:
            yield "102", c, "Date of birth is missing or not a date.", "Record the child's date of birth."
        if r["ETHNIC"] not in Ethnicity.values:
            yield "103", c, "Ethnicity is missing or not a valid code.", "Record the child's ethnicity."
        if not r["UPN"]:
            yield (
                "442",
                c,
                "No UPN and no reason it is unknown.",
                "Record the child's UPN, or why it is not known (UN1-UN5), on their person record.",
            )
        elif not UPN_RE.match(r["UPN"]):
            yield "168", c, "The UPN is not a valid UPN or UN1-UN5 code.", "Correct the UPN on the person record."
        elif upns[r["UPN"]] > 1 and not r["UPN"].startswith("UN"):
            yield "444", c, "Another child in the return has the same UPN.", "Check both children's UPNs."


def _episodes(rows: list[dict[str, str]], year: int) -> Iterator[tuple[str, str, str, str]]:
    end_of_year = date(year, 3, 31)
    by_child: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_child[r["CHILD"]].append(r)
    for c, eps in by_child.items():
        eps.sort(key=lambda r: _d(r["DECOM"]) or date.min)
        epo_start: date | None = None
        for i, r in enumerate(eps):
            start, end = _d(r["DECOM"]), _d(r["DEC"])
            place, ls = r["PLACE"], r["LS"]
            when = f"episode from {r['DECOM']}"
            if start is not None and end is not None and end < start:
                yield "356", c, f"The {when} ends before it starts.", "Correct the episode's start or end date."
            if place not in PLACE_CODES:
                yield (
                    "146",
                    c,
                    f"The {when} has placement type {place}, not valid from 2025/26.",
                    "Record the current placement type (H5 became K3 supported accommodation).",
                )
            if place in ("A5", "A6") and ls != "E1":
                yield (
                    "408",
                    c,
                    f"The {when} is a placement for adoption with a placement order, but the legal status is {ls}.",
                    "Record legal status E1 (placement order) or placement type A3/A4 (with consent).",
                )
            if not r["PLACE_PROVIDER"] and place not in NO_PROVIDER:
                yield "526", c, f"The {when} has no placement provider.", "Record the placement provider (PR0-PR5)."
            if not r["URN"] and place not in URN_EXEMPT:
                yield "218", c, f"The {when} has no Ofsted URN.", "Record the provider's Ofsted URN."
            if r["URN"] == "XXXXXXX" and place not in URN_XXXXXXX:
                yield "242", c, f"The {when} has URN XXXXXXX.", "Record the provider's Ofsted URN."
            if r["REASON_PLACE_CHANGE"] and not r["DEC"]:
                yield (
                    "233",
                    c,
                    f"The {when} has a reason for a placement change but has not ended.",
                    "Clear the reason for the placement change.",
                )
            prev = eps[i - 1] if i > 0 else None
            if prev is not None:
                same_place = all(prev[k] == r[k] for k in ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER"))
                if r["RNE"] == "L" and (prev["LS"] == ls or not same_place):
                    yield (
                        "434",
                        c,
                        f"The {when} says only the legal status changed, but the data do not show that.",
                        "Correct the reason for the new episode.",
                    )
                if r["RNE"] in ("P", "T") and (prev["LS"] != ls or same_place):
                    yield (
                        "435",
                        c,
                        f"The {when} says only the placement changed, but the data do not show that.",
                        "Correct the reason for the new episode.",
                    )
                if (
                    prev["REC"] == "X1"
                    and not prev["REASON_PLACE_CHANGE"]
                    and r["RNE"] in ("P", "B", "T", "U")
                    and prev["PLACE"] not in TEMPORARY
                    and place not in TEMPORARY
                ):
                    yield (
                        "225",
                        c,
                        f"The placement changed on {r['DECOM']} but no reason for the change is recorded.",
                        "Record why the placement changed on the episode that ended.",
                    )
            # emergency protection orders: 21 days at most, across consecutive L2 episodes
            if ls == "L2":
                epo_start = epo_start if prev is not None and prev["LS"] == "L2" else start
                if epo_start is not None and ((end or end_of_year) - epo_start).days > 21:
                    yield (
                        "362",
                        c,
                        f"The emergency protection order from {epo_start:%d/%m/%Y} lasted more than 21 days.",
                        "Record the legal status that followed the EPO.",
                    )


def _reviews(rows: list[dict[str, str]]) -> Iterator[tuple[str, str, str, str]]:
    for r in rows:
        c, held, dob = r["CHILD"], _d(r["REVIEW"]), _d(r["DOB"])
        if held is None:
            yield "166", c, "A review has no valid date.", "Record the date of the review."
            continue
        if r["REVIEW_CODE"] not in {f"PN{i}" for i in range(8)}:
            yield (
                "167",
                c,
                f"The review on {r['REVIEW']} has no participation code.",
                "Record how the child took part in the review (PN0-PN7).",
            )
        elif dob is not None and r["REVIEW_CODE"] == "PN0" and held > _years(dob, 4):
            yield (
                "440",
                c,
                f"The review on {r['REVIEW']} says the child was under 4, but they were 4 or older.",
                "Record how the child took part (PN1-PN7).",
            )
        elif dob is not None and r["REVIEW_CODE"] != "PN0" and held < _years(dob, 4):
            yield (
                "441",
                c,
                f"The review on {r['REVIEW']} has a participation code for a child of 4 or over.",
                "Record PN0 for a child under 4.",
            )


def _missing(rows: list[dict[str, str]]) -> Iterator[tuple[str, str, str, str]]:
    for r in rows:
        start, end = _d(r["MIS_START"]), _d(r["MIS_END"])
        if start is not None and end is not None and end < start:
            yield (
                "567",
                r["CHILD"],
                f"The missing episode from {r['MIS_START']} ends before it starts.",
                "Correct the dates of the missing episode.",
            )


def check_903(tables: dict[str, list[dict[str, str]]], *, year: int) -> list[Problem]:
    """Every problem in the year's tables, sorted by child and rule."""
    from familyhelp.people.models import Person

    found: list[tuple[str, str, str, str, str]] = []
    for table, gen in (
        ("Header", _header(tables.get("Header", []), year)),
        ("Episodes", _episodes(tables.get("Episodes", []), year)),
        ("Reviews", _reviews(tables.get("Reviews", []))),
        ("Missing", _missing(tables.get("Missing", []))),
    ):
        found.extend((code, child, table, msg, fix) for code, child, msg, fix in gen)
    refs = {f[1] for f in found}
    ids = dict(Person.objects.filter(reference__in=refs).values_list("reference", "id")) if refs else {}
    problems = [Problem(code, child, table, msg, fix, ids.get(child)) for code, child, table, msg, fix in found]
    problems.sort(key=lambda p: (p.child, p.code))
    return problems
