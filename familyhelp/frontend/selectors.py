"""The work tray: what each role sees on its home page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q

from familyhelp.accounts import roles
from familyhelp.accounts.models import Notification, User
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.core import clock
from familyhelp.organisation.selectors import caseload_filter
from familyhelp.people.models import Person, ProfessionalInvolvement


@dataclass
class TraySection:
    """One block of the work tray: a heading, rows, and what to say when there are none."""

    key: str
    title: str
    empty_message: str
    rows: list[Any] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def _active(qs: Any) -> Any:
    today = clock.today()
    return qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def work_tray_for_user(user: Any) -> list[TraySection]:
    """The sections of the user's work tray, by role."""
    sections: list[TraySection] = []
    notifications = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("person")[:20]
    )
    sections.append(TraySection("notifications", "Notifications", "You have no new notifications.", notifications))
    if user.role == roles.Role.PARTNER:
        referred = list(
            Person.objects.filter(involvements__worker=user, involvements__role="referrer")
            .distinct()
            .order_by("family_name")[:50]
        )
        sections.append(
            TraySection("referred", "Children you referred", "You have not referred any children yet.", referred)
        )
        from familyhelp.taf.selectors import taf_tray_rows

        sections.append(
            TraySection(
                "taf_actions",
                "My team around the family actions",
                "You have no open team around the family actions.",
                taf_tray_rows(user),
            )
        )
        return sections
    if has_verb(user, roles.VIEW_PERSON):
        mine = list(
            _active(
                ProfessionalInvolvement.objects.filter(worker=user, role__in=ProfessionalInvolvement.CASELOAD_ROLES)
            )
            .select_related("person")
            .order_by("person__family_name", "person__given_names")[:200]
        )
        sections.append(TraySection("caseload", "Children I work with", "No children are allocated to you.", mine))
    if user.role in (roles.Role.TEAM_MANAGER, roles.Role.SENIOR_LEADER) and user.team_id:
        team_filter = Q(team=user.team) if user.role == roles.Role.TEAM_MANAGER else Q(team__service=user.team.service)
        workers = list(
            User.objects.filter(team_filter, is_active=True)
            .annotate(
                caseload=Count("involvements__person", filter=caseload_filter(), distinct=True)
            )
            .order_by("last_name", "first_name")
        )
        sections.append(TraySection("team", "Team caseloads", "There are no workers in your team.", workers))
    if user.role == roles.Role.AUDITOR:
        since = clock.now() - timedelta(days=30)
        events = list(
            AccessLog.objects.filter(
                action__in=[AccessLog.Action.BREAK_GLASS, AccessLog.Action.DENIED], at__gte=since
            ).order_by("-at")[:50]
        )
        users = {u.pk: u for u in User.objects.filter(pk__in={e.user_id for e in events if e.user_id})}
        for e in events:
            e.user_display = str(users.get(e.user_id, "Unknown user")) if e.user_id else "Unknown user"  # type: ignore[attr-defined]
        sections.append(
            TraySection(
                "access",
                "Break-glass and refused access in the last 30 days",
                "No one has broken glass or been refused access in the last 30 days.",
                events,
            )
        )
    if user.role == roles.Role.ADMINISTRATOR:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
        need = list(User.objects.filter(is_active=True, role__in=["administrator"]).exclude(pk__in=with_device)[:50])
        sections.append(
            TraySection(
                "otp",
                "Administrators who have not set up two-factor authentication",
                "Every administrator has set up two-factor authentication.",
                need,
            )
        )
    if user.role == roles.Role.ANALYST:
        sections.append(
            TraySection(
                "figures",
                "The council at a glance",
                "There are no figures yet.",
                [
                    ("Children's records", Person.objects.filter(kind=Person.Kind.CHILD).count()),
                    (
                        "Active workers",
                        User.objects.filter(is_active=True)
                        .exclude(role__in=[roles.Role.PARTNER, roles.INTEGRATION_ROLE])
                        .count(),
                    ),
                ],
            )
        )
    return sections
