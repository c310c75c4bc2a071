"""Forms for assessments, strategy discussions, section 47 enquiries and initial conferences.

Forms check shapes only; the services (casework.services.assessments) check the rules and give the messages.
"""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.services.assessments import AGENCIES, OUTCOMES_FOR_KIND, STEP_DOWN_LEVELS
from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.people.codes import AssessmentFactor, ReasonForClosure


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssessmentStartForm(forms.Form):
    started_on = GovDateField(
        label="Start date",
        required=False,
        help_text="The day the assessment started. For example, 27 3 2025. If left empty, today.",
    )
    late_reason = late_reason_field()


class AssessmentForm(_Versioned):
    """The worker's assessment: factors, when the child was seen, the analysis and the proposed outcome."""

    field_order = [
        "version", "started_on", "child_seen_on", "factors", "analysis", "outcome", "step_down_to",
        "closure_reason", "completed_on", "late_reason",
    ]  # fmt: skip

    started_on = GovDateField(label="Start date", required=False, help_text="Change it only if it is wrong.")

    factors = forms.MultipleChoiceField(
        label="Factors identified at assessment",
        required=False,
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the children in need census list. If there are none, choose 'No factors identified'.",
    )
    child_seen_on = GovDateField(label="Date the child was seen", required=False)
    analysis = forms.CharField(
        label="Analysis", required=False, widget=forms.Textarea, help_text="What the assessment found, and why."
    )
    outcome = forms.ChoiceField(label="Outcome", required=False, widget=forms.RadioSelect, choices=[])
    step_down_to = forms.TypedChoiceField(
        label="Level the case steps down to", required=False, coerce=int, empty_value=None, choices=[]
    )
    closure_reason = forms.ChoiceField(
        label="Reason the child in need episode closes",
        required=False,
        choices=[("", "Choose a reason"), *ReasonForClosure.choices],
        help_text="For a step down or closure. If left empty: RC8 for a closure, RC9 for a step down.",
    )
    completed_on = GovDateField(
        label="Date submitted for authorisation",
        required=False,
        help_text="Used when you submit. For example, 27 3 2025. If left empty, today.",
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        allowed = OUTCOMES_FOR_KIND[kind]
        outcome_field = self.fields["outcome"]
        assert isinstance(outcome_field, forms.ChoiceField)
        outcome_field.choices = [(v, lbl) for v, lbl in Assessment.Outcome.choices if v in allowed]
        levels = STEP_DOWN_LEVELS[kind]
        step_field = self.fields["step_down_to"]
        assert isinstance(step_field, forms.ChoiceField)
        step_field.choices = [("", "Choose a level"), *[(str(k), v) for k, v in levels.items()]]
        if kind != Assessment.Kind.SINGLE:
            del self.fields["closure_reason"]
            self.fields["child_seen_on"].help_text = "If the child has been seen. For example, 27 3 2025"

    def service_values(self) -> dict[str, Any]:
        """The values for assessment_update (an empty start date leaves the start as it is)."""
        d = self.cleaned_data
        values = {
            "factors": list(d.get("factors") or []),
            "child_seen_on": d.get("child_seen_on"),
            "analysis": d.get("analysis", ""),
            "outcome": d.get("outcome", ""),
            "step_down_to": d.get("step_down_to"),
            "closure_reason": d.get("closure_reason", ""),
            "late_reason": d.get("late_reason") or "",
        }
        if d.get("started_on") is not None:
            values["started_on"] = d["started_on"]
        return values


class AssessmentAuthoriseForm(_Versioned):
    decided_on = GovDateField(
        label="Date of your decision",
        required=False,
        help_text="The day you authorised or returned the assessment. For example, 27 3 2025. If left empty, today.",
    )
    late_reason = late_reason_field()
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="Needed if you return the assessment: say what it needs.",
    )


class StrategyDiscussionForm(forms.Form):
    held_on = GovDateField(
        label="Date of the strategy discussion",
        required=False,
        help_text="For example, 27 3 2025. If left empty, today.",
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies that took part",
        required=False,
        choices=[(a, a) for a in AGENCIES],
        widget=forms.CheckboxSelectMultiple,
        help_text="The police must take part.",
    )
    decision = forms.ChoiceField(
        label="Decision", required=False, widget=forms.RadioSelect, choices=StrategyDiscussion.Decision.choices
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=20000)
    s47_started_on = GovDateField(
        label="Date the section 47 enquiry started",
        required=False,
        help_text="Only if the discussion starts an enquiry, and only if it started later than the discussion.",
    )
    late_reason = late_reason_field()


class S47ConcludeForm(_Versioned):
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry", required=False, widget=forms.RadioSelect, choices=S47Enquiry.Outcome.choices
    )
    concluded_on = GovDateField(
        label="Date the enquiry concluded", required=False, help_text="For example, 27 3 2025. If left empty, today."
    )
    child_seen_on = GovDateField(label="Date the child was seen", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=20000)
    late_reason = late_reason_field()


class ICPCForm(_Versioned):
    icpc_on = GovDateField(
        label="Date of the initial child protection conference",
        required=False,
        help_text="For example, 27 3 2025. If left empty, today.",
    )
    icpc_outcome = forms.ChoiceField(
        label="What the conference decided",
        required=False,
        widget=forms.RadioSelect,
        choices=S47Enquiry.ConferenceOutcome.choices,
    )
    late_reason = late_reason_field()
