"""The one django-tasks task behind every job: `job_run(job_id)` looks up the job's kind and runs its handler.

Run by `familyhelp db_worker` (the database backend) or at once (the immediate backend, in tests). The handler
runs outside any transaction in the worker, so its progress updates commit as they happen; when it is run
inside one (the immediate backend within a test's transaction) it gets a savepoint, so a database error in
the handler can still be recorded as the job's failure.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django_tasks import task

from familyhelp.accounts.permissions import has_verb
from familyhelp.core.errors import DomainError
from familyhelp.jobs import registry, services


class JobFailed(Exception):
    """Raised to the queue when a job fails, carrying only the safe message (the queue stores it)."""


@task()
def job_run(job_id: str) -> dict[str, Any]:
    """Run one queued job to the end: running → succeeded, or failed with a safe message."""
    job = services.job_begin(job_id=job_id)
    if job is None:
        return {"job": job_id, "status": "skipped"}
    try:
        spec = registry.get(job.kind)
        if job.started_by is not None and not has_verb(job.started_by, job.permission):
            raise DomainError("The person who started this job can no longer run it.")
        guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with guard:
            outcome = spec.handler(job)
    except Exception as exc:  # noqa: BLE001 - every failure becomes the job's safe message
        message = services.safe_message(exc, job)
        services.log_failure(job, exc)
        services.job_fail(job=job, message=message)
        raise JobFailed(f"Job {job.pk} ({job.kind}) failed: {message}") from None
    services.job_succeed(job=job, outcome=outcome)
    return {"job": job_id, "status": "succeeded"}
