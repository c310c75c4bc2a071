"""Casework API shapes: visits, case notes and the casework policy (input shape only; rules are in services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import UserSummarySerializer
from familyhelp.casework.models import CaseNote, Visit
from familyhelp.casework.services import visits as services


class VisitSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    visited_on = serializers.DateField(read_only=True)
    seen = serializers.CharField(read_only=True)
    seen_label = serializers.CharField(source="get_seen_display", read_only=True)
    not_seen_reason = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    visited_by = UserSummarySerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class VisitCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    visited_on = serializers.DateField()
    seen = serializers.ChoiceField(choices=Visit.Seen.choices)
    not_seen_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when the child was not seen."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the visit is recorded more than the council's late-recording days after it.",
    )


class VisitClockSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    kind = serializers.CharField(help_text="The visiting regime: cp, lac, cin, family_support or assessment.")
    frequency_working_days = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    working_days_left = serializers.IntegerField(allow_null=True)


class CaseNoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    category = serializers.CharField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    is_management_oversight = serializers.SerializerMethodField()
    occurred_on = serializers.DateField(read_only=True)
    text = serializers.CharField(read_only=True)
    corrects = serializers.UUIDField(source="corrects_id", read_only=True, allow_null=True)
    corrected_by = serializers.SerializerMethodField()
    written_by = UserSummarySerializer(source="created_by", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_is_management_oversight(self, note: CaseNote) -> bool:
        return bool(note.category == CaseNote.Category.MANAGEMENT_OVERSIGHT)

    def get_corrected_by(self, note: CaseNote) -> list[str]:
        return [str(c.pk) for c in note.corrections.all()]


class CaseNoteCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    category = serializers.ChoiceField(
        choices=CaseNote.Category.choices,
        required=False,
        help_text="Required unless `corrects` is given (a correction keeps the category of the note it corrects). "
        "management_oversight: managers only.",
    )
    occurred_on = serializers.DateField()
    text = serializers.CharField(allow_blank=True, max_length=services.NOTE_MAX)
    corrects = serializers.UUIDField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("corrects") and not attrs.get("category"):
            raise serializers.ValidationError({"category": ["Give the kind of note"]})
        return attrs


KINDS = services.VISIT_KINDS


def _kinds_field(child: Any, help_text: str) -> serializers.DictField:
    return serializers.DictField(child=child, help_text=help_text)


class CaseworkPolicySerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    visit_working_days = serializers.SerializerMethodField()
    caseload_weights = serializers.SerializerMethodField()
    single_assessment_days = serializers.IntegerField(read_only=True)
    family_support_assessment_days = serializers.IntegerField(read_only=True)
    icpc_days = serializers.IntegerField(read_only=True)
    cp_first_review_months = serializers.IntegerField(read_only=True)
    cp_review_months = serializers.IntegerField(read_only=True)
    cin_review_months = serializers.IntegerField(read_only=True)
    family_support_review_months = serializers.IntegerField(read_only=True)
    lac_first_review_days = serializers.IntegerField(read_only=True)
    family_help_holds_cin = serializers.BooleanField(read_only=True)
    allow_self_authorisation = serializers.BooleanField(read_only=True)

    def get_visit_working_days(self, policy: Any) -> dict[str, int]:
        return {k: policy.visit_days(k) for k in KINDS}

    def get_caseload_weights(self, policy: Any) -> dict[str, float]:
        return {k: policy.weight(k) for k in KINDS}


class CaseworkPolicyUpdateSerializer(serializers.Serializer):
    """Only the settings sent are changed. Ranges are checked by the service (field-level 400s)."""

    version = serializers.IntegerField(help_text="The version you read; a stale version gets 409.")
    visit_working_days = _kinds_field(
        serializers.JSONField(), f"Working days between visits, by kind: {', '.join(KINDS)} (1 to 65)."
    )
    caseload_weights = _kinds_field(
        serializers.JSONField(), f"Caseload weight of one child, by kind: {', '.join(KINDS)} (0.1 to 10)."
    )
    single_assessment_days = serializers.JSONField(help_text="1 to 45 working days")
    family_support_assessment_days = serializers.JSONField(help_text="1 to 65 working days")
    icpc_days = serializers.JSONField(help_text="1 to 15 working days")
    cp_first_review_months = serializers.JSONField(help_text="1 to 3 months")
    cp_review_months = serializers.JSONField(help_text="1 to 6 months")
    cin_review_months = serializers.JSONField(help_text="1 to 6 months")
    family_support_review_months = serializers.JSONField(help_text="1 to 6 months")
    lac_first_review_days = serializers.JSONField(help_text="1 to 20 working days")
    family_help_holds_cin = serializers.BooleanField()
    allow_self_authorisation = serializers.BooleanField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False
