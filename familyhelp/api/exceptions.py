"""Turn domain errors into 4xx responses with field-level messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DomainError -> 400 {field: [messages]}; ConcurrentEditError -> 409; ForbiddenError -> 403.

    Also: a missing object looked up by a selector -> 404; Django's PermissionDenied -> 403.
    """
    from familyhelp.people.selectors import BreakGlassRequired

    if isinstance(exc, BreakGlassRequired):
        return Response(
            {
                "detail": "This record is restricted. POST a reason to its break-glass endpoint to open it.",
                "code": "break_glass_required",
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, ConcurrentEditError):
        return Response({"detail": exc.message, "code": "concurrent_edit"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ForbiddenError):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {k if k != "__all__" else "non_field_errors": v for k, v in exc.errors.items()}
        if not body:
            body = {"non_field_errors": [exc.message]}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": "You do not have permission to do that."}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
