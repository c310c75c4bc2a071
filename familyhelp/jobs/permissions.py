"""Who may see a job and download its file.

A job is seen by the person who started it, by administrators, and by anyone whose role grants the verb the
job needed (so a second manager pressing "Look for duplicates" while one runs can watch that run). Its result
file (a return, a pack) is served only to the person who started it or to holders of that verb: an
administrator without the verb sees the job's status and summary, never the file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.jobs.models import Job


def is_job_administrator(user: Any) -> bool:
    """Administrators (who manage user accounts) see every job's status."""
    return has_verb(user, roles.MANAGE_USERS)


def can_view_job(user: Any, job: Job) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if job.started_by_id is not None and job.started_by_id == user.pk:
        return True
    return is_job_administrator(user) or has_verb(user, job.permission)


def can_download_job_file(user: Any, job: Job) -> bool:
    if not getattr(user, "is_authenticated", False) or not job.has_file:
        return False
    if job.started_by_id is not None and job.started_by_id == user.pk:
        return has_verb(user, job.permission)  # a role change since the start withdraws the file too
    return has_verb(user, job.permission)


def scope_jobs(user: Any, qs: QuerySet[Job]) -> QuerySet[Job]:
    """The jobs this user may see."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_job_administrator(user):
        return qs
    verbs = sorted(getattr(user, "verbs", frozenset()))
    return qs.filter(Q(started_by=user) | Q(permission__in=verbs))
