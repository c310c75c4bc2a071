"""Possible duplicate person records found by the batch job, and the merges that resolved them.

A `DuplicateCandidate` is a pair of person records that may be the same person, with the evidence (score
and reasons). A reviewer decides it: merge (a `PersonMerge`, which can be undone) or not a duplicate.
Merging never deletes or rewrites either record: the merged record's `Person.merged_into` points at the
survivor. See docs/domain/duplicates.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core import clock
from familyhelp.core.models import BaseModel, VersionedModel


class DuplicateCandidate(VersionedModel):
    """Two person records that may be the same person. `person_a` has the lower id (one row per pair)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        MERGED = "merged", "Merged"
        NOT_DUPLICATE = "not_duplicate", "Not a duplicate"
        WITHDRAWN = "withdrawn", "No longer suggested"

    person_a = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="duplicate_candidates_a")
    person_b = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="duplicate_candidates_b")
    score = models.FloatField(help_text="How likely the two records are the same person, 0 to 1.")
    match_weight = models.FloatField(help_text="The sum of the evidence weights (log2 odds) behind the score.")
    reasons = models.JSONField(default=list, blank=True, help_text="The evidence, in words, strongest first.")
    blocks = models.JSONField(default=list, blank=True, help_text="Which blocking rules paired the records.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    found_at = models.DateTimeField(default=clock.now, help_text="When the batch job first suggested the pair.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates_decided"
    )
    decided_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "found_at"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicatecandidate_one_row_per_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="duplicatecandidate_ordered_pair",
                violation_error_message="A pair names two different records, the lower id first",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1), name="duplicatecandidate_score_0_1"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self) -> str:
        return f"Possible duplicate {self.person_a_id} / {self.person_b_id} ({self.get_status_display()})"

    def other(self, person_id: object) -> object:
        """The id of the other record of the pair."""
        return self.person_b_id if str(person_id) == str(self.person_a_id) else self.person_a_id


class PersonMerge(BaseModel):
    """One record merged into another. Undoing sets `undone_*` and clears the merged record's `merged_into`."""

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_as_duplicate")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.PROTECT, related_name="merges"
    )
    merged_at = models.DateTimeField(default=clock.now)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merges_made")
    reason = models.TextField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="merges_undone"
    )
    undone_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="personmerge_one_active_per_record",
                violation_error_message="This record is already merged into another",
            ),
            models.CheckConstraint(
                condition=~models.Q(survivor=models.F("merged")),
                name="personmerge_not_self",
                violation_error_message="A record cannot be merged into itself",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.merged_id} into {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
