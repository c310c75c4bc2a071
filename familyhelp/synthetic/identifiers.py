"""Synthetic NHS numbers and UPNs that pass python-stdnum's checks, unique within a run."""

from __future__ import annotations

import random

from stdnum.gb import upn as stdnum_upn

# NHS numbers beginning 999 are the range NHS England keeps for test data: a synthetic number can never
# be a real person's.
NHS_TEST_PREFIX = "999"
NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit of an NHS number, or None when the nine digits cannot be used (10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


class NhsNumbers:
    """Draws distinct valid NHS numbers from the test range with a seeded generator."""

    CAPACITY = 909_090  # about 10 in 11 of the million 999xxxxxx stems have a usable check digit

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def new(self) -> str:
        """A new valid NHS number (10 digits)."""
        if len(self.used) > self.CAPACITY * 0.8:
            raise RuntimeError("Too many synthetic NHS numbers for the 999 test range")
        randrange = self.rng.randrange
        while True:
            stem = randrange(1_000_000)
            if stem in self.used:
                continue
            nine = f"{NHS_TEST_PREFIX}{stem:06d}"
            check = nhs_check_digit(nine)
            if check is None:
                continue
            self.used.add(stem)
            return f"{nine}{check}"


def upn_for(la_number: str, establishment: str, year: int, serial: int) -> str:
    """A UPN: check letter, LA number, DfE establishment number, 2-digit year of issue, 3-digit serial."""
    body = f"{la_number}{establishment}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


class Upns:
    """Issues UPNs school by school and year by year (serials count up), so they never repeat."""

    def __init__(self) -> None:
        self.serials: dict[tuple[str, str, int], int] = {}

    def new(self, la_number: str, establishment: str, year: int) -> str:
        key = (la_number, establishment, year % 100)
        serial = self.serials.get(key, 0) + 1
        if serial > 999:
            raise RuntimeError("More than 999 UPNs for one school in one year")
        self.serials[key] = serial
        return upn_for(la_number, establishment, year, serial)
