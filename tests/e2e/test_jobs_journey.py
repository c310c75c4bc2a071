"""Background jobs in the browser (ADR 0018): a manager starts a search for duplicates from the review queue,
lands on the job's page while it waits for the worker, watches it finish without reloading (htmx polling into
an aria-live region), follows the link to the queue and sees the pair found; then lists their jobs. Every page
is checked with axe at desktop (1280 px) and phone (375 px) widths.

The jobs run as in production: the test switches to the database backend, so the live server only enqueues,
and a real django-tasks-db worker (the `db_worker` loop) runs in a thread started by the test once the job
page has been seen waiting. Nothing is run inside the web request.
"""

from __future__ import annotations

import threading

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from familyhelp.dedup.tests.factories import duplicate_of, same_nhs_number
from familyhelp.jobs.models import Job

WIDTHS = ((1280, 800), (375, 812))


class WorkerThread(threading.Thread):
    """`familyhelp db_worker` in a thread: polls the queue every 0.2 s until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.worker = Worker(
            queue_names=["default"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="e2e-worker",
            excluded_queue_names=[],
        )

    def run(self) -> None:
        try:
            self.worker.run()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.worker.running = False
        self.join(timeout=10)


def test_start_a_duplicate_search_and_watch_it_finish(
    world, transactional_db, live_server, page, sign_in, axe_check, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def check(page) -> None:  # type: ignore[no-untyped-def]  # axe at both widths, back to desktop after
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            axe_check(page)
        page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})

    same_nhs_number(world.own, duplicate_of(world.own, family_name="OBrian", worker=world.colleague))
    sign_in(page, "manager")
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    expect(page.locator("tbody tr")).to_have_count(0)
    page.get_by_role("button", name="Look for duplicates now").click()

    # The job's page: queued, nobody has run it yet (no worker).
    expect(page.get_by_role("heading", level=1)).to_have_text("Look for duplicate records")
    status = page.locator("#job-status")
    expect(status).to_contain_text("Waiting to start")
    expect(page.locator("[aria-live=polite] #job-status")).to_have_count(1)
    check(page)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.started_by == world.manager

    worker = WorkerThread()
    worker.start()
    try:
        # The status block refreshes itself: no reload, no click.
        expect(status).to_contain_text("Finished", timeout=30_000)
        expect(status).to_contain_text("1 new possible duplicate")
        expect(status).to_contain_text("step 5 of 5 (100%)")
    finally:
        worker.stop()
    assert "/jobs/" in page.url  # still the same page
    check(page)

    page.get_by_role("link", name="Review the possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#last-search")).to_contain_text("finished")
    check(page)

    page.get_by_role("link", name="See the last search for duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Look for duplicate records")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your jobs").click()  # the menu link
    expect(page.get_by_role("heading", level=1)).to_have_text("Your jobs")
    expect(page.locator("#jobs tbody tr")).to_have_count(1)
    expect(page.locator("#jobs tbody tr")).to_contain_text("Finished")
    check(page)
