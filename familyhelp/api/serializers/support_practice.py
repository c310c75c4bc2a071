"""Practice tools API shapes: instrument versions (read) and completions with their inputs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, UserSummarySerializer, late_reason_field
from familyhelp.practice.models import Completion, Instrument


class InstrumentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    version_number = serializers.IntegerField(read_only=True)
    in_force_from = serializers.DateField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    definition = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, obj: Instrument) -> dict[str, Any]:
        return dict(obj.definition)


class CompletionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True, allow_null=True)
    family = serializers.UUIDField(
        source="family_id",
        read_only=True,
        allow_null=True,
        help_text="Set when completed for the whole family (filed under `person`).",
    )
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices, read_only=True)
    instrument = serializers.UUIDField(source="instrument_id", read_only=True)
    instrument_version = serializers.IntegerField(source="instrument.version_number", read_only=True)
    completed_on = serializers.DateField(read_only=True)
    purpose = serializers.ChoiceField(choices=Completion.Purpose.choices, read_only=True)
    review_of = serializers.UUIDField(source="review_of_id", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Completion.Status.choices, read_only=True)
    answers = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    risk_level = serializers.CharField(read_only=True, help_text="Exploitation screening only: no, low, medium, high")
    summary = serializers.CharField(read_only=True)
    completed_by = UserSummarySerializer(read_only=True)
    finalised_at = serializers.DateTimeField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_answers(self, obj: Completion) -> dict[str, Any]:
        return dict(obj.answers)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_result(self, obj: Completion) -> dict[str, Any]:
        return dict(obj.result)


class CompletionCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices)
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date the tool was completed (ISO 8601). Defaults to today. Not in the future nor before the "
        "child's birth; on or after the completion it reviews; the version of the tool in force that day is used. "
        "More than the council's late-recording days ago needs late_reason when finalised.",
    )
    review_of = serializers.UUIDField(required=False, allow_null=True, default=None)
    family = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Complete it for the whole family: a family the child belongs to now (GCP2 and Signs of Safety "
        "mapping only). Filed under the child and shown with every child of the family.",
    )
    answers = serializers.JSONField(
        help_text="Shaped by the instrument version's definition: exploitation screening "
        '{"present": [codes], "other_detail", "notes"}; GCP2 {"grades": {area: 1-5}, "evidence": {area: text}, '
        '"notes"}; Signs of Safety {section: text, "danger_statements": [..], "safety_goals": [..], '
        '"scaling": [{"name", "role", "score" 0-10}]}'
    )
    finalise = serializers.BooleanField(required=False, default=False, help_text="Finalise at once")
    late_reason = late_reason_field()


class FamilyCompletionsSerializer(serializers.Serializer):
    hidden = serializers.IntegerField(help_text="Completions filed under children you may not see: counted only.")
    results = CompletionSerializer(many=True)


class CompletionFinaliseSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    late_reason = late_reason_field()


class CompletionRecordedSerializer(CompletionSerializer):
    """A completion after it was recorded or finalised, with its stored effective date."""

    effective = EffectiveDateSerializer(
        read_only=True,
        help_text="The completion's stored date (completed_on) and whether it was defaulted to today (on finalise: "
        "the draft's date, never defaulted).",
    )
