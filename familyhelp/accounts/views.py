"""Sign in and out, two-factor set-up and verification, keep-alive, and the user's own profile."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhelp.accounts.declare import AUTHENTICATED, OTP_SETUP, PUBLIC, permission
from familyhelp.accounts.forms import SignInForm, TokenForm
from familyhelp.accounts.models import Notification
from familyhelp.accounts.permissions import requires_second_factor
from familyhelp.accounts.roles import Scope
from familyhelp.core import clock
from familyhelp.core.http import safe_next


class SignInView(LoginView):
    """Username and password; django-axes locks the account after repeated failures."""

    required_permission = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@permission(PUBLIC)
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out by POST (the header button) or by the idle-timeout script (GET with ?timeout=1)."""
    if request.method == "POST" or request.GET.get("timeout") == "1":
        timed_out = request.GET.get("timeout") == "1"
        logout(request)
        return render(request, "accounts/signed_out.html", {"timed_out": timed_out})
    return redirect("accounts:login")


@permission(AUTHENTICATED)
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """Renew the idle timer (the session is saved on every request)."""
    return HttpResponse(status=204)


class OtpSetupView(View):
    """Set up an authenticator app: show a QR code and key, confirm with a first code."""

    required_permission = OTP_SETUP

    def _device(self, request: HttpRequest) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        return device

    def _render(self, request: HttpRequest, form: TokenForm, device: TOTPDevice) -> HttpResponse:
        qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
        key = b32encode(device.bin_key).decode()
        grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
        return render(
            request,
            "accounts/otp_setup.html",
            {
                "form": form,
                "qr_svg": mark_safe(qr),  # noqa: S308 - segno's own SVG, no user input
                "secret": grouped,
                "required": requires_second_factor(request.user),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("accounts:otp_verify")
        return self._render(request, TokenForm(), self._device(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        # Someone with only the password must not be able to add a second authenticator.
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("accounts:otp_verify")
        device = self._device(request)
        form = TokenForm(request.POST)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, "Two-factor authentication is set up.")
                return redirect("frontend:home")
            form.add_error("token", "The code does not match. Check the time on your phone and try again")
        return self._render(request, form, device)


class OtpVerifyView(View):
    """Ask for a code from the user's authenticator app after the password."""

    required_permission = OTP_SETUP

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/otp_verify.html", {"form": TokenForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return redirect(safe_next(request, request.GET.get("next"), "frontend:home"))
            form.add_error("token", "The code is not right, or it has expired. Enter the current code")
        return render(request, "accounts/otp_verify.html", {"form": form})


class ProfileView(View):
    """The user's own account: role, team, record scope, two-factor status and notifications."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        return render(
            request,
            "accounts/profile.html",
            {
                "scope_label": Scope(user.scope).label,
                "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
                "notifications": Notification.objects.filter(recipient=user).select_related("person")[:50],
            },
        )


@permission(AUTHENTICATED)
@require_POST
def notification_read(request: HttpRequest, pk: Any) -> HttpResponse:
    """Mark one of the user's own notifications as read."""
    Notification.objects.filter(recipient_id=request.user.pk, pk=pk, read_at__isnull=True).update(read_at=clock.now())
    return redirect(safe_next(request, request.POST.get("next"), "frontend:home"))
