"""Reads of personal data for the dashboard's drill-down: which of the records behind a figure the user may
see (through the casework, front-door and organisation selectors' own scopes), and those records' rows."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.models import Case
from familyhelp.casework.trays import case_list_for_user
from familyhelp.frontdoor.models import Contact
from familyhelp.frontdoor.permissions import can_view_contact

from .measures import Records

CHUNK = 2000  # ids per IN (...) list: well under every database's parameter limit


@dataclass
class Listing:
    """The records behind a figure as the user may see them: the visible ids in display order, and how many
    others there are (counted, never listed)."""

    kind: str
    visible: list[uuid.UUID]
    hidden: int

    @property
    def total(self) -> int:
        return len(self.visible) + self.hidden


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _base(user: Any, kind: str) -> QuerySet[Any]:
    if kind == "case":
        return case_list_for_user(user)  # the casework lists' scope: children in the user's record scope
    if kind == "contact":
        return Contact.objects.all() if has_verb(user, roles.VIEW_CONTACT) else Contact.objects.none()
    if kind == "user":
        return User.objects.all() if has_verb(user, roles.VIEW_ORGANISATION) else User.objects.none()
    raise ValueError(kind)


SORT = {"case": ("reference",), "contact": ("received_at", "reference"), "user": ("last_name", "first_name")}


def drilldown_listing_for_user(user: Any, records: Records) -> Listing:
    """Split the records into those the user may see (sorted as listed) and a count of the rest. A record the
    figure counts more than once (a case with two referrals in the period) is listed, or counted, as often,
    so the listing's total is the figure."""
    times = Counter(records.ids)
    ids = [uuid.UUID(hex_id) for hex_id in times]
    base = _base(user, records.kind)
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        if records.kind == "contact":
            found = list(base.filter(pk__in=chunk).values_list(*SORT["contact"], "pk", "child__is_restricted"))
            rows += [row[:-1] for row in found if not row[-1]]
            restricted = [row[-2] for row in found if row[-1]]
            for contact in Contact.objects.filter(pk__in=restricted).select_related("child"):
                if can_view_contact(user, contact):
                    rows.append((contact.received_at, contact.reference, contact.pk))
        else:
            rows += list(base.filter(pk__in=chunk).values_list(*SORT[records.kind], "pk"))
    rows.sort(key=lambda row: tuple("" if v is None else v for v in row[:-1]))
    visible = [row[-1] for row in rows for _ in range(times[row[-1].hex])]
    return Listing(records.kind, visible, records.total - len(visible))


def drilldown_rows(kind: str, page_ids: Iterable[uuid.UUID]) -> list[Any]:
    """The records of one page (already known to be visible), in the order given."""
    page_ids = list(page_ids)
    if kind == "case":
        qs: QuerySet[Any] = Case.objects.select_related("person", "team", "worker")
    elif kind == "contact":
        qs = Contact.objects.select_related("child")
    else:
        qs = User.objects.select_related("team")
    found = {obj.pk: obj for obj in qs.filter(pk__in=page_ids)}
    return [found[pk] for pk in page_ids if pk in found]
