"""A background job as the people who started it see it: kind, status, progress, result (ADR 0018).

The queue itself is django-tasks (its database backend's `DBTaskResult` rows); a Job is our record of the work:
who started it, what stage it has reached, and a result summary that carries no personal data. A result file
(a return, a pack) lives on disk under FAMILYHELP_JOB_FILES_DIR and is served only through the job's page.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from familyhelp.core import clock


class Job(models.Model):
    """One run of a job kind (see familyhelp.jobs.registry)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=200, help_text="What the job does, for its page (no personal data).")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )  # None: started by the schedule
    permission = models.CharField(max_length=60, help_text="The verb needed to start the job; holders may see it.")
    params = models.JSONField(default=dict, blank=True)
    # A job with a key runs once at a time: a second start while one is queued or running goes to that one.
    singleton_key = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(null=True, blank=True)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    stage = models.CharField(max_length=200, blank=True, default="")
    queued_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result_message = models.CharField(max_length=500, blank=True, default="")
    result_summary = models.JSONField(default=dict, blank=True)
    result_link_url = models.CharField(max_length=300, blank=True, default="")
    result_link_text = models.CharField(max_length=200, blank=True, default="")
    file_path = models.CharField(max_length=300, blank=True, default="")  # relative to FAMILYHELP_JOB_FILES_DIR
    file_name = models.CharField(max_length=200, blank=True, default="")  # the download's name
    file_content_type = models.CharField(max_length=100, blank=True, default="")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    # What each download of the file writes to the access log (an export): criteria and count, no personal data.
    file_export_log = models.JSONField(default=dict, blank=True)
    error_message = models.CharField(max_length=500, blank=True, default="")  # safe to show: never a traceback
    task_id = models.CharField(max_length=64, blank=True, default="")  # the django-tasks result id

    class Meta:
        ordering = ["-queued_at"]
        indexes = [
            models.Index(fields=["started_by", "-queued_at"], name="jobs_job_owner_idx"),
            models.Index(fields=["status", "queued_at"], name="jobs_job_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["singleton_key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(singleton_key=""),
                name="jobs_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]), name="jobs_job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_finished(self) -> bool:
        return not self.is_active

    @property
    def has_file(self) -> bool:
        return bool(self.file_path) and self.file_deleted_at is None

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage, when the job knows its total."""
        if not self.progress_total or self.progress_done is None:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))


class ScheduledRun(models.Model):
    """One period's run of a periodic job: the unique (name, period) row makes `run_schedule` idempotent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=60)
    period = models.CharField(max_length=20)  # e.g. 2026-03-09 (daily), 2026-W11 (weekly), 2026-03 (monthly)
    ran_at = models.DateTimeField(default=clock.now)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled_runs")

    class Meta:
        ordering = ["-ran_at"]
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="jobs_scheduledrun_once_per_period")]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
