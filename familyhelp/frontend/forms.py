"""GOV.UK-style form building blocks: a day/month/year date input with specific error messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class GovDateWidget(forms.Widget):
    """Three text inputs (day, month, year) named <name>_day, <name>_month, <name>_year."""

    input_type = "date_parts"
    parts = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]
    template_name = "django/forms/widgets/text.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: str(data.get(f"{name}_{part}", "")).strip() for part, _, _ in self.parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part, _, _ in self.parts)


class GovDateField(forms.Field):
    """A date entered as day, month and year, with GOV.UK error messages naming what is missing."""

    widget = GovDateWidget

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        parts = {k: (value or {}).get(k, "") for k in ("day", "month", "year")}
        label = str(self.label or "date")
        if not any(parts.values()):
            return None
        missing = [k for k in ("day", "month", "year") if not parts[k]]
        if missing:
            raise forms.ValidationError(f"{label.capitalize()} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts.values()):
            raise forms.ValidationError(f"{label.capitalize()} must be a real date, in numbers")
        if len(parts["year"]) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError as exc:
            raise forms.ValidationError(f"{label.capitalize()} must be a real date") from exc

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(f"Enter the {str(self.label or 'date').lower()}")


LATE_HELP = "Only needed when you record this more than the council's late-recording days (usually 7) after it happened"


def late_reason_field(help_text: str = LATE_HELP) -> forms.CharField:
    """The "Why is this being recorded late?" textarea every dated step's form carries. The service decides
    when a reason is needed (core.effective); the form only carries it."""
    return forms.CharField(
        label="Why is this being recorded late?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def apply_domain_errors(form: forms.BaseForm, exc: Any) -> None:
    """Put a DomainError's field messages on the form so the error summary shows them."""
    if not exc.errors:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
