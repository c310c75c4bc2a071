"""The team around the family (TAF) on a case: its members from any agency, its meetings and its coordinated
action plan; and signposting from a casework plan action to a service in the directory.

A case has at most one team around the family, so the team is addressed by its case: members, meetings and
actions all belong to the case. Rules live in familyhelp.taf.services; see docs/domain/support.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import VersionedModel


class TafMember(VersionedModel):
    """Someone on the team around the family: from the council, a partner agency or the family's network."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_ASKED = "not_asked", "Not asked yet"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="taf_members")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="For example school nurse, probation officer, housing officer.")
    agency_name = models.CharField(max_length=200, blank=True)
    partner_agency = models.ForeignKey(
        "organisation.PartnerAgency", null=True, blank=True, on_delete=models.PROTECT, related_name="taf_members"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Consent of the family to share information with this member.
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED)
    consent_date = models.DateField(null=True, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=500, blank=True)
    # A partner's user account, so the partner can sign in and see the plan and their own actions.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="taf_memberships"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="taf_member_leaves_after_joining",
                violation_error_message="A member cannot leave before they joined",
            ),
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(left_on__isnull=True, user__isnull=False),
                name="taf_member_one_active_per_user",
                violation_error_message="This user is already on the team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def agency(self) -> str:
        """The agency's name: the partner agency on record, or the free text."""
        return self.partner_agency.name if self.partner_agency_id and self.partner_agency else self.agency_name


class TafMeeting(VersionedModel):
    """A meeting of the team around the family: who came, what was decided, when it meets next."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="taf_meetings")
    held_on = models.DateField()
    attendees = models.ManyToManyField(TafMember, blank=True, related_name="meetings_attended")
    other_attendees = models.TextField(blank=True, help_text="People at the meeting who are not members.")
    decisions = models.TextField()
    next_meeting_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_meeting_on__isnull=True) | models.Q(next_meeting_on__gt=models.F("held_on")),
                name="taf_meeting_next_after_held",
                violation_error_message="The next meeting must be after this one",
            ),
        ]

    def __str__(self) -> str:
        return f"Team around the family meeting on {self.held_on:%d/%m/%Y}"


class TafAction(VersionedModel):
    """One action of the coordinated action plan, owned by a member from any agency."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="taf_actions")
    meeting = models.ForeignKey(
        TafMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_agreed"
    )
    text = models.TextField()
    owner = models.ForeignKey(TafMember, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Signposting: the directory service this action points the family to, if any.
    signpost_to = models.ForeignKey(
        "directory.LocalService", null=True, blank=True, on_delete=models.PROTECT, related_name="taf_actions"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False) | ~models.Q(status="done"),
                name="taf_action_done_has_date",
                violation_error_message="Enter the date the action was done",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def is_overdue(self, today: object) -> bool:
        """Open and past its due date."""
        return self.status == self.Status.OPEN and self.due_on < today  # type: ignore[operator]


class PlanActionSignpost(VersionedModel):
    """Signposting from a casework plan action to a service in the directory of local services."""

    plan_action = models.OneToOneField("casework.PlanAction", on_delete=models.CASCADE, related_name="signpost")
    local_service = models.ForeignKey(
        "directory.LocalService", on_delete=models.PROTECT, related_name="plan_action_signposts"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Signposted to {self.local_service}"
