"""Forms for the performance dashboard: the period and filters (GET), and benchmarks (targets and comparators).

Shape only: the period is read by `periods.parse_period`, the filters become `filters.Filters`, and
benchmark rules live in `services_benchmarks`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms

from familyhelp.core import clock
from familyhelp.frontend.forms import GovDateField

from .filters import Filters
from .measures import (
    MEASURES,
    AgencyMeasure,
    CaseloadMeasure,
    EventMeasure,
    Measure,
    RatioMeasure,
    StockMeasure,
)
from .models import Benchmark
from .periods import CUSTOM, MONTH, QUARTER, YEAR, Period, PeriodError, parse_period
from .services_benchmarks import year_error

HISTORY_YEARS = 10
LEVELS = [
    ("1", "Level 1: universal"),
    ("2", "Level 2: early help / family hub"),
    ("3", "Level 3: targeted family support"),
    ("4", "Level 4: statutory (children's social care)"),
]


def latest_complete_quarter(today: date | None = None) -> Period:
    """The last quarter that has ended, numbered by the financial year (the dashboard's and the packs' default
    period): on 10 July 2025, April to June 2025 (Q1 2025-26)."""
    return Period.containing(QUARTER, today or clock.today(), financial=True).previous()


def _period_choices(kind: str, today: date) -> list[tuple[str, str]]:
    """Periods of a kind from the current one back HISTORY_YEARS years, newest first; quarters are those of the
    financial year, each labelled by its months ("April to June 2025 (Q1 2025-26)")."""
    current = Period.containing(kind, today, financial=True)
    count = {MONTH: 12, QUARTER: 4, YEAR: 1}[kind] * HISTORY_YEARS + 1
    periods = [current.shifted(-i) for i in range(count)]
    return [(p.key, p.label) for p in periods]


class PeriodChoiceField(forms.ChoiceField):
    """A month, quarter or financial year chosen from the list; a key of the same kind from a link (an older
    period, or a calendar quarter such as 2025-Q1) is accepted too."""

    def __init__(self, *, kind: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.kind = kind

    def valid_value(self, value: Any) -> bool:
        if super().valid_value(value):
            return True
        try:
            return parse_period(str(value)).kind == self.kind
        except PeriodError:
            return False


class UuidChoiceField(forms.ChoiceField):
    """A choice of a record by id; accepts the id with or without dashes (links carry 32 hex digits)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return uuid.UUID(text).hex
        except ValueError:
            return text  # not one of the choices: validate() says so


class DashboardFilterForm(forms.Form):
    """The period (a month, a quarter of the financial year, a financial year or custom dates) and the team,
    locality, level and worker. A calendar quarter (2025-Q1) from a link is read too."""

    kind = forms.ChoiceField(
        label="Period",
        choices=[(MONTH, "A month"), (QUARTER, "A quarter"), (YEAR, "A financial year"), (CUSTOM, "Custom dates")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of period", "invalid_choice": "Choose the kind of period"},
    )
    month = PeriodChoiceField(kind=MONTH, label="Month", required=False)
    quarter = PeriodChoiceField(
        kind=QUARTER,
        label="Quarter",
        required=False,
        help_text="Quarters of the financial year: Q1 is April to June",
    )
    year = PeriodChoiceField(kind=YEAR, label="Financial year", required=False)
    start = GovDateField(label="Start date", required=False, help_text="For example, 6 1 2025")
    end = GovDateField(label="End date", required=False, help_text="For example, 14 2 2025")
    locality = UuidChoiceField(label="Locality", required=False)
    team = UuidChoiceField(label="Team", required=False)
    level = forms.ChoiceField(label="Level", required=False, choices=[("", "All levels"), *LEVELS])
    worker = UuidChoiceField(label="Worker", required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, *, today: date | None = None, **kwargs: Any):
        from familyhelp.accounts.models import User
        from familyhelp.organisation.models import Locality, Team

        today = today or clock.today()
        super().__init__(data, **kwargs)
        for kind in (MONTH, QUARTER, YEAR):
            field = self.fields[kind]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _period_choices(kind, today)
            field.error_messages["invalid_choice"] = f"Choose a {field.label.lower()} from the list"  # type: ignore[union-attr]
            chosen = str((data or {}).get(kind) or "")
            if chosen and chosen not in dict(field.choices) and field.valid_value(chosen):
                # an older period, or a calendar quarter, from a link: shown as chosen, by its months
                field.choices = [*field.choices, (chosen, parse_period(chosen).label)]
        localities = Locality.objects.order_by("name").values_list("id", "name")
        teams = Team.objects.filter(is_active=True).order_by("name").values_list("id", "name")
        workers = (
            User.objects.filter(team__isnull=False, is_active=True)
            .select_related("team")
            .order_by("last_name", "first_name", "username")
        )
        self.fields["locality"].choices = [("", "All localities"), *((pk.hex, name) for pk, name in localities)]  # type: ignore[attr-defined]
        self.fields["team"].choices = [("", "All teams"), *((pk.hex, name) for pk, name in teams)]  # type: ignore[attr-defined]
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", "All workers"),
            *((u.pk.hex, f"{u.get_full_name() or u.username} ({u.team.name})") for u in workers),  # type: ignore[union-attr]
        ]
        for name in ("locality", "team", "worker", "level"):
            label = self.fields[name].label.lower()  # type: ignore[union-attr]
            self.fields[name].error_messages["invalid_choice"] = f"Choose a {label} from the list"

    @classmethod
    def from_query(cls, query: Mapping[str, Any], *, today: date | None = None) -> DashboardFilterForm:
        """The form bound to a request's GET: the form's own fields, or `period=KEY` as links carry it, or the
        default (the latest complete quarter, whole council)."""
        data: dict[str, Any] = {
            name: query.get(name, "") for name in ("locality", "team", "level", "worker") if name in query
        }
        if "kind" in query:
            data.update({k: v for k, v in query.items() if k not in data})
            return cls(data, today=today)
        raw = query.get("period")
        try:
            period = parse_period(raw) if raw else latest_complete_quarter(today)
        except PeriodError as exc:
            data.update(kind=CUSTOM)  # the period in the link cannot be read: say so (and why) on the dates
            form = cls(data, today=today)
            form.bad_period = str(raw)
            form.bad_period_reason = str(exc)
            return form
        data["kind"] = period.kind
        if period.kind == CUSTOM:
            for name, day in (("start", period.start), ("end", period.end)):
                data.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
        else:
            data[period.kind] = period.key
        return cls(data, today=today)  # an older period from a link is still a valid choice (PeriodChoiceField)

    bad_period = ""
    bad_period_reason = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.bad_period:
            reason = f" {self.bad_period_reason.rstrip('.')}." if self.bad_period_reason else ""
            self.add_error(
                "start",
                f"The period in the link cannot be read.{reason} Enter the start and end dates, or choose a period",
            )
            return data
        kind = data.get("kind")
        period: Period | None = None
        if kind in (MONTH, QUARTER, YEAR):
            key = data.get(kind)
            if not key and kind not in self.errors:
                self.add_error(kind, f"Choose a {self.fields[kind].label.lower()}")  # type: ignore[union-attr]
            elif key:
                period = parse_period(key)
        elif kind == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", "Enter the start date")
            if end is None and "end" not in self.errors:
                self.add_error("end", "Enter the end date")
            if start and end:
                try:
                    period = parse_period(f"{start.isoformat()}..{end.isoformat()}")
                except PeriodError as exc:
                    self.add_error("end", str(exc).rstrip("."))
        data["period"] = period
        if not self.errors:
            data["filters"] = Filters.from_query(
                {name: str(data.get(name) or "") for name in ("team", "locality", "level", "worker")}
            )
        return data


# --- benchmarks ------------------------------------------------------------------------------------------
def figure_labels(measure: Measure) -> dict[str, str]:
    """Words for each figure key of a measure, from its definition (no data needed)."""
    labels: dict[str, str] = {}
    if isinstance(measure, RatioMeasure):
        first, second = measure.parts[0], measure.parts[1]
        return {first.key: first.label, second.key: second.label, "ratio": f"{first.label} per {second.label.lower()}"}
    if isinstance(measure, EventMeasure):
        labels["total"] = measure.total_label
        labels.update((part.key, part.label) for part in measure.parts)
        if measure.distribution:
            words = measure.distribution[1]
            labels.update(median=f"Median {words}", q1=f"Lower quartile {words}", q3=f"Upper quartile {words}")
    elif isinstance(measure, StockMeasure):
        labels["total"] = measure.total_label
        labels.update((part.key, part.label) for part in measure.parts)
        labels["rate"] = "Rate per 10,000 children"
    elif isinstance(measure, CaseloadMeasure):
        labels.update(average="Average open cases per worker", cases="Open allocated cases", workers="Workers")
    elif isinstance(measure, AgencyMeasure):
        labels.update(agency="Agency social workers", total="Social workers in post")
    return {key: labels.get(key, key.replace("_", " ").capitalize()) for key in measure.figure_keys()}


def figure_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every figure of every measure, grouped by measure, as `measure:figure`."""
    return [
        (measure.title, [(f"{measure.key}:{key}", label) for key, label in figure_labels(measure).items()])
        for measure in MEASURES.values()
    ]


class BenchmarkForm(forms.Form):
    """A target or comparator figure: which figure of which measure, what kind, its value, year and source."""

    figure = forms.ChoiceField(
        label="Measure and figure",
        error_messages={"required": "Choose the figure", "invalid_choice": "Choose a figure from the list"},
    )
    kind = forms.ChoiceField(
        label="Kind of figure",
        choices=Benchmark.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of figure", "invalid_choice": "Choose the kind of figure"},
    )
    value = forms.DecimalField(
        label="Value",
        help_text="A percentage as a number without the % sign, like 22.5; a rate per 10,000 children, like 42.1.",
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the value",
            "invalid": "Enter the value as a number, like 22.5",
            "max_decimal_places": "Enter the value with no more than 2 decimal places",
            "max_digits": "Enter a smaller value",
            "max_whole_digits": "Enter a smaller value",
        },
    )
    year = forms.CharField(
        label="Year",
        help_text="The financial year the figure is for, like 2024-25.",
        max_length=7,
        error_messages={"required": "Enter the year, like 2024-25", "max_length": "Enter the year like 2024-25"},
    )
    source = forms.CharField(
        label="Source",
        help_text="Where the figure comes from, like DfE Children in need 2025 or the council plan 2024-27.",
        max_length=300,
        error_messages={
            "required": "Enter where the figure comes from",
            "max_length": "Source must be 300 characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Benchmark | None = None, **kwargs: Any):
        if instance is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "figure": f"{instance.measure}:{instance.figure}",
                "kind": instance.kind,
                "value": instance.value,
                "year": instance.year,
                "source": instance.source,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["figure"].choices = figure_choices()  # type: ignore[attr-defined]

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        if problem := year_error(year):
            raise forms.ValidationError(problem)
        return year

    def clean_value(self) -> Any:
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError("The value cannot be negative")
        return value

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the benchmark services take it."""
        measure, figure = self.cleaned_data["figure"].split(":", 1)
        return {
            "measure": measure,
            "figure": figure,
            "kind": self.cleaned_data["kind"],
            "value": self.cleaned_data["value"],
            "year": self.cleaned_data["year"],
            "source": self.cleaned_data["source"],
        }
