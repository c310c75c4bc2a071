"""Forms for visits, case notes and the casework policy (input shape only: the services hold the rules)."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.casework.models import CaseNote, CaseworkPolicy, Visit
from familyhelp.casework.services import visits as services
from familyhelp.frontend.forms import GovDateField, late_reason_field


class VisitForm(forms.Form):
    visited_on = GovDateField(label="Date of the visit", required=False)
    seen = forms.ChoiceField(
        label="Was the child seen?", choices=Visit.Seen.choices, widget=forms.RadioSelect, required=False
    )
    not_seen_reason = forms.CharField(
        label="Why was the child not seen?", max_length=services.REASON_MAX, required=False, widget=forms.Textarea
    )
    notes = forms.CharField(label="What happened on the visit", required=False, widget=forms.Textarea)
    late_reason = late_reason_field()

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "visited_on": d.get("visited_on"),
            "seen": d.get("seen") or "",
            "not_seen_reason": d.get("not_seen_reason") or "",
            "notes": d.get("notes") or "",
            "late_reason": d.get("late_reason") or "",
        }


class CaseNoteForm(forms.Form):
    category = forms.ChoiceField(label="Kind of note", choices=(), widget=forms.RadioSelect, required=False)
    occurred_on = GovDateField(label="Date of what the note records", required=False)
    text = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    late_reason = late_reason_field()

    def __init__(self, *args: Any, oversight: bool = False, fixed_category: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if fixed_category:
            del self.fields["category"]
            return
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in CaseNote.Category.choices
            if oversight or value != CaseNote.Category.MANAGEMENT_OVERSIGHT
        ]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        values = {
            "occurred_on": d.get("occurred_on"),
            "text": d.get("text") or "",
            "late_reason": d.get("late_reason") or "",
        }
        if "category" in self.fields:
            values["category"] = d.get("category") or ""
        return values


class NoteFilterForm(forms.Form):
    category = forms.ChoiceField(label="Show", choices=[("", "All notes"), *CaseNote.Category.choices], required=False)


class CaseworkPolicyForm(forms.Form):
    """One field per setting; `service_values()` shapes them for casework_policy_update."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    family_help_holds_cin = forms.BooleanField(
        label="Family help practitioners may hold child in need work",
        help_text="With a named supervising social worker (the Family Help model)",
        required=False,
    )
    allow_self_authorisation = forms.BooleanField(
        label="Managers may authorise their own work",
        help_text="For example an assessment the manager completed themselves",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind in services.VISIT_KINDS:
            self.fields[f"visit_{kind}"] = forms.CharField(
                label=services.KIND_LABELS[kind], required=False, help_text="Working days between visits"
            )
        for kind in services.VISIT_KINDS:
            self.fields[f"weight_{kind}"] = forms.CharField(
                label=services.KIND_LABELS[kind], required=False, help_text="Caseload weight of one child, like 1.5"
            )
        for name, limit in services.CLOCK_LIMITS.items():
            self.fields[name] = forms.CharField(
                label=limit.label, required=False, help_text=f"{limit.low} to {limit.high} {limit.unit}"
            )

    @staticmethod
    def initial_for(policy: CaseworkPolicy) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": policy.version}
        for kind in services.VISIT_KINDS:
            initial[f"visit_{kind}"] = policy.visit_days(kind)
            initial[f"weight_{kind}"] = f"{policy.weight(kind):g}"
        for name in services.CLOCK_LIMITS:
            initial[name] = getattr(policy, name)
        for name in services.FLAGS:
            initial[name] = getattr(policy, name)
        return initial

    def visit_fields(self) -> list[Any]:
        return [self[f"visit_{k}"] for k in services.VISIT_KINDS]

    def weight_fields(self) -> list[Any]:
        return [self[f"weight_{k}"] for k in services.VISIT_KINDS]

    def clock_fields(self) -> list[Any]:
        return [self[n] for n in services.CLOCK_LIMITS]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        values: dict[str, Any] = {name: (d.get(name) or "").strip() for name in services.CLOCK_LIMITS}
        values["visit_working_days"] = {k: (d.get(f"visit_{k}") or "").strip() for k in services.VISIT_KINDS}
        values["caseload_weights"] = {k: (d.get(f"weight_{k}") or "").strip() for k in services.VISIT_KINDS}
        for name in services.FLAGS:
            values[name] = bool(d.get(name))
        return values

    @staticmethod
    def field_for_error(key: str) -> str:
        """The form field a service error key belongs to (visit_working_days.cp -> visit_cp)."""
        if key.startswith("visit_working_days."):
            return "visit_" + key.split(".", 1)[1]
        if key.startswith("caseload_weights."):
            return "weight_" + key.split(".", 1)[1]
        return key
