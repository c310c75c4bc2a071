"""Every write about duplicate records: the batch job, merge, not a duplicate, and undoing a merge."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.timezone import localtime
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.chronology.services import chronology_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.errors import ConcurrentEditError, DomainError, require
from familyhelp.dedup import linkage
from familyhelp.dedup.models import DuplicateCandidate, PersonMerge
from familyhelp.dedup.permissions import can_review_pair
from familyhelp.dedup.transitions import check_transition
from familyhelp.people.merges import final_survivor
from familyhelp.people.models import Person, PersonAddress, PersonName, Relationship
from familyhelp.people.permissions import person_access

S = DuplicateCandidate.Status

# --- the batch job --------------------------------------------------------------------------------


@dataclass
class FindResult:
    """What a run of the batch job did, with timings per phase (seconds)."""

    records: int = 0
    compared: int = 0
    above_threshold: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    withdrawn: int = 0
    already_decided: int = 0
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    skipped_blocks: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    pairs: list[tuple[str, str, float]] = field(default_factory=list)  # (lower id hex, higher id hex, weight)

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def _raw_rows(qs: Any) -> list[tuple[Any, ...]]:
    """Rows of a values_list queryset through the DB-API cursor (no per-value conversion: much faster)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _hex(value: Any) -> str:
    """A raw id value (hex text on SQLite, a UUID on PostgreSQL) as 32-character hex."""
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value)
    return text if len(text) == 32 else uuid.UUID(text).hex


def _iso(value: Any) -> str:
    """A raw date value (a date, or ISO text) as ISO text; '' for none."""
    if not value:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def _converters() -> tuple[Callable[[Any], str], Callable[[Any], str]]:
    """(id -> 32-character hex, date -> ISO text or '') for the database's raw values."""
    return _hex, _iso


def load_records() -> list[tuple[Any, ...]]:
    """Every person record not merged into another, as linkage tuples (see linkage.ID … ALIASES)."""
    hexid, iso = _converters()
    aliases: dict[str, list[tuple[str, str, str, str]]] = {}
    for pid, sg, sf, pg, pf in _raw_rows(
        PersonName.objects.values_list(
            "person_id", "search_given", "search_family", "phonetic_given", "phonetic_family"
        )
    ):
        aliases.setdefault(hexid(pid), []).append((sg, sf, pg, pf))
    postcodes = {
        hexid(pid): postcode
        for pid, postcode in _raw_rows(
            PersonAddress.objects.filter(end_date__isnull=True).values_list("person_id", "address__postcode")
        )
    }
    rows = _raw_rows(
        Person.objects.filter(merged_into__isnull=True).values_list(
            "id",
            "kind",
            "search_given",
            "search_family",
            "phonetic_given",
            "phonetic_family",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "nhs_number",
            "upn",
            "former_upn",
        )
    )
    records = []
    for pk, kind, sg, sf, pg, pf, dob, edd, sex, nhs, upn, former in rows:
        h = hexid(pk)
        records.append(
            (
                h,
                kind,
                sg,
                sf,
                pg,
                pf,
                iso(dob),
                iso(edd),
                sex,
                nhs,
                upn,
                former,
                postcodes.get(h, ""),
                tuple(aliases.get(h, ())),
            )
        )
    return records


def _relatives(ids: list[str], chunk: int = 2000) -> dict[str, set[str]]:
    """For each of these person ids (hex), the ids of the people recorded as related to them."""
    hexid, _ = _converters()
    related: dict[str, set[str]] = {}
    for start in range(0, len(ids), chunk):
        part = [uuid.UUID(hex=h) for h in ids[start : start + chunk]]
        for pid, other in _raw_rows(
            Relationship.objects.filter(person_id__in=part).values_list("person_id", "related_person_id")
        ):
            related.setdefault(hexid(pid), set()).add(hexid(other))
    return related


def duplicates_find(
    *, actor: Any = None, min_weight: float = linkage.MIN_WEIGHT, progress: Callable[[str], None] | None = None
) -> FindResult:
    """Run the batch job: block, score and write the pairs worth reviewing (idempotent).

    A pair already in the queue is updated, not added again; a pair decided "not a duplicate" or merged is
    never reopened; an open pair no longer found (a record was merged or corrected) is withdrawn, and a
    withdrawn pair found again is reopened. `actor` is the user who pressed the button (None from the
    command line); the run is recorded in the access log as a search over the whole person index.
    """
    if actor is not None:
        require(has_verb(actor, roles.MANAGE_DUPLICATES), "Your role cannot look for duplicate records.")
    say = progress or (lambda message: None)
    result = FindResult()
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        result.phases[name] = round(now - mark, 3)
        mark = now
        say(f"{name}: {result.phases[name]:.1f} s")

    records = load_records()
    result.records = len(records)
    phase("load")
    stats = linkage.BlockingStats()
    pairs = linkage.candidate_pairs(records, stats)
    result.compared = len(pairs)
    result.pairs_by_rule = dict(stats.pairs_by_rule)
    result.skipped_blocks = dict(stats.skipped_blocks)
    phase("blocking")
    freq = linkage.Frequencies(records)
    n = len(records)
    score = linkage.score_pair
    # The relationship evidence can add at most W_SHARED_RELATIVE, so pairs below this cannot reach the queue.
    floor = min_weight - linkage.W_SHARED_RELATIVE
    kept: list[tuple[int, int, int]] = []
    for key, bits in pairs.items():
        i, j = divmod(key, n)
        if score(records[i], records[j], freq).weight >= floor:
            kept.append((i, j, bits))
    del pairs
    phase("scoring")
    relatives = _relatives(sorted({records[x][linkage.ID] for i, j, _ in kept for x in (i, j)}))
    found: dict[tuple[str, str], tuple[linkage.Comparison, list[str]]] = {}
    for i, j, bits in kept:
        a, b = records[i], records[j]
        ra, rb = relatives.get(a[linkage.ID], set()), relatives.get(b[linkage.ID], set())
        comparison = score(a, b, freq, related=b[linkage.ID] in ra, shared_relative=bool(ra & rb))
        if comparison.weight >= min_weight:
            lo, hi = sorted((a[linkage.ID], b[linkage.ID]))
            found[(lo, hi)] = (comparison, linkage.rules_from_bits(bits))
    result.above_threshold = len(found)
    result.pairs = [(lo, hi, c.weight) for (lo, hi), (c, _) in found.items()]
    phase("relationships")
    _write_candidates(actor=actor, found=found, result=result)
    phase("writing")
    access_log_record(
        actor=actor,
        action=AccessLog.Action.SEARCH,
        reason="Batch search for duplicate person records",
        criteria={"job": "find_duplicates", "records": result.records, "min_weight": min_weight},
        result_count=result.above_threshold,
    )
    return result


@transaction.atomic
def _write_candidates(
    *, actor: Any, found: dict[tuple[str, str], tuple[linkage.Comparison, list[str]]], result: FindResult
) -> None:
    now = clock.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing: dict[tuple[str, str], DuplicateCandidate] = {}
    for row in DuplicateCandidate.objects.select_for_update().exclude(status=S.NOT_DUPLICATE):
        existing[(row.person_a_id.hex, row.person_b_id.hex)] = row
    decided = set(DuplicateCandidate.objects.filter(status=S.NOT_DUPLICATE).values_list("person_a_id", "person_b_id"))
    decided_hex = {(a.hex, b.hex) for a, b in decided}
    new: list[DuplicateCandidate] = []
    changed: list[DuplicateCandidate] = []
    for pair, (comparison, rules) in found.items():
        if pair in decided_hex:
            result.already_decided += 1
            continue
        candidate = existing.get(pair)
        if candidate is None:
            new.append(
                DuplicateCandidate(
                    person_a_id=uuid.UUID(hex=pair[0]),
                    person_b_id=uuid.UUID(hex=pair[1]),
                    score=comparison.score,
                    match_weight=comparison.weight,
                    reasons=comparison.reasons,
                    blocks=rules,
                    status=S.OPEN,
                    found_at=now,
                    created_at=now,
                    modified_at=now,
                    created_by=user,
                    modified_by=user,
                )
            )
            continue
        if candidate.status == S.MERGED:
            result.already_decided += 1
            continue
        reopened = candidate.status == S.WITHDRAWN
        if (
            reopened
            or candidate.match_weight != comparison.weight
            or candidate.reasons != comparison.reasons
            or candidate.blocks != rules
        ):
            if reopened:
                check_transition(candidate.status, S.OPEN)
                candidate.status = S.OPEN
                result.reopened += 1
            else:
                result.updated += 1
            candidate.score, candidate.match_weight = comparison.score, comparison.weight
            candidate.reasons, candidate.blocks = comparison.reasons, rules
            candidate.version += 1
            candidate.modified_at, candidate.modified_by = now, user
            changed.append(candidate)
    for pair, candidate in existing.items():
        if candidate.status == S.OPEN and pair not in found:
            check_transition(candidate.status, S.WITHDRAWN)
            candidate.status = S.WITHDRAWN
            candidate.version += 1
            candidate.modified_at, candidate.modified_by = now, user
            changed.append(candidate)
            result.withdrawn += 1
    if new:
        bulk_create_with_history(new, DuplicateCandidate, batch_size=1000, default_user=user, default_date=now)
        result.created = len(new)
    if changed:
        bulk_update_with_history(
            changed,
            DuplicateCandidate,
            ["status", "score", "match_weight", "reasons", "blocks", "version", "modified_at", "modified_by"],
            batch_size=1000,
            default_user=user,
            default_date=now,
        )


# --- decisions ------------------------------------------------------------------------------------


def _clean_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(message, field="reason")
    if len(reason) > 2000:
        raise DomainError("The reason must be 2,000 characters or fewer", field="reason")
    return reason


def _lock_candidate(candidate: DuplicateCandidate, expected_version: int | None) -> DuplicateCandidate:
    """Lock the pair and refuse a decision on a pair someone else has decided (or changed) meanwhile."""
    rows = DuplicateCandidate.objects.select_for_update(of=("self",)).select_related("decided_by")
    locked = rows.get(pk=candidate.pk)
    if locked.status != S.OPEN:
        who = f" by {locked.decided_by}" if locked.decided_by else ""
        when = f" at {localtime(locked.decided_at):%H:%M on %-d %B %Y}" if locked.decided_at else ""
        raise ConcurrentEditError(
            f"This pair has already been decided{who}{when} ({locked.get_status_display().lower()}). "
            "Your decision was not saved."
            if locked.status in (S.MERGED, S.NOT_DUPLICATE)
            else "This pair is no longer suggested: one of the records has been merged or changed. "
            "Your decision was not saved."
        )
    if expected_version is None or locked.version != expected_version:
        raise ConcurrentEditError(
            "The evidence for this pair changed after you opened it. Your decision was not saved: "
            "look at the pair again, then decide."
        )
    return locked


def _lock_people(*pks: Any) -> dict[Any, Person]:
    """Lock person rows in id order (so two merges never wait on each other in a cycle)."""
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")}


def _log(actor: Any, person: Person, obj: Any, reason: str, operation: str) -> None:
    access_log_record(
        actor=actor,
        action=AccessLog.Action.VIEW,
        person=person,
        obj=obj,
        basis=person_access(actor, person).basis or "",
        reason=reason,
        criteria={"operation": operation},
    )


def _decide(candidate: DuplicateCandidate, *, actor: Any, status: str, reason: str) -> None:
    check_transition(candidate.status, status)
    candidate.status = status
    candidate.decided_at = candidate.modified_at = clock.now()
    candidate.decided_by = candidate.modified_by = actor
    candidate.decided_reason = reason
    candidate.version += 1
    candidate.save(
        update_fields=["status", "decided_at", "decided_by", "decided_reason", "version", "modified_at", "modified_by"]
    )


@transaction.atomic
def candidate_merge(
    *, actor: Any, candidate: DuplicateCandidate, survivor: Person, reason: str, expected_version: int | None
) -> PersonMerge:
    """Merge the other record of the pair into `survivor` (or into the record `survivor` was merged into).

    Neither record is deleted or rewritten: the merged record's `merged_into` points at the survivor, whose
    page then shows both histories. Refuses a record already merged, a merge that would make a cycle, and
    a restricted record merged into an unrestricted one.
    """
    require(has_verb(actor, roles.MANAGE_DUPLICATES), "Your role cannot merge records.")
    reason = _clean_reason(reason, "Enter why these records are the same person")
    candidate = _lock_candidate(candidate, expected_version)
    if survivor.pk not in (candidate.person_a_id, candidate.person_b_id):
        raise DomainError("Choose which record to keep", field="survivor")
    duplicate_pk = candidate.other(survivor.pk)
    people = _lock_people(candidate.person_a_id, candidate.person_b_id)
    chosen, duplicate = people[survivor.pk], people[duplicate_pk]
    require(can_review_pair(actor, chosen, duplicate), "You cannot see both records, so you cannot merge them.")
    if duplicate.merged_into_id is not None:
        raise DomainError(f"Record {duplicate.reference} has already been merged into another record", field="survivor")
    target = final_survivor(chosen)
    if target.pk == duplicate.pk:
        raise DomainError(
            f"Record {chosen.reference} was merged into {duplicate.reference}: merging {duplicate.reference} into it "
            "would make a loop. Keep the other record instead.",
            field="survivor",
        )
    if target.pk != chosen.pk:
        target = _lock_people(target.pk)[target.pk]
        require(person_access(actor, target).allowed, "You cannot see the record this one was merged into.")
    if duplicate.is_restricted and not target.is_restricted:
        raise DomainError(
            f"Record {duplicate.reference} is restricted and {target.reference} is not: keep the restricted record, "
            "or restrict the other record first, so the merged history stays restricted.",
            field="survivor",
        )
    duplicate.merged_into = target
    save_versioned(duplicate, actor=actor, expected_version=duplicate.version, fields=["merged_into"])
    now = clock.now()
    merge = PersonMerge.objects.create(
        survivor=target,
        merged=duplicate,
        candidate=candidate,
        merged_at=now,
        merged_by=actor,
        reason=reason,
        created_at=now,
        modified_at=now,
        created_by=actor,
        modified_by=actor,
    )
    _decide(candidate, actor=actor, status=S.MERGED, reason=reason)
    # Other suggestions involving the merged record are withdrawn: the next run compares the survivor instead.
    for other in DuplicateCandidate.objects.select_for_update().filter(
        Q(person_a=duplicate) | Q(person_b=duplicate), status=S.OPEN
    ):
        check_transition(other.status, S.WITHDRAWN)
        other.status = S.WITHDRAWN
        other.version += 1
        other.modified_at, other.modified_by = now, actor
        other.save(update_fields=["status", "version", "modified_at", "modified_by"])
    via = f" (chosen record {chosen.reference} had been merged into it)" if target.pk != chosen.pk else ""
    chronology_record(
        actor=actor,
        kind="person.merged",
        summary=f"Duplicate record {duplicate.reference} merged into this record{via}. Reason: {reason}",
        occurred_on=clock.today(),
        person=target,
        subject=merge,
    )
    chronology_record(
        actor=actor,
        kind="person.merged",
        summary=f"This record was a duplicate: merged into {target.reference}. Reason: {reason}",
        occurred_on=clock.today(),
        person=duplicate,
        subject=merge,
    )
    _log(actor, target, merge, f"Merged {duplicate.reference} into this record: {reason}", "merge")
    _log(actor, duplicate, merge, f"Merged this record into {target.reference}: {reason}", "merge")
    return merge


@transaction.atomic
def candidate_mark_not_duplicate(
    *, actor: Any, candidate: DuplicateCandidate, reason: str, expected_version: int | None
) -> DuplicateCandidate:
    """Record that the two records are different people; the batch job will not suggest the pair again."""
    require(has_verb(actor, roles.MANAGE_DUPLICATES), "Your role cannot review possible duplicates.")
    reason = _clean_reason(reason, "Enter why these are different people")
    candidate = _lock_candidate(candidate, expected_version)
    people = _lock_people(candidate.person_a_id, candidate.person_b_id)
    a, b = people[candidate.person_a_id], people[candidate.person_b_id]
    require(can_review_pair(actor, a, b), "You cannot see both records, so you cannot review this pair.")
    _decide(candidate, actor=actor, status=S.NOT_DUPLICATE, reason=reason)
    for person, other in ((a, b), (b, a)):
        _log(actor, person, candidate, f"Not the same person as {other.reference}: {reason}", "not_duplicate")
    return candidate


@transaction.atomic
def merge_undo(*, actor: Any, merge: PersonMerge, reason: str, reopen: bool = False) -> PersonMerge:
    """Undo a merge: both records are separate again, each with its own history. Logged like the merge.

    The pair goes back to the review queue when `reopen` (for example the wrong record was kept), otherwise
    it is marked not a duplicate.
    """
    require(has_verb(actor, roles.MANAGE_DUPLICATES), "Your role cannot undo merges.")
    reason = _clean_reason(reason, "Enter why the merge is being undone")
    merge = PersonMerge.objects.select_for_update(of=("self",)).select_related("undone_by").get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ConcurrentEditError(
            f"This merge was already undone by {merge.undone_by} at {localtime(merge.undone_at):%H:%M on %-d %B %Y}."
        )
    people = _lock_people(merge.survivor_id, merge.merged_id)
    survivor, merged = people[merge.survivor_id], people[merge.merged_id]
    require(can_review_pair(actor, survivor, merged), "You cannot see both records, so you cannot undo this merge.")
    if merged.merged_into_id != survivor.pk:
        raise DomainError("The records no longer match this merge: it cannot be undone here")
    merged.merged_into = None
    save_versioned(merged, actor=actor, expected_version=merged.version, fields=["merged_into"])
    now = clock.now()
    merge.undone_at = merge.modified_at = now
    merge.undone_by = merge.modified_by = actor
    merge.undone_reason = reason
    merge.save(update_fields=["undone_at", "undone_by", "undone_reason", "modified_at", "modified_by"])
    if merge.candidate_id is not None:
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=merge.candidate_id)
        if candidate.status == S.MERGED:
            _decide(
                candidate,
                actor=actor,
                status=S.OPEN if reopen else S.NOT_DUPLICATE,
                reason=f"Merge undone: {reason}",
            )
    chronology_record(
        actor=actor,
        kind="person.unmerged",
        summary=f"Merge of {merged.reference} into this record undone. Reason: {reason}",
        occurred_on=clock.today(),
        person=survivor,
        subject=merge,
    )
    chronology_record(
        actor=actor,
        kind="person.unmerged",
        summary=f"Merge into {survivor.reference} undone: this is a separate record again. Reason: {reason}",
        occurred_on=clock.today(),
        person=merged,
        subject=merge,
    )
    _log(actor, survivor, merge, f"Undid the merge of {merged.reference} into this record: {reason}", "unmerge")
    _log(actor, merged, merge, f"Undid the merge of this record into {survivor.reference}: {reason}", "unmerge")
    return merge
