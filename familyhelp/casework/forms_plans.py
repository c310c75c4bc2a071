"""Plan forms: shapes only. The rules and the messages that matter come from casework.services.plans."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.casework.models import (
    CategoryOfAbuse,
    LookedAfterEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    ReviewParticipation,
)
from familyhelp.frontend.forms import GovDateField, late_reason_field


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(lbl)) for v, lbl in choices]]


def _coded(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), f"{v}: {lbl}") for v, lbl in choices]]


TODAY_HELP = "For example, 27 3 2025. Leave it as today's date if it happened today."


def step_date(label: str) -> GovDateField:
    """A step's effective date: the page fills in today; left blank, the service takes today."""
    return GovDateField(label=label, required=False, help_text=TODAY_HELP)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanStartForm(forms.Form):
    """Start a plan of one kind; the CP and looked-after fields appear only for those kinds."""

    started_on = step_date("Start date")
    late_reason = late_reason_field()
    summary = forms.CharField(
        label="What the plan is for",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="In the family's words where possible. Goals and actions are added on the plan's page.",
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        s47_choices: list[tuple[str, str]] | None = None,
        has_open_cp: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Plan.Kind.CP:
            self.fields[
                "started_on"
            ].help_text = "The date of the initial child protection conference that decided on the plan"
            self.fields["s47_enquiry"] = forms.ChoiceField(
                label="Section 47 enquiry and initial conference",
                choices=[("", "Choose the enquiry"), *(s47_choices or [])],
                required=False,
            )
            self.fields["initial_category"] = forms.ChoiceField(
                label="Initial category of abuse",
                choices=_choices(CategoryOfAbuse.choices, "Choose a category"),
                required=False,
            )
        if kind == Plan.Kind.LAC:
            self.fields["started_on"].label = "Date the child became looked after"
            self.fields["legal_status"] = forms.ChoiceField(
                label="Legal status",
                choices=_coded(LookedAfterEpisode.LegalStatus.choices, "Choose the legal status"),
                required=False,
            )
            self.fields["placement_type"] = forms.ChoiceField(
                label="Placement type",
                choices=_coded(LookedAfterEpisode.PlacementType.choices, "Choose the placement type"),
                required=False,
            )
            self.fields["placement_postcode"] = forms.CharField(
                label="Placement postcode", required=False, max_length=10
            )
            self.fields["uasc"] = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
            if has_open_cp:
                self.fields["continue_cp_plan"] = forms.BooleanField(
                    label="The child protection plan continues while the child is looked after",
                    required=False,
                    help_text="Leave unticked to end the child protection plan on the day care starts.",
                )


class PlanEndForm(VersionForm):
    ended_on = step_date("End date")
    late_reason = late_reason_field()
    reason = forms.CharField(label="Why is the plan ending?", widget=forms.Textarea, required=False, max_length=300)


class PlanReviewForm(forms.Form):
    held_on = step_date("Date of the review")
    late_reason = late_reason_field()
    outcome = forms.ChoiceField(
        label="Outcome", choices=PlanReview.Outcome.choices, widget=forms.RadioSelect, required=False
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, max_length=10000)
    end_reason = forms.CharField(label="If the plan ends: why", required=False, max_length=300)

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if kind == Plan.Kind.CP:
            self.fields["latest_category"] = forms.ChoiceField(
                label="Latest category of abuse",
                choices=_choices(CategoryOfAbuse.choices, "Choose a category"),
                required=False,
            )
            self.order_fields(["held_on", "late_reason", "outcome", "latest_category"])
        if kind == Plan.Kind.LAC:
            self.fields["participation"] = forms.ChoiceField(
                label="How the child took part",
                choices=_coded(ReviewParticipation.choices, "Choose how the child took part"),
                required=False,
            )
            self.order_fields(["held_on", "late_reason", "outcome", "participation"])


class GoalForm(VersionForm):
    text = forms.CharField(label="Goal", widget=forms.Textarea, required=False, max_length=2000)
    achieved_on = GovDateField(
        label="Date achieved", required=False, help_text="Leave blank while the goal is still being worked on."
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["achieved_on"]
            del self.fields["late_reason"]


class ActionForm(VersionForm):
    text = forms.CharField(label="What will be done", widget=forms.Textarea, required=False, max_length=2000)
    goal = forms.ChoiceField(label="Goal it works towards", required=False)
    owner = forms.ChoiceField(
        label="Council worker responsible",
        required=False,
        help_text="Or leave this blank and name someone from a partner agency or the family.",
    )
    owner_name = forms.CharField(
        label="Name of the person responsible (partner agency or family)", required=False, max_length=200
    )
    owner_agency = forms.CharField(label="Their agency, or 'Family'", required=False, max_length=200)
    due_on = GovDateField(label="Due date", required=False, help_text="A deadline. For example, 27 3 2025")
    status = forms.ChoiceField(
        label="Status",
        choices=PlanAction.Status.choices,
        widget=forms.RadioSelect,
        initial=PlanAction.Status.OPEN,
        required=False,
    )
    done_on = GovDateField(
        label="If it is now done: the date it was done",
        required=False,
        help_text="Used only when you mark the action done. Left blank, today.",
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, goals: list[PlanGoal], owners: list[Any], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if not editing:  # adding an action is recorded today: its due date is a deadline, not an event
            del self.fields["done_on"]
            del self.fields["late_reason"]
        self.goal_objects = {str(g.pk): g for g in goals}
        self.owner_objects = {str(u.pk): u for u in owners}
        self.fields["goal"].choices = [  # type: ignore[attr-defined]
            ("", "Not linked to a goal"),
            *[(k, g.text[:80]) for k, g in self.goal_objects.items()],
        ]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Not a council worker"),
            *[
                (k, f"{u.get_full_name() or u.username} ({u.get_job_role_display()})")
                for k, u in self.owner_objects.items()
            ],
        ]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "text": d.get("text", ""),
            "goal": self.goal_objects.get(d.get("goal") or ""),
            "owner": self.owner_objects.get(d.get("owner") or ""),
            "owner_name": d.get("owner_name", ""),
            "owner_agency": d.get("owner_agency", ""),
            "due_on": d.get("due_on"),
            "status": d.get("status") or PlanAction.Status.OPEN,
            **({"done_on": d.get("done_on"), "late_reason": d.get("late_reason") or ""} if self.editing else {}),
        }


class LacChangeForm(forms.Form):
    changed_on = step_date("Date of the change")
    late_reason = late_reason_field()
    legal_status = forms.ChoiceField(
        label="Legal status",
        choices=_coded(LookedAfterEpisode.LegalStatus.choices, "Choose the legal status"),
        required=False,
    )
    placement_type = forms.ChoiceField(
        label="Placement type",
        choices=_coded(LookedAfterEpisode.PlacementType.choices, "Choose the placement type"),
        required=False,
    )
    placement_postcode = forms.CharField(label="Placement postcode", required=False, max_length=10)
    placement_provider = forms.ChoiceField(
        label="Placement provider",
        choices=_coded(LookedAfterEpisode.PlacementProvider.choices, "Same as now, or not known"),
        required=False,
    )
    placement_urn = forms.CharField(
        label="Ofsted URN of the placement",
        required=False,
        max_length=8,
        help_text="For children's homes and supported accommodation. Leave blank for foster carers without one.",
    )
    reason_place_change = forms.ChoiceField(
        label="If the placement changed: why",
        choices=_coded(LookedAfterEpisode.ReasonPlaceChange.choices, "Choose a reason"),
        required=False,
    )


class LacEndForm(forms.Form):
    ended_on = step_date("Date the child stopped being looked after")
    late_reason = late_reason_field()
    reason_ended = forms.ChoiceField(
        label="Reason",
        choices=_coded([c for c in LookedAfterEpisode.ReasonEpisodeEnded.choices if c[0] != "X1"], "Choose a reason"),
        required=False,
    )
