"""The search vocabulary: every recorded name, findable from a misspelling of it (ADR 0017).

Each word of a recorded family name, and each first given name, is stored under its *deletion keys*: the
word with up to two letters deleted (of its first PREFIX letters, as SymSpell does). Two words within two
edits of each other (a letter missing, added, replaced, or two letters swapped, anywhere, the first letter
included) always share a key, so looking up the keys of what was typed finds every recorded name within two
edits in one indexed query; the distance is then checked exactly. The table holds distinct names, not
people: it stays small (tens of thousands of names for a million people) and works the same on SQLite and
PostgreSQL. Rows are only ever added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import Any

from django.db import connection

from familyhelp.people.models import NameKey

MAX_EDITS = 2
PREFIX = 7  # keys are made from the first PREFIX letters; the full word is checked afterwards
FAMILY, GIVEN = "f", "g"
_BATCH = 5000


def deletion_keys(word: str, edits: int = MAX_EDITS) -> set[str]:
    """The word's first PREFIX letters with up to `edits` letters deleted (the word's prefix itself included)."""
    head = word[:PREFIX]
    keys = {head}
    for n in range(1, min(edits, len(head)) + 1):
        for drop in combinations(range(len(head)), n):
            keys.add("".join(c for i, c in enumerate(head) if i not in drop))
    keys.discard("")
    return keys


def first_word(folded: str) -> str:
    return folded.split(" ")[0] if folded else ""


def entries(search_given: str, search_family: str) -> set[tuple[str, str, str]]:
    """(key, part, value) rows for one recorded name (already folded, as in Person.search_given)."""
    rows: set[tuple[str, str, str]] = set()
    given = first_word(search_given)
    if given:
        rows |= {(k, GIVEN, given[:200]) for k in deletion_keys(given)}
    if search_family:
        for word in set(search_family.split(" ")):
            rows |= {(k, FAMILY, search_family[:200]) for k in deletion_keys(word)}
    return rows


def register(names: Iterable[tuple[str, str]]) -> int:
    """Add the keys of these recorded names (search_given, search_family) that are not stored yet; returns how
    many rows were added. Cheap when the names are known already (one indexed read per name)."""
    wanted: set[tuple[str, str, str]] = set()
    for given, family in names:
        probe = [(first_word(given), GIVEN)] if given else []
        probe += [(family, FAMILY)] if family else []
        for value, part in probe:
            head = (value.split(" ")[0] if part == FAMILY else value)[:PREFIX]
            if not NameKey.objects.filter(key=head, part=part, value=value[:200]).exists():
                wanted |= {e for e in entries(given, family) if e[1] == part}
    return _insert(wanted)


def _insert(rows: Iterable[tuple[str, str, str]], key_model: Any = NameKey) -> int:
    batch: list[Any] = []
    added = 0
    for key, part, value in rows:
        batch.append(key_model(key=key, part=part, value=value))
        if len(batch) >= _BATCH:
            added += len(key_model.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        added += len(key_model.objects.bulk_create(batch, ignore_conflicts=True))
    return added


def _distinct(sql: str) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_BATCH):
            for (value,) in chunk:
                if value:
                    yield value


def rebuild(tables: Iterable[str] = ("people_person", "people_personname"), key_model: Any = NameKey) -> int:
    """Add the keys of every recorded name (people and their other names); returns rows added. Used after a
    bulk load (the synthetic council, an import), by `familyhelp rebuild_name_index` and by the migration
    that created the table (which passes its historical model)."""
    rows: set[tuple[str, str, str]] = set()
    for name in tables:
        table = connection.ops.quote_name(name)
        for value in _distinct(f"SELECT DISTINCT search_family FROM {table}"):  # noqa: S608 - our table
            for word in set(value.split(" ")):
                rows |= {(k, FAMILY, value) for k in deletion_keys(word)}
        for value in _distinct(f"SELECT DISTINCT search_given FROM {table}"):  # noqa: S608 - our table
            given = first_word(value)
            rows |= {(k, GIVEN, given) for k in deletion_keys(given)}
    return _insert(rows, key_model)
