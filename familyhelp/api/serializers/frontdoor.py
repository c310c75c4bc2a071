"""Front-door API shapes: contacts, checks, decisions, partner referrals, threshold documents, directory."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import EffectiveDateSerializer, late_reason_field
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor.models import (
    CheckType,
    Contact,
    ContactPerson,
    PartnerCheck,
    ThresholdDecision,
    ThresholdDocument,
    ThresholdLevel,
)
from familyhelp.frontdoor.services import ChildAsGiven
from familyhelp.people.codes import AssessmentFactor, PrimaryNeed, ReferralSource


class ChildAsGivenSerializer(serializers.Serializer):
    given_names = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")
    school = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def to_child(self, data: dict[str, Any]) -> ChildAsGiven:
        return ChildAsGiven(**data)


class _ConcernsSerializer(serializers.Serializer):
    children = ChildAsGivenSerializer(many=True, help_text="One contact is created per child, linked as siblings.")
    concerns = serializers.CharField(allow_blank=True)
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=AssessmentFactor.choices), required=False, default=list
    )
    consent = serializers.ChoiceField(choices=Contact.Consent.choices)
    lawful_basis = serializers.CharField(required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Contact.Urgency.choices, default=Contact.Urgency.ROUTINE)
    others_concerned = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_children(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError("Name at least one child")
        if len(value) > 12:
            raise serializers.ValidationError("At most 12 children on one contact")
        return value


def _when(help_text: str) -> serializers.DateTimeField:
    """An optional effective date-time of a front-door step (the front-door clock runs in hours)."""
    return serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=help_text)


def _day(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, default=None, help_text=help_text)


class ContactCreateSerializer(_ConcernsSerializer):
    kind = serializers.ChoiceField(choices=Contact.Kind.choices, default=Contact.Kind.CONTACT)
    received_at = _when(
        "When the contact arrived (ISO 8601 date-time). Defaults to now. Not in the future, not before a "
        "child's date of birth as given; older than the council's late-recording days needs late_reason. "
        "Starts the decision clock."
    )
    late_reason = late_reason_field()
    referral_source = serializers.ChoiceField(choices=ReferralSource.choices)
    referrer_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    referrer_role = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    referrer_agency_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    referrer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    referrer_phone = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")


class ReferralCreateSerializer(_ConcernsSerializer):
    referrer_role = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PartnerCheckSerializer(serializers.ModelSerializer):
    check_type = serializers.CharField(source="check_type.name")

    class Meta:
        model = PartnerCheck
        fields = [
            "id",
            "check_type",
            "status",
            "required",
            "is_screening",
            "requested_at",
            "due_at",
            "information",
            "rag",
            "provided_by_name",
            "returned_at",
            "requested_late_reason",
            "returned_late_reason",
            "version",
        ]


class ContactPersonSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id")
    reference = serializers.CharField(source="person.reference")

    class Meta:
        model = ContactPerson
        fields = ["person", "reference", "relationship"]


class DecisionSerializer(serializers.ModelSerializer):
    threshold_document_version = serializers.IntegerField(source="threshold_document.number")
    proposed_by: serializers.StringRelatedField = serializers.StringRelatedField()
    authorised_by: serializers.StringRelatedField = serializers.StringRelatedField()
    local_service: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = ThresholdDecision
        fields = [
            "id",
            "status",
            "level",
            "outcome",
            "rationale",
            "primary_need",
            "local_service",
            "feedback_to_referrer",
            "threshold_document_version",
            "proposed_by",
            "proposed_at",
            "authorised_by",
            "authorised_at",
            "returned_at",
            "proposed_late_reason",
            "authorised_late_reason",
            "returned_late_reason",
            "manager_comment",
            "checks_override_reason",
            "version",
        ]


class _Moved(serializers.Serializer):
    """A response that moved a step says which date it stored and whether it took the default."""

    effective = EffectiveDateSerializer(
        source="fh_effective", read_only=True, help_text="The step's stored effective date and whether it defaulted."
    )


class CheckRequestedSerializer(PartnerCheckSerializer, _Moved):
    class Meta(PartnerCheckSerializer.Meta):
        fields = [*PartnerCheckSerializer.Meta.fields, "effective"]


class DecisionMovedSerializer(DecisionSerializer, _Moved):
    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "effective"]


class OpenedCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    level = serializers.IntegerField(read_only=True)
    opened_on = serializers.DateField(read_only=True, help_text="The case's opening date.")


class OpenedEpisodeSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    referral_date = serializers.DateField(read_only=True, help_text="The CIN referral date.")


class DecisionAuthorisedSerializer(DecisionMovedSerializer):
    """The authorised decision, the case it opened or stepped up and the CIN episode it opened (or null)."""

    case = OpenedCaseSerializer(
        source="fh_case", read_only=True, allow_null=True, help_text="The case opened or stepped up (null: none)."
    )
    cin_episode = OpenedEpisodeSerializer(
        source="fh_cin_episode", read_only=True, allow_null=True, help_text="The CIN episode opened (null: none)."
    )

    class Meta(DecisionMovedSerializer.Meta):
        fields = [*DecisionMovedSerializer.Meta.fields, "case", "cin_episode"]


class ContactSummarySerializer(serializers.ModelSerializer):
    child = serializers.UUIDField(source="child_id", allow_null=True)
    child_reference = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "received_at",
            "decision_due_at",
            "decided_at",
            "urgency",
            "referral_source",
            "child",
            "child_reference",
            "is_rereferral",
            "version",
        ]

    def get_child_reference(self, obj: Contact) -> str | None:
        return obj.child.reference if obj.child else None


class ContactDetailSerializer(ContactSummarySerializer):
    checks = PartnerCheckSerializer(many=True, read_only=True)
    people = ContactPersonSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    siblings = serializers.SerializerMethodField()

    class Meta(ContactSummarySerializer.Meta):
        fields = [
            *ContactSummarySerializer.Meta.fields,
            "via",
            "sibling_group",
            "siblings",
            "child_given_names",
            "child_family_name",
            "child_date_of_birth",
            "child_address",
            "child_postcode",
            "child_school",
            "others_concerned",
            "referrer_name",
            "referrer_role",
            "referrer_agency_name",
            "referrer_email",
            "referrer_phone",
            "concerns",
            "factors",
            "consent",
            "lawful_basis",
            "previous_referral_date",
            "outcome_shared_at",
            "received_late_reason",
            "checks",
            "people",
            "decisions",
        ]

    def get_siblings(self, obj: Contact) -> list[str]:
        return [c.reference for c in Contact.objects.filter(sibling_group=obj.sibling_group).exclude(pk=obj.pk)]


class ContactRecordedSerializer(ContactSummarySerializer, _Moved):
    class Meta(ContactSummarySerializer.Meta):
        fields = [*ContactSummarySerializer.Meta.fields, "effective"]


class PartnerReferralSerializer(serializers.ModelSerializer):
    """What a referring partner sees: what they sent and, once decided, the outcome."""

    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "reference",
            "received_at",
            "decision_due_at",
            "child_given_names",
            "child_family_name",
            "child_date_of_birth",
            "concerns",
            "factors",
            "consent",
            "urgency",
            "outcome",
        ]

    def get_outcome(self, obj: Contact) -> dict[str, Any] | None:
        decision = getattr(obj, "fh_outcome", None)
        if decision is None:
            return None
        return {
            "outcome": decision.outcome,
            "outcome_label": decision.get_outcome_display(),
            "decided_at": decision.authorised_at,
            "service": decision.local_service.name if decision.local_service else None,
            "message": decision.feedback_to_referrer,
        }


class IdentifySerializer(serializers.Serializer):
    person = serializers.UUIDField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AddPersonSerializer(IdentifySerializer):
    relationship = serializers.CharField(max_length=100, allow_blank=True)


class SiblingSerializer(ChildAsGivenSerializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class CheckRequestSerializer(serializers.Serializer):
    check_types = serializers.ListField(child=serializers.CharField(), help_text="Check type names, e.g. Police")
    wait_for = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Which of them the decision waits for (default: the usual ones)",
    )
    requested_at = _when(
        "When the checks were requested (ISO 8601 date-time). Defaults to now. On or after the contact was "
        "received; each check is due that many office hours later. Older than the late-recording days needs "
        "late_reason."
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class CheckResponseSerializer(serializers.Serializer):
    information = serializers.CharField(allow_blank=True)
    rag = serializers.ChoiceField(choices=PartnerCheck.Rag.choices)
    provided_by_name = serializers.CharField(allow_blank=True, max_length=200)
    returned_at = _when(
        "When the agency answered (ISO 8601 date-time). Defaults to now. On or after the check was requested; "
        "older than the late-recording days needs late_reason."
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField()


class DecisionProposeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ThresholdLevel.Level.choices)
    outcome = serializers.ChoiceField(choices=ThresholdDecision.Outcome.choices)
    rationale = serializers.CharField(allow_blank=True)
    primary_need = serializers.ChoiceField(choices=PrimaryNeed.choices, required=False, allow_blank=True, default="")
    local_service = serializers.PrimaryKeyRelatedField(
        queryset=LocalService.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    feedback_to_referrer = serializers.CharField(required=False, allow_blank=True, default="")
    checks_override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    proposed_at = _when(
        "When the decision was proposed (ISO 8601 date-time). Defaults to now. On or after the contact was "
        "received; the threshold document in force that day is recorded. Older than the late-recording days "
        "needs late_reason."
    )
    late_reason = late_reason_field()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AuthoriseSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    checks_override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    authorised_at = _when(
        "When the decision was authorised (ISO 8601 date-time). Defaults to now. On or after it was proposed; "
        "becomes the contact's decided_at. Older than the late-recording days needs late_reason."
    )
    case_opened_on = _day(
        "Only for a decision that opens or steps up a case (family support, single assessment, strategy "
        "discussion): the case's opening (or step-up) date. Defaults to the day authorised; not before it."
    )
    referral_date = _day(
        "Only for a referral to social care: the CIN episode's referral date. Defaults to the day the contact "
        "was received; between that day and the day authorised."
    )
    late_reason = late_reason_field()


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True)
    returned_at = _when(
        "When the proposal was returned (ISO 8601 date-time). Defaults to now. On or after it was proposed; "
        "older than the late-recording days needs late_reason."
    )
    late_reason = late_reason_field()


class ThresholdLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThresholdLevel
        fields = ["level", "name", "descriptor", "examples"]


class ThresholdDocumentSerializer(serializers.ModelSerializer):
    levels = ThresholdLevelSerializer(many=True, read_only=True)

    class Meta:
        model = ThresholdDocument
        fields = ["id", "number", "title", "summary", "status", "in_force_from", "published_at", "levels"]


class CheckTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckType
        fields = [
            "id",
            "name",
            "agency_kind",
            "due_hours",
            "requested_by_default",
            "required_by_default",
            "screens_exploitation",
            "is_active",
        ]


class LocalServiceSerializer(serializers.ModelSerializer):
    locality: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = LocalService
        fields = ["id", "name", "kind", "offer", "eligibility", "locality", "phone", "email", "website", "is_active"]
