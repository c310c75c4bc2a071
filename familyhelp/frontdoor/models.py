"""The single front door (MASH): contacts, partner checks, the threshold document and threshold decisions.

State of a contact (see docs/domain/front-door.md): new → awaiting checks → awaiting decision →
awaiting authorisation → decided. Services in frontdoor.services move it; nothing else writes these rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import BaseModel, VersionedModel
from familyhelp.organisation.models import PartnerAgency
from familyhelp.people.codes import PrimaryNeed, ReferralSource


class FrontDoorPolicy(VersionedModel):
    """The council's front-door settings (one row): the decision clock and who may authorise."""

    class ClockUnit(models.TextChoices):
        HOURS = "hours", "Working hours"
        DAYS = "days", "Working days"

    decision_clock_amount = models.PositiveSmallIntegerField(
        "decision clock", default=1, help_text="How long the front door has to decide on a contact."
    )
    decision_clock_unit = models.CharField(max_length=10, choices=ClockUnit.choices, default=ClockUnit.DAYS)
    allow_self_authorisation = models.BooleanField(
        "managers may authorise their own proposals",
        default=False,
        help_text="Normally a different manager must authorise a decision a manager proposed.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "front door policies"

    def __str__(self) -> str:
        return f"Decide within {self.decision_clock_amount} {self.get_decision_clock_unit_display().lower()}"


class CheckType(VersionedModel):
    """A kind of partner check the front door asks for (police, health, education…): configurable."""

    name = models.CharField(max_length=100, unique=True)
    agency_kind = models.CharField(max_length=30, choices=PartnerAgency.Kind.choices)
    due_hours = models.PositiveSmallIntegerField(
        "due within (working hours)", default=8, help_text="Office hours (09:00–17:00 on working days)."
    )
    requested_by_default = models.BooleanField(default=True, help_text="Ticked when checks are requested.")
    required_by_default = models.BooleanField(
        default=False, help_text="The decision waits for this check unless a manager overrides."
    )
    screens_exploitation = models.BooleanField(
        default=False,
        help_text="Requested automatically, as a required screening, when criminal exploitation is considered.",
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ThresholdDocument(VersionedModel):
    """A version of the council's threshold document (levels of need). Published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField("version number", unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    in_force_from = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class ThresholdLevel(BaseModel):
    """One level of need in a threshold document, with its descriptor and examples."""

    class Level(models.IntegerChoices):
        UNIVERSAL = 1, "Level 1: universal"
        EARLY_HELP = 2, "Level 2: early help / family hub"
        TARGETED = 3, "Level 3: targeted family support"
        STATUTORY = 4, "Level 4: statutory (children's social care)"

    document = models.ForeignKey(ThresholdDocument, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name = models.CharField(max_length=200)
    descriptor = models.TextField()
    examples = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["document", "level"], name="threshold_level_unique")]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.name}"


class Contact(VersionedModel):
    """Information about one child arriving at the front door. Siblings get one contact each, linked."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse notification"

    class Status(models.TextChoices):
        NEW = "new", "New"
        AWAITING_CHECKS = "awaiting_checks", "Awaiting checks"
        AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
        AWAITING_AUTHORISATION = "awaiting_authorisation", "Awaiting authorisation"
        DECIDED = "decided", "Decided"

    class Via(models.TextChoices):
        FRONT_DOOR = "front_door", "Recorded by the front door"
        PARTNER_FORM = "partner_form", "Partner referral form"

    class Consent(models.TextChoices):
        GIVEN = "given", "The family consented to the referral and to information sharing"
        REFUSED = "refused", "Consent refused: shared without consent on a lawful basis"
        NOT_SOUGHT = "not_sought", "Consent not sought: seeking it would put the child at risk"

    class Urgency(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate: the child may be at risk of significant harm now"
        SAME_DAY = "same_day", "Today"
        ROUTINE = "routine", "Routine"

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CONTACT)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW, db_index=True)
    via = models.CharField(max_length=20, choices=Via.choices, default=Via.FRONT_DOOR)
    received_at = models.DateTimeField(db_index=True)
    sibling_group = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    # The child as the referrer described them, and the record the front door matched them to.
    child = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    child_given_names = models.CharField("child's given names", max_length=200, blank=True)
    child_family_name = models.CharField("child's family name", max_length=200, blank=True)
    child_date_of_birth = models.DateField("child's date of birth", null=True, blank=True)
    child_address = models.CharField("child's address", max_length=300, blank=True)
    child_postcode = models.CharField("child's postcode", max_length=10, blank=True)
    child_school = models.CharField("child's school or setting", max_length=200, blank=True)
    child_identified_at = models.DateTimeField(null=True, blank=True)
    child_identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    others_concerned = models.TextField(
        "other family members and people concerned", blank=True, help_text="As the referrer described them."
    )
    # The referrer.
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_agency = models.ForeignKey(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    referrer_agency_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="submitted_contacts"
    )
    referral_source = models.CharField(max_length=3, choices=ReferralSource.choices)
    # What the referrer said.
    concerns = models.TextField(help_text="The concerns in the referrer's words.")
    factors = models.JSONField(default=list, blank=True, help_text="CIN assessment factor codes.")
    consent = models.CharField(max_length=20, choices=Consent.choices)
    lawful_basis = models.TextField(blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    # Clocks and flags the front door works to.
    decision_due_at = models.DateTimeField(db_index=True)
    is_rereferral = models.BooleanField(default=False)
    previous_referral_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the decision was authorised (the authorisation's effective time)."
    )
    outcome_shared_at = models.DateTimeField(null=True, blank=True)
    received_late_reason = models.TextField(
        blank=True, help_text="Why the contact was recorded more than the late-recording days after it arrived."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_due_at"]
        indexes = [
            models.Index(fields=["status", "decision_due_at"]),
            models.Index(fields=["child", "received_at"]),
            # The measures read contacts received or decided in a window (a contact decided long after it
            # arrived counts when decided): with this, PostgreSQL reads both ranges by index.
            models.Index(
                fields=["decided_at"], condition=models.Q(decided_at__isnull=False), name="contact_decided_at"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(consent="given") | models.Q(lawful_basis=""),
                name="contact_lawful_basis_only_without_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name_as_given(self) -> str:
        return " ".join(p for p in (self.child_given_names, self.child_family_name) if p) or "(no name given)"

    @property
    def referrer_display(self) -> str:
        agency = self.referrer_agency.name if self.referrer_agency else self.referrer_agency_name
        return ", ".join(p for p in (self.referrer_name, self.referrer_role, agency) if p) or "Not recorded"


class ContactPerson(BaseModel):
    """A family member or other person a contact concerns (parents, carers, the person alleged to harm)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contact_roles")
    relationship = models.CharField(max_length=100, help_text="To the child, for example mother or mother's partner.")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "person"], name="contact_person_unique")]


class PartnerCheck(VersionedModel):
    """Information asked of a partner agency about a contact, with what came back and its RAG rating."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RETURNED = "returned", "Returned"

    class Rag(models.TextChoices):
        RED = "red", "Red: significant concerns"
        AMBER = "amber", "Amber: some concerns"
        GREEN = "green", "Green: no concerns"
        NOT_KNOWN = "not_known", "Not known to the agency"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checks")
    check_type = models.ForeignKey(CheckType, on_delete=models.PROTECT, related_name="checks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    required = models.BooleanField(default=False, help_text="The decision waits for it unless a manager overrides.")
    is_screening = models.BooleanField(default=False, help_text="A screening because exploitation is considered.")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    information = models.TextField(blank=True)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True)
    provided_by_name = models.CharField("provided by", max_length=200, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    requested_late_reason = models.TextField(blank=True, help_text="Why the request was recorded late.")
    returned_late_reason = models.TextField(blank=True, help_text="Why the agency's answer was recorded late.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["check_type__order", "check_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "check_type"], name="partner_check_once_per_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.check_type} check"


class ThresholdDecision(VersionedModel):
    """The level of need and outcome for a contact, proposed by a practitioner and authorised by a manager."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting authorisation"
        AUTHORISED = "authorised", "Authorised"
        RETURNED = "returned", "Returned to the proposer"

    class Outcome(models.TextChoices):
        NFA = "nfa", "No further action"
        ADVICE = "advice", "Information and advice"
        SIGNPOST = "signpost", "Signpost to universal or family hub services"
        FAMILY_SUPPORT = "family_support", "Early help / family support (level 3)"
        SINGLE_ASSESSMENT = "single_assessment", "Referral to children's social care: single assessment (section 17)"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion / section 47 enquiry"
        OPEN_CASE = "open_case", "Passed to the worker of the child's open case"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    threshold_document = models.ForeignKey(ThresholdDocument, on_delete=models.PROTECT, related_name="decisions")
    level = models.PositiveSmallIntegerField(choices=ThresholdLevel.Level.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField()
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    local_service = models.ForeignKey(
        "directory.LocalService", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    feedback_to_referrer = models.TextField(blank=True, help_text="What the referrer is told about the outcome.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="When a manager returned the proposal.")
    proposed_late_reason = models.TextField(blank=True, help_text="Why the proposal was recorded late.")
    authorised_late_reason = models.TextField(blank=True, help_text="Why the authorisation was recorded late.")
    returned_late_reason = models.TextField(blank=True, help_text="Why the return was recorded late.")
    manager_comment = models.TextField(blank=True)
    checks_override_reason = models.TextField(blank=True)
    checks_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        indexes = [
            # The performance measures read authorised decisions by when they were authorised.
            models.Index(
                fields=["authorised_at"], condition=models.Q(status="authorised"), name="decision_authorised_at"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(status__in=["proposed", "authorised"]),
                name="decision_one_live_per_contact",
                violation_error_message="This contact already has a decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (level {self.level})"

    @property
    def makes_referral(self) -> bool:
        return self.outcome in (self.Outcome.SINGLE_ASSESSMENT, self.Outcome.STRATEGY_DISCUSSION)
