"""The query set and the full-scan baseline for `familyhelp bench search` (docs/domain/person-search.md).

A query is what a front door types when checking whether a known person is already recorded: their
names with a mistake of one kind, their date of birth (exact, a year out, or day and month swapped) and
sometimes a postcode, NHS number or UPN. The true record is known, so recall can be measured.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from familyhelp.people import matching

# How often each kind of name mistake appears in the query set (weights, summing to 100).
NAME_MIX: dict[str, int] = {
    "exact": 10,
    "deletion": 12,
    "insertion": 12,
    "substitution": 12,
    "transposition": 12,
    "phonetic respelling": 12,
    "nickname": 8,
    "swapped given/family": 8,
    "two typos": 8,
    "other name (alias/former)": 6,
}
DOB_MIX: dict[str, int] = {"exact": 60, "±1 year": 20, "day/month swapped": 20}
# Extra identifiers given with the names and date of birth (the rest have none).
IDENTIFIER_MIX: dict[str, int] = {"none": 75, "postcode": 15, "NHS number": 5, "UPN": 5}
ADULT_SHARE = 0.2  # front doors also check parents and other adults in the household
FAMILY_SHARE_OF_TYPOS = 0.6  # which name a single typo falls in (family names are longer)

_KEYBOARD = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
]
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_KEYBOARD):
    for _i, _ch in enumerate(_row):
        near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_KEYBOARD):
                near += _KEYBOARD[_other][max(0, _i - 1) : _i + 1]
        _NEIGHBOURS[_ch] = near

# Respellings that sound the same (a subset of what front doors hear on the phone).
RESPELLINGS: list[tuple[str, str]] = [
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("y", "ie"),
    ("ie", "y"),
    ("ey", "y"),
    ("i", "y"),
    ("y", "i"),
    ("ee", "ea"),
    ("ea", "ee"),
    ("ou", "ow"),
    ("ai", "ay"),
    ("ay", "ai"),
    ("s", "z"),
    ("z", "s"),
    ("th", "t"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("rr", "r"),
    ("mm", "m"),
    ("l", "ll"),
    ("n", "nn"),
    ("t", "tt"),
    ("son", "sen"),
    ("sen", "son"),
    ("ae", "a"),
    ("oo", "u"),
    ("u", "oo"),
    ("w", "wh"),
    ("mohammed", "muhammad"),
    ("muhammad", "mohammed"),
]
_VOWEL_SWAPS = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "y": "i"}


def _keep_case(original: str, changed: str) -> str:
    return changed[:1].upper() + changed[1:] if original[:1].isupper() else changed


def deletion(rng: random.Random, name: str) -> str:
    """Drop one letter (not the first)."""
    if len(name) < 3:
        return insertion(rng, name)
    i = rng.randrange(1, len(name))
    return name[:i] + name[i + 1 :]


def insertion(rng: random.Random, name: str) -> str:
    """Add a letter: a neighbouring key or a doubled letter (not before the first)."""
    i = rng.randrange(1, len(name) + 1)
    prev = name[i - 1].lower()
    extra = prev if rng.random() < 0.4 or prev not in _NEIGHBOURS else rng.choice(_NEIGHBOURS[prev])
    return name[:i] + extra + name[i:]


def substitution(rng: random.Random, name: str) -> str:
    """Replace one letter (not the first) by a neighbouring key."""
    positions = [i for i in range(1, len(name)) if name[i].lower() in _NEIGHBOURS]
    if not positions:
        return insertion(rng, name)
    i = rng.choice(positions)
    return name[:i] + rng.choice(_NEIGHBOURS[name[i].lower()]) + name[i + 1 :]


def transposition(rng: random.Random, name: str) -> str:
    """Swap two adjacent letters (not the first) that differ."""
    positions = [i for i in range(1, len(name) - 1) if name[i] != name[i + 1]]
    if not positions:
        return substitution(rng, name)
    i = rng.choice(positions)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def respelling(rng: random.Random, name: str) -> str:
    """Spell it as it sounds: one of RESPELLINGS, or a vowel swapped when none applies."""
    lower = name.lower()
    options = [(a, b) for a, b in RESPELLINGS if a in lower and a != lower]
    rng.shuffle(options)
    for a, b in options:
        starts = [i for i in range(len(lower)) if lower.startswith(a, i)]
        i = rng.choice(starts)
        changed = lower[:i] + b + lower[i + len(a) :]
        if changed != lower:
            return _keep_case(name, changed)
    vowels = [i for i in range(1, len(lower)) if lower[i] in _VOWEL_SWAPS]
    if not vowels:
        return insertion(rng, name)
    i = rng.choice(vowels)
    return _keep_case(name, lower[:i] + _VOWEL_SWAPS[lower[i]] + lower[i + 1 :])


TYPOS: dict[str, Callable[[random.Random, str], str]] = {
    "deletion": deletion,
    "insertion": insertion,
    "substitution": substitution,
    "transposition": transposition,
    "phonetic respelling": respelling,
}


def nickname_for(rng: random.Random, given: str) -> str | None:
    """Another form of the first given name from the nickname list (Kate for Katherine), or None."""
    first = matching.fold(given).split(" ")[0] if matching.fold(given) else ""
    options = sorted(matching.NICKNAMES.get(first, set()))
    if not options:
        return None
    return rng.choice(options).capitalize()


@dataclass
class Population:
    """Every person's names, date of birth and identifiers, held in memory (for sampling and the baseline)."""

    ids: list[Any]
    given: list[str]
    family: list[str]
    dob: list[date | None]
    is_child: list[bool]
    nhs: list[str]
    upn: list[str]
    eligible: list[int]  # indexes of people a query may be about: a date of birth, not unborn, not merged
    names: list[str]  # 'first-given family', folded: what the baseline scans
    load_seconds: float = 0.0
    _identifier_indexes: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    @classmethod
    def load(cls, connection: Any) -> Population:
        """Read the people table once with a raw cursor (ids, names, dates of birth, identifiers), in id order
        so that the same council gives the same query set on SQLite and PostgreSQL."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, given_names, family_name, date_of_birth, kind, nhs_number, upn, is_unborn, "
                "merged_into_id, search_given, search_family FROM people_person"
            )
            rows = cursor.fetchall()
        if rows and isinstance(rows[0][0], str):  # SQLite keeps UUIDs as hex text and may return text dates
            rows = [
                (uuid.UUID(r[0]), *r[1:3], date.fromisoformat(r[3]) if isinstance(r[3], str) else r[3], *r[4:])
                for r in rows
            ]
        rows.sort(key=lambda r: r[0])
        ids: list[Any] = []
        given: list[str] = []
        family: list[str] = []
        dobs: list[date | None] = []
        is_child: list[bool] = []
        nhs: list[str] = []
        upn: list[str] = []
        eligible: list[int] = []
        names: list[str] = []
        for pk, g, f, d, kind, n, u, unborn, merged, sg, sf in rows:
            if d is not None and not unborn and merged is None:
                eligible.append(len(ids))
            ids.append(pk)
            given.append(g)
            family.append(f)
            dobs.append(d)
            is_child.append(kind == "child")
            nhs.append(n)
            upn.append(u)
            names.append(f"{sg.split(' ')[0]} {sf}".strip())
        del rows
        return cls(ids, given, family, dobs, is_child, nhs, upn, eligible, names, time.perf_counter() - started)

    def identifier_index(self, column: str) -> dict[str, list[int]]:
        """value -> indexes of the people with it, for 'nhs' or 'upn' (built once)."""
        if column not in self._identifier_indexes:
            index: dict[str, list[int]] = {}
            for i, value in enumerate(getattr(self, column)):
                if value:
                    index.setdefault(value, []).append(i)
            self._identifier_indexes[column] = index
        return self._identifier_indexes[column]


@dataclass
class BenchQuery:
    """One search of the query set, with the index (in the Population) of the person it is about."""

    target: int
    name_kind: str
    dob_kind: str
    identifier_kind: str
    given_names: str
    family_name: str
    date_of_birth: date
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""

    def criteria_fields(self) -> dict[str, Any]:
        return {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
        }


def _weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _mistyped_dob(dob: date, kind: str, rng: random.Random) -> date | None:
    if kind == "exact":
        return dob
    if kind == "±1 year":
        try:
            return dob.replace(year=dob.year + rng.choice((-1, 1)))
        except ValueError:
            return None
    if dob.day > 12 or dob.day == dob.month:
        return None
    return date(dob.year, dob.day, dob.month)


def build_queries(
    population: Population,
    rng: random.Random,
    count: int,
    *,
    other_names: dict[Any, list[tuple[str, str]]],
    postcode_of: Callable[[Any], str],
) -> list[BenchQuery]:
    """`count` searches for known people with the NAME_MIX, DOB_MIX and IDENTIFIER_MIX of mistakes.

    The kinds of mistake are drawn first, then a person for whom that mistake is possible (a nickname needs a
    name with a short form, day/month swapped needs a day of 12 or less, and so on), so the mix holds."""
    children = [i for i in population.eligible if population.is_child[i]]
    adults = [i for i in population.eligible if not population.is_child[i]]
    eligible = set(population.eligible)
    index_of = {pk: i for i, pk in enumerate(population.ids)} if other_names else {}
    with_other_names = sorted(i for pk in other_names if (i := index_of.get(pk, -1)) in eligible)
    short_forms: dict[str, bool] = {}

    def has_short_form(i: int) -> bool:
        given = population.given[i]
        if given not in short_forms:
            short_forms[given] = nickname_for(random.Random(0), given) is not None  # noqa: S311
        return short_forms[given]

    with_short_forms = [i for i in population.eligible if has_short_form(i)]
    queries: list[BenchQuery] = []
    while len(queries) < count:
        name_kind = _weighted(rng, NAME_MIX)
        dob_kind = _weighted(rng, DOB_MIX)
        id_kind = _weighted(rng, IDENTIFIER_MIX)
        for _attempt in range(1000):
            if name_kind == "other name (alias/former)":
                pool = with_other_names
            elif name_kind == "nickname":
                pool = with_short_forms
            else:
                pool = adults if adults and rng.random() < ADULT_SHARE else children
            if not pool:
                break
            query = _query_for(
                rng, population, rng.choice(pool), name_kind, dob_kind, id_kind, other_names, postcode_of
            )
            if query is not None:
                queries.append(query)
                break
    return queries


def _query_for(
    rng: random.Random,
    population: Population,
    i: int,
    name_kind: str,
    dob_kind: str,
    id_kind: str,
    other_names: dict[Any, list[tuple[str, str]]],
    postcode_of: Callable[[Any], str],
) -> BenchQuery | None:
    """The search for person `i` with these kinds of mistake, or None when this person cannot have them."""
    given = population.given[i].split(" ")[0] if population.given[i] else ""
    family = population.family[i]
    dob = population.dob[i]
    if dob is None:
        return None
    searched_dob = _mistyped_dob(dob, dob_kind, rng)
    if searched_dob is None:
        return None
    if name_kind in TYPOS:
        if family and (not given or rng.random() < FAMILY_SHARE_OF_TYPOS):
            family = TYPOS[name_kind](rng, family)
        else:
            given = TYPOS[name_kind](rng, given)
    elif name_kind == "nickname":
        other = nickname_for(rng, given)
        if other is None:
            return None
        given = other
    elif name_kind == "swapped given/family":
        if not given or not family:
            return None
        given, family = family, given
    elif name_kind == "two typos":
        if not given or not family:
            return None
        family = TYPOS[rng.choice(list(TYPOS))](rng, family)
        given = TYPOS[rng.choice(list(TYPOS))](rng, given)
    elif name_kind == "other name (alias/former)":
        alias_given, alias_family = rng.choice(other_names[population.ids[i]])
        given = alias_given.split(" ")[0] if alias_given else given
        family = alias_family or family
    query = BenchQuery(i, name_kind, dob_kind, id_kind, given, family, searched_dob)
    if id_kind == "postcode":
        query.postcode = postcode_of(population.ids[i])
    elif id_kind == "NHS number":
        query.nhs_number = population.nhs[i]
    elif id_kind == "UPN":
        query.upn = population.upn[i]
    if id_kind != "none" and not (query.postcode or query.nhs_number or query.upn):
        return None
    return query


# --- The full-scan baseline ------------------------------------------------------------------------------
BASELINE_NAME_CUTOFF = 50
BASELINE_DOB_BONUS = {"exact": 30.0, "swapped": 25.0, "year": 20.0}
BASELINE_IDENTIFIER_BONUS = 100.0


def baseline_search(population: Population, query: BenchQuery, *, limit: int = 5) -> list[int]:
    """Score the query's name against every person's name with rapidfuzz (token_sort_ratio, which forgives
    swapped names), add a bonus for a date of birth that matches exactly, a year out or day/month swapped
    and for a matching NHS number or UPN, and return the indexes of the best `limit`."""
    from familyhelp.people.search import dob_variants

    wanted = matching.fold(f"{query.given_names} {query.family_name}")
    variants = dob_variants(query.date_of_birth)
    dobs = population.dob
    scores: dict[int, float] = {}
    for _, score, i in process.extract(
        wanted,
        population.names,
        scorer=fuzz.token_sort_ratio,
        processor=None,
        limit=None,
        score_cutoff=BASELINE_NAME_CUTOFF,
    ):
        d = dobs[i]
        how = variants.get(d) if d is not None else None
        scores[i] = score + (BASELINE_DOB_BONUS[how] if how else 0.0)
    for wanted_id, column in ((query.nhs_number, "nhs"), (query.upn, "upn")):
        if wanted_id:
            for i in population.identifier_index(column).get(wanted_id, ()):
                scores[i] = scores.get(i, 0.0) + BASELINE_IDENTIFIER_BONUS
    return sorted(scores, key=lambda i: -scores[i])[:limit]
