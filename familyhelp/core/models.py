"""The base model every domain record uses: uuid key, who/when created and modified, a version."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhelp.core import clock


class BaseModel(models.Model):
    """Abstract base: uuid primary key, created/modified at and by."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_at = models.DateTimeField(default=clock.now)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """A record edited through forms: `version` detects concurrent edits (optimistic locking)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Counter(models.Model):
    """A named sequence for human-readable references (person and family references)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
