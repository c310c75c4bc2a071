"""Casework API shapes: cases, the duty bank, allocation, step up / step down, sibling groups, closure, trays.

Input serializers check shapes only; the services check the rules and answer with field-level messages under
the same names. Restricted children's names are never put in a list: "Restricted record" instead.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, late_reason_field
from familyhelp.casework.models import Allocation, Case, CINEpisode, LevelChange


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": str(user.pk), "name": str(user), "role": user.role}


_CHILD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "reference": {"type": "string"},
        "name": {"type": "string"},
        "is_restricted": {"type": "boolean"},
    },
}
_USER_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "role": {"type": "string"}},
}


@extend_schema_field(_CHILD_SCHEMA)
class _ChildField(serializers.Field):
    def __init__(self, **kwargs: Any):
        kwargs["read_only"] = True
        kwargs["source"] = "person"
        super().__init__(**kwargs)

    def to_representation(self, person: Any) -> dict[str, Any]:
        return {
            "id": str(person.pk),
            "reference": person.reference,
            "name": "Restricted record" if person.is_restricted else person.full_name,
            "is_restricted": person.is_restricted,
        }


@extend_schema_field(_USER_SCHEMA)
class _UserField(serializers.Field):
    def __init__(self, **kwargs: Any):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> dict[str, Any] | None:
        return _user(user)

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, self.source or self.field_name or "", None)


class CaseSummarySerializer(serializers.ModelSerializer):
    child = _ChildField()
    team = serializers.CharField(source="team.name", default=None, read_only=True)
    worker = _UserField()
    supervisor = _UserField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "child",
            "level",
            "status",
            "opened_on",
            "team",
            "worker",
            "supervisor",
            "allocated_on",
            "sibling_group",
            "closed_on",
            "version",
        ]


class CINEpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CINEpisode
        fields = ["id", "referral_date", "referral_source", "primary_need", "route", "closed_on", "closure_reason"]


class AllocationSerializer(serializers.ModelSerializer):
    worker = _UserField()
    allocated_by = _UserField()
    team = serializers.CharField(source="team.name", default=None, read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "worker", "role", "team", "started_on", "ended_on", "reason", "end_reason", "allocated_by"]


class LevelChangeSerializer(serializers.ModelSerializer):
    requested_by = _UserField()
    authorised_by = _UserField()

    class Meta:
        model = LevelChange
        fields = ["id", "from_level", "to_level", "direction", "changed_on", "reason", "requested_by", "authorised_by"]


class CaseDetailSerializer(CaseSummarySerializer):
    cin_episodes = CINEpisodeSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)
    level_changes = LevelChangeSerializer(many=True, read_only=True)
    siblings = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "closure_reason",
            "step_down_to",
            "closing_summary",
            "cin_episodes",
            "allocations",
            "level_changes",
            "siblings",
        ]

    def get_siblings(self, case: Case) -> list[dict[str, Any]]:
        from familyhelp.casework.trays import sibling_cases

        return [
            {"id": str(c.pk), "reference": c.reference, "level": c.level, "status": c.status}
            for c in sibling_cases(case)
        ]


class CaseStepResultSerializer(CaseDetailSerializer):
    """The case after a dated step (allocation, reallocation, step up, step down, closure), with the step's
    stored effective date and whether it was defaulted to today."""

    effective = EffectiveDateSerializer(
        read_only=True,
        help_text="The step this request moved: the field that carries its date, the stored date and whether it "
        "defaulted to today.",
    )

    class Meta(CaseDetailSerializer.Meta):
        fields = [*CaseDetailSerializer.Meta.fields, "effective"]


class DutyBankRowSerializer(serializers.Serializer):
    case = CaseSummarySerializer()
    age_working_days = serializers.IntegerField(source="age")
    locality = serializers.CharField(source="locality.name", default=None)
    deciding_team = serializers.CharField(source="deciding_team.name", default=None)


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(help_text="The case's version you started from (409 if it has changed).")


ALLOCATED_ON_HELP = (
    "The date of allocation; null or absent means today. Not in the future, not before the child's birth, on or "
    "after the case opened (a reallocation: on or after the allocations it ends started). Older than the "
    "council's late-recording days needs late_reason."
)
CHANGED_ON_HELP = (
    "The date of the step up or step down (LevelChange.changed_on); null or absent means today. Not in the "
    "future, inside the case (on or after it opened and its last change of level); a step down that closes the "
    "episode or the case is also on or after every assessment authorisation, section 47 conclusion and plan end "
    "it closes over. Everything the step starts or ends carries this date. Older than the council's "
    "late-recording days needs late_reason."
)
CLOSED_ON_HELP = (
    "The date the case closes; null or absent means today. Not in the future, on or after the case opened, its "
    "last change of level, the CIN episode's referral, every assessment's authorisation date, strategy "
    "discussion, section 47 conclusion and conference, and every plan's start, last review and end (the message "
    "names the step and its date). Older than the council's late-recording days "
    "needs late_reason."
)


def _effective_date(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, default=None, help_text=help_text)


class AllocateSerializer(_Versioned):
    worker = serializers.UUIDField(allow_null=True)
    supervisor = serializers.UUIDField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    include_siblings = serializers.BooleanField(required=False, default=False)
    allocated_on = _effective_date(ALLOCATED_ON_HELP)
    late_reason = late_reason_field()


class ReallocateSerializer(_Versioned):
    worker = serializers.UUIDField(allow_null=True)
    supervisor = serializers.UUIDField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(allow_blank=True, max_length=500)
    allocated_on = _effective_date(ALLOCATED_ON_HELP)
    late_reason = late_reason_field()


class StepUpSerializer(_Versioned):
    requested_by = serializers.UUIDField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changed_on = _effective_date(CHANGED_ON_HELP)
    late_reason = late_reason_field()
    referral_source = serializers.CharField(allow_blank=True, max_length=3)
    primary_need = serializers.CharField(allow_blank=True, max_length=2)
    route = serializers.CharField(required=False, max_length=3, default=CINEpisode.Route.SINGLE_ASSESSMENT)
    supervisor = serializers.UUIDField(required=False, allow_null=True, default=None)


class StepDownSerializer(_Versioned):
    to_level = serializers.IntegerField()
    requested_by = serializers.UUIDField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changed_on = _effective_date(CHANGED_ON_HELP)
    closure_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    closing_summary = serializers.CharField(required=False, allow_blank=True, default="")
    late_reason = late_reason_field()


class CloseSerializer(_Versioned):
    closure_reason = serializers.CharField(allow_blank=True, max_length=200)
    step_down_to = serializers.CharField(allow_blank=True, max_length=30)
    closing_summary = serializers.CharField(allow_blank=True)
    closed_on = _effective_date(CLOSED_ON_HELP)
    late_reason = late_reason_field()


class LinkSiblingsSerializer(_Versioned):
    cases = serializers.ListField(child=serializers.UUIDField(), max_length=20)


class ClockSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    working_days_left = serializers.IntegerField()


class TrayCaseSerializer(serializers.Serializer):
    case = CaseSummarySerializer()
    role = serializers.CharField()
    plan_kinds = serializers.ListField(child=serializers.CharField())
    breached = serializers.BooleanField()
    clocks = ClockSerializer(many=True)


class TrayActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    case = serializers.UUIDField(source="plan.case_id")
    case_reference = serializers.CharField(source="plan.case.reference")
    due_on = serializers.DateField()
    status = serializers.CharField()


class MyWorkSerializer(serializers.Serializer):
    cases = TrayCaseSerializer(many=True)
    actions = TrayActionSerializer(many=True)
    breaches = serializers.IntegerField()


class TeamWorkerSerializer(serializers.Serializer):
    worker = serializers.SerializerMethodField()
    children = serializers.IntegerField(source="caseload.children")
    weighted = serializers.FloatField(source="caseload.weighted")
    supervising = serializers.IntegerField(source="caseload.supervising")

    def get_worker(self, row: Any) -> dict[str, Any] | None:
        return _user(row.worker)


class TeamBreachSerializer(serializers.Serializer):
    case = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()

    def get_case(self, pair: Any) -> dict[str, Any]:
        return dict(CaseSummarySerializer(pair[0]).data)

    def get_clock(self, pair: Any) -> dict[str, Any]:
        return dict(ClockSerializer(pair[1]).data)


class TeamTraySerializer(serializers.Serializer):
    team = serializers.CharField(source="team.name", default=None)
    workers = TeamWorkerSerializer(many=True)
    unallocated = serializers.SerializerMethodField()
    breaches = TeamBreachSerializer(many=True)

    def get_unallocated(self, tray: Any) -> dict[str, Any]:
        oldest = tray.duty_bank["oldest"]
        return {
            "count": tray.duty_bank["count"],
            "level_3": tray.duty_bank["level_3"],
            "level_4": tray.duty_bank["level_4"],
            "oldest_case": oldest.case.reference if oldest else None,
            "oldest_age_working_days": oldest.age if oldest else None,
        }
