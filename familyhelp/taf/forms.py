"""Team around the family forms: shapes only. The rules and their messages come from familyhelp.taf.services."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.accounts.models import User
from familyhelp.accounts.roles import Role
from familyhelp.directory.models import LocalService
from familyhelp.frontend.forms import GovDateField
from familyhelp.organisation.models import PartnerAgency
from familyhelp.taf.models import TafAction, TafMeeting, TafMember


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _services() -> Any:
    return LocalService.objects.filter(is_active=True).select_related("locality").order_by("name")


class _ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        area = obj.locality.name if obj.locality_id else "whole council area"
        return f"{obj.name} ({obj.get_kind_display().lower()}, {area})"


class MemberForm(_Versioned):
    name = forms.CharField(label="Name", required=False)
    role = forms.CharField(
        label="Role",
        required=False,
        help_text="For example school nurse, probation officer, substance misuse worker, housing officer",
    )
    partner_agency = forms.ModelChoiceField(
        label="Partner agency",
        required=False,
        empty_label="Not a partner agency on record",
        queryset=PartnerAgency.objects.filter(is_active=True).order_by("name"),
    )
    agency_name = forms.CharField(label="Agency (if not on record)", required=False)
    email = forms.CharField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False)
    consent = forms.ChoiceField(
        label="Has the family consented to sharing information with them?",
        choices=TafMember.Consent.choices,
        widget=forms.RadioSelect,
        initial=TafMember.Consent.NOT_ASKED,
    )
    consent_date = GovDateField(
        label="Date of the consent decision",
        required=False,
        help_text="Leave empty if not asked yet. For example, 27 3 2025",
    )
    user = forms.ModelChoiceField(
        label="Partner user account",
        required=False,
        empty_label="No account: they do not sign in",
        queryset=User.objects.filter(role=Role.PARTNER, is_active=True).order_by("last_name", "first_name"),
        help_text="Link their account so they can sign in and see the plan and update their own actions",
    )
    joined_on = GovDateField(label="Date they joined the team", required=False)

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["joined_on"]

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MemberLeaveForm(_Versioned):
    left_on = GovDateField(label="Date they left the team", required=False)
    reason = forms.CharField(label="Why they left (optional)", required=False, widget=forms.Textarea)


class MeetingForm(_Versioned):
    held_on = GovDateField(label="Date of the meeting", required=False)
    attendees = forms.ModelMultipleChoiceField(
        label="Members who attended",
        required=False,
        queryset=TafMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label="Others who attended",
        required=False,
        widget=forms.Textarea,
        help_text="For example the parents, or someone invited for this meeting",
    )
    decisions = forms.CharField(label="What the meeting decided", required=False, widget=forms.Textarea)
    next_meeting_on = GovDateField(label="Date of the next meeting (optional)", required=False)
    late_reason = forms.CharField(
        label="Why is this being recorded late? (only if it is)", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members


class ActionForm(_Versioned):
    text = forms.CharField(label="What needs to happen", required=False, widget=forms.Textarea)
    owner = forms.ModelChoiceField(
        label="Who will do it", required=False, queryset=TafMember.objects.none(), empty_label="Choose a member"
    )
    due_on = GovDateField(label="Due date", required=False)
    meeting = forms.ModelChoiceField(
        label="Agreed at the meeting (optional)",
        required=False,
        queryset=TafMeeting.objects.none(),
        empty_label="Not at a meeting",
    )
    signpost_to = _ServiceChoice(
        label="Signpost to a local service (optional)",
        required=False,
        queryset=LocalService.objects.none(),
        empty_label="No service",
        help_text="From the directory of local services",
    )

    def __init__(self, *args: Any, members: Any, meetings: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["signpost_to"].queryset = _services()  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda m: f"{m.name} ({m.role}, {m.agency})"  # type: ignore[attr-defined]
        self.fields["meeting"].label_from_instance = lambda m: f"{m.held_on:%-d %B %Y}"  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ActionStatusForm(_Versioned):
    status = forms.ChoiceField(label="Status", choices=TafAction.Status.choices, widget=forms.RadioSelect)
    done_on = GovDateField(
        label="Date it was done (if done)", required=False, help_text="Leave empty for today. For example, 27 3 2025"
    )
    late_reason = forms.CharField(
        label="Why is this being recorded late? (only if it is)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SignpostForm(_Versioned):
    local_service = _ServiceChoice(
        label="Signpost to",
        required=False,
        queryset=LocalService.objects.none(),
        empty_label="No service",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["local_service"].queryset = _services()  # type: ignore[attr-defined]
