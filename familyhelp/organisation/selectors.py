"""Reads of the council's structure and its workers, each in a fixed number of queries.

The organisation is visible to every council role with `organisation.view_organisation`; user accounts
(with sign-in details) only to administrators. Each selector re-checks the verb.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.accounts.permissions import has_verb
from familyhelp.core import clock
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team


def _require_view(user: Any) -> None:
    if not has_verb(user, roles.VIEW_ORGANISATION):
        raise PermissionDenied("Your role cannot view the organisation.")


def _require_manage_users(user: Any) -> None:
    if not has_verb(user, roles.MANAGE_USERS):
        raise PermissionDenied("Your role cannot manage user accounts.")


def caseload_filter(prefix: str = "involvements") -> Q:
    """Q on User (via `prefix`) for involvements that put a child on the worker's caseload today."""
    from familyhelp.people.models import ProfessionalInvolvement

    today = clock.today()
    return Q(**{f"{prefix}__role__in": ProfessionalInvolvement.CASELOAD_ROLES}) & (
        Q(**{f"{prefix}__end_date__isnull": True}) | Q(**{f"{prefix}__end_date__gte": today})
    )


# --- local authority and localities -----------------------------------------------------------------


def local_authority_list_for_user(user: Any) -> QuerySet[LocalAuthority]:
    """The council (one row, as a queryset)."""
    _require_view(user)
    return LocalAuthority.objects.order_by("created_at")


def local_authority_get_for_user(user: Any, pk: Any) -> LocalAuthority:
    """The council by id (LocalAuthority.DoesNotExist if there is none)."""
    return local_authority_list_for_user(user).get(pk=pk)


def locality_list_for_user(user: Any) -> QuerySet[Locality]:
    """Localities, with how many active teams and how many schools each has."""
    _require_view(user)
    return Locality.objects.annotate(
        team_count=Count("teams", filter=Q(teams__is_active=True), distinct=True),
        school_count=Count("schools", distinct=True),
    ).order_by("name")


def locality_get_for_user(user: Any, pk: Any) -> Locality:
    """One locality, annotated as in the list."""
    return locality_list_for_user(user).get(pk=pk)


# --- teams ----------------------------------------------------------------------------------------


def team_list_for_user(user: Any, *, include_inactive: bool = False) -> QuerySet[Team]:
    """Teams with their locality and the number of active members."""
    _require_view(user)
    qs = Team.objects.select_related("locality").annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def team_get_for_user(user: Any, pk: Any) -> Team:
    """One team (open or closed), annotated as in the list."""
    return team_list_for_user(user, include_inactive=True).get(pk=pk)


# --- workers --------------------------------------------------------------------------------------


def _workers() -> QuerySet[User]:
    return (
        User.objects.exclude(role__in=[roles.Role.PARTNER, roles.INTEGRATION_ROLE])
        .select_related("team")
        .annotate(caseload=Count("involvements__person", filter=caseload_filter(), distinct=True))
    )


def worker_list_for_user(user: Any, *, team: Any = None, include_inactive: bool = False) -> QuerySet[User]:
    """Council workers with their team and caseload (children on their own caseload today)."""
    _require_view(user)
    qs = _workers()
    if team is not None:
        qs = qs.filter(team=team)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("last_name", "first_name", "username")


def worker_get_for_user(user: Any, pk: Any) -> User:
    """One council worker (active or not), with team and caseload; User.DoesNotExist for partner users."""
    _require_view(user)
    return _workers().get(pk=pk)


# --- schools and partner agencies -----------------------------------------------------------------


def school_list_for_user(user: Any, *, locality: Any = None) -> QuerySet[School]:
    """Schools with their locality, named contact and linked partner agency."""
    _require_view(user)
    qs = School.objects.select_related("locality", "named_contact", "partner_agency")
    if locality is not None:
        qs = qs.filter(locality=locality)
    return qs.order_by("name")


def school_get_for_user(user: Any, pk: Any) -> School:
    """One school."""
    return school_list_for_user(user).get(pk=pk)


def partner_agency_list_for_user(user: Any, *, include_inactive: bool = False) -> QuerySet[PartnerAgency]:
    """Partner agencies with the number of active user accounts each has."""
    _require_view(user)
    qs = PartnerAgency.objects.annotate(user_count=Count("users", filter=Q(users__is_active=True), distinct=True))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def partner_agency_get_for_user(user: Any, pk: Any) -> PartnerAgency:
    """One partner agency (open or closed)."""
    return partner_agency_list_for_user(user, include_inactive=True).get(pk=pk)


# --- user accounts (administrators) -----------------------------------------------------------------


def user_account_list_for_user(user: Any, *, include_inactive: bool = True) -> QuerySet[User]:
    """Every user account with team, agency, caseload and whether two-factor and an API token are set up.

    Integration accounts are not people: they have their own page (accounts.selectors, ADR 0016)."""
    _require_manage_users(user)
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import get_token_model

    qs = (
        User.objects.exclude(role=roles.INTEGRATION_ROLE)
        .select_related("team", "partner_agency")
        .annotate(
            caseload=Count("involvements__person", filter=caseload_filter(), distinct=True),
            has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_api_token=Exists(get_token_model().objects.filter(user=OuterRef("pk"))),
        )
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("last_name", "first_name", "username")


def user_account_get_for_user(user: Any, pk: Any) -> User:
    """One user account, annotated as in the list."""
    return user_account_list_for_user(user).get(pk=pk)
