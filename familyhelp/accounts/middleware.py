"""Deny-by-default permission declarations, and the second-factor gate."""

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
        if declared_permission(view_func) in (PUBLIC, OTP_SETUP):
            return None
        if requires_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]  # django-otp
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                return redirect("accounts:otp_verify")
            return redirect("accounts:otp_setup")
        return None
