"""NHS number, UPN and postcode: normalise and validate (python-stdnum for the check digits)."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import nhs, upn

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def clean_nhs_number(value: str) -> str:
    """Return the NHS number as 10 digits, or raise ValueError with a message for the practitioner."""
    value = (value or "").strip()
    if not value:
        return ""
    compact = nhs.compact(value)
    if not compact.isdigit() or len(compact) != 10:
        raise ValueError("Enter an NHS number with 10 digits, like 485 777 3457")
    try:
        return str(nhs.validate(compact))
    except StdnumError as exc:
        raise ValueError("Enter a valid NHS number: the check digit does not match") from exc


def format_nhs_number(value: str) -> str:
    """NHS numbers are shown as 3 3 4 digits."""
    return nhs.format(value) if value else ""


def clean_upn(value: str) -> str:
    """Return the UPN as 13 upper-case characters, or raise ValueError."""
    value = (value or "").strip().upper().replace(" ", "")
    if not value:
        return ""
    if len(value) != 13:
        raise ValueError("Enter a UPN with 13 characters: a letter, 11 digits and a final character")
    try:
        return str(upn.validate(value))
    except StdnumError as exc:
        raise ValueError("Enter a valid UPN: the check letter or local authority number does not match") from exc


def clean_postcode(value: str) -> str:
    """Return a UK postcode in its standard form (outward space inward), or raise ValueError."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not compact:
        return ""
    match = POSTCODE_RE.match(compact)
    if not match:
        raise ValueError("Enter a real postcode, like B91 3QB")
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode (B91 3QB -> B91)."""
    return postcode.split(" ")[0] if postcode else ""
