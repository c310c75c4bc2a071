"""Domain errors raised by services; views and the API turn them into field-level messages."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A business rule refused the request. Carries field-level messages where they apply."""

    def __init__(self, message: str = "", *, field: str | None = None, errors: Mapping[str, list[str]] | None = None):
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        if field and message:
            self.errors.setdefault(field, []).append(message)
        self.message = message or "; ".join(m for msgs in self.errors.values() for m in msgs)
        super().__init__(self.message)

    @property
    def non_field(self) -> bool:
        """True when the error is not tied to any particular field."""
        return not self.errors


class ConcurrentEditError(DomainError):
    """Someone else saved the record after this user opened it."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Someone else changed this record after you opened it. Your changes were not saved: "
            "reload the record to see the latest version, then make your changes again."
        )


class ForbiddenError(DomainError):
    """The actor may not do this to this record (raised by services as a second check)."""


def require(condition: bool, message: str = "You do not have permission to do that.") -> None:
    """Raise ForbiddenError unless the condition holds."""
    if not condition:
        raise ForbiddenError(message)


def full_clean_or_raise(obj: object, *, exclude: list[str] | None = None) -> None:
    """Run a model's full_clean and turn Django's ValidationError into a DomainError with field messages."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    try:
        obj.full_clean(exclude=exclude)  # type: ignore[attr-defined]
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            key = "__all__" if field == NON_FIELD_ERRORS else field
            errors.setdefault(key, []).extend(messages)
        raise DomainError(errors=errors) from exc
