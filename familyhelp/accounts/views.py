"""Sign in and out, two-factor set-up and verification, keep-alive, the user's own profile, and the
administrators' pages for integration accounts and their tokens (ADR 0016)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhelp.accounts import roles, selectors
from familyhelp.accounts import services as account_services
from familyhelp.accounts.declare import AUTHENTICATED, OTP_SETUP, PUBLIC, permission
from familyhelp.accounts.forms import IntegrationAccountForm, SignInForm, TokenForm, TokenIssueForm
from familyhelp.accounts.models import IntegrationAccount, Notification
from familyhelp.accounts.permissions import requires_second_factor
from familyhelp.accounts.roles import Scope
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.core.http import safe_next
from familyhelp.core.middleware import renew_session
from familyhelp.frontend.forms import apply_domain_errors


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
    """Renew the idle timer now (other requests renew it at most once a minute)."""
    renew_session(request)
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


# --- integration accounts (administrators) ------------------------------------------------------------


def _integration_account(request: HttpRequest, pk: Any) -> IntegrationAccount:
    try:
        return selectors.integration_account_get_for_user(request.user, pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _token_shown_once(request: HttpRequest, account: IntegrationAccount, issued: Any, *, replaced: str = "") -> Any:
    response = render(
        request, "accounts/integration_token.html", {"account": account, "issued": issued, "replaced": replaced}
    )
    response["Cache-Control"] = "no-store"
    return response


class IntegrationAccountListView(View):
    """The council's integration accounts: scopes, live tokens, last call, status."""

    required_permission = roles.MANAGE_USERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "accounts/integration_list.html",
            {"accounts": selectors.integration_account_list_for_user(request.user)},
        )


class IntegrationAccountCreateView(View):
    """Add an integration account (name, purpose, scopes); its first token is issued on the next page."""

    required_permission = roles.MANAGE_USERS

    def _render(self, request: HttpRequest, form: IntegrationAccountForm) -> HttpResponse:
        return render(request, "accounts/integration_form.html", {"form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, IntegrationAccountForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IntegrationAccountForm(request.POST)
        if form.is_valid():
            try:
                account = account_services.integration_account_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Integration account {account.name} added: now issue it a token")
                return redirect("accounts:integration_detail", pk=account.pk)
        return self._render(request, form)


class IntegrationAccountDetailView(View):
    """One integration account: its scopes and the API verbs they allow, its tokens, and the actions."""

    required_permission = roles.MANAGE_USERS

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self._render(request, _integration_account(request, pk), TokenIssueForm())

    def _render(self, request: HttpRequest, account: IntegrationAccount, form: TokenIssueForm) -> HttpResponse:
        labels = dict(roles.IntegrationScope.choices)
        return render(
            request,
            "accounts/integration_detail.html",
            {
                "account": account,
                "scopes": [(labels.get(s, s), sorted(roles.SCOPE_VERBS.get(s, ()))) for s in account.scopes],
                "tokens": selectors.integration_tokens_for_user(request.user, account),
                "now": clock.now(),
                "form": form,
            },
            status=400 if form.errors else 200,
        )


class IntegrationTokenIssueView(IntegrationAccountDetailView):
    """Issue a token (POST): shown once, on a page that is not cached."""

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        account = _integration_account(request, pk)
        form = TokenIssueForm(request.POST)
        if form.is_valid():
            try:
                issued = account_services.integration_token_issue(
                    actor=request.user, account=account, expires_in_days=form.cleaned_data["expires_in_days"]
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return _token_shown_once(request, account, issued)
        return self._render(request, account, form)


class IntegrationTokenActionView(View):
    """Rotate (a new token replaces this one, shown once) or revoke one token (POST only)."""

    required_permission = roles.MANAGE_USERS

    def post(self, request: HttpRequest, pk: Any, token_key: str, action: str) -> HttpResponse:
        if action not in ("rotate", "revoke"):
            raise Http404
        account = _integration_account(request, pk)
        try:
            if action == "rotate":
                issued = account_services.integration_token_rotate(
                    actor=request.user, account=account, token_key=token_key
                )
                return _token_shown_once(request, account, issued, replaced=token_key)
            account_services.integration_token_revoke(actor=request.user, account=account, token_key=token_key)
            messages.success(request, f"Token {token_key}… revoked: it no longer works")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:integration_detail", pk=account.pk)


class IntegrationAccountDeactivateView(View):
    """Deactivate the account (POST): every token is revoked and no new one can be issued."""

    required_permission = roles.MANAGE_USERS

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        account = _integration_account(request, pk)
        try:
            account_services.integration_account_deactivate(actor=request.user, account=account)
            messages.success(request, f"{account.name} is deactivated: its tokens no longer work")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:integration_list")
