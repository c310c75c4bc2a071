"""The schedule starts each periodic job once per period; emails are retried with back-off (1, 5, 25 minutes)
by the real database backend and worker code, under a frozen clock; stale jobs and old files are cleaned up."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from familyhelp.core import notify
from familyhelp.jobs.models import Job, ScheduledRun
from familyhelp.jobs.services import job_files_prune, job_start, schedule_run_due
from familyhelp.jobs.tests import kinds  # noqa: F401 - registers the test kinds

UTC = datetime.UTC
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_ready_tasks() -> int:
    """What `db_worker --batch` does, one task at a time, with the worker's own run_task (minus the
    connection recycling, which would close the test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (task_row := DBTaskResult.objects.ready().first()) is not None:
        task_row.claim(worker.worker_id)
        worker.run_task(task_row)
        ran += 1
    return ran


class FlakyNotifier:
    """Fails the first `failures` sends, then delivers to the memory outbox."""

    failures = 0
    calls = 0

    def send(self, message: notify.Message) -> None:
        FlakyNotifier.calls += 1
        if FlakyNotifier.calls <= FlakyNotifier.failures:
            raise OSError("mail server unavailable: dsl@example.org")
        notify.MemoryNotifier.outbox.append(message)


@pytest.fixture
def flaky(db):  # type: ignore[no-untyped-def]
    FlakyNotifier.calls = 0
    notify.MemoryNotifier.outbox.clear()
    with override_settings(
        TASKS=DB_TASKS, FAMILYHELP_NOTIFIER="familyhelp.jobs.tests.test_schedule_and_email.FlakyNotifier"
    ):
        yield FlakyNotifier
    notify.MemoryNotifier.outbox.clear()


def test_an_email_is_retried_after_1_5_and_25_minutes_then_given_up_without_content(flaky, caplog):  # type: ignore[no-untyped-def]
    flaky.failures = 99
    caplog.set_level(logging.WARNING, logger="familyhelp.core.notify")
    start = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    with freeze_time(start) as clock:
        assert notify.send("referral_outcome", "dsl@example.org", reference="C1", submitted_on="today") is True
        assert flaky.calls == 0  # queued, not sent in the request
        for wait in (1, 5, 25):
            assert run_ready_tasks() == 1
            (pending,) = DBTaskResult.objects.filter(status="READY")
            assert pending.run_after == datetime.datetime.now(UTC) + datetime.timedelta(minutes=wait)
            clock.tick(datetime.timedelta(minutes=wait) - datetime.timedelta(seconds=1))
            assert run_ready_tasks() == 0  # not due yet
            clock.tick(datetime.timedelta(seconds=1))
        assert run_ready_tasks() == 1  # the fourth and last attempt
        assert run_ready_tasks() == 0 and not DBTaskResult.objects.filter(status="READY").exists()
    assert flaky.calls == 4 and notify.MemoryNotifier.outbox == []
    assert "could not be sent after 4 attempts" in caplog.text and "giving up" in caplog.text
    assert "dsl@example.org" not in caplog.text and "C1" not in caplog.text


def test_an_email_that_fails_once_is_sent_on_the_second_attempt(flaky):  # type: ignore[no-untyped-def]
    flaky.failures = 1
    with freeze_time("2026-03-09 09:00:00+00:00") as clock:
        notify.send("referral_outcome", "dsl@example.org", reference="C2", submitted_on="today")
        run_ready_tasks()
        clock.tick(datetime.timedelta(minutes=1))
        run_ready_tasks()
    (message,) = notify.MemoryNotifier.outbox
    assert message.personalisation["reference"] == "C2"
    assert list(DBTaskResult.objects.values_list("status", flat=True).order_by("enqueued_at")) == ["SUCCESSFUL"] * 2


def test_with_tasks_run_at_once_the_memory_notifier_sees_the_message(db):  # type: ignore[no-untyped-def]
    notify.MemoryNotifier.outbox.clear()
    assert notify.send("referral_outcome", "dsl@example.org", reference="C3", submitted_on="today") is True
    assert [m.personalisation["reference"] for m in notify.MemoryNotifier.outbox] == ["C3"]
    notify.MemoryNotifier.outbox.clear()


def test_the_schedule_starts_each_periodic_job_once_per_period(db):  # type: ignore[no-untyped-def]
    with freeze_time("2026-03-09 03:00:00+00:00"):  # 03:00 in London: after 01:00 and 02:00
        started = {p.name: job for p, job in schedule_run_due()}
        assert set(started) >= {"dedup.nightly", "jobs.prune_files"}
        assert started["dedup.nightly"].status == Job.Status.SUCCEEDED  # tasks run at once in tests
        assert started["dedup.nightly"].started_by is None
        assert schedule_run_due() == []  # again in the same period: nothing
    with freeze_time("2026-03-10 01:30:00+00:00"):  # next day: pruning is due (01:00), the search not (02:00)
        assert [p.name for p, _ in schedule_run_due()] == ["jobs.prune_files"]
        assert schedule_run_due() == []
    assert ScheduledRun.objects.filter(name="dedup.nightly").count() == 1
    assert set(ScheduledRun.objects.filter(name="jobs.prune_files").values_list("period", flat=True)) == {
        "2026-03-09",
        "2026-03-10",
    }


def test_the_schedule_fails_jobs_left_running_by_a_dead_worker(db):  # type: ignore[no-untyped-def]
    with freeze_time("2026-03-09 03:00:00+00:00"):
        stuck = Job.objects.create(
            kind="dedup.find_duplicates",
            label="Look",
            permission="dedup.manage_duplicates",
            status="running",
            singleton_key="k",
            started_at=datetime.datetime(2026, 3, 8, 20, 0, tzinfo=UTC),
        )
        fresh = Job.objects.create(
            kind="test.counting",
            label="Count",
            permission="x.y",
            status="running",
            started_at=datetime.datetime(2026, 3, 9, 2, 0, tzinfo=UTC),
        )
        schedule_run_due()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == "failed" and "worker stopped" in stuck.error_message
    assert fresh.status == "running"


def test_old_result_files_are_deleted_and_the_job_says_so(db, users):  # type: ignore[no-untyped-def]
    with freeze_time("2026-03-01 10:00:00+00:00"):
        job, _ = job_start(actor=users.analyst, kind="test.counting")
    path = job.file_path
    with freeze_time("2026-03-05 10:00:00+00:00"):
        assert job_files_prune() == 0
    with freeze_time("2026-03-09 10:00:00+00:00"):
        assert job_files_prune() == 1
    job.refresh_from_db()
    assert not job.has_file and job.file_deleted_at is not None and path
