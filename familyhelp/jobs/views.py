"""Job pages: "Your jobs" and one job's page, which refreshes its status with htmx while the job runs (a plain
reload shows the same), and the result file's download. Views stay thin: reads in selectors, the logged
download in services."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views import View

from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.core.errors import DomainError, ForbiddenError
from familyhelp.jobs import selectors, services
from familyhelp.jobs.models import Job
from familyhelp.jobs.permissions import can_download_job_file, is_job_administrator

PAGE_SIZE = 25
POLL_SECONDS = 2


def _job(request: HttpRequest, pk: Any) -> Job:
    try:
        return selectors.job_get_for_user(request.user, pk)
    except Job.DoesNotExist as exc:
        raise Http404("No such job") from exc


class JobListView(View):
    """The jobs you started, newest first (administrators may list everyone's)."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        everyone = request.GET.get("who") == "all" and is_job_administrator(request.user)
        qs = selectors.job_list_for_user(request.user, everyone=everyone)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "everyone": everyone,
            "can_see_all": is_job_administrator(request.user),
        }
        return render(request, "jobs/list.html", context)


class JobDetailView(View):
    """One job: status, progress and result. While it runs, the status block asks for itself again every
    two seconds (htmx); `?partial=1` answers that block alone, or 204 when nothing has changed."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        job = _job(request, pk)
        fingerprint = selectors.job_fingerprint(job)
        context = {
            "job": job,
            "fingerprint": fingerprint,
            "poll_seconds": POLL_SECONDS,
            "can_download": can_download_job_file(request.user, job),
        }
        if request.GET.get("partial"):
            if request.GET.get("seen") == fingerprint and job.is_active:
                return HttpResponse(status=204)
            response = render(request, "jobs/_status.html", context)
        else:
            response = render(request, "jobs/detail.html", context)
        response["Cache-Control"] = "no-store"
        return response


class JobFileView(View):
    """The job's result file (a return, a pack), for the person who started it or holders of the job's verb;
    every download is written to the access log as an export."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest, pk: Any) -> HttpResponseBase:
        job = _job(request, pk)
        try:
            handle = services.job_file_open(actor=request.user, job=job)
        except ForbiddenError as exc:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            raise Http404(exc.message) from exc
        response = FileResponse(
            handle, as_attachment=True, filename=job.file_name, content_type=job.file_content_type or None
        )
        response["Cache-Control"] = "no-store"
        return response
