"""Forms for the council's organisation and user accounts (shape only; services apply the rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from familyhelp.accounts.models import User
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team


class GovModelForm(forms.ModelForm):
    """A model form with GOV.UK-style required messages and a hidden version for concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "").lower()
            verb = "Choose" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
            field.error_messages["required"] = f"{verb} {label}"
        if self.instance._state.adding:
            self.fields.pop("is_active", None)  # new records are open; the field is for closing one
        if not self.instance._state.adding and "version" in self.fields:
            self.fields["version"].initial = getattr(self.instance, "version", None)

    def validate_unique(self) -> None:
        """Uniqueness is checked by the services, with messages that name the clash."""


class LocalAuthorityForm(GovModelForm):
    class Meta:
        model = LocalAuthority
        fields = ["name", "la_code", "child_population", "child_population_year", "late_recording_days"]


class LocalityForm(GovModelForm):
    class Meta:
        model = Locality
        fields = ["name", "postcode_districts"]


class TeamForm(GovModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "locality", "is_active"]


class SchoolForm(GovModelForm):
    class Meta:
        model = School
        fields = [
            "urn",
            "name",
            "phase",
            "locality",
            "postcode",
            "dsl_name",
            "dsl_email",
            "named_contact",
            "partner_agency",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        contact = self.fields["named_contact"]
        assert isinstance(contact, forms.ModelChoiceField)
        contact.queryset = User.objects.filter(is_active=True).exclude(role__in=["partner", "integration"])


class PartnerAgencyForm(GovModelForm):
    class Meta:
        model = PartnerAgency
        fields = ["name", "kind", "email", "phone", "is_active"]


class UserAccountForm(GovModelForm):
    password = forms.CharField(
        label="Temporary password",
        required=False,
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Leave blank to set one later.",
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "scope_override",
            "job_role",
            "team",
            "partner_agency",
            "swe_number",
            "employment",
            "fte",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields.pop("username")
            self.fields.pop("password")
        self.fields["email"].required = True
        for name in ("role", "job_role"):  # integration accounts have their own page (ADR 0016)
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            choices = cast(list[tuple[str, str]], field.choices)
            field.choices = [(value, label) for value, label in choices if value != "integration"]
