"""People: children (including unborn), adults, their names, addresses, families and relationships."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core import clock
from familyhelp.core.models import BaseModel, VersionedModel
from familyhelp.people.codes import Disability, Ethnicity, Sex, UPNUnknown


class Person(VersionedModel):
    """A child or an adult known to the service. Either name may be blank (single names are normal)."""

    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"

    reference = models.CharField(
        max_length=20,
        unique=True,
        help_text="The council's person reference (used as LAchildID in returns): letters and digits only.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHILD)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    preferred_name = models.CharField(max_length=200, blank=True)
    is_unborn = models.BooleanField(default=False)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_is_estimated = models.BooleanField(
        "date of birth is estimated", default=False, help_text="The date of birth is approximate."
    )
    expected_date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=100, blank=True)
    needs_interpreter = models.BooleanField(default=False)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    upn_unknown_reason = models.CharField(
        "reason UPN is not known", max_length=3, choices=UPNUnknown.choices, blank=True
    )
    is_restricted = models.BooleanField(default=False)
    restricted_reason = models.TextField(blank=True)
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="Set when this record was found to be a duplicate and merged into another; undone by unmerge.",
    )
    # Search keys maintained by services (lower-cased, accents folded; phonetic codes).
    search_given = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    search_family = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    phonetic_given = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    phonetic_family = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_given", "search_family", "phonetic_given", "phonetic_family"])

    class Meta:
        ordering = ["family_name", "given_names"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(given_names="") & models.Q(family_name="")),
                name="person_has_a_name",
                violation_error_message="Enter at least one name (a given name or a family name)",
            ),
            models.CheckConstraint(
                condition=models.Q(is_unborn=False) | models.Q(expected_date_of_birth__isnull=False),
                name="person_unborn_has_expected_date",
                violation_error_message="Enter the expected date of birth for an unborn child",
            ),
            models.CheckConstraint(
                condition=models.Q(is_unborn=False) | models.Q(date_of_birth__isnull=True),
                name="person_unborn_has_no_birth_date",
                violation_error_message="An unborn child cannot have a date of birth",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phonetic_family", "phonetic_given"]),
            models.Index(fields=["search_family", "search_given"]),
            # person search (familyhelp/people/search.py): a former UPN; a typo in the family name
            models.Index(fields=["former_upn"], name="person_former_upn_idx"),
            models.Index(fields=["phonetic_given", "search_family"], name="person_given_key_family_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Given names then family name; either may be absent."""
        return " ".join(p for p in (self.given_names, self.family_name) if p) or "(no name)"

    @property
    def display_name(self) -> str:
        """The name to show, with the preferred name in brackets when it differs."""
        name = self.full_name
        if self.preferred_name and self.preferred_name not in name:
            name = f"{name} ({self.preferred_name})"
        return name

    def age_on(self, day: date | None = None) -> int | None:
        """Age in whole years on the given day (today by default), or None if not known or unborn."""
        if self.is_unborn or self.date_of_birth is None:
            return None
        day = day or clock.today()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on()


class PersonDisability(BaseModel):
    """A disability recorded for a person (CIN census code list)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, choices=Disability.choices)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="disability_unique_code")]


class PersonName(BaseModel):
    """Another name a person is or was known by."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias or also known as"
        FORMER = "former", "Former name"
        BIRTH = "birth", "Name at birth"
        PREFERRED = "preferred", "Preferred name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    search_given = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    search_family = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    phonetic_given = models.CharField(max_length=20, blank=True, editable=False)
    phonetic_family = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "family_name"]
        indexes = [  # search
            models.Index(fields=["phonetic_given"], name="personname_phonetic_given_idx"),
            models.Index(fields=["phonetic_given", "search_family"], name="personname_given_key_family"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(given_names="") & models.Q(family_name="")),
                name="personname_has_a_name",
                violation_error_message="Enter at least one name",
            ),
        ]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)


class Address(BaseModel):
    """A postal address."""

    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    locality = models.ForeignKey(
        "organisation.Locality", null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class PersonAddress(BaseModel):
    """A period during which a person lived at an address (address history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="personaddress_end_after_start",
                violation_error_message="The date they moved out must be on or after the date they moved in",
            ),
        ]

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Family(VersionedModel):
    """A family or household worked with together (for example a sibling group and their carers)."""

    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class FamilyMember(BaseModel):
    """A person's membership of a family or household."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        OTHER_ADULT = "other_adult", "Other adult in the household"
        WIDER_FAMILY = "wider_family", "Wider family (not in the household)"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person"],
                condition=models.Q(end_date__isnull=True),
                name="familymember_one_current",
                violation_error_message="This person is already a member of this family",
            ),
        ]


class Relationship(BaseModel):
    """How one person is related to another. Stored in both directions (each with its own type)."""

    class Type(models.TextChoices):
        PARENT = "parent", "Parent"
        CHILD = "child", "Child"
        STEP_PARENT = "step_parent", "Step-parent"
        STEP_CHILD = "step_child", "Step-child"
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        STEP_SIBLING = "step_sibling", "Step-sibling"
        GRANDPARENT = "grandparent", "Grandparent"
        GRANDCHILD = "grandchild", "Grandchild"
        AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
        NIECE_NEPHEW = "niece_nephew", "Niece or nephew"
        CARER = "carer", "Carer"
        CARED_FOR = "cared_for", "Cared for by"
        PARTNER = "partner", "Partner"
        FRIEND = "friend", "Family friend"
        OTHER = "other", "Other"

    INVERSE = {
        Type.PARENT: Type.CHILD,
        Type.CHILD: Type.PARENT,
        Type.STEP_PARENT: Type.STEP_CHILD,
        Type.STEP_CHILD: Type.STEP_PARENT,
        Type.SIBLING: Type.SIBLING,
        Type.HALF_SIBLING: Type.HALF_SIBLING,
        Type.STEP_SIBLING: Type.STEP_SIBLING,
        Type.GRANDPARENT: Type.GRANDCHILD,
        Type.GRANDCHILD: Type.GRANDPARENT,
        Type.AUNT_UNCLE: Type.NIECE_NEPHEW,
        Type.NIECE_NEPHEW: Type.AUNT_UNCLE,
        Type.CARER: Type.CARED_FOR,
        Type.CARED_FOR: Type.CARER,
        Type.PARTNER: Type.PARTNER,
        Type.FRIEND: Type.FRIEND,
        Type.OTHER: Type.OTHER,
    }

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="related_by")
    type = models.CharField(max_length=20, choices=Type.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "related_person", "type"], name="relationship_unique"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("related_person")),
                name="relationship_not_self",
                violation_error_message="A person cannot be related to themselves",
            ),
        ]


class ProfessionalInvolvement(BaseModel):
    """A professional involved with a person: a council worker, or someone from another agency."""

    class Role(models.TextChoices):
        ALLOCATED_WORKER = "allocated_worker", "Allocated worker"
        LEAD_PRACTITIONER = "lead_practitioner", "Lead practitioner"
        SUPERVISING_SOCIAL_WORKER = "supervising_social_worker", "Supervising social worker"
        REFERRER = "referrer", "Referrer"
        GP = "gp", "GP"
        HEALTH_VISITOR = "health_visitor", "Health visitor"
        SCHOOL_NURSE = "school_nurse", "School nurse"
        MIDWIFE = "midwife", "Midwife"
        SCHOOL_DSL = "school_dsl", "Designated safeguarding lead"
        TEACHER = "teacher", "Teacher"
        POLICE = "police", "Police officer"
        YOUTH_OFFENDING = "youth_offending", "Youth offending worker"
        PROBATION = "probation", "Probation officer"
        HOUSING = "housing", "Housing officer"
        CAMHS = "camhs", "Mental health (CAMHS)"
        IDVA = "idva", "Domestic abuse advocate (IDVA)"
        OTHER = "other", "Other"

    # Council worker roles that put the child on the worker's own caseload.
    CASELOAD_ROLES = ("allocated_worker", "lead_practitioner", "supervising_social_worker")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    role = models.CharField(max_length=40, choices=Role.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    professional_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        "organisation.PartnerAgency", null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    agency_name = models.CharField(max_length=200, blank=True)
    contact_details = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["worker", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(worker__isnull=False) | ~models.Q(professional_name=""),
                name="involvement_names_someone",
                violation_error_message="Choose a worker or enter the professional's name",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="involvement_end_after_start",
                violation_error_message="The end date must be on or after the start date",
            ),
        ]

    @property
    def name(self) -> str:
        return str(self.worker) if self.worker else self.professional_name

    @property
    def organisation_name(self) -> str:
        if self.worker and self.worker.team:
            return str(self.worker.team)
        if self.agency:
            return str(self.agency)
        return self.agency_name


class NameVariant(BaseModel):
    """A council's own addition to the nickname dataset: two given names that stand for the same person
    (for example a short form common in its communities). Used both ways round by person search."""

    name = models.CharField(max_length=60, help_text="A given name, as people write it.")
    variant = models.CharField(max_length=60, help_text="Another form of it: a nickname or the formal name.")
    note = models.CharField(max_length=200, blank=True, help_text="Why the council added it (optional).")
    search_name = models.CharField(max_length=60, editable=False)
    search_variant = models.CharField(max_length=60, editable=False)

    class Meta:
        ordering = ["search_name", "search_variant"]
        constraints = [
            models.UniqueConstraint(fields=["search_name", "search_variant"], name="namevariant_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(search_name=models.F("search_variant")),
                name="namevariant_two_different_names",
                violation_error_message="Enter two different names",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} / {self.variant}"


class NameKey(models.Model):
    """The search vocabulary: a deletion key of a word in someone's recorded names, and the recorded name it
    came from (`part` f: a whole folded family name; g: a folded first given name). Person search looks up the
    keys of what was typed to find recorded names within two edits, then reads people by those names
    (ADR 0017). Rows are only added (a name nobody has any more finds nobody)."""

    key = models.CharField(max_length=20)
    part = models.CharField(max_length=1)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "part", "value"], name="namekey_unique")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.part}:{self.value}"
