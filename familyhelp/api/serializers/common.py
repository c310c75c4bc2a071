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


LATE_REASON_HELP = (
    "Why this step is being recorded after the council's late-recording days (required then; stored in the "
    "chronology beside who recorded it and when)."
)


def late_reason_field() -> serializers.CharField:
    """The optional late-recording reason every dated step accepts."""
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=LATE_REASON_HELP
    )


class EffectiveDateSerializer(serializers.Serializer):
    """What the API did with a step's date: the stored effective date and whether it was defaulted."""

    field = serializers.CharField(read_only=True, help_text="The request field that carries the step's date.")
    value = serializers.CharField(read_only=True, help_text="The stored effective date (or date-time), ISO 8601.")
    defaulted = serializers.BooleanField(
        read_only=True, help_text="True when no date was sent and the step took today (or now)."
    )
