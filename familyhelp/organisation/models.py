"""The council: local authority, localities, teams, schools and partner agencies."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import VersionedModel


class LocalAuthority(VersionedModel):
    """The council running Family Help (one row)."""

    name = models.CharField(max_length=200)
    la_code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the 3-digit DfE local authority code, like 334")],
    )
    child_population = models.PositiveIntegerField(
        help_text="Children aged 0–17 living in the area (ONS mid-year estimate), used for rates per 10,000."
    )
    child_population_year = models.PositiveIntegerField(null=True, blank=True)
    late_recording_days = models.PositiveIntegerField(
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="Recording an event more than this many days after it happened asks for a reason.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.la_code})"


class Locality(VersionedModel):
    """A geographical area of the council with its own family support team(s)."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="localities")
    name = models.CharField(max_length=100)
    postcode_districts = models.CharField(
        max_length=300, blank=True, help_text="Outward codes in this locality, separated by spaces (e.g. B90 B91)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="locality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(VersionedModel):
    """A team of workers. Its kind says what it does and which service it belongs to."""

    class Kind(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door (MASH)"
        FAMILY_SUPPORT = "family_support", "Family support"
        EARLY_HELP = "early_help", "Early help"
        ASSESSMENT = "assessment", "Assessment"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        CHILDREN_IN_CARE = "children_in_care", "Children in care"
        FGC = "fgc", "Family group conference"
        INTENSIVE_FAMILY_SUPPORT = "intensive_family_support", "Intensive family support"
        EXPLOITATION_MISSING = "exploitation_missing", "Exploitation and missing"
        PERFORMANCE = "performance", "Performance and business support"

    class Service(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door"
        FAMILY_HELP = "family_help", "Family help and early help"
        SOCIAL_CARE = "social_care", "Children's social care"
        SPECIALIST = "specialist", "Specialist services"
        BUSINESS = "business", "Business support"

    SERVICE_OF_KIND = {
        Kind.FRONT_DOOR: Service.FRONT_DOOR,
        Kind.FAMILY_SUPPORT: Service.FAMILY_HELP,
        Kind.EARLY_HELP: Service.FAMILY_HELP,
        Kind.ASSESSMENT: Service.SOCIAL_CARE,
        Kind.CHILD_IN_NEED: Service.SOCIAL_CARE,
        Kind.CHILD_PROTECTION: Service.SOCIAL_CARE,
        Kind.CHILDREN_IN_CARE: Service.SOCIAL_CARE,
        Kind.FGC: Service.SPECIALIST,
        Kind.INTENSIVE_FAMILY_SUPPORT: Service.SPECIALIST,
        Kind.EXPLOITATION_MISSING: Service.SPECIALIST,
        Kind.PERFORMANCE: Service.BUSINESS,
    }

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    service = models.CharField(max_length=20, choices=Service.choices, editable=False)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT, related_name="teams")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Derive the service from the kind of team."""
        if self.kind in self.Kind.values:
            self.service = self.SERVICE_OF_KIND[self.Kind(self.kind)]


class PartnerAgency(VersionedModel):
    """An organisation outside the council that refers children and shares information."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        SCHOOL = "school", "School"
        EDUCATION = "education", "Education services"
        YOUTH_OFFENDING = "youth_offending", "Youth offending service"
        HOUSING = "housing", "Housing"
        PROBATION = "probation", "Probation"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self) -> str:
        return self.name


class School(VersionedModel):
    """A school in the area, with its designated safeguarding lead and the council's named contact."""

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE = "alternative", "Alternative provision"
        POST_16 = "post_16", "16 plus"

    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter the school's 6-digit unique reference number (URN)")],
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="schools")
    postcode = models.CharField(max_length=8, blank=True)
    partner_agency = models.OneToOneField(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="school"
    )
    dsl_name = models.CharField("designated safeguarding lead", max_length=200, blank=True)
    dsl_email = models.EmailField("designated safeguarding lead email", blank=True)
    named_contact = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="named_contact_schools",
        help_text="The council's named contact worker for this school.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"
