"""SSDA903 (children looked after) return: the CSV tables for a collection year, built from the live records.

`build_ssda903(year)` returns `{table name: [row dict, ...]}` with exactly the columns the DfE validator
(`csc-validator-be-903`) recognises each table by; `write_ssda903` writes them as CSV files and
`ssda903_zip` packs them. The 903 year runs from 1 April YEAR-1 to 31 March YEAR. Set-based: a handful of
queries whatever the size of the council. See docs/domain/returns.md ("SSDA903").
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db.models import Q

from familyhelp.casework.models import LookedAfterEpisode, MissingEpisode, PlanReview
from familyhelp.people.models import Person, PersonAddress, Relationship

# The column sets the validator recognises each table by (lac_validator/config.py), in its order.
COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "Missing": "missing.csv",
}
# The CIN census's UPN-unknown codes UN6 (under 6, none yet) and UN7 (unborn) are UN1 in the 903.
UPN_UNKNOWN_903 = {"UN1": "UN1", "UN2": "UN2", "UN3": "UN3", "UN4": "UN4", "UN5": "UN5", "UN6": "UN1", "UN7": "UN1"}
# Placements without an Ofsted URN (with parents, residential care home, health, custody, other): URN blank.
NO_URN = {"P1", "P2", "P3", "R1", "R2", "R3", "R5", "Z1"}
# Foster and adoption placements: URN XXXXXXX when the carers have none of their own (the 903 allows it).
URN_OPTIONAL = {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"}
URN_NOT_APPLICABLE = "XXXXXXX"
# Legal statuses of short breaks (the child is looked after only during the breaks).
SHORT_BREAKS = {"V3", "V4"}


@dataclass(frozen=True, slots=True)
class CollectionYear:
    """The 903 year: 1 April YEAR-1 to 31 March YEAR."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)


def fmt(d: date | None) -> str:
    """dd/mm/yyyy, or empty."""
    return d.strftime("%d/%m/%Y") if d is not None else ""


def add_years(d: date, years: int) -> date:
    """The same day `years` later (29 February becomes 1 March)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 3, 1)


def urn_903(place: str, urn: str) -> str:
    """The URN column: blank where none applies, XXXXXXX for carers without one, else the recorded URN."""
    if place in NO_URN:
        return ""
    if not urn and place in URN_OPTIONAL:
        return URN_NOT_APPLICABLE
    return urn


def reason_new_episode(prev: dict[str, Any] | None, ep: dict[str, Any]) -> str:
    """RNE derived from the previous episode of the same period of care (used when not recorded)."""
    if prev is None or prev["reason_ended"] != "X1" or prev["ended_on"] != ep["started_on"]:
        return "S"
    ls_changed = prev["legal_status"] != ep["legal_status"]
    place_changed = (prev["placement_type"], prev["placement_postcode"]) != (
        ep["placement_type"],
        ep["placement_postcode"],
    )
    if ls_changed and place_changed:
        return "B"
    if ls_changed:
        return "L"
    return "P" if place_changed else "T"


def episodes_for_year(cy: CollectionYear) -> list[dict[str, Any]]:
    """Every episode of every child looked after at some time in the year, in child and start order."""
    in_year = LookedAfterEpisode.objects.filter(started_on__lte=cy.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=cy.start)
    )
    rows: Any = (
        LookedAfterEpisode.objects.filter(person_id__in=in_year.values("person_id"), started_on__lte=cy.end)
        .order_by("person_id", "started_on", "created_at")
        .values(
            "id",
            "person_id",
            "started_on",
            "ended_on",
            "legal_status",
            "placement_type",
            "placement_postcode",
            "placement_provider",
            "placement_urn",
            "reason_new_episode",
            "reason_place_change",
            "home_postcode",
            "reason_ended",
            "uasc",
            "plan__cin_episode__primary_need",
        )
    )
    return list(rows)


def _home_postcodes(person_ids: set[Any]) -> dict[Any, list[tuple[date | None, date | None, str]]]:
    out: dict[Any, list[tuple[date | None, date | None, str]]] = defaultdict(list)
    rows = (
        PersonAddress.objects.filter(person_id__in=person_ids)
        .order_by("start_date")
        .values_list("person_id", "start_date", "end_date", "address__postcode")
    )
    for pid, start, end, postcode in rows:
        out[pid].append((start, end, postcode or ""))
    return out


def home_postcode_on(addresses: list[tuple[date | None, date | None, str]], day: date) -> str:
    """The child's home postcode on a day: the address lived at then, else the earliest known one."""
    for start, end, postcode in addresses:
        if (start is None or start <= day) and (end is None or end >= day):
            return postcode
    return addresses[0][2] if addresses else ""


def build_ssda903(year: int) -> dict[str, list[dict[str, str]]]:
    """The SSDA903 tables for collection year `year` (1 April year-1 to 31 March year), as rows of strings."""
    cy = CollectionYear(year)
    all_eps = episodes_for_year(cy)
    by_child: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for ep in all_eps:
        by_child[ep["person_id"]].append(ep)
    ids = set(by_child)
    people = {
        p["id"]: p
        for p in Person.objects.filter(id__in=ids).values(
            "id", "reference", "sex", "date_of_birth", "ethnicity", "upn", "upn_unknown_reason"
        )
    }
    addresses = _home_postcodes(ids)
    # Mothers: a looked-after girl's own children (Relationship type parent: the person is the related's parent).
    babies: dict[Any, date] = {}
    for pid, dob in (
        Relationship.objects.filter(person_id__in=ids, type=Relationship.Type.PARENT)
        .exclude(related_person__date_of_birth__isnull=True)
        .order_by("related_person__date_of_birth")
        .values_list("person_id", "related_person__date_of_birth")
    ):
        if dob is not None:
            babies.setdefault(pid, dob)

    header: list[dict[str, str]] = []
    episodes: list[dict[str, str]] = []
    uasc: list[dict[str, str]] = []
    for pid in sorted(ids, key=lambda i: people[i]["reference"]):
        p = people[pid]
        child = p["reference"]
        dob = p["date_of_birth"]
        female = p["sex"] == "F"
        mother = female and pid in babies and babies[pid] <= cy.end
        header.append(
            {
                "CHILD": child,
                "SEX": p["sex"],
                "DOB": fmt(dob),
                "ETHNIC": p["ethnicity"],
                "UPN": p["upn"] or UPN_UNKNOWN_903.get(p["upn_unknown_reason"], p["upn_unknown_reason"]),
                "MOTHER": ("1" if mother else "0") if female else "",
                "MC_DOB": fmt(babies[pid]) if mother else "",
            }
        )
        prev = None
        uasc_child = was_uasc = any(ep["uasc"] for ep in by_child[pid])
        for ep in by_child[pid]:
            rne = ep["reason_new_episode"] or reason_new_episode(prev, ep)
            prev = ep
            if ep["ended_on"] is not None and ep["ended_on"] < cy.start:
                continue
            place = ep["placement_type"]
            ended = ep["ended_on"] if ep["ended_on"] is not None and ep["ended_on"] <= cy.end else None
            # A child who is or was UASC has no home postcode in the 903 (no distance is measured).
            home = (
                "" if uasc_child else ep["home_postcode"] or home_postcode_on(addresses.get(pid, []), ep["started_on"])
            )
            episodes.append(
                {
                    "CHILD": child,
                    "DECOM": fmt(ep["started_on"]),
                    "RNE": rne,
                    "LS": ep["legal_status"],
                    "CIN": ep["plan__cin_episode__primary_need"] or "",
                    "PLACE": place,
                    "PLACE_PROVIDER": ep["placement_provider"],
                    "DEC": fmt(ended),
                    "REC": ep["reason_ended"] if ended is not None else "",
                    "REASON_PLACE_CHANGE": ep["reason_place_change"] if ended is not None else "",
                    "HOME_POST": home,
                    "PL_POST": ep["placement_postcode"],
                    "URN": urn_903(place, ep["placement_urn"]),
                }
            )
        if was_uasc and dob is not None:
            uasc.append({"CHILD": child, "SEX": p["sex"], "DOB": fmt(dob), "DUC": fmt(add_years(dob, 18))})

    dob_of = {people[i]["reference"]: fmt(people[i]["date_of_birth"]) for i in ids}
    ref_of = {i: people[i]["reference"] for i in ids}
    reviews = [
        {"CHILD": ref_of[pid], "DOB": dob_of[ref_of[pid]], "REVIEW": fmt(held), "REVIEW_CODE": code}
        for pid, held, code in PlanReview.objects.filter(
            plan__kind="lac", plan__person_id__in=ids, held_on__gte=cy.start, held_on__lte=cy.end
        )
        .order_by("plan__person_id", "held_on")
        .values_list("plan__person_id", "held_on", "participation")
    ]
    missing = [
        {
            "CHILD": ref_of[pid],
            "DOB": dob_of[ref_of[pid]],
            "MISSING": kind,
            "MIS_START": fmt(start),
            "MIS_END": fmt(end if end is not None and end <= cy.end else None),
        }
        for pid, kind, start, end in MissingEpisode.objects.filter(person_id__in=ids, started_on__lte=cy.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cy.start))
        .order_by("person_id", "started_on")
        .values_list("person_id", "kind", "started_on", "ended_on")
    ]
    for table in (reviews, missing):
        table.sort(key=lambda r: r["CHILD"])
    return {
        "Header": header,
        "Episodes": episodes,
        "Reviews": reviews,
        "UASC": uasc,
        "Missing": missing,
    }


def row_counts(tables: dict[str, list[dict[str, str]]]) -> dict[str, int]:
    """Rows per table (what the access log records about an export)."""
    return {name: len(rows) for name, rows in tables.items()}


def table_csv(name: str, rows: list[dict[str, str]]) -> str:
    """One table as CSV text, with the validator's header row."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS[name], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_ssda903(tables: dict[str, list[dict[str, str]]], directory: Path) -> list[Path]:
    """Write each table as a CSV file in `directory` (created if missing); returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables.items():
        path = directory / FILE_NAMES[name]
        path.write_text(table_csv(name, rows), encoding="utf-8")
        paths.append(path)
    return paths


def ssda903_zip(tables: dict[str, list[dict[str, str]]], year: int) -> bytes:
    """The tables as a zip of CSV files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in tables.items():
            zf.writestr(f"ssda903_{year}/{FILE_NAMES[name]}", table_csv(name, rows))
    return buf.getvalue()


@dataclass
class Export903:
    """One export: the tables and the year."""

    year: int
    tables: dict[str, list[dict[str, str]]]


def ssda903_export(*, actor: Any, year: int, reason: str) -> Export903:
    """Build the year's tables and record the export in the access log (who, when, year, row counts)."""
    from familyhelp.audit.services import access_log_record

    tables = build_ssda903(year)
    counts = row_counts(tables)
    access_log_record(
        actor=actor,
        action="export",
        criteria={"return": "ssda903", "year": year, "rows": counts},
        result_count=len(tables["Header"]),
        reason=reason,
    )
    return Export903(year=year, tables=tables)
