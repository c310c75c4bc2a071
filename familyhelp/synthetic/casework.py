"""Casework journeys for the cases the front door opened: allocation, assessments, plans, visits.

For every case that `synthetic.frontdoor` planned (`FrontDoorResult.planned`, with `defer_cases`), this pass
writes the Case row with its allocation and the journey behind it:

- **Allocation** from the caseload involvements: the worker who holds the child now holds the open case
  (after an earlier worker where the caseload pass recorded a change of worker), an ended spell has the
  worker of that spell, a family help practitioner's level 4 case has a supervising social worker, and
  duty-bank cases have none.
- **Level 4**: a single assessment for every allocated CIN episode (started on or just after the referral
  date, ≈85% authorised within 45 working days), strategy discussions and section 47 enquiries for the
  referrals routed to S47 and some escalations after assessment, initial conferences (≈80% within 15
  working days), CIN, CP and looked-after plans in one care plan (`Plan.previous`), looked-after episodes,
  reviews, goals and actions, visits at the policy frequency and a few notes.
- **Level 3**: a family support assessment and a family support plan.
- **Now**: the open level 4 cases are spread over assessment, CIN plan, CP plan and looked after so that the
  children on CP plans and looked after at the reference date are the national rates per 10,000 children
  (41 and 70 against 333 children in need), scaled down when the sample has fewer children in need.

Everything draws from its own seeded generator, so the rest of the council is unchanged.
See docs/domain/synthetic-council.md ("Casework").
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseNote,
    CaseworkPolicy,
    LevelChange,
    LookedAfterEpisode,
    MissingEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.synthetic.bulk import BulkLoader, DateFormat, SyntheticIds
from familyhelp.synthetic.frontdoor import CASE_COLUMNS, PlannedCase
from familyhelp.synthetic.population import YEAR, Picker
from familyhelp.synthetic.presets import Preset
from familyhelp.synthetic.workforce import Organisation, TeamInfo, WorkerInfo

# --- Calibration (docs/domain.md: DfE "Characteristics of children in need", "Children looked after") ----
CIN_PER_10K = 333  # children in need at 31 March
CP_PER_10K = 41  # on child protection plans (49,420)
LAC_PER_10K = 70  # looked after (83,630)
ASSESSMENTS_IN_TIME = 0.855  # single assessments authorised within 45 working days
ICPC_IN_TIME = 0.84  # initial conferences within 15 working days of the strategy discussion
REPEAT_CP = 0.23  # child protection plans that are a second or later plan
CATEGORIES = (("NEG", 0.48), ("EMO", 0.37), ("PHY", 0.07), ("SAB", 0.04), ("MUL", 0.04))
HOUR = 3600
INF = 10**9

NOT_SEEN_REASONS = (
    "No one at home; card left",
    "Family cancelled on the day: child unwell",
    "Child at school trip; visit rearranged",
    "Parent refused entry",
    "Child asleep; parent asked us to come back",
)
GOALS = {
    "family_support": (
        "Mum feels more confident managing the children's routines",
        "The children go to school every day and on time",
        "The family's debts are under control and the rent is paid",
        "Family arguments are resolved without shouting or violence",
    ),
    "cin": (
        "The children's home is safe, warm and clean",
        "Mum is supported with her mental health",
        "The child's health appointments are kept",
        "The child has a trusted adult to talk to at school",
    ),
    "cp": (
        "The children are safe from domestic abuse at home",
        "The children's basic needs are met every day (food, clothes, hygiene)",
        "The parents stay free from drugs and alcohol while caring for the children",
        "The child is not exposed to adults who pose a risk",
    ),
    "lac": (
        "The child is settled in a stable, loving placement",
        "The child keeps in touch with their brothers, sisters and family",
        "The child's education and health needs are met",
        "A permanent home is found for the child",
    ),
}
ACTIONS = (
    ("Visit the family and see the child alone", "worker", ""),
    ("Refer Mum to the perinatal mental health team", "worker", ""),
    ("Attend the parenting course", "family", "Mum"),
    ("Keep the home free of hazards", "family", "Parents"),
    ("Check attendance weekly and share it with the social worker", "partner", "School DSL"),
    ("Offer a health check and immunisations", "partner", "Health visitor"),
    ("Share any police call-outs to the address", "partner", "Police safeguarding unit"),
    ("Complete the direct work sessions (three houses)", "worker", ""),
    ("Arrange a family group conference", "worker", ""),
)
NOTES = (
    ("contact", "Phoned Mum to arrange the next visit; she was positive about the plan."),
    ("partner", "School called: attendance has improved this half term."),
    ("direct_work", "Direct work with the child: wishes and feelings, drew their family tree."),
    ("meeting", "Core group meeting held; actions updated."),
    ("supervision", "Discussed in supervision: the plan is on track; next review booked."),
)
OVERSIGHT = (
    "Management oversight: allocated; the assessment is to start within 5 working days and the child seen alone."
)
# SSDA903: real postcode units of the council's area (and 6 in Peterborough, out of area) for placements and
# the home a child left, because the DfE validator places each one and measures the distance from the ONS
# directory. Postcodes of areas, not of anyone's address; the household addresses stay fictional.
POSTCODES_903 = (
    "CB5 8GY", "CB4 2DA", "CB5 8ZJ", "CB2 2SQ", "CB2 2WW", "CB4 1AW", "CB3 9HN", "CB5 8GB", "CB2 1ED", "CB4 1LH",
    "CB25 0FQ", "CB6 3JD", "CB6 3ST", "CB6 2FU", "CB8 9ED", "CB7 9FY", "PE16 6YE", "PE7 2ZU", "PE13 4ZZ",
    "PE13 3AF", "PE13 3AL", "PE13 2LZ", "PE13 2JT", "PE15 0SW", "PE17 6ET", "PE28 2WT", "PE28 3QT", "PE27 4AL",
    "PE29 2ND", "PE8 6SF", "PE29 1NS", "PE18 8PL", "PE29 2XA", "PE28 9HL", "CB22 4PY", "CB23 6BD", "CB24 1DX",
    "CB25 9RQ", "CB2 4UQ", "CB24 4QP", "CB21 5XN", "CB22 5AJ", "PE4 6HJ", "PE1 1EP", "PE3 8QL", "PE1 3NT",
    "PE3 8JJ", "PE2 0HY",
)  # fmt: skip
PLACE_CHANGE_REASONS = (
    ("CARPL", 0.4), ("CREQB", 0.15), ("CREQO", 0.1), ("CHILD", 0.1), ("LAREQ", 0.05), ("ALLEG", 0.03),
    ("STAND", 0.03), ("CLOSE", 0.04), ("OTHER", 0.1),
)  # fmt: skip
PARTICIPATION = (("PN1", 0.45), ("PN2", 0.05), ("PN3", 0.05), ("PN4", 0.05), ("PN5", 0.1), ("PN6", 0.2), ("PN7", 0.1))
AGENCIES = (("Police", "Health", "Education"), ("Police", "Health"), ("Police", "Health", "Education", "Probation"))


@dataclass(slots=True)
class Spell:
    """A worker holding the case (lead) over a span of days."""

    worker: WorkerInfo
    team: TeamInfo | None
    start: int
    end: int | None


@dataclass
class CaseworkResult:
    """What the casework pass wrote, and the figures at the reference date."""

    cases: int = 0
    allocations: int = 0
    assessments: int = 0
    single_assessments_authorised: int = 0
    single_in_time: int = 0
    strategy_discussions: int = 0
    s47: int = 0
    icpcs: int = 0
    icpc_in_time: int = 0
    plans: dict[str, int] = field(default_factory=dict)
    cp_plans: int = 0
    cp_repeat: int = 0
    looked_after_episodes: int = 0
    visits: int = 0
    notes: int = 0
    level_changes: int = 0
    # At the reference date: open CIN episodes, children on CP plans, looked after (and their targets).
    children_in_need: int = 0
    on_cp_plans: int = 0
    looked_after: int = 0
    targets: dict[str, int] = field(default_factory=dict)


class CaseworkBuilder:
    """Writes the cases the front door planned, with their allocation and casework journey."""

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
        planned: list[PlannedCase],
    ) -> None:
        self.preset = preset
        self.rng = rng
        self.rnd = rng.random
        self.new_id = ids.new
        self.dashed = ids.dashed
        self.dates = dates
        self.d = dates.date
        self.today = today
        self.org = org
        self.planned = planned
        self.policy = CaseworkPolicy(
            visit_working_days=dict(CaseworkPolicy.DEFAULT_VISITS),
            caseload_weights=dict(CaseworkPolicy.DEFAULT_WEIGHTS),
        )
        self.result = CaseworkResult()
        self._tables(loader)

    # --- tables -----------------------------------------------------------------------------------
    def _tables(self, loader: BulkLoader) -> None:
        base = ("id", "created_at", "modified_at", "created_by_id", "modified_by_id")
        v1 = {"version": 1}
        self.t_case = loader.table(Case, (*CASE_COLUMNS, "step_down_to", "closing_summary"), constants=v1)
        self.t_alloc = loader.table(
            Allocation,
            (
                *base,
                "case_id",
                "worker_id",
                "team_id",
                "role",
                "started_on",
                "ended_on",
                "reason",
                "end_reason",
                "allocated_by_id",
            ),
        )
        self.t_level = loader.table(
            LevelChange,
            (
                *base,
                "case_id",
                "from_level",
                "to_level",
                "direction",
                "changed_on",
                "reason",
                "requested_by_id",
                "authorised_by_id",
            ),
        )
        self.t_assess = loader.table(
            Assessment,
            (
                *base,
                "case_id",
                "cin_episode_id",
                "person_id",
                "kind",
                "status",
                "started_on",
                "due_on",
                "child_seen_on",
                "factors",
                "analysis",
                "outcome",
                "step_down_to",
                "closure_reason",
                "completed_on",
                "authorised_on",
                "authorised_by_id",
            ),
            constants=v1,
        )
        self.t_strategy = loader.table(
            StrategyDiscussion,
            (*base, "case_id", "cin_episode_id", "person_id", "held_on", "agencies", "decision", "notes"),
            constants=v1,
        )
        self.t_s47 = loader.table(
            S47Enquiry,
            (
                *base,
                "case_id",
                "cin_episode_id",
                "person_id",
                "strategy_discussion_id",
                "started_on",
                "icpc_due_on",
                "child_seen_on",
                "concluded_on",
                "outcome",
                "icpc_on",
                "icpc_outcome",
            ),
            constants={**v1, "notes": ""},
        )
        self.t_plan = loader.table(
            Plan,
            (
                *base,
                "case_id",
                "cin_episode_id",
                "person_id",
                "kind",
                "previous_id",
                "started_on",
                "ended_on",
                "end_reason",
                "summary",
                "s47_enquiry_id",
                "initial_category",
                "latest_category",
                "previous_cp_plans",
            ),
            constants=v1,
        )
        self.t_goal = loader.table(PlanGoal, (*base, "plan_id", "text", "achieved_on"), constants=v1)
        self.t_action = loader.table(
            PlanAction,
            (*base, "plan_id", "goal_id", "text", "owner_id", "owner_name", "owner_agency", "due_on", "status"),
            constants=v1,
        )
        self.t_review = loader.table(
            PlanReview,
            (*base, "plan_id", "held_on", "outcome", "latest_category", "notes", "next_due_on", "participation"),
            constants=v1,
        )
        self.t_lac = loader.table(
            LookedAfterEpisode,
            (
                *base,
                "plan_id",
                "person_id",
                "started_on",
                "legal_status",
                "placement_type",
                "placement_postcode",
                "uasc",
                "ended_on",
                "reason_ended",
                "reason_new_episode",
                "placement_provider",
                "reason_place_change",
                "placement_urn",
                "home_postcode",
            ),
            constants=v1,
        )
        self.t_missing = loader.table(MissingEpisode, (*base, "person_id", "kind", "started_on", "ended_on"))
        self.t_visit = loader.table(
            Visit,
            (*base, "case_id", "person_id", "visited_on", "seen", "not_seen_reason", "visited_by_id"),
            constants={**v1, "notes": ""},
        )
        self.t_note = loader.table(
            CaseNote, (*base, "case_id", "person_id", "category", "occurred_on", "text"), constants=v1
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

    # --- working days (the same answers as familyhelp.core.calendar, from per-day tables) -----------------
    def _calendar(self) -> None:
        first = min((p.opened for p in self.planned), default=self.today) - 60
        self._base = first
        last = self.today + 800
        self._cum: list[int] = []
        self._wlist: list[int] = []
        for day in range(first, last):
            self._cum.append(len(self._wlist))
            if calendar.is_working_day(date.fromordinal(day)):
                self._wlist.append(day)
        self._cum.append(len(self._wlist))

    def add_wd(self, day: int, n: int) -> int:
        """calendar.add_working_days(day, n) for n >= 0 (the n-th working day after day)."""
        if n == 0:
            return day
        return self._wlist[self._cum[day + 1 - self._base] + n - 1]

    def next_wd(self, day: int) -> int:
        """The first working day on or after day."""
        return self._wlist[self._cum[day - self._base]]

    def wd_between(self, a: int, b: int) -> int:
        """calendar.working_days_between(a, b) for a <= b."""
        return self._cum[b + 1 - self._base] - self._cum[a + 1 - self._base]

    def add_months(self, day: int, months: int) -> int:
        d = date.fromordinal(day)
        m0 = d.month - 1 + months
        y, m = d.year + m0 // 12, m0 % 12 + 1
        for dd in (d.day, 30, 29, 28):
            try:
                return date(y, m, dd).toordinal()
            except ValueError:
                continue
        raise AssertionError(day)

    def ts(self, day: int, secs: int = 10 * HOUR) -> Any:
        return self.dates.timestamp(day, secs)

    # --- run --------------------------------------------------------------------------------------
    def run(self) -> CaseworkResult:
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._setup()
            self._calendar()
            self._states()
            for pc in self.planned:
                self._case(pc)
            self._figures()
        finally:
            if collecting:
                gc.enable()
        return self.result

    def _setup(self) -> None:
        org = self.org
        rng = self.rng
        self.team_manager = {t.id: next((m for m in t.members if m.role == "team_manager"), None) for t in org.teams}
        self.managers = [m for t in org.teams for m in t.members if m.role == "team_manager"] or list(org.workers)
        self.teams_of: dict[str, list[TeamInfo]] = {}
        for t in org.teams:
            self.teams_of.setdefault(t.kind, []).append(t)
        self.social_workers = [m for t in org.teams for m in t.members if m.job_role == "social_worker"]
        self.cat_pick = Picker(rng, CATEGORIES)
        postcodes = sorted(
            {a[3] for p in self.planned if p.household is not None for a in p.household.addresses if a[3]}
        )
        self.postcodes = postcodes or ["BK1 1AA"]
        self.factors_field = Assessment._meta.get_field("factors")
        self.agencies_field = StrategyDiscussion._meta.get_field("agencies")
        self._json: dict[Any, Any] = {}
        groups: dict[Any, int] = {}
        for p in self.planned:
            groups[p.group] = groups.get(p.group, 0) + 1
        self.group_size = groups
        self.group_first: dict[Any, Any] = {}
        self.cp_before: dict[Any, int] = {}  # child -> CP plans before our records (another council)
        self.cp_count: dict[Any, int] = {}  # child -> CP plans written so far
        # SSDA903 details draw from their own generator so the rest of the council is unchanged.
        self.rng903 = random.Random(self.today * 7919 + len(self.planned))
        self.reason_pick = Picker(self.rng903, PLACE_CHANGE_REASONS)
        self.participation_pick = Picker(self.rng903, PARTICIPATION)

    def _jsonb(self, field_: Any, value: tuple[str, ...]) -> Any:
        key = (field_.name, value)
        v = self._json.get(key)
        if v is None:
            v = self._json[key] = field_.get_db_prep_save(list(value), connection)
        return v

    # --- what the open cases are doing now -------------------------------------------------------------
    def _states(self) -> None:
        """Spread the open level 4 cases over assessment / CIN plan / CP plan / looked after (calibrated)."""
        rnd = self.rnd
        today = self.today
        open4 = [p for p in self.planned if p.level == 4 and p.closed is None]
        pop = self.preset.child_population
        target_cin = CIN_PER_10K * pop / 10_000
        scale = min(1.0, len(open4) / target_cin) if target_cin else 1.0
        want_cp = round(CP_PER_10K * pop / 10_000 * scale)
        want_lac = round(LAC_PER_10K * pop / 10_000 * scale)
        self.result.targets = {"children_in_need": round(target_cin * scale), "cp": want_cp, "lac": want_lac}
        self.state: dict[int, str] = {}
        allocated = [p for p in open4 if p.status == Case.Status.OPEN]

        def kind(p: PlannedCase) -> str:
            ep = p.spell.episode
            return ep.team_kind if ep is not None else ""

        def born(p: PlannedCase) -> bool:
            return p.child.dob is not None and p.child.dob <= p.referral_day

        # Looked after: UASC first, then children in care teams, then the rest; long enough since referral.
        order = {"children_in_care": 0, "child_protection": 2, "child_in_need": 2}
        lac_c = [p for p in allocated if born(p) and today - p.referral_day >= 20]
        lac_c.sort(key=lambda p: (0 if self._uasc(p) else 1 + order.get(kind(p), 3), rnd()))
        for p in lac_c[:want_lac]:
            self.state[id(p)] = "lac"
        order = {"child_protection": 0, "child_in_need": 1, "assessment": 2}
        cp_c = [p for p in allocated if id(p) not in self.state and born(p) and today - p.referral_day >= 25]
        cp_c.sort(key=lambda p: (order.get(kind(p), 3), rnd()))
        for p in cp_c[:want_cp]:
            self.state[id(p)] = "cp"
        for p in allocated:
            if id(p) not in self.state:
                self.state[id(p)] = "assess" if today - p.referral_day < 60 and rnd() < 0.8 else "cin"

    def _uasc(self, p: PlannedCase) -> bool:
        hh = p.household
        return hh is not None and not hh.adults and len(hh.children) == 1 and p.child.dob is not None

    # --- one case ---------------------------------------------------------------------------------------
    def _case(self, pc: PlannedCase) -> None:
        rnd = self.rnd
        r = self.result
        r.cases += 1
        spells, supervisor = self._allocation(pc)
        self.spells = spells
        manager = self._manager_of(spells[-1].worker if spells else None)
        self.pc = pc
        self.case_manager = manager
        step_down = ""
        summary = ""
        if spells:
            self._write_allocations(pc, spells, supervisor, manager)
            step_down = self._journey4(pc, supervisor) if pc.level == 4 else self._journey3(pc)
            if rnd() < 0.3:
                self._note(pc, spells)
        if pc.closed is not None:
            if pc.level == 4:
                step_down = step_down or {"RC9": "early_help", "RC5": "other_la", "RC6": "adult"}.get(
                    pc.reason, "universal" if rnd() < 0.4 else "none"
                )
            else:
                step_down = step_down or ("universal" if "universal" in pc.reason else "none")
            summary = (
                f"Closed: {pc.reason}." if pc.level == 3 else "Closed after the plan's review; see the chronology."
            )
            self._event(
                pc,
                "casework.closed",
                "Case closed",
                pc.closed,
                "casework.case",
                pc.case_id,
                (spells[-1].worker if spells else manager).id,
            )
        last = spells[-1] if spells else None
        group = pc.group
        sibling = None
        if self.group_size.get(group, 1) > 1:
            sibling = self.group_first.setdefault(group, pc.case_id)
        self.t_case.add(
            (
                *pc.row,
                last.team.id if last is not None and last.team is not None else None,
                last.worker.id if last is not None else None,
                supervisor.id if supervisor is not None and last is not None else None,
                self.d(last.start) if last is not None else None,
                sibling,
                step_down if pc.closed is not None else "",
                summary,
            )
        )

    def _manager_of(self, worker: WorkerInfo | None) -> WorkerInfo:
        if worker is not None and worker.team is not None:
            m = self.team_manager.get(worker.team.id)
            if m is not None:
                return m
        return self.managers[0]

    def _allocation(self, pc: PlannedCase) -> tuple[list[Spell], WorkerInfo | None]:
        """Who held the case, from the caseload involvements (or the calibration's worker)."""
        if pc.status == Case.Status.AWAITING_ALLOCATION:
            return [], None
        sp = pc.spell
        ep = sp.episode
        closed = pc.closed
        first = max(pc.decided_on, pc.opened)
        if closed is not None:
            first = min(first, closed)
        if ep is None:
            worker = sp.worker
            if worker is None:
                return [], None
            return [Spell(worker, worker.team, first, closed)], None
        start = max(first, ep.start if closed is None or ep.start <= closed else first)
        if closed is not None:
            start = min(start, closed)
        team = ep.team or ep.worker.team
        supervisor = ep.supervisor if pc.level == 4 else None
        if ep.previous is not None and ep.handover is not None and start < ep.handover - 1 and closed is None:
            prev = Spell(ep.previous, ep.previous.team or team, start, ep.handover - 1)
            return [prev, Spell(ep.worker, team, ep.handover, None)], supervisor
        return [Spell(ep.worker, team, start, closed)], supervisor

    def _write_allocations(
        self, pc: PlannedCase, spells: list[Spell], supervisor: WorkerInfo | None, manager: WorkerInfo
    ) -> None:
        add = self.t_alloc.add
        d = self.d
        for n, s in enumerate(spells):
            by = self._manager_of(s.worker)
            stamp = self.ts(s.start, 9 * HOUR + 30 * 60)
            reason = "Allocated from the duty bank" if n == 0 else "Reallocated: the previous worker left the team"
            end_reason = ""
            if s.end is not None:
                end_reason = "Case closed" if pc.closed is not None and s.end == pc.closed else "Worker left the team"
            add(
                (
                    self.new_id(),
                    stamp,
                    stamp,
                    by.id,
                    by.id,
                    pc.case_id,
                    s.worker.id,
                    s.team.id if s.team else None,
                    "lead",
                    d(s.start),
                    d(s.end),
                    reason,
                    end_reason,
                    by.id,
                )
            )
            self.result.allocations += 1
            self._event(
                pc,
                "casework.allocated" if n == 0 else "casework.reallocated",
                f"Allocated to {s.worker.first_name} {s.worker.last_name}",
                s.start,
                "casework.case",
                pc.case_id,
                by.id,
            )
        if supervisor is not None:
            s0 = spells[-1]
            stamp = self.ts(s0.start, 9 * HOUR + 40 * 60)
            add(
                (
                    self.new_id(),
                    stamp,
                    stamp,
                    manager.id,
                    manager.id,
                    pc.case_id,
                    supervisor.id,
                    supervisor.team.id if supervisor.team else None,
                    "supervising",
                    d(s0.start),
                    d(s0.end),
                    "Family Help model: a social worker supervises the practitioner's child in need work",
                    "Case closed" if s0.end is not None else "",
                    manager.id,
                )
            )
            self.result.allocations += 1
            if self.rnd() < 0.5:
                self.t_note.add(
                    (
                        self.new_id(),
                        stamp,
                        stamp,
                        manager.id,
                        manager.id,
                        pc.case_id,
                        pc.row[6],
                        "management_oversight",
                        d(s0.start),
                        OVERSIGHT,
                    )
                )
                self.result.notes += 1

    def _worker_on(self, day: int) -> WorkerInfo:
        for s in self.spells:
            if s.end is None or day <= s.end:
                return s.worker
        return self.spells[-1].worker

    # --- level 4 ----------------------------------------------------------------------------------------
    def _duration(self, start: int, cap: int) -> tuple[int, bool]:
        """The day a single assessment is authorised (at most cap), and whether it was due by then."""
        r = self.result
        rnd = self.rnd
        due = self.add_wd(start, self.policy.single_assessment_days)
        late_room = cap > due + 3
        done = r.single_assessments_authorised
        late_so_far = done - r.single_in_time
        if late_room and late_so_far < (1 - ASSESSMENTS_IN_TIME) * (done + 1) and rnd() < 0.6:
            wd = 46 + int(rnd() * 30)
        else:
            wd = 8 + int(rnd() * 16) + int(rnd() * 21)  # 8–44, most around 30
        day = min(self.add_wd(start, wd), cap)
        return day, day <= due

    def _journey4(self, pc: PlannedCase, supervisor: WorkerInfo | None) -> str:  # noqa: C901, PLR0912, PLR0915
        rnd = self.rnd
        today = self.today
        closed = pc.closed
        horizon = closed if closed is not None else max(today - 1, pc.opened)
        R = pc.referral_day
        alloc = self.spells[0].start
        state = self.state.get(id(pc), "") if closed is None else ""
        reason = pc.reason
        uasc = self._uasc(pc)
        length = horizon - R
        # What this journey holds, in order.
        short = reason in ("RC8", "RC9") or (closed is not None and length <= 60)
        want_cp = want_lac = want_cin = False
        escalate = False
        stepdown_cin = False
        if closed is None:
            want_cp = state == "cp"
            want_lac = state == "lac"
            want_cin = state == "cin" or (state in ("cp", "lac") and length > 200 and rnd() < 0.3)
        elif not short:
            roll = rnd()
            if reason in ("RC1", "RC3", "RC4") or (uasc and length > 90) or (reason == "RC6" and rnd() < 0.4):
                want_lac = True
            elif roll < 0.22:
                want_cp = True
                stepdown_cin = rnd() < 0.6
            elif roll < 0.28 and length > 150:
                want_lac = True
                want_cp = rnd() < 0.4
            want_cin = not want_lac or rnd() < 0.2
        if want_cp and pc.route != "s47":
            escalate = True
        if want_lac and uasc:
            want_cp = False
            escalate = False
        # Strategy discussion at the start (referrals routed to S47).
        first_plan_day = None
        s47_id = None
        icpc = None
        seen = self.next_wd(max(R, alloc))
        if seen > horizon:
            seen = horizon
        strategy_day = None
        if pc.route == "s47":
            strategy_day = self.next_wd(max(R, pc.decided_on))
            if strategy_day > horizon:
                strategy_day = max(R, min(horizon, pc.decided_on))
            if short or (closed is None and state == "assess" and rnd() < 0.5):
                decision = "single" if short else ("s47" if rnd() < 0.8 else "single")
            else:
                decision = "s47"
            sd_id = self._strategy(pc, strategy_day, decision)
            if decision == "s47":
                if want_cp:
                    icpc = self._icpc_day(strategy_day, horizon)
                s47_id = self._s47(pc, sd_id, strategy_day, icpc, want_cp)
        # The single assessment.
        # started on or just after the referral date (by the duty worker when allocation came later)
        start = self.next_wd(R + (0 if rnd() < 0.6 else int(rnd() * 4)))
        if start > horizon:
            start = max(R, min(alloc, horizon))
        cap = horizon
        if closed is None and state == "assess":
            cap = today + 200
        elif closed is None:
            cap = min(horizon, max(start, today - 10 if length > 30 else today - 1))
        if want_lac and uasc and closed is None:
            cap = min(cap, max(start, today - 10))
        auth, _ = self._duration(start, cap)
        in_progress = auth >= today
        if closed is None and state == "assess" and not in_progress:
            want_cin = True
        outcome = "plan"
        if reason == "RC8":
            outcome = "close"
        elif reason == "RC9":
            outcome = "step_down"
        elif closed is not None and not (want_cin or want_cp or want_lac):
            outcome = "close"
        elif escalate and not want_cin:
            outcome = "strategy"
        self._assessment(pc, "single", start, None if in_progress else auth, outcome, reason, seen)
        if in_progress:
            self._visits(pc, "assessment", start, None)
            return ""
        if not (want_cin or want_cp or want_lac):
            self._visits(pc, "assessment", start, auth)
            if reason == "RC9":
                self._level_change(
                    pc,
                    4,
                    2,
                    auth if auth <= horizon else horizon,
                    "Assessment completed: stepped down to early help (family hub)",
                )
            return ""
        # Plans, one care plan: [cin] [cp] [cin] or [cin/cp] lac.
        phases: list[str] = []
        if want_cin and (not want_cp or escalate) and not (want_lac and not want_cin):
            phases.append("cin")
        if want_cp:
            phases.append("cp")
            if stepdown_cin:
                phases.append("cin")
        if want_lac:
            phases.append("lac")
        if not phases:
            phases = ["cin"]
        if icpc is not None:
            first_plan_day = icpc  # the CP plan starts on the conference day, before or after the assessment
            if phases[0] == "cin":
                phases.pop(0)
        elif phases[0] == "lac" and (uasc or rnd() < 0.3):
            first_plan_day = max(start, min(auth, self.next_wd(start + int(rnd() * 10))))
        else:
            first_plan_day = min(auth + int(rnd() * 4), horizon)
        first_plan_day = max(first_plan_day, pc.opened)  # a plan starts once the case is open (the authorisation day)
        span_end = closed if closed is not None else today - 1
        dob = pc.child.dob
        eighteen = dob + int(18 * YEAR) if dob is not None else INF
        if "lac" in phases and (dob is None or dob > first_plan_day or eighteen - 30 <= first_plan_day):
            phases = [k for k in phases if k != "lac"] or ["cin"]
        # Split [first_plan_day, span_end] between the phases (the last one open when the case is open).
        n = len(phases)
        total = max(0, span_end - first_plan_day)
        starts = [first_plan_day] + [first_plan_day + int(total * c) for c in sorted(rnd() for _ in range(n - 1))]
        if closed is None and n > 1:
            latest = today - 2 - int(rnd() * 300)  # what the child is on now began a while ago at most
            if starts[-1] > latest:
                starts[-1] = max(starts[-2] + 2, latest)
        escalations: dict[int, tuple[int, int]] = {}
        if phases[0] == "cp" and icpc is None:
            sd = self.next_wd(max(first_plan_day - 14, R))
            escalations[0] = (sd, self._icpc_day(sd, max(sd, span_end - 1)))
            starts[0] = escalations[0][1]
        for i in range(1, n):
            starts[i] = max(starts[i], starts[i - 1] + 2)
            if phases[i] == "cp":
                # Escalation from the CIN plan: a strategy discussion, S47 and an ICPC; the plan starts that day.
                sd = self.next_wd(max(starts[i] - 14, starts[i - 1] + 1))
                icpc_day = self._icpc_day(sd, max(sd, span_end - 1))
                escalations[i] = (sd, icpc_day)
                starts[i] = icpc_day
            elif phases[i] == "lac" and starts[i] >= eighteen - 30:
                phases, starts = phases[:i], starts[:i]
                break
        n = len(phases)
        keep = [i for i in range(n) if i == 0 or starts[i] > starts[i - 1]]
        if closed is not None:
            keep = [i for i in keep if starts[i] <= closed]
        previous = None
        for j, i in enumerate(keep):
            kind = phases[i]
            p_start = starts[i]
            p_end = starts[keep[j + 1]] - 1 if j + 1 < len(keep) else closed
            s47_for_plan = None
            if kind == "cp":
                if i in escalations:
                    sd, icpc_day = escalations[i]
                    sd_id = self._strategy(pc, sd, "s47")
                    s47_for_plan = self._s47(pc, sd_id, sd, icpc_day, True)
                else:
                    s47_for_plan = s47_id
            if kind == "lac" and p_end is not None and p_end > eighteen:
                p_end = eighteen
            if kind == "lac" and p_end is None and self.today - 1 > eighteen:
                p_end = eighteen
            previous = self._plan(pc, kind, p_start, p_end, previous, s47_for_plan, uasc)
        if stepdown_cin and closed is not None and phases[-1] == "cin" and len(keep) > 1 and rnd() < 0.6:
            self._level_change(
                pc,
                4,
                3,
                closed,
                "Child in need plan ended: needs can be met at level 3, stepped down to family support",
            )
            return "family_support"
        return ""

    @staticmethod
    def _is_weekend(day: int) -> bool:
        return (day + 6) % 7 >= 5

    def _icpc_day(self, strategy_day: int, latest: int) -> int:
        rnd = self.rnd
        k = 4 + int(rnd() * 12) if rnd() < ICPC_IN_TIME else 16 + int(rnd() * 12)
        day = self.add_wd(strategy_day, k)
        if day > latest:
            day = max(strategy_day, latest)
            if self._is_weekend(day):
                day = self.next_wd(day) if self.next_wd(day) <= latest else strategy_day
        return day

    def _strategy(self, pc: PlannedCase, day: int, decision: str) -> Any:
        sd_id = self.new_id()
        by = self._worker_on(day).id
        stamp = self.ts(day, 15 * HOUR)
        agencies = self._jsonb(self.agencies_field, AGENCIES[int(self.rnd() * len(AGENCIES))])
        notes = {
            "s47": "Threshold for section 47 met: enquiry to start today.",
            "single": "Section 47 threshold not met: continue the single assessment.",
            "nfa": "No further action.",
        }[decision]
        self.t_strategy.add(
            (sd_id, stamp, stamp, by, by, pc.case_id, pc.episode_id, pc.row[6], self.d(day), agencies, decision, notes)
        )
        self.result.strategy_discussions += 1
        self._event(
            pc,
            "casework.strategy_discussion",
            "Strategy discussion held",
            day,
            "casework.strategydiscussion",
            sd_id,
            by,
        )
        return sd_id

    def _s47(self, pc: PlannedCase, sd_id: Any, day: int, icpc: int | None, to_cp: bool) -> Any:
        rnd = self.rnd
        r = self.result
        s47_id = self.new_id()
        by = self._worker_on(day).id
        due = self.add_wd(day, self.policy.icpc_days)
        horizon = pc.closed if pc.closed is not None else self.today - 1
        if icpc is not None:
            concluded = max(day, min(icpc - 1 - int(rnd() * 3), horizon))
            outcome, icpc_outcome = "icpc", "cp_plan" if to_cp else "cin_plan"
        else:
            concluded = min(self.add_wd(day, 3 + int(rnd() * 10)), horizon)
            outcome = "cin_plan" if rnd() < 0.55 else "nfa"
            icpc_outcome = ""
            if concluded >= self.today:
                concluded = None  # still going on
                outcome = ""
        stamp = self.ts(day, 16 * HOUR)
        self.t_s47.add(
            (
                s47_id,
                stamp,
                stamp,
                by,
                by,
                pc.case_id,
                pc.episode_id,
                pc.row[6],
                sd_id,
                self.d(day),
                self.d(due),
                self.d(day),
                self.d(concluded),
                outcome,
                self.d(icpc),
                icpc_outcome,
            )
        )
        r.s47 += 1
        self._event(pc, "casework.s47_started", "Section 47 enquiry started", day, "casework.s47enquiry", s47_id, by)
        if icpc is not None:
            r.icpcs += 1
            r.icpc_in_time += icpc <= due
            self._event(
                pc, "casework.icpc", "Initial child protection conference held", icpc, "casework.s47enquiry", s47_id, by
            )
        return s47_id

    def _assessment(
        self, pc: PlannedCase, kind: str, start: int, auth: int | None, outcome: str, reason: str, seen: int
    ) -> None:
        rnd = self.rnd
        r = self.result
        worker = self._worker_on(start)
        manager = self._manager_of(worker)
        a_id = self.new_id()
        days = self.policy.single_assessment_days if kind == "single" else self.policy.family_support_assessment_days
        due = self.add_wd(start, days)
        factors = pc.factors or ("21",)
        if self._uasc(pc) and "9A" not in factors:
            factors = tuple(sorted((*factors, "9A")))
        seen_on = min(max(seen, start), auth) if auth is not None else (seen if seen < self.today else None)
        if seen_on is not None and seen_on < start:
            seen_on = start
        completed = None
        status = "in_progress"
        if auth is not None:
            completed = max(start, auth - int(rnd() * 3))
            status = "authorised"
        elif rnd() < 0.25:
            completed = max(start, self.today - 1 - int(rnd() * 3))
            status = "submitted"
        if completed is not None and seen_on is not None and seen_on > completed:
            seen_on = completed  # start <= child seen <= submission <= authorisation (issue 13's order)
        stamp = self.ts(start, 11 * HOUR)
        mod = self.ts(auth, 15 * HOUR) if auth is not None else stamp
        closure = reason if auth is not None and outcome in ("close", "step_down") and kind == "single" else ""
        if closure not in ("RC8", "RC9", ""):
            closure = "RC7" if outcome == "close" else closure
        self.t_assess.add(
            (
                a_id,
                stamp,
                mod,
                worker.id,
                manager.id if auth is not None else worker.id,
                pc.case_id,
                pc.episode_id if kind == "single" else None,
                pc.row[6],
                kind,
                status,
                self.d(start),
                self.d(due),
                self.d(seen_on),
                self._jsonb(self.factors_field, factors),
                "Analysis of needs, strengths and risks; the family's views recorded." if auth is not None else "",
                outcome if auth is not None else "",
                2 if outcome == "step_down" and auth is not None else None,
                closure,
                self.d(completed),
                self.d(auth),
                manager.id if auth is not None else None,
            )
        )
        r.assessments += 1
        label = "Single assessment" if kind == "single" else "Family support assessment"
        self._event(
            pc, "casework.assessment_started", f"{label} started", start, "casework.assessment", a_id, worker.id
        )
        if auth is not None:
            if kind == "single":
                r.single_assessments_authorised += 1
                r.single_in_time += auth <= due
            self._event(
                pc,
                "casework.assessment_authorised",
                f"{label} authorised",
                auth,
                "casework.assessment",
                a_id,
                manager.id,
            )

    def _plan(  # noqa: PLR0913
        self,
        pc: PlannedCase,
        kind: str,
        start: int,
        end: int | None,
        previous: tuple[Any, str, int] | None,
        s47_id: Any,
        uasc: bool,
    ) -> tuple[Any, str, int]:
        rnd = self.rnd
        r = self.result
        d = self.d
        child = pc.child.id
        p_id = self.new_id()
        worker = self._worker_on(start)
        manager = self._manager_of(worker)
        initial = latest = ""
        prev_cp = 0
        if kind == "cp":
            if child not in self.cp_before:
                self.cp_before[child] = 0
                earlier = self.cp_count.get(child, 0)
                total = r.cp_plans
                repeats = r.cp_repeat
                if earlier == 0 and repeats < REPEAT_CP * (total + 1) and rnd() < 0.3:
                    self.cp_before[child] = 1  # a plan before our records, or in another council
            prev_cp = self.cp_before[child] + self.cp_count.get(child, 0)
            self.cp_count[child] = self.cp_count.get(child, 0) + 1
            r.cp_plans += 1
            r.cp_repeat += prev_cp > 0
            initial = latest = self.cat_pick()
        end_reason = ""
        if end is not None:
            end_reason = {
                "cp": "Child protection plan ended at review conference",
                "lac": "Ceased to be looked after",
                "cin": "Child in need plan ended",
                "family_support": "Family support plan ended",
            }[kind]
        summary = GOALS[kind][0]
        stamp = self.ts(start, 14 * HOUR)
        previous_id = previous[0] if previous is not None else None
        # reviews (and the latest category)
        reviews: list[tuple[int, str, str, int]] = []
        last_review = None
        horizon = end if end is not None else self.today - 1
        while True:
            due = self._review_due(kind, start, last_review)
            held = due - int(rnd() * 8) if rnd() < 0.9 else due + 1 + int(rnd() * 10)
            held = self.next_wd(max(held, (last_review or start) + 1))
            if held > horizon:
                break
            if kind == "cp" and rnd() < 0.1:
                latest = self.cat_pick()
            outcome = "continue"
            nxt = self._review_due(kind, start, held)
            if end is not None and held >= end - 5:
                outcome = "end"
            reviews.append((held, outcome, latest if kind == "cp" else "", nxt))
            last_review = held
            if len(reviews) > 60:
                break
        self.t_plan.add(
            (
                p_id,
                stamp,
                self.ts(end, 16 * HOUR) if end is not None else stamp,
                worker.id,
                manager.id,
                pc.case_id,
                pc.episode_id,
                pc.row[6],
                kind,
                previous_id,
                d(start),
                d(end),
                end_reason,
                summary,
                s47_id,
                initial,
                latest,
                prev_cp,
            )
        )
        r.plans[kind] = r.plans.get(kind, 0) + 1
        label = {
            "cp": "Child protection plan",
            "cin": "Child in need plan",
            "lac": "Care plan (looked after)",
            "family_support": "Family support plan",
        }[kind]
        self._event(pc, "casework.plan_started", f"{label} started", start, "casework.plan", p_id, manager.id)
        if end is not None:
            self._event(pc, "casework.plan_ended", f"{label} ended", end, "casework.plan", p_id, manager.id)
        dob = pc.child.dob
        for held, outcome, cat, nxt in reviews:
            s = self.ts(held, 12 * HOUR)
            participation = ""
            if kind == "lac":
                young = dob is None or held - dob < 4 * YEAR
                participation = "PN0" if young else self.participation_pick()
            self.t_review.add(
                (
                    self.new_id(),
                    s,
                    s,
                    manager.id,
                    manager.id,
                    p_id,
                    d(held),
                    outcome,
                    cat,
                    "Progress against the plan reviewed with the family and partners.",
                    d(nxt),
                    participation,
                )
            )
            self._event(pc, "casework.plan_reviewed", f"{label} reviewed", held, "casework.plan", p_id, manager.id)
        self._goals(p_id, kind, start, end, worker)
        if kind == "lac":
            self._looked_after(pc, p_id, start, end, uasc)
        self._visits(pc, kind, start, end)
        return (p_id, kind, start)

    def _review_due(self, kind: str, start: int, last: int | None) -> int:
        pol = self.policy
        if kind == "cp":
            return (
                self.add_months(start, pol.cp_first_review_months)
                if last is None
                else self.add_months(last, pol.cp_review_months)
            )
        if kind == "lac":
            if last is None:
                return self.add_wd(start, pol.lac_first_review_days)
            return self.add_months(last, 6 if last > self.add_months(start, 2) else 3)
        months = pol.cin_review_months if kind == "cin" else pol.family_support_review_months
        return self.add_months(last or start, months)

    def _goals(self, p_id: Any, kind: str, start: int, end: int | None, worker: WorkerInfo) -> None:
        rnd = self.rnd
        texts = GOALS[kind]
        stamp = self.ts(start, 14 * HOUR + 30 * 60)
        for g in range(1 + int(rnd() * 2)):
            g_id = self.new_id()
            achieved = end if end is not None and rnd() < 0.6 else None
            self.t_goal.add(
                (g_id, stamp, stamp, worker.id, worker.id, p_id, texts[(g + int(rnd() * 4)) % 4], self.d(achieved))
            )
            for _ in range(1 + int(rnd() * 2)):
                text, who, name = ACTIONS[int(rnd() * len(ACTIONS))]
                due = start + 14 + int(rnd() * 60)
                status = (
                    "done" if end is not None or due < self.today - 20 else ("in_progress" if rnd() < 0.6 else "open")
                )
                owner = worker.id if who == "worker" else None
                agency = {
                    "School DSL": "School",
                    "Health visitor": "NHS community health",
                    "Police safeguarding unit": "Police",
                }.get(name, "")
                self.t_action.add(
                    (
                        self.new_id(),
                        stamp,
                        stamp,
                        worker.id,
                        worker.id,
                        p_id,
                        g_id,
                        text,
                        owner,
                        name if who != "worker" else "",
                        agency,
                        self.d(due),
                        status,
                    )
                )

    def _looked_after(self, pc: PlannedCase, p_id: Any, start: int, end: int | None, uasc: bool) -> None:
        rnd = self.rnd
        child = pc.child
        dob = child.dob if child.dob is not None else start
        eighteen = dob + int(18 * YEAR)
        horizon = end if end is not None else self.today
        # legal status path
        if uasc:
            statuses = ["V2"]
        elif pc.reason == "RC1" and pc.closed is not None:
            statuses = ["C1", "C2", "E1"]
        elif rnd() < 0.3:
            statuses = ["V2"] if rnd() < 0.7 else ["V2", "C1", "C2"]
        elif rnd() < 0.1:
            statuses = ["L2", "C1", "C2"]
        else:
            statuses = ["C1", "C2"]
        span = max(1, horizon - start)
        r9 = self.rng903.random
        changes = sorted({start + int(span * rnd()) for _ in range(int(rnd() * 3))} - {start})
        status_days = sorted(
            {start + int(span * (i / len(statuses)) * (0.6 + 0.4 * rnd())) for i in range(1, len(statuses))} - {start}
        )
        if statuses[0] == "L2":  # an emergency protection order lasts 8 days (15 at most)
            status_days = sorted({min(status_days[0], start + 8) if status_days else start + 8, *status_days[1:]})
        days = sorted({start, *changes, *status_days})
        days = [x for x in days if x < horizon or x == start]
        rows: list[tuple[int, str, str]] = []
        si = 0
        place = None
        for i, day in enumerate(days):
            while si + 1 < len(statuses) and status_days[si : si + 1] and day >= status_days[si]:
                si += 1
            ls = statuses[min(si, len(statuses) - 1)]
            a = (day - dob) / YEAR
            if i == 0 or day in changes or place is None:
                place = self._placement(ls, a, uasc, pc.reason == "RC1" and ls == "E1")
            elif ls == "E1" and pc.reason == "RC1":
                place = "A5" if rnd() < 0.5 else "A6"
            rows.append((day, ls, place))
        reason_end = ""
        if end is not None:
            reason_end = {
                "RC1": "E11" if rnd() < 0.7 else "E12",
                "RC3": "E41",
                "RC4": ("E45", "E46", "E47", "E48")[int(rnd() * 4)],
                "RC5": "E3",
                "RC6": "E17" if rnd() < 0.5 else "E5",
            }.get(pc.reason, "E4A" if rnd() < 0.6 else ("E13" if rnd() < 0.5 else "E8"))
            if reason_end in ("E17", "E5") and end <= eighteen + 1:
                reason_end = "E8"
            if uasc and reason_end == "E4A":
                reason_end = "E5" if end >= eighteen - 1 else "E8"
        in_area = POSTCODES_903[:-6]
        postcode = POSTCODES_903[int(rnd() * len(POSTCODES_903))]
        home = in_area[int(r9() * len(in_area))]  # the home the child left (SSDA903 HOME_POST)
        moved = [i > 0 and (rows[i - 1][2] != p or d in changes) for i, (d, _ls, p) in enumerate(rows)]
        if end is not None and reason_end in ("E45", "E46") and rows[-1][2][0] != "U":
            reason_end = "E48"  # SGO to former foster carers only from a foster placement
        last: tuple[str, str, str] = ("", "", "")  # placement postcode, provider, URN of the previous episode
        for i, (day, ls, place) in enumerate(rows):
            nxt = rows[i + 1][0] if i + 1 < len(rows) else end
            if i > 0 and rows[i - 1][2] != place:
                postcode = POSTCODES_903[int(rnd() * len(POSTCODES_903))]
            elif moved[i]:
                postcode = POSTCODES_903[int(r9() * len(POSTCODES_903))]
            pc_code = home if place == "P1" else postcode
            if place in ("U4", "U6") and rnd() < 0.2:
                pc_code = POSTCODES_903[-1 - int(rnd() * 6)]  # out of area
                rnd(), rnd()  # the draws the earlier fictional postcode took: the rest of the council is unchanged
            if place == "K3" and pc_code not in in_area:
                pc_code = in_area[int(r9() * len(in_area))]  # supported accommodation is in the council's area
            if place != "P1" and pc_code == home:
                pc_code = in_area[(in_area.index(home) + 1) % len(in_area)]
            if moved[i] and place == rows[i - 1][2] and pc_code == last[0]:  # a move is to a new address
                pc_code = next(p for p in in_area if p not in (home, last[0]))
            ended = nxt
            why = "X1" if i + 1 < len(rows) else reason_end
            # SSDA903: reason for the new episode, provider, URN, and why the placement changed (on the episode
            # that ends with the move)
            ls_changed = i > 0 and rows[i - 1][1] != ls
            if i == 0:
                rne = "S"
            elif moved[i] and place in ("A3", "A5"):
                rne = "U" if ls_changed else "T"  # placed for adoption with the current foster carers
            elif moved[i]:
                rne = "B" if ls_changed else "P"
            else:
                rne = "L"
            provider = (
                "PR0"
                if place == "P1"
                else "PR4"
                if place in ("K2", "K3", "R1") and r9() < 0.7
                else "PR4"
                if (place in ("U4", "U6") and r9() < 0.4) or pc_code not in in_area
                else "PR1"
            )
            urn = f"SC{100000 + int(r9() * 800000)}" if place in ("K1", "K2", "K3", "S1") else ""
            if i > 0 and not moved[i]:
                pc_code, provider, urn = last  # same placement, new legal status
            last = (pc_code, provider, urn)
            change = ""
            if i + 1 < len(rows) and moved[i + 1]:
                change = "CARPL" if rows[i + 1][2] in ("A3", "A4", "A5", "A6") else self.reason_pick()
            stamp = self.ts(day, 13 * HOUR)
            self.t_lac.add(
                (
                    self.new_id(),
                    stamp,
                    stamp,
                    pc.row[3],
                    pc.row[3],
                    p_id,
                    child.id,
                    self.d(day),
                    ls,
                    place,
                    pc_code,
                    uasc,
                    self.d(ended),
                    why if ended is not None else "",
                    rne,
                    provider,
                    change,
                    urn,
                    home,
                )
            )
            self.result.looked_after_episodes += 1
        # missing from placement or away without authorisation: about one in six of the children aged 12 or over
        day = start + int(r9() * 30)
        while (day - dob) / YEAR >= 12 and day < horizon - 3 and r9() < 0.17:
            back = min(day + int(r9() * 4), horizon - 1)
            stamp = self.ts(day, 22 * HOUR)
            kind = "A" if r9() < 0.25 else "M"
            self.t_missing.add(
                (self.new_id(), stamp, stamp, pc.row[3], pc.row[3], child.id, kind, self.d(day), self.d(back))
            )
            day = back + 20 + int(r9() * 200)
        self._event(pc, "casework.care_started", "Became looked after", start, "casework.plan", p_id, pc.row[3])
        if end is not None:
            self._event(pc, "casework.care_ended", "Ceased to be looked after", end, "casework.plan", p_id, pc.row[3])

    def _placement(self, ls: str, age: float, uasc: bool, adoption: bool) -> str:
        roll = self.rnd()
        if adoption:
            return "A5" if roll < 0.5 else "A6"
        if uasc:
            return "K3" if age >= 16 and roll < 0.6 else ("U6" if roll < 0.85 else "K2" if age >= 10 else "U6")
        if age >= 16 and roll < 0.15:
            return "K3"  # supported accommodation (H5 before October 2023)
        if age >= 11 and roll < 0.27:
            return "K2"
        if age >= 12 and roll < 0.30:
            return "R1"
        if ls in ("C1", "C2") and 0.30 <= roll < 0.36:
            return "P1"
        if 0.36 <= roll < 0.50:
            return "U1" if roll < 0.42 else "U3"
        return "U4" if roll < 0.72 else "U6"

    def _level_change(self, pc: PlannedCase, frm: int, to: int, day: int, reason: str) -> bool:
        worker = self._worker_on(day)
        manager = self._manager_of(worker)
        stamp = self.ts(day, 15 * HOUR + 30 * 60)
        lc_id = self.new_id()
        direction = "up" if to > frm else "down"
        self.t_level.add(
            (
                lc_id,
                stamp,
                stamp,
                worker.id,
                manager.id,
                pc.case_id,
                frm,
                to,
                direction,
                self.d(day),
                reason,
                worker.id,
                manager.id,
            )
        )
        self.result.level_changes += 1
        self._event(
            pc,
            "casework.stepped_down" if direction == "down" else "casework.stepped_up",
            f"Stepped {direction} from level {frm} to level {to}",
            day,
            "casework.levelchange",
            lc_id,
            manager.id,
        )
        return True

    # --- level 3 ----------------------------------------------------------------------------------------
    def _journey3(self, pc: PlannedCase) -> str:
        rnd = self.rnd
        today = self.today
        closed = pc.closed
        horizon = closed if closed is not None else max(today - 1, pc.opened)
        alloc = self.spells[0].start
        start = min(self.next_wd(alloc + int(rnd() * 6)), horizon) if alloc <= horizon else horizon
        due = self.add_wd(start, self.policy.family_support_assessment_days)
        wd = 5 + int(rnd() * 26) if rnd() < 0.85 else 31 + int(rnd() * 20)
        auth = self.add_wd(start, wd)
        if closed is not None:
            auth = min(auth, closed)
        in_progress = closed is None and auth >= today
        _ = due
        outcome = "plan" if closed is None or closed - auth > 20 else "close"
        self._assessment(pc, "family_support", start, None if in_progress else auth, outcome, "", start)
        if in_progress:
            self._visits(pc, "assessment", start, None)
            return ""
        if outcome == "plan":
            p_start = min(auth + int(rnd() * 5), horizon if closed is not None else today - 1)
            self._plan(pc, "family_support", p_start, closed, None, None, False)
        else:
            self._visits(pc, "assessment", start, auth)
        return ""

    # --- visits, notes, chronology -------------------------------------------------------------------------
    def _visits(self, pc: PlannedCase, kind: str, start: int, end: int | None) -> None:
        rnd = self.rnd
        every = self.policy.visit_days(kind)
        last = end if end is not None else self.today - 1
        day = start
        add = self.t_visit.add
        d = self.d
        person = pc.row[6]
        case_id = pc.case_id
        n = 0
        older = pc.child.dob is not None and start - pc.child.dob > 4 * YEAR
        while True:
            gap = every - int(rnd() * 4) if rnd() < 0.9 else every + 1 + int(rnd() * 5)
            day = self.add_wd(day, max(1, gap))
            if day > last:
                break
            roll = rnd()
            if roll < 0.06:
                seen, why = "not_seen", NOT_SEEN_REASONS[int(rnd() * len(NOT_SEEN_REASONS))]
            elif roll < 0.6 and older:
                seen, why = "alone", ""
            else:
                seen, why = "with_others", ""
            by = self._worker_on(day).id
            stamp = self.ts(day, 16 * HOUR)
            add((self.new_id(), stamp, stamp, by, by, case_id, person, d(day), seen, why, by))
            n += 1
        self.result.visits += n

    def _note(self, pc: PlannedCase, spells: list[Spell]) -> None:
        rnd = self.rnd
        horizon = pc.closed if pc.closed is not None else self.today - 1
        first = spells[0].start
        if horizon <= first:
            return
        day = first + int(rnd() * (horizon - first))
        category, text = NOTES[int(rnd() * len(NOTES))]
        by = self._worker_on(day).id
        stamp = self.ts(day, 17 * HOUR)
        self.t_note.add((self.new_id(), stamp, stamp, by, by, pc.case_id, pc.row[6], category, self.d(day), text))
        self.result.notes += 1

    def _event(
        self, pc: PlannedCase, kind: str, summary: str, day: int, subject: str, subject_id: Any, by: Any
    ) -> None:
        self.t_event.add(
            (
                self.new_id(),
                kind,
                summary,
                self.d(day),
                None,
                self.ts(day, 17 * HOUR + 30 * 60),
                "",
                subject,
                self.dashed(subject_id),
                pc.row[6],
                by,
            )
        )

    def _figures(self) -> None:
        """Counted from the database after the load (see generator); here only what the plan says."""
        r = self.result
        r.children_in_need = sum(1 for p in self.planned if p.level == 4 and p.closed is None)
        r.on_cp_plans = sum(1 for s in self.state.values() if s == "cp")
        r.looked_after = sum(1 for s in self.state.values() if s == "lac")
