"""Reads of jobs. A job carries no personal data (its label, stage and summary are numbers and references), so
reading one is not access-logged; downloading its file is (services.job_file_open)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from familyhelp.jobs.models import Job
from familyhelp.jobs.permissions import can_view_job, is_job_administrator, scope_jobs


def job_list_for_user(user: Any, *, everyone: bool = False) -> QuerySet[Job]:
    """The user's own jobs, newest first; with `everyone`, every job they may see (administrators: all)."""
    qs = Job.objects.select_related("started_by").order_by("-queued_at")
    if everyone and is_job_administrator(user):
        return scope_jobs(user, qs)
    return qs.filter(started_by=user) if getattr(user, "is_authenticated", False) else qs.none()


def job_get_for_user(user: Any, pk: Any) -> Job:
    """One job (Job.DoesNotExist if there is none; PermissionDenied if the user may not see it)."""
    job = Job.objects.select_related("started_by").get(pk=pk)
    if not can_view_job(user, job):
        raise PermissionDenied("You cannot see this job.")
    return job


def job_fingerprint(job: Job) -> str:
    """A short digest of what the job page shows, so a poll that would change nothing can answer 204."""
    raw = f"{job.status}|{job.progress_done}|{job.progress_total}|{job.stage}|{job.finished_at}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def job_latest(kind: str) -> Job | None:
    """The most recent job of a kind (its label, status and time only: for "last run" lines on pages)."""
    return (
        Job.objects.filter(kind=kind).only("pk", "kind", "status", "queued_at", "label").order_by("-queued_at").first()
    )
