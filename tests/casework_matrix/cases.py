"""Role-matrix rows for the casework case, duty-bank and work-tray URLs (merged by test_permission_coverage).

`build(world)` runs first of the casework builders: it gives the social worker's child (`world.own`) an open
level 4 case allocated to the social worker (`world.case`, with its CIN episode `world.episode`) and puts a
level 3 case for another child in the duty bank (`world.duty_case`).
"""

from __future__ import annotations

import datetime
from typing import Any

CASE = {"pk": lambda w: w.case.pk}
DUTY = {"pk": lambda w: w.duty_case.pk}
# Step down and close use a case of their own: other areas' builders add unauthorised work to world.case.
CLOSABLE = {"pk": lambda w: w.closable_case.pk}
WORK = "403 200 200 403 403 403 403 403 403 302"
MANAGER = "403 403 200 403 403 403 403 403 403 302"
VIEW = "403 200 200 403 200 403 403 403 403 302"
API_WORK = "403 200 200 403 403 403 403 403 403 401"
API_MANAGER = "403 403 200 403 403 403 403 403 403 401"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_LIST = "403 200 200 200 200 403 403 403 403 401"


def _version(case: Any) -> int:
    return int(type(case).objects.get(pk=case.pk).version)


MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "casework:my_work": ("get", {}, None, WORK),
    "casework:team": ("get", {}, None, MANAGER),
    "casework:duty_bank": ("get", {}, None, MANAGER),
    "casework:case": ("get", CASE, None, VIEW),
    "casework:allocate": ("get", DUTY, None, MANAGER),
    "casework:reallocate": ("get", CASE, None, MANAGER),
    "casework:step_up": ("get", DUTY, None, MANAGER),
    "casework:step_down": ("get", CASE, None, MANAGER),
    "casework:close": ("get", CASE, None, MANAGER),
    "casework:link_siblings": ("get", CASE, None, WORK),
    "api:case-list": ("get", {}, None, API_LIST),
    "api:case-detail": ("get", CASE, None, API_VIEW),
    "api:case-duty-bank": ("get", {}, None, API_MANAGER),
    "api:case-allocate": (
        "post",
        DUTY,
        lambda w: {"worker": str(w.colleague.pk), "version": _version(w.duty_case)},
        API_MANAGER,
    ),
    "api:case-reallocate": (
        "post",
        CASE,
        lambda w: {"worker": str(w.cp_worker.pk), "reason": "Moved to child protection", "version": _version(w.case)},
        API_MANAGER,
    ),
    "api:case-step-up": (
        "post",
        DUTY,
        lambda w: {
            "requested_by": str(w.sw.pk),
            "reason": "Concerns grew",
            "changed_on": datetime.date.today().isoformat(),
            "referral_source": "2A",
            "primary_need": "N1",
            "version": _version(w.duty_case),
        },
        API_MANAGER,
    ),
    "api:case-step-down": (
        "post",
        CLOSABLE,
        lambda w: {
            "to_level": 3,
            "requested_by": str(w.sw.pk),
            "reason": "Risks reduced",
            "changed_on": datetime.date.today().isoformat(),
            "closure_reason": "RC9",
            "version": _version(w.closable_case),
        },
        API_MANAGER,
    ),
    "api:case-close": (
        "post",
        CLOSABLE,
        lambda w: {
            "closure_reason": "RC9",
            "step_down_to": "early_help",
            "closing_summary": "Family hub continues",
            "closed_on": datetime.date.today().isoformat(),
            "version": _version(w.closable_case),
        },
        API_MANAGER,
    ),
    "api:case-link-siblings": (
        "post",
        CASE,
        lambda w: {"cases": [str(w.sibling_case.pk)], "version": _version(w.case)},
        API_WORK,
    ),
    "api:work-tray-list": ("get", {}, None, API_WORK),
    "api:work-tray-team": ("get", {}, None, API_MANAGER),
}


def build(world: Any) -> None:
    from familyhelp.casework.models import Allocation, Case, CINEpisode
    from familyhelp.people.tests.factories import ChildFactory

    today = datetime.date.today()
    world.case = Case.objects.create(
        reference="CASE9000001",
        person=world.own,
        level=4,
        status="open",
        opened_on=today - datetime.timedelta(days=20),
        team=world.sw.team,
        worker=world.sw,
        allocated_on=today - datetime.timedelta(days=19),
    )
    Allocation.objects.create(
        case=world.case,
        worker=world.sw,
        team=world.sw.team,
        started_on=world.case.allocated_on,
        allocated_by=world.manager,
        reason="Allocated from the duty bank",
    )
    world.episode = CINEpisode.objects.create(
        case=world.case,
        person=world.own,
        referral_date=world.case.opened_on,
        referral_source="2A",
        primary_need="N1",
    )
    # A brother in the same family with an open case the social worker also holds (for linking siblings).
    family = getattr(world, "family", None)
    if family is not None:
        from familyhelp.people.models import FamilyMember, ProfessionalInvolvement

        world.sibling = ChildFactory(given_names="Kit", family_name="O'Brien")
        FamilyMember.objects.create(family=family, person=world.sibling, role="child")
        ProfessionalInvolvement.objects.create(
            person=world.sibling, worker=world.sw, role="allocated_worker", start_date=world.case.allocated_on
        )
        world.sibling_case = Case.objects.create(
            reference="CASE9000003",
            person=world.sibling,
            level=3,
            status="open",
            opened_on=world.case.opened_on,
            team=world.sw.team,
            worker=world.sw,
            allocated_on=world.case.allocated_on,
        )
    from familyhelp.people.models import ProfessionalInvolvement as Involvement

    closable_child = ChildFactory(given_names="Aoife", family_name="Ní Bhriain")
    Involvement.objects.create(
        person=closable_child, worker=world.sw, role="allocated_worker", start_date=world.case.allocated_on
    )
    world.closable_case = Case.objects.create(
        reference="CASE9000004",
        person=closable_child,
        level=4,
        status="open",
        opened_on=world.case.opened_on,
        team=world.sw.team,
        worker=world.sw,
        allocated_on=world.case.allocated_on,
    )
    CINEpisode.objects.create(
        case=world.closable_case,
        person=closable_child,
        referral_date=world.case.opened_on,
        referral_source="2A",
        primary_need="N1",
    )
    world.duty_child = ChildFactory(given_names="Zoë", family_name="Nguyễn")
    world.duty_case = Case.objects.create(
        reference="CASE9000002",
        person=world.duty_child,
        level=3,
        opened_on=today - datetime.timedelta(days=2),
    )
