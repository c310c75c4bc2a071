"""Resource and admission-to-care panels (issue 7 point 5; Wolverhampton, seed 003 §1.2 and §3.2).

A social worker makes a `PanelRequest` on a case (a short break, intensive family support, therapeutic
support with a cost, admission to care…). The weekly resource panel and the admission-to-care panel are
`Panel` sittings: a panel manager schedules them and builds the agenda from the submitted requests of that
kind (crisis first); members record who attended and a decision on each item (approved / declined /
deferred, with conditions and a review date). A deferred request returns to the next sitting's agenda. A
crisis request actioned out of hours is listed `retrospective` and approved at the next panel. A request
for admission to care records the support options explored (`SupportOptionExplored`) and links to the
child's specialist service referrals. Status moves are listed in `transitions.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import BaseModel, VersionedModel


class PanelKind(models.TextChoices):
    RESOURCE = "resource", "Resource panel"
    ADMISSION_TO_CARE = "admission_to_care", "Admission-to-care panel"


class Panel(VersionedModel):
    """One sitting of a panel: its date, chair, attendance and (through its requests) its agenda."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"

    kind = models.CharField(max_length=20, choices=PanelKind.choices)
    sits_on = models.DateField(db_index=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_panels")
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["sits_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sits_on"], name="panels_one_sitting_per_kind_per_day"),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(held_at__isnull=False),
                name="panels_held_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.sits_on:%d/%m/%Y}"


class PanelAttendance(BaseModel):
    """Who was at a sitting (a council user, or someone from outside named), in what role, present or not."""

    class Attendance(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_attendance"
    )
    name = models.CharField(max_length=200, blank=True)  # someone without a user account
    role = models.CharField(max_length=200)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.PRESENT)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""), name="panels_attendee_named"
            ),
            models.UniqueConstraint(
                fields=["panel", "user"], condition=models.Q(user__isnull=False), name="panels_attendee_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.name} ({self.role})"

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id else self.name


class PanelRequest(VersionedModel):
    """A request made on a case for a panel to approve support or an admission to care."""

    class Ask(models.TextChoices):
        SHORT_BREAK = "short_break", "A short break"
        INTENSIVE_FAMILY_SUPPORT = "intensive_family_support", "Intensive family support"
        FGC = "fgc", "A family group conference or family network meeting"
        THERAPEUTIC_SUPPORT = "therapeutic_support", "Therapeutic support (with a cost)"
        OTHER_SUPPORT = "other_support", "Other support"
        ADMISSION_TO_CARE = "admission_to_care", "Admission to care"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        CRISIS = "crisis", "Crisis"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ON_AGENDA = "on_agenda", "On the agenda"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="panel_requests")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="panel_requests")
    panel_kind = models.CharField(max_length=20, choices=PanelKind.choices)
    ask = models.CharField(max_length=30, choices=Ask.choices)
    detail = models.TextField(blank=True)  # what exactly: "two nights a week for six weeks"
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)  # pounds
    # A crisis out of hours: the support was put in place first and the panel approves it afterwards.
    retrospective = models.BooleanField(default=False)
    actioned_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    # The sitting whose agenda lists the request (cleared when it is deferred, until the next agenda is built).
    panel = models.ForeignKey(Panel, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    # The decision (the latest; PanelDecision keeps every one, deferrals included).
    conditions = models.TextField(blank=True)
    decision_notes = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # Admission to care: the child's specialist service referrals that were tried first.
    explored_referrals = models.ManyToManyField("specialist.ServiceReferral", blank=True, related_name="panel_requests")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-created_at"]
        indexes = [models.Index(fields=["panel_kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retrospective=False)
                | (models.Q(urgency="crisis") & models.Q(actioned_on__isnull=False)),
                name="panels_retrospective_is_crisis_actioned",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "declined"]) | models.Q(decided_at__isnull=False),
                name="panels_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="panels_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ask_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ON_AGENDA, self.Status.DEFERRED)


class SupportOption(models.TextChoices):
    """The support options a request for admission to care must show were explored."""

    FAMILY_NETWORK = "family_network", "Family network or family group conference"
    INTENSIVE_FAMILY_SUPPORT = "intensive_family_support", "Intensive family support"
    SHORT_BREAKS = "short_breaks", "Short breaks"
    THERAPEUTIC_SUPPORT = "therapeutic_support", "Therapeutic support"
    OTHER = "other", "Other"


class SupportOptionExplored(BaseModel):
    """One support option explored before asking for admission to care, and what happened."""

    request = models.ForeignKey(PanelRequest, on_delete=models.CASCADE, related_name="options_explored")
    option = models.CharField(max_length=30, choices=SupportOption.choices)
    what_happened = models.TextField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "option"], name="panels_option_once_per_request"),
        ]

    def __str__(self) -> str:
        return self.get_option_display()


class PanelDecision(BaseModel):
    """A decision a sitting made on a request (append-only: a deferred request gets another at the next one)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred"

    request = models.ForeignKey(PanelRequest, on_delete=models.CASCADE, related_name="decisions")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    conditions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.panel}"
