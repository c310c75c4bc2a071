"""The access log: filters and rows (read-only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.audit.models import AccessLog


class AccessLogFilterSerializer(serializers.Serializer):
    user = serializers.UUIDField(required=False, help_text="Only rows by this user.")
    person = serializers.UUIDField(required=False, help_text="Only rows about this person's record.")
    action = serializers.ChoiceField(choices=AccessLog.Action.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="On or after this date (inclusive).")
    date_to = serializers.DateField(required=False, help_text="On or before this date (inclusive).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": ["The end date must be on or after the start date"]})
        return attrs


class AccessLogSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    user = serializers.UUIDField(source="user_id", read_only=True, allow_null=True)
    user_name = serializers.CharField(source="user.__str__", read_only=True, allow_null=True)
    action = serializers.CharField(read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True, allow_null=True)
    object_type = serializers.CharField(read_only=True)
    object_id = serializers.CharField(read_only=True)
    basis = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    criteria = serializers.JSONField(read_only=True)
    result_count = serializers.IntegerField(read_only=True, allow_null=True)
    view_name = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    ip_address = serializers.CharField(read_only=True)
    user_agent = serializers.CharField(read_only=True)
