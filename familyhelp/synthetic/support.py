"""Specialist services and panels for the synthetic council: ten years of service referrals, sessions,
short-break admissions, weekly resource panels and admission-to-care panels, built on the casework already
written (its CIN episodes and looked-after episodes), from its own seeded generator.

Calibrated to Wolverhampton's figures (seed 003, April–December 2016, a council of about 60,000 children
with about 3,200 referrals a year), scaled by this council's referrals:
- intensive family support: 178 children in nine months (7.4% of referrals a year), up to 12 weeks, 8%
  (14 of 178) looked after afterwards;
- family group conferences: 114 children in nine months (4.75%), 4.4% (5 of 114) looked after afterwards;
- short breaks: 36 young people aged 10-18 and 125 admissions in nine months (1.5% of referrals; 3.5
  admissions each; 78% planned, 7% emergency, 15% crisis), 6 beds at roughly 55% occupancy, 11% (4 of
  36) looked after afterwards;
- a weekly resource panel (from the first year) that approves the support above, crisis requests approved
  retrospectively; a fortnightly admission-to-care panel that approves most new periods of care, with the
  support options explored and the child's earlier service referrals linked.
Whether a child "became looked after" is never invented: the children picked for the looked-after share
are children whose looked-after episode (already written by synthetic.casework) starts after their
support ends; everyone else is picked from children who are not looked after in the following year.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Min

from familyhelp.accounts.models import User
from familyhelp.casework.models import Case, CINEpisode, LookedAfterEpisode
from familyhelp.organisation.models import Team
from familyhelp.panels.models import Panel, PanelAttendance, PanelKind, PanelRequest, SupportOptionExplored
from familyhelp.specialist.models import Service, ServiceContact, ServiceReferral, ShortBreakAdmission

LONDON = ZoneInfo("Europe/London")
YEAR = 365

# (kind, share of referrals a year, share looked after within 12 months of the end, weeks min-max)
PROFILE: dict[str, tuple[float, float, tuple[int, int]]] = {
    Service.Kind.INTENSIVE_FAMILY_SUPPORT: (0.074, 0.08, (4, 12)),
    Service.Kind.FGC: (0.0475, 0.044, (3, 8)),
    Service.Kind.SHORT_BREAKS: (0.015, 0.11, (8, 26)),
    Service.Kind.THERAPEUTIC: (0.006, 0.05, (8, 20)),
}
CATALOGUE: list[dict[str, Any]] = [
    {
        "name": "Intensive family support",
        "kind": "intensive_family_support",
        "max_duration_weeks": 12,
        "capacity": 60,
        "holds_cases": False,
        "team_kind": "intensive_family_support",
        "description": "Short-term intensive support for families on the edge of care, with evening and weekend "
        "(out-of-hours) sessions.",
        "eligibility": "Children with an allocated social worker at risk of "
        "becoming looked after, or returning home from care.",
    },
    {
        "name": "Family group conferencing and mediation",
        "kind": "fgc",
        "capacity": 35,
        "holds_cases": False,
        "team_kind": "fgc",
        "description": "Family group conferences and family network meetings: the family makes its own plan.",
        "eligibility": "Any child with a plan where the wider family could help.",
    },
    {
        "name": "Short break centre",
        "kind": "short_breaks",
        "capacity": 6,
        "capacity_unit": "beds",
        "min_age": 10,
        "max_age": 18,
        "holds_cases": False,
        "team_kind": "intensive_family_support",
        "description": "Planned, emergency (within 24 hours) and crisis (out of hours) short breaks for young people "
        "where family relationships are at risk of breaking down.",
        "eligibility": "Young people aged 10 to 18.",
    },
    {
        "name": "Exploitation and missing team",
        "kind": "exploitation_missing",
        "max_age": 25,
        "holds_cases": False,
        "team_kind": "exploitation_missing",
        "description": "Screening, return interviews and support for children "
        "at risk of exploitation or going missing.",
        "eligibility": "Children and young people up to 25.",
    },
    {
        "name": "Therapeutic support (spot purchase)",
        "kind": "therapeutic",
        "spot_purchase": True,
        "holds_cases": False,
        "team_kind": "intensive_family_support",
        "description": "Therapy bought from a provider for a child or family, agreed at the resource panel.",
        "eligibility": "Agreed by the resource panel.",
    },
    {
        "name": "IDVA and MARAC",
        "kind": "idva_marac",
        "holds_cases": False,
        "team_kind": None,
        "description": "Independent domestic violence advisers and the multi-agency risk assessment conference.",
        "eligibility": "Families where there is high-risk domestic abuse.",
    },
    {
        "name": "SWITCH",
        "kind": "switch",
        "holds_cases": False,
        "team_kind": None,
        "description": "Reaches out to women who have had a child removed into care, to prevent repeat removals.",
        "eligibility": "Women of any age who recently had a child removed.",
    },
]
OUTCOMES_OK = ["goals_met", "goals_met", "family_plan_agreed", "stepped_down", "stepped_down", "disengaged"]
REASONS = {
    "intensive_family_support": "Family in crisis; risk of the children becoming looked after.",
    "fgc": "Wider family could help keep the children safe at home.",
    "short_breaks": "Relationship between the young person and their parents is breaking down.",
    "therapeutic": "Trauma-focused therapy for the young person.",
}
PROVIDERS = ["Harbour Therapy Ltd", "Oakfield Family Therapy", "Brightpath Psychology"]


@dataclass
class Episode:
    case: uuid.UUID
    person: uuid.UUID
    worker: uuid.UUID | None
    referred: date
    closed: date | None
    born: date | None


class SupportBuilder:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.counts: dict[str, int] = defaultdict(int)

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _at(self, day: date, hour: int = 11) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=LONDON)

    # --- reading the casework ---------------------------------------------------------------------
    def _read(self) -> None:
        rows = CINEpisode.objects.values_list(
            "case_id", "person_id", "case__worker_id", "referral_date", "closed_on", "person__date_of_birth"
        )
        self.episodes = [Episode(*row) for row in rows]
        self.episodes.sort(key=lambda e: (e.referred, str(e.case)))
        starts = (
            LookedAfterEpisode.objects.filter(reason_new_episode="S")
            .values("person_id")
            .annotate(first=Min("started_on"))
        )
        self.care_starts: dict[uuid.UUID, date] = {row["person_id"]: row["first"] for row in starts}
        self.cases_of_lac = dict(
            LookedAfterEpisode.objects.filter(reason_new_episode="S").values_list("person_id", "plan__case_id")
        )
        self.coordinators = list(
            User.objects.filter(role="specialist_coordinator", is_active=True).order_by("username")
        )
        self.managers = list(User.objects.filter(role="team_manager", is_active=True).order_by("username"))
        self.leaders = list(User.objects.filter(role="senior_leader", is_active=True).order_by("username"))
        self.any_worker = User.objects.filter(role="social_worker").order_by("username").first()

    # --- the catalogue ------------------------------------------------------------------------------
    def _catalogue(self) -> None:
        teams = {kind: pk for pk, kind in Team.objects.values_list("id", "kind")}
        self.services: dict[str, Service] = {}
        for entry in CATALOGUE:
            fields = {k: v for k, v in entry.items() if k not in ("team_kind", "name")}
            team = teams.get(entry["team_kind"]) if entry["team_kind"] else None
            service, _ = Service.objects.get_or_create(name=entry["name"], defaults={**fields, "team_id": team})
            self.services[service.kind] = service
        self.counts["specialist_service"] = len(self.services)

    # --- referrals ----------------------------------------------------------------------------------
    def _pick(self, kind: str) -> list[tuple[Episode, date, date, bool]]:
        """Episodes that get this support, with the support's start and end and whether the child is one of the
        looked-after share (their care starts 1-11 months after the end)."""
        share, lac_share, (low, high) = PROFILE[kind]
        by_year: dict[int, list[Episode]] = defaultdict(list)
        for episode in self.episodes:
            by_year[episode.referred.year].append(episode)
        chosen: list[tuple[Episode, date, date, bool]] = []
        for year in sorted(by_year):
            pool = by_year[year]
            target = round(share * len(pool))
            if kind == Service.Kind.SHORT_BREAKS:
                pool = [e for e in pool if e.born and 10 <= (e.referred - e.born).days / 365.25 < 17.5]
            lac_pool, other_pool = [], []
            for episode in pool:
                care = self.care_starts.get(episode.person)
                soon = care is not None and timedelta(days=45) <= care - episode.referred <= timedelta(days=3 * YEAR)
                if care and soon:
                    lac_pool.append(episode)
                elif care is None or care > episode.referred + timedelta(days=2 * YEAR):
                    other_pool.append(episode)
            wanted_lac = min(len(lac_pool), round(lac_share * target))
            for episode in self.rng.sample(lac_pool, wanted_lac):
                care = self.care_starts[episode.person]
                end = max(episode.referred + timedelta(days=21), care - timedelta(days=self.rng.randint(20, 330)))
                start = max(episode.referred + timedelta(days=7), end - timedelta(weeks=self.rng.randint(low, high)))
                if start < end:
                    chosen.append((episode, start, end, True))
            for episode in self.rng.sample(other_pool, min(len(other_pool), target - wanted_lac)):
                start = episode.referred + timedelta(days=self.rng.randint(7, 40))
                end = start + timedelta(weeks=self.rng.randint(low, high))
                if episode.closed and end > episode.closed:
                    end = max(start + timedelta(days=14), episode.closed)
                if start < self.today:
                    chosen.append((episode, start, end, False))
        return chosen

    def _referrals(self) -> None:
        self.referrals_of: dict[uuid.UUID, list[ServiceReferral]] = defaultdict(list)
        referrals, contacts, admissions = [], [], []
        self.requests: list[PanelRequest] = []
        for kind in PROFILE:
            service = self.services[kind]
            for episode, start, end, lac in self._pick(kind):
                requested = start - timedelta(days=self.rng.randint(3, 12))
                coordinator = self.rng.choice(self.coordinators) if self.coordinators else None
                requester = episode.worker or (self.any_worker.pk if self.any_worker else None)
                if requester is None or coordinator is None:
                    continue
                ongoing = end >= self.today
                outcome = (
                    ""
                    if ongoing
                    else ("became_looked_after" if lac and self.rng.random() < 0.3 else self.rng.choice(OUTCOMES_OK))
                )
                referral = ServiceReferral(
                    id=self._id(),
                    service=service,
                    case_id=episode.case,
                    person_id=episode.person,
                    reason=REASONS[kind],
                    requested_by_id=requester,
                    requested_on=requested,
                    status="started" if ongoing else "ended",
                    decided_by=coordinator,
                    decided_on=requested + timedelta(days=2),
                    started_on=start,
                    ended_on=None if ongoing else end,
                    ended_by=None if ongoing else coordinator,
                    outcome=outcome,
                    created_at=self._at(requested),
                    modified_at=self._at(min(end, self.today)),
                )
                if kind == Service.Kind.FGC and not ongoing:
                    referral.fgc_plan_agreed_on = end
                    referral.fgc_plan = "Grandparents to care after school on weekdays; aunt as the family's contact."
                    referral.outcome = "family_plan_agreed" if outcome != "became_looked_after" else outcome
                if kind == Service.Kind.THERAPEUTIC:
                    referral.provider = self.rng.choice(PROVIDERS)
                    referral.cost = Decimal(self.rng.randrange(1200, 6000, 100))
                referrals.append(referral)
                self.referrals_of[episode.person].append(referral)
                last = min(end, self.today)
                day, step = start, 7 if kind != Service.Kind.FGC else 14
                while day <= last:
                    out_of_hours = kind == Service.Kind.INTENSIVE_FAMILY_SUPPORT and day.weekday() >= 5
                    contacts.append(
                        ServiceContact(
                            id=self._id(),
                            referral=referral,
                            date=day,
                            by=coordinator,
                            kind="out_of_hours" if out_of_hours else "session",
                            created_at=self._at(day, 17),
                            modified_at=self._at(day, 17),
                        )
                    )
                    day += timedelta(days=step + self.rng.randint(-2, 2))
                if kind == Service.Kind.SHORT_BREAKS:
                    admissions += self._admissions(referral, start, last)
                if kind != Service.Kind.FGC:
                    self.requests.append(self._resource_request(referral, kind, requested, start))
        ServiceReferral.objects.bulk_create(referrals, batch_size=2000)
        ServiceContact.objects.bulk_create(contacts, batch_size=5000)
        ShortBreakAdmission.objects.bulk_create(admissions, batch_size=2000)
        self.counts["specialist_servicereferral"] = len(referrals)
        self.counts["specialist_servicecontact"] = len(contacts)
        self.counts["specialist_shortbreakadmission"] = len(admissions)

    def _admissions(self, referral: ServiceReferral, start: date, last: date) -> list[ShortBreakAdmission]:
        out: list[ShortBreakAdmission] = []
        day = start
        while day <= last and len(out) < 8:
            roll = self.rng.random()
            kind = "planned" if roll < 0.78 else "emergency" if roll < 0.85 else "crisis"
            nights = self.rng.randint(2, 12) if kind == "planned" else self.rng.randint(1, 5)
            left = day + timedelta(days=nights)
            out.append(
                ShortBreakAdmission(
                    id=self._id(),
                    referral=referral,
                    admitted_on=day,
                    left_on=left if left <= self.today else None,
                    kind=kind,
                    created_at=self._at(day),
                    modified_at=self._at(day),
                )
            )
            day = left + timedelta(days=self.rng.randint(14, 40))
        return out

    # --- panels -------------------------------------------------------------------------------------
    def _sitting(self, kind: str, on_or_after: date) -> date:
        """The panel day on or after a date: resource panels on Wednesdays, admission to care every other Thursday."""
        weekday = 2 if kind == PanelKind.RESOURCE else 3
        day = on_or_after + timedelta(days=(weekday - on_or_after.weekday()) % 7)
        if kind == PanelKind.ADMISSION_TO_CARE and (day.toordinal() // 7) % 2:
            day += timedelta(days=7)
        return day

    def _resource_request(self, referral: ServiceReferral, kind: str, requested: date, start: date) -> PanelRequest:
        crisis = self.rng.random() < 0.12
        ask = {
            "intensive_family_support": "intensive_family_support",
            "short_breaks": "short_break",
            "therapeutic": "therapeutic_support",
        }[kind]
        return PanelRequest(
            id=self._id(),
            case_id=referral.case_id,
            person_id=referral.person_id,
            panel_kind=PanelKind.RESOURCE,
            ask=ask,
            reason=referral.reason,
            urgency="crisis" if crisis else "routine",
            estimated_cost=referral.cost,
            retrospective=crisis,
            actioned_on=start if crisis else None,
            requested_by_id=referral.requested_by_id,
            requested_on=requested,
            status="approved",
            created_at=self._at(requested),
            modified_at=self._at(requested),
        )

    def _admission_requests(self) -> None:
        for person, care in sorted(self.care_starts.items(), key=lambda item: (item[1], str(item[0]))):
            case = self.cases_of_lac.get(person)
            if case is None or self.rng.random() > 0.7:
                continue  # emergency admissions (police protection, remand) do not come to panel first
            requested = care - timedelta(days=self.rng.randint(8, 30))
            requester = Case.objects.filter(pk=case).values_list("worker_id", flat=True).first()
            requester = requester or (self.any_worker.pk if self.any_worker else None)
            if requester is None:
                continue
            request = PanelRequest(
                id=self._id(),
                case_id=case,
                person_id=person,
                panel_kind=PanelKind.ADMISSION_TO_CARE,
                ask="admission_to_care",
                reason="Support at home has not kept the child safe.",
                urgency="routine",
                requested_by_id=requester,
                requested_on=requested,
                status="approved",
                created_at=self._at(requested),
                modified_at=self._at(requested),
            )
            request._explored = [r for r in self.referrals_of.get(person, []) if r.started_on and r.started_on < care]  # type: ignore[attr-defined]
            self.requests.append(request)

    def _panels(self) -> None:
        first = min((r.requested_on for r in self.requests), default=self.today)
        sittings: dict[tuple[str, date], Panel] = {}
        attendance: list[PanelAttendance] = []
        chairs = self.leaders or self.managers
        for request in sorted(self.requests, key=lambda r: (r.requested_on, str(r.id))):
            day = self._sitting(request.panel_kind, request.requested_on + timedelta(days=1))
            if request.actioned_on and day < request.actioned_on:
                day = self._sitting(request.panel_kind, request.actioned_on)
            key = (request.panel_kind, day)
            if key not in sittings:
                held = day < self.today
                chair = self.rng.choice(chairs)
                sittings[key] = Panel(
                    id=self._id(),
                    kind=request.panel_kind,
                    sits_on=day,
                    chair=chair,
                    location="Civic Centre, room 2",
                    status="held" if held else "scheduled",
                    held_at=self._at(day, 12) if held else None,
                    held_by=chair if held else None,
                    created_at=self._at(first),
                    modified_at=self._at(day),
                )
                if held:
                    for member in [chair, *self.rng.sample(self.managers, min(3, len(self.managers)))]:
                        attendance.append(
                            PanelAttendance(
                                id=self._id(),
                                panel=sittings[key],
                                user=member,
                                role=member.get_job_role_display(),
                                created_at=self._at(day, 10),
                                modified_at=self._at(day, 10),
                            )
                        )
            panel = sittings[key]
            request.panel = panel
            if panel.status == "held":
                request.decided_by = panel.chair
                request.decided_at = self._at(day, 12)
                request.conditions = "Review at the next panel in six weeks." if self.rng.random() < 0.2 else ""
            else:
                request.status = "on_agenda"
        Panel.objects.bulk_create(sittings.values(), batch_size=2000)
        PanelAttendance.objects.bulk_create(attendance, batch_size=5000)
        PanelRequest.objects.bulk_create(self.requests, batch_size=2000)
        options, links = [], []
        through = PanelRequest.explored_referrals.through
        option_of = {
            "intensive_family_support": "intensive_family_support",
            "fgc": "family_network",
            "short_breaks": "short_breaks",
            "therapeutic": "therapeutic_support",
        }
        for request in self.requests:
            explored = getattr(request, "_explored", None)
            if explored is None:
                continue
            seen = set()
            for referral in explored:
                links.append(through(panelrequest_id=request.id, servicereferral_id=referral.id))
                option = option_of[referral.service.kind]
                if option not in seen:
                    seen.add(option)
                    options.append(
                        SupportOptionExplored(
                            id=self._id(),
                            request=request,
                            option=option,
                            what_happened=f"{referral.service.name} from {referral.started_on:%d/%m/%Y}; "
                            "the risks at home remained.",
                            created_at=request.created_at,
                            modified_at=request.created_at,
                        )
                    )
            if not seen:
                options.append(
                    SupportOptionExplored(
                        id=self._id(),
                        request=request,
                        option="family_network",
                        what_happened="No one in the wider family could care for the child.",
                        created_at=request.created_at,
                        modified_at=request.created_at,
                    )
                )
        through.objects.bulk_create(links, batch_size=5000)
        SupportOptionExplored.objects.bulk_create(options, batch_size=5000)
        self.counts["panels_panel"] = len(sittings)
        self.counts["panels_panelattendance"] = len(attendance)
        self.counts["panels_panelrequest"] = len(self.requests)
        self.counts["panels_supportoptionexplored"] = len(options)

    def run(self) -> dict[str, int]:
        self._read()
        if not self.episodes:
            return {}
        self._catalogue()
        self._referrals()
        self._admission_requests()
        self._panels()
        return dict(self.counts)
