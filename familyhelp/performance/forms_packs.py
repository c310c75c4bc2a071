"""Scrutiny pack forms: shapes only. The rules (drafts only, versions, who may) are in services_packs."""

from __future__ import annotations

from typing import Any

from django import forms

from familyhelp.accounts.models import User
from familyhelp.organisation.models import Locality, Team

from .filters import Filters
from .periods import PeriodError, parse_period


class VersionForm(forms.Form):
    """The pack version the page was showing (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PeriodField(forms.CharField):
    """A period as typed (2025-26 Q1, Q1 2025-26, 2025-Q1, 2025-01, 2025-26, a..b), cleaned to its key."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return parse_period(text).key
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class PackCreateForm(forms.Form):
    """A new draft pack: the period and, optionally, the filters and a title."""

    period = PeriodField(
        label="Period",
        help_text=(
            "For example, 2025-26 Q1 (April to June 2025, a quarter of the financial year), 2025-01 (a month), "
            "2025-26 (a financial year) or 2025-Q1 (January to March 2025, a calendar quarter)"
        ),
        error_messages={"required": "Enter the period the pack covers"},
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank for “Children's services performance: ” and the period",
        error_messages={"max_length": "The title must be 200 characters or fewer"},
    )
    locality = forms.ModelChoiceField(
        label="Locality (optional)", queryset=Locality.objects.order_by("name"), required=False, empty_label="All"
    )
    team = forms.ModelChoiceField(
        label="Team (optional)", queryset=Team.objects.order_by("name"), required=False, empty_label="All"
    )
    level = forms.TypedChoiceField(
        label="Level (optional)",
        choices=[("", "All"), ("1", "Level 1"), ("2", "Level 2"), ("3", "Level 3"), ("4", "Level 4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    worker = forms.ModelChoiceField(
        label="Worker (optional)",
        queryset=User.objects.filter(is_active=True, team__isnull=False).order_by("last_name", "first_name"),
        required=False,
        empty_label="All",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            team=data["team"].pk.hex if data.get("team") else None,
            locality=data["locality"].pk.hex if data.get("locality") else None,
            level=data.get("level") or None,
            worker=data["worker"].pk.hex if data.get("worker") else None,
        )


class PackSectionForm(VersionForm):
    """A narrative section: its heading and text (paragraphs separated by a blank line)."""

    title = forms.CharField(
        label="Heading",
        max_length=200,
        help_text="For example, Introduction, Context or Actions",
        error_messages={
            "required": "Enter the section heading",
            "max_length": "The heading must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea,
        help_text="Leave a blank line between paragraphs. Do not name children or families: the pack is published.",
        error_messages={"required": "Enter the section text"},
    )


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PackDownloadForm(forms.Form):
    """The dashboard's GET parameters for an on-the-fly pack: period, and the filters as Filters reads them."""

    period = PeriodField(required=False, label="Period")
    team = forms.CharField(required=False)
    locality = forms.CharField(required=False)
    level = forms.CharField(required=False)
    worker = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        from .filters import FilterError

        cleaned = super().clean() or {}
        try:
            cleaned["filters"] = Filters.from_query(self.data)
        except FilterError as exc:
            self.add_error(None, f"{exc.field.capitalize()}: {exc}")  # the page shows the period field only
        return cleaned
