"""Merge, not a duplicate and undo: histories kept, logged, refused when they should be, safe when concurrent."""

from __future__ import annotations

import datetime

import pytest

from familyhelp.audit.models import AccessLog
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.dedup import services
from familyhelp.dedup.models import DuplicateCandidate, PersonMerge
from familyhelp.dedup.tests.factories import duplicate_of, pair
from familyhelp.people import services as people_services
from familyhelp.people.merges import final_survivor, merged_record_ids
from familyhelp.people.models import Person
from familyhelp.people.permissions import can_add_chronology, can_change_person, person_access
from familyhelp.people.selectors import chronology_list_for_person, person_details

S = DuplicateCandidate.Status
TODAY = datetime.date.today()


@pytest.fixture
def dup(world):  # type: ignore[no-untyped-def]
    """A second record of the social worker's child (typo'd family name), on a team colleague's caseload."""
    duplicate = duplicate_of(world.own, family_name="OBrian", worker=world.colleague)
    people_services.person_add_name(actor=world.sw, person=duplicate, kind="alias", given_names="Zoe", family_name="")
    chronology_add_significant_event(actor=world.sw, person=duplicate, occurred_on=TODAY, summary="Seen at school")
    return duplicate


def _merge(world, candidate, survivor, actor=None, **kw):  # type: ignore[no-untyped-def]
    return services.candidate_merge(
        actor=actor or world.manager,
        candidate=candidate,
        survivor=survivor,
        reason=kw.pop("reason", "Same child: same date of birth, mother and school"),
        expected_version=kw.pop("expected_version", candidate.version),
    )


def test_merge_keeps_both_records_and_both_histories(world, dup):
    candidate = pair(world.own, dup)
    merge = _merge(world, candidate, world.own)
    dup.refresh_from_db()
    world.own.refresh_from_db()
    assert Person.objects.filter(pk__in=[world.own.pk, dup.pk]).count() == 2  # nothing deleted
    assert dup.merged_into == world.own and world.own.merged_into is None
    assert (dup.family_name, dup.given_names) == ("OBrian", "Zoë")  # nothing rewritten
    assert (merge.survivor, merge.merged, merge.merged_by, merge.candidate) == (
        world.own,
        dup,
        world.manager,
        candidate,
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (S.MERGED, world.manager)
    # The survivor's chronology includes the merged record's events, marked with where they came from.
    events = list(chronology_list_for_person(world.own))
    from_dup = [e for e in events if e.from_reference == dup.reference]
    assert {e.summary for e in from_dup} >= {"Seen at school"}
    assert all(e.from_reference == "" for e in events if e.person_id == world.own.pk)
    # Its other names include the merged record's name and other names.
    names = {(n["name"], n["reference"]) for n in person_details(world.own)["merged_names"]}
    assert names == {("Zoë OBrian", dup.reference), ("Zoe", dup.reference)}
    # A chronology event and an access log entry on both records; field history of the merged record.
    for person in (world.own, dup):
        assert ChronologyEvent.objects.filter(person=person, kind="person.merged", subject_id=str(merge.pk)).exists()
        assert AccessLog.objects.filter(person=person, user=world.manager, criteria__operation="merge").exists()
    assert dup.history.first().merged_into_id == world.own.pk
    assert dup.version == 2
    # The merged record is changed through the survivor.
    assert not can_change_person(world.sw, dup) and not can_add_chronology(world.sw, dup)
    assert can_change_person(world.sw, world.own)


def test_undo_restores_two_separate_records_and_is_logged(world, dup):
    candidate = pair(world.own, dup)
    merge = _merge(world, candidate, world.own)
    undone = services.merge_undo(actor=world.manager, merge=merge, reason="Different children: twins")
    dup.refresh_from_db()
    assert dup.merged_into is None and dup.version == 3
    assert (undone.undone_by, undone.undone_reason) == (world.manager, "Different children: twins")
    assert merged_record_ids(world.own) == []
    assert {e.summary for e in chronology_list_for_person(world.own)}.isdisjoint({"Seen at school"})
    assert "Seen at school" in {e.summary for e in chronology_list_for_person(dup)}
    for person in (world.own, dup):
        assert ChronologyEvent.objects.filter(person=person, kind="person.unmerged").exists()
        assert AccessLog.objects.filter(person=person, criteria__operation="unmerge").exists()
    candidate.refresh_from_db()
    assert candidate.status == S.NOT_DUPLICATE  # not suggested again
    assert [h.merged_into_id for h in dup.history.order_by("history_date")][-2:] == [world.own.pk, None]
    with pytest.raises(ConcurrentEditError, match="already undone"):
        services.merge_undo(actor=world.manager, merge=merge, reason="Again")


def test_undo_can_put_the_pair_back_in_the_queue(world, dup):
    candidate = pair(world.own, dup)
    merge = _merge(world, candidate, world.own)
    services.merge_undo(actor=world.manager, merge=merge, reason="Kept the wrong record", reopen=True)
    candidate.refresh_from_db()
    assert candidate.status == S.OPEN
    _merge(world, candidate, dup, reason="Same child; keep the newer record")
    world.own.refresh_from_db()
    assert world.own.merged_into == dup


def test_not_a_duplicate_is_recorded_with_its_reason(world, dup):
    candidate = pair(world.own, dup)
    services.candidate_mark_not_duplicate(
        actor=world.leader, candidate=candidate, reason="Twins", expected_version=candidate.version
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_reason, candidate.decided_by) == (
        S.NOT_DUPLICATE,
        "Twins",
        world.leader,
    )
    assert Person.objects.get(pk=dup.pk).merged_into is None
    assert candidate.history.count() == 2


@pytest.mark.parametrize("role", ["sw", "frontdoor", "specialist", "partner", "auditor"])
def test_roles_without_the_verb_cannot_merge(world, dup, role):
    candidate = pair(world.own, dup)
    with pytest.raises(ForbiddenError):
        _merge(world, candidate, world.own, actor=world.users[role])
    with pytest.raises(ForbiddenError):
        services.duplicates_find(actor=world.users[role])
    assert Person.objects.get(pk=dup.pk).merged_into is None


def test_a_record_outside_scope_or_restricted_without_access_refuses_the_merge(world, dup):
    other_dup = duplicate_of(world.other)
    assert not person_access(world.manager, world.other).allowed
    with pytest.raises(ForbiddenError):
        _merge(world, pair(world.other, other_dup), world.other)
    restricted_dup = duplicate_of(world.restricted, worker=world.colleague)
    assert person_access(world.manager, world.restricted).needs_break_glass
    with pytest.raises(ForbiddenError):
        _merge(world, pair(world.restricted, restricted_dup), world.restricted)
    # The administrator holds the verb but sees no records: refused too.
    with pytest.raises(ForbiddenError):
        _merge(world, pair(world.own, dup), world.own, actor=world.admin)
    assert not PersonMerge.objects.exists()


def test_a_restricted_record_is_not_merged_into_an_unrestricted_one(world):
    restricted_dup = duplicate_of(world.restricted, is_restricted=True, worker=world.colleague)
    candidate = pair(world.own, restricted_dup)
    from familyhelp.accounts.models import RestrictedAccessGrant

    RestrictedAccessGrant.objects.create(person=restricted_dup, user=world.leader, granted_by=world.manager, reason="x")
    assert person_access(world.leader, restricted_dup).allowed
    with pytest.raises(DomainError, match="is restricted"):
        _merge(world, candidate, world.own, actor=world.leader)
    merge = _merge(world, candidate, restricted_dup, actor=world.leader)  # the restricted record may survive
    assert merge.survivor == restricted_dup


def test_two_reviewers_at_once_one_wins_the_other_gets_a_clear_error(world, dup):
    candidate = pair(world.own, dup)
    seen_by_manager = DuplicateCandidate.objects.get(pk=candidate.pk)  # both opened the pair (version 1)
    seen_by_leader = DuplicateCandidate.objects.get(pk=candidate.pk)
    _merge(world, seen_by_manager, world.own, expected_version=1)
    with pytest.raises(ConcurrentEditError, match="already been decided by .* Your decision was not saved"):
        _merge(world, seen_by_leader, dup, actor=world.leader, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.candidate_mark_not_duplicate(
            actor=world.leader, candidate=seen_by_leader, reason="x", expected_version=1
        )
    assert PersonMerge.objects.count() == 1
    world.own.refresh_from_db()
    assert world.own.merged_into is None


def test_a_stale_or_missing_version_is_refused(world, dup):
    candidate = pair(world.own, dup)
    for version in (None, 7):
        with pytest.raises(ConcurrentEditError):
            _merge(world, candidate, world.own, expected_version=version)
    assert not PersonMerge.objects.exists()


def test_merging_one_record_twice_withdraws_its_other_pairs(world, dup):
    third = duplicate_of(world.own, given_names="Zoey", worker=world.colleague)
    first, second = pair(world.own, dup), pair(dup, third)
    _merge(world, first, world.own)
    second.refresh_from_db()
    assert second.status == S.WITHDRAWN
    with pytest.raises(ConcurrentEditError, match="no longer suggested"):
        _merge(world, second, third)


def test_chains_merge_into_the_final_survivor_and_cycles_are_refused(world, dup):
    third = duplicate_of(world.own, given_names="Zoey", worker=world.colleague)
    chronology_add_significant_event(actor=world.sw, person=third, occurred_on=TODAY, summary="Third record")
    _merge(world, pair(world.own, dup), world.own)  # dup -> own
    _merge(world, pair(world.own, third), third)  # own -> third: own was a survivor, now part of a chain
    dup.refresh_from_db()
    world.own.refresh_from_db()
    assert final_survivor(dup) == third and final_survivor(world.own) == third
    assert set(merged_record_ids(third)) == {world.own.pk, dup.pk}
    summaries = {e.summary for e in chronology_list_for_person(third)}
    assert {"Seen at school", "Third record"} <= summaries
    # A pair naming a record already merged into the chain: keeping `dup` means keeping its final survivor.
    fourth = duplicate_of(world.own, given_names="Zoe", worker=world.colleague)
    merge = _merge(world, pair(dup, fourth), dup)
    assert merge.survivor == third
    # Merging the end of the chain into a record that was merged into it would make a loop.
    with pytest.raises(DomainError, match="loop"):
        _merge(world, pair(third, dup), dup)
    assert third.merged_into_id is None


def test_undoing_a_merge_in_a_chain_keeps_the_rest(world, dup):
    third = duplicate_of(world.own, given_names="Zoey", worker=world.colleague)
    _merge(world, pair(world.own, dup), world.own)
    second = _merge(world, pair(world.own, third), third)
    services.merge_undo(actor=world.manager, merge=second, reason="Not the same child")
    world.own.refresh_from_db()
    dup.refresh_from_db()
    assert world.own.merged_into is None and dup.merged_into == world.own
    assert merged_record_ids(third) == []


def test_reasons_are_required(world, dup):
    candidate = pair(world.own, dup)
    with pytest.raises(DomainError) as exc:
        _merge(world, candidate, world.own, reason="  ")
    assert exc.value.errors == {"reason": ["Enter why these records are the same person"]}
    with pytest.raises(DomainError) as exc:
        services.candidate_mark_not_duplicate(actor=world.manager, candidate=candidate, reason="", expected_version=1)
    assert "reason" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        _merge(world, candidate, world.parent)
    assert exc.value.errors == {"survivor": ["Choose which record to keep"]}
