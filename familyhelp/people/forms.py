"""Forms for people, families and their details. Shape only: services validate the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from familyhelp.chronology.kinds import GROUPS
from familyhelp.core import clock
from familyhelp.frontend.forms import GovDateField
from familyhelp.people.codes import Disability, Ethnicity, Sex
from familyhelp.people.models import FamilyMember, Person, PersonName, ProfessionalInvolvement, Relationship
from familyhelp.people.search import MAX_AGE

PURPOSES = [
    ("", "Choose a reason"),
    ("new_contact", "Checking whether a child is known (new contact)"),
    ("casework", "Casework for a child I work with"),
    ("mash_check", "Multi-agency check"),
    ("management", "Management oversight"),
    ("other", "Other"),
]


SCHOOL_YEARS = [("", "Not known")] + [("0", "Reception")] + [(str(n), f"Year {n}") for n in range(1, 14)]
EARLIEST_YEAR_OF_BIRTH = 1900
# "9", "about 9", "9 years", "around 9 years old": the number is what counts.
_AGE = re.compile(
    r"^(?:about|around|approx(?:imately|\.)?|roughly|c\.|~)?\s*(\d{1,3})\s*(?:years?|yrs?|y)?(?:\s+old)?$", re.I
)
# What can be searched for on its own. Age, school year and year of birth narrow a search but cannot start one:
# "everyone aged about 9" is not a search.
SEARCH_KEYS = ("given_names", "family_name", "date_of_birth", "postcode", "nhs_number", "upn")
AGE_EVIDENCE = (("age", "the age"), ("school_year", "the school year"), ("year_of_birth", "the year of birth"))


class PersonSearchForm(forms.Form):
    """Search by any combination of names, date of birth, postcode, NHS number and UPN, with an age, school
    year or year of birth as evidence when the date of birth is not known."""

    given_names = forms.CharField(label="Given names", required=False, max_length=200)
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    date_of_birth = GovDateField(label="Date of birth", required=False)
    age = forms.CharField(
        label="Age (about)",
        required=False,
        max_length=20,
        help_text="If you do not know the date of birth. In whole years, like 9",
    )
    school_year = forms.ChoiceField(
        label="School year",
        required=False,
        choices=SCHOOL_YEARS,
        help_text="The year group they are in now",
        error_messages={"invalid_choice": "Choose a school year from the list"},
    )
    year_of_birth = forms.CharField(
        label="Year of birth", required=False, max_length=10, help_text="4 digits, like 2012"
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)
    upn = forms.CharField(label="UPN", required=False, max_length=15, help_text="Unique pupil number")
    purpose = forms.ChoiceField(
        label="Why are you searching?",
        choices=PURPOSES,
        error_messages={"required": "Choose why you are searching"},
        help_text="Every search is recorded with this reason.",
    )

    def clean_age(self) -> int | None:
        raw = (self.cleaned_data.get("age") or "").strip()
        if not raw:
            return None
        match = _AGE.match(raw)
        if match is None:
            raise forms.ValidationError("Enter the age as a whole number of years, like 9")
        age = int(match.group(1))
        if age > MAX_AGE:
            raise forms.ValidationError(f"Enter an age between 0 and {MAX_AGE}")
        return age

    def clean_school_year(self) -> int | None:
        raw = self.cleaned_data.get("school_year") or ""
        return int(raw) if raw != "" else None

    def clean_year_of_birth(self) -> int | None:
        raw = (self.cleaned_data.get("year_of_birth") or "").strip()
        if not raw:
            return None
        if not (len(raw) == 4 and raw.isdigit()):
            raise forms.ValidationError("Enter a year of birth as 4 digits, like 2012")
        year = int(raw)
        if year > clock.today().year:
            raise forms.ValidationError("Year of birth must be this year or in the past")
        if year < EARLIEST_YEAR_OF_BIRTH:
            raise forms.ValidationError(f"Year of birth must be {EARLIEST_YEAR_OF_BIRTH} or later")
        return year

    def clean(self):
        data = super().clean() or {}
        if self.errors or any(data.get(k) for k in SEARCH_KEYS):
            return data
        given = [label for key, label in AGE_EVIDENCE if data.get(key) is not None]
        if given:
            # Attached to the first name box, so the error summary takes the user where to add one.
            self.add_error("given_names", f"Enter a name, date of birth, postcode or identifier with {given[0]}")
        else:
            raise forms.ValidationError("Enter at least one thing to search for, like a family name")
        return data

    def criteria_values(self) -> dict[str, Any]:
        """The cleaned values, named as people.search.SearchCriteria names them (purpose left out)."""
        data = self.cleaned_data
        return {key: data[key] for key in (*SEARCH_KEYS, "age", "school_year", "year_of_birth")}


class NameVariantForm(forms.Form):
    """A council's own nickname pair. The service checks the rules (two different names, not known already)."""

    name = forms.CharField(
        label="Name",
        max_length=60,
        help_text="A given name as people write it, like Robert",
        error_messages={"required": "Enter the name"},
    )
    variant = forms.CharField(
        label="Other form of the name",
        max_length=60,
        help_text="A nickname or the formal name it stands for, like Bubba",
        error_messages={"required": "Enter the other form of the name"},
    )
    note = forms.CharField(
        label="Why add it (optional)",
        required=False,
        max_length=200,
        help_text="For example, a short form common in a local community",
    )


class PersonForm(forms.Form):
    """A person's details."""

    kind = forms.ChoiceField(
        label="Is this a child or an adult?",
        choices=Person.Kind.choices,
        widget=forms.RadioSelect,
        initial=Person.Kind.CHILD,
    )
    given_names = forms.CharField(
        label="Given names", required=False, max_length=200, help_text="Leave blank if the person has only one name"
    )
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    preferred_name = forms.CharField(label="Preferred name", required=False, max_length=200)
    is_unborn = forms.BooleanField(label="This child is not born yet", required=False)
    expected_date_of_birth = GovDateField(label="Expected date of birth", required=False)
    date_of_birth = GovDateField(
        label="Date of birth", required=False, help_text="Leave blank if not known. For example, 27 3 2014"
    )
    dob_is_estimated = forms.BooleanField(label="The date of birth is estimated", required=False)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    gender_identity = forms.CharField(label="Gender identity (if different)", required=False, max_length=100)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities", choices=Disability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    first_language = forms.CharField(label="First language", required=False, max_length=100)
    needs_interpreter = forms.BooleanField(label="Needs an interpreter", required=False)
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=14, help_text="10 digits, like 485 777 3457"
    )
    upn = forms.CharField(label="UPN", required=False, max_length=15, help_text="Unique pupil number, 13 characters")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RestrictForm(forms.Form):
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea, max_length=2000, error_messages={"required": "Enter the reason"}
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Your name, the time and this reason are recorded, and the record's manager is told.",
        error_messages={"required": "Enter why you need to open this restricted record"},
    )


class GrantForm(forms.Form):
    username = forms.CharField(
        label="Username of the worker", max_length=150, error_messages={"required": "Enter the worker's username"}
    )
    reason = forms.CharField(
        label="Why do they need access?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why they need access"},
    )


class AddressForm(forms.Form):
    line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    moved_in_on = GovDateField(label="Date they moved in", required=False)
    late_reason = forms.CharField(
        label="Reason for recording this late (if more than a week ago)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class NameForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of name", choices=PersonName.Kind.choices, widget=forms.RadioSelect)
    given_names = forms.CharField(label="Given names", required=False, max_length=200)
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    start_date = GovDateField(label="Used from", required=False, help_text="Leave blank if not known")


class RelationshipForm(forms.Form):
    related_reference = forms.CharField(
        label="Reference of the related person",
        max_length=20,
        help_text="The person reference shown on their record, like P00001234",
        error_messages={"required": "Enter the related person's reference"},
    )
    type = forms.ChoiceField(label="This person is the related person's…", choices=Relationship.Type.choices)
    has_parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    start_date = GovDateField(label="Since", required=False, help_text="Leave blank if not known")


class InvolvementForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=ProfessionalInvolvement.Role.choices)
    worker_username = forms.CharField(
        label="Council worker's username",
        required=False,
        max_length=150,
        help_text="For someone who works for the council",
    )
    professional_name = forms.CharField(label="Or the professional's name", required=False, max_length=200)
    agency_name = forms.CharField(label="Their organisation", required=False, max_length=200)
    contact_details = forms.CharField(label="Contact details", required=False, max_length=300)
    start_date = GovDateField(label="Involved since", required=False)
    late_reason = forms.CharField(
        label="Reason for recording this late (if more than a week ago)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class EndInvolvementForm(forms.Form):
    end_date = GovDateField(label="Date they stopped being involved", required=False)
    late_reason = forms.CharField(
        label="Reason for recording this late (if more than a week ago)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class SignificantEventForm(forms.Form):
    occurred_on = GovDateField(label="Date it happened", required=False)
    occurred_time = forms.TimeField(
        label="Time it happened (optional)",
        required=False,
        help_text="24-hour clock, like 14:30",
        error_messages={"invalid": "Enter a time like 14:30"},
    )
    summary = forms.CharField(label="What happened", widget=forms.Textarea, max_length=5000, required=False)
    late_reason = forms.CharField(
        label="Reason for recording this late (if more than a week ago)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class FamilyForm(forms.Form):
    name = forms.CharField(
        label="Family name", max_length=200, required=False, help_text="How the family is known, like ‘Okafor family’"
    )
    role = forms.ChoiceField(label="This person's role in the family", choices=FamilyMember.Role.choices)


class FamilyMemberForm(forms.Form):
    reference = forms.CharField(
        label="Person reference", max_length=20, error_messages={"required": "Enter the person's reference"}
    )
    role = forms.ChoiceField(label="Role in the family", choices=FamilyMember.Role.choices)


CHRONOLOGY_FILTER_CHOICES = [("", "All events")] + [(g, g) for g in GROUPS]
