"""Duplicate person records, as front doors create them in real life.

A contact arrives about someone the council already knows; the search at the front door misses the
existing record (a misspelt family name, a nickname, the day and month of birth swapped, no NHS number)
and a second record is created. A small share of people (the preset's `duplicate_share`) get such a
second record some time after their first, with one or two of those mistakes, so that the batch
de-duplication job and its review queue have realistic work (docs/domain/duplicates.md).

Everything here draws from its own seeded generator, so the rest of the council is the same rows as
without duplicates (only person references after a duplicate move up by one for each duplicate created
before them). The known pairs are returned in `GenerationResult.duplicates` (and written by `familyhelp
generate --duplicates-csv`), to measure the job against.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from familyhelp.people.matching import NICKNAMES, fold
from familyhelp.synthetic.bulk import SyntheticIds

if TYPE_CHECKING:
    from familyhelp.synthetic.population import Member, PopulationBuilder

# Spelling mistakes that keep a name sounding the same (or nearly), then plain typing errors.
SOUND_ALIKE = (
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("y", "i"),
    ("i", "y"),
    ("ie", "y"),
    ("ey", "y"),
    ("ou", "o"),
    ("son", "sen"),
    ("ss", "s"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("th", "t"),
    ("z", "s"),
    ("s", "z"),
    ("ei", "ie"),
    ("ae", "e"),
    ("w", "v"),
)
# (mistake, weight). Each duplicate gets one or two, applied in this order.
MISTAKES = (
    ("family_typo", 0.30),
    ("given_nickname", 0.15),
    ("given_typo", 0.12),
    ("dob_swapped", 0.14),
    ("dob_typo", 0.08),
    ("names_swapped", 0.04),
    ("first_given_only", 0.05),
    ("family_part", 0.04),
    ("none", 0.08),  # the same details, only no identifiers: the search was not done, or done badly
)


@dataclass(frozen=True)
class KnownDuplicate:
    """A duplicate record the generator made: ids as str(UUID), and the mistakes in it."""

    original_id: str
    duplicate_id: str
    mistakes: str


def typo(rng: random.Random, name: str) -> str:
    """The name with one realistic spelling or typing mistake (never the first letter, never empty)."""
    if len(name) < 4:
        return name + name[-1] if name else name
    lower = name.lower()
    options = [(old, new) for old, new in SOUND_ALIKE if old in lower[1:]]
    if options and rng.random() < 0.55:
        old, new = options[int(rng.random() * len(options))]
        at = lower.index(old, 1)
        replacement = new.upper() if name[at].isupper() else new
        return name[:at] + replacement + name[at + len(old) :]
    i = 1 + int(rng.random() * (len(name) - 2))
    kind = rng.random()
    if kind < 0.4 and name[i].isalpha() and name[i + 1].isalpha():  # transpose two letters
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.7:  # drop a letter
        return name[:i] + name[i + 1 :]
    return name[: i + 1] + name[i] + name[i + 1 :]  # double a letter


class DuplicateMaker:
    """Schedules second records for a share of people and writes each on the day it was created."""

    def __init__(self, *, rng: random.Random, native_ids: bool, share: float) -> None:
        self.rng = rng
        self.ids = SyntheticIds(rng, native=native_ids)
        self.share = share
        self.pending: list[tuple[int, int, dict[str, Any]]] = []
        self.seq = 0
        self.known: list[KnownDuplicate] = []
        names, weights = zip(*MISTAKES, strict=True)
        self._mistakes, self._weights = list(names), list(weights)

    # --- scheduling --------------------------------------------------------------------------------
    def schedule(
        self,
        builder: PopulationBuilder,
        *,
        created: int,
        members: list[Member],
        mother: Member | None,
        addresses: list[tuple[Any, str, int, int | None]],
        today: int,
    ) -> None:
        """Decide which of a new household's members get a second record later, and when."""
        rnd = self.rng.random
        for m in members:
            if m.unborn or not (m.given or m.family):
                continue
            if rnd() >= self.share:
                continue
            span = today - created - 14
            if span <= 0:
                continue
            day = created + 14 + int(rnd() * span)
            address = next(
                ((a, label) for a, label, start, end in addresses if start <= day and (end is None or day <= end)),
                None,
            )
            self.seq += 1
            spec = {"member": m, "mother": mother, "address": address if m.in_household else None}
            heapq.heappush(self.pending, (day, self.seq, spec))

    def flush(self, builder: PopulationBuilder, *, until: int | None) -> None:
        """Write the duplicates created up to this day (all of them when `until` is None)."""
        while self.pending and (until is None or self.pending[0][0] <= until):
            day, _, spec = heapq.heappop(self.pending)
            self._write(builder, day, spec)

    # --- the second record ---------------------------------------------------------------------------
    def _mistakes_for(self, m: Member) -> list[str]:
        rng = self.rng
        count = 1 if rng.random() < 0.7 else 2
        chosen: list[str] = []
        for _ in range(count * 3):
            if len(chosen) == count:
                break
            mistake = rng.choices(self._mistakes, self._weights)[0]
            if mistake in chosen or (mistake == "none" and chosen):
                continue
            if self._applies(mistake, m):
                chosen.append(mistake)
        return sorted(chosen, key=self._mistakes.index) or ["none"]

    @staticmethod
    def _applies(mistake: str, m: Member) -> bool:
        dob = date.fromordinal(m.dob) if m.dob else None
        first = fold(m.given).split(" ")[0] if fold(m.given) else ""
        return {
            "family_typo": len(m.family) >= 4,
            "given_nickname": bool(first and NICKNAMES.get(first)),
            "given_typo": len(m.given) >= 4,
            "dob_swapped": dob is not None and dob.day <= 12 and dob.day != dob.month,
            "dob_typo": dob is not None,
            "names_swapped": bool(m.given and m.family and " " not in m.given),
            "first_given_only": " " in m.given.strip(),
            "family_part": "-" in m.family,
            "none": True,
        }[mistake]

    def _write(self, b: PopulationBuilder, day: int, spec: dict[str, Any]) -> None:
        rng = self.rng
        rnd = rng.random
        m: Member = spec["member"]
        given, family, dob = m.given, m.family, m.dob
        mistakes = self._mistakes_for(m)
        for mistake in mistakes:
            if mistake == "family_typo":
                family = typo(rng, family)
            elif mistake == "given_typo":
                given = typo(rng, given)
            elif mistake == "given_nickname":
                options = sorted(NICKNAMES.get(fold(given).split(" ")[0], ()))
                if options:
                    given = options[int(rnd() * len(options))].capitalize()
            elif mistake == "dob_swapped" and dob is not None:
                d = date.fromordinal(dob)
                dob = date(d.year, d.day, d.month).toordinal()
            elif mistake == "dob_typo" and dob is not None:
                d = date.fromordinal(dob)
                if rnd() < 0.5:
                    dob = d.replace(year=d.year + (1 if rnd() < 0.5 else -1), day=min(d.day, 28)).toordinal()
                else:
                    dob = dob + (1 if rnd() < 0.5 else -1)
            elif mistake == "names_swapped":
                given, family = family, given
            elif mistake == "first_given_only":
                given = given.split(" ")[0]
            elif mistake == "family_part":
                parts = family.split("-")
                family = parts[int(rnd() * len(parts))]
        if m.kind == "adult" and rnd() < 0.3:
            dob = None
            mistakes.append("no_dob")
        nhs = m.nhs if m.nhs and rnd() < 0.2 else ""
        upn = m.upn if m.upn and rnd() < 0.1 else ""
        child = m.kind == "child"
        upn_reason = "" if upn or not child else "UN5"
        sex = m.sex if rnd() < 0.95 else "U"
        secs = 8 * 3600 + int(rnd() * 9 * 3600)
        stamp = b.dt(day, secs)
        front_door = b.org.front_door
        recorder = front_door[int(rnd() * len(front_door))].id if front_door else None
        new_id = self.ids.new
        pid = new_id()
        b.person_n += 1
        from familyhelp.people.services import person_reference

        sg, sf, pg, pf = b._keys(given, family)
        b.t_person.add(
            (
                pid,
                stamp,
                stamp,
                person_reference(b.person_n),
                m.kind,
                given,
                family,
                "",
                False,
                b.d(dob),
                False,
                None,
                None,
                sex,
                "NOBT",
                "",
                False,
                nhs,
                upn,
                upn_reason,
                sg,
                sf,
                pg,
                pf,
                recorder,
                recorder,
            )
        )
        if child:
            full = " ".join(p for p in (given, family) if p)
            b.t_event.add(
                (
                    new_id(),
                    "person.created",
                    f"Record created for child {full}",
                    b.d(day),
                    stamp,
                    "",
                    "people.person",
                    b.dashed(pid),
                    pid,
                    recorder,
                )
            )
        address = spec["address"]
        if address is not None:
            address_id, label = address
            residence = new_id()
            b.t_residence.add((residence, stamp, stamp, b.d(day), None, address_id, pid))
            if child:
                b.t_event.add(
                    (
                        new_id(),
                        "person.address_added",
                        f"Moved to {label}",
                        b.d(day),
                        stamp,
                        "",
                        "people.personaddress",
                        b.dashed(residence),
                        pid,
                        recorder,
                    )
                )
        mother: Member | None = spec["mother"]
        if child and mother is not None and mother.id != m.id:
            for person, related, type_, pr in ((mother.id, pid, "parent", True), (pid, mother.id, "child", False)):
                b.t_rel.add((new_id(), stamp, stamp, type_, pr, b.d(dob), None, person, related))
        self.known.append(KnownDuplicate(str(b.ids.as_uuid(m.id)), str(b.ids.as_uuid(pid)), "+".join(mistakes)))
