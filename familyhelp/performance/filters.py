"""The filters a performance view applies: team, locality, level and worker (any combination)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields

DIMENSIONS = ("team", "locality", "level", "worker")


class FilterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Filters:
    team: str | None = None  # organisation.Team id (uuid hex, no dashes)
    locality: str | None = None  # organisation.Locality id
    level: int | None = None  # 1-4
    worker: str | None = None  # accounts.User id

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """Read filters from GET parameters; raise FilterError naming the field that is wrong."""
        values: dict[str, object] = {}
        for name in ("team", "locality", "worker"):
            raw = (query.get(name) or "").strip()
            if raw:
                try:
                    values[name] = uuid.UUID(raw).hex
                except ValueError as exc:
                    raise FilterError(name, f"Choose a {name} from the list.") from exc
        raw_level = (query.get("level") or "").strip()
        if raw_level:
            if raw_level not in {"1", "2", "3", "4"}:
                raise FilterError("level", "Choose a level from 1 to 4.")
            values["level"] = int(raw_level)
        return cls(**values)  # type: ignore[arg-type]

    def active(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    def as_query(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.active().items()}

    def __bool__(self) -> bool:
        return bool(self.active())

    def describe(self) -> str:
        """Words for the filters, naming teams, localities and workers (staff, never children)."""
        from familyhelp.accounts.models import User
        from familyhelp.organisation.models import Locality, Team

        parts = []
        if self.locality:
            parts.append(
                f"Locality: {Locality.objects.filter(pk=self.locality).values_list('name', flat=True).first()}"
            )
        if self.team:
            parts.append(f"Team: {Team.objects.filter(pk=self.team).values_list('name', flat=True).first()}")
        if self.level:
            parts.append(f"Level {self.level}")
        if self.worker:
            user = User.objects.filter(pk=self.worker).first()
            parts.append(f"Worker: {user.get_full_name() if user else 'unknown'}")
        return "; ".join(parts) or "Whole council"
