"""Casework API shapes: assessments, strategy discussions, section 47 enquiries and initial conferences.

Shapes only: the rules (and their field-level messages) are the services' (casework.services.assessments).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, UserSummarySerializer, late_reason_field
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


def _date(help_text: str) -> serializers.DateField:
    """An optional effective date: null or absent means today (the response's `effective` says so)."""
    return serializers.DateField(required=False, allow_null=True, default=None, help_text=help_text)


class AssessmentStepSerializer(AssessmentSerializer):
    """An assessment after a step moved (start, child seen, submission, authorisation, return)."""

    effective = EffectiveDateSerializer(
        read_only=True,
        allow_null=True,
        help_text="The step this request moved: its stored effective date and whether it defaulted (null when a "
        "partial update moved no date).",
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "effective"]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    started_on = _date(
        "The day the assessment started; defaults to today. Not in the future, not before the child's birth, "
        "the case's opening or the CIN referral date."
    )
    late_reason = late_reason_field()


class AssessmentUpdateSerializer(serializers.Serializer):
    """A partial update: send only what changes, with the version you last read."""

    version = serializers.IntegerField()
    started_on = serializers.DateField(
        required=False,
        help_text="Correct the start date (absent: unchanged). Not after the date the child was seen; the due date "
        "follows it.",
    )
    factors = serializers.ListField(child=serializers.CharField(max_length=4), required=False, max_length=60)
    child_seen_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the child was seen for the assessment (absent: unchanged; null: not yet seen). On or "
        "after the start; not in the future.",
    )
    analysis = serializers.CharField(required=False, allow_blank=True, max_length=50000, trim_whitespace=True)
    outcome = serializers.ChoiceField(choices=Assessment.Outcome.choices, required=False, allow_blank=True)
    step_down_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=3)
    closure_reason = serializers.ChoiceField(choices=ReasonForClosure.choices, required=False, allow_blank=True)
    late_reason = late_reason_field()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class AssessmentSubmitSerializer(VersionSerializer):
    completed_on = _date(
        "The day the assessment was submitted for authorisation; defaults to today. On or after the start, the "
        "date the child was seen and the date it was last returned."
    )
    late_reason = late_reason_field()


class AssessmentAuthoriseSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    authorised_on = _date(
        "The day a manager authorised it (the CIN census AssessmentAuthorisationDate, which ends the timeliness "
        "count); defaults to today. On or after the date it was submitted."
    )
    late_reason = late_reason_field()


class AssessmentReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, max_length=5000)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    returned_on = _date(
        "The day a manager returned it to the worker (the chronology event's date); defaults to today. On or after "
        "the date it was submitted."
    )
    late_reason = late_reason_field()


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
        if hasattr(obj, "fh_s47_enquiry_id"):  # annotated by the list (one query for the page)
            enquiry = obj.fh_s47_enquiry_id
        else:
            enquiry = S47Enquiry.objects.filter(strategy_discussion=obj).values_list("pk", flat=True).first()
        return str(enquiry) if enquiry else None


class StrategyDiscussionStepSerializer(StrategyDiscussionSerializer):
    """A strategy discussion just recorded, with the effective date of the discussion."""

    effective = EffectiveDateSerializer(read_only=True, help_text="held_on as stored, and whether it defaulted.")

    class Meta(StrategyDiscussionSerializer.Meta):
        fields = [*StrategyDiscussionSerializer.Meta.fields, "effective"]
        read_only_fields = fields


class StrategyDiscussionCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    held_on = _date(
        "The day of the strategy discussion; defaults to today. Not before the referral date or the case's opening."
    )
    s47_started_on = _date(
        "When the decision is s47: the day the section 47 enquiry started; defaults to the day of the discussion "
        "(held_on). Not before the discussion. The initial conference clock runs from it."
    )
    late_reason = late_reason_field()
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


class S47StepSerializer(S47EnquirySerializer):
    """A section 47 enquiry after a step moved (conclusion, conference)."""

    effective = EffectiveDateSerializer(read_only=True, help_text="The step's stored date and whether it defaulted.")

    class Meta(S47EnquirySerializer.Meta):
        fields = [*S47EnquirySerializer.Meta.fields, "effective"]
        read_only_fields = fields


class S47ConcludeSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(choices=S47Enquiry.Outcome.choices)
    concluded_on = _date(
        "The day the enquiry concluded; defaults to today. On or after the enquiry's start and the date the child "
        "was seen."
    )
    child_seen_on = serializers.DateField(
        allow_null=True,
        help_text="The day the child was seen during the enquiry (required): on or after the enquiry's start, on or "
        "before its conclusion.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    late_reason = late_reason_field()


class ICPCSerializer(VersionSerializer):
    icpc_on = _date(
        "The day of the initial child protection conference; defaults to today. On or after the enquiry's start "
        "and its conclusion; not at a weekend."
    )
    icpc_outcome = serializers.ChoiceField(choices=S47Enquiry.ConferenceOutcome.choices)
    late_reason = late_reason_field()
