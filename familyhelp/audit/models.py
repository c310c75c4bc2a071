"""The access log: every read of a person's record, every person search, every export. Append-only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhelp.chronology.models import AppendOnlyModel
from familyhelp.core import clock


class AccessLog(AppendOnlyModel):
    """Who looked at what, when, from where, and why. Nothing in the application edits or deletes it."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed a record"
        SEARCH = "search", "Searched for people"
        EXPORT = "export", "Exported data"
        BREAK_GLASS = "break_glass", "Broke glass on a restricted record"
        DENIED = "denied", "Was refused access"
        GRANT = "grant", "Granted or removed access"
        AUDIT_SEARCH = "audit_search", "Searched the access log"

    class Basis(models.TextChoices):
        OWN = "own", "Own caseload"
        TEAM = "team", "Team"
        SERVICE = "service", "Service"
        ALL = "all", "All children"
        REFERRED = "referred", "Referred by them"
        GRANT = "grant", "Named grant"
        BREAK_GLASS = "break_glass", "Break glass"
        FRONT_DOOR = "front_door", "Front-door work on a contact"
        NONE = "none", "No basis"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=clock.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    basis = models.CharField(max_length=20, choices=Basis.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why: the stated purpose or break-glass reason.")
    criteria = models.JSONField(default=dict, blank=True, help_text="Search criteria or export parameters.")
    result_count = models.IntegerField(null=True, blank=True)
    view_name = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, default="ui")  # ui, api, cli
    ip_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["person", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]
