"""People, families, relationships, addresses and chronology: the bulk of the synthetic council.

Households are the unit of generation. A first pass draws each household's shape (who is in it) until
the preset's number of people is reached; creation dates are drawn and sorted so that person references
rise with the date a record was created; a second pass fills in the details and streams rows to the
bulk loader. Everything comes from one seeded `random.Random`, in a fixed order, so the same seed and
reference date give the same rows.
"""

from __future__ import annotations

import bisect
import random
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from familyhelp.people.matching import NICKNAMES, fold, phonetic
from familyhelp.people.models import (
    Address,
    Family,
    FamilyMember,
    Person,
    PersonAddress,
    PersonDisability,
    PersonName,
    Relationship,
)
from familyhelp.people.services import family_reference, person_reference
from familyhelp.synthetic import names
from familyhelp.synthetic.bulk import BulkLoader, DateFormat, SyntheticIds
from familyhelp.synthetic.duplicates import DuplicateMaker
from familyhelp.synthetic.identifiers import NhsNumbers, Upns
from familyhelp.synthetic.presets import Preset
from familyhelp.synthetic.workforce import Organisation

YEAR = 365.25

# Household shapes.
COUPLE, SINGLE_MOTHER, STEP, SINGLE_FATHER, KINSHIP, UASC = range(6)
SHAPE_WEIGHTS = (
    (COUPLE, 0.43),
    (SINGLE_MOTHER, 0.36),
    (STEP, 0.14),
    (SINGLE_FATHER, 0.03),
    (KINSHIP, 0.025),
    (UASC, 0.015),
)
CHILDREN_WEIGHTS = ((1, 0.40), (2, 0.30), (3, 0.17), (4, 0.08), (5, 0.04), (6, 0.01))
# Age of the youngest child when the family's record was created (0..17): many babies, many teenagers.
YOUNGEST_AGE_WEIGHTS = (12, 7, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 6, 6, 6, 5, 4, 2)
SIBLING_GAP_WEIGHTS = ((1, 0.25), (2, 0.35), (3, 0.22), (4, 0.12), (5, 0.06))
ADDRESS_COUNT_WEIGHTS = ((1, 0.5), (2, 0.35), (3, 0.15))
DISABILITY_WEIGHTS = (
    ("AUT", 0.30),
    ("LD", 0.20),
    ("COMM", 0.14),
    ("BEH", 0.10),
    ("MOB", 0.06),
    ("PC", 0.04),
    ("HEAR", 0.04),
    ("VIS", 0.03),
    ("HAND", 0.02),
    ("INC", 0.02),
    ("CON", 0.02),
    ("DDA", 0.03),
)
# A second disability that often goes with the first (autism with communication needs, and so on).
_ALSO_DISABLED = {
    "AUT": "COMM",
    "LD": "COMM",
    "COMM": "LD",
    "BEH": "LD",
    "MOB": "HAND",
    "PC": "MOB",
    "HEAR": "COMM",
    "VIS": "MOB",
    "HAND": "MOB",
    "INC": "MOB",
    "CON": "INC",
}
OTHER_LA_NUMBERS = (
    "330",
    "334",
    "335",
    "336",
    "340",
    "341",
    "350",
    "373",
    "380",
    "383",
    "800",
    "815",
    "823",
    "825",
    "830",
    "855",
    "860",
    "881",
    "886",
    "908",
    "925",
    "926",
    "935",
    "936",
    "937",
)
# Families from these communities are rarely newly arrived (a missing UPN is then reason UN5, not UN4).
SETTLED_CULTURES = frozenset({"english", "welsh", "irish", "traveller", "caribbean"})
LATE_ADDRESS_REASON = "Address history taken when the record was created"
PROGRESS_EVERY = 2_000


def _cumulative(pairs: tuple[tuple[Any, float], ...]) -> tuple[tuple[Any, ...], list[float]]:
    values = tuple(v for v, _ in pairs)
    cum: list[float] = []
    total = 0.0
    for _, w in pairs:
        total += w
        cum.append(total)
    return values, [c / total for c in cum]


class Picker:
    """Weighted choice by bisecting cumulative weights (far cheaper than random.choices per call)."""

    def __init__(self, rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> None:
        self.values, self.cum = _cumulative(pairs)
        self.random = rng.random

    def __call__(self) -> Any:
        return self.values[bisect.bisect_right(self.cum, self.random())]


@dataclass
class ChildSummary:
    id: Any
    dob: int | None
    edd: int | None
    school: int | None  # index of the school that issued their UPN (if one of ours)
    culture: str
    given: str = ""
    family: str = ""
    sex: str = ""


@dataclass
class AdultSummary:
    """An adult the front door names on a contact about the children (parent, partner, carer)."""

    id: Any
    relationship: str  # to the children, as a contact records it ("Mother", "Mother's partner"…)
    given: str
    family: str
    in_household: bool


@dataclass
class HouseholdSummary:
    """What the caseload and front-door passes need: where the family lives now, when it became known,
    its children, the adults around them and its addresses over time."""

    locality: int | None  # None: moved out of the area
    created: int
    children: list[ChildSummary]
    adults: list[AdultSummary] = field(default_factory=list)
    addresses: list[tuple[int, int | None, str, str]] = field(default_factory=list)  # start, end, label, postcode


@dataclass
class Member:
    id: Any
    kind: str
    sex: str
    given: str
    family: str
    dob: int | None
    culture: str
    in_household: bool = True
    unborn: bool = False
    edd: int | None = None
    role: str = "parent"  # FamilyMember.Role
    school: int | None = None
    nhs: str = ""
    upn: str = ""


class PopulationBuilder:
    """Generates households of people and writes them through the bulk loader."""

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
        progress: Any = None,
        showcase: list[dict[str, Any]] | None = None,
        duplicates: DuplicateMaker | None = None,
    ) -> None:
        self.preset = preset
        self.duplicates = duplicates
        self.rng = rng
        self.ids = ids
        self.new_id = ids.new
        self.dashed = ids.dashed
        self.dates = dates
        self.d = dates.date
        self.dt = dates.timestamp
        self.today = today
        self.org = org
        self.progress = progress
        self.showcase = showcase or []
        self.nhs = NhsNumbers(rng)
        self.upns = Upns()
        self.person_n = 0
        self.family_n = 0
        self.households: list[HouseholdSummary] = []
        self.given_keys: dict[str, tuple[str, str]] = {}
        self.family_keys: dict[str, tuple[str, str]] = {}
        self.cultures = names.CULTURES
        rnd = rng.random
        self.shape_pick = Picker(rng, SHAPE_WEIGHTS)
        self.children_pick = Picker(rng, CHILDREN_WEIGHTS)
        self.youngest_pick = Picker(rng, tuple((a, float(w)) for a, w in enumerate(YOUNGEST_AGE_WEIGHTS)))
        self.gap_pick = Picker(rng, SIBLING_GAP_WEIGHTS)
        self.address_count_pick = Picker(rng, ADDRESS_COUNT_WEIGHTS)
        self.ethnicity_pick = Picker(rng, tuple(names.CHILD_ETHNICITY.items()))
        self.disability_pick = Picker(rng, DISABILITY_WEIGHTS)
        self.uasc_pick = Picker(rng, tuple(((c, k), w) for c, k, w in names.UASC_ORIGINS))
        self.side_pickers: dict[tuple[str, int], Picker] = {}
        for code, sides in names.ETHNIC_ORIGINS.items():
            for i, side in enumerate(sides):
                self.side_pickers[(code, i)] = Picker(rng, tuple(((c, k), w) for c, k, w in side))
        self.family_pickers: dict[str, Any] = {}
        for key, culture in self.cultures.items():
            if culture.family_weights:
                self.family_pickers[key] = Picker(rng, tuple(zip(culture.family, culture.family_weights, strict=True)))
            else:
                pool = culture.family
                self.family_pickers[key] = lambda pool=pool: pool[int(rnd() * len(pool))]
        weights = [0.6 + 0.8 * rng.random() for _ in org.localities]
        self.locality_pick = Picker(rng, tuple((i, w) for i, w in enumerate(weights)))
        self.schools_by_locality: dict[tuple[int, str], list[int]] = {}
        for i, school in enumerate(org.schools):
            self.schools_by_locality.setdefault((school.locality, school.phase), []).append(i)
        self.gp_practices = [
            [rng.choice(names.GP_PRACTICE_FORMS).format(stem) for stem in rng.sample(names.SCHOOL_STEMS[:30], 4)]
            for _ in org.localities
        ]
        self._tables(loader)

    def _tables(self, loader: BulkLoader) -> None:
        self.t_person = loader.table(
            Person,
            (
                "id",
                "created_at",
                "modified_at",
                "reference",
                "kind",
                "given_names",
                "family_name",
                "preferred_name",
                "is_unborn",
                "date_of_birth",
                "dob_is_estimated",
                "expected_date_of_birth",
                "date_of_death",
                "sex",
                "ethnicity",
                "first_language",
                "needs_interpreter",
                "nhs_number",
                "upn",
                "upn_unknown_reason",
                "search_given",
                "search_family",
                "phonetic_given",
                "phonetic_family",
                "created_by_id",
                "modified_by_id",
            ),
            constants={"version": 1},
        )
        self.t_address = loader.table(
            Address, ("id", "created_at", "modified_at", "line_1", "line_2", "town", "postcode", "locality_id")
        )
        self.t_residence = loader.table(
            PersonAddress, ("id", "created_at", "modified_at", "start_date", "end_date", "address_id", "person_id")
        )
        self.t_family = loader.table(
            Family,
            ("id", "created_at", "modified_at", "name", "reference", "created_by_id", "modified_by_id"),
            constants={"version": 1},
        )
        self.t_member = loader.table(
            FamilyMember, ("id", "created_at", "modified_at", "role", "start_date", "family_id", "person_id")
        )
        self.t_rel = loader.table(
            Relationship,
            (
                "id",
                "created_at",
                "modified_at",
                "type",
                "has_parental_responsibility",
                "start_date",
                "end_date",
                "person_id",
                "related_person_id",
            ),
        )
        self.t_name = loader.table(
            PersonName,
            (
                "id",
                "created_at",
                "modified_at",
                "kind",
                "given_names",
                "family_name",
                "search_given",
                "search_family",
                "phonetic_given",
                "phonetic_family",
                "start_date",
                "person_id",
            ),
        )
        self.t_disability = loader.table(PersonDisability, ("id", "created_at", "modified_at", "code", "person_id"))
        from familyhelp.chronology.models import ChronologyEvent

        self.t_event = loader.table(
            ChronologyEvent,
            (
                "id",
                "kind",
                "summary",
                "occurred_on",
                "recorded_at",
                "late_reason",
                "subject_type",
                "subject_id",
                "person_id",
                "recorded_by_id",
            ),
        )

    # --- pass 1: shapes ------------------------------------------------------------------------
    def _shape(self) -> tuple[int, ...]:
        """(shape, children, split, grandparents, uncle in household, aunt elsewhere, other parent(s) recorded)."""
        rnd = self.rng.random
        shape = self.shape_pick()
        if shape == UASC:
            return (UASC, 1, 0, 0, 0, 0, 0, 0)
        kids = self.children_pick()
        split = 0
        if shape == SINGLE_MOTHER and kids >= 2 and rnd() < 0.3:
            split = 1 + int(rnd() * (kids - 1))
        if shape == STEP and kids >= 2 and rnd() < 0.4:
            split = kids - 1 if kids > 2 else 1
        grandparents = 0 if shape == KINSHIP else (0 if rnd() < 0.55 else (1 if rnd() < 0.67 else 2))
        uncle = int(rnd() < 0.05)
        aunt = int(rnd() < 0.08)
        rec_a = int(rnd() < (0.8 if shape == KINSHIP else 0.6))
        rec_b = int(rnd() < 0.5)
        return (shape, kids, split, grandparents, uncle, aunt, rec_a, rec_b)

    @staticmethod
    def _size(shape: tuple[int, ...]) -> int:
        kind, kids, split, grandparents, uncle, aunt, rec_a, rec_b = shape
        if kind == UASC:
            return 1
        adults = grandparents + uncle + aunt
        if kind == COUPLE:
            adults += 2
        elif kind == SINGLE_MOTHER:
            adults += 1 + rec_a + (rec_b if split else 0)
        elif kind == STEP:
            adults += 2 + rec_a
        elif kind == SINGLE_FATHER:
            adults += 1 + rec_a
        elif kind == KINSHIP:
            adults += 1 + rec_b + rec_a  # grandmother, grandfather, mother (not living with them)
        return adults + kids

    def plan(self) -> list[tuple[int, tuple[int, ...], dict[str, Any] | None]]:
        """Draw households until the preset's number of people, each with the day its record was created."""
        rng = self.rng
        span = int(self.preset.years * YEAR)
        plans: list[tuple[int, tuple[int, ...], dict[str, Any] | None]] = []
        people = 0
        for spec in self.showcase:
            shape = spec["shape"]
            plans.append((self.today - spec["created_days_ago"], shape, spec))
            people += self._size(shape)
        while people < self.preset.people:
            shape = self._shape()
            # More records are created in recent years (services grew, and older records were archived).
            ago = int(span * (1 - rng.random() ** 0.8))
            plans.append((self.today - ago, shape, None))
            people += self._size(shape)
        plans.sort(key=lambda p: p[0])
        return plans

    # --- pass 2: details -----------------------------------------------------------------------
    def run(self) -> list[HouseholdSummary]:
        plans = self.plan()
        done = 0
        for created, shape, spec in plans:
            n_before = self.person_n
            if self.duplicates is not None:
                self.duplicates.flush(self, until=created)
            self._household(created, shape, spec)
            done += self.person_n - n_before
            if self.progress is not None and done >= PROGRESS_EVERY:
                self.progress.update(done)
                done = 0
        if self.duplicates is not None:
            self.duplicates.flush(self, until=None)
        if self.progress is not None and done:
            self.progress.update(done)
        return self.households

    def _keys(self, given: str, family: str) -> tuple[str, str, str, str]:
        g = self.given_keys.get(given)
        if g is None:
            g = self.given_keys[given] = (fold(given)[:200], phonetic(given))
        f = self.family_keys.get(family)
        if f is None:
            f = self.family_keys[family] = (fold(family)[:200], phonetic(family))
        return g[0], f[0], g[1], f[1]

    def _family_name(self, culture: str) -> str | tuple[str, str]:
        value: str | tuple[str, str] = self.family_pickers[culture]()
        return value

    @staticmethod
    def _form(name: str | tuple[str, str], sex: str) -> str:
        if isinstance(name, tuple):
            return name[1] if sex == "F" else name[0]
        return name

    def _given(self, culture: str, sex: str, adult: bool) -> str:
        c = self.cultures[culture]
        pool = (c.women if sex == "F" else c.men) if adult else (c.girls if sex == "F" else c.boys)
        return pool[int(self.rng.random() * len(pool))]

    def _postcode(self, locality: int | None) -> tuple[str, str, Any]:
        rng = self.rng
        if locality is None:
            outward = f"{names.OUT_OF_AREA[0]}{rng.randint(1, 9)}"
            town, locality_id = names.OUT_OF_AREA[1], None
        else:
            loc = self.org.localities[locality]
            outward = loc.districts[int(rng.random() * len(loc.districts))]
            town, locality_id = loc.name, loc.id
        letters = names.INWARD_LETTERS
        inward = f"{rng.randint(0, 9)}{letters[int(rng.random() * 20)]}{letters[int(rng.random() * 20)]}"
        return f"{outward} {inward}", town, locality_id

    def _address(self, locality: int | None, created: int, secs: int) -> tuple[Any, str]:
        rng = self.rng
        postcode, town, locality_id = self._postcode(locality)
        street = f"{rng.choice(names.STREET_STEMS)} {rng.choice(names.STREET_SUFFIXES)}"
        if rng.random() < 0.25:
            line_1 = f"Flat {rng.randint(1, 40)}, {rng.choice(names.STREET_STEMS)} {rng.choice(names.FLAT_BLOCKS)}"
            line_2 = street
        else:
            line_1, line_2 = f"{rng.randint(1, 220)} {street}", ""
        address_id = self.new_id()
        stamp = self.dt(created, secs)
        self.t_address.add((address_id, stamp, stamp, line_1, line_2, town, postcode, locality_id))
        label = ", ".join(p for p in (line_1, line_2, town, postcode) if p)
        return address_id, label

    def _household(self, created: int, shape: tuple[int, ...], spec: dict[str, Any] | None) -> None:
        rng = self.rng
        rnd = rng.random
        today = self.today
        kind, n_kids, split, n_gp, uncle, aunt, rec_a, rec_b = shape
        secs = rng.randint(8 * 3600, 17 * 3600 - 600)
        recorder = self.org.front_door[int(rnd() * len(self.org.front_door))].id if self.org.front_door else None
        locality = self.locality_pick()
        if spec and "locality" in spec:
            locality = spec["locality"]

        # Ethnicity and the cultures names come from.
        if kind == UASC:
            code, culture = self.uasc_pick()
            if spec and "culture" in spec:
                code, culture = spec["ethnicity"], spec["culture"]
            mother_code = father_code = code
            mother_culture = father_culture = culture
        else:
            code = spec["ethnicity"] if spec and "ethnicity" in spec else self.ethnicity_pick()
            flip = int(rnd() < 0.5)
            mother_code, mother_culture = self.side_pickers[(code, flip)]()
            father_code, father_culture = self.side_pickers[(code, 1 - flip)]()
            if spec and "mother_culture" in spec:
                mother_culture, father_culture = spec["mother_culture"], spec["father_culture"]

        # Children's dates of birth (eldest first).
        ages = [self.youngest_pick()]
        for _ in range(n_kids - 1):
            ages.append(min(17, ages[-1] + self.gap_pick()))
        ages.reverse()
        if kind == UASC:
            ages = [14 + int(rnd() * 4)]
        dobs: list[int | None] = [created - int(a * YEAR) - int(rnd() * 364) for a in ages]
        edds: list[int | None] = [None] * n_kids
        unborn = [False] * n_kids
        recent = today - created < 250
        if kind not in (UASC, KINSHIP) and ((spec and spec.get("unborn")) or (recent and rnd() < 0.3)):
            edd = created + 20 + int(rnd() * 240)
            if spec and spec.get("unborn"):
                edd = today + 30 + int(rnd() * 150)
            if edd > today:
                dobs[-1], edds[-1], unborn[-1] = None, edd, True
            else:
                dobs[-1] = min(today, edd - int(rnd() * 14))
                edds[-1] = None
        eldest = next((d for d in dobs if d is not None), created - int(20 * YEAR))
        mother_dob = eldest - int(rng.triangular(16, 42, 25) * YEAR) - int(rnd() * 300)
        father_dob = mother_dob - int(rng.triangular(-3, 12, 2) * YEAR)

        # People.
        members: list[Member] = []
        kids: list[Member] = []
        nid = self.new_id
        mother_family = self._family_name(mother_culture)
        father_family = self._family_name(father_culture)
        married = kind == COUPLE and rnd() < 0.5
        mother_recorded_family = father_family if married else mother_family
        if mother_culture == "bangladeshi" and rnd() < 0.4:
            mother_recorded_family = "Begum" if rnd() < 0.75 else "Khatun"
        second_father_family = self._family_name(father_culture)
        step_family = self._family_name(father_culture)

        def add(
            kind_: str,
            sex: str,
            given: str,
            family: str | tuple[str, str],
            dob: int | None,
            culture: str,
            *,
            in_household: bool = True,
            role: str = "parent",
        ) -> Member:
            m = Member(nid(), kind_, sex, given, self._form(family, sex), dob, culture, in_household, role=role)
            members.append(m)
            return m

        mother = father = second_father = step = None
        carers: list[Member] = []
        if kind in (COUPLE, SINGLE_MOTHER, STEP):
            mother = add(
                "adult", "F", self._given(mother_culture, "F", True), mother_recorded_family, mother_dob, mother_culture
            )
        if kind in (COUPLE, SINGLE_FATHER) or (kind in (SINGLE_MOTHER, STEP) and rec_a):
            father = add(
                "adult",
                "M",
                self._given(father_culture, "M", True),
                father_family,
                father_dob,
                father_culture,
                in_household=kind in (COUPLE, SINGLE_FATHER),
            )
        if kind == SINGLE_FATHER and rec_a:
            mother = add(
                "adult",
                "F",
                self._given(mother_culture, "F", True),
                mother_family,
                mother_dob,
                mother_culture,
                in_household=False,
            )
        if kind == SINGLE_MOTHER and split and rec_b:
            second_father = add(
                "adult",
                "M",
                self._given(father_culture, "M", True),
                second_father_family,
                father_dob + int(rnd() * 2000),
                father_culture,
                in_household=False,
            )
        if kind == STEP:
            step = add(
                "adult",
                "M",
                self._given(father_culture, "M", True),
                step_family,
                mother_dob - int(rng.triangular(-5, 10, 2) * YEAR),
                father_culture,
                role="carer",
            )
        if kind == KINSHIP:
            gm_dob = mother_dob - int(rng.triangular(17, 40, 24) * YEAR)
            carers.append(
                add(
                    "adult",
                    "F",
                    self._given(mother_culture, "F", True),
                    mother_family,
                    gm_dob,
                    mother_culture,
                    role="carer",
                )
            )
            if rec_b:
                carers.append(
                    add(
                        "adult",
                        "M",
                        self._given(mother_culture, "M", True),
                        mother_family,
                        gm_dob - int(rnd() * 1500),
                        mother_culture,
                        role="carer",
                    )
                )
            if rec_a:
                mother = add(
                    "adult",
                    "F",
                    self._given(mother_culture, "F", True),
                    mother_family,
                    mother_dob,
                    mother_culture,
                    in_household=False,
                )

        # Children's family names.
        double = rnd() < 0.05
        for i in range(n_kids):
            sex = "F" if rnd() < 0.49 else "M"
            if rnd() < 0.004 or unborn[i]:
                sex = "U"
            second = split and i >= split
            if kind == UASC:
                fam: str | tuple[str, str] = self._family_name(mother_culture)
            elif kind == COUPLE:
                fam = father_family if (married or rnd() < 0.7) else mother_family
            elif kind == STEP:
                fam = step_family if second else (father_family if rnd() < 0.5 else mother_family)
            elif kind == SINGLE_FATHER:
                fam = father_family
            elif kind == KINSHIP:
                fam = mother_family
            else:
                fam = (second_father_family if second else father_family) if rnd() < 0.5 else mother_family
            family_name = self._form(fam, sex if sex != "U" else "M")
            if double and kind in (COUPLE, SINGLE_MOTHER) and not second:
                family_name = f"{self._form(mother_family, sex)}-{self._form(father_family, sex)}"
            culture = mother_culture if rnd() < 0.5 else father_culture
            given = "" if unborn[i] else self._given(culture, "F" if sex == "U" else sex, False)
            m = Member(
                nid(), "child", sex, given, family_name, dobs[i], culture, unborn=unborn[i], edd=edds[i], role="child"
            )
            members.append(m)
            kids.append(m)

        grandparents: list[tuple[Member, Member | None]] = []  # (grandparent, their son or daughter)
        for g in range(n_gp):
            maternal = g == 0 or rnd() < 0.5 or father is None
            parent = mother if maternal else father
            base = parent.dob if parent and parent.dob else mother_dob
            culture = mother_culture if maternal else father_culture
            sex = "F" if g == 0 or rnd() < 0.5 else "M"
            gp = add(
                "adult",
                sex,
                self._given(culture, sex, True),
                mother_family if maternal else father_family,
                base - int(rng.triangular(17, 40, 25) * YEAR),
                culture,
                in_household=False,
                role="wider_family",
            )
            grandparents.append((gp, parent))
        uncle_m = aunt_m = None
        if uncle:
            uncle_m = add(
                "adult",
                "M",
                self._given(mother_culture, "M", True),
                mother_family,
                mother_dob + int(rng.triangular(-8, 12, 2) * YEAR),
                mother_culture,
                role="other_adult",
            )
        if aunt:
            aunt_m = add(
                "adult",
                "F",
                self._given(mother_culture, "F", True),
                mother_family,
                mother_dob + int(rng.triangular(-8, 12, 2) * YEAR),
                mother_culture,
                in_household=False,
                role="wider_family",
            )

        if spec:
            self._apply_showcase(spec, mother, father, kids, members)

        # Addresses.
        n_addr = 1 if kind == UASC or today - created < 90 else self.address_count_pick()
        moves = sorted(rng.sample(range(created + 30, today), n_addr - 1)) if n_addr > 1 else []
        first_start = created - 30 - int(rnd() * 6 * 365)
        if kind == UASC:
            first_start = created
        starts = [first_start] + moves
        localities: list[int | None] = [locality]
        for _ in moves:
            roll = rnd()
            if roll < 0.75:
                localities.append(localities[-1])
            elif roll < 0.96 or len(self.org.localities) == 1:
                localities.append(self.locality_pick())
            else:
                localities.append(None)
        if rnd() < 0.04 and len(localities) > 1:
            localities[0] = None  # they moved here from another council
        household_addresses: list[tuple[Any, str, int, int | None]] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else None
            address_id, label = self._address(localities[i], max(created, start) if i else created, secs)
            household_addresses.append((address_id, label, start, end))

        # Write people.
        stamp = self.dt(created, secs)
        for m in members:
            self._write_person(
                m,
                created,
                stamp,
                recorder,
                code if m.kind == "child" else (mother_code if m.culture == mother_culture else father_code),
                kind,
                localities[0],
            )

        # Residences and the children's address chronology.
        t_res = self.t_residence.add
        t_event = self.t_event.add
        late_days = 7
        start_: int | None
        for m in members:
            if m.unborn:
                continue
            if m.in_household:
                for address_id, label, start, end in household_addresses:
                    if m.kind == "child" and m.dob is not None:
                        if end is not None and end < m.dob:
                            continue
                        start_ = max(start, m.dob)
                    else:
                        start_ = start
                    residence_id = nid()
                    t_res((residence_id, stamp, stamp, self.d(start_), self.d(end), address_id, m.id))
                    if m.kind == "child":
                        if start_ <= created:
                            recorded, late = stamp, (LATE_ADDRESS_REASON if created - start_ > late_days else "")
                        else:
                            day = min(today, start_ + int(rnd() * 5))
                            recorded, late = self.dt(day, secs), ""
                        t_event(
                            (
                                nid(),
                                "person.address_added",
                                f"Moved to {label}",
                                self.d(start_),
                                recorded,
                                late,
                                "people.personaddress",
                                self.dashed(residence_id),
                                m.id,
                                recorder,
                            )
                        )
            else:
                where = self.locality_pick() if rnd() < 0.85 else None
                address_id, _ = self._address(where, created, secs)
                start_ = (
                    None if rnd() < 0.5 or m.dob is None else max(m.dob + int(18 * YEAR), created - int(rnd() * 3000))
                )
                t_res((nid(), stamp, stamp, self.d(start_), None, address_id, m.id))

        # Relationships (both directions).
        rel = self._relationship
        for i, child in enumerate(kids):
            second = split and i >= split
            born = child.dob
            if kind == STEP:
                if mother:
                    rel(mother, child, "parent", "child", True, born, stamp)
                if second and step:
                    rel(step, child, "parent", "child", True, born, stamp)
                elif step:
                    rel(step, child, "step_parent", "step_child", rnd() < 0.05, None, stamp)
                if father and not second:
                    rel(father, child, "parent", "child", rnd() < 0.7, born, stamp)
            elif kind == SINGLE_MOTHER:
                if mother:
                    rel(mother, child, "parent", "child", True, born, stamp)
                dad = second_father if second else father
                if dad:
                    rel(dad, child, "parent", "child", rnd() < 0.7, born, stamp)
            elif kind == KINSHIP:
                for carer in carers:
                    rel(carer, child, "grandparent", "grandchild", False, born, stamp)
                    rel(carer, child, "carer", "cared_for", rnd() < 0.6, None, stamp)
                if mother:
                    rel(mother, child, "parent", "child", True, born, stamp)
            elif kind in (COUPLE, SINGLE_FATHER):
                if mother:
                    rel(mother, child, "parent", "child", True, born, stamp)
                if father:
                    rel(father, child, "parent", "child", kind == SINGLE_FATHER or rnd() < 0.92, born, stamp)
            for gp, _ in grandparents:
                rel(gp, child, "grandparent", "grandchild", False, born, stamp)
            for au in (uncle_m, aunt_m):
                if au:
                    rel(au, child, "aunt_uncle", "niece_nephew", False, born, stamp)
            for j in range(i + 1, len(kids)):
                other = kids[j]
                same = (kind in (COUPLE, SINGLE_FATHER, KINSHIP)) or (bool(split) and (i >= split) == (j >= split))
                later = other.dob if other.dob is not None else None
                rel(
                    child,
                    other,
                    "sibling" if same or not split else "half_sibling",
                    "sibling" if same or not split else "half_sibling",
                    False,
                    later,
                    stamp,
                )
        if mother and father:
            ended = kind != COUPLE
            rel(
                mother,
                father,
                "partner",
                "partner",
                False,
                None,
                stamp,
                end=(created - int(rnd() * 2000)) if ended and rnd() < 0.5 else None,
            )
        if mother and step:
            rel(mother, step, "partner", "partner", False, None, stamp)
        for gp, parent in grandparents:
            if parent is not None:
                rel(gp, parent, "parent", "child", False, parent.dob, stamp)
        if uncle_m and mother:
            rel(uncle_m, mother, "sibling", "sibling", False, None, stamp)
        if aunt_m and mother:
            rel(aunt_m, mother, "sibling", "sibling", False, None, stamp)

        # Family and its members.
        if kind != UASC:
            self.family_n += 1
            family_id = nid()
            lead = kids[0] if kids[0].family else (mother or kids[0])
            self.t_family.add(
                (
                    family_id,
                    stamp,
                    stamp,
                    f"{lead.family or lead.given} family",
                    family_reference(self.family_n),
                    recorder,
                    recorder,
                )
            )
            for m in members:
                self.t_member.add(
                    (nid(), stamp, stamp, m.role, self.d(m.dob if m.kind == "child" else None), family_id, m.id)
                )

        # A second record for a few of them, created later at the front door (synthetic.duplicates).
        if self.duplicates is not None and spec is None:
            self.duplicates.schedule(
                self, created=created, members=members, mother=mother, addresses=household_addresses, today=today
            )

        # Summary for the caseload pass.
        current = localities[-1]
        adults = [
            AdultSummary(a.id, label, a.given, a.family, a.in_household)
            for a, label in (
                (mother, "Mother"),
                (father, "Father"),
                (second_father, "Father"),
                (step, "Mother's partner"),
                *((c, f"{'Grandmother' if c.sex == 'F' else 'Grandfather'} (kinship carer)") for c in carers),
            )
            if a is not None
        ]
        summary = HouseholdSummary(
            locality=current,
            created=created,
            children=[ChildSummary(k.id, k.dob, k.edd, k.school, k.culture, k.given, k.family, k.sex) for k in kids],
            adults=adults,
            addresses=[(start, end, label, label.rsplit(", ", 1)[-1]) for _, label, start, end in household_addresses],
        )
        self.households.append(summary)

    def _relationship(
        self,
        a: Member,
        b: Member,
        forward: str,
        inverse: str,
        pr: bool,
        start: int | None,
        stamp: Any,
        end: int | None = None,
    ) -> None:
        nid = self.new_id
        d = self.d
        add = self.t_rel.add
        add((nid(), stamp, stamp, forward, pr, d(start), d(end), a.id, b.id))
        add((nid(), stamp, stamp, inverse, False, d(start), d(end), b.id, a.id))

    def _write_person(
        self, m: Member, created: int, stamp: Any, recorder: Any, code: str, kind: int, first_locality: int | None
    ) -> None:
        rng = self.rng
        rnd = rng.random
        today = self.today
        culture = self.cultures[m.culture]
        child = m.kind == "child"
        given, family = m.given, m.family
        if not child and culture.single_name and rnd() < culture.single_name:
            family = ""
        if kind == UASC and culture.single_name and rnd() < culture.single_name * 2:
            family = ""
        if not given and not family:
            family = m.family or "Unknown"
        m.given, m.family = given, family
        self.person_n += 1
        reference = person_reference(self.person_n)
        preferred = ""
        if child and given and rnd() < 0.03:
            first = fold(given).split(" ")[0]
            options = sorted(NICKNAMES.get(first, ()))
            if options:
                preferred = options[int(rnd() * len(options))].capitalize()
        dob = m.dob
        estimated = False
        if child:
            estimated = kind == UASC and rnd() < 0.6
        else:
            if dob is not None and rnd() < (0.25 if not m.in_household else 0.02):
                dob = None
            estimated = dob is not None and rnd() < 0.02
        m.dob = dob
        dod = None
        if not child and not m.in_household and dob is not None and today - dob > 55 * YEAR and rnd() < 0.05:
            dod = today - int(rnd() * 3 * 365)
        ethnicity = code
        if not child and rnd() < 0.04:
            ethnicity = "NOBT"
        if child:
            language = "English" if rnd() < culture.english_first_child else culture.languages[0]
            interpreter = kind == UASC and rnd() < 0.9
        else:
            language = culture.languages[int(rnd() * len(culture.languages))]
            interpreter = rnd() < culture.interpreter
        nhs = ""
        if (child and not m.unborn and rnd() < 0.92) or (not child and rnd() < 0.15):
            nhs = self.nhs.new()
        upn, upn_reason = "", ""
        if child:
            upn, upn_reason, school = self._upn(m, first_locality, kind)
            m.school = school
        m.nhs, m.upn = nhs, upn
        sg, sf, pg, pf = self._keys(given, family)
        self.t_person.add(
            (
                m.id,
                stamp,
                stamp,
                reference,
                m.kind,
                given,
                family,
                preferred,
                m.unborn,
                self.d(dob),
                estimated,
                self.d(m.edd),
                self.d(dod),
                m.sex,
                ethnicity,
                language,
                interpreter,
                nhs,
                upn,
                upn_reason,
                sg,
                sf,
                pg,
                pf,
                recorder,
                recorder,
            )
        )
        if child:
            what = "unborn child" if m.unborn else "child"
            full = " ".join(p for p in (given, family) if p)
            self.t_event.add(
                (
                    self.new_id(),
                    "person.created",
                    f"Record created for {what} {full}",
                    self.d(created),
                    stamp,
                    "",
                    "people.person",
                    self.dashed(m.id),
                    m.id,
                    recorder,
                )
            )
            if rnd() < 0.045:
                codes = [self.disability_pick()]
                more = rnd()
                if more < 0.15:
                    extra = self.disability_pick()
                    if extra not in codes:
                        codes.append(extra)
                for c in codes:
                    self.t_disability.add((self.new_id(), stamp, stamp, c, m.id))
                if not more < 0.15 and more < 0.3 and (also := _ALSO_DISABLED.get(codes[0], "")):
                    # A second one that goes with the first, drawing nothing (not even its id, which is derived from
                    # the person's), so the seed's council is otherwise unchanged.
                    derived = uuid.uuid5(self.ids.as_uuid(m.id), f"disability:{also}")
                    self.t_disability.add((derived if self.ids.native else derived.hex, stamp, stamp, also, m.id))
        self._other_names(m, created, stamp, kind)

    def _upn(self, m: Member, first_locality: int | None, kind: int) -> tuple[str, str, int | None]:
        if m.unborn:
            return "", "UN7", None
        dob = m.dob
        assert dob is not None
        born = date.fromordinal(dob)
        entry_year = born.year + 4 + (1 if born.month >= 9 else 0)
        if date(entry_year, 9, 1).toordinal() > self.today:
            return "", "UN6", None
        rnd = self.rng.random
        if kind == UASC or rnd() < 0.06:
            newly_arrived = kind == UASC or m.culture not in SETTLED_CULTURES
            return "", ("UN4" if newly_arrived else "UN5"), None
        if first_locality is not None and rnd() < 0.85:
            schools = (
                self.schools_by_locality.get((first_locality, "primary"))
                or self.schools_by_locality.get((0, "primary"))
                or [0]
            )
            index = schools[int(rnd() * len(schools))]
            school = self.org.schools[index]
            return self.upns.new(self.preset.la_code, school.establishment, entry_year), "", index
        la = OTHER_LA_NUMBERS[int(rnd() * len(OTHER_LA_NUMBERS))]
        estab = str(2000 + int(rnd() * 900))
        return self.upns.new(la, estab, entry_year), "", None

    def _other_names(self, m: Member, created: int, stamp: Any, kind: int) -> None:
        rnd = self.rng.random
        row = None
        if m.kind == "adult" and m.sex == "F" and m.family and rnd() < 0.08:
            birth = self._form(self._family_name(m.culture), "F")
            if birth != m.family:
                row = ("former", m.given, birth, None)
        elif m.kind == "child" and m.given and m.dob is not None and self.today - m.dob > 13 * YEAR and rnd() < 0.03:
            alias = self._given(m.culture, "F" if m.sex == "F" else "M", False)
            if alias != m.given:
                row = ("alias", alias, m.family, None)
        elif kind == UASC and rnd() < 0.4:
            variants = {
                "Mohammad": "Muhammad",
                "Ahmad": "Ahmed",
                "Yonas": "Yonatan",
                "Zahra": "Zara",
                "Mustafa": "Mostafa",
                "Hamid": "Hameed",
                "Farid": "Fareed",
            }
            alias = variants.get(m.given, m.given)
            if alias != m.given or m.family:
                row = ("alias", alias, m.family if alias != m.given else "", None)
        if row is None:
            return
        kind_, given, family, start = row
        if not given and not family:
            return
        sg, sf, pg, pf = self._keys(given, family)
        self.t_name.add((self.new_id(), stamp, stamp, kind_, given, family, sg, sf, pg, pf, self.d(start), m.id))

    def _apply_showcase(
        self,
        spec: dict[str, Any],
        mother: Member | None,
        father: Member | None,
        kids: list[Member],
        members: list[Member],
    ) -> None:
        """Give the showcase households the unusual names every preset must contain."""
        if mother is not None and "mother" in spec:
            mother.given, mother.family = spec["mother"]
        if father is not None and "father" in spec:
            father.given, father.family = spec["father"]
        for kid, names_ in zip(kids, spec.get("children", ()), strict=False):
            if not kid.unborn:
                kid.given, kid.family = names_
            else:
                kid.family = names_[1]
