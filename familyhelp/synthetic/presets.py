"""Sizes of the synthetic council: tiny (tests), small (demos, development), large (load and scale).

See docs/domain/synthetic-council.md for how the figures were calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Member kinds used in team plans: (accounts Role, User.JobRole).
MEMBER_KINDS: dict[str, tuple[str, str]] = {
    "manager": ("team_manager", "team_manager"),
    "sw": ("social_worker", "social_worker"),
    "fsw": ("family_support_worker", "family_support_worker"),
    "fhp": ("family_help_practitioner", "family_help_practitioner"),
    "mash": ("front_door", "mash_practitioner"),
    "mash_sw": ("front_door", "social_worker"),
    "spec": ("specialist_coordinator", "specialist_coordinator"),
    "analyst": ("analyst", "analyst"),
    "admin": ("administrator", "administrator"),
    "auditor": ("auditor", "auditor"),
}


@dataclass(frozen=True)
class TeamPlan:
    """Teams of one kind: how many, where, and who is in each."""

    kind: str  # organisation.Team.Kind value
    per: str  # "la" (for the whole council), "area" (a group of localities) or "locality"
    count: int  # teams per unit
    members: dict[str, int]  # member kind -> number per team


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    la_name: str
    la_code: str
    child_population: int
    people: int
    localities: int
    areas: int
    years: int  # records were created over this many years before the reference date
    schools: int
    teams: tuple[TeamPlan, ...]
    senior_leaders: int
    leavers: int  # inactive accounts of workers who have left (they hold only ended involvements)
    partner_users: dict[str, int] = field(default_factory=dict)  # agency kind -> users
    dsl_share: float = 0.3  # share of schools with a designated safeguarding lead user
    partner_referrals: int = 10  # children referred by the demo partner user
    max_open_share: float = 0.5  # at most this share of current children on a caseload (tiny, small)
    duplicate_share: float = 0.005  # share of people who get a second, misspelt record (synthetic.duplicates)
    batch_size: int = 10_000


def _team(kind: str, per: str, count: int, **members: int) -> TeamPlan:
    return TeamPlan(kind=kind, per=per, count=count, members=members)


TINY = Preset(
    name="tiny",
    description="One locality, about 20 workers and 200 people: for automated tests.",
    la_name="Brackenford Council",
    la_code="873",
    child_population=5_000,
    people=200,
    localities=1,
    areas=1,
    years=3,
    schools=6,
    teams=(
        _team("front_door", "la", 1, mash=2),
        _team("family_support", "locality", 1, manager=1, sw=2, fsw=2, fhp=1),
        _team("early_help", "la", 1, fhp=1),
        _team("assessment", "la", 1, sw=1),
        _team("child_in_need", "la", 1, sw=1),
        _team("child_protection", "la", 1, sw=1),
        _team("children_in_care", "la", 1, sw=1),
        _team("fgc", "la", 1, spec=1),
        _team("intensive_family_support", "la", 1, spec=1),
        _team("exploitation_missing", "la", 1),
        _team("performance", "la", 1, analyst=1, admin=1, auditor=1),
    ),
    senior_leaders=1,
    leavers=2,
    partner_users={"police": 1, "health": 1},
    dsl_share=0.0,
    partner_referrals=3,
    batch_size=2_000,
    duplicate_share=0.015,  # a few pairs even in 200 people, for the tests
)

SMALL = Preset(
    name="small",
    description="Three localities, about 80 workers and 5,000 people: for demonstrations and development.",
    la_name="Brackenford Council",
    la_code="873",
    child_population=60_000,
    people=5_000,
    localities=3,
    areas=1,
    years=6,
    schools=24,
    teams=(
        _team("front_door", "la", 1, manager=1, mash=5),
        _team("family_support", "locality", 1, manager=1, sw=2, fsw=5, fhp=2),
        _team("early_help", "la", 1, manager=1, fhp=2, fsw=1),
        _team("assessment", "la", 1, manager=1, sw=5),
        _team("child_in_need", "la", 1, manager=1, sw=5),
        _team("child_protection", "la", 1, manager=1, sw=4),
        _team("children_in_care", "la", 1, manager=1, sw=5),
        _team("fgc", "la", 1, manager=1, spec=2),
        _team("intensive_family_support", "la", 1, manager=1, spec=3),
        _team("exploitation_missing", "la", 1, manager=1, spec=2),
        _team("performance", "la", 1, manager=1, analyst=2, admin=3, auditor=1),
    ),
    senior_leaders=3,
    leavers=6,
    partner_users={"police": 2, "health": 2, "youth_offending": 1, "housing": 1},
    dsl_share=0.3,
    partner_referrals=10,
)

LARGE = Preset(
    name="large",
    description="A big county: twelve localities, about 1,500 workers, 300 schools and a million people "
    "recorded over ten years: for load, search and reporting at scale.",
    la_name="Brackenshire County Council",
    la_code="873",
    child_population=340_000,
    people=1_000_000,
    localities=12,
    areas=4,
    years=10,
    schools=300,
    teams=(
        _team("front_door", "la", 2, manager=1, mash=24, mash_sw=4),
        _team("family_support", "locality", 2, manager=1, sw=2, fsw=14, fhp=4),
        _team("early_help", "locality", 1, manager=1, fhp=5, fsw=3),
        _team("assessment", "area", 3, manager=1, sw=12),
        _team("child_in_need", "area", 3, manager=1, sw=12),
        _team("child_protection", "area", 3, manager=1, sw=12),
        _team("children_in_care", "area", 3, manager=1, sw=13),
        _team("fgc", "la", 1, manager=1, spec=12),
        _team("intensive_family_support", "area", 1, manager=1, spec=8),
        _team("exploitation_missing", "la", 1, manager=1, spec=12),
        _team("performance", "la", 1, manager=1, analyst=12, admin=24, auditor=6),
    ),
    senior_leaders=15,
    leavers=120,
    partner_users={"police": 12, "health": 12, "youth_offending": 4, "housing": 4},
    dsl_share=0.35,
    partner_referrals=15,
    max_open_share=0.5,
    batch_size=20_000,
)

PRESETS: dict[str, Preset] = {p.name: p for p in (TINY, SMALL, LARGE)}
