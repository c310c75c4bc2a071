"""Request context (client address) available to services that write audit rows."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served, if any (None in commands and tests without a request)."""
    return _request_var.get()


def client_address(request: HttpRequest | None = None) -> str:
    """The client's IP address as seen by the server (REMOTE_ADDR; a proxy must set it correctly)."""
    request = request or current_request()
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


class RequestContextMiddleware:
    """Keep the current request in a context variable for the duration of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_var.set(request)
        try:
            return self.get_response(request)
        finally:
            _request_var.reset(token)
