"""API test helpers on top of the shared `world` fixture (root conftest.py)."""

from __future__ import annotations

import pytest
from knox.models import get_token_model
from rest_framework.test import APIClient

from familyhelp.accounts.permissions import requires_second_factor


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as(db):
    """A new API client signed in (by session) as the user; second factor verified where the role needs it."""

    def login(user, *, verified: bool = True) -> APIClient:
        client = APIClient()
        client.force_login(user)
        if verified and requires_second_factor(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return login


@pytest.fixture
def api_token(db):
    """A new API client authenticating with a (knox, hashed) token for the user."""

    def with_token(user) -> APIClient:
        client = APIClient()
        _, key = get_token_model().objects.create(user, expiry=None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return with_token
