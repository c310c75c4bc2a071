"""Reads of integration accounts and their tokens, for administrators (ADR 0016)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from familyhelp.accounts.models import IntegrationAccount
from familyhelp.accounts.permissions import can_manage_integration_accounts
from familyhelp.core import clock


def _require(user: Any) -> None:
    if not can_manage_integration_accounts(user):
        raise PermissionDenied("Only administrators can manage integration accounts.")


def integration_account_list_for_user(user: Any) -> QuerySet[IntegrationAccount]:
    """Every integration account with its live token count and when it last called the API."""
    _require(user)
    from familyhelp.audit.models import AccessLog

    last_call = (
        AccessLog.objects.filter(user=OuterRef("user_id"), channel="api")
        .values("user")
        .annotate(last=Max("at"))
        .values("last")
    )
    return (
        IntegrationAccount.objects.select_related("user", "created_by", "deactivated_by")
        .prefetch_related("user__auth_token_set")
        .annotate(
            live_tokens=Count("user__auth_token_set", filter=Q(user__auth_token_set__expiry__gt=clock.now())),
            last_call_at=Subquery(last_call),
        )
        .order_by("-is_active", "name")
    )


def integration_account_get_for_user(user: Any, pk: Any) -> IntegrationAccount:
    """One integration account, annotated as in the list."""
    return integration_account_list_for_user(user).get(pk=pk)


def integration_tokens_for_user(user: Any, account: IntegrationAccount) -> list[Any]:
    """The account's tokens (knox rows: only a digest and the identifying prefix), newest first."""
    _require(user)
    from knox.models import get_token_model

    return list(get_token_model().objects.filter(user_id=account.user_id).order_by("-created"))
