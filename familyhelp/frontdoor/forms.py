"""Front-door forms. Forms check shapes; the services check the rules and give the messages that matter."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from familyhelp.core import clock
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor.models import CheckType, Contact, FrontDoorPolicy, PartnerCheck, ThresholdDecision
from familyhelp.frontdoor.models import ThresholdLevel as Level
from familyhelp.frontdoor.services import ChildAsGiven
from familyhelp.frontend.forms import GovDateField, late_reason_field
from familyhelp.people.codes import AssessmentFactor, PrimaryNeed, ReferralSource

EXTRA_CHILDREN = 3  # "other children in the family the concern is about" on one form
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(lbl)) for v, lbl in choices]]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)




def add_when(form: forms.BaseForm, prefix: str, label: str, *, required: bool = False) -> None:
    """A step's date (GOV.UK date input, `<prefix>_on`) and time (`<prefix>_time`, 24-hour clock); on a new form
    they show now. Left blank (when not required) the service takes now."""
    form.fields[f"{prefix}_on"] = GovDateField(label=f"Date {label}", required=required)
    form.fields[f"{prefix}_time"] = forms.CharField(
        label=f"Time {label}", max_length=5, required=False, help_text="24-hour clock, for example 14:30"
    )
    if not form.is_bound:
        now = timezone.localtime(clock.now())
        form.initial.setdefault(f"{prefix}_on", now.date())
        form.initial.setdefault(f"{prefix}_time", f"{now:%H:%M}")


def clean_when(form: forms.BaseForm, data: dict[str, Any], prefix: str, label: str, target: str) -> None:
    """Put the step's aware date-time in `data[target]` (None when both parts are blank: now)."""
    text = (data.get(f"{prefix}_time") or "").strip()
    day = data.get(f"{prefix}_on")
    if f"{prefix}_on" in form.errors:
        return
    if not text:
        if day is not None or form.fields[f"{prefix}_on"].required:
            form.add_error(f"{prefix}_time", f"Enter the time {label}, for example 14:30")
        else:
            data[target] = None
        return
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        form.add_error(f"{prefix}_time", "Enter the time as hours and minutes on the 24-hour clock, like 14:30")
    elif day is None:
        form.add_error(f"{prefix}_on", f"Enter the date {label}")
    else:
        data[target] = timezone.make_aware(
            datetime.combine(day, time(int(match[1]), int(match[2]))), timezone.get_current_timezone()
        )


class _ChildFields(forms.Form):
    """The child as the referrer describes them; `child_2_…` etc. for siblings."""

    def add_child_fields(self, prefix: str, label: str) -> None:
        self.fields[f"{prefix}given_names"] = forms.CharField(label=f"{label}: given names", required=False,
                                                               max_length=200)
        self.fields[f"{prefix}family_name"] = forms.CharField(label=f"{label}: family name", required=False,
                                                               max_length=200)
        self.fields[f"{prefix}date_of_birth"] = GovDateField(label=f"{label}: date of birth", required=False)
        if not prefix.startswith("child_") or prefix == "child_":
            self.fields[f"{prefix}address"] = forms.CharField(label=f"{label}: address", required=False,
                                                               max_length=300)
            self.fields[f"{prefix}postcode"] = forms.CharField(label=f"{label}: postcode", required=False,
                                                                max_length=10)
            self.fields[f"{prefix}school"] = forms.CharField(label=f"{label}: school or setting", required=False,
                                                              max_length=200)

    def child(self, prefix: str) -> ChildAsGiven:
        d = self.cleaned_data
        return ChildAsGiven(
            given_names=d.get(f"{prefix}given_names", ""),
            family_name=d.get(f"{prefix}family_name", ""),
            date_of_birth=d.get(f"{prefix}date_of_birth"),
            address=d.get(f"{prefix}address", d.get("child_address", "")),
            postcode=d.get(f"{prefix}postcode", d.get("child_postcode", "")),
            school=d.get(f"{prefix}school", ""),
        )

    def children(self) -> list[ChildAsGiven]:
        found = [self.child("child_")]
        for n in range(2, EXTRA_CHILDREN + 2):
            other = self.child(f"child_{n}_")
            if not other.is_empty():
                found.append(other)
        return found


class _ConcernFields(_ChildFields):
    others_concerned = forms.CharField(
        label="Other family members and people concerned",
        required=False,
        widget=forms.Textarea,
        help_text="Parents, carers, anyone else in the household, and anyone alleged to cause harm.",
    )
    concerns = forms.CharField(label="What are you worried about?", widget=forms.Textarea, required=False,
                               help_text="In the referrer's own words.")
    factors = forms.MultipleChoiceField(
        label="Factors", required=False, choices=AssessmentFactor.choices, widget=forms.CheckboxSelectMultiple
    )
    consent = forms.ChoiceField(label="Consent", choices=Contact.Consent.choices, widget=forms.RadioSelect,
                                required=False)
    lawful_basis = forms.CharField(
        label="Lawful basis for sharing without consent", required=False, widget=forms.Textarea,
        help_text="Needed when the family did not consent, for example: to protect a child from significant harm.",
    )
    urgency = forms.ChoiceField(label="How urgent is it?", choices=Contact.Urgency.choices, widget=forms.RadioSelect,
                                initial=Contact.Urgency.ROUTINE)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_child_fields("child_", "Child")
        for n in range(2, EXTRA_CHILDREN + 2):
            self.add_child_fields(f"child_{n}_", f"Another child ({n})")
        # Keep the order: children first.
        order = [f for f in self.fields if f.startswith("child_")] + [
            f for f in self.fields if not f.startswith("child_")
        ]
        self.order_fields(order)

    def child_fields(self, n: int) -> list[Any]:
        prefix = "child_" if n == 1 else f"child_{n}_"
        names = ["given_names", "family_name", "date_of_birth"] + (
            ["address", "postcode", "school"] if n == 1 else []
        )
        return [self[f"{prefix}{name}"] for name in names]

    def first_child(self) -> list[Any]:
        return self.child_fields(1)

    def other_children(self) -> list[list[Any]]:
        return [self.child_fields(n) for n in range(2, EXTRA_CHILDREN + 2)]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "concerns": d.get("concerns", ""),
            "factors": list(d.get("factors") or []),
            "consent": d.get("consent", ""),
            "lawful_basis": d.get("lawful_basis", ""),
            "urgency": d.get("urgency", ""),
            "others_concerned": d.get("others_concerned", ""),
        }


class ContactForm(_ConcernFields):
    """A contact recorded by the front door (phone call, email, police notification…)."""

    kind = forms.ChoiceField(label="Kind of contact", choices=Contact.Kind.choices, widget=forms.RadioSelect,
                             initial=Contact.Kind.CONTACT)
    received_on = GovDateField(label="Date received", required=True)
    received_time = forms.CharField(label="Time received", max_length=5, help_text="24-hour clock, for example 14:30",
                                    required=False)
    referral_source = forms.ChoiceField(label="Source (CIN referral source)",
                                        choices=_choices(ReferralSource.choices, "Choose a source"), required=False)
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=200)
    referrer_role = forms.CharField(label="Referrer's role", required=False, max_length=200)
    referrer_agency_name = forms.CharField(label="Referrer's agency or organisation", required=False, max_length=200)
    referrer_email = forms.EmailField(label="Referrer's email", required=False,
                                      help_text="The outcome is sent here (without personal details).")
    referrer_phone = forms.CharField(label="Referrer's phone", required=False, max_length=40)
    late_reason = late_reason_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime(clock.now())
            self.initial.setdefault("received_on", now.date())
            self.initial.setdefault("received_time", f"{now:%H:%M}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("received_time") or "").strip()
        day = data.get("received_on")
        if not text:
            self.add_error("received_time", "Enter the time the contact was received, for example 14:30")
        else:
            match = _TIME.match(text)
            if not match or int(match[1]) > 23 or int(match[2]) > 59:
                self.add_error("received_time", "Enter the time as hours and minutes on the 24-hour clock, like 14:30")
            elif day is not None:
                data["received_at"] = timezone.make_aware(
                    datetime.combine(day, time(int(match[1]), int(match[2]))), timezone.get_current_timezone()
                )
        return data


class ReferralForm(_ConcernFields):
    """The partner referral form (school DSL, police, health)."""

    referrer_role = forms.CharField(label="Your role", required=False, max_length=200,
                                    help_text="For example, designated safeguarding lead")


class SiblingForm(VersionForm):
    given_names = forms.CharField(label="Given names", required=False, max_length=200)
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    date_of_birth = GovDateField(label="Date of birth", required=False)


class AddPersonForm(VersionForm):
    relationship = forms.CharField(label="Relationship to the child", max_length=100,
                                   help_text="For example, mother, stepfather, mother's partner, sibling",
                                   required=False)


class CheckRequestForm(VersionForm):
    check_types = forms.ModelMultipleChoiceField(
        label="Agencies to ask", queryset=CheckType.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    required = forms.ModelMultipleChoiceField(
        label="The decision must wait for", queryset=CheckType.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False, help_text="A manager can still decide sooner, giving a reason.",
    )

    late_reason = late_reason_field()

    def __init__(self, *args: Any, available: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_when(self, "requested", "requested")
        self.order_fields(["check_types", "required", "requested_on", "requested_time", "late_reason"])
        qs = available if available is not None else CheckType.objects.filter(is_active=True)
        for name in ("check_types", "required"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = qs
        if not self.is_bound:
            self.initial.setdefault("check_types", [c.pk for c in qs if c.requested_by_default])
            self.initial.setdefault("required", [c.pk for c in qs if c.required_by_default])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_when(self, data, "requested", "the checks were requested", "requested_at")
        return data


class CheckResponseForm(VersionForm):
    information = forms.CharField(label="Information the agency gave", widget=forms.Textarea, required=False)
    rag = forms.ChoiceField(label="RAG rating", choices=PartnerCheck.Rag.choices, widget=forms.RadioSelect,
                            required=False)
    provided_by_name = forms.CharField(label="Provided by", max_length=200, required=False,
                                       help_text="Name and role of the person at the agency")
    late_reason = late_reason_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_when(self, "returned", "the agency answered")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_when(self, data, "returned", "the agency answered", "returned_at")
        return data


class DecisionForm(VersionForm):
    level = forms.TypedChoiceField(label="Level of need", choices=Level.Level.choices, coerce=int,
                                   widget=forms.RadioSelect, required=False, empty_value=None)
    outcome = forms.ChoiceField(label="Outcome", choices=ThresholdDecision.Outcome.choices, widget=forms.RadioSelect,
                                required=False)
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea, required=False,
                                help_text="Why this level, with reference to the threshold document.")
    primary_need = forms.ChoiceField(
        label="Primary need (CIN code)", choices=_choices(PrimaryNeed.choices, "Choose the primary need"),
        required=False, help_text="Needed when the contact becomes a referral to social care.",
    )
    local_service = forms.ModelChoiceField(
        label="Service signposted to", queryset=LocalService.objects.filter(is_active=True), required=False,
        empty_label="Choose a service from the directory",
    )
    feedback_to_referrer = forms.CharField(
        label="What the referrer is told", widget=forms.Textarea, required=False,
        help_text="Shown to the referring partner with the outcome.",
    )
    checks_override_reason = forms.CharField(
        label="Reason to decide before the required checks are back (managers only)", widget=forms.Textarea,
        required=False,
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_when(self, "proposed", "proposed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_when(self, data, "proposed", "the decision was proposed", "proposed_at")
        return data


class AuthoriseForm(forms.Form):
    """Authorise (or return) a proposal: when, and for a decision that opens a case, the case's opening date and
    the CIN referral date."""

    comment = forms.CharField(label="Manager's comment", widget=forms.Textarea, required=False)
    checks_override_reason = forms.CharField(
        label="Reason to decide before the required checks are back", widget=forms.Textarea, required=False
    )
    case_opened_on = GovDateField(
        label="Date the case opens", required=False,
        help_text="Leave blank to use the date of authorisation. For example, 27 3 2025",
    )
    referral_date = GovDateField(
        label="Referral date (CIN)", required=False,
        help_text="Leave blank to use the date the contact was received. For example, 27 3 2025",
    )
    late_reason = late_reason_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        add_when(self, "authorised", "authorised or returned")
        self.order_fields(["comment", "checks_override_reason", "authorised_on", "authorised_time",
                           "case_opened_on", "referral_date", "late_reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_when(self, data, "authorised", "the decision was authorised or returned", "authorised_at")
        return data


class PolicyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FrontDoorPolicy
        fields = ["decision_clock_amount", "decision_clock_unit", "allow_self_authorisation"]


class CheckTypeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CheckType
        fields = ["name", "agency_kind", "due_hours", "requested_by_default", "required_by_default",
                  "screens_exploitation", "is_active", "order"]

    def validate_unique(self) -> None:
        """Uniqueness is checked by the service."""


class ThresholdDraftForm(VersionForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for number, label in Level.Level.choices:
            self.fields[f"level_{number}_name"] = forms.CharField(label=f"{label}: name", max_length=200,
                                                                  required=False)
            self.fields[f"level_{number}_descriptor"] = forms.CharField(
                label=f"{label}: descriptor", widget=forms.Textarea, required=False
            )
            self.fields[f"level_{number}_examples"] = forms.CharField(
                label=f"{label}: examples", widget=forms.Textarea, required=False
            )

    def levels(self) -> dict[int, dict[str, str]]:
        d = self.cleaned_data
        return {
            n: {k: d.get(f"level_{n}_{k}", "") for k in ("name", "descriptor", "examples")} for n in (1, 2, 3, 4)
        }


class PublishForm(VersionForm):
    in_force_from = GovDateField(label="In force from", required=False)
