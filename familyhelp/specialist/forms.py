"""Forms of the specialist pages. They check shapes only; the services check the rules and give the messages
under the same field names, so the GOV.UK error summary links to the right field."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.organisation.models import Team
from familyhelp.specialist.models import Service, ServiceContact, ServiceReferral, ShortBreakAdmission


def _with_blank(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(label)) for v, label in choices]]




class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ServiceForm(VersionForm):
    """Add or change a service of the catalogue."""

    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Enter the name of the service"})
    kind = forms.ChoiceField(
        label="Kind of service",
        choices=_with_blank(Service.Kind.choices, "Select the kind of service"),
        error_messages={"required": "Select the kind of service"},
    )
    description = forms.CharField(label="What the service offers", widget=forms.Textarea, required=False)
    eligibility = forms.CharField(label="Who is eligible", widget=forms.Textarea, required=False)
    min_age = forms.IntegerField(label="Youngest age (years)", required=False, min_value=0, max_value=30)
    max_age = forms.IntegerField(
        label="Oldest age (years)",
        required=False,
        min_value=0,
        max_value=30,
        help_text="For example, 25 for the exploitation and missing team",
    )
    max_duration_weeks = forms.IntegerField(
        label="Longest piece of work (weeks)",
        required=False,
        min_value=1,
        max_value=520,
        help_text="For example, 12 for intensive family support",
    )
    capacity = forms.IntegerField(
        label="Capacity",
        required=False,
        min_value=0,
        max_value=10_000,
        help_text="Children at a time, or beds. Leave empty for no fixed capacity",
    )
    capacity_unit = forms.ChoiceField(
        label="Capacity is counted in", choices=Service.CapacityUnit.choices, widget=forms.RadioSelect
    )
    holds_cases = forms.BooleanField(label="The service holds cases", required=False)
    spot_purchase = forms.BooleanField(label="Spot purchased from a provider", required=False)
    team = forms.ModelChoiceField(
        label="Coordinating team",
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="No coordinating team",
    )
    is_active = forms.BooleanField(label="Takes referrals", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", "The oldest age must be the same as or more than the youngest age")
        return data


class ReferralForm(forms.Form):
    """Refer the child on a case to a service."""

    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        empty_label="Select a service",
        error_messages={"required": "Select the service"},
    )
    reason = forms.CharField(
        label="Why the child and family need this service",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the referral"},
    )
    requested_on = GovDateField(
        label="Date of the referral", required=False, help_text="Leave empty for today. For example, 27 3 2025"
    )
    late_reason = late_reason_field()


class DecideForm(VersionForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to accept or decline the referral"},
    )
    decline_reason = forms.CharField(label="Reason for declining", widget=forms.Textarea, required=False)
    decided_on = GovDateField(label="Date of the decision", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()


class StartForm(VersionForm):
    started_on = GovDateField(label="Start date", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()


class EndForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ServiceReferral.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_notes = forms.CharField(label="Notes on the outcome", widget=forms.Textarea, required=False)
    ended_on = GovDateField(label="End date", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label="Why the referral is withdrawn",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the referral is withdrawn"},
    )
    withdrawn_on = GovDateField(label="Date of the withdrawal", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()


class DetailsForm(VersionForm):
    provider = forms.CharField(label="Provider", max_length=200, required=False)
    cost = forms.DecimalField(label="Cost (£)", required=False, min_value=0, max_digits=10, decimal_places=2)
    fgc_plan_agreed_on = GovDateField(label="Date the family plan was agreed", required=False)
    fgc_plan = forms.CharField(label="The family plan", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, service: Service, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not service.spot_purchase:
            del self.fields["provider"], self.fields["cost"]
        if service.kind != Service.Kind.FGC:
            del self.fields["fgc_plan_agreed_on"], self.fields["fgc_plan"]


class ContactForm(forms.Form):
    date = GovDateField(label="Date of the session or contact", required=False, help_text="Leave empty for today")
    kind = forms.ChoiceField(
        label="Kind",
        choices=ServiceContact.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of contact"},
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    late_reason = late_reason_field()


class AdmissionForm(forms.Form):
    admitted_on = GovDateField(label="Date of admission", required=False, help_text="Leave empty for today")
    kind = forms.ChoiceField(
        label="Kind of admission",
        choices=ShortBreakAdmission.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of admission"},
    )
    left_on = GovDateField(label="Date the child left", required=False, help_text="Leave empty if still staying")
    late_reason = late_reason_field()


class LeaveForm(VersionForm):
    left_on = GovDateField(label="Date the child left", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()
