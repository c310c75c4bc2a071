"""Role verbs: may this user do this kind of thing at all? (Record scope lives in people.permissions.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from familyhelp.accounts import roles


def has_verb(user: Any, verb: str) -> bool:
    """True when the user is signed in, active and their role grants the verb."""
    return bool(getattr(user, "is_authenticated", False) and verb in getattr(user, "verbs", frozenset()))


def requires_second_factor(user: Any) -> bool:
    """True when the user must verify a second factor before using the service."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in settings.FAMILYHELP_OTP_REQUIRED_ROLES:
        return True
    return has_confirmed_second_factor(user)


def has_confirmed_second_factor(user: Any) -> bool:
    """True when the user has turned on two-factor authentication (a confirmed django-otp device)."""
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def can_manage_users(user: Any) -> bool:
    """Administrators manage user accounts."""
    return has_verb(user, roles.MANAGE_USERS)


def can_manage_organisation(user: Any) -> bool:
    """Administrators manage teams, localities, schools and partner agencies."""
    return has_verb(user, roles.MANAGE_ORGANISATION)


def can_manage_integration_accounts(user: Any) -> bool:
    """Administrators (who manage user accounts) manage integration accounts and their tokens."""
    return has_verb(user, roles.MANAGE_USERS)
