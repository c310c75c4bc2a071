"""Role-matrix rows for background jobs (merged by test_permission_coverage).

Anyone signed in lists their own jobs. A job's page: its starter, administrators, and holders of the verb the
job needed (the duplicates search: managers, senior leaders, administrators). Its result file: the starter
or holders of the verb (a return: analysts), never an administrator without it.
"""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
JOB = {"pk": lambda w: w.job.pk}
FILE_JOB = {"pk": lambda w: w.file_job.pk}

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "jobs:list": ("get", {}, None, "200 200 200 200 200 200 200 200 200 302"),
    "jobs:detail": ("get", JOB, None, "403 403 200 403 200 403 200 403 403 302"),
    "jobs:file": ("get", FILE_JOB, None, "403 403 403 403 403 200 403 403 403 302"),
    "api:job-list": ("get", {}, None, "200 200 200 200 200 200 200 200 200 401"),
    "api:job-detail": ("get", JOB, None, "403 403 200 403 200 403 200 403 403 401"),
}


def build(world: Any) -> None:
    """A finished duplicates search started by the manager, and an analyst's return with its file."""
    from familyhelp.jobs.models import Job
    from familyhelp.jobs.registry import Outcome, ResultFile
    from familyhelp.jobs.services import job_begin, job_succeed

    world.job = Job.objects.create(
        kind="dedup.find_duplicates",
        label="Look for duplicate records",
        started_by=world.manager,
        permission="dedup.manage_duplicates",
    )
    world.file_job = Job.objects.create(
        kind="returns.cin_census",
        label="CIN census 2026",
        started_by=world.analyst,
        permission="returns.export_returns",
        params={"year": 2026},
    )
    job_begin(job_id=world.file_job.pk)
    job_succeed(
        job=world.file_job,
        outcome=Outcome(
            message="CIN census 2026: 0 children.",
            file=ResultFile(content=b"<Message/>", filename="cin_census_2026.xml", content_type="application/xml"),
        ),
    )
