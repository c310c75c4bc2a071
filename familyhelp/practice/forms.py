"""Practice tool forms, built from the instrument version's definition. Shapes only: the rules (and the
field-level messages that matter) come from practice.definitions through practice.services."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.people.models import Family
from familyhelp.practice import definitions as d
from familyhelp.practice.models import Completion, Instrument

BASELINE = "baseline"
CHILD_ONLY = "child"
SCALING_ROWS = 6


LATE_HELP = (
    "Only needed when you finalise this more than the council's late-recording days (usually 7) after the date it "
    "was completed"
)


class CompletionForm(forms.Form):
    """The date, what the completion reviews, and the tool's own questions."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    completed_on = GovDateField(label="Date completed", required=False, help_text="Leave empty for today")
    late_reason = late_reason_field(LATE_HELP)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        previous: list[Completion],
        families: list[Family] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.kind = instrument.kind
        definition = instrument.definition
        if self.kind in d.FAMILY_KINDS and families:
            self.fields["family"] = forms.ChoiceField(
                label="Who is this for?",
                choices=[(CHILD_ONLY, "This child")]
                + [(str(f.pk), f"The whole family: {f.name} ({f.reference})") for f in families],
                widget=forms.RadioSelect,
                initial=CHILD_ONLY,
                help_text="A completion for the whole family is filed under this child and shown on the "
                "practice tools of every child in the family.",
            )
        self.fields["review_of"] = forms.ChoiceField(
            label="Is this a baseline or a review?",
            choices=[(BASELINE, "A baseline (the first time, or starting again)")]
            + [(str(c.pk), f"A review of the {str(c).lower()}: {c.summary}") for c in previous],
            widget=forms.RadioSelect,
            initial=str(previous[-1].pk) if previous else BASELINE,
        )
        if self.kind == d.EXPLOITATION:
            self.fields["present"] = forms.MultipleChoiceField(
                label="Which indicators of exploitation are present?",
                help_text="Tick every indicator seen or reported. Leave all unticked if there are none.",
                choices=[(i["code"], i["label"]) for i in definition["indicators"]],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["other_detail"] = forms.CharField(
                label="If anything else, what?", required=False, max_length=5000
            )
            self.fields["notes"] = forms.CharField(
                label="Notes", widget=forms.Textarea, required=False, max_length=5000
            )
        elif self.kind == d.GCP2:
            grades = [(str(g["value"]), g["label"]) for g in definition["grades"]]
            for area in definition["areas"]:
                self.fields[f"grade_{area['code']}"] = forms.ChoiceField(
                    label=f"{area['label']}: grade", choices=grades, widget=forms.RadioSelect, required=False
                )
                self.fields[f"evidence_{area['code']}"] = forms.CharField(
                    label=f"{area['label']}: what the grade is based on",
                    widget=forms.Textarea,
                    required=False,
                    max_length=5000,
                )
            self.fields["notes"] = forms.CharField(
                label="Notes", widget=forms.Textarea, required=False, max_length=5000
            )
        else:
            for section in definition["sections"]:
                self.fields[section["code"]] = forms.CharField(
                    label=section["label"], widget=forms.Textarea, required=False, max_length=5000
                )
            for lst in definition["lists"]:
                self.fields[lst["code"]] = forms.CharField(
                    label=lst["label"],
                    help_text="One a line",
                    widget=forms.Textarea,
                    required=False,
                    max_length=5000,
                )
            for n in range(1, SCALING_ROWS + 1):
                self.fields[f"scaling_{n}_name"] = forms.CharField(
                    label=f"Participant {n}: name", required=False, max_length=200
                )
                self.fields[f"scaling_{n}_role"] = forms.CharField(
                    label=f"Participant {n}: role", required=False, max_length=200
                )
                self.fields[f"scaling_{n}_score"] = forms.CharField(
                    label=f"Participant {n}: scaling score (0 to 10)", required=False, max_length=4
                )

    @property
    def scaling_rows(self) -> list[tuple[Any, Any, Any]]:
        """The scaling fields grouped by participant, for the template."""
        return [
            (self[f"scaling_{n}_name"], self[f"scaling_{n}_role"], self[f"scaling_{n}_score"])
            for n in range(1, SCALING_ROWS + 1)
        ]

    def family_pk(self) -> str | None:
        value = self.cleaned_data.get("family") or CHILD_ONLY
        return None if value == CHILD_ONLY else value

    def review_of_pk(self) -> str | None:
        value = self.cleaned_data.get("review_of") or BASELINE
        return None if value == BASELINE else value

    def answers(self) -> dict[str, Any]:
        """The answers in the shape the instrument's definition validates."""
        c = self.cleaned_data
        definition = self.instrument.definition
        if self.kind == d.EXPLOITATION:
            return {
                "present": list(c.get("present") or []),
                "other_detail": c.get("other_detail", ""),
                "notes": c.get("notes", ""),
            }
        if self.kind == d.GCP2:
            codes = [a["code"] for a in definition["areas"]]
            return {
                "grades": {code: int(c[f"grade_{code}"]) for code in codes if c.get(f"grade_{code}")},
                "evidence": {code: c[f"evidence_{code}"] for code in codes if c.get(f"evidence_{code}")},
                "notes": c.get("notes", ""),
            }
        answers: dict[str, Any] = {s["code"]: c.get(s["code"], "") for s in definition["sections"]}
        for lst in definition["lists"]:
            answers[lst["code"]] = (c.get(lst["code"]) or "").splitlines()
        answers["scaling"] = [
            {
                "name": c.get(f"scaling_{n}_name", ""),
                "role": c.get(f"scaling_{n}_role", ""),
                "score": c.get(f"scaling_{n}_score", "").strip() or None,
            }
            for n in range(1, SCALING_ROWS + 1)
        ]
        return answers


def initial_from(completion: Completion) -> dict[str, Any]:
    """Form initial values from a draft's stored answers."""
    a = completion.answers
    initial: dict[str, Any] = {
        "version": completion.version,
        "completed_on": completion.completed_on,
        "review_of": str(completion.review_of_id) if completion.review_of_id else BASELINE,
        "family": str(completion.family_id) if completion.family_id else CHILD_ONLY,
    }
    if completion.kind == d.EXPLOITATION:
        initial.update(present=a.get("present", []), other_detail=a.get("other_detail", ""), notes=a.get("notes", ""))
    elif completion.kind == d.GCP2:
        for code, grade in a.get("grades", {}).items():
            initial[f"grade_{code}"] = str(grade)
        for code, text in a.get("evidence", {}).items():
            initial[f"evidence_{code}"] = text
        initial["notes"] = a.get("notes", "")
    else:
        definition = completion.instrument.definition
        for s in definition["sections"]:
            initial[s["code"]] = a.get(s["code"], "")
        for lst in definition["lists"]:
            initial[lst["code"]] = "\n".join(a.get(lst["code"], []))
        for n, row in enumerate(a.get("scaling", []), start=1):
            initial.update(
                {
                    f"scaling_{n}_name": row["name"],
                    f"scaling_{n}_role": row["role"],
                    f"scaling_{n}_score": str(row["score"]),
                }
            )
    return initial
