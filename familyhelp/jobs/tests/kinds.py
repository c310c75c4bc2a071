"""Job kinds used only by the tests (registered on import; handlers are module-level functions)."""

from __future__ import annotations

from typing import Any

from familyhelp.accounts import roles
from familyhelp.core.errors import DomainError
from familyhelp.jobs.models import Job
from familyhelp.jobs.registry import JobKind, Outcome, ResultFile, register
from familyhelp.jobs.services import job_progress

SEEN: list[dict[str, Any]] = []  # what the job's row said at each step (read back from the database)


def counting(job: Job) -> Outcome:
    for done in range(3):
        job_progress(job, done=done, total=3, stage=f"Step {done + 1}")
        SEEN.append(Job.objects.filter(pk=job.pk).values("status", "progress_done", "progress_total", "stage")[0])
    return Outcome(
        message="Counted to three.",
        summary={"counted": 3},
        link_url="/",
        link_text="Home",
        file=ResultFile(
            content=b"a,b\n1,2\n",
            filename="counted.csv",
            content_type="text/csv",
            export_criteria={"test": "counted"},
            export_count=1,
            export_reason="Test export",
        ),
    )


def exploding(job: Job) -> Outcome:
    job_progress(job, done=1, total=2, stage="About to fail")
    raise ValueError("Record of Zoë O'Brien, born 4 March 2016, could not be read")


def refusing(job: Job) -> Outcome:
    raise DomainError("There is no census for 1999.")


register(JobKind(kind="test.counting", label="Count to three", handler=counting, permission=roles.EXPORT_RETURNS))
register(JobKind(kind="test.exploding", label="Explode", handler=exploding, permission=roles.EXPORT_RETURNS))
register(JobKind(kind="test.refusing", label="Refuse", handler=refusing, permission=roles.EXPORT_RETURNS))
register(
    JobKind(kind="test.once", label="Once at a time", handler=counting, permission=roles.EXPORT_RETURNS, once="global")
)
