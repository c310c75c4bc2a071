"""Record linkage for the person index: blocking (which pairs to compare) and scoring (how alike they are).

Pure functions over plain tuples, so a million records fit in memory and the job runs the same on SQLite
and PostgreSQL. `services.duplicates_find` loads the records, calls `candidate_pairs` and `score_pair`,
and writes the pairs worth a reviewer's time. See docs/domain/duplicates.md and docs/adr/0011.

Scoring follows Fellegi and Sunter: each comparison (date of birth, family name, given name, NHS number…)
adds a weight, the log2 of how much more often that outcome happens for two records of the same person
than for two different people. Exact name agreements are weighted by how rare the name is (term
frequency), so two "Smith"s count for less than two "Wójcik"s. The weights were set by hand and checked
against the synthetic council's known duplicates (`familyhelp bench dedup`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import JaroWinkler

from familyhelp.people.matching import NICKNAMES

# A record is a tuple (fast to build and small): these are its positions.
ID, KIND, GIVEN, FAMILY, PG, PF, DOB, EDD, SEX, NHS, UPN, FORMER_UPN, POSTCODE, ALIASES = range(14)

# Blocking rules: name -> (description, largest block compared; bigger blocks are skipped and counted).
RULES: dict[str, tuple[str, int]] = {
    "nhs": ("same NHS number", 10),
    "upn": ("same UPN (current or former)", 10),
    "dob_family": ("same date of birth (or day and month swapped) and family names that sound alike", 40),
    "dob_given": ("same date of birth (or day and month swapped) and given names that sound alike", 40),
    "dob_swapped_names": ("same date of birth and the same two names the other way round", 40),
    "year_names": ("same year of birth, and given and family names that sound alike", 40),
    "postcode_given": ("same current postcode and given names that sound alike", 40),
    "prebirth": ("an unborn child's record and a child born near the expected date, family names alike", 40),
    "names_no_dob": ("given and family names that sound alike, one record without a date of birth", 2000),
}

# Evidence weights (log2 of m/u). Exact names use term frequencies between the bounds given.
W_NHS_SAME, W_NHS_DIFF = 14.0, -16.0
W_UPN_SAME, W_UPN_DIFF = 12.0, -8.0
W_DOB_SAME, W_DOB_SWAPPED, W_DOB_TYPO, W_DOB_DIFF, W_DOB_PREBIRTH = 10.0, 7.0, 4.0, -8.0, 5.0
W_FAMILY_EXACT = (3.0, 10.0)
W_FULL_NAME_EXACT = (6.0, 16.0)  # both names the same: by how rare the whole name is, not the sum of the two
W_NAMES_UNDATED_MAX = 10.0  # without a date of birth on both, names alone count for at most this
W_GIVEN_ONLY_MAX = 5.0  # a given name agreeing where a family name is missing counts for at most this
W_FAMILY_TYPO, W_FAMILY_SOUNDS, W_FAMILY_PART, W_FAMILY_CLOSE, W_FAMILY_DIFF = 5.0, 3.0, 3.0, 1.0, -6.0
W_GIVEN_EXACT = (3.0, 9.0)
W_GIVEN_NICK, W_GIVEN_TYPO, W_GIVEN_SOUNDS, W_GIVEN_INITIAL, W_GIVEN_DIFF = 5.0, 4.0, 3.0, 0.0, -5.0
W_SWAPPED_NAMES = -1.0
W_SEX_DIFF, W_KIND_DIFF = -3.0, -4.0
W_POSTCODE = 3.0
W_RELATED, W_SHARED_RELATIVE = -12.0, 2.0

# A pair goes to the review queue at or above this weight; the score is 0.5 at SCORE_MIDPOINT.
MIN_WEIGHT = 20.0
SCORE_MIDPOINT = 22.0


@dataclass
class Comparison:
    """The outcome of comparing two records: total weight, score 0..1, and the reasons (strongest first)."""

    weight: float
    reasons: list[str]

    @property
    def score(self) -> float:
        return score_from_weight(self.weight)


def score_from_weight(weight: float) -> float:
    """Map a match weight (log2 odds) to 0..1, one half at SCORE_MIDPOINT; rounded for display."""
    return round(1.0 / (1.0 + 2.0 ** (-(weight - SCORE_MIDPOINT) / 2.0)), 4)


# --- normalised keys ------------------------------------------------------------------------------


def dob_key(dob: str) -> str:
    """A date of birth with day and month sorted, so a swapped day and month give the same key."""
    year, month, day = dob[:4], dob[5:7], dob[8:10]
    return f"{year}{min(month, day)}{max(month, day)}"


def first_word(name: str) -> str:
    return name.split(" ", 1)[0] if name else ""


def _ordinal(iso: str) -> int:
    return date(int(iso[:4]), int(iso[5:7]), int(iso[8:10])).toordinal()


# --- blocking -------------------------------------------------------------------------------------


@dataclass
class BlockingStats:
    pairs_by_rule: Counter[str] = field(default_factory=Counter)
    skipped_blocks: Counter[str] = field(default_factory=Counter)
    skipped_records: Counter[str] = field(default_factory=Counter)


def _names(record: tuple) -> Iterator[tuple[str, str, str, str]]:
    """(given, family, phonetic given, phonetic family) of the record's main name and its other names."""
    yield record[GIVEN], record[FAMILY], record[PG], record[PF]
    yield from record[ALIASES]


def _rule_keys(rule: str, r: tuple) -> Iterable[str]:
    dob = r[DOB]
    if rule == "nhs":
        return (r[NHS],) if r[NHS] else ()
    if rule == "upn":
        return tuple(u for u in {r[UPN], r[FORMER_UPN]} if u)
    if rule == "dob_family":
        return {f"{dob_key(dob)}|{pf}" for _, _, _, pf in _names(r) if pf} if dob else ()
    if rule == "dob_given":
        return {f"{dob_key(dob)}|{pg}" for _, _, pg, _ in _names(r) if pg} if dob else ()
    if rule == "dob_swapped_names":
        pg, pf = r[PG], r[PF]
        return (f"{dob_key(dob)}|{min(pg, pf)}|{max(pg, pf)}",) if dob and pg and pf and pg != pf else ()
    if rule == "year_names":
        return {f"{dob[:4]}|{pf}|{pg}" for _, _, pg, pf in _names(r) if pf and pg} if dob else ()
    if rule == "postcode_given":
        return (f"{r[POSTCODE]}|{r[PG]}",) if r[POSTCODE] and r[PG] else ()
    raise ValueError(rule)


def candidate_pairs(records: list[tuple], stats: BlockingStats | None = None) -> dict[int, int]:
    """Pairs of record positions (encoded i * n + j, i < j) to compare, each with a bit per rule that found it."""
    stats = stats if stats is not None else BlockingStats()
    n = len(records)
    pairs: dict[int, int] = {}
    rule_names = list(RULES)
    for bit, rule in enumerate(rule_names):
        if rule == "prebirth":
            blocks = _prebirth_blocks(records)
        elif rule == "names_no_dob":
            _names_no_dob_pairs(records, pairs, 1 << bit, stats, RULES[rule][1])
            continue
        else:
            index: dict[str, list[int]] = {}
            for i, r in enumerate(records):
                for key in _rule_keys(rule, r):
                    bucket = index.get(key)
                    if bucket is None:
                        index[key] = [i]
                    else:
                        bucket.append(i)
            blocks = [b for b in index.values() if len(b) > 1]
            del index
        cap = RULES[rule][1]
        flag = 1 << bit
        for block in blocks:
            if len(block) > cap:
                stats.skipped_blocks[rule] += 1
                stats.skipped_records[rule] += len(block)
                continue
            block = sorted(set(block))
            for x in range(len(block)):
                i = block[x]
                for j in block[x + 1 :]:
                    code = i * n + j
                    before = pairs.get(code, 0)
                    if not before & flag:
                        stats.pairs_by_rule[rule] += 1
                    pairs[code] = before | flag
    return pairs


def _names_no_dob_pairs(records: list[tuple], pairs: dict[int, int], flag: int, stats: BlockingStats, cap: int) -> None:
    """Records without a date of birth against every record whose names sound the same (either way round).

    Only pairs with at least one undated record are made, so a common name costs (undated x all) pairs, not
    (all x all); a block where that product exceeds `cap` is skipped and counted.
    """
    n = len(records)
    index: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        if r[PG] and r[PF]:
            for key in {f"{r[PF]}|{r[PG]}", f"{r[PG]}|{r[PF]}"}:
                index.setdefault(key, []).append(i)
    for block in index.values():
        undated = [i for i in block if not records[i][DOB]]
        if not undated or len(block) < 2:
            continue
        if len(undated) * len(block) > cap:
            stats.skipped_blocks["names_no_dob"] += 1
            stats.skipped_records["names_no_dob"] += len(block)
            continue
        for i in undated:
            for j in block:
                if i == j:
                    continue
                code = min(i, j) * n + max(i, j)
                before = pairs.get(code, 0)
                if not before & flag:
                    stats.pairs_by_rule["names_no_dob"] += 1
                pairs[code] = before | flag


def _prebirth_blocks(records: list[tuple], before: int = 60, after: int = 30) -> list[list[int]]:
    """Each unborn child's record with the born children whose date of birth is near its expected date."""
    unborn = [(i, r) for i, r in enumerate(records) if r[EDD] and not r[DOB] and r[PF]]
    if not unborn:
        return []
    days: set[int] = set()
    for _, r in unborn:
        edd = _ordinal(r[EDD])
        days.update(range(edd - before, edd + after + 1))
    born: dict[tuple[str, int], list[int]] = {}
    for i, r in enumerate(records):
        if r[DOB] and r[KIND] == "child" and r[PF]:
            day = _ordinal(r[DOB])
            if day in days:
                born.setdefault((r[PF], day), []).append(i)
    blocks = []
    for i, r in unborn:
        edd = _ordinal(r[EDD])
        found = [j for d in range(edd - before, edd + after + 1) for j in born.get((r[PF], d), ())]
        if found:
            blocks.append([i, *found])
    return blocks


# --- scoring --------------------------------------------------------------------------------------


class Frequencies:
    """How common each folded family name and first given name is, for term-frequency weights."""

    def __init__(self, records: list[tuple]) -> None:
        self.total = max(1, len(records))
        self.family = Counter(r[FAMILY] for r in records if r[FAMILY])
        self.given = Counter(first_word(r[GIVEN]) for r in records if r[GIVEN])
        self.full = Counter((r[FAMILY], first_word(r[GIVEN])) for r in records if r[FAMILY] and r[GIVEN])

    def _weight(self, count: int, bounds: tuple[float, float]) -> float:
        low, high = bounds
        return max(low, min(high, math.log2(0.9 * self.total / max(1, count))))

    def family_weight(self, name: str) -> float:
        return self._weight(self.family.get(name, 1), W_FAMILY_EXACT)

    def given_weight(self, name: str) -> float:
        return self._weight(self.given.get(name, 1), W_GIVEN_EXACT)

    def full_name_weight(self, family: str, given: str) -> float:
        """Agreement on both names, weighted by how common the pair of names is (common names cluster in
        communities, so the two names' separate frequencies would overstate a match)."""
        return self._weight(self.full.get((family, first_word(given)), 1), W_FULL_NAME_EXACT)


def _family(a: str, b: str, pa: str, pb: str, freq: Frequencies) -> tuple[float, str]:
    if not a or not b:
        return 0.0, ""
    if a == b:
        return freq.family_weight(a), "family name matches"
    parts_a, parts_b = set(a.split()), set(b.split())
    if parts_a & parts_b and (parts_a <= parts_b or parts_b <= parts_a):
        return W_FAMILY_PART, "one family name is part of the other (double-barrelled)"
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= 0.92:
        return W_FAMILY_TYPO, "family names differ by a typing error"
    if pa and pa == pb:
        return W_FAMILY_SOUNDS, "family names sound alike"
    if similarity >= 0.85:
        return W_FAMILY_CLOSE, "family names are similar"
    return W_FAMILY_DIFF, "family names differ"


def _given(a: str, b: str, pa: str, pb: str, freq: Frequencies) -> tuple[float, str]:
    fa, fb = first_word(a), first_word(b)
    if not fa or not fb:
        return 0.0, ""
    if fa == fb:
        return freq.given_weight(fa), "given name matches"
    if fb in NICKNAMES.get(fa, ()):
        return W_GIVEN_NICK, "one given name is a known short form of the other"
    if JaroWinkler.similarity(fa, fb) >= 0.9:
        return W_GIVEN_TYPO, "given names differ by a typing error"
    if pa and pa == pb:
        return W_GIVEN_SOUNDS, "given names sound alike"
    if fa[0] == fb[0]:
        return W_GIVEN_INITIAL, "given names share an initial only"
    return W_GIVEN_DIFF, "given names differ"


def _names_weight(a: tuple, b: tuple, freq: Frequencies) -> tuple[float, list[str]]:
    """The best agreement over both records' names (main and other names), also with the names swapped."""
    best: tuple[float, list[str]] = (-math.inf, [])
    for ga, fa, pga, pfa in _names(a):
        for gb, fb, pgb, pfb in _names(b):
            for swapped in (False, True):
                if swapped and not (ga and fa and gb and fb):
                    continue
                g2, f2, pg2, pf2 = (fb, gb, pfb, pgb) if swapped else (gb, fb, pgb, pfb)
                wf, rf = _family(fa, f2, pfa, pf2, freq)
                wg, rg = _given(ga, g2, pga, pg2, freq)
                if fa and fa == f2 and ga and first_word(ga) == first_word(g2):
                    wf, wg = freq.full_name_weight(fa, ga), 0.0
                elif not fa or not f2:
                    wg = min(wg, W_GIVEN_ONLY_MAX)
                total = wf + wg + (W_SWAPPED_NAMES if swapped else 0.0)
                if total > best[0]:
                    reasons = [r for r in (rf, rg) if r]
                    if swapped:
                        reasons = [f"{r} (names the other way round)" for r in reasons]
                    if (ga, fa) != (a[GIVEN], a[FAMILY]) or (gb, fb) != (b[GIVEN], b[FAMILY]):
                        reasons = [f"{r}, using another name recorded" for r in reasons]
                    best = (total, reasons)
    return best


def _dob(a: tuple, b: tuple) -> tuple[float, str]:
    da, db = a[DOB], b[DOB]
    if not da or not db:
        edd, dob = (a[EDD], db) if a[EDD] and db else (b[EDD], da) if b[EDD] and da else ("", "")
        if edd and dob and -60 <= _ordinal(dob) - _ordinal(edd) <= 30:
            return W_DOB_PREBIRTH, "born close to the expected date of birth on the unborn child's record"
        return 0.0, ""
    if da == db:
        return W_DOB_SAME, "date of birth matches"
    ya, ma, dda = da[:4], da[5:7], da[8:10]
    yb, mb, ddb = db[:4], db[5:7], db[8:10]
    if ya == yb and ma == ddb and dda == mb:
        return W_DOB_SWAPPED, "date of birth matches with the day and month swapped"
    differing = [x for x, y in ((ya, yb), (ma, mb), (dda, ddb)) if x != y]
    if len(differing) == 1:
        x, y = next((x, y) for x, y in ((ya, yb), (ma, mb), (dda, ddb)) if x != y)
        one_digit = sum(c1 != c2 for c1, c2 in zip(x, y, strict=True)) == 1
        if one_digit or (x == ya and abs(int(ya) - int(yb)) == 1):
            return W_DOB_TYPO, "date of birth differs by one digit or one year"
    return W_DOB_DIFF, "dates of birth differ"


def score_pair(
    a: tuple,
    b: tuple,
    freq: Frequencies,
    *,
    related: bool = False,
    shared_relative: bool = False,
) -> Comparison:
    """Compare two records: the total weight of the evidence and the reasons, strongest first."""
    evidence: list[tuple[float, str]] = []
    if a[NHS] and b[NHS]:
        evidence.append((W_NHS_SAME, "same NHS number") if a[NHS] == b[NHS] else (W_NHS_DIFF, "different NHS numbers"))
    upns_a, upns_b = {u for u in (a[UPN], a[FORMER_UPN]) if u}, {u for u in (b[UPN], b[FORMER_UPN]) if u}
    if upns_a & upns_b:
        evidence.append((W_UPN_SAME, "same UPN"))
    elif a[UPN] and b[UPN]:
        evidence.append((W_UPN_DIFF, "different UPNs"))
    dob = _dob(a, b)
    evidence.append(dob)
    weight, reasons = _names_weight(a, b, freq)
    if not (a[DOB] and b[DOB]) and dob[0] != W_DOB_PREBIRTH:
        weight = min(weight, W_NAMES_UNDATED_MAX)
    evidence.append((weight, "; ".join(reasons)))
    if a[SEX] in "MF" and b[SEX] in "MF" and a[SEX] != b[SEX]:
        evidence.append((W_SEX_DIFF, "recorded with different sexes"))
    if a[KIND] != b[KIND]:
        evidence.append((W_KIND_DIFF, "one is recorded as a child, the other as an adult"))
    if a[POSTCODE] and a[POSTCODE] == b[POSTCODE]:
        evidence.append((W_POSTCODE, "same current postcode"))
    if related:
        evidence.append((W_RELATED, "recorded as related to each other"))
    elif shared_relative:
        evidence.append((W_SHARED_RELATIVE, "both recorded as related to the same person"))
    total = sum(w for w, _ in evidence)
    ordered = sorted((e for e in evidence if e[1]), key=lambda e: -abs(e[0]))
    reasons_out: list[str] = []
    for _, text in ordered:
        reasons_out.extend(t for t in text.split("; ") if t)
    return Comparison(weight=round(total, 2), reasons=reasons_out)


def rules_from_bits(bits: int) -> list[str]:
    """The names of the blocking rules set in a bit mask."""
    return [name for i, name in enumerate(RULES) if bits & (1 << i)]
