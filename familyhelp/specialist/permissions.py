"""Who may do what with specialist services and referrals. Views check these; services check them again.

Coordinators (COORDINATE_SERVICE) work the referrals to the services their own team coordinates; they see the
referral (the child's name, age and the reason), never the case file. Practitioners refer from a case they
may work (WORK_CASE, child in scope) and see the referrals of cases they may see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework.permissions import can_view_case, can_work_case
from familyhelp.specialist.models import Service, ServiceReferral


def can_list_services(user: Any) -> bool:
    """The catalogue: practitioners, coordinators, leaders and the administrators who maintain it."""
    return has_verb(user, roles.VIEW_CASE) or has_verb(user, roles.MANAGE_SERVICES)


def can_manage_services(user: Any) -> bool:
    return has_verb(user, roles.MANAGE_SERVICES)


def can_coordinate_service(user: Any, service: Service) -> bool:
    """A coordinator of the service's own team."""
    return (
        has_verb(user, roles.COORDINATE_SERVICE)
        and service.team_id is not None
        and getattr(user, "team_id", None) == service.team_id
    )


def can_refer(user: Any, case: Any) -> bool:
    """Refer a child from a case the user may work (open, child in scope)."""
    return can_work_case(user, case)


def can_view_referral(user: Any, referral: ServiceReferral) -> bool:
    return can_coordinate_service(user, referral.service) or can_view_case(user, referral.case)


def can_withdraw_referral(user: Any, referral: ServiceReferral) -> bool:
    """The case side withdraws a referral it no longer needs (the coordinator declines instead)."""
    return can_work_case(user, referral.case)


def scope_coordinated_services(user: Any, qs: QuerySet[Service]) -> QuerySet[Service]:
    """The services the user coordinates."""
    if not has_verb(user, roles.COORDINATE_SERVICE) or getattr(user, "team_id", None) is None:
        return qs.none()
    return qs.filter(team_id=user.team_id)


def scope_referrals(user: Any, qs: QuerySet[ServiceReferral]) -> QuerySet[ServiceReferral]:
    """Referrals the user may see: to the services they coordinate, or on cases of children in their scope."""
    from familyhelp.casework.trays import case_list_for_user

    q = Q(pk__in=[])
    if has_verb(user, roles.COORDINATE_SERVICE) and getattr(user, "team_id", None) is not None:
        q |= Q(service__team_id=user.team_id)
    if has_verb(user, roles.VIEW_CASE):
        # a restricted child's referrals only with a named grant or an unexpired break-glass, as their record
        from familyhelp.accounts.models import BreakGlassAccess, RestrictedAccessGrant
        from familyhelp.core import clock

        granted = RestrictedAccessGrant.objects.filter(user=user, revoked_at__isnull=True).values("person_id")
        glass = BreakGlassAccess.objects.filter(user=user, expires_at__gt=clock.now()).values("person_id")
        opened = Q(case__person__is_restricted=False) | Q(person_id__in=granted) | Q(person_id__in=glass)
        q |= Q(case__in=case_list_for_user(user).values("pk")) & opened
    return qs.filter(q)
