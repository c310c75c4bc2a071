"""People, families, chronology: request shapes (no writes, no permission logic) and representations."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.api.serializers.common import (
    PartnerAgencySummarySerializer,
    PersonSummarySerializer,
    RelatedPersonSerializer,
    UserSummarySerializer,
)
from familyhelp.chronology.kinds import KINDS
from familyhelp.core import clock
from familyhelp.people import identifiers
from familyhelp.people.codes import Disability, Ethnicity, Sex, UPNUnknown
from familyhelp.people.models import FamilyMember, Person, PersonName, ProfessionalInvolvement, Relationship
from familyhelp.people.search import MAX_AGE


def _text(max_length: int = 200) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length)


# --- requests -------------------------------------------------------------------------------------


class PersonWriteSerializer(serializers.Serializer):
    """The fields of a person that can be entered. Identifiers and dates are checked by the service."""

    kind = serializers.ChoiceField(choices=Person.Kind.choices, required=False)
    given_names = _text()
    family_name = _text()
    preferred_name = _text()
    is_unborn = serializers.BooleanField(required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    dob_is_estimated = serializers.BooleanField(required=False)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    date_of_death = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    gender_identity = _text(100)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    first_language = _text(100)
    needs_interpreter = serializers.BooleanField(required=False)
    nhs_number = _text(20)
    upn = _text(20)
    former_upn = _text(20)
    upn_unknown_reason = serializers.ChoiceField(choices=UPNUnknown.choices, required=False, allow_blank=True)
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices),
        required=False,
        help_text="CIN census disability codes; NONE for no disability.",
    )


class PersonCreateSerializer(PersonWriteSerializer):
    pass


class PersonUpdateSerializer(PersonWriteSerializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The version of the record you read. Required: a missing or stale version gets 409.",
    )


EARLIEST_YEAR_OF_BIRTH = 1900
SEARCH_KEYS = ("given_names", "family_name", "date_of_birth", "postcode", "nhs_number", "upn")
AGE_EVIDENCE = (("age", "the age"), ("school_year", "the school year"), ("year_of_birth", "the year of birth"))


class PersonSearchSerializer(serializers.Serializer):
    """What to search for. Sent in the body so personal data stays out of URLs and server logs."""

    given_names = _text()
    family_name = _text()
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_AGE,
        help_text=f"About how old, in whole years (0 to {MAX_AGE}), when the date of birth is not known. "
        "Narrows and ranks the search; cannot be searched on alone.",
        error_messages={
            "invalid": "Enter the age as a whole number of years, like 9",
            "min_value": f"Enter an age between 0 and {MAX_AGE}",
            "max_value": f"Enter an age between 0 and {MAX_AGE}",
        },
    )
    school_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=13,
        help_text="The school year group they are in now: 0 for Reception, 1 to 13 for Year 1 to Year 13 "
        "(the academic year starts on 1 September). Cannot be searched on alone.",
        error_messages={
            "invalid": "Enter the school year as a number: 0 for Reception, 1 to 13 for Year 1 to Year 13",
            "min_value": "Enter a school year from 0 (Reception) to 13 (Year 13)",
            "max_value": "Enter a school year from 0 (Reception) to 13 (Year 13)",
        },
    )
    year_of_birth = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The year they were born (4 digits, not in the future). Cannot be searched on alone.",
        error_messages={"invalid": "Enter a year of birth as 4 digits, like 2012"},
    )
    postcode = _text(10)
    nhs_number = _text(20)
    upn = _text(20)
    purpose = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why you are searching (recorded in the access log).",
    )

    def _identifier(self, value: str, cleaner: Any) -> str:
        try:
            return str(cleaner(value))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_nhs_number(self, value: str) -> str:
        return self._identifier(value, identifiers.clean_nhs_number)

    def validate_upn(self, value: str) -> str:
        return self._identifier(value, identifiers.clean_upn)

    def validate_postcode(self, value: str) -> str:
        return self._identifier(value, identifiers.clean_postcode)

    def validate_year_of_birth(self, value: int | None) -> int | None:
        if value is None:
            return None
        if not 1000 <= value <= 9999:
            raise serializers.ValidationError("Enter a year of birth as 4 digits, like 2012")
        if value > clock.today().year:
            raise serializers.ValidationError("Year of birth must be this year or in the past")
        if value < EARLIEST_YEAR_OF_BIRTH:
            raise serializers.ValidationError(f"Year of birth must be {EARLIEST_YEAR_OF_BIRTH} or later")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if any(attrs.get(k) for k in SEARCH_KEYS):
            return attrs
        given = [label for key, label in AGE_EVIDENCE if attrs.get(key) is not None]
        if given:
            raise serializers.ValidationError(f"Enter a name, date of birth, postcode or identifier with {given[0]}")
        raise serializers.ValidationError(
            "Enter at least one of: a name, a date of birth, a postcode, an NHS number or a UPN"
        )


class NameCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PersonName.Kind.choices)
    given_names = _text()
    family_name = _text()
    start_date = serializers.DateField(required=False, allow_null=True)


class AddressCreateSerializer(serializers.Serializer):
    line_1 = serializers.CharField(allow_blank=True, max_length=200)
    line_2 = _text()
    town = _text(100)
    postcode = serializers.CharField(allow_blank=True, max_length=10)
    moved_in_on = serializers.DateField(allow_null=True)
    late_reason = _text(2000)


class RelationshipCreateSerializer(serializers.Serializer):
    related_person = serializers.UUIDField()
    type = serializers.ChoiceField(
        choices=Relationship.Type.choices,
        help_text="How this person is related to the related person (the inverse is recorded too).",
    )
    has_parental_responsibility = serializers.BooleanField(required=False, default=False)
    start_date = serializers.DateField(required=False, allow_null=True)


class InvolvementCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ProfessionalInvolvement.Role.choices)
    start_date = serializers.DateField(allow_null=True)
    worker = serializers.UUIDField(required=False, allow_null=True, help_text="A Family Help user.")
    professional_name = _text()
    agency = serializers.UUIDField(required=False, allow_null=True, help_text="A partner agency.")
    agency_name = _text()
    contact_details = _text(300)
    late_reason = _text(2000)


class GrantCreateSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="The council worker to give access to.")
    reason = serializers.CharField(allow_blank=True, max_length=5000)


class ChronologyCreateSerializer(serializers.Serializer):
    occurred_on = serializers.DateField(allow_null=True)
    occurred_time = serializers.TimeField(required=False, allow_null=True)
    summary = serializers.CharField(allow_blank=True, max_length=10000)
    late_reason = _text(2000)


class ChronologyFilterSerializer(serializers.Serializer):
    kind = serializers.ListField(child=serializers.ChoiceField(choices=sorted(KINDS)), required=False)


class FamilyMemberInputSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    role = serializers.ChoiceField(choices=FamilyMember.Role.choices)


class FamilyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200)
    members = serializers.ListField(
        child=FamilyMemberInputSerializer(),
        min_length=1,
        error_messages={"min_length": "Add at least one member of the family"},
    )


class FamilyMemberCreateSerializer(FamilyMemberInputSerializer):
    start_date = serializers.DateField(required=False, allow_null=True)


# --- representations ------------------------------------------------------------------------------


class PersonNameSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.CharField(read_only=True)
    given_names = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class AddressSerializer(serializers.Serializer):
    line_1 = serializers.CharField(read_only=True)
    line_2 = serializers.CharField(read_only=True)
    town = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    locality = serializers.CharField(source="locality.name", read_only=True, allow_null=True)


class PersonAddressSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    address = AddressSerializer(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)


class RelationshipSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    type = serializers.CharField(read_only=True)
    related_person = RelatedPersonSerializer(read_only=True)
    has_parental_responsibility = serializers.BooleanField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class FamilyMembershipSerializer(serializers.Serializer):
    """A family the person belongs to, from the person's side."""

    id = serializers.UUIDField(read_only=True)
    family_id = serializers.UUIDField(read_only=True)
    family_name = serializers.CharField(source="family.name", read_only=True)
    family_reference = serializers.CharField(source="family.reference", read_only=True)
    role = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class InvolvementSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    role = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(read_only=True)
    worker = UserSummarySerializer(read_only=True, allow_null=True)
    agency = PartnerAgencySummarySerializer(read_only=True, allow_null=True)
    contact_details = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class PersonDetailSerializer(PersonSummarySerializer):
    """A person's record as a council worker sees it."""

    preferred_name = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)
    dob_is_estimated = serializers.BooleanField(read_only=True)
    date_of_death = serializers.DateField(read_only=True, allow_null=True)
    sex = serializers.CharField(read_only=True)
    gender_identity = serializers.CharField(read_only=True)
    ethnicity = serializers.CharField(read_only=True)
    first_language = serializers.CharField(read_only=True)
    needs_interpreter = serializers.BooleanField(read_only=True)
    nhs_number = serializers.CharField(read_only=True)
    upn = serializers.CharField(read_only=True)
    former_upn = serializers.CharField(read_only=True)
    upn_unknown_reason = serializers.CharField(read_only=True)
    is_restricted = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    modified_at = serializers.DateTimeField(read_only=True)
    access_basis = serializers.CharField(
        source="fh_access_basis",
        read_only=True,
        allow_null=True,
        help_text="Why you can see this record (team, grant, break_glass…).",
    )
    disabilities = serializers.ListField(child=serializers.CharField(), source="fh_disabilities", read_only=True)
    other_names = PersonNameSerializer(many=True, source="fh_other_names", read_only=True)
    addresses = PersonAddressSerializer(many=True, source="fh_addresses", read_only=True)
    relationships = RelationshipSerializer(many=True, source="fh_relationships", read_only=True)
    families = FamilyMembershipSerializer(many=True, source="fh_families", read_only=True)
    involvements = InvolvementSerializer(many=True, source="fh_involvements", read_only=True)


class ReferralSerializer(serializers.Serializer):
    """Something a partner user referred about a person."""

    id = serializers.UUIDField(read_only=True)
    start_date = serializers.DateField(read_only=True, help_text="When they referred.")
    end_date = serializers.DateField(read_only=True, allow_null=True)
    contact_details = serializers.CharField(read_only=True)


class PartnerPersonSerializer(serializers.Serializer):
    """What a partner agency user sees: who the child is and what they referred, not the full record."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    given_names = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    referrals = ReferralSerializer(many=True, source="fh_referrals", read_only=True)


class PersonRestrictionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    is_restricted = serializers.BooleanField(read_only=True)
    restricted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SearchResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    restricted = serializers.BooleanField(
        read_only=True,
        help_text="The record is restricted and you have no access: only its reference is shown.",
    )
    score = serializers.FloatField(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    person = PersonSummarySerializer(read_only=True, allow_null=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True, help_text="How many people are in `results`.")
    total = serializers.IntegerField(
        read_only=True, help_text="How many people matched in all (more than `count` when some are not shown)."
    )
    more = serializers.IntegerField(read_only=True, help_text="How many matched but are not shown (`total - count`).")
    needs_narrowing = serializers.BooleanField(
        read_only=True,
        help_text="True when the search should be narrowed: add a date of birth, age, school year or postcode.",
    )
    results = SearchResultSerializer(many=True, read_only=True)


class ChronologyEventSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    occurred_time = serializers.TimeField(read_only=True, allow_null=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    recorded_by = UserSummarySerializer(read_only=True, allow_null=True)
    late_reason = serializers.CharField(read_only=True)
    from_merged_record = serializers.CharField(
        source="from_reference",
        read_only=True,
        default="",
        help_text="The reference of the duplicate record merged into this one that the event came from ('' if none).",
    )


class BreakGlassSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class GrantSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    person = serializers.UUIDField(source="person_id", read_only=True)
    user = UserSummarySerializer(read_only=True)
    reason = serializers.CharField(read_only=True)
    granted_at = serializers.DateTimeField(read_only=True)
    granted_by = UserSummarySerializer(read_only=True)


class FamilyMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    person = RelatedPersonSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class FamilySerializer(serializers.Serializer):
    """A family with the members you may see."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    members = FamilyMemberSerializer(many=True, source="fh_members", read_only=True)


# --- the council's own nicknames --------------------------------------------------------------------


class NameVariantCreateSerializer(serializers.Serializer):
    """A nickname pair to add. The service folds, orders and checks it (400 with field messages)."""

    name = serializers.CharField(
        max_length=60,
        help_text="A given name as people write it, like Robert.",
        error_messages={"required": "Enter the name", "blank": "Enter the name"},
    )
    variant = serializers.CharField(
        max_length=60,
        help_text="Another form of it: a nickname or the formal name.",
        error_messages={"required": "Enter the other form of the name", "blank": "Enter the other form of the name"},
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Why it was added.")


class NameVariantSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    variant = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    search_name = serializers.CharField(read_only=True, help_text="The name as search compares it (folded).")
    search_variant = serializers.CharField(read_only=True, help_text="The other form as search compares it.")
    created_at = serializers.DateTimeField(read_only=True)
    created_by = UserSummarySerializer(read_only=True, allow_null=True)
