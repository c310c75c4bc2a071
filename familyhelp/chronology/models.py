"""The append-only chronology of events per child and per family."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhelp.chronology.kinds import label
from familyhelp.core import clock


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that refuses bulk updates and deletes."""

    def update(self, **kwargs):
        raise PermissionError("This record is append-only")

    def delete(self):
        raise PermissionError("This record is append-only")


class AppendOnlyModel(models.Model):
    """Rows may be inserted, never changed or deleted (also enforced by database triggers)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("This record is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("This record is append-only")


class ChronologyEvent(AppendOnlyModel):
    """Something that happened to a child or a family: when it happened and, apart, when it was recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="chronology"
    )
    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="chronology"
    )
    kind = models.CharField(max_length=60, db_index=True)
    summary = models.TextField()
    occurred_on = models.DateField(help_text="When it happened (the effective date).")
    occurred_time = models.TimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_reason = models.TextField(blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-occurred_time", "-recorded_at"]
        indexes = [
            models.Index(fields=["person", "-occurred_on"]),
            models.Index(fields=["family", "-occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(family__isnull=False),
                name="chronology_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind}"

    @property
    def kind_label(self) -> str:
        return label(self.kind)
