"""Builders for panel tests: a case for the social worker's child, sittings, requests in each state."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from familyhelp.casework.models import Case
from familyhelp.panels.models import Panel, PanelRequest

_refs = itertools.count(1)


def open_case(person: Any, worker: Any, *, opened: datetime.date = datetime.date(2025, 1, 6)) -> Case:
    """An open level 4 case held by `worker`."""
    return Case.objects.create(
        reference=f"PNLCASE{next(_refs)}",
        person=person,
        level=4,
        status=Case.Status.OPEN,
        opened_on=opened,
        team=worker.team,
        worker=worker,
        allocated_on=opened,
    )


def sitting(*, kind: str = "resource", sits_on: datetime.date, chair: Any, status: str = "scheduled") -> Panel:
    """A panel sitting (held ones get a held time)."""
    return Panel.objects.create(
        kind=kind,
        sits_on=sits_on,
        chair=chair,
        status=status,
        held_at=datetime.datetime.combine(sits_on, datetime.time(12), tzinfo=datetime.UTC)
        if status == "held"
        else None,
    )


def submitted_request(
    case: Case,
    by: Any,
    *,
    ask: str = "short_break",
    urgency: str = "routine",
    requested_on: datetime.date = datetime.date(2025, 3, 3),
    **kwargs: Any,
) -> PanelRequest:
    """A request as if made through request_make (no chronology)."""
    kind = "admission_to_care" if ask == "admission_to_care" else "resource"
    return PanelRequest.objects.create(
        case=case,
        person=case.person,
        panel_kind=kind,
        ask=ask,
        reason="The family is at breaking point",
        urgency=urgency,
        requested_by=by,
        requested_on=requested_on,
        **kwargs,
    )
