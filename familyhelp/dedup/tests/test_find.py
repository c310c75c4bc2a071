"""The batch job on the database: finds the synthetic council's misspelt duplicates, and is idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.dedup import services
from familyhelp.dedup.models import DuplicateCandidate
from familyhelp.dedup.tests.factories import duplicate_of, same_nhs_number
from familyhelp.people.models import Person
from familyhelp.synthetic.generator import generate

pytestmark = pytest.mark.django_db
S = DuplicateCandidate.Status


def test_finds_the_generated_duplicates_and_queues_no_strangers():
    result = generate(preset="tiny", seed=1, today=date(2025, 3, 31))
    known = {tuple(sorted((d.original_id, d.duplicate_id))) for d in result.duplicates}
    found = services.duplicates_find()
    queued = {
        tuple(sorted((str(a), str(b)))) for a, b in DuplicateCandidate.objects.values_list("person_a_id", "person_b_id")
    }
    assert found.records == Person.objects.count() and found.created == len(queued)
    assert queued <= known  # no strangers in the queue (precision)
    assert len(queued) >= len(known) / 2, (len(queued), len(known))  # most duplicates found (recall)
    assert AccessLog.objects.filter(action="search", criteria__job="find_duplicates", result_count=len(queued)).exists()


def test_rerunning_never_duplicates_pairs_or_reopens_decisions(world):
    dup = duplicate_of(world.own, family_name="OBrian")
    twin = duplicate_of(world.own, given_names="Zara")
    same_nhs_number(world.own, dup)
    first = services.duplicates_find()
    assert first.created == 1
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.person_a_id, candidate.person_b_id} == {world.own.pk, dup.pk}
    assert "same NHS number" in candidate.reasons and "dob_family" in candidate.blocks
    assert not DuplicateCandidate.objects.filter(person_a=twin).exists()
    assert not DuplicateCandidate.objects.filter(person_b=twin).exists()
    second = services.duplicates_find()
    assert (second.created, second.updated, second.withdrawn) == (0, 0, 0)
    assert DuplicateCandidate.objects.count() == 1 and DuplicateCandidate.objects.get().version == 1
    # Decided "not a duplicate": never reopened.
    services.candidate_mark_not_duplicate(actor=world.leader, candidate=candidate, reason="Twins", expected_version=1)
    third = services.duplicates_find()
    assert (third.created, third.already_decided) == (0, 1)
    assert DuplicateCandidate.objects.get().status == S.NOT_DUPLICATE


def test_a_pair_no_longer_found_is_withdrawn_and_reopened_when_found_again(world):
    dup = duplicate_of(world.own, family_name="OBrian")
    same_nhs_number(world.own, dup)
    services.duplicates_find()
    Person.objects.filter(pk=dup.pk).update(nhs_number="", date_of_birth=date(2001, 1, 1))  # corrected
    assert services.duplicates_find().withdrawn == 1
    assert DuplicateCandidate.objects.get().status == S.WITHDRAWN
    same_nhs_number(world.own, dup)
    Person.objects.filter(pk=dup.pk).update(date_of_birth=world.own.date_of_birth)
    assert services.duplicates_find().reopened == 1
    candidate = DuplicateCandidate.objects.get()
    assert candidate.status == S.OPEN and candidate.history.count() == 3
