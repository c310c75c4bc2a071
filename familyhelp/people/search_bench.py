"""The query sets and the full-scan baseline for `familyhelp bench search` (docs/domain/person-search.md).

A query is what a front door types when checking whether a known person is already recorded: their
names with a mistake of one kind, their date of birth (exact, a year out, or day and month swapped) and
sometimes a postcode, NHS number or UPN. The true record is known, so recall can be measured.

The "standard" set (build_queries) keeps typos off the first letter and takes nicknames from the dataset;
the other sets (QUERY_SETS, build_query_set) are made the way referrers err: a nickname from the dataset
with the surname mistyped anywhere, one or two edits anywhere in either name (the first letter included),
no date of birth at all, day and month swapped, a year out, or an age, school year or year of birth
instead of the date.
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
from rapidfuzz.distance import OSA

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
    """One search of a query set, with the index (in the Population) of the person it is about."""

    target: int
    name_kind: str
    dob_kind: str
    identifier_kind: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    age: int | None = None
    school_year: int | None = None
    year_of_birth: int | None = None
    set_name: str = "standard"
    first_letter_changed: bool = False  # an edit changed the first letter of a name

    def criteria_fields(self) -> dict[str, Any]:
        """SearchCriteria's keyword arguments (age, school_year and year_of_birth only when given)."""
        fields: dict[str, Any] = {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
        }
        for name in ("age", "school_year", "year_of_birth"):
            if getattr(self, name) is not None:
                fields[name] = getattr(self, name)
        return fields


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


# --- The query sets made the way referrers err ------------------------------------------------------------
# Mistakes anywhere: unlike TYPOS above, these may fall on the first letter. Each is one edit (optimal string
# alignment: a deletion, an insertion, a substitution or two neighbouring letters transposed) of the folded
# name; letters only (never an apostrophe, hyphen or space), and a name keeps at least two letters.
MIN_LETTERS_FOR_TWO_EDITS = 5  # "Ali" with two edits is another name; a referrer's two slips fall in longer ones
TWO_EDITS_SHARE = 0.5  # of the queries whose names get "one or two" edits
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _letters(name: str) -> int:
    return len(matching.fold(name).replace(" ", ""))


def _recase(original: str, changed: str) -> str:
    """Keep a capitalised name capitalised after an edit that moved or replaced its first letter (and drop
    an apostrophe or hyphen left at the start: O'Brien without its O is typed Brien)."""
    changed = changed.lstrip("'’- ")
    if not changed or not original[:1].isupper():
        return changed
    second = changed[1:2]
    if second.isupper() and not original[1:2].isupper():
        second = second.lower()
    return changed[:1].upper() + second + changed[2:]


def _near(rng: random.Random, ch: str) -> str:
    """A neighbouring key of a letter (any other letter when it has none, e.g. an accented one folded to none)."""
    key = matching.fold(ch)[:1]
    if key in _NEIGHBOURS:
        return rng.choice(_NEIGHBOURS[key])
    return rng.choice([c for c in _ALPHABET if c != key])


def delete_anywhere(rng: random.Random, name: str) -> str | None:
    """Drop one letter, the first included (None when the name has two letters or fewer)."""
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    if _letters(name) <= 2:
        return None
    i = rng.choice(positions)
    return _recase(name, name[:i] + name[i + 1 :])


def insert_anywhere(rng: random.Random, name: str) -> str | None:
    """Add a letter before any letter or after the last: a doubled letter or a neighbouring key."""
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    if not positions:
        return None
    i = rng.choice([*positions, positions[-1] + 1])
    beside = name[i - 1] if i > 0 and name[i - 1].isalpha() else name[i]
    extra = matching.fold(beside)[:1] if rng.random() < 0.4 else _near(rng, beside)
    return _recase(name, name[:i] + (extra or _near(rng, beside)) + name[i:])


def substitute_anywhere(rng: random.Random, name: str) -> str | None:
    """Replace any one letter, the first included, by a neighbouring key."""
    positions = [i for i, c in enumerate(name) if c.isalpha()]
    if not positions:
        return None
    i = rng.choice(positions)
    new = _near(rng, name[i])
    return _recase(name, name[:i] + (new.upper() if name[i].isupper() else new) + name[i + 1 :])


def transpose_anywhere(rng: random.Random, name: str) -> str | None:
    """Swap two neighbouring letters that differ, the first two included."""
    positions = [
        i
        for i in range(len(name) - 1)
        if name[i].isalpha() and name[i + 1].isalpha() and matching.fold(name[i]) != matching.fold(name[i + 1])
    ]
    if not positions:
        return None
    i = rng.choice(positions)
    return _recase(name, name[:i] + name[i + 1].lower() + name[i].lower() + name[i + 2 :])


EDITS_ANYWHERE: dict[str, Callable[[random.Random, str], str | None]] = {
    "deletion": delete_anywhere,
    "insertion": insert_anywhere,
    "substitution": substitute_anywhere,
    "transposition": transpose_anywhere,
}


def edit_distance(a: str, b: str) -> int:
    """Edits between two names as the bench counts them: optimal string alignment of the folded names."""
    return int(OSA.distance(matching.fold(a), matching.fold(b)))


def edits_anywhere(rng: random.Random, name: str, edits: int) -> str | None:
    """The name with exactly `edits` (1 or 2) edits anywhere, of kinds drawn evenly, or None when the name
    cannot take them (too short, or no draw of 20 gives that distance)."""
    if _letters(name) < (MIN_LETTERS_FOR_TWO_EDITS if edits >= 2 else 2):
        return None
    for _attempt in range(20):
        changed: str | None = name
        for _ in range(edits):
            if changed is None:
                break
            changed = EDITS_ANYWHERE[rng.choice(list(EDITS_ANYWHERE))](rng, changed)
        if changed is not None and _letters(changed) >= 2 and edit_distance(name, changed) == edits:
            return changed
    return None


def dataset_nickname(rng: random.Random, given: str) -> str | None:
    """One of the first given name's variants in the nickname dataset (matching.NICKNAMES: its nicknames and
    formal forms, Issy for Isabella, William for Bill), capitalised, or None when it has none."""
    folded = matching.fold(given)
    first = folded.split(" ")[0] if folded else ""
    options = sorted(v for v in matching.NICKNAMES.get(first, ()) if " " not in v)
    if not options:
        return None
    return rng.choice(options).capitalize()


def age_on(dob: date, today: date) -> int:
    """Age in whole years on `today`."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def school_year_on(dob: date, today: date) -> int:
    """The school year (0 = Reception .. 13 = Year 13) of a child born on `dob` in the academic year (from 1
    September) that `today` falls in; below 0 or above 13 when not of school age."""
    academic_year = today.year if today.month >= 9 else today.year - 1
    birth_cohort = dob.year if dob.month >= 9 else dob.year - 1  # born 1 Sep .. 31 Aug
    return academic_year - birth_cohort - 5


def swapped_dob(dob: date) -> date | None:
    """Day and month swapped (only for days 1-12 that differ from the month)."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    return date(dob.year, dob.day, dob.month)


def year_out(rng: random.Random, dob: date, today: date) -> date | None:
    """The same day a year earlier or later (not in the future; None for 29 February)."""
    options = []
    for delta in (-1, 1):
        try:
            moved = dob.replace(year=dob.year + delta)
        except ValueError:
            continue
        if moved <= today:
            options.append(moved)
    return rng.choice(options) if options else None


@dataclass(frozen=True)
class QuerySet:
    """A query set made the way referrers err: how names are mistaken and what stands for the date of birth."""

    key: str  # what --sets takes
    label: str  # what the report prints
    names: str  # "nickname" (nickname + surname 1-2 edits), "edits" (1-2 anywhere), "one edit", "mixed"
    #             ("nickname" or "edits"), "one edit or nickname"
    evidence: str  # "exact", "swapped", "year out", "none", "age", "school year", "year of birth"
    needs: str = ""  # a SearchCriteria field the set needs ("age", ...): skipped when the search lacks it

    @property
    def name_only(self) -> bool:
        return self.evidence == "none"


QUERY_SETS: dict[str, QuerySet] = {
    s.key: s
    for s in (
        QuerySet("nickname", "nickname", "nickname", "exact"),
        QuerySet("edits", "edits anywhere", "edits", "exact"),
        QuerySet("no-dob", "no date of birth", "mixed", "none"),
        QuerySet("swapped", "day/month swapped", "one edit", "swapped"),
        QuerySet("year-out", "year out", "one edit", "year out"),
        QuerySet("age", "age only", "one edit or nickname", "age", needs="age"),
        QuerySet("school-year", "school year", "one edit or nickname", "school year", needs="school_year"),
        QuerySet("year-of-birth", "year of birth", "one edit or nickname", "year of birth", needs="year_of_birth"),
    )
}
MAX_AGE = 25  # SearchCriteria.age takes 0-25


def _first_given(population: Population, i: int) -> str:
    return population.given[i].split(" ")[0] if population.given[i] else ""


def _first_letter_changed(original: str, changed: str) -> bool:
    return matching.fold(original)[:1] != matching.fold(changed)[:1]


def _mistaken_names(rng: random.Random, kind: str, given: str, family: str) -> tuple[str, str, str, bool] | None:
    """(given, family, what was done, whether an edit changed a first letter), or None when these names
    cannot take the mistake. `kind` is "nickname" (nickname + 1-2 edits in the family name), "nickname only",
    "edits" (1-2 edits anywhere in either name) or "one edit" (anywhere in either name)."""
    if kind in ("nickname", "nickname only"):
        nick = dataset_nickname(rng, given) if given else None
        if nick is None:
            return None
        if kind == "nickname only":
            return nick, family, "nickname", False
        edits = 2 if rng.random() < TWO_EDITS_SHARE else 1
        if edits == 2 and _letters(family) < MIN_LETTERS_FOR_TWO_EDITS:
            edits = 1
        typed = edits_anywhere(rng, family, edits) if family else None
        if typed is None:
            return None
        return nick, typed, f"nickname + family {edits} edit{'s' * (edits > 1)}", _first_letter_changed(family, typed)
    total = 1 if kind == "one edit" else (2 if rng.random() < TWO_EDITS_SHARE else 1)
    # Each edit falls in the family name (longer) or the given name; a name takes two only if long enough.
    counts = {"family": 0, "given": 0}
    for _ in range(total):
        counts["family" if not given or rng.random() < FAMILY_SHARE_OF_TYPOS else "given"] += 1
    for one, other in (("family", "given"), ("given", "family")):
        name = family if one == "family" else given
        if counts[one] == 2 and _letters(name) < MIN_LETTERS_FOR_TWO_EDITS:
            counts[one], counts[other] = 1, counts[other] + 1
    names = {"family": family, "given": given}
    changed = False
    for which, edits in counts.items():
        if edits:
            typed = edits_anywhere(rng, names[which], edits) if names[which] else None
            if typed is None:
                return None
            changed = changed or _first_letter_changed(names[which], typed)
            names[which] = typed
    what = " + ".join(f"{which} {n} edit{'s' * (n > 1)}" for which, n in counts.items() if n)
    return names["given"], names["family"], what, changed


def _evidence(rng: random.Random, evidence: str, dob: date, today: date) -> dict[str, Any] | None:
    """The BenchQuery fields standing for the date of birth, or None when this person cannot have them."""
    if evidence == "exact":
        return {"date_of_birth": dob}
    if evidence == "swapped":
        swapped = swapped_dob(dob)
        return {"date_of_birth": swapped} if swapped else None
    if evidence == "year out":
        moved = year_out(rng, dob, today)
        return {"date_of_birth": moved} if moved else None
    if evidence == "none":
        return {"date_of_birth": None}
    if evidence == "age":
        age = age_on(dob, today)
        return {"date_of_birth": None, "age": age} if 0 <= age <= MAX_AGE else None
    if evidence == "school year":
        year = school_year_on(dob, today)
        return {"date_of_birth": None, "school_year": year} if 0 <= year <= 13 else None
    if evidence == "year of birth":
        return {"date_of_birth": None, "year_of_birth": dob.year} if 1900 <= dob.year <= today.year else None
    raise ValueError(evidence)


def query_set_rng(seed: int, key: str) -> random.Random:
    """The random source of one query set: the same seed and set give the same queries on any database and in
    any selection of sets (a string seed is hashed with SHA-512, not Python's per-process hash)."""
    return random.Random(f"{seed}:{key}")  # noqa: S311 - sampling, not security


def build_query_set(
    population: Population, query_set: QuerySet, *, seed: int, count: int, today: date
) -> list[BenchQuery]:
    """`count` searches of one query set for known people: 80% children and 20% adults (ADULT_SHARE), drawn
    with the set's own seeded random source. The kind of name mistake is drawn first, then a person who can
    have it and the set's date-of-birth evidence (a nickname in the dataset, a day of 12 or less, young
    enough to be described by an age or school year): when this person cannot, another is drawn, so the
    set's mix holds."""
    rng = query_set_rng(seed, query_set.key)
    children = [i for i in population.eligible if population.is_child[i]]
    adults = [i for i in population.eligible if not population.is_child[i]]
    if query_set.evidence in ("age", "school year"):  # only people young enough to be described so
        adults = [i for i in adults if (d := population.dob[i]) is not None and age_on(d, today) <= MAX_AGE]
    queries: list[BenchQuery] = []
    while len(queries) < count:
        kind = _name_kind(rng, query_set.names)
        first, second = (adults, children) if adults and rng.random() < ADULT_SHARE else (children, adults)
        query = None
        for pool in (first, second):  # the other pool only when no one in the drawn one can have the mistake
            for _attempt in range(1000 if pool else 0):
                query = _set_query_for(rng, population, rng.choice(pool), query_set, kind, today)
                if query is not None:
                    break
            if query is not None:
                break
        if query is None:
            return queries  # nobody in this population can have this mistake
        queries.append(query)
    return queries


def _name_kind(rng: random.Random, names: str) -> str:
    """The kind of name mistake of one query (drawn before the person, so a set's mix holds)."""
    if names == "mixed":
        return rng.choice(("nickname", "edits"))
    if names == "one edit or nickname":
        return rng.choice(("one edit", "nickname only"))
    return names


def _set_query_for(
    rng: random.Random, population: Population, i: int, query_set: QuerySet, kind: str, today: date
) -> BenchQuery | None:
    dob = population.dob[i]
    if dob is None:
        return None
    evidence = _evidence(rng, query_set.evidence, dob, today)
    if evidence is None:
        return None
    named = _mistaken_names(rng, kind, _first_given(population, i), population.family[i])
    if named is None:
        return None
    given, family, what, first_letter = named
    return BenchQuery(
        i,
        what,
        query_set.evidence,
        "none",
        given,
        family,
        set_name=query_set.key,
        first_letter_changed=first_letter,
        **evidence,
    )


# --- The full-scan baseline ------------------------------------------------------------------------------
BASELINE_NAME_CUTOFF = 50
BASELINE_DOB_BONUS = {"exact": 30.0, "swapped": 25.0, "year": 20.0}
BASELINE_IDENTIFIER_BONUS = 100.0
BASELINE_AGE_BONUS = 20.0  # an age, school year or year of birth that fits: about as good as a year out


def baseline_search(
    population: Population, query: BenchQuery, *, limit: int = 5, today: date | None = None
) -> list[int]:
    """Score the query's name against every person's name with rapidfuzz (token_sort_ratio, which forgives
    swapped names), add a bonus for a date of birth that matches exactly, a year out or day/month swapped,
    for an age, school year or year of birth that matches (on `today`), and for a matching NHS number or
    UPN, and return the indexes of the best `limit`."""
    from familyhelp.people.search import dob_variants

    wanted = matching.fold(f"{query.given_names} {query.family_name}")
    variants = dob_variants(query.date_of_birth) if query.date_of_birth else {}
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
        if d is not None and _evidence_matches(query, d, today):
            scores[i] += BASELINE_AGE_BONUS
    for wanted_id, column in ((query.nhs_number, "nhs"), (query.upn, "upn")):
        if wanted_id:
            for i in population.identifier_index(column).get(wanted_id, ()):
                scores[i] = scores.get(i, 0.0) + BASELINE_IDENTIFIER_BONUS
    return sorted(scores, key=lambda i: -scores[i])[:limit]


def _evidence_matches(query: BenchQuery, dob: date, today: date | None) -> bool:
    """Whether an age, school year or year of birth in the query fits this date of birth."""
    if query.year_of_birth is not None and dob.year == query.year_of_birth:
        return True
    if today is None:
        return False
    if query.age is not None and age_on(dob, today) == query.age:
        return True
    return query.school_year is not None and school_year_on(dob, today) == query.school_year
