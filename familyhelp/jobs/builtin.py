"""The jobs app's own periodic work: deleting result files past their keeping time."""

from __future__ import annotations

from datetime import time

from familyhelp.accounts import roles
from familyhelp.jobs import services
from familyhelp.jobs.models import Job
from familyhelp.jobs.registry import JobKind, Outcome, Periodic, register, register_periodic


def prune_files(job: Job) -> Outcome:
    """Delete the files of jobs that finished more than FAMILYHELP_JOB_FILE_DAYS ago."""
    services.job_progress(job, stage="Deleting old result files")
    deleted = services.job_files_prune()
    return Outcome(
        message=f"Deleted {deleted} old result file{'s' if deleted != 1 else ''}.", summary={"deleted": deleted}
    )


register(
    JobKind(
        kind="jobs.prune_files",
        label="Delete old result files of background jobs",
        handler=prune_files,
        permission=roles.MANAGE_USERS,
        once="global",
    )
)
register_periodic(Periodic(name="jobs.prune_files", kind="jobs.prune_files", every="day", at=time(1, 0)))
