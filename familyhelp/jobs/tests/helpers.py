"""Test helpers: follow a page that starts a job to its file (tasks run at once in the test settings)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from familyhelp.jobs.models import Job


def started_job(response: Any) -> Job:
    """The job a POST started (it redirected to the job's page)."""
    assert response.status_code == 302, response.status_code
    pk = response["Location"].rstrip("/").split("/")[-1]
    assert response["Location"] == reverse("jobs:detail", args=[pk])
    return Job.objects.get(pk=pk)


def download_via_job(client: Any, url: str, data: dict[str, Any]) -> HttpResponse:
    """POST to a page that builds a file as a job, open the job's page, download the file: the download as
    a plain response (status, headers, content)."""
    job = started_job(client.post(url, data))
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200 and reverse("jobs:file", args=[job.pk]) in page.content.decode()
    streamed = client.get(reverse("jobs:file", args=[job.pk]))
    response = HttpResponse(b"".join(streamed.streaming_content), status=streamed.status_code)
    for header, value in streamed.items():
        response[header] = value
    return response
