"""Reading merged records: a duplicate merged into another points at it with `Person.merged_into`.

Merges can chain (A merged into B, later B into C): a record's final survivor is the end of the chain,
and a survivor's history includes every record whose chain ends at it. Writes live in familyhelp.dedup.
"""

from __future__ import annotations

from typing import Any

from familyhelp.people.models import Person

MAX_CHAIN = 50  # a longer chain means the data is damaged: stop rather than loop


def final_survivor(person: Person) -> Person:
    """The record a merged record was (perhaps via others) merged into; the person itself if not merged."""
    seen = {person.pk}
    current = person
    while current.merged_into_id is not None:
        if current.merged_into_id in seen or len(seen) > MAX_CHAIN:
            raise ValueError(f"Merge chain from {person.pk} loops or is too long")
        seen.add(current.merged_into_id)
        current = Person.objects.get(pk=current.merged_into_id)
    return current


def merged_record_ids(person: Person) -> list[Any]:
    """Ids of the records merged into this one, directly or through a chain (one query per level)."""
    found: list[Any] = []
    frontier = [person.pk]
    for _ in range(MAX_CHAIN):
        frontier = list(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        found.extend(frontier)
    return found
