"""Request context (client address) available to services that write audit rows."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

_request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served, if any (None in commands and tests without a request)."""
    return _request_var.get()


def request_memo(namespace: str) -> dict[Any, Any] | None:
    """A dictionary that lives as long as the request being served, for decisions that cannot change
    within it unless something is written (record access, for example). None outside a request (commands,
    services called directly in tests), so callers there always decide afresh.

    Writers that change such a decision clear it with `forget_request_memo(namespace)`."""
    request = current_request()
    if request is None:
        return None
    memos: dict[str, dict[Any, Any]] | None = getattr(request, "_familyhelp_memo", None)
    if memos is None:
        memos = {}
        request._familyhelp_memo = memos  # type: ignore[attr-defined]
    return memos.setdefault(namespace, {})


def forget_request_memo(namespace: str) -> None:
    """Drop what the current request remembered under this namespace (no-op outside a request)."""
    request = current_request()
    memos = getattr(request, "_familyhelp_memo", None) if request is not None else None
    if memos:
        memos.pop(namespace, None)


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


SESSION_RENEWED_KEY = "_familyhelp_renewed"


class SessionRenewalMiddleware:
    """Renew a signed-in session's idle timeout at most once every FAMILYHELP_SESSION_RENEW_SECONDS (60 s),
    rather than writing the session row on every request (SESSION_SAVE_EVERY_REQUEST cost a write, and on
    SQLite a write lock, on every page view). The idle timeout is therefore exact to within that interval.
    The keep-alive endpoint renews it always (`renew_session`). Must sit after SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        from django.conf import settings

        from familyhelp.core import clock

        now = int(clock.now().timestamp())
        renewed = session.get(SESSION_RENEWED_KEY)
        stale = not isinstance(renewed, int) or now - renewed >= settings.FAMILYHELP_SESSION_RENEW_SECONDS
        if stale or session.modified:  # a session saved anyway records its renewal at no extra cost
            session[SESSION_RENEWED_KEY] = now
        return response


def renew_session(request: HttpRequest) -> None:
    """Save the session now (its idle timeout starts again)."""
    from familyhelp.core import clock

    request.session[SESSION_RENEWED_KEY] = int(clock.now().timestamp())
