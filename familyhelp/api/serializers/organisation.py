"""The council's structure and its workers: request shapes and representations."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from familyhelp.accounts.models import User
from familyhelp.accounts.roles import Role, Scope
from familyhelp.api.serializers.common import (
    LocalitySummarySerializer,
    PartnerAgencySummarySerializer,
    TeamSummarySerializer,
    UserSummarySerializer,
)
from familyhelp.organisation.models import Locality, PartnerAgency, School, Team

VERSION_HELP = "The version you read. Required: a missing or stale version is refused with 409."


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text=VERSION_HELP)


def _ref(model: Any, message: str, **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=model._default_manager.all(),
        error_messages={"does_not_exist": message, "incorrect_type": message},
        **kwargs,
    )


# --- local authority ------------------------------------------------------------------------------


class LocalAuthoritySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    la_code = serializers.CharField(read_only=True)
    child_population = serializers.IntegerField(read_only=True)
    child_population_year = serializers.IntegerField(read_only=True, allow_null=True)
    late_recording_days = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class LocalAuthorityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    la_code = serializers.CharField(required=False, allow_blank=True, max_length=3)
    child_population = serializers.IntegerField(required=False, min_value=0)
    child_population_year = serializers.IntegerField(required=False, allow_null=True)
    late_recording_days = serializers.IntegerField(required=False, min_value=0)
    version = _version()


# --- localities -----------------------------------------------------------------------------------


class LocalitySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    postcode_districts = serializers.CharField(read_only=True)
    team_count = serializers.IntegerField(read_only=True)
    school_count = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class LocalityCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=100)
    postcode_districts = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Outward codes separated by spaces: B90 B91",
    )


class LocalityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    postcode_districts = serializers.CharField(required=False, allow_blank=True, max_length=300)
    version = _version()


# --- teams ----------------------------------------------------------------------------------------


class TeamSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    service = serializers.CharField(read_only=True)
    locality = LocalitySummarySerializer(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)
    member_count = serializers.IntegerField(read_only=True, help_text="Active members.")
    version = serializers.IntegerField(read_only=True)


class TeamCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=150)
    kind = serializers.ChoiceField(choices=Team.Kind.choices)
    locality = _ref(Locality, "Choose a locality from the list", required=False, allow_null=True)


class TeamUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    kind = serializers.ChoiceField(choices=Team.Kind.choices, required=False)
    locality = _ref(Locality, "Choose a locality from the list", required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    version = _version()


# --- workers --------------------------------------------------------------------------------------


class WorkerSerializer(serializers.Serializer):
    """A council worker as colleagues see them (no sign-in details)."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    job_role = serializers.CharField(read_only=True)
    team = TeamSummarySerializer(read_only=True, allow_null=True)
    employment = serializers.CharField(read_only=True)
    fte = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    swe_number = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    caseload = serializers.IntegerField(read_only=True, help_text="Children on their own caseload today.")


# --- schools and partner agencies -----------------------------------------------------------------


class SchoolSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    urn = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    phase = serializers.CharField(read_only=True)
    locality = LocalitySummarySerializer(read_only=True)
    postcode = serializers.CharField(read_only=True)
    dsl_name = serializers.CharField(read_only=True)
    dsl_email = serializers.CharField(read_only=True)
    named_contact = UserSummarySerializer(read_only=True, allow_null=True)
    partner_agency = PartnerAgencySummarySerializer(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)


class SchoolCreateSerializer(serializers.Serializer):
    urn = serializers.CharField(allow_blank=True, max_length=10)
    name = serializers.CharField(allow_blank=True, max_length=200)
    phase = serializers.ChoiceField(choices=School.Phase.choices)
    locality = _ref(Locality, "Choose a locality from the list", allow_null=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    dsl_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    dsl_email = serializers.EmailField(required=False, allow_blank=True)
    named_contact = _ref(User, "Choose a council worker from the list", required=False, allow_null=True)


class SchoolUpdateSerializer(serializers.Serializer):
    urn = serializers.CharField(required=False, allow_blank=True, max_length=10)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phase = serializers.ChoiceField(choices=School.Phase.choices, required=False)
    locality = _ref(Locality, "Choose a locality from the list", required=False, allow_null=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    dsl_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    dsl_email = serializers.EmailField(required=False, allow_blank=True)
    named_contact = _ref(User, "Choose a council worker from the list", required=False, allow_null=True)
    partner_agency = _ref(PartnerAgency, "Choose a partner agency from the list", required=False, allow_null=True)
    version = _version()


class PartnerAgencySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    user_count = serializers.IntegerField(read_only=True, help_text="Active user accounts.")
    version = serializers.IntegerField(read_only=True)


class PartnerAgencyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=PartnerAgency.Kind.choices)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class PartnerAgencyUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=PartnerAgency.Kind.choices, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    is_active = serializers.BooleanField(required=False)
    version = _version()


# --- user accounts (administrators) -----------------------------------------------------------------


class UserAccountSerializer(WorkerSerializer):
    """A user account as administrators see it: no password or two-factor secrets."""

    username = serializers.CharField(read_only=True)
    partner_agency = PartnerAgencySummarySerializer(read_only=True, allow_null=True)
    scope = serializers.CharField(read_only=True, help_text="The record scope in force.")
    scope_override = serializers.CharField(read_only=True)
    last_login = serializers.DateTimeField(read_only=True, allow_null=True)
    date_joined = serializers.DateTimeField(read_only=True)
    has_second_factor = serializers.BooleanField(read_only=True)
    has_api_token = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(allow_blank=True, max_length=150)
    first_name = serializers.CharField(allow_blank=True, max_length=150)
    last_name = serializers.CharField(allow_blank=True, max_length=150)
    email = serializers.EmailField(allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    job_role = serializers.ChoiceField(choices=User.JobRole.choices)
    team = _ref(Team, "Choose a team from the list", required=False, allow_null=True)
    partner_agency = _ref(PartnerAgency, "Choose a partner agency from the list", required=False, allow_null=True)
    swe_number = serializers.CharField(required=False, allow_blank=True, max_length=12)
    employment = serializers.ChoiceField(choices=User.Employment.choices, required=False)
    fte = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    password = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Leave out to create an account that cannot sign in until a password is set.",
    )


class UserUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    job_role = serializers.ChoiceField(choices=User.JobRole.choices, required=False)
    team = _ref(Team, "Choose a team from the list", required=False, allow_null=True)
    partner_agency = _ref(PartnerAgency, "Choose a partner agency from the list", required=False, allow_null=True)
    swe_number = serializers.CharField(required=False, allow_blank=True, max_length=12)
    employment = serializers.ChoiceField(choices=User.Employment.choices, required=False)
    fte = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    scope_override = serializers.ChoiceField(choices=Scope.choices, required=False, allow_blank=True)
    version = _version()


class ApiTokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Shown once: store it securely.")


# --- me -------------------------------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(read_only=True)
    scope = serializers.CharField(read_only=True)
    verbs = serializers.ListField(child=serializers.CharField(), read_only=True)
    team = TeamSummarySerializer(read_only=True, allow_null=True)
    partner_agency = PartnerAgencySummarySerializer(read_only=True, allow_null=True)
