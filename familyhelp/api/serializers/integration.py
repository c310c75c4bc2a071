"""Integration accounts and their tokens (administrators only; ADR 0016)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from familyhelp.accounts import roles
from familyhelp.core import clock


class IntegrationTokenSerializer(serializers.Serializer):
    """A stored token: only its identifying start is kept (the rest is a digest)."""

    token_key = serializers.CharField(read_only=True, help_text="The start of the token, which identifies it.")
    created_at = serializers.DateTimeField(source="created", read_only=True)
    expires_at = serializers.DateTimeField(source="expiry", read_only=True, allow_null=True)
    expired = serializers.SerializerMethodField()

    def get_expired(self, token: Any) -> bool:
        return bool(token.expiry is not None and token.expiry <= clock.now())


class IntegrationAccountSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    purpose = serializers.CharField(read_only=True)
    scopes = serializers.ListField(child=serializers.CharField(), read_only=True)
    verbs = serializers.SerializerMethodField(help_text="The API verbs its scopes allow.")
    username = serializers.CharField(source="user.username", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)
    deactivated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_call_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)
    tokens = IntegrationTokenSerializer(source="user.auth_token_set.all", many=True, read_only=True)

    def get_verbs(self, account: Any) -> list[str]:
        return sorted(roles.scope_verbs(account.scopes))


class IntegrationAccountCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=roles.IntegrationScope.choices),
        allow_empty=True,
        help_text="Named scopes: read-performance (aggregates only), read-returns, import.",
    )


class IntegrationTokenIssueSerializer(serializers.Serializer):
    expires_in_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=f"Days until the token expires; defaults to {settings.FAMILYHELP_API_TOKEN_DAYS} "
        f"(at most {settings.FAMILYHELP_API_TOKEN_MAX_DAYS}).",
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", read_only=True, help_text="Shown once: store it securely.")
    token_key = serializers.CharField(read_only=True, help_text="The start of the token, which identifies it.")
    expires_at = serializers.DateTimeField(read_only=True)
