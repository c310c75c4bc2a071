"""Sign-in: lockout, two-factor for administrators, idle timeout, security headers."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _reset_axes(db):  # type: ignore[no-untyped-def]
    from axes.utils import reset

    reset()
    yield
    reset()


def test_sign_in_and_home(db, client):
    user = UserFactory(username="jo", role=Role.SOCIAL_WORKER)
    response = client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("frontend:home")
    home = client.get(reverse("frontend:home"))
    assert home.status_code == 200
    assert "No children are allocated to you." in home.content.decode()
    assert user.get_full_name() in home.content.decode()


def test_wrong_password_shows_error_then_locks(db, client):
    UserFactory(username="jo")
    response = client.post(reverse("accounts:login"), {"username": "jo", "password": "wrong"})
    assert "Enter a correct username and password" in response.content.decode()
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "jo", "password": "wrong"})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    assert response.status_code == 429


def test_pages_need_sign_in(db, client):
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_administrator_must_set_up_two_factor(db, client):
    UserFactory(username="boss", role=Role.ADMINISTRATOR, team=None)
    client.post(reverse("accounts:login"), {"username": "boss", "password": PASSWORD})
    response = client.get(reverse("frontend:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    page = client.get(reverse("accounts:otp_setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user__username="boss", confirmed=False)
    response = client.post(
        reverse("accounts:otp_setup"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "The code does not match" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down repeated wrong codes
    response = client.post(reverse("accounts:otp_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get(reverse("frontend:home")).status_code == 200


def test_administrator_with_device_must_verify(db, client):
    user = UserFactory(username="boss", role=Role.ADMINISTRATOR, team=None)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "boss", "password": PASSWORD})
    assert client.get(reverse("frontend:home"))["Location"] == reverse("accounts:otp_verify")
    response = client.post(reverse("accounts:otp_verify"), {"token": "12a"})
    assert "Enter the 6 digits shown in your authenticator app" in response.content.decode()
    response = client.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get(reverse("frontend:home")).status_code == 200


@override_settings(FAMILYHELP_OTP_REQUIRED_ROLES=["administrator", "social_worker"])
def test_two_factor_roles_are_configurable(db, client):
    UserFactory(username="jo", role=Role.SOCIAL_WORKER)
    client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    assert client.get(reverse("frontend:home"))["Location"] == reverse("accounts:otp_setup")


def test_social_worker_two_factor_optional(db, client):
    UserFactory(username="jo", role=Role.SOCIAL_WORKER)
    client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    assert client.get(reverse("frontend:home")).status_code == 200
    profile = client.get(reverse("accounts:profile"))
    assert "Set up two-factor authentication" in profile.content.decode()


def test_idle_timeout_and_keepalive(db, client, settings):
    UserFactory(username="jo")
    client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    home = client.get(reverse("frontend:home"))
    body = home.content.decode()
    assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in body
    assert client.session.get_expire_at_browser_close()
    assert client.post(reverse("accounts:keepalive")).status_code == 204
    response = client.get(reverse("accounts:logout") + "?timeout=1")
    assert "You were signed out because you were inactive" in response.content.decode()
    assert client.get(reverse("frontend:home")).status_code == 302


def test_the_idle_timeout_is_renewed_at_most_once_a_minute_and_always_by_keepalive(db, client, settings):
    from django.contrib.sessions.models import Session
    from freezegun import freeze_time

    UserFactory(username="jo")

    def expiry():  # type: ignore[no-untyped-def]
        return Session.objects.get(session_key=client.session.session_key).expire_date

    with freeze_time("2026-03-09 10:00:00") as frozen:
        client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
        signed_in = expiry()
        frozen.tick(30)
        page = client.get(reverse("frontend:home")).content.decode()
        assert expiry() == signed_in  # within the minute: no session write
        # the page's countdown starts from what the server has left, not the whole timeout
        assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE - 30}"' in page
        frozen.tick(31)
        page = client.get(reverse("frontend:home")).content.decode()
        assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in page  # this request renewed it
        renewed = expiry()
        assert (renewed - signed_in).total_seconds() == 61
        frozen.tick(5)
        assert client.post(reverse("accounts:keepalive")).status_code == 204
        assert (expiry() - renewed).total_seconds() == 5
        frozen.tick(settings.SESSION_COOKIE_AGE + 1)
        assert client.get(reverse("frontend:home")).status_code == 302  # idle too long: signed out


def test_security_headers(db, client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_sign_out_by_get_without_timeout_does_not_sign_out(db, client):
    UserFactory(username="jo")
    client.post(reverse("accounts:login"), {"username": "jo", "password": PASSWORD})
    client.get(reverse("accounts:logout"))
    assert client.get(reverse("frontend:home")).status_code == 200


def test_setup_cannot_add_a_second_device_with_only_the_password(db, client):
    user = UserFactory(username="boss", role=Role.ADMINISTRATOR, team=None)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "boss", "password": PASSWORD})
    response = client.post(reverse("accounts:otp_setup"), {"token": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get(reverse("frontend:home"))["Location"] == reverse("accounts:otp_verify")


def test_administrator_cannot_use_an_api_token(db, client):
    from knox.models import AuthToken

    admin = UserFactory(username="boss", role=Role.ADMINISTRATOR, team=None)
    _, key = AuthToken.objects.create(admin, expiry=None)
    response = client.get(reverse("api:user-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_partner_scope_override_is_refused(db):
    from familyhelp.accounts import services
    from familyhelp.accounts.tests.factories import PartnerUserFactory
    from familyhelp.core.errors import DomainError

    admin = UserFactory(username="boss", role=Role.ADMINISTRATOR, team=None)
    partner = PartnerUserFactory()
    with pytest.raises(DomainError) as exc:
        services.user_update(actor=admin, user=partner, expected_version=partner.version, scope_override="all")
    assert "scope_override" in exc.value.errors
