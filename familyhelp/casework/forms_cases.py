"""Forms for the duty bank, allocation, step up / step down, sibling groups and closure.

Forms check shapes only; the services (casework.services.cases) check the rules and give the messages that
matter, under the same field names, so the GOV.UK error summary links to the right field.
"""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.casework import trays
from familyhelp.casework.models import Case, CINEpisode, StepDownDestination
from familyhelp.core.effective import late_recording_days
from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.people.codes import PrimaryNeed, ReasonForClosure, ReferralSource


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), f"{v}: {lbl}") for v, lbl in choices]]


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        team = f" ({obj.team})" if obj.team_id else ""
        return f"{obj}, {obj.get_role_display().lower()}{team}"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LateReasonMixin(forms.Form):
    """The late-recording reason every dated step asks for when its date is older than the council's
    late-recording days (the service decides; the form only carries it). Declared last, so it follows the
    date on the page."""

    late_reason = late_reason_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["late_reason"].help_text = (
            f"Only needed when you are recording this more than {late_recording_days()} days after it happened"
        )
        self.order_fields([*(n for n in self.fields if n != "late_reason"), "late_reason"])


class AllocateForm(LateReasonMixin, VersionForm):
    """Allocate (or reallocate) a case: the worker is chosen from the candidate table (radios)."""

    worker = forms.ModelChoiceField(queryset=trays.candidate_workers_qs(), required=False, widget=forms.RadioSelect,
                                    label="Worker")
    supervisor = _UserChoice(
        queryset=trays.social_workers(), required=False, label="Supervising social worker",
        empty_label="No supervising social worker",
        help_text="Needed when a family help practitioner holds level 4 (child in need) work.",
    )
    allocated_on = GovDateField(label="Date of allocation", required=False,
                                help_text="Today unless the allocation was made earlier. For example, 27 3 2026")
    reason = forms.CharField(label="Reason", widget=forms.Textarea, required=False, max_length=500)
    include_siblings = forms.BooleanField(
        label="Allocate the brothers' and sisters' waiting cases to the same worker", required=False
    )


class StepUpForm(LateReasonMixin, VersionForm):
    requested_by = _UserChoice(queryset=trays.caseworkers(), required=False, label="Practitioner who asked",
                               empty_label="Choose the practitioner")
    changed_on = GovDateField(label="Date of the step up", required=False,
                              help_text="The referral date of the children in need episode. For example, 27 3 2026")
    referral_source = forms.ChoiceField(label="Referral source (CIN census)", required=False,
                                        choices=_choices(ReferralSource.choices, "Choose the referral source"))
    primary_need = forms.ChoiceField(label="Primary need (CIN census)", required=False,
                                     choices=_choices(PrimaryNeed.choices, "Choose the primary need"))
    route = forms.ChoiceField(label="Route", choices=CINEpisode.Route.choices, widget=forms.RadioSelect,
                              required=False, initial=CINEpisode.Route.SINGLE_ASSESSMENT)
    supervisor = _UserChoice(
        queryset=trays.social_workers(), required=False, label="Supervising social worker",
        empty_label="Keep the current supervision",
        help_text="Needed when a family help practitioner holds the case.",
    )
    reason = forms.CharField(label="Why the case steps up", widget=forms.Textarea, required=False)


STEP_DOWN_LEVELS = [
    (3, "Level 3: targeted family support (the children in need episode closes; the case stays open)"),
    (2, "Early help (level 2): the case closes"),
    (1, "Universal services (level 1): the case closes"),
]


class StepDownForm(LateReasonMixin, VersionForm):
    to_level = forms.TypedChoiceField(label="Step down to", choices=STEP_DOWN_LEVELS, coerce=int, empty_value=None,
                                      widget=forms.RadioSelect, required=False)
    requested_by = _UserChoice(queryset=trays.caseworkers(), required=False, label="Practitioner who asked",
                               empty_label="Choose the practitioner")
    changed_on = GovDateField(label="Date of the step down", required=False,
                              help_text="Everything the step down ends or closes ends on this date. "
                                        "For example, 27 3 2026")
    closure_reason = forms.ChoiceField(
        label="Reason the children in need episode closes (CIN census)", required=False,
        choices=_choices(ReasonForClosure.choices, "Choose the reason for closure"),
        help_text="Needed when a children in need episode is open.",
    )
    reason = forms.CharField(label="Why the case steps down", widget=forms.Textarea, required=False)
    closing_summary = forms.CharField(label="Closing summary (when the case closes)", widget=forms.Textarea,
                                      required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["to_level"]
        field.choices = [(v, label) for v, label in STEP_DOWN_LEVELS if v < case.level]  # type: ignore[attr-defined]
        if not case.cin_episodes.filter(closed_on__isnull=True).exists():
            del self.fields["closure_reason"]


class CloseForm(LateReasonMixin, VersionForm):
    closed_on = GovDateField(label="Date the case closes", required=False,
                             help_text="On or after every assessment authorisation, section 47 conclusion and plan "
                                       "end in the case. For example, 27 3 2026")
    closure_reason = forms.CharField(label="Reason for closure", required=False, max_length=200)
    step_down_to = forms.ChoiceField(label="Where the child's support goes next", choices=StepDownDestination.choices,
                                     widget=forms.RadioSelect, required=False)
    closing_summary = forms.CharField(label="Closing summary", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if case.cin_episodes.filter(closed_on__isnull=True).exists():
            self.fields["closure_reason"] = forms.ChoiceField(
                label="Reason for closure (CIN census)", required=False,
                choices=_choices(ReasonForClosure.choices, "Choose the reason for closure"),
                help_text="The children in need episode closes with the case.",
            )


class LinkSiblingsForm(VersionForm):
    cases = forms.MultipleChoiceField(label="Brothers' and sisters' cases", widget=forms.CheckboxSelectMultiple,
                                      required=False)

    def __init__(self, *args: Any, candidates: list[Case], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.reference}: {'Restricted record' if c.person.is_restricted else c.person.full_name} "
                        f"(level {c.level}, {c.get_status_display().lower()})")
            for c in candidates
        ]
