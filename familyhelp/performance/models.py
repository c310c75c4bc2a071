"""Targets and comparator figures entered as data, and scrutiny packs with their editable narrative."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from familyhelp.core.models import BaseModel, VersionedModel


class Benchmark(VersionedModel):
    """A target, or a national, regional or statistical-neighbour figure for one figure of one measure."""

    class Kind(models.TextChoices):
        TARGET = "target", "Target"
        NATIONAL = "national", "England"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        REGIONAL = "regional", "Region"

    measure = models.CharField(max_length=60)
    figure = models.CharField(max_length=60)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    year = models.CharField(max_length=7, help_text="The financial year the figure is for, like 2024-25.")
    source = models.CharField(max_length=300, help_text="Where the figure comes from, like DfE Children in need 2025.")

    class Meta:
        ordering = ["measure", "figure", "kind", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "figure", "kind", "year"], name="performance_benchmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.value}"


class Pack(VersionedModel):
    """A scrutiny pack for one period and set of filters: a draft whose narrative can be edited, then
    published, when its figures, HTML and PDF are frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    period = models.CharField(max_length=30)  # a period key (familyhelp.performance.periods)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(default=list, blank=True)  # the export rows, frozen on publishing
    html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PackSection(BaseModel):
    """A narrative section written by a person (introduction, context, actions) placed in the pack."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    body = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "created_at"]

    def __str__(self) -> str:
        return self.title
