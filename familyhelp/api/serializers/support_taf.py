"""Team around the family API shapes: members, meetings, actions, and the partner's view of their actions."""

from __future__ import annotations

from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, late_reason_field
from familyhelp.core import clock
from familyhelp.taf.models import TafAction, TafMember

EFFECTIVE_HELP = "The step's stored effective date and whether it was defaulted to today (no date sent)."


# --- output ------------------------------------------------------------------------------------------------
class TafMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    agency = serializers.CharField(read_only=True)
    agency_name = serializers.CharField(read_only=True)
    partner_agency = serializers.UUIDField(source="partner_agency_id", read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    consent = serializers.CharField(read_only=True)
    consent_date = serializers.DateField(read_only=True, allow_null=True)
    joined_on = serializers.DateField(read_only=True)
    left_on = serializers.DateField(read_only=True, allow_null=True)
    left_reason = serializers.CharField(read_only=True)
    user = serializers.UUIDField(source="user_id", read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)


class TafMeetingSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    held_on = serializers.DateField(read_only=True)
    attendees = serializers.SerializerMethodField()
    other_attendees = serializers.CharField(read_only=True)
    decisions = serializers.CharField(read_only=True)
    next_meeting_on = serializers.DateField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)

    def get_attendees(self, obj: object) -> list[str]:
        return [str(m.pk) for m in obj.attendees.all()]  # type: ignore[attr-defined]


class TafOwnerSerializer(serializers.Serializer):
    """An action's owner as everyone on the team sees them: no contact details."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    agency = serializers.CharField(read_only=True)


class TafActionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    meeting = serializers.UUIDField(source="meeting_id", read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True)
    owner = TafOwnerSerializer(read_only=True)
    due_on = serializers.DateField(read_only=True)
    status = serializers.CharField(read_only=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    signpost_to = serializers.UUIDField(source="signpost_to_id", read_only=True, allow_null=True)
    signpost_name = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)

    def get_is_overdue(self, obj: TafAction) -> bool:
        return obj.is_overdue(clock.today())

    def get_signpost_name(self, obj: TafAction) -> str:
        return obj.signpost_to.name if obj.signpost_to_id and obj.signpost_to else ""


# --- input -------------------------------------------------------------------------------------------------
class TafMemberInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    name = serializers.CharField(allow_blank=True, max_length=200)
    role = serializers.CharField(allow_blank=True, max_length=200)
    agency_name = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    partner_agency = serializers.UUIDField(required=False, allow_null=True, default=None)
    email = serializers.CharField(allow_blank=True, required=False, default="", max_length=254)
    phone = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)
    consent = serializers.ChoiceField(
        choices=TafMember.Consent.choices, required=False, default=TafMember.Consent.NOT_ASKED
    )
    consent_date = serializers.DateField(required=False, allow_null=True, default=None)
    joined_on = serializers.DateField()
    user = serializers.UUIDField(required=False, allow_null=True, default=None)


class TafMemberUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200, required=False)
    role = serializers.CharField(allow_blank=True, max_length=200, required=False)
    agency_name = serializers.CharField(allow_blank=True, required=False, max_length=200)
    partner_agency = serializers.UUIDField(required=False, allow_null=True)
    email = serializers.CharField(allow_blank=True, required=False, max_length=254)
    phone = serializers.CharField(allow_blank=True, required=False, max_length=40)
    consent = serializers.ChoiceField(choices=TafMember.Consent.choices, required=False)
    consent_date = serializers.DateField(required=False, allow_null=True)
    user = serializers.UUIDField(required=False, allow_null=True)
    version = serializers.IntegerField()


class TafMemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=500)
    version = serializers.IntegerField()


class TafMeetingInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    held_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date the meeting was held (ISO 8601). Defaults to today. On or after the case opened; not in "
        "the future; more than the council's late-recording days ago needs late_reason.",
    )
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    other_attendees = serializers.CharField(allow_blank=True, required=False, default="")
    decisions = serializers.CharField(allow_blank=True)
    next_meeting_on = serializers.DateField(required=False, allow_null=True, default=None)
    late_reason = late_reason_field()


class TafMeetingRecordedSerializer(TafMeetingSerializer):
    """A meeting just recorded, with its stored effective date."""

    effective = EffectiveDateSerializer(read_only=True, help_text=EFFECTIVE_HELP)


class TafMeetingUpdateSerializer(serializers.Serializer):
    held_on = serializers.DateField(required=False)
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False)
    other_attendees = serializers.CharField(allow_blank=True, required=False)
    decisions = serializers.CharField(allow_blank=True, required=False)
    next_meeting_on = serializers.DateField(required=False, allow_null=True)
    late_reason = serializers.CharField(allow_blank=True, required=False)
    version = serializers.IntegerField()


class TafActionInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    text = serializers.CharField(allow_blank=True)
    owner = serializers.UUIDField()
    due_on = serializers.DateField()
    meeting = serializers.UUIDField(required=False, allow_null=True, default=None)
    signpost_to = serializers.UUIDField(required=False, allow_null=True, default=None)


class TafActionUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False)
    owner = serializers.UUIDField(required=False)
    due_on = serializers.DateField(required=False)
    meeting = serializers.UUIDField(required=False, allow_null=True)
    signpost_to = serializers.UUIDField(required=False, allow_null=True)
    version = serializers.IntegerField()


class TafActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TafAction.Status.choices)
    done_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Done only: the date it was done (ISO 8601). Defaults to today. On or after the day the action "
        "was agreed; not in the future; more than the council's late-recording days ago needs late_reason.",
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField()


class TafActionMovedSerializer(TafActionSerializer):
    """An action after its status moved; `effective` (the stored done_on) when it was marked done."""

    effective = EffectiveDateSerializer(read_only=True, required=False, help_text=EFFECTIVE_HELP)
