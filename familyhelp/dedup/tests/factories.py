"""Helpers for duplicate tests: a misspelt second record of a person, and a pair in the review queue."""

from __future__ import annotations

from typing import Any

from familyhelp.dedup import linkage
from familyhelp.dedup.models import DuplicateCandidate
from familyhelp.people.models import Person
from familyhelp.people.tests.factories import ChildFactory, InvolvementFactory


def duplicate_of(person: Person, *, worker: Any = None, **changes: Any) -> Person:
    """A second record of the same person (by default identical details, no NHS number)."""
    fields = {
        "kind": person.kind,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "nhs_number": "",
        **changes,
    }
    duplicate = ChildFactory(**fields)
    if worker is not None:  # puts the record on the worker's caseload (inside their team's scope)
        InvolvementFactory(person=duplicate, worker=worker)
    return duplicate


SHARED_NHS = "9990000018"  # a valid number in the test range


def same_nhs_number(*people: Person) -> None:
    """Give the records one NHS number, so the batch job queues them even in a council of ten people."""
    Person.objects.filter(pk__in=[p.pk for p in people]).update(nhs_number=SHARED_NHS)


def pair(a: Person, b: Person, *, score: float = 0.9, **fields: Any) -> DuplicateCandidate:
    """A possible duplicate waiting for review, in the canonical order (lower id first)."""
    first, second = sorted((a, b), key=lambda p: p.pk.hex)
    return DuplicateCandidate.objects.create(
        person_a=first,
        person_b=second,
        score=score,
        match_weight=round(linkage.SCORE_MIDPOINT + 4, 2),
        reasons=["date of birth matches", "family names differ by a typing error"],
        blocks=["dob_family"],
        **fields,
    )
