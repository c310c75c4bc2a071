"""API authentication: hashed, expiring tokens (django-rest-knox) for integration accounts and for the few
roles allowed them, and sessions only after two-factor. See ADR 0005 and ADR 0016.

Point REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] at these (token first, so an unauthenticated
request gets 401 with `WWW-Authenticate: Token`). The API's own views also name them explicitly.
"""

from __future__ import annotations

from hmac import compare_digest
from typing import Any

from django.utils import formats, timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework.authentication import SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_confirmed_second_factor, requires_second_factor
from familyhelp.core import clock

KEYWORDS = (b"token", b"bearer")  # `Authorization: Token <token>` or `Authorization: Bearer <token>`

INVALID = "Invalid token."
TWO_FACTOR_ON = (
    "You have turned on two-factor authentication, so your API token no longer works: a token cannot "
    "carry a second factor. Use the API from your signed-in session, or ask an administrator for an "
    "integration account for scripts."
)
DEACTIVATED = "This integration account has been deactivated. Ask an administrator."
NO_TOKEN_ROLE = "Your role cannot use the API with a token."

# The attribute on the Django request that tells IntegrationCallLogMiddleware to log the call.
CALL_ATTRIBUTE = "fh_integration_call"


def role_may_use_token(user: Any) -> bool:
    """True when the role grants `accounts.use_api_token` and is not one that must use two-factor
    (a token cannot carry a second factor)."""
    from django.conf import settings

    role = getattr(user, "role", "")
    if role in settings.FAMILYHELP_OTP_REQUIRED_ROLES:
        return False
    return roles.USE_API_TOKEN in roles.ROLE_VERBS.get(role, frozenset())


class ApiTokenAuthentication(KnoxTokenAuthentication):
    """A knox token (only its digest is stored) sent as `Token <token>` or `Bearer <token>`.

    - An integration account's token works while the token has not expired and the account is active; the
      call is logged in the access log under the account (whatever its outcome).
    - A person's token works only for an active user whose role may use tokens and who has not turned on
      two-factor authentication (a token would get round the second factor they chose).
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in KEYWORDS:
            return None
        if len(auth) == 1:
            raise AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(auth) > 2:
            raise AuthenticationFailed("Invalid token header. Token string should not contain spaces.")
        try:
            key = auth[1].decode("utf-8")
        except UnicodeError as exc:
            raise AuthenticationFailed(INVALID) from exc
        return self.check_token(request, key)

    def authenticate_header(self, request: Any) -> str:
        return "Token"

    def check_token(self, request: Any, key: str) -> tuple[Any, Any]:
        """The (user, token) for a valid key, or AuthenticationFailed with a message saying why not."""
        token = _find(key)
        if token is None:
            raise AuthenticationFailed(INVALID)
        user = token.user
        account = getattr(user, "integration_account", None) if user.is_integration else None
        if account is not None and request is not None:
            setattr(getattr(request, "_request", request), CALL_ATTRIBUTE, (account, token.token_key))
        if token.expiry is not None and token.expiry <= clock.now():
            when = formats.date_format(timezone.localtime(token.expiry), "j F Y H:i")
            raise AuthenticationFailed(f"This token expired on {when}. Ask an administrator for a new one.")
        if user.is_integration:
            if account is None or not account.is_active or not user.is_active:
                raise AuthenticationFailed(DEACTIVATED)
            return user, token
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        if not role_may_use_token(user):
            raise AuthenticationFailed(NO_TOKEN_ROLE)
        if has_confirmed_second_factor(user):
            raise AuthenticationFailed(TWO_FACTOR_ON)
        return user, token

    # knox's own entry point, kept consistent for anything that calls it directly.
    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        return self.check_token(None, token.decode("utf-8"))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ApiTokenAuthentication."""

    target_class = "familyhelp.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token issued by an administrator (an integration account's, or a person's "
            "whose role allows one), sent as `Authorization: Bearer <token>` or `Authorization: Token <token>`.",
        }


def _find(key: str) -> Any:
    """The stored token whose digest matches the key (compared in constant time), or None."""
    if len(key) < CONSTANTS.TOKEN_KEY_LENGTH:
        return None
    digest = hash_token(key)
    candidates = (
        get_token_model()
        .objects.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
        .select_related("user", "user__integration_account")
    )
    for candidate in candidates:
        if compare_digest(digest, candidate.digest):
            return candidate
    return None


class ApiSessionAuthentication(SessionAuthentication):
    """The web session (with CSRF), refused until the user has verified their second factor if they need one.

    SecondFactorMiddleware does not guard /api/, so the check is made here. Integration accounts never
    have a session.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if getattr(user, "is_integration", False):
            raise AuthenticationFailed("An integration account uses the API with a token only.")
        if requires_second_factor(user) and not _is_verified(user):
            raise AuthenticationFailed(
                "Verify your sign-in with two-factor authentication in Family Help before using the API."
            )
        return result


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
