"""Casework API shapes: assessments, strategy discussions, section 47 enquiries and initial conferences.

Shapes only: the rules (and their field-level messages) are the services' (casework.services.assessments).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import UserSummarySerializer
from familyhelp.casework import clocks
from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.services import assessments as services
from familyhelp.core import clock
from familyhelp.people.codes import ReasonForClosure


class ClockSerializer(serializers.Serializer):
    """A running clock: its due date, working days left (negative when breached) and whether it is overdue."""

    due_on = serializers.DateField(read_only=True)
    working_days_left = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)


def _clock(due_on: Any, running: bool) -> dict[str, Any] | None:
    if not running:
        return None
    c = clocks.Clock("", due_on, clock.today())
    return {"due_on": c.due_on, "working_days_left": c.working_days_left, "overdue": c.overdue}


class AssessmentSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    cin_episode = serializers.UUIDField(source="cin_episode_id", read_only=True, allow_null=True)
    submitted_by = UserSummarySerializer(read_only=True, allow_null=True)
    authorised_by = UserSummarySerializer(read_only=True, allow_null=True)
    clock = serializers.SerializerMethodField(help_text="The running clock (null once authorised).")
    in_time = serializers.SerializerMethodField(
        help_text="Authorised within the working-day limit of its start (null until authorised)."
    )

    class Meta:
        model = Assessment
        fields = [
            "id", "case", "case_reference", "person", "cin_episode", "kind", "status", "started_on", "due_on",
            "clock", "child_seen_on", "factors", "analysis", "outcome", "step_down_to", "closure_reason",
            "completed_on", "submitted_by", "return_comment", "authorised_on", "authorised_by", "in_time", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_clock(self, obj: Assessment) -> dict[str, Any] | None:
        return _clock(obj.due_on, obj.status != Assessment.Status.AUTHORISED)

    def get_in_time(self, obj: Assessment) -> bool | None:
        return services.assessment_in_time(obj)


class AssessmentCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    started_on = serializers.DateField()


class AssessmentUpdateSerializer(serializers.Serializer):
    """A partial update: send only what changes, with the version you last read."""

    version = serializers.IntegerField()
    factors = serializers.ListField(child=serializers.CharField(max_length=4), required=False, max_length=60)
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    analysis = serializers.CharField(required=False, allow_blank=True, max_length=50000, trim_whitespace=True)
    outcome = serializers.ChoiceField(choices=Assessment.Outcome.choices, required=False, allow_blank=True)
    step_down_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=3)
    closure_reason = serializers.ChoiceField(choices=ReasonForClosure.choices, required=False, allow_blank=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class AssessmentAuthoriseSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AssessmentReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, max_length=5000)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class StrategyDiscussionSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    cin_episode = serializers.UUIDField(source="cin_episode_id", read_only=True)
    s47_enquiry = serializers.SerializerMethodField()

    class Meta:
        model = StrategyDiscussion
        fields = ["id", "case", "person", "cin_episode", "held_on", "agencies", "decision", "notes", "s47_enquiry",
                  "version"]  # fmt: skip
        read_only_fields = fields

    def get_s47_enquiry(self, obj: StrategyDiscussion) -> str | None:
        enquiry = S47Enquiry.objects.filter(strategy_discussion=obj).values_list("pk", flat=True).first()
        return str(enquiry) if enquiry else None


class StrategyDiscussionCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    held_on = serializers.DateField()
    agencies = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=20,
        help_text=f"Names from: {', '.join(services.AGENCIES)}. The police must take part.",
    )
    decision = serializers.ChoiceField(choices=StrategyDiscussion.Decision.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")


class S47EnquirySerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    cin_episode = serializers.UUIDField(source="cin_episode_id", read_only=True)
    strategy_discussion = serializers.UUIDField(source="strategy_discussion_id", read_only=True)
    icpc_clock = serializers.SerializerMethodField(help_text="The initial conference clock while it runs.")
    icpc_in_time = serializers.SerializerMethodField()

    class Meta:
        model = S47Enquiry
        fields = [
            "id", "case", "person", "cin_episode", "strategy_discussion", "started_on", "icpc_due_on", "icpc_clock",
            "child_seen_on", "concluded_on", "outcome", "icpc_on", "icpc_outcome", "icpc_in_time", "notes", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_icpc_clock(self, obj: S47Enquiry) -> dict[str, Any] | None:
        running = obj.icpc_on is None and (obj.concluded_on is None or obj.outcome == S47Enquiry.Outcome.ICPC)
        return _clock(obj.icpc_due_on, running)

    def get_icpc_in_time(self, obj: S47Enquiry) -> bool | None:
        return services.icpc_in_time(obj)


class S47ConcludeSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(choices=S47Enquiry.Outcome.choices)
    concluded_on = serializers.DateField()
    child_seen_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")


class ICPCSerializer(VersionSerializer):
    icpc_on = serializers.DateField()
    icpc_outcome = serializers.ChoiceField(choices=S47Enquiry.ConferenceOutcome.choices)
