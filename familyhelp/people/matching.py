"""Name normalisation and phonetic keys used for person search and matching.

Names are ordinary Unicode: O'Brien, Zoë, Nguyễn, single names. For matching we fold accents
and case, drop apostrophes and treat hyphens as spaces; the stored names are never changed.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

_NON_LETTERS = re.compile(r"[^a-z ]+")

# Common English nicknames, both directions (small list; extendable by councils).
NICKNAMES: dict[str, set[str]] = {}
_NICK_GROUPS = [
    {"william", "will", "bill", "billy", "liam"},
    {"robert", "rob", "bob", "bobby", "robbie"},
    {"elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"},
    {"margaret", "maggie", "meg", "peggy"},
    {"james", "jim", "jimmy", "jamie"},
    {"thomas", "tom", "tommy"},
    {"alexander", "alex", "alfie", "sandy", "xander"},
    {"alexandra", "alex", "lexi", "sandra"},
    {"katherine", "catherine", "kate", "katie", "kat", "cath", "cathy"},
    {"jonathan", "jon", "johnny", "john", "jack"},
    {"daniel", "dan", "danny"},
    {"michael", "mike", "mikey", "mick"},
    {"christopher", "chris", "kit"},
    {"nicholas", "nick", "nicky"},
    {"samuel", "sam", "sammy"},
    {"samantha", "sam", "sammy"},
    {"joseph", "joe", "joey"},
    {"charlotte", "charlie", "lottie"},
    {"charles", "charlie", "chas"},
    {"rebecca", "becky", "becca"},
    {"victoria", "vicky", "tori"},
    {"jennifer", "jen", "jenny"},
    {"anthony", "tony", "ant"},
    {"edward", "ed", "eddie", "ted", "teddy"},
    {"oliver", "ollie"},
    {"frederick", "fred", "freddie"},
    {"henry", "harry", "hal"},
    {"matthew", "matt", "matty"},
    {"benjamin", "ben", "benji"},
    {"abigail", "abi", "abby"},
    {"olivia", "liv", "livvy"},
    {"isabella", "isabel", "bella", "izzy"},
    {"muhammad", "mohammed", "mohammad", "mohamed"},
]
for _group in _NICK_GROUPS:
    for _name in _group:
        NICKNAMES.setdefault(_name, set()).update(_group - {_name})


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


def name_variants(given: str) -> set[str]:
    """A folded first given name with its common nicknames and formal forms."""
    first = fold(given).split(" ")[0] if fold(given) else ""
    if not first:
        return set()
    return {first} | NICKNAMES.get(first, set())
