"""Name normalisation and phonetic keys used for person search and matching.

Names are ordinary Unicode: O'Brien, Zoë, Nguyễn, single names. For matching we fold accents
and case, drop apostrophes and treat hyphens as spaces; the stored names are never changed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

import jellyfish
from nicknames import NickNamer

_NON_LETTERS = re.compile(r"[^a-z ]+")


@functools.cache
def _dataset() -> dict[str, frozenset[str]]:
    """Every name in the `nicknames` dataset (a hand-curated list of English given names and their
    diminutives) with the names it is a nickname of or has as nicknames, both directions, folded."""
    pairs: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer().nickname_lookup.items():
        formal = fold(canonical)
        for nick in nicks:
            short = fold(nick)
            if not formal or not short or formal == short or " " in short:  # "k c": initials are not names
                continue
            pairs.setdefault(formal, set()).add(short)
            pairs.setdefault(short, set()).add(formal)
    return {name: frozenset(others) for name, others in pairs.items()}


class _Nicknames(Mapping[str, frozenset[str]]):
    """The nickname dataset as a read-only mapping: folded name -> its formal forms and nicknames."""

    def __getitem__(self, name: str) -> frozenset[str]:
        return _dataset()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_dataset())

    def __len__(self) -> int:
        return len(_dataset())


# Known nicknames, both directions (Issy <-> Isabella, Millie <-> Amelia), from the maintained dataset. A council's
# own additions are data (people.NameVariant) and are added by name_variants(extra=...).
NICKNAMES: Mapping[str, frozenset[str]] = _Nicknames()


def fold(value: str) -> str:
    """Lower-case, strip accents and punctuation: "Zoë O'Brien-Nguyễn" -> "zoe obrien nguyen"."""
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = value.replace("ø", "o").replace("Ø", "o").replace("ß", "ss").replace("đ", "d").replace("Đ", "d")
    value = value.lower().replace("'", "").replace("’", "").replace("-", " ")
    value = _NON_LETTERS.sub(" ", value)
    return " ".join(value.split())


def phonetic(value: str) -> str:
    """A phonetic key of the first word of the folded name (metaphone), '' for an empty name."""
    folded = fold(value)
    if not folded:
        return ""
    return str(jellyfish.metaphone(folded.split(" ")[0]))[:20]


def search_keys(given: str, family: str) -> dict[str, str]:
    """The search columns stored beside a name."""
    return {
        "search_given": fold(given)[:200],
        "search_family": fold(family)[:200],
        "phonetic_given": phonetic(given),
        "phonetic_family": phonetic(family),
    }


def name_variants(given: str, extra: Mapping[str, Iterable[str]] | None = None) -> set[str]:
    """A folded first given name with its nicknames and formal forms from the dataset, and from `extra` (the
    council's own additions, name -> variants, both directions already)."""
    first = fold(given).split(" ")[0] if fold(given) else ""
    if not first:
        return set()
    return {first} | set(NICKNAMES.get(first, ())) | set((extra or {}).get(first, ()))
