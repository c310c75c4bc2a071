"""The council's organisation and workforce: local authority, localities, teams, agencies, schools, users.

A few thousand rows at most, so these are written with the ORM's bulk_create (every id and timestamp set
explicitly, so the result depends only on the seed and the reference date). Team.service is set from
Team.SERVICE_OF_KIND here because bulk_create does not call clean().
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from familyhelp.accounts.models import User
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team
from familyhelp.people.matching import fold
from familyhelp.synthetic import names
from familyhelp.synthetic.bulk import DateFormat, SyntheticIds
from familyhelp.synthetic.demo import DEMO_PASSWORD, DEMO_USERS
from familyhelp.synthetic.presets import MEMBER_KINDS, Preset

CASELOAD_JOBS = ("social_worker", "family_support_worker", "family_help_practitioner")


@dataclass
class LocalityInfo:
    index: int
    id: Any
    name: str
    districts: list[str]
    area: int


@dataclass
class WorkerInfo:
    id: Any
    username: str
    first_name: str
    last_name: str
    role: str
    job_role: str
    team: TeamInfo | None
    fte: Decimal = Decimal("1.00")
    is_active: bool = True
    agency_id: Any = None
    email: str = ""


@dataclass
class TeamInfo:
    id: Any
    name: str
    kind: str
    locality: int | None
    area: int | None
    members: list[WorkerInfo] = field(default_factory=list)


@dataclass
class SchoolInfo:
    id: Any
    urn: str
    name: str
    phase: str
    locality: int
    establishment: str
    agency_id: Any
    dsl_name: str
    dsl_email: str
    postcode: str = ""
    named_contact_id: Any = None
    created_at: Any = None


@dataclass
class Organisation:
    """What the people generator needs to know about the council."""

    la_id: Any
    la_name: str
    domain: str
    localities: list[LocalityInfo]
    teams: list[TeamInfo]
    workers: list[WorkerInfo]
    leavers: list[WorkerInfo]
    schools: list[SchoolInfo]
    agencies: dict[str, list[tuple[Any, str]]]  # kind -> [(id, name)]
    partner_users: dict[str, list[WorkerInfo]]  # agency kind -> users
    dsl_users: dict[int, WorkerInfo]  # school index -> its DSL user
    demo: dict[str, WorkerInfo]
    front_door: list[WorkerInfo]

    def team_of_kind(self, kind: str, locality: int | None = None) -> TeamInfo:
        for team in self.teams:
            if team.kind == kind and (locality is None or team.locality == locality):
                return team
        raise LookupError(kind)


def _weighted(rng: random.Random, options: tuple[tuple[str, str, float], ...]) -> tuple[str, str]:
    pick = rng.random() * sum(w for _, _, w in options)
    for code, culture, weight in options:
        pick -= weight
        if pick < 0:
            return code, culture
    return options[-1][0], options[-1][1]


def random_adult_name(rng: random.Random, sex: str) -> tuple[str, str]:
    """A worker's or professional's name, from the same mix of communities as the families."""
    codes = list(names.CHILD_ETHNICITY)
    code = rng.choices(codes, weights=[names.CHILD_ETHNICITY[c] for c in codes])[0]
    side = names.ETHNIC_ORIGINS[code][rng.random() < 0.5]
    _, culture_key = _weighted(rng, side)
    culture = names.CULTURES[culture_key]
    given = rng.choice(culture.women if sex == "F" else culture.men)
    family = rng.choice(culture.family)
    if isinstance(family, tuple):
        family = family[1] if sex == "F" else family[0]
    return given, family


class OrganisationBuilder:
    """Builds and saves the organisation and workforce for a preset."""

    def __init__(self, *, preset: Preset, rng: random.Random, ids: SyntheticIds, dates: DateFormat, today: int) -> None:
        self.preset = preset
        self.rng = rng
        self.ids = ids
        self.dates = dates
        self.today = today
        self.usernames: set[str] = {d.username for d in DEMO_USERS}
        self.swe_numbers: set[str] = set()
        short = preset.la_name.split()[0].lower()
        self.domain = f"{short}.example"

    # --- helpers -------------------------------------------------------------------------------
    def _uuid(self) -> Any:
        # Ids stay in the database's stored form (the ORM's UUIDField accepts hex text too), so the same
        # values can go into raw rows as foreign keys.
        return self.ids.new()

    def _stamp(self, days_ago_min: int, days_ago_max: int) -> Any:
        day = self.today - self.rng.randint(days_ago_min, days_ago_max)
        return self.dates.aware(day, self.rng.randint(8 * 3600, 17 * 3600))

    def _username(self, first: str, last: str) -> str:
        base = ".".join(p.replace(" ", "") for p in (fold(first), fold(last)) if p) or "worker"
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def _swe(self) -> str:
        while True:
            number = f"SW{self.rng.randint(10_000, 999_999)}"
            if number not in self.swe_numbers:
                self.swe_numbers.add(number)
                return number

    # --- build ---------------------------------------------------------------------------------
    def build(self) -> Organisation:
        p = self.preset
        years = p.years
        la = LocalAuthority(
            id=self._uuid(),
            name=p.la_name,
            la_code=p.la_code,
            child_population=p.child_population,
            child_population_year=self._year() - 1,
            created_at=self._stamp(years * 365, years * 365),
        )
        la.modified_at = la.created_at
        LocalAuthority.objects.bulk_create([la])

        localities = self._localities(la)
        teams = self._teams(la, localities)
        agencies = self._agencies()
        workers, leavers, demo = self._workers(teams)
        schools = self._schools(localities, agencies, teams)
        partner_users, dsl_users = self._partner_users(agencies, schools, demo)
        password = make_password(DEMO_PASSWORD, salt=self._salt())
        self._save_users(
            workers + leavers + [u for us in partner_users.values() for u in us] + list(dsl_users.values()),
            password,
            demo,
        )
        School.objects.bulk_create(
            [
                School(
                    id=s.id,
                    urn=s.urn,
                    name=s.name,
                    phase=s.phase,
                    locality_id=localities[s.locality].id,
                    postcode=s.postcode,
                    partner_agency_id=s.agency_id,
                    dsl_name=s.dsl_name,
                    dsl_email=s.dsl_email,
                    named_contact_id=s.named_contact_id,
                    created_at=s.created_at,
                    modified_at=s.created_at,
                )
                for s in schools
            ]
        )
        front_door = [w for t in teams if t.kind == "front_door" for w in t.members]
        return Organisation(
            la_id=la.id,
            la_name=la.name,
            domain=self.domain,
            localities=localities,
            teams=teams,
            workers=workers,
            leavers=leavers,
            schools=schools,
            agencies=agencies,
            partner_users=partner_users,
            dsl_users=dsl_users,
            demo=demo,
            front_door=front_door,
        )

    def _year(self) -> int:
        from datetime import date

        return date.fromordinal(self.today).year

    def _salt(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(22))

    def _localities(self, la: LocalAuthority) -> list[LocalityInfo]:
        p = self.preset
        per = 4 if p.localities >= 6 else 3
        infos: list[LocalityInfo] = []
        rows = []
        district = 1
        for i in range(p.localities):
            name = names.LOCALITY_NAMES[i]
            districts = [f"{names.POSTCODE_AREA}{district + j}" for j in range(per)]
            district += per
            area = i * p.areas // p.localities
            info = LocalityInfo(index=i, id=self._uuid(), name=name, districts=districts, area=area)
            infos.append(info)
            stamp = self._stamp(p.years * 365, p.years * 365)
            rows.append(
                Locality(
                    id=info.id,
                    local_authority=la,
                    name=name,
                    postcode_districts=" ".join(districts),
                    created_at=stamp,
                    modified_at=stamp,
                )
            )
        Locality.objects.bulk_create(rows)
        return infos

    def _teams(self, la: LocalAuthority, localities: list[LocalityInfo]) -> list[TeamInfo]:
        p = self.preset
        labels = dict(Team.Kind.choices)
        infos: list[TeamInfo] = []
        rows = []
        for plan in p.teams:
            units: list[tuple[int | None, int | None, str]] = []
            if plan.per == "locality":
                units = [(loc.index, loc.area, loc.name) for loc in localities]
            elif plan.per == "area" and p.areas > 1:
                units = [(None, a, names.AREA_NAMES[a]) for a in range(p.areas)]
            else:
                units = [(None, None, "")]
            base = {
                "front_door": "Front Door (MASH)",
                "family_support": "Family Support Team",
                "early_help": "Early Help Team",
                "assessment": "Assessment Team",
                "child_in_need": "Child in Need Team",
                "child_protection": "Child Protection Team",
                "children_in_care": "Children in Care Team",
                "fgc": "Family Group Conference Service",
                "intensive_family_support": "Intensive Family Support",
                "exploitation_missing": "Exploitation and Missing Team",
                "performance": "Performance and Business Support",
            }.get(plan.kind, labels[plan.kind])
            for locality, area, prefix in units:
                for n in range(plan.count):
                    name = f"{prefix} {base}".strip()
                    if plan.count > 1:
                        name = f"{name} {n + 1}"
                    info = TeamInfo(id=self._uuid(), name=name, kind=plan.kind, locality=locality, area=area)
                    infos.append(info)
                    stamp = self._stamp(p.years * 365, p.years * 365)
                    rows.append(
                        Team(
                            id=info.id,
                            local_authority=la,
                            name=name,
                            kind=plan.kind,
                            service=Team.SERVICE_OF_KIND[Team.Kind(plan.kind)],
                            locality_id=localities[locality].id if locality is not None else None,
                            created_at=stamp,
                            modified_at=stamp,
                        )
                    )
        Team.objects.bulk_create(rows)
        return infos

    def _agencies(self) -> dict[str, list[tuple[Any, str]]]:
        county = "Brackenshire"
        town = self.preset.la_name.split()[0]
        plan = [
            ("police", f"{county} Police"),
            ("health", f"{town} Hospitals NHS Foundation Trust"),
            ("health", f"{county} Community Health NHS Trust"),
            ("health", f"{county} Mental Health NHS Trust"),
            ("youth_offending", f"{town} Youth Justice Service"),
            ("housing", f"{town} Housing Options"),
            ("housing", "Bracken Vale Homes"),
            ("probation", f"Probation Service ({county})"),
            ("education", f"{town} Inclusion and Attendance Service"),
            ("voluntary", f"{town} Women's Aid"),
            ("voluntary", f"{town} Young Carers"),
        ]
        agencies: dict[str, list[tuple[Any, str]]] = {}
        rows = []
        for kind, name in plan:
            agency_id = self._uuid()
            agencies.setdefault(kind, []).append((agency_id, name))
            stamp = self._stamp(self.preset.years * 365, self.preset.years * 365)
            slug = fold(name).replace(" ", "-")
            rows.append(
                PartnerAgency(
                    id=agency_id,
                    name=name,
                    kind=kind,
                    email=f"safeguarding@{slug}.example",
                    created_at=stamp,
                    modified_at=stamp,
                )
            )
        PartnerAgency.objects.bulk_create(rows)
        return agencies

    def _new_worker(self, role: str, job_role: str, team: TeamInfo | None, *, active: bool = True) -> WorkerInfo:
        sex = "F" if self.rng.random() < 0.8 else "M"  # the children's workforce is mostly women
        first, last = random_adult_name(self.rng, sex)
        worker = WorkerInfo(
            id=self._uuid(),
            username=self._username(first, last),
            first_name=first,
            last_name=last,
            role=role,
            job_role=job_role,
            team=team,
            is_active=active,
        )
        roll = self.rng.random()
        worker.fte = Decimal("1.00") if roll < 0.78 else Decimal(self.rng.choice(("0.80", "0.60", "0.50")))
        return worker

    def _workers(self, teams: list[TeamInfo]) -> tuple[list[WorkerInfo], list[WorkerInfo], dict[str, WorkerInfo]]:
        p = self.preset
        workers: list[WorkerInfo] = []
        demo: dict[str, WorkerInfo] = {}
        pending = {d.username: d for d in DEMO_USERS if d.team_kind is not None}
        for plan in p.teams:
            for team in (t for t in teams if t.kind == plan.kind):
                for member_kind, count in plan.members.items():
                    role, job_role = MEMBER_KINDS[member_kind]
                    for _ in range(count):
                        spec = next(
                            (
                                d
                                for d in pending.values()
                                if d.team_kind == team.kind
                                and d.role == role
                                and d.job_role == job_role
                                and (team.locality in (None, 0))
                            ),
                            None,
                        )
                        if spec is not None:
                            del pending[spec.username]
                            worker = WorkerInfo(
                                id=self._uuid(),
                                username=spec.username,
                                first_name=spec.first_name,
                                last_name=spec.last_name,
                                role=role,
                                job_role=job_role,
                                team=team,
                            )
                            demo[spec.username] = worker
                        else:
                            worker = self._new_worker(role, job_role, team)
                        team.members.append(worker)
                        workers.append(worker)
        for spec in pending.values():  # demo users whose team the preset does not staff
            team = next(t for t in teams if t.kind == spec.team_kind and t.locality in (None, 0))
            worker = WorkerInfo(
                id=self._uuid(),
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                role=spec.role,
                job_role=spec.job_role,
                team=team,
            )
            team.members.append(worker)
            workers.append(worker)
            demo[spec.username] = worker
        leader = next(d for d in DEMO_USERS if d.username == "leader")
        demo["leader"] = WorkerInfo(
            id=self._uuid(),
            username=leader.username,
            first_name=leader.first_name,
            last_name=leader.last_name,
            role=leader.role,
            job_role=leader.job_role,
            team=None,
        )
        workers.append(demo["leader"])
        for _ in range(max(0, p.senior_leaders - 1)):
            workers.append(self._new_worker("senior_leader", "senior_leader", None))
        leavers: list[WorkerInfo] = []
        caseload_teams = [t for t in teams if any(m.job_role in CASELOAD_JOBS for m in t.members)]
        for _ in range(p.leavers):
            team = self.rng.choice(caseload_teams)
            job = self.rng.choice([m.job_role for m in team.members if m.job_role in CASELOAD_JOBS])
            role = {
                "social_worker": "social_worker",
                "family_support_worker": "family_support_worker",
                "family_help_practitioner": "family_help_practitioner",
            }[job]
            leavers.append(self._new_worker(role, job, team, active=False))
        return workers, leavers, demo

    def _schools(
        self, localities: list[LocalityInfo], agencies: dict[str, list[tuple[Any, str]]], teams: list[TeamInfo]
    ) -> list[SchoolInfo]:
        p = self.preset
        rng = self.rng
        phases = (
            ["primary"] * 78 + ["secondary"] * 15 + ["special"] * 3 + ["alternative"] * 2 + ["nursery", "all_through"]
        )
        rng.shuffle(phases)  # so that a small council gets secondary and special schools too
        suffix = {
            "primary": ("Primary School", "Primary Academy", "Infant School", "Junior School"),
            "secondary": ("Academy", "High School", "School", "Community College"),
            "special": ("Special School", "School"),
            "alternative": ("Pupil Referral Unit", "Alternative Provision Academy"),
            "nursery": ("Nursery School",),
            "all_through": ("All-Through Academy",),
            "post_16": ("Sixth Form College",),
        }
        establishment_base = {
            "primary": 2000,
            "secondary": 4000,
            "special": 7000,
            "alternative": 1100,
            "nursery": 1000,
            "all_through": 4500,
            "post_16": 6900,
        }
        used_names: set[str] = set()
        used_urns: set[str] = set()
        used_estabs: set[str] = set()
        infos: list[SchoolInfo] = []
        agency_rows = []
        named_contacts: dict[int, list[WorkerInfo]] = {}
        for team in teams:
            if team.kind == "family_support" and team.locality is not None:
                named_contacts.setdefault(team.locality, []).extend(
                    m for m in team.members if m.job_role in ("family_support_worker", "family_help_practitioner")
                )
        for i in range(p.schools):
            phase = "primary" if i == 0 else phases[i % len(phases)]
            locality = i % len(localities)
            for attempt in range(50):
                stem = rng.choice(names.SCHOOL_STEMS)
                ending = rng.choice(suffix[phase])
                if stem.startswith(("St ", "Holy", "All Saints", "Our Lady")) and phase == "primary":
                    ending = rng.choice(("Church of England Primary School", "Catholic Primary School"))
                name = f"{stem} {ending}"
                if attempt > 3:
                    name = f"{localities[locality].name} {stem} {ending}"
                if name not in used_names:
                    break
            used_names.add(name)
            while True:
                urn = str(rng.randint(160_000, 199_999))
                if urn not in used_urns:
                    used_urns.add(urn)
                    break
            while True:
                estab = str(establishment_base[phase] + rng.randint(0, 899 if phase != "alternative" else 99))
                if estab not in used_estabs:
                    used_estabs.add(estab)
                    break
            dsl_first, dsl_last = random_adult_name(rng, "F" if rng.random() < 0.7 else "M")
            slug = fold(name).replace(" ", "-")
            dsl_email = f"dsl@{slug}.sch.{self.domain}"
            agency_id = self._uuid()
            stamp = self._stamp(p.years * 365, p.years * 365)
            agency_rows.append(
                PartnerAgency(
                    id=agency_id,
                    name=name,
                    kind="school",
                    email=f"office@{slug}.sch.{self.domain}",
                    created_at=stamp,
                    modified_at=stamp,
                )
            )
            agencies.setdefault("school", []).append((agency_id, name))
            loc = localities[locality]
            postcode = (
                f"{rng.choice(loc.districts)} {rng.randint(1, 9)}"
                f"{rng.choice(names.INWARD_LETTERS)}{rng.choice(names.INWARD_LETTERS)}"
            )
            contacts = named_contacts.get(locality) or []
            contact = contacts[i % len(contacts)] if contacts else None
            infos.append(
                SchoolInfo(
                    id=self._uuid(),
                    urn=urn,
                    name=name,
                    phase=phase,
                    locality=locality,
                    establishment=estab,
                    agency_id=agency_id,
                    dsl_name=f"{dsl_first} {dsl_last}",
                    dsl_email=dsl_email,
                    postcode=postcode,
                    named_contact_id=contact.id if contact else None,
                    created_at=stamp,
                )
            )
        PartnerAgency.objects.bulk_create(agency_rows)
        return infos

    def _partner_users(
        self, agencies: dict[str, list[tuple[Any, str]]], schools: list[SchoolInfo], demo: dict[str, WorkerInfo]
    ) -> tuple[dict[str, list[WorkerInfo]], dict[int, WorkerInfo]]:
        p = self.preset
        users: dict[str, list[WorkerInfo]] = {}
        for kind, count in p.partner_users.items():
            for n in range(count):
                agency_id, _ = agencies[kind][n % len(agencies[kind])]
                worker = self._new_worker("partner", "partner", None)
                worker.agency_id = agency_id
                users.setdefault(kind, []).append(worker)
        dsl_users: dict[int, WorkerInfo] = {}
        spec = next(d for d in DEMO_USERS if d.username == "partner")
        for i, school in enumerate(schools):
            if i == 0:
                worker = WorkerInfo(
                    id=self._uuid(),
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    role="partner",
                    job_role="partner",
                    team=None,
                )
                demo["partner"] = worker
            elif self.rng.random() < p.dsl_share:
                first, _, last = school.dsl_name.partition(" ")
                worker = WorkerInfo(
                    id=self._uuid(),
                    username=self._username(first, last),
                    first_name=first,
                    last_name=last,
                    role="partner",
                    job_role="partner",
                    team=None,
                )
            else:
                continue
            worker.agency_id = school.agency_id
            worker.email = school.dsl_email
            school.dsl_name = f"{worker.first_name} {worker.last_name}"
            dsl_users[i] = worker
        return users, dsl_users

    def _save_users(self, workers: list[WorkerInfo], password: str, demo: dict[str, WorkerInfo]) -> None:
        rows = []
        demo_ids = {w.id for w in demo.values()}
        for w in workers:
            swe = self._swe() if w.job_role == "social_worker" else ""
            is_sw = w.job_role == "social_worker"
            agency = w.id not in demo_ids and w.role != "partner" and self.rng.random() < (0.16 if is_sw else 0.05)
            joined = self._stamp(30, self.preset.years * 365)
            if w.email:
                email = w.email
            elif w.role == "partner":
                email = f"{w.username}@partners.{self.domain}"
            else:
                email = f"{w.username}@{self.domain}"
            rows.append(
                User(
                    id=w.id,
                    password=password,
                    username=w.username,
                    first_name=w.first_name,
                    last_name=w.last_name,
                    email=email,
                    is_active=w.is_active,
                    date_joined=joined,
                    role=w.role,
                    job_role=w.job_role,
                    team_id=w.team.id if w.team else None,
                    partner_agency_id=w.agency_id,
                    swe_number=swe,
                    employment=User.Employment.AGENCY if agency else User.Employment.PERMANENT,
                    fte=w.fte if w.id not in demo_ids else Decimal("1.00"),
                )
            )
        User.objects.bulk_create(rows)
