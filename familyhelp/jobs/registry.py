"""What kinds of job exist, and what runs on a schedule. Apps declare theirs in `<app>/jobs.py`.

    from familyhelp.jobs.registry import JobKind, Outcome, Periodic, register, register_periodic

    def find(job):                      # runs in the worker; `job.started_by` is the actor (None: the schedule)
        progress(job, done=1, total=3, stage="Loading records")
        ...
        return Outcome(message="3 new possible duplicates", summary={"created": 3}, link_url=..., link_text=...)

    register(JobKind(kind="dedup.find_duplicates", label="Look for duplicate records", handler=find,
                     permission=roles.MANAGE_DUPLICATES, once="global"))
    register_periodic(Periodic(name="dedup.nightly", kind="dedup.find_duplicates", every="day", at=time(2)))

A handler returns an Outcome (a one-line message, numbers, an optional link and file) and raises DomainError
for a refusal the person should read; anything else is shown as a generic failure with the job's reference.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from familyhelp.jobs.models import Job


@dataclass(frozen=True)
class ResultFile:
    """A file the job produced (a return, a pack): kept for FAMILYHELP_JOB_FILE_DAYS, served from the job page."""

    content: bytes
    filename: str
    content_type: str
    # Each download is an export in the access log: what it says (criteria, count, reason). No personal data.
    export_criteria: dict[str, Any] = field(default_factory=dict)
    export_count: int | None = None
    export_reason: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a finished job shows: no personal data in `message` or `summary` (numbers and references only)."""

    message: str
    summary: dict[str, Any] = field(default_factory=dict)
    link_url: str = ""
    link_text: str = ""
    file: ResultFile | None = None


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its handler, the verb needed to start it, and whether only one may run at a time.

    `once`: "global" (one queued or running job of this kind at all), "per_user" (one per person and set of
    parameters: pressing the button twice goes to the same job) or "" (every start is a new job).
    """

    kind: str
    label: str
    handler: Callable[[Job], Outcome]
    permission: str
    once: Literal["global", "per_user", ""] = ""
    refusal: str = "Your role cannot start this job."

    def key_for(self, actor: Any, params: dict[str, Any]) -> str:
        """The singleton key for a start (empty when every start is a new job)."""
        if not self.once:
            return ""
        who = "" if self.once == "global" else str(getattr(actor, "pk", "") or "")
        raw = json.dumps([self.kind, who, params], sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Periodic:
    """Work `familyhelp run_schedule` starts once per period, after `at` (local time) on the period's first day.

    every: "hour" | "day" | "week" (Mondays) | "month" (the 1st). A missed period is caught up the next time the
    schedule runs within the same period; a period with no run of the schedule at all is skipped.
    """

    name: str
    kind: str
    every: Literal["hour", "day", "week", "month"]
    at: time = time(0, 0)
    params: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, JobKind] = {}
_PERIODIC: dict[str, Periodic] = {}


def register(kind: JobKind) -> JobKind:
    """Declare a job kind (idempotent for the same handler; a different one under the same name is an error)."""
    existing = _KINDS.get(kind.kind)
    if existing is not None and existing.handler is not kind.handler:
        raise ValueError(f"Job kind {kind.kind!r} is already registered")
    _KINDS[kind.kind] = kind
    return kind


def register_periodic(periodic: Periodic) -> Periodic:
    """Declare work for the schedule."""
    _PERIODIC[periodic.name] = periodic
    return periodic


def get(kind: str) -> JobKind:
    """The registered kind (KeyError if there is none)."""
    return _KINDS[kind]


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


def periodic() -> list[Periodic]:
    return sorted(_PERIODIC.values(), key=lambda p: p.name)
