"""Practice tools (issue 7 point 6): versioned instrument definitions, and completions of them for a child.

An `Instrument` is one published version of a tool (its definition is data, see practice.definitions); a
published version never changes: a change is a new version with a later `in_force_from`. A `Completion` is
the tool used with a child on a date, as a baseline or as a review of an earlier completion; it is a draft
until finalised, then append-only (a later review is a new completion).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from familyhelp.core.models import BaseModel, VersionedModel
from familyhelp.practice import definitions as d


class Instrument(BaseModel):
    """One published version of a practice tool."""

    class Kind(models.TextChoices):
        EXPLOITATION_SCREENING = d.EXPLOITATION, "Exploitation screening"
        GCP2 = d.GCP2, "Graded Care Profile 2"
        SIGNS_OF_SAFETY = d.SIGNS_OF_SAFETY, "Signs of Safety mapping"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    name = models.CharField(max_length=200)
    version_number = models.PositiveIntegerField()
    in_force_from = models.DateField()
    definition = models.JSONField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "-version_number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version_number"], name="practice_instrument_kind_version"),
            models.UniqueConstraint(fields=["kind", "in_force_from"], name="practice_instrument_kind_in_force"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version_number})"


class Completion(VersionedModel):
    """A practice tool completed for a child, or for the whole family (filed under the child it was recorded
    on), on a date: a baseline, or a review of an earlier completion."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    class Purpose(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        REVIEW = "review", "Review"

    class RiskLevel(models.TextChoices):
        NO = "no", "No risk"
        LOW = "low", "Low risk"
        MEDIUM = "medium", "Medium risk"
        HIGH = "high", "High risk"

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="completions")
    kind = models.CharField(max_length=30, choices=Instrument.Kind.choices, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="practice_completions")
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="practice_completions"
    )
    family = models.ForeignKey(
        "people.Family",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice_completions",
        help_text="Set when the tool was completed for the whole family (filed under the child it was recorded on).",
    )
    completed_on = models.DateField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.BASELINE)
    review_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    answers = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person", "kind", "completed_on", "created_at"]
        indexes = [models.Index(fields=["person", "kind", "completed_on"], name="practice_completion_child")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(purpose="baseline", review_of__isnull=True))
                | (models.Q(purpose="review", review_of__isnull=False)),
                name="practice_completion_review_names_previous",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(finalised_at__isnull=False),
                name="practice_completion_final_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_purpose_display().lower()} on {self.completed_on:%d/%m/%Y}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def summary(self) -> str:
        return d.summary(self.kind, self.result, self.instrument.definition) if self.result else "Not scored yet"
