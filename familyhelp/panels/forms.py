"""Panel forms: shapes only. The rules and their messages come from panels.services."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.panels.models import PanelAttendance, PanelDecision, PanelKind, PanelRequest, SupportOption


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Which panel", choices=PanelKind.choices, widget=forms.RadioSelect, required=False)
    sits_on = GovDateField(label="Date of the panel", required=False)
    chair = forms.ChoiceField(label="Chair", required=False)
    location = forms.CharField(label="Where it meets", required=False, max_length=200)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        chair: Any = self.fields["chair"]
        chair.choices = [("", "Choose the chair"), *[(pk, str(m)) for pk, m in self.members.items()]]


class AttendanceForm(forms.Form):
    user = forms.ChoiceField(label="Panel member", required=False)
    name = forms.CharField(
        label="Or the name of someone from outside",
        required=False,
        max_length=200,
        help_text="For example, the registered manager of the short break centre",
    )
    role = forms.CharField(label="Role at the panel", required=False, max_length=200)
    attendance = forms.ChoiceField(
        label="Attendance", choices=PanelAttendance.Attendance.choices, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        user: Any = self.fields["user"]
        user.choices = [("", "Someone from outside"), *[(pk, str(m)) for pk, m in self.members.items()]]


class RequestForm(forms.Form):
    """A request to a panel. The options explored (and the child's referrals) matter for admission to care."""

    requested_on = GovDateField(label="Date of the request", required=False, help_text="Leave empty for today")
    ask = forms.ChoiceField(
        label="What are you asking the panel for?",
        choices=PanelRequest.Ask.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Admission to care goes to the admission-to-care panel; everything else to the weekly resource panel",
    )
    detail = forms.CharField(
        label="What exactly",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="For example, two nights a week for six weeks",
    )
    reason = forms.CharField(label="Why the family needs it", widget=forms.Textarea, required=False, max_length=10000)
    urgency = forms.ChoiceField(
        label="How urgent",
        choices=PanelRequest.Urgency.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=PanelRequest.Urgency.ROUTINE,
    )
    estimated_cost = forms.DecimalField(
        label="Estimated cost in pounds",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Needed for therapeutic support",
        error_messages={"invalid": "Enter the cost as a number of pounds, like 1250 or 1250.50"},
    )
    retrospective = forms.BooleanField(
        label="The support was put in place in a crisis out of hours: the panel approves it retrospectively",
        required=False,
    )
    actioned_on = GovDateField(label="Date the support was put in place", required=False)
    options_explored = forms.MultipleChoiceField(
        label="Support options explored",
        choices=SupportOption.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For admission to care: select each option tried, and say below what happened",
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, referrals: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for value, label in SupportOption.choices:
            self.fields[f"what_happened_{value}"] = forms.CharField(
                label=f"What happened: {str(label).lower()}", widget=forms.Textarea, required=False, max_length=5000
            )
        self.referrals = {str(r.pk): r for r in referrals}
        if referrals:
            self.fields["explored_referrals"] = forms.MultipleChoiceField(
                label="The child's specialist service referrals that were tried",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (pk, f"{r.service}: referred {r.requested_on:%-d %B %Y} ({r.get_status_display().lower()})")
                    for pk, r in self.referrals.items()
                ],
            )

    def main_fields(self) -> list[Any]:
        return [
            self[n]
            for n in (
                "requested_on",
                "ask",
                "detail",
                "reason",
                "urgency",
                "estimated_cost",
                "retrospective",
                "actioned_on",
            )
        ]

    def what_happened_fields(self) -> list[Any]:
        return [self[f"what_happened_{v}"] for v in SupportOption.values]

    def options(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [(o, d.get(f"what_happened_{o}", "")) for o in d.get("options_explored") or []]


class DecisionForm(VersionForm):
    decided_on = GovDateField(
        label="Date of the decision", required=False, help_text="Leave empty for the date the panel sat"
    )
    outcome = forms.ChoiceField(
        label="The panel's decision", choices=PanelDecision.Outcome.choices, widget=forms.RadioSelect, required=False
    )
    conditions = forms.CharField(
        label="Conditions (if approved)", widget=forms.Textarea, required=False, max_length=5000
    )
    review_on = GovDateField(label="Review date (if approved)", required=False)
    notes = forms.CharField(
        label="Reasons",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Why the panel declined or deferred the request, and what it needs next time",
    )
    late_reason = late_reason_field()


class WithdrawForm(VersionForm):
    reason = forms.CharField(label="Why withdraw the request", widget=forms.Textarea, required=False, max_length=5000)
    withdrawn_on = GovDateField(label="Date of the withdrawal", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field()
