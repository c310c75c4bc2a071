"""Cases (episodes of involvement) and children in need episodes.

The front door opens them (a threshold decision at level 3 opens a family support case; at level 4 a
case with a CIN episode). The casework issue adds allocation, assessments, plans, visits and closure.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import VersionedModel
from familyhelp.people.codes import PrimaryNeed, ReasonForClosure, ReferralSource


class Case(VersionedModel):
    """One journey of a child with the service, at level 3 (family support) or 4 (social care)."""

    class Level(models.IntegerChoices):
        TARGETED = 3, "Level 3: targeted family support"
        STATUTORY = 4, "Level 4: children's social care"

    class Status(models.TextChoices):
        AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.AWAITING_ALLOCATION)
    opened_on = models.DateField()
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(closed_on__isnull=True), name="case_one_open_per_child"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CINEpisode(VersionedModel):
    """A children in need episode (CIN census CINdetails): from the referral to its closure."""

    class Route(models.TextChoices):
        SINGLE_ASSESSMENT = "s17", "Single assessment (section 17)"
        STRATEGY_DISCUSSION = "s47", "Strategy discussion (section 47)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cin_episodes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cin_episodes")
    referral_date = models.DateField(db_index=True)
    referral_source = models.CharField(max_length=3, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices)
    route = models.CharField(max_length=3, choices=Route.choices, default=Route.SINGLE_ASSESSMENT)
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="cin_episodes"
    )
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ReasonForClosure.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(closed_on__isnull=True), name="cin_one_open_episode_per_child"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("referral_date")),
                name="cin_closed_after_referral",
                violation_error_message="An episode cannot close before its referral date",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date:%d/%m/%Y}"
