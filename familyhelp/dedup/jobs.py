"""Background jobs of the duplicates area (discovered by familyhelp.jobs): the search for duplicate records,
from the review queue's button and every night at 02:00."""

from __future__ import annotations

from datetime import time

from django.urls import reverse

from familyhelp.accounts import roles
from familyhelp.dedup.services import duplicates_find
from familyhelp.jobs.models import Job
from familyhelp.jobs.registry import JobKind, Outcome, Periodic, register, register_periodic
from familyhelp.jobs.services import job_progress

FIND = "dedup.find_duplicates"
# duplicates_find reports each phase when it ends: the stage that follows it, and how many steps are done.
_AFTER_PHASE = {
    "load": ("Grouping records that share a name, date of birth or identifier", 1),
    "blocking": ("Scoring the pairs", 2),
    "scoring": ("Checking family relationships", 3),
    "relationships": ("Updating the review queue", 4),
    "writing": ("Recording the search", 5),
}
STEPS = 5


def find_duplicates(job: Job) -> Outcome:
    """Compare the person index and refresh the review queue (dedup.services.duplicates_find)."""
    job_progress(job, done=0, total=STEPS, stage="Loading the person index")

    def on_phase(message: str) -> None:
        stage, done = _AFTER_PHASE.get(message.split(":", 1)[0], (None, None))
        if stage:
            job_progress(job, done=done, total=STEPS, stage=stage)

    result = duplicates_find(actor=job.started_by, progress=on_phase)
    plural = "s" if result.created != 1 else ""
    return Outcome(
        message=(
            f"Compared {result.compared:,} pairs among {result.records:,} records: {result.created:,} new possible "
            f"duplicate{plural}, {result.reopened:,} suggested again, {result.withdrawn:,} no longer suggested."
        ),
        summary={
            "records": result.records,
            "compared": result.compared,
            "above_threshold": result.above_threshold,
            "created": result.created,
            "updated": result.updated,
            "reopened": result.reopened,
            "withdrawn": result.withdrawn,
            "already_decided": result.already_decided,
            "seconds": round(result.seconds, 1),
        },
        link_url=reverse("dedup:queue"),
        link_text="Review the possible duplicates",
    )


register(
    JobKind(
        kind=FIND,
        label="Look for duplicate records",
        handler=find_duplicates,
        permission=roles.MANAGE_DUPLICATES,
        once="global",
        refusal="Your role cannot look for duplicate records.",
    )
)
register_periodic(Periodic(name="dedup.nightly", kind=FIND, every="day", at=time(2, 0)))
