"""API authentication: tokens only for roles allowed to use them, and sessions only after two-factor.

Point REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] at these (token first, so an unauthenticated
request gets 401 with `WWW-Authenticate: Token`). The API's own views also name them explicitly.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import requires_second_factor


def role_may_use_token(user: Any) -> bool:
    """True when the role grants `accounts.use_api_token` and is not one that must use two-factor
    (a token cannot carry a second factor)."""
    from django.conf import settings

    role = getattr(user, "role", "")
    if role in settings.FAMILYHELP_OTP_REQUIRED_ROLES:
        return False
    return roles.USE_API_TOKEN in roles.ROLE_VERBS.get(role, frozenset())


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; refused for inactive users and for roles without USE_API_TOKEN."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)  # refuses unknown keys and inactive users
        if not role_may_use_token(user):
            raise AuthenticationFailed("Your role cannot use the API with a token.")
        return user, token


class ApiSessionAuthentication(SessionAuthentication):
    """The web session (with CSRF), refused until the user has verified their second factor if they need one.

    SecondFactorMiddleware does not guard /api/, so the check is made here.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if requires_second_factor(user) and not _is_verified(user):
            raise AuthenticationFailed(
                "Verify your sign-in with two-factor authentication in Family Help before using the API."
            )
        return result


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
