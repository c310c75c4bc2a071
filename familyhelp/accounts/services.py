"""Every write to user accounts: create, change, deactivate, reset two-factor, issue API tokens, and
integration accounts (a council's scripts) with their tokens.

Only administrators (`accounts.manage_users`) may call these; each service checks again. Field history
is written by django-simple-history on every save (the acting administrator is recorded as its user).
API tokens are django-rest-knox tokens: only a digest is stored, each has an expiry, and the token itself
is returned once (ADR 0016). Every change to an integration account or its tokens writes an access-log
row (action `grant`) naming the administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from familyhelp.accounts import roles
from familyhelp.accounts.models import IntegrationAccount, User
from familyhelp.accounts.permissions import (
    can_manage_integration_accounts,
    can_manage_users,
    has_confirmed_second_factor,
)
from familyhelp.core import clock
from familyhelp.core.effective import raise_if
from familyhelp.core.errors import ConcurrentEditError, DomainError, full_clean_or_raise, require

REFUSED = "Your role cannot manage user accounts."
INTEGRATION_REFUSED = "Only administrators can manage integration accounts."

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
    """Stop a user signing in (their history stays); their API tokens are deleted."""
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
    _tokens(user).delete()
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
def api_token_issue(*, actor: Any, user: User, expires_in_days: int | None = None) -> str:
    """Issue an API token for a person (replacing any earlier one) and return it, shown once.

    Refused for roles that may not use tokens and for anyone who has turned on two-factor authentication
    (a token cannot carry a second factor): their scripts use an integration account instead.
    """
    require(can_manage_users(actor), REFUSED)
    if user.is_integration:
        raise DomainError("This is an integration account: issue its tokens from the integration accounts page")
    if not user.is_active:
        raise DomainError("This account is deactivated: it cannot have an API token")
    from familyhelp.api.authentication import role_may_use_token

    if not role_may_use_token(user):
        raise DomainError(f"This user's role ({user.get_role_display()}) cannot use the API with a token")
    if has_confirmed_second_factor(user):
        raise DomainError(
            "This user has turned on two-factor authentication, and a token would get round it: "
            "use an integration account for their scripts"
        )
    raise_if(_expiry_errors(expires_in_days))
    _tokens(user).delete()
    return _issue(user, expires_in_days, prefix=PERSON_TOKEN_PREFIX).key


# --- API tokens (django-rest-knox) ------------------------------------------------------------------

PERSON_TOKEN_PREFIX = "fhp_"  # so a leaked token is recognisable (and secret scanners can find it)
INTEGRATION_TOKEN_PREFIX = "fhi_"


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: `key` is the token itself, shown once and never stored."""

    key: str
    token_key: str  # knox's stored prefix of the token, which identifies it on pages and in the log
    expires_at: datetime


def _tokens(user: Any) -> Any:
    from knox.models import get_token_model

    return get_token_model().objects.filter(user=user)


def _expiry_errors(expires_in_days: int | None) -> dict[str, list[str]]:
    maximum = settings.FAMILYHELP_API_TOKEN_MAX_DAYS
    if expires_in_days is not None and not 1 <= expires_in_days <= maximum:
        return {"expires_in_days": [f"A token must expire in between 1 and {maximum} days"]}
    return {}


def _issue(user: Any, expires_in_days: int | None, *, prefix: str) -> IssuedToken:
    from knox.models import get_token_model

    days = settings.FAMILYHELP_API_TOKEN_DAYS if expires_in_days is None else expires_in_days
    expires_at = clock.now() + timedelta(days=days)
    token, key = get_token_model().objects.create(user, expiry=None, prefix=prefix)
    token.expiry = expires_at
    token.save(update_fields=["expiry"])
    return IssuedToken(key=key, token_key=token.token_key, expires_at=expires_at)


# --- integration accounts ---------------------------------------------------------------------------


def _log(actor: Any, account: IntegrationAccount, event: str, reason: str, **criteria: Any) -> None:
    """An access-log row for a change to an integration account or its tokens (who, when, from where)."""
    from familyhelp.audit.models import AccessLog
    from familyhelp.audit.services import access_log_record

    access_log_record(
        actor=actor,
        action=AccessLog.Action.GRANT,
        obj=account,
        reason=reason,
        criteria={"event": event, "account": account.name, **criteria},
    )


def _integration_username(name: str) -> str:
    base = f"integration-{slugify(name)[:100] or 'account'}"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _scope_errors(scopes: Any) -> dict[str, list[str]]:
    scopes = list(scopes or [])
    if not scopes:
        return {"scopes": ["Choose at least one scope"]}
    unknown = sorted(set(scopes) - set(roles.IntegrationScope.values))
    if unknown:
        return {"scopes": [f"Unknown scope: {', '.join(unknown)}. Choose from the list"]}
    return {}


def _locked_active(account: IntegrationAccount) -> IntegrationAccount:
    account = IntegrationAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    if not account.is_active:
        raise DomainError("This integration account is deactivated")
    return account


@transaction.atomic
def integration_account_create(*, actor: Any, name: str, scopes: list[str], purpose: str = "") -> IntegrationAccount:
    """Create an integration account for one of the council's scripts; it has no token until one is issued."""
    require(can_manage_integration_accounts(actor), INTEGRATION_REFUSED)
    name, purpose = _squash(name), str(purpose or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter a name for the integration account, like ‘Power BI refresh’"]
    elif len(name) > 100:
        errors["name"] = ["The name must be 100 characters or fewer"]
    elif IntegrationAccount.objects.filter(name__iexact=name).exists():
        errors["name"] = [f"There is already an integration account called {name}"]
    errors |= _scope_errors(scopes)
    raise_if(errors)
    user = User(
        username=_integration_username(name),
        first_name=name,
        role=roles.INTEGRATION_ROLE,
        job_role=roles.INTEGRATION_ROLE,
    )
    user.set_unusable_password()  # never signs in with a password (and the sign-in form refuses it)
    _record_as(user, actor)
    user.save()
    account = IntegrationAccount(
        user=user, name=name, purpose=purpose, scopes=sorted(set(scopes)), created_by=actor, modified_by=actor
    )
    _record_as(account, actor)
    account.save()
    _log(actor, account, "integration.created", f"Created integration account {name}", scopes=account.scopes)
    return account


@transaction.atomic
def integration_token_issue(
    *, actor: Any, account: IntegrationAccount, expires_in_days: int | None = None
) -> IssuedToken:
    """Issue a token for the account (earlier tokens keep working until revoked) and return it, shown once."""
    require(can_manage_integration_accounts(actor), INTEGRATION_REFUSED)
    raise_if(_expiry_errors(expires_in_days))
    account = _locked_active(account)
    issued = _issue(account.user, expires_in_days, prefix=INTEGRATION_TOKEN_PREFIX)
    _log(
        actor,
        account,
        "integration.token_issued",
        f"Issued token {issued.token_key}… for {account.name}",
        token=issued.token_key,
        expires_at=issued.expires_at.isoformat(),
    )
    return issued


def _token_of(account: IntegrationAccount, token_key: str) -> Any:
    token = _tokens(account.user).filter(token_key=token_key).first()
    if token is None:
        raise DomainError("This token does not exist: it may already have been revoked or have expired")
    return token


@transaction.atomic
def integration_token_rotate(
    *, actor: Any, account: IntegrationAccount, token_key: str, expires_in_days: int | None = None
) -> IssuedToken:
    """Replace one token with a new one: the old token stops working at once; the new one is shown once."""
    require(can_manage_integration_accounts(actor), INTEGRATION_REFUSED)
    raise_if(_expiry_errors(expires_in_days))
    account = _locked_active(account)
    old = _token_of(account, token_key)
    issued = _issue(account.user, expires_in_days, prefix=INTEGRATION_TOKEN_PREFIX)
    old.delete()
    _log(
        actor,
        account,
        "integration.token_rotated",
        f"Replaced token {token_key}… of {account.name} with {issued.token_key}…",
        token=issued.token_key,
        replaced=token_key,
        expires_at=issued.expires_at.isoformat(),
    )
    return issued


@transaction.atomic
def integration_token_revoke(*, actor: Any, account: IntegrationAccount, token_key: str) -> None:
    """Revoke one of the account's tokens: it stops working at once."""
    require(can_manage_integration_accounts(actor), INTEGRATION_REFUSED)
    account = IntegrationAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    _token_of(account, token_key).delete()
    _log(actor, account, "integration.token_revoked", f"Revoked token {token_key}… of {account.name}", token=token_key)


@transaction.atomic
def integration_account_deactivate(*, actor: Any, account: IntegrationAccount) -> IntegrationAccount:
    """Stop the account using the API: every token is revoked and none can be issued (its log stays)."""
    require(can_manage_integration_accounts(actor), INTEGRATION_REFUSED)
    account = _locked_active(account)
    revoked = list(_tokens(account.user).values_list("token_key", flat=True))
    _tokens(account.user).delete()
    account.is_active = False
    account.deactivated_at = clock.now()
    account.deactivated_by = actor
    account.modified_at = account.deactivated_at
    account.modified_by = actor
    account.version += 1
    _record_as(account, actor)
    account.save(
        update_fields=["is_active", "deactivated_at", "deactivated_by", "modified_at", "modified_by", "version"]
    )
    user = account.user
    user.is_active = False
    user.version += 1
    _record_as(user, actor)
    user.save(update_fields=["is_active", "version"])
    _log(actor, account, "integration.deactivated", f"Deactivated integration account {account.name}", revoked=revoked)
    return account
