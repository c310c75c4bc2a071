"""The synthetic local authority: generate a whole council's data from a preset, a seed and a date.

`generate(preset="small", seed=1)` fills an empty database with a fictional council (organisation,
workforce, schools, partner agencies, people, families, relationships, addresses, caseloads and the
children's chronology) and the demonstration logins. The same seed and reference date give the same rows,
ids included. Dates are relative to the reference date (`today`, by default the real today).

The bulk baseline is written without django-simple-history rows: field history starts when the live
system starts recording changes, as it would after migrating records from a council's previous system.
See docs/domain/synthetic-council.md.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from django.db import connection, transaction
from tqdm import tqdm

from familyhelp.accounts.models import RestrictedAccessGrant, User
from familyhelp.casework.models import (
    Allocation,
    Assessment,
    Case,
    CaseNote,
    CINEpisode,
    LevelChange,
    LookedAfterEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import clock
from familyhelp.core.sequences import set_at_least
from familyhelp.directory.models import LocalService
from familyhelp.frontdoor.models import Contact, ContactPerson, PartnerCheck, ThresholdDecision
from familyhelp.organisation.models import LocalAuthority
from familyhelp.people.models import (
    Address,
    Family,
    FamilyMember,
    Person,
    PersonAddress,
    PersonDisability,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from familyhelp.synthetic.bulk import BulkLoader, DateFormat, SyntheticIds, deferred_indexes, fast_load
from familyhelp.synthetic.caseloads import CaseloadBuilder, CaseloadResult
from familyhelp.synthetic.casework import CaseworkBuilder, CaseworkResult
from familyhelp.synthetic.demo import DEMO_USERS, demo_logins
from familyhelp.synthetic.duplicates import DuplicateMaker, KnownDuplicate
from familyhelp.synthetic.frontdoor import FrontDoorBuilder, FrontDoorResult
from familyhelp.synthetic.population import COUPLE, UASC, PopulationBuilder
from familyhelp.synthetic.presets import PRESETS, Preset
from familyhelp.synthetic.workforce import Organisation, OrganisationBuilder

__all__ = ["DataExistsError", "GenerationResult", "demo_logins", "generate"]

RESTRICTED_REASON = (
    "The child's mother has fled domestic abuse. Her new address must not be disclosed to the child's father "
    "or his family."
)

# Households every preset contains, so the unusual names any council meets are always in the data.
SHOWCASE: list[dict[str, Any]] = [
    {
        "shape": (COUPLE, 2, 0, 0, 0, 0, 0, 0),
        "created_days_ago": 700,
        "ethnicity": "WIRI",
        "mother_culture": "irish",
        "father_culture": "irish",
        "locality": 0,
        "mother": ("Aoife", "Ní Bhriain"),
        "father": ("Seán", "O'Brien"),
        "children": [("Zoë", "O'Brien"), ("Ciarán", "O'Brien")],
    },
    {
        "shape": (COUPLE, 2, 0, 1, 0, 0, 0, 0),
        "created_days_ago": 420,
        "ethnicity": "AOTH",
        "mother_culture": "vietnamese",
        "father_culture": "vietnamese",
        "locality": 0,
        "mother": ("Thị Lan", "Nguyễn"),
        "father": ("Văn Minh", "Nguyễn"),
        "children": [("Bảo Ngọc", "Nguyễn"), ("Minh Khôi", "Nguyễn")],
    },
    {
        "shape": (COUPLE, 1, 0, 0, 0, 0, 0, 0),
        "created_days_ago": 260,
        "ethnicity": "WOTH",
        "mother_culture": "polish",
        "father_culture": "polish",
        "locality": 0,
        "mother": ("Małgorzata", "Wójcik"),
        "father": ("Józef", "Wójcik"),
        "children": [("Zofia", "Wójcik")],
    },
    {
        "shape": (COUPLE, 2, 0, 0, 0, 0, 0, 0),
        "created_days_ago": 150,
        "ethnicity": "MOTH",
        "mother_culture": "welsh",
        "father_culture": "french",
        "locality": 0,
        "mother": ("Siân", "Pritchard"),
        "father": ("Loïc", "Dubois"),
        "children": [("Chloé", "Pritchard-Dubois"), ("", "Pritchard-Dubois")],
        "unborn": True,
    },
    {
        "shape": (UASC, 1, 0, 0, 0, 0, 0, 0),
        "created_days_ago": 90,
        "ethnicity": "BAFR",
        "culture": "eritrean",
        "locality": 0,
        "children": [("Yonas", "")],
    },
]


# The tables written in bulk (their secondary indexes are built after the load on SQLite).
BULK_MODELS = (
    Person,
    Address,
    PersonAddress,
    Family,
    FamilyMember,
    Relationship,
    PersonName,
    PersonDisability,
    ProfessionalInvolvement,
    ChronologyEvent,
    Contact,
    ContactPerson,
    PartnerCheck,
    ThresholdDecision,
    Case,
    CINEpisode,
    Allocation,
    LevelChange,
    Assessment,
    StrategyDiscussion,
    S47Enquiry,
    Plan,
    PlanGoal,
    PlanAction,
    PlanReview,
    LookedAfterEpisode,
    Visit,
    CaseNote,
)


class DataExistsError(Exception):
    """The database already holds a council: generate only fills an empty database."""


@dataclass
class GenerationResult:
    preset: str
    seed: int
    today: date
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    caseloads: CaseloadResult | None = None
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each phase
    duplicates: list[KnownDuplicate] = field(default_factory=list)  # second records made on purpose
    frontdoor: FrontDoorResult | None = None  # contacts, decisions and cases (synthetic.frontdoor)
    casework: CaseworkResult | None = None  # allocations, assessments, plans, visits (synthetic.casework)

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


def existing_data() -> str | None:
    """Why the database is not empty (a message), or None when generate may run."""
    if LocalAuthority.objects.exists():
        return "The database already has a local authority."
    if Person.objects.exists():
        return "The database already has people in it."
    taken = list(User.objects.filter(username__in=[d.username for d in DEMO_USERS]).values_list("username", flat=True))
    if taken:
        return f"The database already has users with the demonstration usernames: {', '.join(sorted(taken))}."
    return None


def generate(
    *,
    preset: str | Preset = "small",
    seed: int = 1,
    today: date | None = None,
    progress: bool = False,
    progress_file: TextIO | None = None,
) -> GenerationResult:
    """Fill an empty database with a synthetic council; raise DataExistsError if it is not empty."""
    if isinstance(preset, str):
        try:
            preset = PRESETS[preset]
        except KeyError as exc:
            raise ValueError(f"Unknown preset {preset!r}: choose from {', '.join(PRESETS)}") from exc
    reason = existing_data()
    if reason:
        raise DataExistsError(reason)
    started = time.perf_counter()
    today = today or clock.today()
    day = today.toordinal()
    rng = random.Random(f"familyhelp-synthetic:{preset.name}:{seed}")
    ids = SyntheticIds(rng, native=bool(connection.features.has_native_uuid_field))
    dates = DateFormat(text=connection.vendor == "sqlite")
    timer = _PhaseTimer()
    bar = tqdm(
        total=preset.people,
        unit=" people",
        desc=f"Generating {preset.name}",
        file=progress_file or sys.stderr,
        disable=not progress,
        unit_scale=True,
        smoothing=0.05,
    )
    timer.bar = bar
    try:
        with fast_load():
            with transaction.atomic():
                duplicates = DuplicateMaker(
                    rng=random.Random(f"familyhelp-synthetic:{preset.name}:{seed}:duplicates"),
                    native_ids=ids.native,
                    share=preset.duplicate_share,
                )
                frontdoor_rng = random.Random(f"familyhelp-synthetic:{preset.name}:{seed}:frontdoor")
                casework_rng = random.Random(f"familyhelp-synthetic:{preset.name}:{seed}:casework")
                counts, caseloads, frontdoor, casework = _build(
                    preset=preset,
                    rng=rng,
                    ids=ids,
                    dates=dates,
                    today=day,
                    bar=bar,
                    timer=timer,
                    duplicates=duplicates,
                    frontdoor_rng=frontdoor_rng,
                    casework_rng=casework_rng,
                )
                if casework is not None:
                    from familyhelp.synthetic.support import SupportBuilder

                    support_rng = random.Random(f"familyhelp-synthetic:{preset.name}:{seed}:support")
                    counts.update(SupportBuilder(rng=support_rng, today=date.fromordinal(day)).run())
                    timer.phase("support")
            timer.phase("commit")
        timer.phase("checkpoint")
    finally:
        bar.close()
    return GenerationResult(
        preset=preset.name,
        seed=seed,
        today=today,
        seconds=time.perf_counter() - started,
        counts=counts,
        caseloads=caseloads,
        phases=timer.phases,
        duplicates=duplicates.known,
        frontdoor=frontdoor,
        casework=casework,
    )


class _PhaseTimer:
    """Seconds spent in each phase, shown on the progress bar as it goes."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.mark = time.perf_counter()
        self.bar: Any = None

    def phase(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.mark
        self.mark = now
        if self.bar is not None:
            self.bar.set_description(f"Done: {name}")


def _build(
    *,
    preset: Preset,
    rng: random.Random,
    ids: SyntheticIds,
    dates: DateFormat,
    today: int,
    bar: Any,
    timer: _PhaseTimer,
    duplicates: DuplicateMaker | None = None,
    frontdoor_rng: random.Random | None = None,
    casework_rng: random.Random | None = None,
) -> tuple[dict[str, int], CaseloadResult, FrontDoorResult | None, CaseworkResult | None]:
    """Everything generate() writes, inside its transaction."""
    org = OrganisationBuilder(preset=preset, rng=rng, ids=ids, dates=dates, today=today).build()
    timer.phase("organisation")
    loader = BulkLoader(batch_size=preset.batch_size)
    with deferred_indexes(BULK_MODELS):
        people = PopulationBuilder(
            preset=preset,
            rng=rng,
            ids=ids,
            dates=dates,
            today=today,
            org=org,
            loader=loader,
            progress=bar,
            showcase=SHOWCASE,
            duplicates=duplicates,
        )
        households = people.run()
        timer.phase("people")
        caseloads = CaseloadBuilder(
            preset=preset, rng=rng, ids=ids, dates=dates, today=today, org=org, loader=loader
        ).run(households)
        timer.phase("caseloads")
        frontdoor = None
        casework = None
        if frontdoor_rng is not None:
            # Its own generator (and ids), so the rest of the council is the same with or without it.
            frontdoor = FrontDoorBuilder(
                preset=preset,
                rng=frontdoor_rng,
                ids=SyntheticIds(frontdoor_rng, native=ids.native),
                dates=dates,
                today=today,
                org=org,
                loader=loader,
                households=households,
                caseloads=caseloads,
                defer_cases=casework_rng is not None,
            ).run()
            timer.phase("front door")
            if casework_rng is not None:
                # The cases with their allocation and journeys; its own generator too (synthetic.casework).
                casework = CaseworkBuilder(
                    preset=preset,
                    rng=casework_rng,
                    ids=SyntheticIds(casework_rng, native=ids.native),
                    dates=dates,
                    today=today,
                    org=org,
                    loader=loader,
                    planned=frontdoor.planned,
                ).run()
                timer.phase("casework")
        counts = loader.finish()
        timer.phase("writing")
        _records_fit_for_care()
    timer.phase("indexing")
    for table, added in _demo_records(org=org, caseloads=caseloads, ids=ids, dates=dates, today=today).items():
        counts[table] = counts.get(table, 0) + added
    from familyhelp.performance.defaults import seed_national_benchmarks

    counts["performance_benchmark"] = seed_national_benchmarks(lambda: ids.as_uuid(ids.new()))
    counts.update(_organisation_counts())
    set_at_least("person", people.person_n)
    set_at_least("family", people.family_n)
    if frontdoor is not None:
        set_at_least("contact", frontdoor.contacts)
        set_at_least("case", frontdoor.cases)
    timer.phase("demo records")
    from familyhelp.people import name_index

    counts["people_namekey"] = name_index.rebuild()  # the search vocabulary of every name written in bulk
    timer.phase("search vocabulary")
    _refresh_planner_statistics()
    timer.phase("statistics")
    return counts, caseloads, frontdoor, casework


def _records_fit_for_care() -> None:
    """A child in care has a recorded sex and a category of need (the SSDA903 takes N1 to N8 only, and queries
    sex "not known"). The few children the random draws left with neither and then took into care are given
    them here, without drawing, so the rest of the council stays as the seed made it."""
    in_care = LookedAfterEpisode.objects.values("person_id")
    CINEpisode.objects.filter(person_id__in=in_care).exclude(primary_need__in=[f"N{n}" for n in range(1, 9)]).update(
        primary_need="N1"  # abuse or neglect: the commonest need of children who come into care
    )
    for pk in Person.objects.filter(pk__in=in_care, sex="U", is_unborn=False).values_list("pk", flat=True):
        Person.objects.filter(pk=pk).update(sex="F" if pk.int % 2 else "M")


def _refresh_planner_statistics() -> None:
    """After a bulk load, let the query planner see the tables' real sizes (SQLite keeps no statistics until
    ANALYZE runs, and then guesses: a correlated lookup by person may be planned through a worker's whole
    caseload instead). PostgreSQL's autovacuum would get there later; ANALYZE now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")  # sample each index: about a second for a million people
        cursor.execute("ANALYZE")


def _organisation_counts() -> dict[str, int]:
    from familyhelp.organisation.models import Locality, PartnerAgency, School, Team

    return {
        m._meta.db_table: m.objects.count()
        for m in (LocalAuthority, Locality, Team, PartnerAgency, School, User, LocalService)
    }


def _demo_records(
    *, org: Organisation, caseloads: CaseloadResult, ids: SyntheticIds, dates: DateFormat, today: int
) -> dict[str, int]:
    """Restrict one of the demo social worker's children so the break-glass journey can be shown."""
    child = caseloads.restricted_child
    manager = org.demo["manager"]
    worker = org.demo["socialworker"]
    if child is None:
        return {}
    when = today - 30
    restricted_at = dates.aware(when, 10 * 3600)
    Person.objects.filter(pk=ids.as_uuid(child)).update(
        is_restricted=True,
        restricted_reason=RESTRICTED_REASON,
        restricted_at=restricted_at,
        restricted_by_id=ids.as_uuid(manager.id),
    )
    grants = [
        RestrictedAccessGrant(
            id=ids.as_uuid(ids.new()),
            person_id=ids.as_uuid(child),
            user_id=ids.as_uuid(m.id),
            reason=reason,
            granted_by_id=ids.as_uuid(manager.id),
            granted_at=restricted_at,
            created_at=restricted_at,
            modified_at=restricted_at,
            created_by_id=ids.as_uuid(manager.id),
            modified_by_id=ids.as_uuid(manager.id),
        )
        for m, reason in ((manager, "Restricted the record"), (worker, "Allocated social worker"))
    ]
    RestrictedAccessGrant.objects.bulk_create(grants)
    events = [
        ChronologyEvent(
            id=ids.as_uuid(ids.new()),
            person_id=ids.as_uuid(child),
            kind="person.restricted",
            summary="Record restricted",
            occurred_on=date.fromordinal(when),
            recorded_at=restricted_at,
            recorded_by_id=ids.as_uuid(manager.id),
            subject_type="people.person",
            subject_id=str(ids.as_uuid(child)),
        ),
        ChronologyEvent(
            id=ids.as_uuid(ids.new()),
            person_id=ids.as_uuid(child),
            kind="person.access_granted",
            summary=f"Access granted to {worker.first_name} {worker.last_name}",
            occurred_on=date.fromordinal(when),
            recorded_at=restricted_at,
            recorded_by_id=ids.as_uuid(manager.id),
            subject_type="accounts.restrictedaccessgrant",
            subject_id=str(grants[1].id),
        ),
    ]
    ChronologyEvent.objects.bulk_create(events)
    return {RestrictedAccessGrant._meta.db_table: len(grants), ChronologyEvent._meta.db_table: len(events)}
