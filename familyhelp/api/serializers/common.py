"""Small summaries nested in other representations."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class TeamSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    service = serializers.CharField(read_only=True)


class LocalitySummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class PartnerAgencySummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class PersonSummarySerializer(serializers.Serializer):
    """Enough to recognise a person: reference, names and date of birth."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    given_names = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    is_unborn = serializers.BooleanField(read_only=True)
    expected_date_of_birth = serializers.DateField(read_only=True, allow_null=True)


class RelatedPersonSerializer(PersonSummarySerializer):
    """Another person shown beside a record: a restricted one is shown by reference only."""

    is_restricted = serializers.BooleanField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if getattr(instance, "is_restricted", False):
            for key in ("given_names", "family_name", "date_of_birth", "expected_date_of_birth"):
                data[key] = None if "date" in key else ""
        return data


class ReasonSerializer(serializers.Serializer):
    """A request body that is only a reason (restrict, unrestrict, break glass)."""

    reason = serializers.CharField(allow_blank=True, max_length=5000, trim_whitespace=True)
