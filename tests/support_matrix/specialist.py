"""Role-matrix rows for the specialist app (merged by test_permission_coverage).

`build(world)` adds an FGC service and a short-breaks service coordinated by the specialist's team, a requested
FGC referral for the social worker's child (`world.sp_referral`, from `world.case`) and a started short-breaks
referral with an open admission (`world.sp_break`, `world.sp_admission`).
"""

from __future__ import annotations

import datetime
from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
SERVICE = {"pk": lambda w: w.sp_fgc.pk}
BREAKS = {"pk": lambda w: w.sp_breaks.pk}
CASE = {"pk": lambda w: w.case.pk}
REFERRAL = {"pk": lambda w: w.sp_referral.pk}
BREAK = {"pk": lambda w: w.sp_break.pk}
ADMISSION = {"pk": lambda w: w.sp_break.pk, "admission_pk": lambda w: w.sp_admission.pk}
LIST = "403 200 200 200 200 403 200 403 403 302"
MANAGE = "403 403 403 403 403 403 200 403 403 302"
COORDINATE = "403 403 403 200 403 403 403 403 403 302"
WORK = "403 200 200 403 403 403 403 403 403 302"
VIEW_REFERRAL = "403 200 200 200 200 403 403 403 403 302"
API_LIST = "403 200 200 200 200 403 200 403 403 401"
API_MANAGE_400 = "403 403 403 403 403 403 400 403 403 401"
API_COORDINATE = "403 403 403 200 403 403 403 403 403 401"
API_COORDINATE_400 = "403 403 403 400 403 403 403 403 403 401"
API_VIEW = "403 200 200 200 200 403 403 403 403 401"
API_WORK_400 = "403 400 400 403 403 403 403 403 403 401"
EMPTY = lambda w: {}  # noqa: E731  -- an empty body: refused by role first, then by validation

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "specialist:services": ("get", {}, None, LIST),
    "specialist:service": ("get", SERVICE, None, LIST),
    "specialist:service_add": ("get", {}, None, MANAGE),
    "specialist:service_edit": ("get", SERVICE, None, MANAGE),
    "specialist:coordinate": ("get", BREAKS, None, COORDINATE),
    "specialist:refer": ("get", CASE, None, WORK),
    "specialist:referral": ("get", REFERRAL, None, VIEW_REFERRAL),
    "specialist:referral_decide": ("get", REFERRAL, None, COORDINATE),
    "specialist:referral_start": ("get", REFERRAL, None, COORDINATE),
    "specialist:referral_end": ("get", BREAK, None, COORDINATE),
    "specialist:referral_details": ("get", REFERRAL, None, COORDINATE),
    "specialist:referral_withdraw": ("get", REFERRAL, None, WORK),
    "specialist:contact_add": ("get", BREAK, None, COORDINATE),
    "specialist:admission_add": ("get", BREAK, None, COORDINATE),
    "specialist:admission_leave": ("get", ADMISSION, None, COORDINATE),
    "api:specialist-service-list": ("get", {}, None, API_LIST),
    "api:specialist-service-detail": ("get", SERVICE, None, API_LIST),
    "api:specialist-service-outcomes": ("get", SERVICE, None, API_LIST),
    "api:specialist-service-waiting-list": ("get", SERVICE, None, API_COORDINATE),
    "api:specialist-service-occupancy": ("get", BREAKS, None, API_COORDINATE),
    "api:service-referral-list": ("get", {}, None, API_VIEW),
    "api:service-referral-detail": ("get", REFERRAL, None, API_VIEW),
    "api:service-referral-decide": ("post", REFERRAL, EMPTY, API_COORDINATE_400),
    "api:service-referral-start": ("post", REFERRAL, EMPTY, API_COORDINATE_400),
    "api:service-referral-end": ("post", BREAK, EMPTY, API_COORDINATE_400),
    "api:service-referral-details": ("post", REFERRAL, EMPTY, API_COORDINATE_400),
    "api:service-referral-contacts": ("post", BREAK, EMPTY, API_COORDINATE_400),
    "api:service-referral-admissions": ("post", BREAK, EMPTY, API_COORDINATE_400),
    "api:service-referral-withdraw": ("post", REFERRAL, EMPTY, API_WORK_400),
    "api:short-break-admission-list": ("get", {}, None, API_COORDINATE),
    "api:short-break-admission-leave": ("post", {"pk": lambda w: w.sp_admission.pk}, EMPTY, API_COORDINATE_400),
}


def build(world: Any) -> None:
    """Services coordinated by the specialist's team, a requested FGC referral and a started short break."""
    from familyhelp.specialist.models import Service, ServiceReferral, ShortBreakAdmission

    today = datetime.date.today()
    team = world.specialist.team
    world.sp_fgc = Service.objects.create(name="Family group conferences", kind="fgc", team=team, capacity=10)
    world.sp_breaks = Service.objects.create(
        name="Short breaks", kind="short_breaks", team=team, capacity=4, capacity_unit="beds"
    )
    world.sp_referral = ServiceReferral.objects.create(
        service=world.sp_fgc,
        case=world.case,
        person=world.own,
        reason="Family network meeting",
        requested_by=world.sw,
        requested_on=today,
    )
    world.sp_break = ServiceReferral.objects.create(
        service=world.sp_breaks,
        case=world.case,
        person=world.own,
        reason="Respite",
        requested_by=world.sw,
        requested_on=today - datetime.timedelta(days=5),
        status="started",
        started_on=today - datetime.timedelta(days=3),
    )
    world.sp_admission = ShortBreakAdmission.objects.create(
        referral=world.sp_break, admitted_on=today - datetime.timedelta(days=1), kind="planned"
    )
