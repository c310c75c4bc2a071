"""REST API for background jobs: /api/v1/jobs/ (the jobs you started) and /api/v1/jobs/{id}/ (status, progress
and result). Wired in familyhelp.api.urls. The result file is downloaded from the job's page (`download_url`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.api.base import ApiViewSet
from familyhelp.api.serializers.common import UserSummarySerializer
from familyhelp.jobs import selectors
from familyhelp.jobs.models import Job
from familyhelp.jobs.permissions import can_download_job_file


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done", allow_null=True)
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    percent = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField()


class JobResultSerializer(serializers.Serializer):
    message = serializers.CharField(source="result_message")
    summary = serializers.DictField(source="result_summary")
    link = serializers.CharField(source="result_link_url", allow_blank=True)
    file_name = serializers.CharField(allow_blank=True)
    file_size = serializers.IntegerField(allow_null=True)


class JobSerializer(serializers.Serializer):
    """A job: what it is, who started it, its status, progress and (once finished) result or safe error."""

    id = serializers.UUIDField(read_only=True)
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named like Field.label
    status = serializers.ChoiceField(choices=Job.Status.choices, read_only=True)
    started_by = UserSummarySerializer(read_only=True, allow_null=True)
    queued_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    error = serializers.CharField(source="error_message", read_only=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_progress(self, job: Job) -> dict[str, Any]:
        return dict(JobProgressSerializer(job).data)

    def get_result(self, job: Job) -> dict[str, Any] | None:
        return dict(JobResultSerializer(job).data) if job.status == Job.Status.SUCCEEDED else None

    def get_url(self, job: Job) -> str:
        return reverse("api:job-detail", args=[job.pk])

    def get_page_url(self, job: Job) -> str:
        return reverse("jobs:detail", args=[job.pk])

    def get_download_url(self, job: Job) -> str | None:
        user = self.context.get("user")
        return reverse("jobs:file", args=[job.pk]) if can_download_job_file(user, job) else None


NOT_FOUND = OpenApiResponse(description="No job with this id.")
FORBIDDEN = OpenApiResponse(description="The job was started by someone else and your role does not let you see it.")


class JobViewSet(ApiViewSet):
    """Background jobs (finding duplicates, building returns and packs)."""

    required_permissions = {"list": AUTHENTICATED, "retrieve": AUTHENTICATED}

    @extend_schema(summary="The jobs you started, newest first", responses={200: JobSerializer(many=True)})
    def list(self, request: Request) -> Response:
        qs = selectors.job_list_for_user(request.user)
        page = self.paginate_queryset(qs)
        items = list(page) if page is not None else list(qs)
        data = JobSerializer(items, many=True, context={"user": request.user}).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="One job: status, progress and result",
        description="Poll this while `status` is `queued` or `running`.",
        responses={200: JobSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: UUID) -> Response:
        try:
            job = selectors.job_get_for_user(request.user, pk)
        except Job.DoesNotExist as exc:
            raise NotFound("No such job.") from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(JobSerializer(job, context={"user": request.user}).data)
