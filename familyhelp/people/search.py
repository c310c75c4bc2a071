"""Person search ("is this child known?"): typo-tolerant, scoped to the user, and every search logged.

How it works (docs/adr/0010-person-search.md, docs/adr/0017-search-vocabulary.md, docs/domain/person-search.md):

1. The criteria are normalised: names folded (accents, case, punctuation), identifiers validated, an age, school
   year or year of birth turned into a band of dates of birth.
2. The search vocabulary (people.NameKey, name_index.py) is read once: every recorded name within two edits of
   each typed name, and the council's own nicknames; with the nickname dataset, the forms of the given name.
3. Candidate *blocks* are read in one round trip (small indexed SELECTs joined with UNION ALL) that fetches
   only the columns scoring needs, as plain tuples, never model instances: everyone born on one of the
   date-of-birth variants (the date, the same day a year either side, day and month swapped), people whose
   names are the same or sound alike, people whose names are within two edits (by given-name sound and family
   name, either way round), people with such another name (alias, former name), and exact NHS number, UPN and
   postcode matches. Each block has a cap, so a common name cannot crowd the others out.
4. Every candidate is scored in Python with rapidfuzz (edit distance, Jaro-Winkler), metaphone keys and the
   nicknames, and gets the human-readable reasons it matched; a name within two edits is always shown.
   A merged record is never returned: its survivor is, once, with "matched a name on a merged record".
   A narrower record scope is checked on the ranked candidates only (ScopeCheck).
5. Only the best `limit` people are loaded as `Person` objects.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from familyhelp.accounts import roles
from familyhelp.accounts.models import BreakGlassAccess, RestrictedAccessGrant
from familyhelp.accounts.permissions import has_verb
from familyhelp.accounts.roles import Scope
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.people import identifiers, matching, name_index
from familyhelp.people.models import (
    Address,
    NameKey,
    NameVariant,
    Person,
    PersonAddress,
    PersonName,
    Relationship,
)
from familyhelp.people.permissions import children_q, person_access


@dataclass
class SearchCriteria:
    """What the user searched for. Logged with the search."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    age: int | None = None  # "about N years old"
    school_year: int | None = None  # 0 Reception, 1-13 Year 1 to Year 13, in the current academic year
    year_of_birth: int | None = None

    def is_empty(self) -> bool:
        return not any(
            [self.given_names, self.family_name, self.date_of_birth, self.postcode, self.nhs_number, self.upn]
        )

    def as_log(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in self.__dict__.items()
            if v or (isinstance(v, int) and not isinstance(v, bool))
        }


@dataclass
class SearchResult:
    """One person found, how well they match (0 to 1) and why; `restricted` masks the record."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    restricted: bool = False


class SearchResults(list[SearchResult]):
    """The people shown, best first, and what the page needs to say about the rest: `total` people matched (the
    user may see them all; more than are shown when `more` > 0), and `needs_narrowing` when the search had no
    date of birth, age, identifier or postcode, so a date of birth, age, school year or address should be asked
    for to narrow it."""

    def __init__(self, results: list[SearchResult] = (), *, total: int = 0, needs_narrowing: bool = False) -> None:  # type: ignore[assignment]
        super().__init__(results)
        self.total = max(total, len(self))
        self.needs_narrowing = needs_narrowing

    @property
    def more(self) -> int:
        return self.total - len(self)


# --- Tuning --------------------------------------------------------------------------------------------
# Weights of the parts of a search in the final score (the score is the weighted mean, 0 to 1).
WEIGHT_NAME, WEIGHT_DOB, WEIGHT_IDENTIFIER, WEIGHT_POSTCODE = 2.0, 1.0, 3.0, 0.5
# Within a name: how much the family name counts against the given name when both were entered.
FAMILY_SHARE = 0.55
# Credit for a date of birth that is not exact; a missing one is weak evidence either way.
DOB_SCORES = {"exact": 1.0, "swapped": 0.85, "year": 0.8}
DOB_UNKNOWN = 0.4
SWAPPED_NAMES = 0.95  # a match with given and family names the wrong way round
# Name similarity is the mean of Jaro-Winkler and optimal-string-alignment similarity (0..1): one typo in a
# name scores about 0.9, two unrelated names about 0.3.
SIMILAR, SOUNDS_ALIKE, SHORT_FORM, FIRST_NAME_ONLY = 0.75, 0.85, 0.9, 0.97
# When names were entered, a candidate whose names score below this is not shown (unless an NHS number or
# UPN matches); nor is one whose overall score is below MIN_SCORE.
MIN_NAME_SCORE = 0.65
MIN_NAME_WITH_OTHER_DOB = 0.85  # a date of birth was searched and theirs is known but none of its variants
MIN_SCORE = 0.4
# Age as evidence ("about 14", a school year, a year of birth): born inside the band it names, or just outside it.
AGE_SCORES = {"band": 0.9, "near": 0.65}
# Names within two edits of what was typed (after nicknames), found through the search vocabulary (ADR 0017).
MAX_EDITS = 2
NICKNAME_TYPO = 0.9  # a nickname typed with a typo counts this much of a nickname typed right, per unit similarity
# The vocabulary probe reads people by (given-name sound, family name) pairs; past this many pairs it keeps only
# names within one edit (a very short or very common name typed with two typos).
MAX_PROBE_PAIRS = 2500
# Caps: rows read per candidate block.
CAP_DOB, CAP_NAME_WITH_DOB, CAP_NAME, CAP_ALIAS, CAP_IDENTIFIER, CAP_POSTCODE = 2000, 300, 400, 200, 50, 200
CAP_CLOSE, CAP_CLOSE_ALIAS = 3000, 300
MAX_AGE = 25  # children's services search for children and care leavers; older people by date of birth
SCOPE_CHUNK = 1000  # candidates checked against a narrower record scope per statement, best first
MAX_MERGE_HOPS = 50

_COLUMNS = (
    "pk",
    "search_given",
    "search_family",
    "phonetic_given",
    "phonetic_family",
    "date_of_birth",
    "nhs_number",
    "upn",
    "former_upn",
    "merged_into_id",
    "kind",
)
_PK, _SG, _SF, _PG, _PF, _DOB, _NHS, _UPN, _FUPN, _MERGED, _KIND = range(len(_COLUMNS))
_NAME_KIND: dict[str, str] = {
    PersonName.Kind.ALIAS: "an alias",
    PersonName.Kind.FORMER: "a former name",
    PersonName.Kind.BIRTH: "the name at birth",
    PersonName.Kind.PREFERRED: "the preferred name",
}


@dataclass(frozen=True)
class AgeBand:
    """Age as evidence: the dates of birth it names (`band`), a wider band one year either side (`near`), and
    how to say it."""

    band: tuple[date, date]
    near: tuple[date, date]
    label: str

    def how(self, dob: date) -> str:
        """'band', 'near' or '' for a date of birth."""
        if self.band[0] <= dob <= self.band[1]:
            return "band"
        if self.near[0] <= dob <= self.near[1]:
            return "near"
        return ""


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band(
    *,
    age: int | None = None,
    school_year: int | None = None,
    year_of_birth: int | None = None,
    today: date | None = None,
) -> AgeBand | None:
    """The band of dates of birth that an age, a school year or a year of birth names (the first given wins).

    "About 14" is born between 14 and 15 years ago (14 today), near: 13 to 16; a school year is the academic
    year's cohort (Year 9 in 2026/27: born 1 September 2012 to 31 August 2013; Reception is 0), near: a year
    either side; a year of birth is that calendar year, near: the years either side."""
    today = today or clock.today()
    one = timedelta(days=1)
    if age is not None:
        band = (_years_before(today, age + 1) + one, _years_before(today, age))
        near = (_years_before(today, age + 2) + one, _years_before(today, max(age - 1, 0)))
        return AgeBand(band, near, f"about {age}")
    if school_year is not None:
        start = today.year if today.month >= 9 else today.year - 1  # the academic year starts on 1 September
        born = start - school_year - 5
        band = (date(born, 9, 1), date(born + 1, 8, 31))
        near = (date(born - 1, 9, 1), date(born + 2, 8, 31))
        return AgeBand(band, near, "Reception" if school_year == 0 else f"Year {school_year}")
    if year_of_birth is not None:
        return AgeBand(
            (date(year_of_birth, 1, 1), date(year_of_birth, 12, 31)),
            (date(year_of_birth - 1, 1, 1), date(year_of_birth + 1, 12, 31)),
            f"born in {year_of_birth}",
        )
    return None


@dataclass(frozen=True)
class _Query:
    """The normalised criteria, with the phonetic keys worked out once."""

    given: str
    family: str
    dob: date | None
    nhs: str
    upn: str
    postcode: str
    age: AgeBand | None = None
    given_first: str = field(init=False)
    given_key: str = field(init=False)
    family_key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "given_first", self.given.split(" ")[0] if self.given else "")
        object.__setattr__(self, "given_key", matching.phonetic(self.given))
        object.__setattr__(self, "family_key", matching.phonetic(self.family))

    @property
    def has_names(self) -> bool:
        return bool(self.given or self.family)

    @property
    def name_only(self) -> bool:
        """Names and nothing to tell namesakes apart (no date of birth, age, identifier or postcode)."""
        return self.has_names and not (self.dob or self.age or self.nhs or self.upn or self.postcode)


def dob_variants(dob: date) -> dict[date, str]:
    """The dates searched for a date of birth: itself, day and month swapped, the same day a year either side."""
    variants = {dob: "exact"}
    if dob.day <= 12 and dob.day != dob.month:
        variants[date(dob.year, dob.day, dob.month)] = "swapped"
    for delta in (-1, 1):
        with contextlib.suppress(ValueError):  # 29 February
            variants.setdefault(dob.replace(year=dob.year + delta), "year")
    return variants


_DOB_REASONS = {
    "exact": "date of birth matches",
    "swapped": "date of birth matches with day and month swapped",
    "year": "date of birth matches but for the year (±1)",
}


# --- Names within two edits (the search vocabulary, ADR 0017) ------------------------------------------
@functools.cache
def _nickname_names() -> list[str]:
    return sorted(matching.NICKNAMES)


@dataclass
class _Close:
    """Recorded names within MAX_EDITS of what was typed, with how far: first given names (and, with `via`, the
    nickname they were reached through) and whole family names (the nearest word counts, so part of a
    double-barrelled name finds it). The *_swapped maps hold the names the other way round: stored given names
    near the typed family name and stored family names near the typed given name."""

    given: dict[str, tuple[int, str]] = field(default_factory=dict)
    family: dict[str, int] = field(default_factory=dict)
    given_swapped: dict[str, tuple[int, str]] = field(default_factory=dict)
    family_swapped: dict[str, int] = field(default_factory=dict)
    extra: dict[str, set[str]] = field(default_factory=dict)  # the council's own nickname pairs, both ways

    def given_key_set(self, given: dict[str, tuple[int, str]], edits: int) -> list[str]:
        return sorted({matching.phonetic(v) for v, (d, _) in given.items() if d <= edits} - {""})

    @staticmethod
    def family_set(family: dict[str, int], edits: int) -> list[str]:
        return sorted(v for v, d in family.items() if d <= edits)


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance, capped just above MAX_EDITS (a swap of two letters is one edit)."""
    return int(OSA.distance(a, b, score_cutoff=MAX_EDITS + 1))


def _distances(word: str, choices: list[str]) -> dict[str, int]:
    """The choices within MAX_EDITS of the word, with their distance."""
    if not word or not choices:
        return {}
    return {
        choice: int(d)
        for choice, d, _ in process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=MAX_EDITS, limit=None, processor=None
        )
    }


def _with_nicknames(word: str, direct: dict[str, int], extra: dict[str, set[str]]) -> dict[str, tuple[int, str]]:
    """Stored given names near `word`: those found directly, and every form of a known nickname near it."""
    out: dict[str, tuple[int, str]] = {v: (d, "") for v, d in direct.items()}
    if not word:
        return out
    near: dict[str, int] = {}
    # A nickname is short: typed with a typo, one edit for up to four letters (two would reach most short names)
    reach = 0 if len(word) <= 2 else 1 if len(word) <= 4 else MAX_EDITS
    for name, dist, _ in process.extract(word, _nickname_names(), scorer=OSA.distance, score_cutoff=reach, limit=None):
        near[name] = int(dist)
    for name in extra:
        if (d := _edits(word, name)) <= reach:
            near[name] = min(d, near.get(name, d))
    for name, dist in near.items():
        for form in set(matching.NICKNAMES.get(name, ())) | extra.get(name, set()):
            if form not in out or out[form][0] > dist:
                out[form] = (dist, name)
    return out


def _close_names(q: _Query) -> _Close:
    """One indexed read of the vocabulary (and the council's nickname additions), then exact distances."""
    close = _Close()
    if not q.has_names:
        return close
    given = q.given_first
    family_words = q.family.split(" ") if q.family else []
    words = [w for w in [given, *family_words] if w]
    keys = sorted(set().union(*(name_index.deletion_keys(w) for w in words)))
    key_table, variant_table = _table(NameKey), _table(NameVariant)
    sql = (
        f"SELECT {_column(NameKey, 'part')}, {_column(NameKey, 'value')} FROM {key_table}"  # noqa: S608
        f" WHERE {_column(NameKey, 'key')} IN ({', '.join(['%s'] * len(keys))})"
        f" UNION ALL SELECT 'n', {_column(NameVariant, 'search_name')} || %s"
        f" || {_column(NameVariant, 'search_variant')} FROM {variant_table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, _UNIT])
        rows = cursor.fetchall()
    given_values: set[str] = set()
    values_of_word: dict[str, set[str]] = {}  # family-name word -> the family names it is part of
    for part, value in rows:
        if part == "n":
            a, b = value.split(_UNIT)
            close.extra.setdefault(a, set()).add(b)
            close.extra.setdefault(b, set()).add(a)
        elif part == name_index.GIVEN:
            given_values.add(value)
        else:
            for word in value.split(" "):
                values_of_word.setdefault(word, set()).add(value)
    # Distances word by word (family names share words: "smith", "smith jones"), each computed once, in C.
    family_words_found = sorted(values_of_word)
    given_found = sorted(given_values)
    given_direct = _distances(given, given_found)
    swapped_direct = _distances(family_words[0] if family_words else "", given_found)
    for target, typed in ((close.family, family_words), (close.family_swapped, [given] if given else [])):
        for w in typed:
            for word, d in _distances(w, family_words_found).items():
                for value in values_of_word[word]:
                    target[value] = min(d, target.get(value, d))
    close.given = _with_nicknames(given, given_direct, close.extra)
    close.given_swapped = _with_nicknames(family_words[0] if family_words else "", swapped_direct, close.extra)
    return close


# --- Name similarity -----------------------------------------------------------------------------------
def name_similarity(want: str, got: str) -> float:
    """How alike two folded names are, 0..1: the mean of Jaro-Winkler and optimal string alignment (which
    counts a transposition as one edit); a missing word in a multi-word name costs little."""
    if want == got:
        return 1.0
    s = (JaroWinkler.similarity(want, got) + OSA.normalized_similarity(want, got)) / 2
    if " " in want or " " in got:  # double-barrelled names and middle names: one word may be missing
        s = max(s, 0.95 * fuzz.token_set_ratio(want, got) / 100)
    return s


class _NameScorer:
    """Scores stored names against the query's, caching per distinct stored name (names repeat a lot)."""

    def __init__(self, q: _Query, close: _Close | None = None) -> None:
        self.q = q
        self.close = close or _Close()
        # Forms of the typed given name reached through a nickname (the dataset's or the council's), and how far
        # the typed name was from that nickname: Issy -> Isabella (0), Isy -> Isabella (1).
        self.nicknames = {v: d for v, (d, via) in self.close.given.items() if via}
        self.nicknames_swapped = {v: d for v, (d, via) in self.close.given_swapped.items() if via}
        if q.given_first:
            for v in matching.name_variants(q.given_first, self.close.extra) - {q.given_first}:
                self.nicknames.setdefault(v, 0)
        # stored name -> (similarity, how) for: the family name, the given names, and both swapped
        self._family: dict[str, tuple[float, str]] = {}
        self._given: dict[str, tuple[float, str]] = {}
        self._family_as_given: dict[str, tuple[float, str]] = {}
        self._given_as_family: dict[str, tuple[float, str]] = {}

    @staticmethod
    def _part(want: str, want_key: str, got: str, got_key: str) -> tuple[float, str]:
        """Similarity of one name part and how it matched ('' when it does not)."""
        if not want or not got:
            return 0.0, ""
        if want == got:
            return 1.0, "matches"
        s = name_similarity(want, got)
        if " " in want or " " in got:  # part of a double-barrelled name, perhaps with a typo
            best = max(name_similarity(a, b) for a in want.split(" ") for b in got.split(" "))
            s = max(s, 0.95 * best)
        if s >= SIMILAR:
            return s, "is similar"
        if want_key and want_key == got_key:
            return SOUNDS_ALIKE, "sounds alike"
        return s, ""

    def family(self, got: str, got_key: str) -> tuple[float, str]:
        hit = self._family.get(got)
        if hit is None:
            hit = self._family[got] = self._part(self.q.family, self.q.family_key, got, got_key)
        return hit

    def _given_part(
        self, want: str, want_key: str, got: str, got_key: str, nicknames: dict[str, int]
    ) -> tuple[float, str]:
        s, how = self._part(want, want_key, got, got_key)
        if s < 1.0 and got:
            first = got.split(" ")[0]
            want_first = want.split(" ")[0]
            if first == want_first:
                s, how = max(s, FIRST_NAME_ONLY), "matches"  # the first given name matches; a middle one differs
            elif first in nicknames and s < SHORT_FORM:
                d = nicknames[first]
                if d == 0:
                    s, how = SHORT_FORM, "is a known short form"
                else:
                    s, how = SHORT_FORM * NICKNAME_TYPO**d, "is a known short form, spelt differently"
            elif first != got:  # middle names recorded: the first given names alone may be closer
                s1, how1 = self._part(want_first, want_key, first, got_key)
                if s1 * FIRST_NAME_ONLY > s:
                    s, how = s1 * FIRST_NAME_ONLY, how1
        return s, how

    def given(self, got: str, got_key: str) -> tuple[float, str]:
        hit = self._given.get(got)
        if hit is None:
            hit = self._given[got] = self._given_part(self.q.given, self.q.given_key, got, got_key, self.nicknames)
        return hit

    def _combine(self, family: float, given: float) -> float:
        """One score for the name parts entered."""
        if self.q.family and self.q.given:
            return FAMILY_SHARE * family + (1 - FAMILY_SHARE) * given
        return family if self.q.family else given

    def is_close(self, given: str, family: str) -> bool:
        """Whether a stored name is within MAX_EDITS of the typed one (after nicknames), either way round: such a
        name is always shown to a name-only search, however low it scores."""
        c, q = self.close, self.q
        first = given.split(" ")[0] if given else ""
        if q.given and q.family:
            straight = first in c.given and family in c.family
            return straight or (first in c.given_swapped and family in c.family_swapped)
        if q.family:
            return family in c.family or first in c.given_swapped
        return first in c.given or family in c.family_swapped

    def score(self, given: str, family: str, given_key: str, family_key: str) -> tuple[float, tuple[bool, str, str]]:
        """How well one stored name matches the query's names, in either order, and how: (names swapped, how
        the family name matched, how the given name matched)."""
        q = self.q
        sf, how_f = self.family(family, family_key)
        sg, how_g = self.given(given, given_key)
        straight = self._combine(sf, sg)
        # The other way round: the query's family name against the stored given name, and vice versa. With
        # one name entered, it is checked against the other stored name (a single name in the other box).
        xf = self._family_as_given.get(given)
        if xf is None:
            xf = self._family_as_given[given] = self._given_part(
                q.family, q.family_key, given, given_key, self.nicknames_swapped
            )
        xg = self._given_as_family.get(family)
        if xg is None:
            xg = self._given_as_family[family] = self._part(q.given, q.given_key, family, family_key)
        swapped = SWAPPED_NAMES * self._combine(xf[0], xg[0])
        if swapped > straight:
            return swapped, (True, xf[1], xg[1])
        return straight, (False, how_f, how_g)


def _name_reasons(how: tuple[bool, str, str], kind: str) -> list[str]:
    """The reasons for a name match, in words."""
    swapped, how_family, how_given = how
    reasons = ["given and family names swapped"] if swapped else []
    reasons += [f"family name {how_family}"] if how_family else []
    reasons += [f"given name {how_given}"] if how_given else []
    if kind:
        reasons = [f"{r} ({_NAME_KIND.get(kind, 'another name')})" for r in reasons]
    return reasons


# --- Candidate blocks ----------------------------------------------------------------------------------
# The candidate read is one hand-written statement: the blocks below, each a small indexed SELECT with its
# own LIMIT, joined with UNION ALL, returning plain tuples. Building the same with querysets cost about 3 ms
# a search in the ORM alone (an eighth of the latency budget); see docs/adr/0010-person-search.md.


@dataclass
class _Block:
    label: str
    tag: str  # p: a person; c / r: lives / lived at the searched postcode
    where: str  # a condition on the person table (named "{P}"), other names ("n") or addresses ("a", "pa")
    params: list[Any]
    cap: int
    source: str = "person"  # person, other names or addresses


def _next_prefix(prefix: str) -> str:
    """The first string after every string starting with `prefix` (for index range scans, not LIKE)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _name_condition(q: _Query, t: str) -> tuple[str, list[Any]]:
    """The exact name, names that sound alike and names the wrong way round, on table alias `t` (a person or an
    other name): each term can be served by an index. (Nicknames and names within two edits are read by the
    close-name blocks.)"""
    if q.family and q.given:
        return (
            f"({t}.search_family = %s AND {t}.search_given >= %s AND {t}.search_given < %s)"
            f" OR ({t}.phonetic_family = %s AND {t}.phonetic_given = %s)"
            f" OR ({t}.phonetic_family = %s AND {t}.phonetic_given = %s)",
            [
                q.family,
                q.given_first,
                _next_prefix(q.given_first),
                q.family_key,
                q.given_key,
                q.given_key,
                q.family_key,
            ],
        )
    # One name: it may be in either box.
    name, key = (q.family, q.family_key) if q.family else (q.given, q.given_key)
    return (
        f"{t}.search_family = %s OR {t}.phonetic_family = %s OR {t}.search_given = %s OR {t}.phonetic_given = %s",
        [name, key, name, key],
    )


def _in_list(column: str, values: list[Any]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _close_blocks(q: _Query, close: _Close) -> list[_Block]:
    """People whose names are within MAX_EDITS of the typed ones (after nicknames), either way round, read by
    (given-name sound, family name) pairs through an index. Past MAX_PROBE_PAIRS pairs the given names are
    narrowed first (a short given name has hundreds of names within two edits), then the family names."""
    blocks: list[_Block] = []
    # With a date of birth, everyone born on it is read already: names are the fallback for a missing or wrong
    # date, so only names within one edit, and fewer of them. With an age, the same for other ages, and names
    # within two edits among the people born about then.
    passes: list[tuple[int, int, tuple[str, list[Any]]]] = [(MAX_EDITS, CAP_CLOSE, ("", []))]
    if q.dob:
        passes = [(1, CAP_NAME_WITH_DOB, ("", []))]
    elif q.age:
        low, high = (connection.ops.adapt_datefield_value(d) for d in q.age.near)
        # Filter the rows the name index finds; on PostgreSQL "+ 0" keeps the planner from combining it with the
        # date-of-birth index (three years of births: tens of thousands of rows).
        dob = "({t}.date_of_birth + 0)" if connection.vendor == "postgresql" else "{t}.date_of_birth"
        passes = [
            (1, CAP_NAME_WITH_DOB, ("", [])),
            (MAX_EDITS, CAP_CLOSE, (f" AND {dob} >= %s AND {dob} <= %s", [low, high])),
        ]
    if q.given and q.family:
        for most, cap, born in passes:
            steps = [(g, f) for f in range(most, -1, -1) for g in range(most, -1, -1)]
            for label, given, family in (
                ("close names", close.given, close.family),
                ("close names swapped", close.given_swapped, close.family_swapped),
            ):
                keys: list[str] = []
                families: list[str] = []
                for given_edits, family_edits in steps:
                    keys = close.given_key_set(given, given_edits)
                    families = close.family_set(family, family_edits)
                    if len(keys) * len(families) <= MAX_PROBE_PAIRS:
                        break
                if not keys or not families:
                    continue
                for source, t, rows in (("person", "{P}", cap), ("names", "n", CAP_CLOSE_ALIAS)):
                    where = f"{_in_list(f'{t}.phonetic_given', keys)} AND {_in_list(f'{t}.search_family', families)}"
                    where += born[0].replace("{t}", "{P}")
                    blocks.append(_Block(label, "p", where, [*keys, *families, *born[1]], rows, source=source))
    elif q.has_names:
        # One name, in either box: the family names near it and the given names near it. A single name is
        # common: with a date of birth (read already) only a few; with an age, people born about then.
        most = 1 if q.dob else MAX_EDITS
        families = close.family_set(close.family if q.family else close.family_swapped, most)
        keys = close.given_key_set(close.given_swapped if q.family else close.given, most)
        one: tuple[str, list[Any]] = ("", [])
        cap = CAP_NAME_WITH_DOB if q.dob else CAP_NAME
        if q.age and not q.dob:
            low, high = (connection.ops.adapt_datefield_value(d) for d in q.age.near)
            one = (" AND {P}.date_of_birth >= %s AND {P}.date_of_birth <= %s", [low, high])
            cap = CAP_CLOSE
        if families:
            where = _in_list("{P}.search_family", families) + one[0]
            blocks.append(_Block("close family name", "p", where, [*families, *one[1]], cap))
        if keys:
            where = _in_list("{P}.phonetic_given", keys) + one[0]
            blocks.append(_Block("close given name", "p", where, [*keys, *one[1]], cap))
    return blocks


def _blocks(q: _Query, close: _Close | None = None) -> list[_Block]:
    """The candidate blocks for a search, each with a cap on the rows it reads.

    The blocks read everyone; a user with a narrower record scope gets the candidates filtered afterwards,
    best first (the scope rule is costly per row, so it is never applied to a whole block)."""
    blocks: list[_Block] = []
    if q.dob:
        # Everyone born on one of the dates (a few hundred at most): the heart of a front-door search.
        dates = [connection.ops.adapt_datefield_value(d) for d in dob_variants(q.dob)]
        blocks.append(
            _Block("date of birth", "p", f"{{P}}.date_of_birth IN ({', '.join(['%s'] * len(dates))})", dates, CAP_DOB)
        )
    if q.has_names:
        # With a date of birth, the fallback for people with none or a wrong one; without, the main block.
        where, params = _name_condition(q, "{P}")
        blocks.append(_Block("name", "p", where, params, CAP_NAME_WITH_DOB if q.dob else CAP_NAME))
        where, params = _name_condition(q, "n")
        blocks.append(_Block("other names", "p", where, params, CAP_ALIAS, source="names"))
        if close is not None:
            blocks += _close_blocks(q, close)
    if q.nhs:
        blocks.append(_Block("NHS number", "p", "{P}.nhs_number = %s", [q.nhs], CAP_IDENTIFIER))
    if q.upn:
        blocks.append(_Block("UPN", "p", "{P}.upn = %s OR {P}.former_upn = %s", [q.upn, q.upn], CAP_IDENTIFIER))
    if q.postcode:
        for tag, current in (("c", "IS NULL"), ("r", "IS NOT NULL")):
            where = f"a.postcode = %s AND pa.end_date {current}"
            blocks.append(_Block("postcode", tag, where, [q.postcode], CAP_POSTCODE, source="addresses"))
    return blocks


_UNIT, _RECORD = "\x1f", "\x1e"  # ASCII unit and record separators: never in a folded name
_OTHER_NAME_FIELDS = ("kind", "search_given", "search_family", "phonetic_given", "phonetic_family")


def _column(model: type[Model], name: str) -> str:
    """A model field's column, quoted for the database ("pk" for the primary key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return connection.ops.quote_name(str(getattr(field, "column", "")))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _block_sql(block: _Block) -> tuple[str, list[Any]]:
    """One block as a complete SELECT of the person's columns and their other names, with its LIMIT.

    Table and column names come from the models (quoted); every value is a parameter. The person table keeps
    its own name (no alias) so that the scope condition the ORM compiles for it applies unchanged."""
    person = _table(Person)
    columns = ", ".join(f"{person}.{_column(Person, name)}" for name in _COLUMNS)
    pk = f"{person}.{_column(Person, 'pk')}"
    person_fk = _column(PersonName, "person")
    record = " || %s || ".join(f"o.{_column(PersonName, f)}" for f in _OTHER_NAME_FIELDS)
    join_text = "GROUP_CONCAT" if connection.vendor == "sqlite" else "STRING_AGG"
    # A correlated scalar subquery runs per candidate row through the person_id index; as a join, PostgreSQL's
    # planner may choose to read every other name instead.
    packed = f"(SELECT {join_text}({record}, %s) FROM {_table(PersonName)} o WHERE o.{person_fk} = {pk})"  # noqa: S608
    params: list[Any] = [_UNIT] * (len(_OTHER_NAME_FIELDS) - 1) + [_RECORD]
    if block.source == "names":
        source = f"{_table(PersonName)} n JOIN {person} ON {pk} = n.{person_fk}"
    elif block.source == "addresses":
        source = (
            f"{_table(PersonAddress)} pa"
            f" JOIN {_table(Address)} a ON a.{_column(Address, 'pk')} = pa.{_column(PersonAddress, 'address')}"
            f" JOIN {person} ON {pk} = pa.{_column(PersonAddress, 'person')}"
        )
    else:
        source = person
    where = "(" + block.where.replace("{P}", person) + ")"
    params += block.params
    sql = f"SELECT {columns}, {packed} AS packed FROM {source} WHERE {where} LIMIT {int(block.cap)}"  # noqa: S608
    return sql, params


def _per_candidate(q: Q) -> Q:
    """The same rule with every `pk__in=<subquery>` turned into a correlated EXISTS: each candidate's own rows are
    then read through the subquery's person index, instead of everyone the rule could select (a team's whole
    caseload) being read first and the candidates matched against it."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_per_candidate(child))
        elif (
            isinstance(child, tuple)
            and child[0] in ("pk__in", "id__in")
            and isinstance(child[1], QuerySet)
            and len(child[1].query.values_select) == 1
        ):
            inner = child[1]
            out.children.append(Exists(inner.filter(**{inner.query.values_select[0]: OuterRef("pk")})))  # type: ignore[arg-type]
        else:
            out.children.append(child)
    return out


class ScopeCheck:
    """The user's record scope as one SQL condition on a person row, compiled once per search and then checked
    on candidates only: permissions.scope_people's rule — the children permissions.children_q selects and,
    except for partner users, adults related to one of them — with every `pk__in=<subquery>` turned into a
    correlated EXISTS (`_per_candidate`), so each check reads the candidates' own rows through the person
    indexes, never the whole population or a team's whole caseload. A test checks that it agrees with
    scope_people for every role."""

    def __init__(self, user: Any) -> None:
        self.everyone = _sees_everyone(user)
        self.nobody = False
        self.adults = getattr(user, "scope", None) != Scope.REFERRED  # partner users: only children they referred
        self.sql, self.params = "", []
        if self.everyone:
            return
        q = children_q(user)
        if q is None:
            self.nobody = True
            return
        if q == Q():
            self.everyone = True
            return
        query = Person.objects.filter(_per_candidate(q)).query
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
        self.sql, self.params = sql, list(params)

    def allowed(self, candidates: list[tuple[Any, bool]]) -> set[Any]:
        """Which of these (id, is an adult) are in scope: one statement for the people themselves and one for the
        adults related to someone in scope."""
        if self.everyone:
            return {pk for pk, _ in candidates}
        if self.nobody or not candidates:
            return set()
        person = _table(Person)
        pk = f"{person}.{_column(Person, 'pk')}"
        pk_field = Person._meta.pk
        assert pk_field is not None
        ids = [pk_field.get_db_prep_value(c, connection) for c, _ in candidates]
        found: set[Any] = set()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk} FROM {person} WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) AND ({self.sql})",  # noqa: S608
                [*ids, *self.params],
            )
            found = {_as_uuid(r[0]) for r in cursor.fetchall()}
            adults = [pk_field.get_db_prep_value(c, connection) for c, adult in candidates if adult and c not in found]
            if self.adults and adults:
                rel = _table(Relationship)
                of, to = _column(Relationship, "person"), _column(Relationship, "related_person")
                cursor.execute(
                    f"SELECT DISTINCT r.{of} FROM {rel} r JOIN {person} ON {pk} = r.{to}"  # noqa: S608
                    f" WHERE r.{of} IN ({', '.join(['%s'] * len(adults))}) AND ({self.sql})",
                    [*adults, *self.params],
                )
                found |= {_as_uuid(r[0]) for r in cursor.fetchall()}
        return found


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)  # SQLite keeps UUIDs as hex text


def candidates_in_scope(user: Any, ids: list[Any]) -> set[Any] | None:
    """Which of these people are inside the user's record scope (None: the user's scope is everyone)."""
    check = ScopeCheck(user)
    if check.everyone:
        return None
    kinds = dict(Person.objects.filter(pk__in=ids).values_list("pk", "kind"))
    return check.allowed([(pk, kinds.get(pk) == Person.Kind.ADULT) for pk in ids])


@dataclass
class _Candidate:
    row: tuple[Any, ...]
    other_names: list[list[str]]  # kind, search_given, search_family, phonetic_given, phonetic_family
    postcode: str = ""  # "c" lives at the searched postcode, "r" lived there


def _collect(q: _Query, close: _Close) -> dict[Any, _Candidate]:
    """Read every candidate block in one round trip and return the candidates by id (not yet filtered by
    the user's scope)."""
    parts: list[str] = []
    params: list[Any] = []
    for k, block in enumerate(_blocks(q, close)):
        sql, block_params = _block_sql(block)
        parts.append(f"SELECT '{block.tag}' AS tag, b{k}.* FROM ({sql}) b{k}")  # noqa: S608 - tags are ours
        params += block_params
    found: dict[Any, _Candidate] = {}
    if not parts:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for tag, *person, packed in rows:
        pk = person[_PK]
        if not isinstance(pk, uuid.UUID):  # SQLite keeps UUIDs as hex text
            pk = person[_PK] = uuid.UUID(pk)
            if person[_MERGED]:
                person[_MERGED] = uuid.UUID(person[_MERGED])
        if isinstance(person[_DOB], str):
            person[_DOB] = date.fromisoformat(person[_DOB])
        candidate = found.get(pk)
        if candidate is None:
            other = [r.split(_UNIT) for r in packed.split(_RECORD)] if packed else []
            candidate = found[pk] = _Candidate(tuple(person), other)
        if tag == "c" or (tag == "r" and not candidate.postcode):
            candidate.postcode = tag
    return found


def explain_blocks(criteria: SearchCriteria, user: Any = None) -> list[tuple[str, str]]:
    """(block, query plan) for each candidate block of a search, to check that every one is served by an index."""
    q = _normalise(criteria)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    plans = []
    close = _close_names(q)
    with connection.cursor() as cursor:
        for block in _blocks(q, close):
            sql, params = _block_sql(block)
            cursor.execute(prefix + sql, params)
            plans.append((block.label, "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())))
    return plans


# --- Scoring -------------------------------------------------------------------------------------------
def _score(
    q: _Query, names: _NameScorer, c: _Candidate, variants: dict[Any, str], *, explain: bool = False
) -> tuple[float, bool, list[str]]:
    """(score 0..1, whether it is good enough to show, and with `explain` the reasons) for one candidate.

    Scoring runs over every candidate (a few hundred); the reasons are put into words only for those shown."""
    row = c.row
    score = weight = 0.0
    reasons: list[str] = []
    strong = False  # an NHS number or UPN matched: shown whatever the names say
    name_ok = True
    if q.has_names:
        s, how = names.score(row[_SG], row[_SF], row[_PG], row[_PF])
        close = names.is_close(row[_SG], row[_SF])
        kind = ""
        for other in c.other_names:
            other_score, other_how = names.score(other[1], other[2], other[3], other[4])
            close = close or names.is_close(other[1], other[2])
            if other_score > s:
                s, how, kind = other_score, other_how, other[0]
        score += WEIGHT_NAME * s
        weight += WEIGHT_NAME
        name_ok = s >= MIN_NAME_SCORE or close  # within two edits (after nicknames) is always worth showing
        if explain:
            reasons += _name_reasons(how, kind)
    if q.dob:
        weight += WEIGHT_DOB
        dob = row[_DOB]
        if dob is None:
            score += WEIGHT_DOB * DOB_UNKNOWN
        elif dob_how := variants.get(dob):
            score += WEIGHT_DOB * DOB_SCORES[dob_how]
            if explain:
                reasons.append(_DOB_REASONS[dob_how])
        elif q.has_names and score < WEIGHT_NAME * MIN_NAME_WITH_OTHER_DOB:
            name_ok = False  # born on another day: only a close name is worth showing
    elif q.age:
        weight += WEIGHT_DOB
        dob = row[_DOB]
        if dob is None:
            score += WEIGHT_DOB * DOB_UNKNOWN
        elif age_how := q.age.how(dob):
            score += WEIGHT_DOB * AGE_SCORES[age_how]
            if explain:
                reasons.append(f"age fits ({q.age.label})" if age_how == "band" else f"age a year out ({q.age.label})")
        elif q.has_names and score < WEIGHT_NAME * MIN_NAME_WITH_OTHER_DOB:
            name_ok = False  # another age: only a close name is worth showing
    if q.nhs:
        weight += WEIGHT_IDENTIFIER
        if row[_NHS] == q.nhs:
            score += WEIGHT_IDENTIFIER
            strong = True
            if explain:
                reasons.append("NHS number matches")
    if q.upn:
        weight += WEIGHT_IDENTIFIER
        if q.upn in (row[_UPN], row[_FUPN]):
            score += WEIGHT_IDENTIFIER
            strong = True
            if explain:
                reasons.append("UPN matches" if row[_UPN] == q.upn else "former UPN matches")
    if q.postcode:
        weight += WEIGHT_POSTCODE
        if c.postcode:
            score += WEIGHT_POSTCODE * (1.0 if c.postcode == "c" else 0.8)
            if explain:
                reasons.append("lives at this postcode" if c.postcode == "c" else "lived at this postcode")
    final = score / weight if weight else 0.0
    matched = strong or score > 0
    return final, strong or (name_ok and matched and final >= MIN_SCORE), reasons


_Scored = dict[Any, tuple[float, bool]]  # id -> (score, shown)


def _resolve_merges(
    scored: _Scored, rows: dict[Any, tuple[Any, ...]], explain: Any
) -> dict[Any, tuple[list[str], bool]]:
    """Replace merged records by their final survivors (following chains), keeping each survivor once.

    Returns, per survivor reached this way, the reasons to show and whether they replace its own (when the
    merged record matched better than the survivor itself). `explain(pk)` gives a candidate's reasons."""
    notes: dict[Any, tuple[list[str], bool]] = {}
    merged = [pk for pk, row in rows.items() if row[_MERGED] is not None]
    if not merged:
        return notes
    target: dict[Any, Any] = {pk: rows[pk][_MERGED] for pk in merged}
    for _ in range(MAX_MERGE_HOPS):
        missing = {t for t in target.values() if t not in rows}
        if missing:
            for row in Person.objects.order_by().filter(pk__in=missing).values_list(*_COLUMNS):
                rows[row[_PK]] = row
        moved = False
        for pk, t in target.items():
            nxt = rows[t][_MERGED] if t in rows else None
            if nxt is not None and nxt != pk:
                target[pk] = nxt
                moved = True
        if not moved:
            break
    for pk in sorted(merged, key=lambda pk: -scored[pk][0]):  # the best-matching merged record speaks first
        score, show = scored.pop(pk)
        survivor = target[pk]
        if not show or survivor not in rows or rows[survivor][_MERGED] is not None:
            continue  # not a match, or a chain that loops or is too long
        reasons = explain(pk)
        named = any("name" in r for r in reasons)
        via = ["matched a name on a merged record" if named else "matched a merged record"]
        current = scored.get(survivor)
        if survivor in notes:
            continue  # already reached through a better-matching merged record
        if current is None or not current[1] or score > current[0]:
            scored[survivor] = (score, True)
            notes[survivor] = (via + [f"{r} (merged record)" for r in reasons if "name" not in r], True)
        else:
            notes[survivor] = (via, False)
    return notes


def _restricted_open_to(user: Any, pks: list[Any]) -> set[Any]:
    """Of these restricted people (found inside the user's search scope), those the user may open now, as
    `person_access` decides for one record: a named grant (two queries for the whole page), or unexpired break
    glass on a record inside the user's own scope."""
    if not pks or not has_verb(user, roles.VIEW_PERSON):
        return set()
    opened = set(
        RestrictedAccessGrant.objects.filter(user=user, person_id__in=pks, revoked_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    glass = (
        set(
            BreakGlassAccess.objects.filter(user=user, person_id__in=pks, expires_at__gt=clock.now()).values_list(
                "person_id", flat=True
            )
        )
        - opened
    )
    if glass:
        # Break glass opens a record only while it is inside the user's own scope (person_access): search's
        # scope also holds adults around a child the user referred, which break glass must not open. Rare
        # (a live break glass on a restricted result), so each is decided in full.
        opened |= {p.pk for p in Person.objects.filter(pk__in=glass) if person_access(user, p).allowed}
    return opened


def person_search_for_user(user: Any, criteria: SearchCriteria, *, purpose: str, limit: int = 50) -> SearchResults:
    """Typo-tolerant search over people the user may see; the search and its criteria are logged."""
    if not has_verb(user, roles.SEARCH_PERSON):
        raise PermissionDenied("Your role cannot search for people.")
    q = _normalise(criteria)
    results = SearchResults()
    if q.has_names or q.dob or q.nhs or q.upn or q.postcode:
        results = _search(user, q, limit)
    access_log_record(
        actor=user,
        action=AccessLog.Action.SEARCH,
        criteria=criteria.as_log(),
        reason=purpose,
        result_count=len(results),
    )
    return results


def _sees_everyone(user: Any) -> bool:
    """True when the user's record scope is everyone (permissions.children_q would give Q()), so no scope
    filter is needed; decided without building the narrower scopes' queries."""
    return getattr(user, "scope", None) == Scope.ALL and has_verb(user, roles.VIEW_PERSON)


def _normalise(criteria: SearchCriteria) -> _Query:
    """Fold the names and validate the identifiers (a DomainError names every malformed one)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for key, cleaner in (
        ("nhs_number", identifiers.clean_nhs_number),
        ("upn", identifiers.clean_upn),
        ("postcode", identifiers.clean_postcode),
    ):
        try:
            cleaned[key] = cleaner(getattr(criteria, key)) if getattr(criteria, key) else ""
        except ValueError as exc:
            errors[key] = [str(exc)]
    today = clock.today()
    for key, low, high, message in (
        ("age", 0, MAX_AGE, f"Enter an age between 0 and {MAX_AGE}"),
        ("school_year", 0, 13, "Choose a school year from Reception to Year 13"),
        ("year_of_birth", 1900, today.year, f"Enter a year of birth between 1900 and {today.year}"),
    ):
        value = getattr(criteria, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            errors[key] = [message]
    if errors:
        raise DomainError(errors=errors)
    return _Query(
        given=matching.fold(criteria.given_names),
        family=matching.fold(criteria.family_name),
        dob=criteria.date_of_birth,
        nhs=cleaned["nhs_number"],
        upn=cleaned["upn"],
        postcode=cleaned["postcode"],
        age=age_band(
            age=criteria.age, school_year=criteria.school_year, year_of_birth=criteria.year_of_birth, today=today
        ),
    )


def _search(user: Any, q: _Query, limit: int) -> SearchResults:
    check = ScopeCheck(user)
    close = _close_names(q)
    candidates = _collect(q, close)
    names = _NameScorer(q, close)
    variants = dob_variants(q.dob) if q.dob else {}
    scored: _Scored = {pk: _score(q, names, c, variants)[:2] for pk, c in candidates.items()}
    rows = {pk: c.row for pk, c in candidates.items()}
    notes = _resolve_merges(scored, rows, lambda pk: _score(q, names, candidates[pk], variants, explain=True)[2])
    ranked = sorted(
        (pk for pk, s in scored.items() if s[1] and rows[pk][_MERGED] is None),
        # Scores within 0.005 are a tie; among ties children come first (the front door asks whether a child is
        # known), then by name.
        key=lambda pk: (
            -round(scored[pk][0], 2),
            rows[pk][_KIND] != Person.Kind.CHILD,
            rows[pk][_SF],
            rows[pk][_SG],
            str(pk),
        ),
    )
    total = len(ranked)
    if not check.everyone:
        # The user's record scope, checked on the candidates best first (never on the whole population) until
        # a page is full; the rest are counted with one more check.
        def allowed(pks: list[Any]) -> set[Any]:
            return check.allowed([(pk, rows[pk][_KIND] == Person.Kind.ADULT) for pk in pks])

        shown: list[Any] = []
        checked = 0
        while checked < len(ranked) and len(shown) < limit:
            # Most searches rank a few hundred people at most: one check for all of them gives the count too.
            chunk = ranked[checked : checked + SCOPE_CHUNK]
            ok = allowed(chunk)
            shown += [pk for pk in chunk if pk in ok]
            checked += len(chunk)
        rest = ranked[checked:]
        total = len(shown) + (len(allowed(rest)) if rest else 0)
        ranked = shown
    ranked = ranked[:limit]
    people = Person.objects.order_by().in_bulk(ranked)
    results = []
    for pk in ranked:
        score = scored[pk][0]
        note, replaces = notes.get(pk, ([], False))
        own = [] if replaces or pk not in candidates else _score(q, names, candidates[pk], variants, explain=True)[2]
        reasons = own + note
        if pk in people:
            person = people[pk]
            results.append(SearchResult(person, round(score, 3), reasons, restricted=person.is_restricted))
    for pk in _restricted_open_to(user, [r.person.pk for r in results if r.restricted]):
        for result in results:
            if result.person.pk == pk:
                result.restricted = False
    return SearchResults(results, total=total, needs_narrowing=q.name_only and bool(results))
