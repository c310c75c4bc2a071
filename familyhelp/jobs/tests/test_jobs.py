"""Jobs: lifecycle and progress, failure with a safe message, one-at-a-time kinds, who sees a job and its
file (pages and API), the status block's polling, the file's export log, query counts of the list."""

from __future__ import annotations

import datetime
import logging

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from familyhelp.audit.models import AccessLog
from familyhelp.core.errors import ForbiddenError
from familyhelp.jobs import selectors
from familyhelp.jobs.models import Job
from familyhelp.jobs.services import GENERIC_FAILURE, job_start
from familyhelp.jobs.tests import kinds
from familyhelp.jobs.transitions import can_move

NOW = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=datetime.UTC)


def _soup(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


@freeze_time(NOW)
def test_a_job_runs_through_its_stages_to_a_result(users):  # type: ignore[no-untyped-def]
    kinds.SEEN.clear()
    job, created = job_start(actor=users.analyst, kind="test.counting", params={"year": 2026})
    assert created and job.status == Job.Status.SUCCEEDED
    assert [
        {"status": "running", "progress_done": n, "progress_total": 3, "stage": f"Step {n + 1}"} for n in range(3)
    ] == kinds.SEEN
    assert (job.started_by, job.started_at, job.finished_at) == (users.analyst, NOW, NOW)
    assert job.progress_done == job.progress_total == 3 and job.percent == 100 and job.stage == "Finished"
    assert job.result_message == "Counted to three." and job.result_summary == {"counted": 3}
    assert job.has_file and job.file_size == 8 and job.task_id
    assert job.label == "Count to three" and job.params == {"year": 2026}


def test_status_moves_are_a_table():
    assert can_move("queued", "running") and can_move("running", "succeeded") and can_move("running", "failed")
    assert not can_move("succeeded", "running") and not can_move("failed", "queued")


def test_a_failure_keeps_a_safe_message_and_logs_no_personal_data(users, client_for, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    job, _ = job_start(actor=users.analyst, kind="test.exploding")
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.error_message == GENERIC_FAILURE.format(reference=str(job.pk)[:8])
    page = client_for(users.analyst).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "The job did not finish" in page and str(job.pk)[:8] in page
    for text in (page, caplog.text, job.error_message):
        assert "Zoë" not in text and "O'Brien" not in text and "2016" not in text
    assert "ValueError" in caplog.text and "exploding" in caplog.text  # enough for an operator to find it


def test_a_refusal_from_the_domain_is_shown_in_its_own_words(users):  # type: ignore[no-untyped-def]
    job, _ = job_start(actor=users.analyst, kind="test.refusing")
    assert job.status == Job.Status.FAILED and job.error_message == "There is no census for 1999."


def test_starting_needs_the_kinds_verb(users):  # type: ignore[no-untyped-def]
    with pytest.raises(ForbiddenError):
        job_start(actor=users.sw, kind="test.counting")
    assert not Job.objects.exists()


def test_a_second_start_goes_to_the_job_already_queued(users):  # type: ignore[no-untyped-def]
    queued = Job.objects.create(
        kind="test.once",
        label="Once",
        started_by=users.analyst,
        permission="returns.export_returns",
        singleton_key=_key(users.analyst),
    )
    job, created = job_start(actor=users.analyst2, kind="test.once")
    assert (job, created) == (queued, False) and Job.objects.count() == 1
    Job.objects.filter(pk=queued.pk).update(status=Job.Status.SUCCEEDED)
    job, created = job_start(actor=users.analyst2, kind="test.once")
    assert created and job != queued and job.status == Job.Status.SUCCEEDED


def _key(actor):  # type: ignore[no-untyped-def]
    from familyhelp.jobs import registry

    return registry.get("test.once").key_for(actor, {})


def test_who_sees_a_job_and_its_file(users, client_for):  # type: ignore[no-untyped-def]
    job, _ = job_start(actor=users.analyst, kind="test.counting")
    page, file = reverse("jobs:detail", args=[job.pk]), reverse("jobs:file", args=[job.pk])
    expected = {
        "analyst": (200, 200),  # started it
        "analyst2": (200, 200),  # holds the verb the job needed
        "admin": (200, 403),  # sees the status, not the file
        "sw": (403, 403),
        "manager": (403, 403),
    }
    for name, (page_status, file_status) in expected.items():
        client = client_for(getattr(users, name))
        assert client.get(page).status_code == page_status, name
        assert client.get(file).status_code == file_status, name
        client.logout()
    missing = "0b3c7a52-5a6e-4f7e-9d1c-000000000000"
    assert client_for(users.sw).get(reverse("jobs:detail", args=[missing])).status_code == 404


def test_the_file_is_served_once_logged_as_an_export(users, client_for):  # type: ignore[no-untyped-def]
    job, _ = job_start(actor=users.analyst, kind="test.counting")
    response = client_for(users.analyst).get(reverse("jobs:file", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert response["Content-Disposition"] == 'attachment; filename="counted.csv"'
    assert response["Cache-Control"] == "no-store"
    (log,) = AccessLog.objects.filter(action="export")
    assert (log.user, log.criteria, log.result_count, log.reason) == (
        users.analyst,
        {"test": "counted"},
        1,
        "Test export",
    )
    assert log.object_type == "jobs.job" and log.object_id == str(job.pk) and log.channel == "ui"


def test_the_api_lists_own_jobs_and_shows_one(users, client_for):  # type: ignore[no-untyped-def]
    mine, _ = job_start(actor=users.analyst, kind="test.counting")
    theirs, _ = job_start(actor=users.analyst2, kind="test.counting")
    client = client_for(users.analyst)
    listed = client.get(reverse("api:job-list")).json()
    assert [j["id"] for j in listed["results"]] == [str(mine.pk)]
    body = client.get(reverse("api:job-detail", args=[mine.pk])).json()
    assert body["status"] == "succeeded" and body["progress"] == {
        "done": 3,
        "total": 3,
        "percent": 100,
        "stage": "Finished",
    }
    assert body["result"]["summary"] == {"counted": 3} and body["download_url"] == reverse("jobs:file", args=[mine.pk])
    client.logout()
    sw = client_for(users.sw)
    assert sw.get(reverse("api:job-detail", args=[theirs.pk])).status_code == 403
    assert sw.get(reverse("api:job-detail", args=["0b3c7a52-5a6e-4f7e-9d1c-000000000000"])).status_code == 404
    assert sw.get(reverse("api:job-list")).json()["results"] == []


def test_the_status_block_polls_while_active_and_stops_when_finished(users, client_for):  # type: ignore[no-untyped-def]
    active = Job.objects.create(kind="test.counting", label="Count", started_by=users.analyst, permission="x.y")
    client = client_for(users.analyst)
    page = _soup(client.get(reverse("jobs:detail", args=[active.pk])))
    block = page.select_one("#job-status")
    assert page.select_one("[aria-live=polite] #job-status") is block
    assert block["hx-trigger"] == "every 2s" and "Waiting to start" in block.get_text()
    assert any(a.get_text().startswith("Check again") for a in page.select("a"))  # without JavaScript: reload
    seen = selectors.job_fingerprint(active)
    assert client.get(reverse("jobs:detail", args=[active.pk]), {"partial": 1, "seen": seen}).status_code == 204
    Job.objects.filter(pk=active.pk).update(status="running", progress_done=1, progress_total=4, stage="Reading")
    partial = client.get(reverse("jobs:detail", args=[active.pk]), {"partial": 1, "seen": seen})
    assert partial.status_code == 200 and "Reading: step 1 of 4 (25%)" in " ".join(_soup(partial).get_text().split())
    assert "<html" not in partial.content.decode()
    done, _ = job_start(actor=users.analyst, kind="test.counting")
    finished = _soup(client.get(reverse("jobs:detail", args=[done.pk]), {"partial": 1}))
    assert not finished.select_one("#job-status").has_attr("hx-trigger")
    assert "Counted to three." in finished.get_text() and finished.find("a", string="Home")


def test_the_list_costs_the_same_queries_whatever_its_length(users, client_for):  # type: ignore[no-untyped-def]
    client = client_for(users.admin)

    def measure(count: int) -> tuple[int, int]:
        while Job.objects.count() < count:
            Job.objects.create(kind="test.counting", label="Count", started_by=users.admin, permission="x.y")
        client.get(reverse("jobs:list"))  # warm the session
        with CaptureQueriesContext(connection) as mine:
            response = client.get(reverse("jobs:list"))
        assert len(_soup(response).select("#jobs tbody tr")) == count
        with CaptureQueriesContext(connection) as everyone:
            client.get(reverse("jobs:list"), {"who": "all"})
        return len(mine), len(everyone)

    assert measure(2) == measure(20)
