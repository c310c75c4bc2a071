"""Reads of services and referrals. A referral names a child, so opening one is written to the access log."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.people.permissions import person_access
from familyhelp.specialist.models import Service, ServiceReferral, ShortBreakAdmission
from familyhelp.specialist.permissions import (
    can_coordinate_service,
    can_list_services,
    can_view_referral,
    scope_referrals,
)
from familyhelp.specialist.transitions import OPEN_NOT_STARTED

S = ServiceReferral.Status


def service_list_for_user(user: Any, *, include_inactive: bool = False) -> QuerySet[Service]:
    """The catalogue (inactive services only for those who maintain it)."""
    if not can_list_services(user):
        raise PermissionDenied("You cannot see the services catalogue.")
    qs = Service.objects.select_related("team").order_by("name")
    return qs if include_inactive else qs.filter(is_active=True)


def service_get(pk: Any) -> Service:
    """One service of the catalogue (not personal data: no access log)."""
    try:
        return Service.objects.select_related("team").get(pk=pk)
    except (Service.DoesNotExist, ValueError, ValidationError) as exc:  # a malformed id too
        raise Http404("No such service") from exc


def referral_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the service referral") -> ServiceReferral:
    """One referral the user may see (its coordinator, or someone who may see the case); the read is logged."""
    try:
        referral = ServiceReferral.objects.select_related(
            "service", "service__team", "case", "person", "requested_by", "decided_by", "ended_by"
        ).get(pk=pk)
    except (ServiceReferral.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such referral") from exc
    if not can_view_referral(user, referral):
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            person=referral.person,
            obj=referral,
            basis="none",
            reason="service referral not in scope",
        )
        raise PermissionDenied("You cannot see this referral.")
    basis = (
        "service"
        if can_coordinate_service(user, referral.service)
        else (person_access(user, referral.person).basis or "none")
    )
    access_log_record(
        actor=user,
        action=AccessLog.Action.VIEW,
        person=referral.person,
        obj=referral,
        basis=str(basis),
        reason=purpose,
    )
    return referral


def referral_list_for_user(user: Any) -> QuerySet[ServiceReferral]:
    """Referrals the user may see, newest first."""
    return (
        scope_referrals(user, ServiceReferral.objects.all())
        .select_related("service", "case", "person", "requested_by")
        .order_by("-requested_on", "-created_at")
    )


def referrals_for_case(case: Any) -> QuerySet[ServiceReferral]:
    """The referrals made from a case (shown on the case page to those who may see it)."""
    return ServiceReferral.objects.filter(case=case).select_related("service").order_by("-requested_on")


# --- the coordinator's view of a service -----------------------------------------------------------------
@dataclass(frozen=True)
class WaitingRow:
    referral: ServiceReferral
    waiting_days: int


@dataclass(frozen=True)
class Capacity:
    capacity: int | None
    used: int
    unit: str

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.used, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.used >= self.capacity


def capacity_used(service: Service, on: date | None = None) -> Capacity:
    """Cases: referrals started and not ended. Beds: children in a short-break bed on the day."""
    on = on or clock.today()
    if service.capacity_unit == Service.CapacityUnit.BEDS:
        used = ShortBreakAdmission.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), referral__service=service, admitted_on__lte=on
        ).count()
    else:
        used = ServiceReferral.objects.filter(service=service, status=S.STARTED).count()
    return Capacity(capacity=service.capacity, used=used, unit=service.capacity_unit)


def waiting_list(service: Service, today: date | None = None) -> list[WaitingRow]:
    """Referrals not yet started (requested, accepted or waiting), oldest first, with days waited so far."""
    today = today or clock.today()
    qs = (
        ServiceReferral.objects.filter(service=service, status__in=OPEN_NOT_STARTED)
        .select_related("person", "requested_by", "service")
        .order_by("requested_on", "created_at")
    )
    return [WaitingRow(r, (today - r.requested_on).days) for r in qs]


def referrals_for_service(service: Service, statuses: tuple[str, ...]) -> QuerySet[ServiceReferral]:
    return (
        ServiceReferral.objects.filter(service=service, status__in=statuses)
        .select_related("person", "requested_by", "service")
        .order_by("-requested_on")
    )


# --- short breaks: occupancy ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OccupancyRow:
    month: date  # the first of the month
    days: int
    beds: int
    bed_nights: int
    planned: int
    emergency: int
    crisis: int

    @property
    def available(self) -> int:
        return self.beds * self.days

    @property
    def percent(self) -> float | None:
        return 100.0 * self.bed_nights / self.available if self.available else None


def _nights_in(admitted: date, left: date, first: date, last: date) -> int:
    """Nights of a stay [admitted, left) falling on days first..last (a night belongs to the day it starts)."""
    start = max(admitted, first)
    end = min(left, last + timedelta(days=1))
    return max((end - start).days, 0)


def occupancy(service: Service, year: int, *, today: date | None = None) -> list[OccupancyRow]:
    """Each month of the year: bed-nights used ÷ (beds × days in the month), and admissions by kind.

    A stay's nights are the days from admission up to (not including) the day the child left; a stay not yet
    ended counts up to today. Admissions count in the month they began.
    """
    today = today or clock.today()
    beds = service.capacity or 0
    first_of_year, last_of_year = date(year, 1, 1), date(year, 12, 31)
    stays = list(
        ShortBreakAdmission.objects.filter(referral__service=service, admitted_on__lte=last_of_year)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first_of_year))
        .values_list("admitted_on", "left_on", "kind")
    )
    rows = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        nights = sum(_nights_in(a, left or today, first, last) for a, left, _ in stays)
        kinds = {
            k: sum(1 for a, _l, kind in stays if kind == k and first <= a <= last)
            for k in ("planned", "emergency", "crisis")
        }
        rows.append(OccupancyRow(first, last.day, beds, nights, kinds["planned"], kinds["emergency"], kinds["crisis"]))
    return rows
