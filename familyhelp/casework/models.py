"""Cases (episodes of involvement) and children in need episodes.

The front door opens them (a threshold decision at level 3 opens a family support case; at level 4 a
case with a CIN episode). The casework issue adds allocation, assessments, plans, visits and closure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from familyhelp.core.models import BaseModel, VersionedModel
from familyhelp.people.codes import PrimaryNeed, ReasonForClosure, ReferralSource


class StepDownDestination(models.TextChoices):
    """Where the child's support goes when a case closes or steps down."""

    NONE = "none", "No further support needed"
    UNIVERSAL = "universal", "Universal services (level 1)"
    EARLY_HELP = "early_help", "Early help / family hub (level 2)"
    FAMILY_SUPPORT = "family_support", "Targeted family support (level 3)"
    SPECIALIST = "specialist", "A specialist service"
    OTHER_LA = "other_la", "Another local authority"
    ADULT = "adult", "Adult services"


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
    # The current allocation (Allocation keeps the history); empty while in the duty bank.
    team = models.ForeignKey("organisation.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="supervised_cases"
    )
    allocated_on = models.DateField(null=True, blank=True)
    # Brothers and sisters worked together share a sibling group (the first child's case id).
    sibling_group = models.UUIDField(null=True, blank=True, db_index=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    step_down_to = models.CharField(max_length=30, choices=StepDownDestination.choices, blank=True)
    closing_summary = models.TextField(blank=True)
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


# --- Policy ------------------------------------------------------------------------------------------
class CaseworkPolicy(VersionedModel):
    """The council's casework settings (one row): clocks, visit frequencies, caseload weights, Family Help model."""

    single_assessment_days = models.PositiveSmallIntegerField(default=45)
    family_support_assessment_days = models.PositiveSmallIntegerField(default=30)
    icpc_days = models.PositiveSmallIntegerField(default=15)
    cp_first_review_months = models.PositiveSmallIntegerField(default=3)
    cp_review_months = models.PositiveSmallIntegerField(default=6)
    cin_review_months = models.PositiveSmallIntegerField(default=3)
    family_support_review_months = models.PositiveSmallIntegerField(default=3)
    lac_first_review_days = models.PositiveSmallIntegerField(default=20)
    # Working days between visits, by plan kind (and "assessment" while there is no plan).
    visit_working_days = models.JSONField(default=dict)
    # Caseload weight of one child, by case type (family_support, cin, cp, lac, assessment).
    caseload_weights = models.JSONField(default=dict)
    # Family Help model: a family help practitioner may hold CIN work with a named supervising social worker.
    family_help_holds_cin = models.BooleanField(default=True)
    allow_self_authorisation = models.BooleanField(default=False)

    DEFAULT_VISITS = {"assessment": 10, "family_support": 20, "cin": 20, "cp": 10, "lac": 30}
    DEFAULT_WEIGHTS = {"assessment": 1.0, "family_support": 1.0, "cin": 1.0, "cp": 1.5, "lac": 1.5}

    def __str__(self) -> str:
        return "Casework policy"

    def visit_days(self, kind: str) -> int:
        return int((self.visit_working_days or {}).get(kind, self.DEFAULT_VISITS.get(kind, 20)))

    def weight(self, kind: str) -> float:
        return float((self.caseload_weights or {}).get(kind, self.DEFAULT_WEIGHTS.get(kind, 1.0)))


# --- Allocation and level changes ----------------------------------------------------------------------
class Allocation(BaseModel):
    """Who held the case, in which role, from when to when (the allocation history)."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead practitioner"
        SUPERVISING = "supervising", "Supervising social worker"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey("organisation.Team", null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEAD)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)  # why (re)allocated
    end_reason = models.CharField(max_length=500, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="allocation_one_current_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} from {self.started_on:%d/%m/%Y}"


class LevelChange(BaseModel):
    """A step up or step down in the same journey, with its reason and who authorised it."""

    class Direction(models.TextChoices):
        UP = "up", "Step up"
        DOWN = "down", "Step down"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()  # 1 universal, 2 early help, 3 family support, 4 social care
    direction = models.CharField(max_length=4, choices=Direction.choices)
    changed_on = models.DateField()
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.from_level} to {self.to_level}"


# --- Assessments -------------------------------------------------------------------------------------
class Assessment(VersionedModel):
    """A family support (level 3) or single (section 17) assessment, with its clock."""

    class Kind(models.TextChoices):
        FAMILY_SUPPORT = "family_support", "Family support assessment"
        SINGLE = "single", "Single assessment"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Awaiting authorisation"
        AUTHORISED = "authorised", "Authorised"

    class Outcome(models.TextChoices):
        PLAN = "plan", "Plan (family support or child in need)"
        STRATEGY = "strategy", "Strategy discussion (section 47)"
        STEP_UP = "step_up", "Step up to children's social care"
        STEP_DOWN = "step_down", "Step down"
        CLOSE = "close", "Close: no further action"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    cin_episode = models.ForeignKey(
        CINEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_on = models.DateField()
    due_on = models.DateField()
    child_seen_on = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True)  # CIN assessment-factor codes
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    step_down_to = models.PositiveSmallIntegerField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ReasonForClosure.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True)  # submitted for authorisation
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_comment = models.TextField(blank=True)  # why a manager last returned it to the worker
    authorised_on = models.DateField(null=True, blank=True)  # the CIN census AssessmentAuthorisationDate
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | models.Q(completed_on__gte=models.F("started_on")),
                name="assessment_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d/%m/%Y}"


class StrategyDiscussion(VersionedModel):
    """A strategy discussion: date, the agencies there, and whether a section 47 enquiry starts."""

    class Decision(models.TextChoices):
        S47 = "s47", "Start a section 47 enquiry"
        SINGLE_ASSESSMENT = "single", "No section 47: continue with a single assessment or plan"
        NFA = "nfa", "No further action"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    cin_episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="strategy_discussions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField()
    agencies = models.JSONField(default=list)  # e.g. ["Police", "Health", "Education"]
    decision = models.CharField(max_length=10, choices=Decision.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Strategy discussion on {self.held_on:%d/%m/%Y}"


class S47Enquiry(VersionedModel):
    """A section 47 enquiry started from a strategy discussion, with its initial conference clock."""

    class Outcome(models.TextChoices):
        ICPC = "icpc", "Initial child protection conference"
        CIN_PLAN = "cin_plan", "Child in need plan, no conference"
        NFA = "nfa", "No further action"

    class ConferenceOutcome(models.TextChoices):
        CP_PLAN = "cp_plan", "Child protection plan"
        CIN_PLAN = "cin_plan", "Child in need plan"
        NFA = "nfa", "No further action"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="s47_enquiries")
    cin_episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="s47_enquiries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="s47_enquiries")
    strategy_discussion = models.OneToOneField(StrategyDiscussion, on_delete=models.PROTECT, related_name="s47_enquiry")
    started_on = models.DateField()
    icpc_due_on = models.DateField()
    child_seen_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    icpc_on = models.DateField(null=True, blank=True)
    icpc_outcome = models.CharField(max_length=10, choices=ConferenceOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.started_on:%d/%m/%Y}"


# --- Plans -------------------------------------------------------------------------------------------
class CategoryOfAbuse(models.TextChoices):
    """CIN census initial and latest category of abuse on a child protection plan."""

    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


class Plan(VersionedModel):
    """One stage of the child's care plan. Plans in a case follow each other as one care plan (`previous`)."""

    class Kind(models.TextChoices):
        FAMILY_SUPPORT = "family_support", "Family support plan"
        CIN = "cin", "Child in need plan"
        CP = "cp", "Child protection plan"
        LAC = "lac", "Care plan (looked after)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    cin_episode = models.ForeignKey(CINEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_plan")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    # Child protection plans
    s47_enquiry = models.ForeignKey(S47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="plans")
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    previous_cp_plans = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_on__isnull=True, kind__in=["cin", "cp"]),
                name="plan_one_open_cin_or_cp_per_child",
                violation_error_message="A child cannot have a child in need plan and a child protection plan at once",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"], condition=models.Q(ended_on__isnull=True), name="plan_one_open_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class PlanGoal(VersionedModel):
    """What the plan is for, in the family's words where possible."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(VersionedModel):
    """Who will do what by when: owners can be council workers or people from partner agencies."""

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(PlanGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)  # someone from another agency, or the family
    owner_agency = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ReviewParticipation(models.TextChoices):
    """How a looked-after child took part in their review (SSDA903 REVIEW_CODE)."""

    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child attended and spoke for themselves"
    PN2 = "PN2", "Child attended, an advocate spoke on their behalf"
    PN3 = "PN3", "Child attended, conveyed their views symbolically (non-verbally)"
    PN4 = "PN4", "Child attended, did not speak or convey views"
    PN5 = "PN5", "Child did not attend, briefed an advocate to speak for them"
    PN6 = "PN6", "Child did not attend, conveyed their views by another method"
    PN7 = "PN7", "Child did not attend or convey their views"


class PlanReview(VersionedModel):
    """A review of a plan (a CP review conference, a CIN or family support review, a looked-after review)."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        STEP_UP = "step_up", "Step up"
        STEP_DOWN = "step_down", "Step down"
        END = "end", "End the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    notes = models.TextField(blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    # Looked-after reviews: how the child took part (SSDA903 REVIEW_CODE).
    participation = models.CharField(max_length=3, choices=ReviewParticipation.choices, blank=True)

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"Review on {self.held_on:%d/%m/%Y}"


class LookedAfterEpisode(VersionedModel):
    """A spell of care with one legal status and placement (SSDA903 episode)."""

    class LegalStatus(models.TextChoices):
        C1 = "C1", "Interim care order"
        C2 = "C2", "Full care order"
        D1 = "D1", "Freeing order granted"
        E1 = "E1", "Placement order granted"
        J1 = "J1", "Remanded to local authority accommodation or youth detention"
        J2 = "J2", "Placed in local authority accommodation under PACE"
        J3 = "J3", "Sentenced to supervision order with residence requirement"
        L1 = "L1", "Under police protection in local authority accommodation"
        L2 = "L2", "Emergency protection order"
        L3 = "L3", "Child assessment order with residence requirement"
        V2 = "V2", "Single period of accommodation under section 20"
        V3 = "V3", "Accommodated under an agreed series of short-term breaks (single placements)"
        V4 = "V4", "Accommodated under an agreed series of short-term breaks (multiple placements)"

    class PlacementType(models.TextChoices):
        A3 = "A3", "Placed for adoption with parental consent with current foster carer"
        A4 = "A4", "Placed for adoption with parental consent not with current foster carer"
        A5 = "A5", "Placed for adoption with placement order with current foster carer"
        A6 = "A6", "Placed for adoption with placement order not with current foster carer"
        H5 = "H5", "Semi-independent living accommodation not subject to children's homes regulations"
        K1 = "K1", "Secure children's home"
        K2 = "K2", "Children's home"
        K3 = "K3", "Supported accommodation (Ofsted-registered, aged 16 or 17)"
        P1 = "P1", "Placed with own parent(s) or other person(s) with parental responsibility"
        P2 = "P2", "Independent living"
        P3 = "P3", "Residential employment"
        R1 = "R1", "Residential care home"
        R2 = "R2", "NHS/health trust or other establishment providing medical or nursing care"
        R3 = "R3", "Family centre or mother and baby unit"
        R5 = "R5", "Young offender institution or prison"
        S1 = "S1", "All residential schools, except where dual-registered as a school and children's home"
        U1 = "U1", "Foster placement with relative or friend, long-term fostering"
        U2 = "U2", "Foster placement with relative or friend who is also an approved adopter (FFA/concurrent)"
        U3 = "U3", "Foster placement with relative or friend, not long-term or FFA/concurrent"
        U4 = "U4", "Foster placement with other foster carer, long-term fostering"
        U5 = "U5", "Foster placement with other foster carer who is also an approved adopter (FFA/concurrent)"
        U6 = "U6", "Foster placement with other foster carer, not long-term or FFA/concurrent"
        Z1 = "Z1", "Other placements"

    class ReasonEpisodeEnded(models.TextChoices):
        E11 = "E11", "Adopted: application for an adoption order unopposed"
        E12 = "E12", "Adopted: consent dispensed with by the court"
        E13 = "E13", "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility"
        E14 = "E14", "Accommodation on remand ended"
        E15 = "E15", "Age assessment determined child is aged 18 or over"
        E16 = "E16", "Child moved abroad"
        E17 = "E17", "Aged 18 (or over) and remained with current carers (inc under staying put arrangements)"
        E2 = "E2", "Died"
        E3 = "E3", "Care taken over by another local authority in the UK"
        E41 = "E41", "Residence order (or, from 22 April 2014, a child arrangement order) granted"
        E45 = "E45", "Special guardianship order made to former foster carer(s)"
        E46 = "E46", "Special guardianship order made to carer(s), not former foster carer(s)"
        E47 = "E47", "Special guardianship order made to former foster carer(s), other than relative(s) or friend(s)"
        E48 = "E48", "Special guardianship order made to carer(s), other than relative(s) or friend(s)"
        E4A = (
            "E4A",
            "Returned home to live with parent(s), relative(s), or other person(s) with parental responsibility",
        )
        E4B = (
            "E4B",
            "Returned home to live with parent(s), relative(s), or other person(s) with parental responsibility "
            "(not part of care planning)",
        )
        E5 = "E5", "Moved into independent living arrangement and no longer looked-after: supportive accommodation"
        E6 = (
            "E6",
            "Moved into independent living arrangement and no longer looked-after: "
            "accommodation without formalised support",
        )
        E7 = "E7", "Transferred to residential care funded by adult social care"
        E8 = "E8", "Period of being looked-after ended for any other reason"
        E9 = "E9", "Sentenced to custody"
        X1 = "X1", "Episode ceases, and new episode begins on same day, for any reason"

    class ReasonNewEpisode(models.TextChoices):
        S = "S", "Started to be looked after"
        L = "L", "Change of legal status only"
        P = "P", "Change of placement and carer(s) only"
        T = "T", "Change of placement but same carer(s)"
        B = "B", "Change of legal status and placement and carer(s) at the same time"
        U = "U", "Change of legal status and placement at the same time, same carer(s)"

    class PlacementProvider(models.TextChoices):
        PR0 = "PR0", "Parent(s) or other person(s) with parental responsibility"
        PR1 = "PR1", "Own provision (by the council)"
        PR2 = "PR2", "Other local authority provision"
        PR3 = "PR3", "Other public provision (for example a health trust)"
        PR4 = "PR4", "Private provision"
        PR5 = "PR5", "Voluntary or third sector provision"

    class ReasonPlaceChange(models.TextChoices):
        ALLEG = "ALLEG", "Allegation (section 47)"
        APPRR = "APPRR", "Approval removed"
        CARPL = "CARPL", "Change to or implementation of the care plan"
        CHILD = "CHILD", "Child's wishes"
        CLOSE = "CLOSE", "Resignation or closure of the provision"
        CREQB = "CREQB", "Carer(s) request: child's behaviour"
        CREQO = "CREQO", "Carer(s) request: other reasons"
        CUSTOD = "CUSTOD", "Custody arrangement"
        LAREQ = "LAREQ", "Council's request: quality or standards of care"
        OTHER = "OTHER", "Other"
        PLACE = "PLACE", "Change in the status of the placement only"
        STAND = "STAND", "Standards of care concern"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="looked_after_episodes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="looked_after_episodes")
    started_on = models.DateField()
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    placement_type = models.CharField(max_length=2, choices=PlacementType.choices)
    placement_postcode = models.CharField(max_length=10, blank=True)
    uasc = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    reason_ended = models.CharField(max_length=3, choices=ReasonEpisodeEnded.choices, blank=True)
    # SSDA903 fields (blank on records made before they were added; the export derives RNE then).
    reason_new_episode = models.CharField(max_length=1, choices=ReasonNewEpisode.choices, blank=True)
    placement_provider = models.CharField(max_length=3, choices=PlacementProvider.choices, blank=True)
    reason_place_change = models.CharField(max_length=6, choices=ReasonPlaceChange.choices, blank=True)
    placement_urn = models.CharField("placement URN (Ofsted)", max_length=8, blank=True)
    home_postcode = models.CharField(max_length=10, blank=True)  # the home the child was living in before
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_on__isnull=True), name="lac_one_open_episode_per_child"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="lac_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Looked after from {self.started_on:%d/%m/%Y}"


class MissingEpisode(BaseModel):
    """A looked-after child missing from their placement, or away without authorisation (SSDA903 Missing)."""

    class Kind(models.TextChoices):
        MISSING = "M", "Missing"
        AWAY = "A", "Away from placement without authorisation"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=Kind.choices, default=Kind.MISSING)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="missing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d/%m/%Y}"


# --- Visits and notes ----------------------------------------------------------------------------------
class Visit(VersionedModel):
    """A statutory or planned visit to the child."""

    class Seen(models.TextChoices):
        ALONE = "alone", "Seen alone"
        WITH_OTHERS = "with_others", "Seen with others"
        NOT_SEEN = "not_seen", "Not seen"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    seen = models.CharField(max_length=20, choices=Seen.choices)
    not_seen_reason = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"Visit on {self.visited_on:%d/%m/%Y}"


class CaseNote(VersionedModel):
    """A case note, or a manager's oversight note (category management_oversight)."""

    class Category(models.TextChoices):
        CONTACT = "contact", "Contact with family"
        PARTNER = "partner", "Contact with a partner agency"
        DIRECT_WORK = "direct_work", "Direct work with the child"
        MEETING = "meeting", "Meeting"
        SUPERVISION = "supervision", "Supervision"
        MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_notes")
    category = models.CharField(max_length=30, choices=Category.choices)
    occurred_on = models.DateField()
    text = models.TextField()
    # Notes are append-only: a correction is a new note that names the note it corrects.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["-occurred_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_on:%d/%m/%Y}"
