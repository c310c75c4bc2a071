"""Deny-by-default permission declarations, the second-factor gate, and the log of integration accounts'
API calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from familyhelp.accounts.declare import AUTHENTICATED, OTP_SETUP, PUBLIC, declared_permission
from familyhelp.accounts.permissions import has_verb, requires_second_factor

logger = logging.getLogger("familyhelp.access")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class PermissionDeclaredMiddleware:
    """Refuse any view that does not declare a permission; check sign-in and the role's verb."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        declared = declared_permission(view_func)
        if declared is None:
            logger.error("Refused a view with no declared permission: %s", getattr(view_func, "__name__", "?"))
            raise PermissionDenied("This page has no declared permission.")
        if isinstance(declared, dict) or _is_api(request):
            return None  # DRF checks authentication and the per-action verb itself.
        if declared == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if declared in (AUTHENTICATED, OTP_SETUP):
            return None
        if not has_verb(request.user, declared):
            raise PermissionDenied("Your role does not allow this.")
        return None


class SecondFactorMiddleware:
    """Send users who need a second factor to set it up or verify it before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        user = request.user
        if not user.is_authenticated or _is_api(request):
            return None
        if getattr(user, "is_integration", False):  # a script's account never uses the web interface
            from django.contrib.auth import logout

            logout(request)
            return redirect_to_login(request.get_full_path())
        if declared_permission(view_func) in (PUBLIC, OTP_SETUP):
            return None
        if requires_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]  # django-otp
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                return redirect("accounts:otp_verify")
            return redirect("accounts:otp_setup")
        return None


class IntegrationCallLogMiddleware:
    """Write one access-log row for every API call made with an integration account's token.

    ApiTokenAuthentication marks the request when the token belongs to an integration account (even when
    it then refuses the call, for example an expired token); the row is written once the response is
    known, under the account's user: `denied` when refused (401/403), otherwise `export` (the data went to
    the council's own system). The row carries the method, path (UUIDs only, never the query string),
    status and the token's identifying prefix.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        from familyhelp.api.authentication import CALL_ATTRIBUTE

        call = getattr(request, CALL_ATTRIBUTE, None)
        if call is not None:
            _log_integration_call(request, response, *call)
        return response


def _log_integration_call(request: HttpRequest, response: HttpResponse, account: Any, token_key: str) -> None:
    from familyhelp.audit.models import AccessLog
    from familyhelp.audit.services import access_log_record

    refused = response.status_code in (401, 403)
    access_log_record(
        actor=account.user,
        action=AccessLog.Action.DENIED if refused else AccessLog.Action.EXPORT,
        obj=account,
        reason=f"API call by the integration account {account.name}",
        criteria={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "token": token_key,
            "scopes": list(account.scopes),
        },
        channel="api",
    )
