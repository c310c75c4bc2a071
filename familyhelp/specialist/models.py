"""Specialist services (issue 7 points 2-4): the catalogue, referrals to a service, contacts and short breaks.

The catalogue is data: a council adds its own services. A referral is made from a case to one service and
moves requested -> accepted/declined -> (waiting) -> started -> ended, or is withdrawn; the moves are listed in
`transitions.py`. Coordinators of the service's team work the referral without seeing the case file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import BaseModel, VersionedModel


class Service(VersionedModel):
    """A specialist service in the council's catalogue (FGC, intensive family support, short breaks…)."""

    class Kind(models.TextChoices):
        FGC = "fgc", "Family group conference / family network meeting"
        INTENSIVE_FAMILY_SUPPORT = "intensive_family_support", "Intensive family support"
        SHORT_BREAKS = "short_breaks", "Short breaks"
        EXPLOITATION_MISSING = "exploitation_missing", "Exploitation and missing"
        THERAPEUTIC = "therapeutic", "Therapeutic support"
        IDVA_MARAC = "idva_marac", "IDVA / MARAC"
        SWITCH = "switch", "SWITCH"
        OUT_OF_HOURS = "out_of_hours", "Out of hours (emergency duty team)"
        OTHER = "other", "Other"

    class CapacityUnit(models.TextChoices):
        CASES = "cases", "Cases (children at a time)"
        BEDS = "beds", "Beds"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    eligibility = models.TextField(blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)  # e.g. exploitation and missing to 25
    max_duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)  # e.g. IFS 12
    capacity = models.PositiveIntegerField(null=True, blank=True)  # blank: no fixed capacity
    capacity_unit = models.CharField(max_length=10, choices=CapacityUnit.choices, default=CapacityUnit.CASES)
    holds_cases = models.BooleanField(default=False)
    spot_purchase = models.BooleanField(default=False)
    team = models.ForeignKey(
        "organisation.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="specialist_services"
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="specialist_service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceReferral(VersionedModel):
    """A referral of a child on a case to one specialist service, and what came of it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        WAITING = "waiting", "Waiting"
        DECLINED = "declined", "Declined"
        STARTED = "started", "Started"
        ENDED = "ended", "Ended"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        GOALS_MET = "goals_met", "Goals met"
        FAMILY_PLAN_AGREED = "family_plan_agreed", "Family plan agreed"
        STEPPED_DOWN = "stepped_down", "Stepped down"
        BECAME_LOOKED_AFTER = "became_looked_after", "Became looked after"
        DISENGAGED = "disengaged", "Family disengaged"
        OTHER = "other", "Other"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="service_referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="service_referrals")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True, db_index=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)  # spot purchase
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)  # spot purchase, pounds
    fgc_plan_agreed_on = models.DateField(null=True, blank=True)
    fgc_plan = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "created_at"]
        indexes = [models.Index(fields=["service", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ended") | (models.Q(ended_on__isnull=False) & ~models.Q(outcome="")),
                name="specialist_referral_ended_has_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="specialist_referral_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} referral ({self.get_status_display()})"


class ServiceContact(BaseModel):
    """A session or contact with the family under a referral."""

    class Kind(models.TextChoices):
        SESSION = "session", "Session"
        CONTACT = "contact", "Contact"
        OUT_OF_HOURS = "out_of_hours", "Out-of-hours session"

    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SESSION)
    notes = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"


class ShortBreakAdmission(VersionedModel):
    """A stay in a short-breaks bed. Nights = left_on - admitted_on (open stays count to the period end)."""

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned"
        EMERGENCY = "emergency", "Emergency (within 24 hours)"
        CRISIS = "crisis", "Crisis (out of hours)"

    referral = models.ForeignKey(ServiceReferral, on_delete=models.PROTECT, related_name="admissions")
    admitted_on = models.DateField(db_index=True)
    left_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PLANNED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["admitted_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("admitted_on")),
                name="specialist_admission_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"Short break from {self.admitted_on}"

    @property
    def nights(self) -> int | None:
        """Nights stayed, once the child has left."""
        if self.left_on is None:
            return None
        return (self.left_on - self.admitted_on).days
