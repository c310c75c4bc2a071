"""Request ids and the one log line every request writes.

`RequestIdMiddleware` comes first in MIDDLEWARE. It takes the id the reverse proxy sent in `X-Request-ID`
(nginx sends its `$request_id`, 32 hex digits) when the id is well formed, otherwise makes a new one; keeps it
in a context variable for the duration of the request, so that every log record written while the request
is served carries it (`familyhelp.core.logging.RequestIdFilter`); returns it in the response's
`X-Request-ID` header; and writes one line to the `familyhelp.request` logger when the response is ready:
method, path (never the query string: it may carry a name or a date of birth), status, duration in
milliseconds and the signed-in user's id (a random UUID, never a name).

A well-formed id is 16 to 64 characters of hexadecimal digits and hyphens (a UUID, a W3C trace id, nginx's
`$request_id`): anything else from the client or a misconfigured proxy is replaced, so a caller cannot put
words (or personal data) into our logs through the header.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# Load-balancer probes: logged at DEBUG when they succeed (a probe every few seconds would drown the log).
PROBE_PATHS = frozenset({"/healthz", "/readyz"})

_WELL_FORMED = re.compile(r"[0-9A-Fa-f-]{16,64}")
_request_id: ContextVar[str | None] = ContextVar("familyhelp_request_id", default=None)

logger = logging.getLogger("familyhelp.request")


def current_request_id() -> str | None:
    """The id of the request being served in this context, or None outside a request."""
    return _request_id.get()


def is_well_formed(value: str) -> bool:
    """Whether an incoming request id may be kept (hex digits and hyphens, 16 to 64 characters)."""
    return bool(_WELL_FORMED.fullmatch(value))


def new_request_id() -> str:
    """A fresh request id: 32 hexadecimal digits, the shape of nginx's `$request_id`."""
    return uuid.uuid4().hex


@contextlib.contextmanager
def bound_request_id(value: str | None) -> Iterator[str]:
    """Carry a request id in this context (for example a background job started by a request)."""
    value = value if value and is_well_formed(value) else new_request_id()
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def _user_id(request: HttpRequest) -> str | None:
    """The signed-in user's id if authentication has already run; never forces a session lookup."""
    user: Any = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's SimpleLazyObject, unevaluated?
    from django.utils.functional import empty

    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return str(wrapped.pk)


class RequestIdMiddleware:
    """Give every request an id (kept from the proxy if well formed), return it, and log the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(META_KEY, "")
        request_id = incoming if is_well_formed(incoming) else new_request_id()
        request.META[META_KEY] = request_id  # code reading the header sees the id we log
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            self._log(request, response, started)
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        status = response.status_code
        if status >= 500:
            level = logging.WARNING  # django.request logs the error itself, with its traceback
        elif request.path in PROBE_PATHS:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not logger.isEnabledFor(level):
            return
        logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path[:512],  # request.path has no query string
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
