"""Users (workers and partner agency users), restricted-record grants, break-glass and notifications."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.accounts.roles import (
    INTEGRATION_ROLE,
    INTEGRATION_ROLE_LABEL,
    ROLE_SCOPE,
    ROLE_VERBS,
    Role,
    Scope,
    scope_verbs,
)
from familyhelp.core import clock
from familyhelp.core.models import BaseModel, VersionedModel


class User(AbstractUser):
    """A person who signs in: a council worker or a partner agency user.

    An integration account (a council's script, ADR 0016) also has a User row, with the role
    `integration`: it authenticates with a token only and never signs in to the web interface.
    """

    class JobRole(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
        FAMILY_HELP_PRACTITIONER = "family_help_practitioner", "Family help practitioner"
        TEAM_MANAGER = "team_manager", "Team manager"
        MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
        SPECIALIST_COORDINATOR = "specialist_coordinator", "Specialist coordinator"
        ANALYST = "analyst", "Analyst"
        ADMINISTRATOR = "administrator", "Administrator"
        SENIOR_LEADER = "senior_leader", "Senior leader"
        AUDITOR = "auditor", "Information governance officer"
        PARTNER = "partner", "Partner agency worker"

    class Employment(models.TextChoices):
        PERMANENT = "permanent", "Permanent"
        AGENCY = "agency", "Agency"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=40, choices=[*Role.choices, (INTEGRATION_ROLE, INTEGRATION_ROLE_LABEL)])
    scope_override = models.CharField(
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text="Leave blank to use the role's usual record scope.",
    )
    job_role = models.CharField(
        max_length=40, choices=[*JobRole.choices, (INTEGRATION_ROLE, "Not a person (integration account)")]
    )
    team = models.ForeignKey(
        "organisation.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    partner_agency = models.ForeignKey(
        "organisation.PartnerAgency", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    swe_number = models.CharField(
        "Social Work England number",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^SW\d{1,7}$", "Enter the Social Work England number, like SW123456")],
    )
    employment = models.CharField(max_length=20, choices=Employment.choices, default=Employment.PERMANENT)
    fte = models.DecimalField(
        "full-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    phone = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(partner_agency__isnull=False),
                name="user_partner_has_agency",
                violation_error_message="A partner agency user must belong to a partner agency.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def verbs(self) -> frozenset[str]:
        """The verbs this user's role grants (none when inactive); an integration account's come from its
        scopes (none once it is deactivated)."""
        if not self.is_active:
            return frozenset()
        if self.role == INTEGRATION_ROLE:
            account = getattr(self, "integration_account", None)
            return scope_verbs(account.scopes) if account is not None and account.is_active else frozenset()
        return ROLE_VERBS.get(self.role, frozenset())

    @property
    def scope(self) -> str:
        """The record scope in force: the override if set, otherwise the role's."""
        return self.scope_override or ROLE_SCOPE.get(self.role, Scope.NONE)

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_integration(self) -> bool:
        """True for an integration account's User row (a script, not a person)."""
        return self.role == INTEGRATION_ROLE


class IntegrationAccount(VersionedModel):
    """A council's own script (a data load, a BI refresh, an import) that calls the API with a token.

    Its identity for authentication, permissions and the access log is `user` (role `integration`, no
    usable password). Tokens are django-rest-knox AuthTokens of that user: hashed, with an expiry.
    """

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="integration_account")
    name = models.CharField(max_length=100, unique=True)
    purpose = models.TextField(blank=True, help_text="What the script does and who in the council looks after it.")
    scopes = models.JSONField(
        default=list, help_text="Named scopes, each granting fixed API verbs (roles.SCOPE_VERBS)."
    )
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="integration_accounts_deactivated"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RestrictedAccessGrant(BaseModel):
    """A named person allowed to see a restricted record."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_grants")
    reason = models.TextField()
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants_given")
    granted_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="grants_revoked")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_one_active_per_user",
            )
        ]


class BreakGlassAccess(BaseModel):
    """A user opened a restricted record without a grant, giving a reason. Alerts the record's manager."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="break_glass_accesses")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_accesses")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "user", "expires_at"])]


class Notification(BaseModel):
    """A message in a user's work tray (for example a break-glass alert to a manager)."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Break-glass access"
        ACCESS_GRANTED = "access_granted", "Access granted"
        REFERRAL_OUTCOME = "referral_outcome", "Outcome of a referral"
        AUTHORISATION = "authorisation", "A decision to authorise"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.TextField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
