"""Every write about jobs: start (enqueue), progress, begin, succeed, fail, the result file, the schedule.

Handlers report progress with `job_progress(job, done=…, total=…, stage=…)`; each call is one UPDATE that
commits at once when the job runs in the worker, so the job page sees it on its next poll.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.core.errors import DomainError, require
from familyhelp.jobs import registry
from familyhelp.jobs.models import Job, ScheduledRun
from familyhelp.jobs.transitions import check_transition

logger = logging.getLogger(__name__)
S = Job.Status
GENERIC_FAILURE = (
    "The job stopped because of an unexpected error. Try again; if it fails again, contact the service desk "
    "and give them the job reference {reference}."
)


def job_start(*, actor: Any, kind: str, params: dict[str, Any] | None = None, label: str = "") -> tuple[Job, bool]:
    """Queue a job of `kind` for `actor` (None: the schedule). Returns (job, created): when a job with the same
    key is already queued or running, that job (and False) instead of a second one.

    The Job row and the queue's task row are written in one transaction (the database backend), so the worker
    never sees a task without its job, and a rolled-back start leaves neither.
    """
    from familyhelp.jobs.tasks import job_run

    spec = registry.get(kind)
    if actor is not None:
        require(has_verb(actor, spec.permission), spec.refusal)
    params = dict(params or {})
    key = spec.key_for(actor, params)
    if key and (running := Job.objects.filter(singleton_key=key, status__in=Job.ACTIVE).first()):
        return running, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                label=(label or spec.label)[:200],
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
                permission=spec.permission,
                params=params,
                singleton_key=key,
                queued_at=clock.now(),
                stage="Waiting for the worker to start it",
            )
    except IntegrityError:
        running = Job.objects.filter(singleton_key=key, status__in=Job.ACTIVE).first()
        if running is None:
            raise
        return running, False
    # With the immediate backend (tests) the task runs here, inside this call; with the database backend it is
    # a row the worker picks up.
    result = job_run.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job, True


def job_progress(job: Job, *, done: int | None = None, total: int | None = None, stage: str | None = None) -> None:
    """Record how far a running job has got (a short stage text: no personal data)."""
    fields: dict[str, Any] = {}
    if done is not None:
        job.progress_done = fields["progress_done"] = max(0, int(done))
    if total is not None:
        job.progress_total = fields["progress_total"] = max(0, int(total))
    if stage is not None:
        job.stage = fields["stage"] = stage[:200]
    if fields:
        Job.objects.filter(pk=job.pk, status=S.RUNNING).update(**fields)


@transaction.atomic
def job_begin(*, job_id: Any) -> Job | None:
    """Move a queued job to running (None if it is not queued: already run, or failed before starting)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != S.QUEUED:
        return None
    check_transition(job.status, S.RUNNING)
    job.status = S.RUNNING
    job.started_at = clock.now()
    job.stage = "Starting"
    job.save(update_fields=["status", "started_at", "stage"])
    return job


def _files_dir() -> Path:
    return Path(settings.FAMILYHELP_JOB_FILES_DIR)


def _write_file(job: Job, content: bytes) -> str:
    """Write the result under FAMILYHELP_JOB_FILES_DIR as <job id>.bin (owner-only permissions); returns the
    path relative to the directory. The file name (which may say which return) stays in the database."""
    directory = _files_dir()
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"{job.pk}.bin"
    path = directory / relative
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return relative


@transaction.atomic
def job_succeed(*, job: Job, outcome: registry.Outcome) -> Job:
    """Record a finished job's result (and store its file)."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    check_transition(locked.status, S.SUCCEEDED)
    locked.status = S.SUCCEEDED
    locked.finished_at = clock.now()
    locked.stage = "Finished"
    if locked.progress_total:
        locked.progress_done = locked.progress_total
    locked.result_message = outcome.message[:500]
    locked.result_summary = outcome.summary
    locked.result_link_url = outcome.link_url[:300]
    locked.result_link_text = outcome.link_text[:200]
    if outcome.file is not None:
        locked.file_path = _write_file(locked, outcome.file.content)
        locked.file_name = outcome.file.filename[:200]
        locked.file_content_type = outcome.file.content_type[:100]
        locked.file_size = len(outcome.file.content)
        locked.file_export_log = {
            "criteria": outcome.file.export_criteria,
            "result_count": outcome.file.export_count,
            "reason": outcome.file.export_reason,
        }
    locked.save()
    return locked


def safe_message(exc: BaseException, job: Job) -> str:
    """What the job page may say about a failure: a domain refusal's own words, otherwise a generic sentence
    with the job's reference (never the exception's text, which may quote records)."""
    if isinstance(exc, DomainError) and exc.message:
        return exc.message[:500]
    return GENERIC_FAILURE.format(reference=str(job.pk)[:8])


def log_failure(job: Job, exc: BaseException) -> None:
    """Log a failed job for the operators: its id, kind, the exception's class and the stack as file, line and
    function only: not the exception's message, the source lines (a literal may quote a record) or local values."""
    stack = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    logger.error("Job %s (%s) failed: %s.%s\n%s", job.pk, job.kind, type(exc).__module__, type(exc).__qualname__, stack)


@transaction.atomic
def job_fail(*, job: Job, message: str) -> Job:
    """Mark a job failed with a message that is safe to show."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    check_transition(locked.status, S.FAILED)
    locked.status = S.FAILED
    locked.finished_at = clock.now()
    locked.error_message = message[:500]
    locked.stage = "Failed"
    locked.save(update_fields=["status", "finished_at", "error_message", "stage"])
    return locked


def job_file_open(*, actor: Any, job: Job) -> Any:
    """Open a job's result file for download and write the download to the access log as an export."""
    from familyhelp.jobs.permissions import can_download_job_file

    require(can_download_job_file(actor, job), "You cannot download this file.")
    path = _files_dir() / job.file_path
    if not path.is_file():
        raise DomainError("The file is no longer available: start the job again.")
    logged = job.file_export_log or {}
    access_log_record(
        actor=actor,
        action=AccessLog.Action.EXPORT,
        obj=job,
        reason=(logged.get("reason") or f"Downloaded the result of a background job: {job.label}")[:255],
        criteria=logged.get("criteria") or {"job": job.kind, "params": job.params},
        result_count=logged.get("result_count"),
    )
    return path.open("rb")


def job_files_prune(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete result files of jobs that finished more than `days` ago (FAMILYHELP_JOB_FILE_DAYS); the jobs stay."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.FAMILYHELP_JOB_FILE_DAYS if days is None else days)
    deleted = 0
    for job in Job.objects.filter(finished_at__lt=cutoff, file_deleted_at__isnull=True).exclude(file_path=""):
        (_files_dir() / job.file_path).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(file_deleted_at=now)
        deleted += 1
    return deleted


def job_sweep_stale(*, now: datetime | None = None) -> int:
    """Fail jobs left running longer than FAMILYHELP_JOB_STALE_HOURS (the worker stopped under them), so a
    one-at-a-time job can be started again."""
    now = now or clock.now()
    cutoff = now - timedelta(hours=settings.FAMILYHELP_JOB_STALE_HOURS)
    stale = list(Job.objects.filter(status=S.RUNNING, started_at__lt=cutoff).values_list("pk", flat=True))
    for pk in stale:
        job_fail(
            job=Job(pk=pk),
            message="The job did not finish: the worker stopped while it was running. Start it again.",
        )
    return len(stale)


# --- the schedule ---------------------------------------------------------------------------------------


def period_start(periodic: registry.Periodic, local: datetime) -> tuple[str, datetime]:
    """The period `local` falls in, as (key, the moment the work becomes due)."""
    if periodic.every == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%dT%H"), start + timedelta(minutes=periodic.at.minute)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if periodic.every == "day":
        key = day.strftime("%Y-%m-%d")
    elif periodic.every == "week":
        day = day - timedelta(days=day.weekday())
        iso = day.isocalendar()
        key = f"{iso.year}-W{iso.week:02d}"
    elif periodic.every == "month":
        day = day.replace(day=1)
        key = day.strftime("%Y-%m")
    else:
        raise ValueError(f"Unknown period {periodic.every!r}")
    due = timezone.make_aware(datetime.combine(day.date(), periodic.at), timezone.get_current_timezone())
    return key, due


def schedule_run_due(*, now: datetime | None = None) -> list[tuple[registry.Periodic, Job | None]]:
    """Start every periodic job that is due and has not run in its current period (safe to call every few
    minutes: a (name, period) row is written once). Also fails stale running jobs and prunes old files.
    Returns what was started."""
    now = now or clock.now()
    local = timezone.localtime(now)
    started: list[tuple[registry.Periodic, Job | None]] = []
    job_sweep_stale(now=now)
    for periodic in registry.periodic():
        key, due = period_start(periodic, local)
        if now < due:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=periodic.name, period=key, ran_at=now)
        except IntegrityError:
            continue  # this period's run has already been started
        try:
            job, _ = job_start(actor=None, kind=periodic.kind, params=periodic.params)
        except Exception as exc:  # noqa: BLE001 - one broken entry must not stop the rest of the schedule
            logger.error("Scheduled %s could not be started: %s", periodic.name, type(exc).__qualname__)
            started.append((periodic, None))
            continue
        ScheduledRun.objects.filter(pk=run.pk).update(job=job)
        started.append((periodic, job))
    return started
