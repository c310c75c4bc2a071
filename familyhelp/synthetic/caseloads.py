"""Professional involvements: who holds each child's case now, who held it before, who else is involved.

Current caseloads are filled worker by worker up to a realistic number of children (social workers about
15–20, family support workers and family help practitioners about 12–18, scaled by FTE). Families are
offered to workers in a random order weighted towards families known recently, and a sibling group is
always allocated to one worker. Past episodes, changes of worker, referrers and other agencies' professionals
(GP, health visitor, school DSL) fill in the history around them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.synthetic.bulk import BulkLoader, DateFormat, SyntheticIds
from familyhelp.synthetic.population import YEAR, HouseholdSummary
from familyhelp.synthetic.presets import Preset
from familyhelp.synthetic.workforce import Organisation, TeamInfo, WorkerInfo, random_adult_name

STATUTORY_KINDS = ("assessment", "child_in_need", "child_protection", "children_in_care")
# How long ago a current allocation started, in days (min, max), by the kind of team holding it.
START_DAYS = {
    "assessment": (1, 45),
    "child_in_need": (14, 400),
    "child_protection": (14, 540),
    "children_in_care": (30, 1800),
    "family_support": (7, 365),
    "early_help": (7, 300),
}
CASELOAD_RANGE = {"social_worker": (14, 20), "family_support_worker": (12, 18), "family_help_practitioner": (12, 18)}


@dataclass
class Slot:
    worker: WorkerInfo
    team: TeamInfo
    capacity: int
    held: int = 0
    demo: bool = False

    @property
    def remaining(self) -> int:
        return self.capacity - self.held


@dataclass
class Allocation:
    household: HouseholdSummary
    slot: Slot
    children: list[Any]
    start: int
    role: str = "allocated_worker"


@dataclass
class Referral:
    """Who referred a family's children (their `referrer` involvement) and on what day."""

    day: int
    worker: WorkerInfo | None
    name: str
    agency: Any


@dataclass
class Episode:
    """One spell of a household's children on a caseload (now, or ended), for the front door's history.

    `start` is the day the first worker took the case (earlier than the current worker's start when the
    case changed hands); `end` is None while it is open. Written by the caseload pass without drawing any
    random numbers, so recording it does not change the generated council.
    """

    household: HouseholdSummary
    children: list[Any]  # ChildSummary
    start: int
    end: int | None
    worker: WorkerInfo
    team_kind: str
    supervised: bool = False  # a social worker supervises the practitioner's work (Family Help model)
    referral: Referral | None = None
    # For synthetic.casework's allocation history: the team now, the social worker supervising, and the
    # earlier worker with the day the current one took over (None: no change of worker).
    team: TeamInfo | None = None
    supervisor: WorkerInfo | None = None
    previous: WorkerInfo | None = None
    handover: int | None = None


@dataclass
class CaseloadResult:
    allocations: int = 0
    open_children: int = 0
    eligible_children: int = 0
    caseloads: dict[str, int] = field(default_factory=dict)  # username -> children held now
    restricted_child: Any = None
    partner_referred: list[Any] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)  # current and ended, in the order written


class CaseloadBuilder:
    """Writes ProfessionalInvolvement rows for the generated households."""

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
    ) -> None:
        self.preset = preset
        self.rng = rng
        self.ids = ids
        self.dates = dates
        self.today = today
        self.org = org
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
        self.names = [" ".join(random_adult_name(rng, "F" if rng.random() < 0.6 else "M")) for _ in range(400)]
        self.gp_names = [f"Dr {n.split(' ')[0][0]}. {n.split(' ', 1)[-1]}" for n in self.names[:120]]
        self.gp_practices: list[list[str]] = []
        from familyhelp.synthetic import names

        for _ in org.localities:
            stems = rng.sample(names.SCHOOL_STEMS[:30], 4)
            self.gp_practices.append([rng.choice(names.GP_PRACTICE_FORMS).format(s) for s in stems])
        self.managers = {t.id: next((m for m in t.members if m.role == "team_manager"), None) for t in org.teams}

    # --- helpers -------------------------------------------------------------------------------
    def _row(
        self,
        person: Any,
        role: str,
        start: int,
        end: int | None,
        *,
        worker: WorkerInfo | None = None,
        name: str = "",
        agency: Any = None,
        agency_name: str = "",
        by: Any = None,
    ) -> None:
        stamp = self.dates.timestamp(min(start, self.today), 9 * 3600 + int(self.rng.random() * 8 * 3600))
        self.t_inv.add(
            (
                self.ids.new(),
                stamp,
                stamp,
                role,
                worker.id if worker else None,
                name,
                agency,
                agency_name,
                self.dates.date(start),
                self.dates.date(end),
                person,
                by,
                by,
            )
        )

    def _name(self) -> str:
        return self.names[int(self.rng.random() * len(self.names))]

    def _is_current(self, dob: int | None, edd: int | None) -> bool:
        if dob is None:
            return edd is not None
        return self.today - dob < 18 * YEAR

    # --- slots ---------------------------------------------------------------------------------
    def _slots(self) -> tuple[dict[int, list[Slot]], dict[int, list[Slot]], list[Slot]]:
        rng = self.rng
        l3: dict[int, list[Slot]] = {loc.index: [] for loc in self.org.localities}
        l4: dict[int, list[Slot]] = {loc.index: [] for loc in self.org.localities}
        slots: list[Slot] = []
        demo_ids = {w.id for w in self.org.demo.values()}
        for team in self.org.teams:
            for worker in team.members:
                if worker.job_role not in CASELOAD_RANGE or team.kind not in START_DAYS:
                    continue
                low, high = CASELOAD_RANGE[worker.job_role]
                capacity = max(1, round(float(worker.fte) * rng.uniform(low, high)))
                slot = Slot(worker, team, capacity, demo=worker.id in demo_ids)
                slots.append(slot)
                if team.kind in ("family_support", "early_help"):
                    pools = l4 if worker.job_role == "social_worker" else l3
                    localities = [team.locality] if team.locality is not None else list(l3)
                else:
                    pools = l4
                    localities = [
                        loc.index for loc in self.org.localities if team.area is None or loc.area == team.area
                    ]
                for loc in localities:
                    pools[loc].append(slot)
        return l3, l4, slots

    # --- run -----------------------------------------------------------------------------------
    def run(self, households: list[HouseholdSummary]) -> CaseloadResult:
        result = CaseloadResult()
        allocations = self._allocate(households, result)
        self._write_allocations(allocations, result)
        self._history(households, result)
        self._other_professionals(households)
        return result

    def _allocate(self, households: list[HouseholdSummary], result: CaseloadResult) -> list[Allocation]:
        rng = self.rng
        today = self.today
        l3, l4, slots = self._slots()
        eligible: list[tuple[float, int, HouseholdSummary, list[Any]]] = []
        for n, hh in enumerate(households):
            if hh.locality is None:
                continue
            kids = [c for c in hh.children if self._is_current(c.dob, c.edd)]
            if not kids:
                continue
            weight = 0.15 + math.exp(-(today - hh.created) / (2 * 365))
            eligible.append((rng.random() ** (1 / weight), n, hh, kids))
            result.eligible_children += len(kids)
        capacity = sum(s.capacity for s in slots)
        limit = int(self.preset.max_open_share * result.eligible_children)
        if capacity > limit > 0:
            factor = limit / capacity
            for s in slots:
                s.capacity = max(3 if s.demo else 1, int(s.capacity * factor))
        eligible.sort(key=lambda e: (-e[0], e[1]))
        allocations: list[Allocation] = []
        remaining = sum(s.capacity for s in slots)
        for _, _, hh, kids in eligible:
            if remaining <= 0:
                break
            assert hh.locality is not None
            pool3, pool4 = l3[hh.locality], l4[hh.locality]
            free3 = sum(max(0, s.remaining) for s in pool3)
            free4 = sum(max(0, s.remaining) for s in pool4)
            if free3 + free4 <= 0:
                continue
            pool = pool4 if rng.random() * (free3 + free4) < free4 else pool3
            slot = next((s for s in pool if s.demo and s.remaining > 0), None)
            if slot is None:
                slot = max(pool, key=lambda s: s.remaining)
            lo, hi = START_DAYS[slot.team.kind]
            start = max(hh.created, today - rng.randint(lo, hi))
            slot.held += len(kids)
            remaining -= len(kids)
            role = "lead_practitioner" if slot.team.kind == "early_help" else "allocated_worker"
            allocations.append(Allocation(hh, slot, kids, start, role))
            if slot.worker.job_role == "family_help_practitioner" and rng.random() < 0.25:
                # Under the Family Help model a social worker oversees a practitioner's child in need work.
                supervisors = [s for s in pool4 if s.team is slot.team]
                if supervisors:
                    supervisor = max(supervisors, key=lambda s: s.remaining)
                    supervisor.held += len(kids)
                    remaining -= len(kids)
                    allocations.append(Allocation(hh, supervisor, kids, start, "supervising_social_worker"))
        for s in slots:
            result.caseloads[s.worker.username] = result.caseloads.get(s.worker.username, 0) + s.held
        return allocations

    def _referrer(
        self, hh: HouseholdSummary, kids: list[Any], day: int, end: int | None, partner: WorkerInfo | None = None
    ) -> Referral:
        """Record who referred the children (a partner agency user where there is one)."""
        rng = self.rng
        org = self.org
        roll = rng.random()
        worker: WorkerInfo | None = partner
        name, agency = "", None
        if worker is None:
            if roll < 0.35:
                users = org.partner_users.get("police", [])
                worker = rng.choice(users) if users and rng.random() < 0.5 else None
                if worker is None:
                    name, agency = f"PC {self._name().split(' ')[-1]}", org.agencies["police"][0][0]
            elif roll < 0.6:
                school = next((c.school for c in kids if c.school is not None), None)
                if school is not None and school in org.dsl_users:
                    worker = org.dsl_users[school]
                elif school is not None:
                    name, agency = org.schools[school].dsl_name, org.schools[school].agency_id
                else:
                    name, agency = self._name(), rng.choice(org.agencies["school"])[0]
            elif roll < 0.8:
                users = org.partner_users.get("health", [])
                worker = rng.choice(users) if users and rng.random() < 0.5 else None
                if worker is None:
                    name, agency = self._name(), rng.choice(org.agencies["health"])[0]
            else:
                kind = rng.choice(("housing", "youth_offending", "voluntary", "probation", "education"))
                users = org.partner_users.get(kind, [])
                worker = rng.choice(users) if users and rng.random() < 0.5 else None
                if worker is None:
                    name, agency = self._name(), rng.choice(org.agencies[kind])[0]
        if worker is not None:
            agency = worker.agency_id
        by = org.front_door[0].id if org.front_door else None
        for child in kids:
            self._row(child.id, "referrer", day, end, worker=worker, name=name, agency=agency, by=by)
        return Referral(day=day, worker=worker, name=name, agency=agency)

    def _write_allocations(self, allocations: list[Allocation], result: CaseloadResult) -> None:
        rng = self.rng
        today = self.today
        partner = self.org.demo.get("partner")
        wanted = self.preset.partner_referrals
        first_locality = [a for a in allocations if a.household.locality == 0 and a.role == "allocated_worker"]
        at_school = [a for a in first_locality if any(c.school == 0 for c in a.children)]
        at_school_ids = {id(a) for a in at_school}
        others = [
            a
            for a in first_locality
            if id(a) not in at_school_ids and any(c.dob is not None and today - c.dob > 4 * YEAR for c in a.children)
        ]
        partner_allocations = {id(a.household) for a in (at_school + others)[:wanted]}
        referred: set[int] = set()
        historical: dict[str, list[WorkerInfo]] = {}
        for w in self.org.leavers + [m for t in self.org.teams for m in t.members]:
            historical.setdefault(w.job_role, []).append(w)
        episodes: dict[int, Episode] = {}
        for a in allocations:
            worker = a.slot.worker
            manager = self.managers.get(a.slot.team.id)
            by = (manager or worker).id
            role = a.role
            supervising = role == "supervising_social_worker"
            for child in a.children:
                start = a.start if child.dob is None else max(a.start, child.dob)
                self._row(child.id, role, start, None, worker=worker, by=by)
                result.open_children += role != "supervising_social_worker"
                if worker.username == "socialworker" and result.restricted_child is None:
                    result.restricted_child = child.id
            if supervising:
                if id(a.household) in episodes:
                    episodes[id(a.household)].supervised = True
                    episodes[id(a.household)].supervisor = worker
                continue
            result.allocations += 1
            episode = Episode(a.household, list(a.children), a.start, None, worker, a.slot.team.kind, team=a.slot.team)
            result.episodes.append(episode)
            episodes[id(a.household)] = episode
            if a.start - a.household.created > 60 and rng.random() < 0.3:
                previous = rng.choice(historical.get(worker.job_role) or [worker])
                if previous is not worker:
                    prev_start = max(a.household.created, a.start - rng.randint(30, 400))
                    episode.start = min(episode.start, prev_start)
                    episode.previous, episode.handover = previous, a.start
                    for child in a.children:
                        if child.dob is not None and child.dob > a.start - 1:
                            continue
                        start = prev_start if child.dob is None else max(prev_start, child.dob)
                        self._row(child.id, "allocated_worker", start, a.start - 1, worker=previous, by=by)
            key = id(a.household)
            if key in referred:
                continue
            referred.add(key)
            day = max(a.household.created, a.start - rng.randint(1, 20))
            if key in partner_allocations and partner is not None:
                episode.referral = self._referrer(a.household, a.children, day, None, partner=partner)
                result.partner_referred.extend(c.id for c in a.children)
            elif rng.random() < 0.7:
                episode.referral = self._referrer(a.household, a.children, day, None)

    def _history(self, households: list[HouseholdSummary], result: CaseloadResult) -> None:
        """Episodes that have ended: the worker who held the case then, and who referred it."""
        rng = self.rng
        rnd = rng.random
        today = self.today
        historical = self.org.leavers + [m for t in self.org.teams for m in t.members if m.job_role in CASELOAD_RANGE]
        if not historical:
            return
        for hh in households:
            span = today - hh.created
            if span < 120:
                continue
            roll = rnd()
            episodes = 0 if roll < 0.55 else (1 if roll < 0.87 else 2)
            for _ in range(episodes):
                start = hh.created + int(rnd() * (span - 90))
                end = min(today - 1, start + 20 + int(rnd() * 380))
                kids = [c for c in hh.children if c.dob is not None and c.dob <= end and start - c.dob < 18 * YEAR]
                if not kids:
                    continue
                worker = historical[int(rnd() * len(historical))]
                team_manager = self.managers.get(worker.team.id) if worker.team else None
                by = (team_manager or worker).id
                for child in kids:
                    assert child.dob is not None
                    self._row(child.id, "allocated_worker", max(start, child.dob), end, worker=worker, by=by)
                episode = Episode(
                    hh, kids, start, end, worker, worker.team.kind if worker.team else "", team=worker.team
                )
                result.episodes.append(episode)
                if rnd() < 0.5:
                    episode.referral = self._referrer(hh, kids, max(hh.created, start - int(rnd() * 20)), end)

    def _other_professionals(self, households: list[HouseholdSummary]) -> None:
        """GPs, health visitors and school DSLs recorded on children's records."""
        rng = self.rng
        rnd = rng.random
        today = self.today
        org = self.org
        community_health = org.agencies["health"][min(1, len(org.agencies["health"]) - 1)][0]
        by = org.front_door[0].id if org.front_door else None
        for hh in households:
            born = [c for c in hh.children if c.dob is not None]
            if not born:
                continue
            if rnd() < 0.25:
                practices = self.gp_practices[hh.locality if hh.locality is not None else 0]
                practice = practices[int(rnd() * len(practices))]
                doctor = self.gp_names[int(rnd() * len(self.gp_names))]
                for c in born:
                    assert c.dob is not None
                    self._row(c.id, "gp", max(hh.created, c.dob), None, name=doctor, agency_name=practice, by=by)
            young = [c for c in born if c.dob is not None and hh.created - c.dob < 5 * YEAR]
            if young and rnd() < 0.3:
                visitor = self._name()
                for c in young:
                    assert c.dob is not None
                    start = max(hh.created, c.dob)
                    end = c.dob + int(5 * YEAR)
                    self._row(
                        c.id,
                        "health_visitor",
                        start,
                        end if end < today else None,
                        name=visitor,
                        agency=community_health,
                        by=by,
                    )
            for c in born:
                assert c.dob is not None
                age = (today - c.dob) / YEAR
                if c.school is not None and 4 <= age < 16 and rnd() < 0.2:
                    school = org.schools[c.school]
                    self._row(
                        c.id,
                        "school_dsl",
                        max(hh.created, c.dob),
                        None,
                        name=school.dsl_name,
                        agency=school.agency_id,
                        by=by,
                    )
