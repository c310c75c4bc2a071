"""The directory of local services (family hubs, voluntary and community services) used for signposting."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import VersionedModel


class LocalService(VersionedModel):
    """A service families can be signposted to. Managed by administrators."""

    class Kind(models.TextChoices):
        FAMILY_HUB = "family_hub", "Family hub"
        UNIVERSAL = "universal", "Universal service"
        VOLUNTARY = "voluntary", "Voluntary and community service"
        HEALTH = "health", "Health service"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    offer = models.TextField(help_text="What the service offers families.")
    eligibility = models.TextField(blank=True, help_text="Who can use it (age range, area, criteria).")
    locality = models.ForeignKey(
        "organisation.Locality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_services",
        help_text="Leave empty for a service open to the whole council area.",
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
