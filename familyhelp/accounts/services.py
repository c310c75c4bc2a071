"""Every write to user accounts: create, change, deactivate, reset two-factor, issue API tokens.

Only administrators (`accounts.manage_users`) may call these; each service checks again. Field history
is written by django-simple-history on every save (the acting administrator is recorded as its user).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.accounts.permissions import can_manage_users
from familyhelp.core.effective import raise_if
from familyhelp.core.errors import ConcurrentEditError, DomainError, full_clean_or_raise, require

REFUSED = "Your role cannot manage user accounts."

# Roles that need not belong to a team (they work across the council).
TEAMLESS_ROLES = frozenset({roles.Role.ANALYST, roles.Role.AUDITOR, roles.Role.ADMINISTRATOR, roles.Role.SENIOR_LEADER})

USER_UPDATE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "job_role",
    "team",
    "partner_agency",
    "swe_number",
    "employment",
    "fte",
    "scope_override",
)


def _record_as(obj: Any, actor: Any) -> None:
    """Name the actor as the user of the field-history row the next save writes (API and CLI calls too)."""
    obj._history_user = actor


def _squash(value: Any) -> str:
    return " ".join(str(value or "").split())


def _normalise(values: dict[str, Any]) -> None:
    """Tidy free-text values in place."""
    for key in ("first_name", "last_name", "phone"):
        if key in values:
            values[key] = _squash(values[key])
    if "email" in values:
        values["email"] = str(values["email"] or "").strip()
    if "swe_number" in values:
        values["swe_number"] = "".join(str(values["swe_number"] or "").split()).upper()
    if "username" in values:
        values["username"] = str(values["username"] or "").strip()


def _check_account(values: dict[str, Any], *, exclude_pk: Any = None) -> dict[str, list[str]]:
    """Field errors for the combined (new or merged) values of an account."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    others = User.objects.exclude(pk=exclude_pk) if exclude_pk is not None else User.objects.all()
    if "username" in values:
        if not values["username"]:
            add("username", "Enter a username")
        elif others.filter(username__iexact=values["username"]).exists():
            add("username", f"The username {values['username']} is already taken")
    if not values["first_name"] and not values["last_name"]:
        add("first_name", "Enter the user's name")
    if not values["email"]:
        add("email", "Enter the user's work email address")
    elif others.filter(email__iexact=values["email"]).exists():
        add("email", "Another user account already uses this email address")
    role, job_role = values["role"], values["job_role"]
    if role not in roles.Role.values:
        add("role", "Choose a role")
    if job_role not in User.JobRole.values:
        add("job_role", "Choose a job role")
    team, agency = values["team"], values["partner_agency"]
    if role == roles.Role.PARTNER:
        if agency is None:
            add("partner_agency", "Choose the partner agency this user works for")
        if team is not None:
            add("team", "A partner agency user cannot belong to a council team")
        if job_role != User.JobRole.PARTNER:
            add("job_role", "A partner agency user's job role must be ‘Partner agency worker’")
    elif role in roles.Role.values:
        if agency is not None:
            add("partner_agency", "Only partner agency users belong to a partner agency")
        if team is None and role not in TEAMLESS_ROLES:
            add("team", "Choose the user's team")
        if job_role == User.JobRole.PARTNER:
            add("job_role", "Only partner agency users can have the job role ‘Partner agency worker’")
    if team is not None and not team.is_active:
        add("team", f"{team.name} is closed: choose an open team")
    if agency is not None and not agency.is_active:
        add("partner_agency", f"{agency.name} is closed: choose an open partner agency")
    swe = values["swe_number"]
    if job_role == User.JobRole.SOCIAL_WORKER and not swe:
        add("swe_number", "Enter the social worker's Social Work England number, like SW123456")
    elif swe and others.filter(swe_number=swe).exists():
        add("swe_number", f"Another user account already has the Social Work England number {swe}")
    if values["employment"] not in User.Employment.values:
        add("employment", "Choose permanent or agency")
    scope_override = values.get("scope_override") or ""
    if scope_override and scope_override not in roles.Scope.values:
        add("scope_override", "Choose a record scope from the list")
    elif scope_override and values.get("role") == roles.Role.PARTNER and scope_override != roles.Scope.REFERRED:
        add("scope_override", "A partner agency user can only see the children they referred")
    return errors


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    job_role: str,
    team: Any = None,
    partner_agency: Any = None,
    swe_number: str = "",
    employment: str = "permanent",
    fte: Decimal = Decimal("1.00"),
    password: str | None = None,
) -> User:
    """Create a user account; without a password it cannot sign in until one is set."""
    require(can_manage_users(actor), REFUSED)
    values: dict[str, Any] = {
        "username": username,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "role": role,
        "job_role": job_role,
        "team": team,
        "partner_agency": partner_agency,
        "swe_number": swe_number,
        "employment": employment,
        "fte": fte,
    }
    _normalise(values)
    errors = _check_account(values)
    user = User(**values)
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    raise_if(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _record_as(user, actor)
    full_clean_or_raise(user)
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, expected_version: int | None, **fields: Any) -> User:
    """Change a user's details, role, team or agency; refused if someone else saved the account meanwhile."""
    require(can_manage_users(actor), REFUSED)
    unknown = set(fields) - set(USER_UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown user fields: {sorted(unknown)}")
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the record it edits. Reload and try again.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.version != expected_version:
        raise ConcurrentEditError()
    _normalise(fields)
    if user.pk == actor.pk and "role" in fields and fields["role"] != user.role:
        raise DomainError("You cannot change your own role: ask another administrator", field="role")
    merged = {f: getattr(user, f) for f in USER_UPDATE_FIELDS} | fields
    raise_if(_check_account(merged, exclude_pk=user.pk))
    changed = [f for f in USER_UPDATE_FIELDS if merged[f] != getattr(user, f)]
    for name in changed:
        setattr(user, name, merged[name])
    full_clean_or_raise(user)
    user.version += 1
    _record_as(user, actor)
    user.save(update_fields=changed + ["version"])
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Stop a user signing in (their history stays); their API token is deleted."""
    from rest_framework.authtoken.models import Token

    require(can_manage_users(actor), REFUSED)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise DomainError("You cannot deactivate your own account: ask another administrator")
    if not user.is_active:
        raise DomainError("This account is already deactivated")
    user.is_active = False
    user.version += 1
    _record_as(user, actor)
    user.save(update_fields=["is_active", "version"])
    Token.objects.filter(user=user).delete()
    return user


@transaction.atomic
def user_reset_second_factor(*, actor: Any, user: User) -> User:
    """Remove a user's authenticator app so they set up two-factor authentication again at next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require(can_manage_users(actor), REFUSED)
    if user.pk == actor.pk:
        raise DomainError("You cannot reset your own two-factor authentication: ask another administrator")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if not deleted:
        raise DomainError("This user has not set up two-factor authentication")
    return user


@transaction.atomic
def api_token_issue(*, actor: Any, user: User) -> str:
    """Issue an API token for the user (replacing any earlier one) and return its key, shown once."""
    from rest_framework.authtoken.models import Token

    require(can_manage_users(actor), REFUSED)
    if not user.is_active:
        raise DomainError("This account is deactivated: it cannot have an API token")
    from familyhelp.api.authentication import role_may_use_token

    if not role_may_use_token(user):
        raise DomainError(f"This user's role ({user.get_role_display()}) cannot use the API with a token")
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)
