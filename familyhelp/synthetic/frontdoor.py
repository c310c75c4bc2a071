"""The front door's history: contacts, partner checks, threshold decisions, cases and CIN episodes.

Each household's history at the front door is planned first, then written in the order things happened
(so contact and case references rise with time, as the live system numbers them):

1. **Anchors.** A spell on a caseload that the caseload pass wrote (the current allocation or an ended
   episode of involvement) began with a contact: received on the day the `referrer` involvement says (or a
   few days before the worker took the case), decided at level 3 (a family support case) or level 4 (a
   case with a children in need episode), closed when the involvement ended. Every current allocation is
   an open case, so every child on a caseload has one. Ended spells, taken in random order, become cases
   while the twelve months they began in stay under 80% of the national referral rate for the council's
   child population (room is left for step 2); the others stay involvements without a front-door case. A
   child never has two cases at once (an ended spell that overlaps a later one is cut short or left out).
2. **Calibration.** Extra referrals (mostly a short assessment, then closure) and family support cases are
   added, where their twelve months have room, until level 4 is 35/55 of the cases and 22% of referrals
   follow another referral of the same child within 12 months; then contacts that end in no further
   action, advice or signposting are added (the family's first contact when its records were created, then
   later ones) until they are 45% of the decisions in every twelve months.
3. **Now.** Cases decided in the last few working days wait in the duty bank for allocation, and the
   front door's open contacts (one working day's worth for the council's child population) are spread
   over its queue: new, awaiting checks, awaiting decision, awaiting authorisation, some with breached
   clocks or overdue checks.

Everything draws from the front door's own seeded generator, so the rest of the council is unchanged.
See docs/domain/synthetic-council.md for the figures.
"""

from __future__ import annotations

import bisect
import gc
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor.models import (
    CheckType,
    Contact,
    ContactPerson,
    FrontDoorPolicy,
    PartnerCheck,
    ThresholdDecision,
    ThresholdDocument,
)
from familyhelp.people.codes import EXPLOITATION_FACTORS, ReasonForClosure
from familyhelp.people.matching import NICKNAMES, fold
from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.synthetic import frontdoor_texts as texts
from familyhelp.synthetic import names
from familyhelp.synthetic.bulk import BulkLoader, DateFormat, SyntheticIds
from familyhelp.synthetic.caseloads import STATUTORY_KINDS, CaseloadResult, Episode, Referral
from familyhelp.synthetic.duplicates import typo
from familyhelp.synthetic.population import YEAR, ChildSummary, HouseholdSummary, Picker
from familyhelp.synthetic.presets import Preset
from familyhelp.synthetic.workforce import Organisation, WorkerInfo, random_adult_name

# --- Calibration (docs/domain.md: DfE "Characteristics of children in need", England) -------------
REFERRALS_PER_10K = 530  # referrals a year per 10,000 children (632,830 / 11.9 million)
CONTACTS_PER_REFERRAL = 1 / 0.35  # decisions: 45% NFA/advice/signpost, 20% level 3, 28% S17, 7% S47
LOW_SHARE, L3_SHARE, S17_SHARE, S47_SHARE = 0.45, 0.20, 0.28, 0.07
L4_PER_L3 = (S17_SHARE + S47_SHARE) / L3_SHARE
S47_OF_REFERRALS = S47_SHARE / (S17_SHARE + S47_SHARE)
REREFERRAL = 0.22  # referrals with a previous referral of the child within 12 months
RC8_SHARE = 0.065  # referrals closed after assessment with no further action
DA_SHARE = 0.15  # police domestic abuse notifications among contacts
LOW_OUTCOMES = (("nfa", 0.45), ("advice", 0.25), ("signpost", 0.30))
# CIN census referral sources, England (police 29%, schools 21%, health 15%, individuals 7%, LA 12%, rest 16%).
SOURCE_MIX: tuple[tuple[str, float], ...] = (
    ("6", 0.29),
    ("2A", 0.19),
    ("2B", 0.02),
    ("3A", 0.02),
    ("3B", 0.025),
    ("3C", 0.01),
    ("3D", 0.025),
    ("3E", 0.04),
    ("3F", 0.03),
    ("1A", 0.035),
    ("1B", 0.015),
    ("1C", 0.01),
    ("1D", 0.01),
    ("5A", 0.015),
    ("5B", 0.03),
    ("5C", 0.02),
    ("5D", 0.055),
    ("4", 0.02),
    ("7", 0.025),
    ("8", 0.06),
    ("9", 0.015),
    ("10", 0.04),
)
SOURCE_OF_AGENCY_KIND = {
    "police": "6",
    "school": "2A",
    "education": "2B",
    "health": "3F",
    "housing": "4",
    "youth_offending": "7",
    "probation": "7",
    "voluntary": "8",
    "other": "8",
}
# Closure reasons of CIN episodes that were not closed with no further action (RC8).
CLOSURE_SHORT = (("RC9", 0.45), ("RC7", 0.55))
CLOSURE_LONG = (("RC7", 0.62), ("RC9", 0.22), ("RC5", 0.06), ("RC3", 0.04), ("RC4", 0.04), ("RC1", 0.02))
QUEUE_STATUSES = (
    ("new", 0.25),
    ("awaiting_checks", 0.35),
    ("awaiting_decision", 0.25),
    ("awaiting_authorisation", 0.15),
)
# How the referrer described the child compared with the record (share of contacts).
AS_GIVEN_MISTAKES = (
    ("exact", 0.60),
    ("no_dob", 0.08),
    ("family_typo", 0.08),
    ("given_typo", 0.05),
    ("nickname", 0.05),
    ("dob_swapped", 0.04),
    ("dob_typo", 0.03),
    ("no_accents", 0.04),
    ("first_given_only", 0.02),
    ("other_parent_name", 0.01),
)
ANCHOR_SHARE_OF_CAP = 0.8  # ended caseload spells fill 12 months up to this share of the national rate
FRONT_DOOR_LATE = "Recorded when the front door matched the contact to this record"
INF = 10**9
LONDON = ZoneInfo("Europe/London")
HOUR = 3600
DAY = 86400
OPENS, CLOSES = 9 * HOUR, 17 * HOUR


@dataclass(slots=True)
class Spell:
    """One child's case, opened by a contact: level, when it closed (None: open) and why."""

    level: int
    close: int | None
    status: str = Case.Status.CLOSED
    start: int = INF  # the allocated worker's start (the case opened by then)
    reason: str = ""  # RC code (level 4) or the level 3 closure text
    worker: WorkerInfo | None = None  # extras: the worker who held it (an involvement is written)
    episode: Episode | None = None  # anchors: the caseload spell it stands for


@dataclass(slots=True)
class Event:
    """Something arriving at the front door about one or more children: one contact each, linked."""

    day: int
    household: HouseholdSummary | None
    children: list[ChildSummary]
    outcome: str  # ThresholdDecision.Outcome value; "" while the contact is open
    level: int
    spells: list[Spell | None]
    referral: Referral | None = None
    kind: str = Contact.Kind.CONTACT
    status: str = Contact.Status.DECIDED
    source: str = ""
    secs: int = 0  # local time of day it arrived
    seq: int = 0
    s47_weight: float = 1.0
    factors: tuple[str, ...] = ()  # the contact's CIN factors (set when written)
    group: Any = None  # the siblings' contacts' sibling_group (set when written)


# Columns of the Case rows (synthetic.casework fills the allocation columns when it runs).
CASE_COLUMNS = (
    "id",
    "created_at",
    "modified_at",
    "created_by_id",
    "modified_by_id",
    "reference",
    "person_id",
    "level",
    "status",
    "opened_on",
    "contact_id",
    "closed_on",
    "closure_reason",
    "team_id",
    "worker_id",
    "supervisor_id",
    "allocated_on",
    "sibling_group",
)


@dataclass(slots=True)
class PlannedCase:
    """A case the front door opened, handed to synthetic.casework (which writes it with its allocation)."""

    row: tuple[Any, ...]  # CASE_COLUMNS up to closure_reason
    case_id: Any
    child: ChildSummary
    household: HouseholdSummary | None
    level: int
    status: str
    opened: int
    closed: int | None
    reason: str  # RC code (level 4) or the level 3 closure text
    decided_on: int
    manager_id: Any
    spell: Spell
    factors: tuple[str, ...]
    group: Any
    episode_id: Any = None
    referral_day: int = 0
    route: str = ""


@dataclass
class FrontDoorResult:
    """What the front-door pass wrote (for the generate command's summary and the tests)."""

    contacts: int = 0
    open_contacts: int = 0
    decisions: int = 0
    cases: int = 0
    open_cases: int = 0
    awaiting_allocation: int = 0
    cin_episodes: int = 0
    checks: int = 0
    ended_spells: int = 0  # ended spells on caseloads (synthetic.caseloads)
    ended_spells_with_case: int = 0  # of which began with a contact decided here
    first_day: date | None = None
    queue_status: dict[str, int] = field(default_factory=dict)
    planned: list[PlannedCase] = field(default_factory=list)  # with defer_cases: the cases, in order opened


class FrontDoorBuilder:
    """Plans and writes the front door's history for the generated households."""

    def __init__(
        self,
        *,
        preset: Preset,
        rng: random.Random,
        ids: SyntheticIds,
        dates: DateFormat,
        today: int,
        org: Organisation,
        loader: BulkLoader,
        households: list[HouseholdSummary],
        caseloads: CaseloadResult,
        defer_cases: bool = False,
    ) -> None:
        # defer_cases: leave the Case rows to synthetic.casework (result.planned), which adds the allocation.
        self.defer_cases = defer_cases
        self.preset = preset
        self.rng = rng
        self.ids = ids
        self.new_id = ids.new
        self.dashed = ids.dashed
        self.dates = dates
        self.d = dates.date
        self.today = today
        self.org = org
        self.households = households
        self.caseloads = caseloads
        self.window = today - int(preset.years * YEAR)
        self.result = FrontDoorResult(
            first_day=date.fromordinal(max(self.window, min((h.created for h in households), default=today)))
        )
        self._year_before: dict[int, int] = {}
        self._clock = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]  # HH:MM:00 by minute of the day
        if not dates.text:
            self._clock = [time(m // 60, m % 60) for m in range(1440)]  # type: ignore[misc]
        self._household_adults: dict[int, tuple[Any, Any, str]] = {}
        self._emails: dict[tuple[str, str], str] = {}
        self._due_days: dict[int, int] = {}
        self._theme_options: dict[tuple[str, int], tuple[list[texts.Theme], list[float]]] = {}
        self._labels = {
            **{f"rc:{c.value}": c.label for c in ReasonForClosure},
            **{f"level:{c.value}": c.label.lower() for c in Case.Level},
            **{f"route:{c.value}": c.label.lower() for c in CINEpisode.Route},
            **{f"kind:{c.value}": c.label for c in Contact.Kind},
            **{f"outcome:{c.value}": c.label for c in ThresholdDecision.Outcome},
        }
        self._tables(loader)

    # --- tables -----------------------------------------------------------------------------------
    def _tables(self, loader: BulkLoader) -> None:
        self.t_contact = loader.table(
            Contact,
            (
                "id",
                "created_at",
                "modified_at",
                "created_by_id",
                "modified_by_id",
                "reference",
                "kind",
                "status",
                "via",
                "received_at",
                "sibling_group",
                "child_id",
                "child_given_names",
                "child_family_name",
                "child_date_of_birth",
                "child_address",
                "child_postcode",
                "child_school",
                "child_identified_at",
                "child_identified_by_id",
                "others_concerned",
                "referrer_name",
                "referrer_role",
                "referrer_agency_id",
                "referrer_agency_name",
                "referrer_email",
                "referrer_phone",
                "submitted_by_id",
                "referral_source",
                "concerns",
                "factors",
                "consent",
                "lawful_basis",
                "urgency",
                "decision_due_at",
                "is_rereferral",
                "previous_referral_date",
                "decided_at",
                "outcome_shared_at",
            ),
            constants={"version": 1},
        )
        self.t_person = loader.table(
            ContactPerson,
            (
                "id",
                "created_at",
                "modified_at",
                "created_by_id",
                "modified_by_id",
                "contact_id",
                "person_id",
                "relationship",
            ),
        )
        self.t_check = loader.table(
            PartnerCheck,
            (
                "id",
                "created_at",
                "modified_at",
                "created_by_id",
                "modified_by_id",
                "contact_id",
                "check_type_id",
                "status",
                "required",
                "is_screening",
                "requested_at",
                "due_at",
                "information",
                "rag",
                "provided_by_name",
                "returned_at",
            ),
            constants={"version": 1},
        )
        self.t_decision = loader.table(
            ThresholdDecision,
            (
                "id",
                "created_at",
                "modified_at",
                "created_by_id",
                "modified_by_id",
                "contact_id",
                "status",
                "threshold_document_id",
                "level",
                "outcome",
                "rationale",
                "primary_need",
                "local_service_id",
                "feedback_to_referrer",
                "proposed_by_id",
                "proposed_at",
                "authorised_by_id",
                "authorised_at",
                "manager_comment",
                "returned_at",
            ),
            constants={"version": 1, "checks_override_reason": "", "checks_override_by_id": None},
        )
        self.t_case = loader.table(Case, CASE_COLUMNS, constants={"version": 1})
        self.t_episode = loader.table(
            CINEpisode,
            (
                "id",
                "created_at",
                "modified_at",
                "created_by_id",
                "modified_by_id",
                "case_id",
                "person_id",
                "referral_date",
                "referral_source",
                "primary_need",
                "route",
                "contact_id",
                "closed_on",
                "closure_reason",
            ),
            constants={"version": 1},
        )
        self.t_event = loader.table(
            ChronologyEvent,
            (
                "id",
                "kind",
                "summary",
                "occurred_on",
                "occurred_time",
                "recorded_at",
                "late_reason",
                "subject_type",
                "subject_id",
                "person_id",
                "recorded_by_id",
            ),
        )
        self.t_inv = loader.table(
            ProfessionalInvolvement,
            (
                "id",
                "created_at",
                "modified_at",
                "role",
                "worker_id",
                "professional_name",
                "agency_id",
                "agency_name",
                "start_date",
                "end_date",
                "person_id",
                "created_by_id",
                "modified_by_id",
            ),
        )

    # --- set-up: what the front door works with ---------------------------------------------------
    def _setup(self) -> None:
        from familyhelp.frontdoor.defaults import install
        from familyhelp.frontdoor.services import policy_get

        install()
        self.policy = policy_get()
        self.check_types = {c.name: c for c in CheckType.objects.filter(is_active=True)}
        self.check_ids = {name: self._db_id(c.pk) for name, c in self.check_types.items()}
        document = (
            ThresholdDocument.objects.filter(number=1, status=ThresholdDocument.Status.PUBLISHED).first()
            or ThresholdDocument.objects.filter(status=ThresholdDocument.Status.PUBLISHED).order_by("number").first()
        )
        if document is None:
            raise RuntimeError("No published threshold document: run the frontdoor migrations first")
        first = date.fromordinal(self.window - 30)
        if document.in_force_from is None or document.in_force_from > first:
            # The synthetic council's decisions start before the migration's date: the document was in force.
            document.in_force_from = first
            document.published_at = self.dates.aware(self.window - 45, 10 * HOUR)
            ThresholdDocument.objects.filter(pk=document.pk).update(
                in_force_from=document.in_force_from, published_at=document.published_at
            )
        self.document_id = self._db_id(document.pk)
        self.services = self._local_services()
        org = self.org
        self.practitioners = [w for w in org.front_door if w.role == "front_door"] or list(org.front_door)
        managers = [w for w in org.front_door if w.role == "team_manager"]
        if not managers:
            managers = [m for t in org.teams for m in t.members if m.role == "team_manager"]
        self.managers = managers
        self.authorisers = {p.id: [m for m in managers if m.id != p.id] or managers for p in self.practitioners}
        self.team_manager = {t.id: next((m for m in t.members if m.role == "team_manager"), None) for t in org.teams}
        sw = [m for t in org.teams if t.kind == "assessment" for m in t.members if m.job_role == "social_worker"]
        sw += [w for w in org.leavers if w.job_role == "social_worker"]
        fsw = [
            m
            for t in org.teams
            if t.kind in ("family_support", "early_help")
            for m in t.members
            if m.job_role in ("family_support_worker", "family_help_practitioner")
        ]
        fsw += [w for w in org.leavers if w.job_role != "social_worker"]
        all_sw = [m for t in org.teams for m in t.members if m.job_role == "social_worker"]
        self.assessors = sw or all_sw or self.practitioners
        self.family_workers = fsw or self.assessors
        self.agency_of: dict[Any, tuple[str, str]] = {}
        for kind, rows in org.agencies.items():
            for agency_id, name in rows:
                self.agency_of[agency_id] = (kind, name)
        self.partner_email = {
            w.id: w.email or f"{w.username}@partners.{org.domain}"
            for users in org.partner_users.values()
            for w in users
        }
        for w in org.dsl_users.values():
            self.partner_email[w.id] = w.email or f"{w.username}@partners.{org.domain}"
        self.names = [random_adult_name(self.rng, "F" if self.rng.random() < 0.6 else "M") for _ in range(300)]
        town = self.preset.la_name.split()[0]
        self.town = town
        self.la_service = f"{self.preset.la_name} Early Help"

    def _db_id(self, pk: Any) -> Any:
        return pk if self.ids.native else pk.hex

    def _local_services(self) -> dict[str, list[Any]]:
        """Family hubs for every locality and a few council-wide services, in the directory."""
        town = self.preset.la_name.split()[0]
        plan: list[tuple[str, str, str, str, int | None]] = [
            (
                f"{loc.name} Family Hub",
                "family_hub",
                "Drop-ins, parenting groups, health visitor clinics, "
                "baby groups and help with money and housing, for families with children aged 0–19.",
                "Families living in the locality.",
                loc.index,
            )
            for loc in self.org.localities
        ]
        plan += [
            (
                f"{town} Women's Aid: Freedom Programme",
                "voluntary",
                "A 12-week group for women who have "
                "experienced domestic abuse, with a crèche; one-to-one outreach support.",
                "Women aged 16 and over.",
                None,
            ),
            (
                f"{town} Young Carers",
                "voluntary",
                "Assessment, activities and breaks for young carers aged 8–18.",
                "Children and young people who care for a family member.",
                None,
            ),
            (
                f"Home-Start {town}",
                "voluntary",
                "Trained volunteers visit families with young children at home every week.",
                "Families with at least one child under 5.",
                None,
            ),
            (
                "Healthy Minds: emotional wellbeing service",
                "health",
                "Short-term support for anxiety, low mood and self-harm for young people, in school or at home.",
                "Young people aged 11–18.",
                None,
            ),
            (
                f"Citizens Advice {town}",
                "other",
                "Advice on debt, benefits, housing and employment.",
                "Anyone living in the council area.",
                None,
            ),
            (
                "Family Information Service",
                "universal",
                "Information on childcare, funded early education, activities and local services.",
                "Families with children aged 0–19 (25 with SEND).",
                None,
            ),
            (
                "Parenting Together: Incredible Years groups",
                "universal",
                "A 14-week parenting course for parents of children aged 3–8.",
                "Parents and carers; self-referral welcome.",
                None,
            ),
            (
                f"{town} Food Bank",
                "voluntary",
                "Emergency food parcels with a voucher from a referring professional.",
                "Anyone in crisis.",
                None,
            ),
        ]
        existing = set(LocalService.objects.values_list("name", flat=True))
        rows: list[LocalService] = []
        stamp = self.dates.aware(self.window - 30, 10 * HOUR)
        by: dict[str, list[Any]] = {}
        for name, kind, offer, eligibility, locality in plan:
            service_id = self.new_id()
            if name in existing:
                continue
            rows.append(
                LocalService(
                    id=service_id,
                    name=name,
                    kind=kind,
                    offer=offer,
                    eligibility=eligibility,
                    locality_id=self.org.localities[locality].id if locality is not None else None,
                    phone=f"01632 960{len(rows):03d}",
                    email=f"hello@{fold(name).replace(' ', '-')}.example",
                    created_at=stamp,
                    modified_at=stamp,
                )
            )
            key = f"hub:{locality}" if locality is not None else kind
            by.setdefault(key, []).append((service_id, name))
        LocalService.objects.bulk_create(rows)
        self.services_written = len(rows)
        return by

    # --- time ---------------------------------------------------------------------------------------
    # Moments are whole seconds since the start of ordinal day 0, in UTC; days are proleptic ordinals.
    def _calendar_tables(self) -> None:
        """UTC offsets, working days and date text for every day the history can touch, looked up by index."""
        self._base = self.window - 800
        days = range(self._base, self.today + 800)
        self._days = len(days)
        self._off = [self._offset_slow(day) for day in days]
        self._work = [calendar.is_working_day(date.fromordinal(day)) for day in days]
        self._day_text = [f"{date.fromordinal(day).isoformat()} " for day in days]

    @staticmethod
    def _offset_slow(day: int) -> int:
        noon = datetime.combine(date.fromordinal(day), time(12), tzinfo=LONDON).utcoffset()
        return int(noon.total_seconds()) if noon else 0

    def _offset(self, day: int) -> int:
        """Seconds Europe/London is ahead of UTC on a day (at noon)."""
        i = day - self._base
        return self._off[i] if 0 <= i < self._days else self._offset_slow(day)

    def _utc(self, day: int, local_secs: int) -> int:
        """A moment from a day and a local time of day."""
        return day * DAY + local_secs - self._offset(day)

    def _local(self, moment: int) -> tuple[int, int]:
        day, secs = divmod(moment, DAY)
        secs += self._offset(day)
        if secs >= DAY:
            day, secs = day + 1, secs - DAY
        return day, secs

    def _is_working(self, day: int) -> bool:
        i = day - self._base
        return self._work[i] if 0 <= i < self._days else calendar.is_working_day(date.fromordinal(day))

    def _office(self, moment: int) -> int:
        """The first moment at or after `moment` when the office is open."""
        day, secs = self._local(moment)
        if self._is_working(day):
            if secs < OPENS:
                return self._utc(day, OPENS)
            if secs < CLOSES:
                return moment
        day += 1
        while not self._is_working(day):
            day += 1
        return self._utc(day, OPENS)

    def _add_working_hours(self, moment: int, hours: int) -> int:
        """calendar.add_working_hours on moments: office time only, a deadline at closing time stays there."""
        current = self._office(moment)
        remaining = hours * HOUR
        while True:
            day, secs = self._local(current)
            available = CLOSES - secs
            if remaining <= available:
                return current + remaining
            remaining -= available
            day += 1
            while not self._is_working(day):
                day += 1
            current = self._utc(day, OPENS)

    def _working_days_back(self, n: int) -> int:
        """The n-th working day before today."""
        day = self.today
        while n > 0:
            day -= 1
            if self._is_working(day):
                n -= 1
        return day

    @staticmethod
    def _aware(moment: int) -> datetime:
        return datetime.combine(date.fromordinal(moment // DAY), time(), tzinfo=UTC) + timedelta(seconds=moment % DAY)

    @staticmethod
    def _moment(value: datetime) -> int:
        value = value.astimezone(UTC)
        return value.toordinal() * DAY + value.hour * HOUR + value.minute * 60 + value.second

    def _ts(self, moment: int) -> Any:
        """A datetime column value for a moment, to the minute."""
        day, secs = divmod(moment, DAY)
        i = day - self._base
        if self.dates.text and 0 <= i < self._days:
            return self._day_text[i] + self._clock[secs // 60]
        if self.dates.text:
            return f"{self.d(day)} {self._clock[secs // 60]}"
        return self.dates.timestamp(day, secs - secs % 60)

    def _year_ago(self, day: int) -> int:
        value = self._year_before.get(day)
        if value is None:
            d = date.fromordinal(day)
            try:
                value = d.replace(year=d.year - 1).toordinal()
            except ValueError:
                value = d.replace(year=d.year - 1, day=28).toordinal()
            self._year_before[day] = value
        return value

    # --- planning -------------------------------------------------------------------------------------
    def run(self) -> FrontDoorResult:
        """Plan and write the front door's history; return what was written."""
        # Millions of long-lived objects (the council's households) and no reference cycles made here: the
        # cyclic garbage collector would only walk them again and again (about a tenth of the time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._setup()
            self._calendar_tables()
            self._plan()
            self._write()
        finally:
            if collecting:
                gc.enable()
        return self.result

    def _plan(self) -> None:
        self.events: list[Event] = []
        self.busy: dict[Any, list[tuple[int, int]]] = {}  # child id -> [(opened, closed or INF)]
        self.referrals: dict[Any, list[int]] = {}  # child id -> referral days (level 4), sorted
        self.l4: list[tuple[ChildSummary, int, int, HouseholdSummary]] = []  # child, referral day, close, household
        self.rereferrals = 0
        self.units: dict[Any, int] = {"low": 0, 3: 0, 4: 0}
        self.first_event: dict[int, int] = {}
        # At most the national rate for the council's child population in any 12 months (counting back from
        # the reference date): referrals, and family support cases in proportion.
        self.cap = {4: REFERRALS_PER_10K * self.preset.child_population / 10_000}
        self.cap[3] = self.cap[4] * L3_SHARE / (S17_SHARE + S47_SHARE)
        self.used: dict[int, dict[Any, int]] = {}  # 12-month period (0 = the last) -> units by level
        self._anchors()
        self._calibrate()
        self._duty_bank()
        self._low_contacts()
        self._queue()
        self._routes()
        self._closures()
        self._kinds_and_sources()
        for n, ev in enumerate(self.events):
            ev.seq = n
            if not ev.secs:
                ev.secs = self._arrival_time(ev)
        self.events.sort(key=lambda e: (e.day, e.secs, e.seq))

    def _period(self, day: int) -> int:
        """Which 12 months before the reference date a day falls in (0: the last 12 months)."""
        return max(0, (self.today - 1 - day) // 365)

    def _room(self, day: int, level: int, n: int, share: float = 1.0) -> bool:
        used = self.used.get(self._period(day))
        return (used.get(level, 0) if used else 0) + n <= share * self.cap[level]

    def _add_spell(
        self, child: ChildSummary, opened: int, closed: int | None, level: int, hh: HouseholdSummary
    ) -> None:
        self.busy.setdefault(child.id, []).append((opened, INF if closed is None else closed))
        self.units[level] += 1
        used = self.used.setdefault(self._period(opened), {})
        used[level] = used.get(level, 0) + 1
        if level == 4:
            self._add_referral(child.id, opened)
            self.l4.append((child, opened, INF if closed is None else closed, hh))

    def _add_referral(self, child_id: Any, day: int) -> None:
        """Record a referral date and keep count of re-referrals (a referral within 365 days before)."""
        days = self.referrals.setdefault(child_id, [])
        i = bisect.bisect_left(days, day)
        if i > 0 and day - days[i - 1] <= 365:
            self.rereferrals += 1
        if i < len(days):
            before = i > 0 and days[i] - days[i - 1] <= 365
            after = days[i] - day <= 365
            self.rereferrals += int(after) - int(before)
        days.insert(i, day)

    def _free(self, child_id: Any, opened: int, closed: int) -> bool:
        """No case (or open contact) of the child's within a day of the span."""
        return all(opened > b + 1 or a - 1 > closed for a, b in self.busy.get(child_id, ()))

    def _eligible(self, child: ChildSummary, day: int) -> bool:
        """Born, and under 18, on the day."""
        return child.dob is not None and child.dob <= day and day - child.dob < 18 * YEAR

    def _anchor_level(self, ep: Episode) -> tuple[int, float]:
        """Level 4 when a social worker holds (or supervises) it or a statutory team does; else level 3."""
        statutory = ep.worker.job_role == "social_worker" or ep.team_kind in STATUTORY_KINDS or ep.supervised
        weight = {"child_protection": 5.0, "children_in_care": 3.0}.get(ep.team_kind, 1.0)
        return (4 if statutory else 3), weight

    def _anchors(self) -> None:
        """Cases for the spells on caseloads: every current one; ended ones, in random order, while the
        12 months they began in has room (80% of the national rate, leaving room for calibration)."""
        current = [ep for ep in self.caseloads.episodes if ep.end is None]
        ended = [ep for ep in self.caseloads.episodes if ep.end is not None]
        self.rng.shuffle(ended)
        for ep in current + ended:
            self._anchor(ep)
        self.result.ended_spells = len(ended)

    def _anchor(self, ep: Episode) -> None:
        rnd = self.rng.random
        hh = ep.household
        day = ep.referral.day if ep.referral is not None else ep.start - 1 - int(rnd() * 10)
        day = max(hh.created, self.window, min(day, ep.start))
        level, weight = self._anchor_level(ep)
        kids: list[ChildSummary] = []
        spells: list[Spell | None] = []
        for child in ep.children:
            start = ep.start if child.dob is None else max(ep.start, child.dob)
            closed = ep.end
            if closed is not None:
                later = [a for a, b in self.busy.get(child.id, ()) if day <= b + 1 and a - 1 <= closed]
                if later:
                    if min(later) <= day:
                        continue
                    closed = min(later) - 2
                    if closed < day + 10:
                        continue
            status = Case.Status.OPEN if closed is None else Case.Status.CLOSED
            kids.append(child)
            spells.append(Spell(level, closed, status, start, episode=ep))
        if not kids:
            return
        if ep.end is not None:
            if not self._room(day, level, len(kids), ANCHOR_SHARE_OF_CAP):
                return
            self.result.ended_spells_with_case += 1
        for child, spell in zip(kids, spells, strict=True):
            assert spell is not None
            self._add_spell(child, day, spell.close, level, hh)
        outcome = "family_support" if level == 3 else "single_assessment"
        self.events.append(Event(day, hh, kids, outcome, level, spells, referral=ep.referral, s47_weight=weight))
        self.first_event[id(hh)] = min(self.first_event.get(id(hh), INF), day)

    def _calibrate(self) -> None:
        """Extra referrals and family support cases until the level 4 share and re-referral rate are right."""
        candidates = [h for h in self.households if h.children and self.today - h.created > 30]
        if not candidates:
            return
        misses = 0
        while misses < 5_000:
            l3, l4 = self.units[3], self.units[4]
            if l4 and self.rereferrals / l4 < REREFERRAL and self.l4:
                placed = self._extra_near()
            elif l4 < L4_PER_L3 * l3 or l4 == 0:
                placed = self._extra(candidates, 4)
            elif l4 > L4_PER_L3 * l3 * 1.02:
                placed = self._extra(candidates, 3)
            else:
                break
            misses = 0 if placed else misses + 1

    def _siblings(self, hh: HouseholdSummary, first: ChildSummary, opened: int, closed: int) -> list[ChildSummary]:
        kids = [first]
        for other in hh.children:
            if (
                other is not first
                and self.rng.random() < 0.4
                and self._eligible(other, opened)
                and self._free(other.id, opened, closed)
            ):
                kids.append(other)
        return kids

    def _extra_near(self) -> bool:
        """A short referral of a child within 12 months of another of their referrals (before or after)."""
        rng = self.rng
        rnd = rng.random
        child, referred, closed, hh = self.l4[int(rnd() * len(self.l4))]
        duration = 10 + int(rnd() * 45)
        if rnd() < 0.6:
            opened = referred - 40 - int(rnd() * 300)
            end = opened + duration
            if end > referred - 2:
                return False
        else:
            if closed >= INF:
                return False
            opened = closed + 14 + int(rnd() * 200)
            end = opened + duration
            if opened - referred > 364 or end > self.today - 3:
                return False
        if opened < max(hh.created, self.window) or (self._is_weekend(opened) and rnd() < 0.8):
            return False
        if not self._eligible(child, opened) or not self._free(child.id, opened, end):
            return False
        kids = self._siblings(hh, child, opened, end)
        if not self._room(opened, 4, len(kids)):
            return False
        self._extra_event(hh, kids, opened, end, 4)
        return True

    def _is_weekend(self, day: int) -> bool:
        return (day + 6) % 7 >= 5

    def _extra(self, candidates: list[HouseholdSummary], level: int) -> bool:
        """A referral (mostly closed after a short assessment) or a family support case, at random."""
        rnd = self.rng.random
        hh = candidates[int(rnd() * len(candidates))]
        first = max(hh.created, self.window)
        if self.today - 15 <= first:
            return False
        opened = first + int(rnd() * (self.today - 15 - first))
        if self._is_weekend(opened) and rnd() < 0.8:
            return False
        if level == 4:
            duration = 10 + int(rnd() * 50) if rnd() < 0.7 else 60 + int(rnd() * 270)
        else:
            duration = 60 + int(rnd() * 240)
        end = opened + duration
        if end > self.today - 3:
            return False
        kids = [c for c in hh.children if self._eligible(c, opened) and self._free(c.id, opened, end)]
        if not kids:
            return False
        kids = self._siblings(hh, kids[int(rnd() * len(kids))], opened, end)
        if not self._room(opened, level, len(kids)):
            return False
        self._extra_event(hh, kids, opened, end, level)
        return True

    def _extra_event(self, hh: HouseholdSummary, kids: list[ChildSummary], opened: int, end: int, level: int) -> None:
        rnd = self.rng.random
        pool = self.assessors if level == 4 else self.family_workers
        worker = pool[int(rnd() * len(pool))]
        spells: list[Spell | None] = []
        for child in kids:
            spells.append(Spell(level, end, Case.Status.CLOSED, INF, worker=worker))
            self._add_spell(child, opened, end, level, hh)
        outcome = "family_support" if level == 3 else "single_assessment"
        self.events.append(Event(opened, hh, kids, outcome, level, spells))
        self.first_event[id(hh)] = min(self.first_event.get(id(hh), INF), opened)

    def _low_contacts(self) -> None:
        """Contacts ending in no further action, advice or signposting: 45% of decisions in every 12 months.

        First the family's first contact, on the day their records were created (where no case began then);
        then later contacts about families already known.
        """
        rng = self.rng
        rnd = rng.random
        outcome_pick = Picker(rng, LOW_OUTCOMES)
        ratio = LOW_SHARE / (1 - LOW_SHARE)
        target = {p: round(ratio * (u.get(3, 0) + u.get(4, 0))) for p, u in self.used.items()}
        low = dict.fromkeys(target, 0)
        for hh in self.households:
            day = hh.created
            if day < self.window or day > self.today - 3 or self.first_event.get(id(hh), INF) <= day + 14:
                continue
            period = self._period(day)
            if low.get(period, 0) < target.get(period, 0) and rnd() < 0.7:
                low[period] += self._low_event(hh, day, outcome_pick())
        created = [h.created for h in self.households]
        for period in sorted(target):
            last = min(self.today - 1 - 365 * period, self.today - 3)
            first = max(last - 364, self.window)
            attempts = 0
            while low[period] < target[period] and first <= last and attempts < 40 * (target[period] + 10):
                attempts += 1
                day = first + int(rnd() * (last - first + 1))
                if self._is_weekend(day) and rnd() < 0.8:
                    continue
                known = bisect.bisect_left(created, day)
                if known == 0:
                    continue
                low[period] += self._low_event(self.households[int(rnd() * known)], day, outcome_pick())

    def _low_event(self, hh: HouseholdSummary, day: int, outcome: str) -> int:
        rnd = self.rng.random
        kids = [c for c in hh.children if self._eligible(c, day) and self._free(c.id, day, day)]
        if not kids:
            return 0
        if len(kids) > 1 and rnd() >= 0.35:
            kids = [kids[int(rnd() * len(kids))]]
        roll = rnd()
        if outcome == "nfa":
            level = 1 if roll < 0.5 else (2 if roll < 0.9 else 3)
        elif outcome == "advice":
            level = 1 if roll < 0.4 else 2
        else:
            level = 1 if roll < 0.2 else 2
        self.units["low"] += len(kids)
        self.events.append(Event(day, hh, kids, outcome, level, [None] * len(kids)))
        return len(kids)

    def _duty_bank(self) -> None:
        """Cases decided in the last three working days, waiting in the duty bank for a worker."""
        rnd = self.rng.random
        recent = sum(len(e.children) for e in self.events if e.level >= 3 and e.day >= self.today - 365)
        wanted = max(2, round(recent / 250 * 2))
        days = [self._working_days_back(n) for n in (1, 2, 3)]
        households = [h for h in self.households if h.locality is not None and h.children]
        made = attempts = 0
        while made < wanted and households and attempts < 100 * wanted:
            attempts += 1
            hh = households[int(rnd() * len(households))]
            day = days[int(rnd() * len(days))]
            kids = [c for c in hh.children if self._eligible(c, day) and self._free(c.id, day, INF - 2)]
            if not kids:
                continue
            if len(kids) > 1 and rnd() >= 0.4:
                kids = [kids[int(rnd() * len(kids))]]
            level = 4 if rnd() < L4_PER_L3 / (1 + L4_PER_L3) else 3
            spells: list[Spell | None] = []
            for child in kids:
                spells.append(Spell(level, None, Case.Status.AWAITING_ALLOCATION))
                self._add_spell(child, day, None, level, hh)
            outcome = "family_support" if level == 3 else "single_assessment"
            self.events.append(Event(day, hh, kids, outcome, level, spells))
            made += len(kids)

    def _queue(self) -> None:
        """The open contacts at the front door now: about one working day's contacts for the population."""
        rng = self.rng
        rnd = rng.random
        wanted = max(10, round(self.preset.child_population * REFERRALS_PER_10K / 10_000 * CONTACTS_PER_REFERRAL / 250))
        status_pick = Picker(rng, QUEUE_STATUSES)
        days = [self.today] + [self._working_days_back(n) for n in (1, 2, 3, 4, 5)]
        day_weights = Picker(rng, tuple(zip(range(6), (0.15, 0.5, 0.17, 0.08, 0.05, 0.05), strict=True)))
        households = [h for h in self.households if h.locality is not None and h.children]
        made = attempts = 0
        while made < wanted and attempts < 100 * wanted:
            attempts += 1
            status = status_pick()
            day = days[day_weights()]
            if status == "new" and rnd() < 0.3:
                child = self._stranger(day)
                self.events.append(Event(day, None, [child], "", 0, [None], status=status))
                made += 1
                continue
            if not households:
                break
            hh = households[int(rnd() * len(households))]
            kids = [c for c in hh.children if self._eligible(c, day) and self._free(c.id, day, day)]
            if not kids:
                continue
            if len(kids) > 1 and rnd() >= 0.3:
                kids = [kids[int(rnd() * len(kids))]]
            for child in kids:
                self.busy.setdefault(child.id, []).append((day, day))  # one open contact per child
            self.events.append(Event(day, hh, kids, "", 0, [None] * len(kids), status=status))
            made += len(kids)
        self.result.open_contacts = made

    def _stranger(self, day: int) -> ChildSummary:
        """A child the council has no record of (the front door will create one after searching)."""
        rng = self.rng
        culture = names.CULTURES["english"]
        sex = "F" if rng.random() < 0.5 else "M"
        given = rng.choice(culture.girls if sex == "F" else culture.boys)
        family_name = rng.choice(culture.family)
        family = family_name[0] if isinstance(family_name, tuple) else family_name
        dob = day - int(rng.random() * 16 * YEAR) - 200
        return ChildSummary(None, dob, None, None, "english", given, family, sex)

    def _routes(self) -> None:
        """Which referrals went to a strategy discussion (S47): 20% of referrals, more in child protection."""
        rnd = self.rng.random
        l4 = [e for e in self.events if e.level == 4]
        total = sum(len(e.children) for e in l4)
        keyed = sorted(((rnd() ** (1 / e.s47_weight), n, e) for n, e in enumerate(l4)), key=lambda k: (-k[0], k[1]))
        units = 0
        for _, _, ev in keyed:
            if units >= S47_OF_REFERRALS * total:
                break
            ev.outcome = "strategy_discussion"
            units += len(ev.children)

    def _closures(self) -> None:
        """Closure reasons: RC8 for 6.5% of referrals (short ones), then the usual mix; RC6 at 18."""
        rng = self.rng
        short: list[tuple[Spell, ChildSummary]] = []
        closed: list[tuple[Spell, ChildSummary, int]] = []
        total4 = 0
        l3_pick = Picker(rng, texts.L3_CLOSURE)
        for ev in self.events:
            for child, spell in zip(ev.children, ev.spells, strict=True):
                if spell is None:
                    continue
                if spell.level == 4:
                    total4 += 1
                if spell.close is None:
                    continue
                if spell.level == 3:
                    spell.reason = l3_pick()
                    continue
                closed.append((spell, child, ev.day))
                if spell.close - ev.day <= 60:
                    short.append((spell, child))
        rc8 = round(RC8_SHARE * total4)
        chosen = rng.sample(range(len(short)), min(rc8, len(short)))
        for i in chosen:
            short[i][0].reason = "RC8"
        short_pick, long_pick = Picker(rng, CLOSURE_SHORT), Picker(rng, CLOSURE_LONG)
        for spell, child, opened in closed:
            if spell.reason:
                continue
            assert spell.close is not None
            if child.dob is not None and spell.close >= child.dob + int(18 * YEAR) - 30:
                spell.reason = "RC6"
            elif spell.close - opened <= 60:
                spell.reason = short_pick()
            else:
                spell.reason = long_pick()

    def _kinds_and_sources(self) -> None:
        """Domestic abuse notifications (15% of contacts) and referral sources in the national mix."""
        rng = self.rng
        rnd = rng.random
        total = sum(len(e.children) for e in self.events)
        fixed: dict[str, float] = {}
        da_weight = {
            "nfa": 1.0,
            "advice": 1.0,
            "signpost": 0.8,
            "family_support": 0.8,
            "single_assessment": 0.3,
            "strategy_discussion": 0.3,
            "": 0.6,
        }
        open_to_da: list[Event] = []
        for ev in self.events:
            first = ev.children[0]
            born = first.dob is not None and first.dob <= ev.day  # before birth: a midwife's, not the police's
            if ev.referral is not None:
                kind = self._referral_kind(ev.referral)
                if kind == "police" and born:
                    open_to_da.append(ev)
                ev.source = self._source_for_kind(kind, ev)
                fixed[ev.source] = fixed.get(ev.source, 0) + len(ev.children)
            elif ev.household is not None and born:
                open_to_da.append(ev)
        expected = sum(da_weight[e.outcome] * len(e.children) for e in open_to_da)
        factor = DA_SHARE * total / expected if expected else 0.0
        for ev in open_to_da:
            if rnd() < da_weight[ev.outcome] * factor:
                ev.kind = Contact.Kind.DOMESTIC_ABUSE
                if not ev.source:
                    ev.source = "6"
                    fixed["6"] = fixed.get("6", 0) + len(ev.children)
        # The rest in the national mix, each from a source that suits the children's ages (no school refers
        # a baby); a source only some children suit is drawn more often, so that its share still comes out.
        rest = [ev for ev in self.events if not ev.source]
        units = sum(len(ev.children) for ev in rest) or 1
        suits = {code: sum(len(ev.children) for ev in rest if self._suits(code, ev)) / units for code, _ in SOURCE_MIX}
        residual = tuple(
            (code, max(0.0, share * total - fixed.get(code, 0)) / max(suits[code], 0.05)) for code, share in SOURCE_MIX
        )
        if sum(w for _, w in residual) <= 0:
            residual = SOURCE_MIX
        pick = Picker(rng, residual)
        for ev in rest:
            for _ in range(10):
                ev.source = pick()
                if self._suits(ev.source, ev):
                    break

    def _suits(self, source: str, ev: Event) -> bool:
        """Whether a referral source fits the children's ages on the day."""
        if source not in ("2A", "2B", "3B", "3C", "1C"):
            return True
        ages = [(ev.day - c.dob) / YEAR for c in ev.children if c.dob is not None and c.dob <= ev.day]
        if not ages:
            return source == "3B"
        if source == "3B":
            return min(ages) < 5
        return max(ages) >= (11 if source == "1C" else 4)

    def _referral_kind(self, referral: Referral) -> str:
        agency = referral.worker.agency_id if referral.worker is not None else referral.agency
        return self.agency_of.get(agency, ("other", ""))[0]

    def _source_for_kind(self, kind: str, ev: Event) -> str:
        if kind == "health":
            child = ev.children[0]
            if child.dob is None or child.dob > ev.day:
                return "3D"  # midwife
            age = (ev.day - child.dob) / YEAR
            if age < 5:
                return "3B"
            return "3C" if self.rng.random() < 0.3 else ("3E" if self.rng.random() < 0.5 else "3F")
        return SOURCE_OF_AGENCY_KIND.get(kind, "8")

    def _arrival_time(self, ev: Event) -> int:
        """Local time of day: police and individuals around the clock, others in office hours."""
        rnd = self.rng.random
        if ev.day == self.today:
            return 60 * int(rnd() * 7 * 60)  # overnight notifications, before the office opens
        if ev.source in ("6", "1A", "1B", "1C", "1D", "3E", "9") and rnd() < 0.3:
            return 60 * int((18 + rnd() * 14) * 60) % DAY
        return 60 * int((8.25 + rnd() * 9) * 60)

    # --- writing ---------------------------------------------------------------------------------------
    def _write(self) -> None:
        from familyhelp.frontdoor.services import decision_due_at

        self.due_at = decision_due_at
        self.contact_n = 0
        self.case_n = 0
        self.refs_written: dict[Any, list[int]] = {}
        self.referrer_pairs: set[tuple[Any, Any]] = set()
        for ep in self.caseloads.episodes:
            if ep.referral is not None and ep.referral.worker is not None:
                for c in ep.children:
                    self.referrer_pairs.add((c.id, ep.referral.worker.id))
        self._factor_values: dict[tuple[str, ...], Any] = {}
        self.factors_field = Contact._meta.get_field("factors")
        self.mistake_pick = Picker(self.rng, AS_GIVEN_MISTAKES)
        self.need_pick = Picker(self.rng, texts.NEED_WEIGHTS)
        self.rag_picks = {k: Picker(self.rng, v) for k, v in texts.RAG_BY_SEVERITY.items()}
        self.theme_picks = {k: list(v.items()) for k, v in texts.THEME_WEIGHTS.items()}
        self.limit = self._utc(self.today, 7 * HOUR)  # nothing is recorded after early this morning
        for ev in self.events:
            self._write_event(ev)
        r = self.result
        r.contacts = self.contact_n
        r.cases = self.case_n

    def _factors_value(self, factors: tuple[str, ...]) -> Any:
        value = self._factor_values.get(factors)
        if value is None:
            value = self._factor_values[factors] = self.factors_field.get_db_prep_save(list(factors), connection)
        return value

    def _agency_email(self, name: str, mailbox: str = "safeguarding") -> str:
        key = (name, mailbox)
        value = self._emails.get(key)
        if value is None:
            value = self._emails[key] = f"{mailbox}@{fold(name).replace(' ', '-')}.example" if name else ""
        return value

    def _decision_due(self, received: int) -> int:
        """services.decision_due_at, asked once a day: a clock in working days keeps the time of day it started
        (from the next opening when the contact came in out of hours), so one answer a day gives the rest."""
        if self.policy.decision_clock_unit != FrontDoorPolicy.ClockUnit.DAYS:
            return self._moment(self.due_at(self._aware(received), self.policy))
        opening = self._office(received)
        day, secs = self._local(opening)
        due_day = self._due_days.get(day)
        if due_day is None:
            probe = self._utc(day, OPENS)
            due_day = self._due_days[day] = self._local(self._moment(self.due_at(self._aware(probe), self.policy)))[0]
        return self._utc(due_day, secs)

    def _adults(self, hh: HouseholdSummary | None) -> tuple[Any, Any, str]:
        """The child's mother, the adult living with them, and the family as a referrer lists them."""
        if hh is None:
            return None, None, ""
        value = self._household_adults.get(id(hh))
        if value is None:
            mum = next((a for a in hh.adults if a.relationship == "Mother"), None)
            partner = next((a for a in hh.adults if a.relationship != "Mother" and a.in_household), None)
            others = "; ".join(
                f"{a.relationship}: {' '.join(p for p in (a.given, a.family) if p)}" for a in hh.adults[:3]
            )
            value = self._household_adults[id(hh)] = (mum, partner, others)
        return value

    def _name(self) -> tuple[str, str]:
        return self.names[int(self.rng.random() * len(self.names))]

    def _address_on(self, hh: HouseholdSummary | None, day: int) -> tuple[str, str]:
        if hh is None:
            return "", ""
        for start, end, label, postcode in hh.addresses:
            if start <= day and (end is None or day <= end):
                return label.rsplit(", ", 1)[0], postcode
        if hh.addresses:
            _, _, label, postcode = hh.addresses[0]
            return label.rsplit(", ", 1)[0], postcode
        return "", ""

    def _as_given(self, child: ChildSummary, day: int) -> tuple[str, str, int | None, str]:
        """The child as the referrer described them: usually right, sometimes not (for the search to find)."""
        rng = self.rng
        rnd = rng.random
        if child.dob is None or child.dob > day:
            return "", child.family, None, "unborn"
        given, family, born = child.given, child.family, child.dob
        dob: int | None = born
        mistake = self.mistake_pick()
        if mistake == "no_dob":
            dob = None
        elif mistake == "family_typo" and len(family) >= 4:
            family = typo(rng, family)
        elif mistake == "given_typo" and len(given) >= 4:
            given = typo(rng, given)
        elif mistake == "nickname" and given:
            options = sorted(NICKNAMES.get(fold(given).split(" ")[0], ()))
            if options:
                given = options[int(rnd() * len(options))].capitalize()
            elif len(given) >= 4:
                given, mistake = typo(rng, given), "given_typo"
        elif mistake == "dob_swapped":
            d = date.fromordinal(born)
            if d.day <= 12 and d.day != d.month:
                dob = date(d.year, d.day, d.month).toordinal()
            else:
                dob, mistake = born + (1 if rnd() < 0.5 else -1), "dob_typo"
        elif mistake == "dob_typo":
            d = date.fromordinal(born)
            if rnd() < 0.5:
                dob = d.replace(year=d.year + (1 if rnd() < 0.5 else -1), day=min(d.day, 28)).toordinal()
            else:
                dob = born + (1 if rnd() < 0.5 else -1)
        elif mistake == "no_accents":
            plain_given = fold(given).title() if given else given
            plain_family = family.replace("'", "") if "'" in family else (fold(family).title() if family else family)
            if (plain_given, plain_family) != (given, family) and fold(given) == fold(plain_given):
                given, family = plain_given, plain_family
        elif mistake == "first_given_only" and " " in given.strip():
            given = given.split(" ")[0]
        elif mistake == "other_parent_name" and "-" in family:
            family = family.split("-")[int(rnd() * 2)]
        if dob is not None and dob > day:
            dob = born
        return given, family, dob, mistake

    def _theme(self, ev: Event, age: float | None, unborn: bool) -> texts.Theme:
        if ev.kind == Contact.Kind.DOMESTIC_ABUSE:
            return texts.THEMES["domestic_abuse"]
        if unborn:
            return texts.THEMES["pre_birth"]
        if ev.household is not None and not ev.household.adults and age is not None and age >= 13:
            return texts.THEMES["asylum"]
        outcome = ev.outcome
        if not outcome:
            roll = self.rng.random()
            outcome = "nfa" if roll < 0.45 else ("family_support" if roll < 0.65 else "single_assessment")
        group = outcome if outcome in texts.THEME_WEIGHTS else "low"
        years = -1 if age is None else int(age)
        cached = self._theme_options.get((group, years))
        if cached is None:
            themes: list[texts.Theme] = []
            cumulative: list[float] = []
            total = 0.0
            for key, weight in self.theme_picks[group]:
                theme = texts.THEMES[key]
                if key in ("pre_birth", "asylum") or (years >= 0 and not theme.min_age <= years <= theme.max_age):
                    continue
                total += weight
                themes.append(theme)
                cumulative.append(total)
            cached = self._theme_options[(group, years)] = (themes, [c / total for c in cumulative])
        themes, cumulative = cached
        return themes[min(bisect.bisect_right(cumulative, self.rng.random()), len(themes) - 1)]

    def _referrer(self, ev: Event, child: ChildSummary) -> tuple[str, str, Any, str, str, str, Any, str]:
        """(name, role, agency id, agency name, email, phone, submitting partner user, via)."""
        rng = self.rng
        rnd = rng.random
        org = self.org
        ref = ev.referral
        front = Contact.Via.FRONT_DOOR
        if ref is not None:
            if ref.worker is not None and ev.kind != Contact.Kind.DOMESTIC_ABUSE:
                w = ref.worker
                kind = self.agency_of.get(w.agency_id, ("other", ""))[0]
                role = {"school": "Designated safeguarding lead", "police": "Police officer"}.get(kind, "Practitioner")
                email = self.partner_email.get(w.id, "")
                return f"{w.first_name} {w.last_name}", role, w.agency_id, "", email, "", w.id, Contact.Via.PARTNER_FORM
            if ref.worker is not None:
                w = ref.worker
                return (
                    f"{w.first_name} {w.last_name}",
                    "Police officer",
                    w.agency_id,
                    "",
                    self.partner_email.get(w.id, ""),
                    "",
                    None,
                    front,
                )
            kind, agency_name = self.agency_of.get(ref.agency, ("other", ""))
            email = self._agency_email(agency_name)
            role = {
                "police": "Police officer",
                "school": "Designated safeguarding lead",
                "health": "Health practitioner",
                "housing": "Housing officer",
                "youth_offending": "Youth justice officer",
                "probation": "Probation officer",
                "voluntary": "Support worker",
            }.get(kind, "")
            return ref.name, role, ref.agency, "", email, "", None, front
        src = ev.source
        agencies = org.agencies
        phone = f"01632 960{int(rnd() * 1000):03d}"
        given, family = self._name()

        def partner(kind: str, p: float) -> WorkerInfo | None:
            users = org.partner_users.get(kind) or []
            if users and ev.kind != Contact.Kind.DOMESTIC_ABUSE and rnd() < p:
                return users[int(rnd() * len(users))]
            return None

        def agency(kind: str, index: int = 0) -> tuple[Any, str]:
            rows = agencies.get(kind) or [(None, "")]
            return rows[min(index, len(rows) - 1)]

        email_of = self._agency_email

        if src == "6":
            user = partner("police", 0.4)
            if user is not None:
                return self._partner_referrer(user, "Police officer")
            police_id, police_name = agency("police")
            rank = "PC" if rnd() < 0.7 else "DC"
            role = "Domestic abuse officer" if ev.kind == Contact.Kind.DOMESTIC_ABUSE else "Police officer"
            return (
                f"{rank} {family}",
                role,
                police_id,
                "",
                self._agency_email(police_name, "mash.referrals"),
                "101",
                None,
                front,
            )
        if src == "2A":
            school = child.school
            if school is not None and school in org.dsl_users and rnd() < 0.7:
                return self._partner_referrer(org.dsl_users[school], "Designated safeguarding lead")
            if school is not None:
                s = org.schools[school]
                return s.dsl_name, "Designated safeguarding lead", s.agency_id, "", s.dsl_email, phone, None, front
            agency_id, agency_name = agencies["school"][int(rnd() * len(agencies["school"]))]
            return (
                f"{given} {family}",
                "Designated safeguarding lead",
                agency_id,
                "",
                email_of(agency_name),
                phone,
                None,
                front,
            )
        if src == "2B":
            agency_id, agency_name = agency("education")
            return f"{given} {family}", "Attendance officer", agency_id, "", email_of(agency_name), phone, None, front
        if src.startswith("3"):
            user = partner("health", 0.3)
            if user is not None:
                return self._partner_referrer(user, "Health practitioner")
            if src == "3A":
                locality = ev.household.locality if ev.household is not None and ev.household.locality else 0
                practice = f"{names.SCHOOL_STEMS[(locality * 7 + int(rnd() * 4)) % 30]} Medical Centre"
                return f"Dr {given[0]}. {family}", "GP", None, practice, "", phone, None, front
            index, role = {
                "3B": (1, "Health visitor"),
                "3C": (1, "School nurse"),
                "3D": (0, "Midwife"),
                "3E": (0, "Paediatric liaison nurse"),
                "3F": (2, "CAMHS practitioner"),
            }[src]
            agency_id, agency_name = agency("health", index)
            return f"{given} {family}", role, agency_id, "", email_of(agency_name), phone, None, front
        if src == "4":
            user = partner("housing", 0.4)
            if user is not None:
                return self._partner_referrer(user, "Housing officer")
            agency_id, agency_name = agency("housing", int(rnd() * 2))
            return f"{given} {family}", "Housing officer", agency_id, "", email_of(agency_name), phone, None, front
        if src == "7":
            user = partner("youth_offending", 0.4)
            if user is not None:
                return self._partner_referrer(user, "Youth justice officer")
            kind = "youth_offending" if rnd() < 0.6 else "probation"
            agency_id, agency_name = agency(kind)
            role = "Youth justice officer" if kind == "youth_offending" else "Probation officer"
            return f"{given} {family}", role, agency_id, "", email_of(agency_name), phone, None, front
        if src == "8":
            agency_id, agency_name = agency("voluntary", int(rnd() * 2))
            return f"{given} {family}", "Support worker", agency_id, "", email_of(agency_name), phone, None, front
        mobile = f"07700 900{int(rnd() * 1000):03d}"
        if src == "1A":
            role = ("Grandmother", "Aunt", "Father (does not live with the child)", "Uncle")[int(rnd() * 4)]
            return f"{given} {family}", role, None, "", "", mobile, None, front
        if src == "1B":
            return (
                f"{given} {family}",
                ("Neighbour", "Family friend", "Childminder")[int(rnd() * 3)],
                None,
                "",
                "",
                mobile,
                None,
                front,
            )
        if src == "1C":
            return child.given, "The young person", None, "", "", mobile, None, front
        if src == "1D":
            return f"{given} {family}", "Member of the public", None, "", "", mobile, None, front
        if src == "5A":
            return (
                f"{given} {family}",
                "Adult social worker",
                None,
                f"{self.preset.la_name} Adult Social Care",
                "",
                phone,
                None,
                front,
            )
        if src == "5B":
            role, team = (("Youth worker", "Youth Service"), ("Family hub practitioner", "Family Hubs"))[int(rnd() * 2)]
            return f"{given} {family}", role, None, f"{self.preset.la_name} {team}", "", phone, None, front
        if src == "5C":
            return (
                f"{given} {family}",
                "Social worker",
                None,
                f"{names.OUT_OF_AREA[1]} Council Children's Services",
                "",
                phone,
                None,
                front,
            )
        if src == "5D":
            workers = self.family_workers
            w = workers[int(rnd() * len(workers))]
            return (
                f"{w.first_name} {w.last_name}",
                "Family support worker",
                None,
                self.la_service,
                f"{w.username}@{org.domain}",
                phone,
                None,
                front,
            )
        if src == "9":
            return "", "Anonymous caller", None, "", "", "", None, front
        return "", "", None, "", "", "", None, front

    def _partner_referrer(self, w: WorkerInfo, role: str) -> tuple[str, str, Any, str, str, str, Any, str]:
        return (
            f"{w.first_name} {w.last_name}",
            role,
            w.agency_id,
            "",
            self.partner_email.get(w.id, ""),
            "",
            w.id,
            Contact.Via.PARTNER_FORM,
        )

    def _write_event(self, ev: Event) -> None:  # noqa: C901, PLR0912, PLR0915 - one arrival, every row it makes
        rng = self.rng
        rnd = rng.random
        new_id = self.new_id
        ts = self._ts
        d = self.d
        hh = ev.household
        kids = ev.children
        received = self._utc(ev.day, ev.secs)
        if received > self.limit:
            received = self.limit - 60 * int(rnd() * 60)
        due = self._decision_due(received)
        group = ev.group = new_id()
        first = kids[0]
        age = None if first.dob is None or first.dob > ev.day else (ev.day - first.dob) / YEAR
        given_as = [self._as_given(c, ev.day) for c in kids]
        theme = self._theme(ev, age, first.dob is None or first.dob > ev.day)
        factors = set(theme.factors)
        for code, chance in texts.EXTRA_FACTORS:
            if rnd() < chance:
                factors.add(code)
        if ev.kind == Contact.Kind.DOMESTIC_ABUSE and rnd() < 0.4:
            factors.add("3A")
        if ev.status == Contact.Status.NEW:
            factors -= EXPLOITATION_FACTORS  # the screening check would already have been asked for
        ev.factors = tuple(sorted(factors))
        factors_value = self._factors_value(ev.factors)
        exploitation = bool(factors & EXPLOITATION_FACTORS)
        (name, role, agency_id, agency_name, email, phone, submitted_by, via) = self._referrer(ev, first)
        mum, partner, others = self._adults(hh)
        names_given = [g for g, _, _, _ in given_as if g] or ["the baby"]
        children_text = (
            names_given[0] if len(names_given) == 1 else ", ".join(names_given[:-1]) + " and " + names_given[-1]
        )
        sex = first.sex
        he, his, him = (
            ("she", "her", "her") if sex == "F" else (("he", "his", "him") if sex == "M" else ("they", "their", "them"))
        )
        school = self.org.schools[first.school].name if first.school is not None else "school"
        local_day, local_secs = self._local(received)
        text = theme.texts[int(rnd() * len(theme.texts))]
        concerns = text.format(
            child=names_given[0],
            children=children_text,
            he=he,
            his=his,
            him=him,
            mum=f"{mum.given}" if mum and mum.given else "Mum",
            partner=f"{partner.given}" if partner and partner.given else "her partner",
            school=school,
            town=self.town if rnd() < 0.5 else names.OUT_OF_AREA[1],
            n=3 + int(rnd() * 30),
            pct=55 + int(rnd() * 30),
            risk=("standard", "medium", "high")[int(rnd() * 3)],
            hour=f"{local_secs // HOUR:02d}:{local_secs // 60 % 60:02d}",
            nth=("second", "third", "fourth")[int(rnd() * 3)],
            was="were" if len(kids) > 1 else "was",
            **{"is": "are" if len(kids) > 1 else "is"},
        )
        concerns = concerns[0].upper() + concerns[1:]
        severe = ev.outcome == "strategy_discussion" or ev.level == 4
        roll = rnd()
        if ev.kind == Contact.Kind.DOMESTIC_ABUSE or (severe and roll < 0.35):
            consent = Contact.Consent.NOT_SOUGHT
        elif roll < 0.82:
            consent = Contact.Consent.GIVEN
        else:
            consent = Contact.Consent.REFUSED
        lawful = (
            ""
            if consent == Contact.Consent.GIVEN
            else texts.LAWFUL_BASIS[
                2 if ev.kind == Contact.Kind.DOMESTIC_ABUSE else (0 if consent == Contact.Consent.NOT_SOUGHT else 1)
            ]
        )
        roll = rnd()
        if ev.outcome == "strategy_discussion":
            urgency = Contact.Urgency.IMMEDIATE if roll < 0.6 else Contact.Urgency.SAME_DAY
        elif ev.level == 4:
            urgency = Contact.Urgency.SAME_DAY if roll < 0.4 else Contact.Urgency.ROUTINE
        else:
            urgency = (
                Contact.Urgency.IMMEDIATE
                if roll < 0.02
                else (Contact.Urgency.SAME_DAY if roll < 0.2 else Contact.Urgency.ROUTINE)
            )
        address, postcode = self._address_on(hh, ev.day)
        if postcode and rnd() < 0.06:
            postcode = ""
        practitioner = self.practitioners[int(rnd() * len(self.practitioners))]
        managers = self.authorisers[practitioner.id]
        manager = managers[int(rnd() * len(managers))]
        recorder = submitted_by if submitted_by is not None else practitioner.id
        status = ev.status
        unknown = first.id is None
        identified = None
        if status != Contact.Status.NEW:
            identified = self._office(received) + (5 + int(rnd() * 150)) * 60
            if identified > self.limit and status != Contact.Status.DECIDED:
                identified = max(received + 300, self.limit - int(rnd() * 1800))
        # Partner checks: (type, required, screening, requested, due, returned or None, rag).
        checks: list[tuple[CheckType, bool, bool, int, int, int | None, str]] = []
        wants_checks = (
            status
            in (Contact.Status.AWAITING_CHECKS, Contact.Status.AWAITING_DECISION, Contact.Status.AWAITING_AUTHORISATION)
            and (status == Contact.Status.AWAITING_CHECKS or rnd() < 0.7)
        ) or (status == Contact.Status.DECIDED and rnd() < {3: 0.4, 4: 0.8}.get(ev.level, 0.05))
        last_back = identified or received
        # Most decisions are made within the clock (checks come back in time for it); some are late.
        on_time = rnd() < 0.9
        decide_by = due if on_time else due + int((1 + rnd() * 20) * HOUR)
        if identified is not None and (wants_checks or exploitation):
            severity = "high" if severe else ("medium" if ev.level == 3 else "low")
            requested = identified + (5 + int(rnd() * 30)) * 60
            chosen: list[tuple[str, bool, bool]] = []
            if wants_checks:
                chosen.append(("Police", True, False))
                if rnd() < 0.35:
                    chosen.append(("Health", False, False))
                if age is not None and age >= 4 and rnd() < 0.35:
                    chosen.append(("Education", False, False))
                if rnd() < 0.15:
                    chosen.append(("Early help", False, False))
                if theme.key == "housing" or rnd() < 0.03:
                    chosen.append(("Housing", False, False))
                if rnd() < 0.02:
                    chosen.append(("Probation", False, False))
            if exploitation:
                chosen.append(("Youth Offending Service", True, True))
            outstanding = False
            for n, (type_name, required, screening) in enumerate(chosen):
                check_type = self.check_types.get(type_name)
                if check_type is None:
                    continue
                required = required and (check_type.required_by_default or screening)
                check_due = self._add_working_hours(requested, check_type.due_hours)
                returned: int | None
                if status == Contact.Status.AWAITING_CHECKS and (n == 0 or rnd() < 0.5):
                    returned = None
                    outstanding = True
                elif status != Contact.Status.DECIDED or on_time or rnd() < 0.5:
                    window = min(check_due, decide_by - (20 + int(rnd() * 60)) * 60) - requested
                    returned = requested + max(600, int((0.1 + rnd() * 0.85) * window))
                else:  # back after it was due
                    returned = check_due + int((0.5 + rnd() * 6) * HOUR)
                if returned is not None and status != Contact.Status.DECIDED and returned > self.limit:
                    returned = max(requested + 600, self.limit - int(rnd() * 3600))
                rag = self.rag_picks[severity]()
                checks.append((check_type, required, screening, requested, check_due, returned, rag))
                if returned is not None:
                    last_back = max(last_back, returned)
            if status == Contact.Status.AWAITING_CHECKS and not outstanding and checks:
                c = checks[0]
                checks[0] = (c[0], c[1], c[2], c[3], c[4], None, c[6])
        if status == Contact.Status.AWAITING_CHECKS and not any(c[5] is None for c in checks):
            status = Contact.Status.AWAITING_DECISION  # no check type to ask (an administrator turned them off)
        # The decision: proposed, sometimes returned once, then authorised.
        proposed = authorised = None
        returned_proposal = None
        if status in (Contact.Status.DECIDED, Contact.Status.AWAITING_AUTHORISATION):
            proposed = self._office(max(last_back, identified or received) + (10 + int(rnd() * 100)) * 60)
            if status == Contact.Status.DECIDED:
                if rnd() < 0.03:
                    returned_proposal = proposed
                    proposed = self._office(proposed + (60 + int(rnd() * 180)) * 60)
                authorised = self._office(proposed + (10 + int(rnd() * 170)) * 60)
                if on_time and authorised > due and due - 900 > last_back:
                    authorised = due - (5 + int(rnd() * 40)) * 60
                    proposed = max(last_back + 300, authorised - (10 + int(rnd() * 60)) * 60)
                    if returned_proposal is not None:
                        returned_proposal = min(returned_proposal, proposed - 600)
                    if proposed >= authorised:
                        authorised = proposed + 600
                if authorised > self.limit:
                    authorised = self.limit - int(rnd() * 1800)
                    proposed = min(proposed, authorised - 600)
            elif proposed > self.limit:
                proposed = self.limit - int(rnd() * 1800)
        decided = authorised
        shared = decided + (1 + int(rnd() * 120)) * 60 if decided is not None and (email or submitted_by) else None
        if shared is not None and shared > self.limit:
            shared = decided
        outcome = ev.outcome
        level = ev.level
        if status == Contact.Status.AWAITING_AUTHORISATION:
            roll = rnd()
            outcome, level = (
                ("nfa", 2)
                if roll < 0.3
                else ("signpost", 2)
                if roll < 0.5
                else ("family_support", 3)
                if roll < 0.75
                else ("single_assessment", 4)
            )
        need = ""
        if outcome in ("single_assessment", "strategy_discussion"):
            need = theme.need if rnd() < 0.7 else self.need_pick()
        service_id, service_name = None, ""
        if outcome == "signpost":
            service_id, service_name = self._service_for(theme, hh)
        rationale = (
            texts.RATIONALE[outcome][int(rnd() * len(texts.RATIONALE[outcome]))].format(
                level=level, service=service_name
            )
            if outcome
            else ""
        )
        feedback = texts.FEEDBACK[outcome].format(service=service_name) if outcome else ""
        outcome_label = self._labels[f"outcome:{outcome}"] if outcome else ""
        agency_label = self.agency_of.get(agency_id, ("", agency_name))[1]
        referrer_display = ", ".join(p for p in (name, role, agency_label) if p) or "Not recorded"
        kind_label = self._labels[f"kind:{ev.kind}"]
        # The family members the front door adds to the contact (more often when it goes further).
        people: list[Any] = []
        if mum is not None and rnd() < (0.8 if ev.level >= 3 else 0.15):
            people = [mum, partner] if partner is not None and rnd() < 0.6 else [mum]
        received_ts = ts(received)
        due_ts = ts(due)
        identified_ts = ts(identified) if identified is not None else None
        decided_ts = ts(decided) if decided is not None else None
        shared_ts = ts(shared) if shared is not None else None
        proposed_ts = ts(proposed) if proposed is not None else None
        last_ts = decided_ts or proposed_ts or identified_ts or received_ts
        local_time = self._clock[local_secs // 60]
        received_on = d(local_day)
        decided_on = self._local(decided)[0] if decided is not None else None
        decided_on_value = d(decided_on)
        manager_id = manager.id
        practitioner_id = practitioner.id
        modifier = manager_id if decided is not None else recorder
        # Rows shared by the siblings' contacts, each then given its own id and contact.
        check_rows = []
        for check_type, required, screening, requested, check_due, returned, rag in checks:
            requested_ts = ts(requested)
            if returned is None:
                check_rows.append(
                    (
                        requested_ts,
                        requested_ts,
                        practitioner_id,
                        practitioner_id,
                        None,
                        self.check_ids[check_type.name],
                        PartnerCheck.Status.REQUESTED,
                        required,
                        screening,
                        requested_ts,
                        ts(check_due),
                        "",
                        "",
                        "",
                        None,
                    )
                )
                continue
            info = texts.CHECK_INFORMATION.get(check_type.name, {}).get(rag, ("",))
            g, f = self._name()
            returned_ts = ts(returned)
            check_rows.append(
                (
                    requested_ts,
                    returned_ts,
                    practitioner_id,
                    practitioner_id,
                    None,
                    self.check_ids[check_type.name],
                    PartnerCheck.Status.RETURNED,
                    required,
                    screening,
                    requested_ts,
                    ts(check_due),
                    info[int(rnd() * len(info))],
                    rag,
                    f"{g} {f}",
                    returned_ts,
                )
            )
        returned_row = None
        if returned_proposal is not None:
            returned_row = (
                ts(returned_proposal),
                ts(returned_proposal + 1800),
                practitioner_id,
                manager_id,
                None,
                ThresholdDecision.Status.RETURNED,
                self.document_id,
                max(1, level - 1) if outcome in ("nfa", "advice", "signpost") or level > 2 else level,
                "advice" if level <= 2 else "nfa",
                rationale,
                "",
                None,
                "",
                practitioner_id,
                ts(returned_proposal),
                None,
                None,
                texts.RETURN_COMMENTS[int(rnd() * len(texts.RETURN_COMMENTS))],
                # Returned half an hour after it was proposed, and always before the proposal that replaced it.
                ts(min(returned_proposal + 1800, proposed - 300)) if proposed is not None else None,
            )
        decision_row = None
        if proposed_ts is not None:
            decision_row = (
                proposed_ts,
                decided_ts or proposed_ts,
                practitioner_id,
                manager_id if decided is not None else practitioner_id,
                None,
                ThresholdDecision.Status.AUTHORISED if decided is not None else ThresholdDecision.Status.PROPOSED,
                self.document_id,
                level,
                outcome,
                rationale,
                need,
                service_id,
                feedback,
                practitioner_id,
                proposed_ts,
                manager_id if decided is not None else None,
                decided_ts,
                "",
                None,
            )
        contact_summary = f"{kind_label} %s from {referrer_display}"
        decision_summary = f"Level {level}: {outcome_label} (contact %s)"
        add_contact, add_event = self.t_contact.add, self.t_event.add
        add_check, add_decision, add_person = self.t_check.add, self.t_decision.add, self.t_person.add
        dashed = self.dashed
        identify = status != Contact.Status.NEW and not unknown
        for child, (given, family, dob, _), spell in zip(kids, given_as, ev.spells, strict=True):
            self.contact_n += 1
            reference = f"C{self.contact_n:07d}"
            contact_id = new_id()
            child_id = child.id if identify else None
            previous = None
            if child_id is not None:
                earlier = self.refs_written.get(child_id)
                if earlier:
                    for r in reversed(earlier):
                        if r < ev.day:
                            if r >= self._year_ago(ev.day):
                                previous = r
                            break
            school_name = ""
            if child.school is not None and child.dob is not None and ev.day - child.dob >= 4 * YEAR and rnd() < 0.6:
                school_name = self.org.schools[child.school].name
            add_contact(
                (
                    contact_id,
                    received_ts,
                    last_ts,
                    recorder,
                    modifier,
                    reference,
                    ev.kind,
                    status,
                    via,
                    received_ts,
                    group,
                    child_id,
                    given,
                    family,
                    d(dob),
                    address,
                    postcode,
                    school_name,
                    identified_ts if child_id is not None else None,
                    practitioner_id if child_id is not None else None,
                    others,
                    name,
                    role,
                    agency_id,
                    agency_name,
                    email,
                    phone,
                    submitted_by,
                    ev.source,
                    concerns,
                    factors_value,
                    consent,
                    lawful,
                    urgency,
                    due_ts,
                    previous is not None,
                    d(previous),
                    decided_ts,
                    shared_ts,
                )
            )
            if child_id is not None:
                add_event(
                    (
                        new_id(),
                        "frontdoor.contact",
                        contact_summary % reference,
                        received_on,
                        local_time,
                        identified_ts,
                        FRONT_DOOR_LATE,
                        "frontdoor.contact",
                        dashed(contact_id),
                        child_id,
                        practitioner_id,
                    )
                )
                for adult in people:
                    add_person(
                        (
                            new_id(),
                            identified_ts,
                            identified_ts,
                            practitioner_id,
                            practitioner_id,
                            contact_id,
                            adult.id,
                            adult.relationship,
                        )
                    )
                if submitted_by is not None and (child_id, submitted_by) not in self.referrer_pairs:
                    self.referrer_pairs.add((child_id, submitted_by))
                    self.t_inv.add(
                        (
                            new_id(),
                            identified_ts,
                            identified_ts,
                            "referrer",
                            submitted_by,
                            "",
                            agency_id,
                            "",
                            received_on,
                            None,
                            child_id,
                            practitioner_id,
                            practitioner_id,
                        )
                    )
            for row in check_rows:
                add_check((new_id(), *row[:4], contact_id, *row[5:]))
            self.result.checks += len(check_rows)
            if returned_row is not None:
                add_decision((new_id(), *returned_row[:4], contact_id, *returned_row[5:]))
                self.result.decisions += 1
            if decision_row is not None:
                decision_id = new_id()
                add_decision((decision_id, *decision_row[:4], contact_id, *decision_row[5:]))
                self.result.decisions += 1
                if decided is not None and child_id is not None:
                    add_event(
                        (
                            new_id(),
                            "frontdoor.decision",
                            decision_summary % reference,
                            decided_on_value,
                            None,
                            decided_ts,
                            "",
                            "frontdoor.thresholddecision",
                            dashed(decision_id),
                            child_id,
                            manager_id,
                        )
                    )
            if spell is not None and child_id is not None and decided is not None:
                assert decided_on is not None
                self._write_case(
                    ev,
                    child,
                    child_id,
                    spell,
                    contact_id,
                    decided_on,
                    decided_ts,
                    manager_id,
                    need or self.need_pick(),
                    outcome,
                )
        if ev.status != Contact.Status.DECIDED:
            self.result.queue_status[status] = self.result.queue_status.get(status, 0) + len(kids)

    def _write_case(
        self,
        ev: Event,
        child: ChildSummary,
        child_id: Any,
        spell: Spell,
        contact_id: Any,
        decided_on: int,
        decided_ts: Any,
        manager_id: Any,
        need: str,
        outcome: str,
    ) -> None:
        new_id = self.new_id
        d = self.d
        self.case_n += 1
        case_id = new_id()
        reference = f"CASE{self.case_n:07d}"
        level = spell.level
        # The case opens on the day the decision is authorised, never before it (frontdoor.services); a level 4
        # case's CIN episode keeps the day the contact was received as its referral date.
        opened = max(decided_on, ev.day)
        closed = spell.close
        if closed is not None and closed < opened:
            closed = opened
        if closed is None:
            self.result.open_cases += 1
            if spell.status == Case.Status.AWAITING_ALLOCATION:
                self.result.awaiting_allocation += 1
        modified = self._ts(closed * DAY + 16 * HOUR) if closed is not None else decided_ts
        closure_text = spell.reason
        if level == 4:
            closure_text = self._labels[f"rc:{spell.reason}"] if spell.reason else ""
        row = (
            case_id,
            decided_ts,
            modified,
            manager_id,
            manager_id,
            reference,
            child_id,
            level,
            spell.status,
            d(opened),
            contact_id,
            d(closed),
            closure_text if closed is not None else "",
        )
        planned = None
        if self.defer_cases:
            planned = PlannedCase(
                row,
                case_id,
                child,
                ev.household,
                level,
                spell.status,
                opened,
                closed,
                spell.reason,
                decided_on,
                manager_id,
                spell,
                ev.factors,
                ev.group,
            )
            self.result.planned.append(planned)
        else:
            self.t_case.add((*row, None, None, None, None, None))
        level_text = self._labels[f"level:{level}"]
        self.t_event.add(
            (
                new_id(),
                "casework.case_opened",
                f"Case {reference} opened at {level_text}",
                d(opened),
                None,
                decided_ts,
                "",
                "casework.case",
                self.dashed(case_id),
                child_id,
                manager_id,
            )
        )
        if level == 4:
            episode_id = new_id()
            route = (
                CINEpisode.Route.STRATEGY_DISCUSSION
                if outcome == "strategy_discussion"
                else CINEpisode.Route.SINGLE_ASSESSMENT
            )
            self.t_episode.add(
                (
                    episode_id,
                    decided_ts,
                    modified,
                    manager_id,
                    manager_id,
                    case_id,
                    child_id,
                    d(ev.day),
                    ev.source,
                    need,
                    route,
                    contact_id,
                    d(closed),
                    spell.reason if closed is not None else "",
                )
            )
            self.result.cin_episodes += 1
            if planned is not None:
                planned.episode_id, planned.referral_day, planned.route = episode_id, ev.day, route
            self.refs_written.setdefault(child_id, []).append(ev.day)
            self.t_event.add(
                (
                    new_id(),
                    "casework.referral",
                    f"Referral to children's social care: {self._labels['route:' + route]}",
                    d(ev.day),
                    None,
                    decided_ts,
                    "",
                    "casework.cinepisode",
                    self.dashed(episode_id),
                    child_id,
                    manager_id,
                )
            )
        if spell.worker is not None and closed is not None:
            worker = spell.worker
            start = min(max(opened, decided_on), closed)
            team_manager = self.team_manager.get(worker.team.id) if worker.team else None
            by = (team_manager or worker).id
            stamp = self._ts(start * DAY + 10 * HOUR)
            self.t_inv.add(
                (
                    new_id(),
                    stamp,
                    stamp,
                    "allocated_worker",
                    worker.id,
                    "",
                    None,
                    "",
                    d(start),
                    d(closed),
                    child_id,
                    by,
                    by,
                )
            )

    def _service_for(self, theme: texts.Theme, hh: HouseholdSummary | None) -> tuple[Any, str]:
        by = self.services
        rnd = self.rng.random
        key = {
            "domestic_abuse": "voluntary",
            "young_carer": "voluntary",
            "child_mental_health": "health",
            "low_income": "voluntary",
            "housing": "other",
        }.get(theme.key, "")
        options: list[Any] = []
        if key and rnd() < 0.6:
            options = by.get(key, [])
            if theme.key == "domestic_abuse":
                options = [o for o in options if "Women" in o[1]] or options
            elif theme.key == "young_carer":
                options = [o for o in options if "Carers" in o[1]] or options
        if not options:
            locality = hh.locality if hh is not None and hh.locality is not None else 0
            options = by.get(f"hub:{locality}") or by.get("universal") or [o for v in by.values() for o in v]
        if not options:
            return None, "local services"
        return options[int(rnd() * len(options))]
