"""Panels API shapes: sittings with their agenda and attendance, requests with options and decisions; inputs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, UserSummarySerializer, late_reason_field
from familyhelp.panels.models import PanelAttendance, PanelDecision, PanelKind, PanelRequest, SupportOption


# --- output -------------------------------------------------------------------------------------------
class PanelDecisionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    panel = serializers.UUIDField(source="panel_id", read_only=True)
    outcome = serializers.ChoiceField(choices=PanelDecision.Outcome.choices, read_only=True)
    conditions = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    review_on = serializers.DateField(read_only=True, allow_null=True)
    decided_by = UserSummarySerializer(read_only=True)
    decided_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the panel decided: the day it decided (the start of that day, local time, unless recorded "
        "the same day). Not when the decision was typed.",
    )


class OptionExploredSerializer(serializers.Serializer):
    option = serializers.ChoiceField(choices=SupportOption.choices)
    what_happened = serializers.CharField(allow_blank=True, max_length=5000)


class PanelRequestSerializer(serializers.Serializer):
    """A request in full (for those who may see it)."""

    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    panel_kind = serializers.ChoiceField(choices=PanelKind.choices, read_only=True)
    ask = serializers.ChoiceField(choices=PanelRequest.Ask.choices, read_only=True)
    detail = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    urgency = serializers.ChoiceField(choices=PanelRequest.Urgency.choices, read_only=True)
    estimated_cost = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)
    retrospective = serializers.BooleanField(read_only=True)
    actioned_on = serializers.DateField(read_only=True, allow_null=True)
    requested_by = UserSummarySerializer(read_only=True)
    requested_on = serializers.DateField(read_only=True)
    status = serializers.ChoiceField(choices=PanelRequest.Status.choices, read_only=True)
    panel = serializers.UUIDField(source="panel_id", read_only=True, allow_null=True)
    conditions = serializers.CharField(read_only=True)
    decision_notes = serializers.CharField(read_only=True)
    review_on = serializers.DateField(read_only=True, allow_null=True)
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_reason = serializers.CharField(read_only=True)
    options_explored = OptionExploredSerializer(many=True, read_only=True)
    explored_referrals = serializers.SerializerMethodField()
    decisions = PanelDecisionSerializer(many=True, read_only=True)
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_explored_referrals(self, obj: PanelRequest) -> list[str]:
        return [str(r.pk) for r in obj.explored_referrals.all()]


class AgendaItemSerializer(serializers.Serializer):
    """An agenda item. `reason` and `person` are empty for panel managers who do not sit on panels."""

    id = serializers.UUIDField(read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    person = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    ask = serializers.ChoiceField(choices=PanelRequest.Ask.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=PanelRequest.Urgency.choices, read_only=True)
    retrospective = serializers.BooleanField(read_only=True)
    requested_on = serializers.DateField(read_only=True)
    status = serializers.ChoiceField(choices=PanelRequest.Status.choices, read_only=True)
    decisions = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(PanelDecisionSerializer(many=True))
    def get_decisions(self, obj: PanelRequest) -> list[dict[str, Any]]:
        """Without the child's detail (administrators), the outcome and review date only: notes name families."""
        rows = PanelDecisionSerializer(obj.decisions.all(), many=True, context=self.context).data
        if getattr(obj, "show_detail", False):
            return list(rows)
        return [{**row, "conditions": "", "notes": ""} for row in rows]

    def get_person(self, obj: PanelRequest) -> str | None:
        return str(obj.person_id) if getattr(obj, "show_detail", False) else None

    def get_reason(self, obj: PanelRequest) -> str:
        return obj.reason if getattr(obj, "show_detail", False) else ""


class AttendanceSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    user = UserSummarySerializer(read_only=True, allow_null=True)
    name = serializers.CharField(source="display_name", read_only=True)
    role = serializers.CharField(read_only=True)
    attendance = serializers.ChoiceField(choices=PanelAttendance.Attendance.choices, read_only=True)


class PanelSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=PanelKind.choices, read_only=True)
    sits_on = serializers.DateField(read_only=True)
    chair = UserSummarySerializer(read_only=True)
    location = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    held_at = serializers.DateTimeField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)


class PanelDetailSerializer(PanelSerializer):
    agenda = serializers.SerializerMethodField()
    attendance = AttendanceSerializer(many=True, read_only=True)

    def get_agenda(self, obj: Any) -> list[dict[str, Any]]:
        return AgendaItemSerializer(self.context.get("agenda", []), many=True).data  # type: ignore[return-value]


# --- input --------------------------------------------------------------------------------------------
class ScheduleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PanelKind.choices)
    sits_on = serializers.DateField()
    chair = serializers.UUIDField()
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AttendanceInputSerializer(serializers.Serializer):
    user = serializers.UUIDField(required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    role = serializers.CharField(max_length=200)
    attendance = serializers.ChoiceField(choices=PanelAttendance.Attendance.choices)


class RequestInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    ask = serializers.ChoiceField(choices=PanelRequest.Ask.choices)
    reason = serializers.CharField(allow_blank=True, max_length=10000)
    detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    urgency = serializers.ChoiceField(choices=PanelRequest.Urgency.choices, default=PanelRequest.Urgency.ROUTINE)
    estimated_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    retrospective = serializers.BooleanField(required=False, default=False)
    actioned_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Retrospective requests only: the date the support was put in place (no default; required then).",
    )
    options_explored = OptionExploredSerializer(many=True, required=False, default=list)
    explored_referrals = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    requested_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date the request was made (ISO 8601). Defaults to today. On or after the case opened; not in "
        "the future; more than the council's late-recording days ago needs late_reason.",
    )
    late_reason = late_reason_field()


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PanelDecision.Outcome.choices)
    conditions = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    review_on = serializers.DateField(required=False, allow_null=True, default=None)
    decided_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the panel decided (ISO 8601). Defaults to the date the panel sat, as the clerk records it "
        "from the minutes. On or after the sitting and the request; not in the future; more than the council's "
        "late-recording days ago needs late_reason. Stored as decided_at.",
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField(help_text="The request's version you started from (409 if it has changed).")


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    withdrawn_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date the request was withdrawn (ISO 8601). Defaults to today. On or after the request; not in "
        "the future; more than the council's late-recording days ago needs late_reason. Stored as withdrawn_at.",
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField(help_text="The request's version you started from (409 if it has changed).")


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you started from (409 if it has changed).")


class PanelRequestMovedSerializer(PanelRequestSerializer):
    """The request after a step moved it, with the step's stored effective date."""

    effective = EffectiveDateSerializer(
        read_only=True, help_text="The step's stored effective date and whether it was defaulted (no date sent)."
    )
