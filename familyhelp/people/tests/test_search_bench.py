"""The bench's query set: each kind of mistake is the mistake it claims to be, the mix is honoured, and the
full-scan baseline finds what it should (no database: a small population in memory)."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date

import pytest
from rapidfuzz.distance import OSA, Levenshtein

from familyhelp.people import matching
from familyhelp.people import search_bench as sb


@pytest.mark.parametrize("name", ["Fitzgerald", "Nguyen", "Ali", "Oakes-Smith", "Li"])
def test_single_edit_typos(name):
    rng = random.Random(3)
    for _ in range(50):
        deleted = sb.deletion(rng, name)
        inserted = sb.insertion(rng, name)
        substituted = sb.substitution(rng, name)
        transposed = sb.transposition(rng, name)
        if len(name) >= 3:
            assert len(deleted) == len(name) - 1 and Levenshtein.distance(name, deleted) == 1
        assert len(inserted) == len(name) + 1 and Levenshtein.distance(name, inserted) == 1
        assert len(substituted) == len(name) and OSA.distance(name, substituted) == 1
        assert OSA.distance(name, transposed) == 1
        for typo in (deleted, inserted, substituted, transposed):
            assert typo[0] == name[0]  # the first letter is kept


def test_transposition_swaps_neighbours():
    rng = random.Random(1)
    typo = sb.transposition(rng, "Fitzgerald")
    assert sorted(typo) == sorted("Fitzgerald") and typo != "Fitzgerald"


def test_respelling_sounds_alike_but_differs():
    rng = random.Random(2)
    for name in ("Stephen", "Philips", "Katherine", "Mohammed", "Mckenzie", "Thompson"):
        respelt = sb.respelling(rng, name)
        assert respelt != name and respelt[0].isupper(), (name, respelt)
        assert respelt.lower() != name.lower()


def test_nickname_for():
    rng = random.Random(4)
    assert sb.nickname_for(rng, "Katherine Mary") in {n.capitalize() for n in matching.NICKNAMES["katherine"]}
    assert sb.nickname_for(rng, "Xanthe") is None


def _population(n: int = 400) -> sb.Population:
    rng = random.Random(9)
    givens = ["Katherine", "Stephen", "Amelia", "Mohammed", "Oliver", "Zoë", "Minh", "Leah", "William", "Grace"]
    families = ["Fitzgerald", "Phillips", "Jones", "Rahman", "Smith", "O'Brien", "Nguyễn", "Thompson", "Ali", "Khan"]
    ids, given, family, dob, is_child, nhs, upn, eligible, names = [], [], [], [], [], [], [], [], []
    for i in range(n):
        g, f = rng.choice(givens), rng.choice(families)
        d = date(2005 + rng.randrange(15), 1 + rng.randrange(12), 1 + rng.randrange(28))
        ids.append(uuid.UUID(int=i + 1))
        given.append(g)
        family.append(f)
        dob.append(d if i % 20 else None)
        is_child.append(i % 5 != 0)
        nhs.append(f"{i:010d}" if i % 3 else "")
        upn.append(f"A{i:012d}" if i % 4 else "")
        if dob[-1] is not None:
            eligible.append(i)
        names.append(matching.fold(f"{g} {f}"))
    return sb.Population(ids, given, family, dob, is_child, nhs, upn, eligible, names)


def test_query_set_holds_the_mix_and_the_truth():
    population = _population()
    other_names = {population.ids[7]: [("Katherine", "Walsh")], population.ids[8]: [("", "Doyle")]}
    queries = sb.build_queries(
        population, random.Random(5), 600, other_names=other_names, postcode_of=lambda pk: "B91 3QB"
    )
    assert len(queries) == 600
    kinds = Counter(q.name_kind for q in queries)
    assert set(kinds) == set(sb.NAME_MIX)
    for kind, weight in sb.NAME_MIX.items():
        assert abs(kinds[kind] / 600 - weight / 100) < 0.05, (kind, kinds[kind])
    dob_kinds = Counter(q.dob_kind for q in queries)
    assert abs(dob_kinds["exact"] / 600 - 0.6) < 0.07
    for q in queries:
        true_dob = population.dob[q.target]
        assert true_dob is not None and q.date_of_birth is not None
        if q.dob_kind == "exact":
            assert q.date_of_birth == true_dob
        elif q.dob_kind == "±1 year":
            assert abs(q.date_of_birth.year - true_dob.year) == 1
            assert (q.date_of_birth.month, q.date_of_birth.day) == (true_dob.month, true_dob.day)
        else:
            assert (q.date_of_birth.day, q.date_of_birth.month) == (true_dob.month, true_dob.day)
        given, family = population.given[q.target], population.family[q.target]
        if q.name_kind == "exact":
            assert (q.given_names, q.family_name) == (given, family)
        elif q.name_kind == "swapped given/family":
            assert (q.given_names, q.family_name) == (family, given)
        elif q.name_kind in sb.TYPOS:
            assert (q.given_names == given) != (q.family_name == family)  # exactly one name mistyped
        elif q.name_kind == "two typos":
            assert q.given_names != given and q.family_name != family
        elif q.name_kind == "other name (alias/former)":
            assert population.ids[q.target] in other_names
        if q.identifier_kind == "NHS number":
            assert q.nhs_number == population.nhs[q.target] != ""
        elif q.identifier_kind == "UPN":
            assert q.upn == population.upn[q.target] != ""
        elif q.identifier_kind == "postcode":
            assert q.postcode == "B91 3QB"
        else:
            assert not (q.nhs_number or q.upn or q.postcode)


def test_query_set_is_reproducible():
    population = _population()
    build = lambda: sb.build_queries(  # noqa: E731
        population, random.Random(11), 50, other_names={}, postcode_of=lambda pk: ""
    )
    assert [q.criteria_fields() for q in build()] == [q.criteria_fields() for q in build()]


def test_baseline_finds_an_exact_match_and_uses_the_date_of_birth():
    population = _population()
    by_name: dict[str, list[int]] = {}
    for i in population.eligible:
        by_name.setdefault(population.names[i], []).append(i)
    namesakes = max(by_name.values(), key=len)
    assert len(namesakes) > 2
    target = namesakes[-1]  # the last of its namesakes: only its date of birth can put it first
    query = sb.BenchQuery(
        target,
        "exact",
        "exact",
        "none",
        population.given[target],
        population.family[target],
        population.dob[target],
    )
    assert sb.baseline_search(population, query)[0] == target


# --- The query sets made the way referrers err ------------------------------------------------------------
TODAY = date(2026, 3, 31)
NAMES = ["Fitzgerald", "O'Brien", "Zoë", "Nguyễn", "Oakes-Smith", "Ali", "Isabella", "Li", "McDonald"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", list(sb.EDITS_ANYWHERE))
def test_each_edit_anywhere_is_one_edit_and_may_change_the_first_letter(kind, name):
    rng = random.Random(kind + name)
    edit = sb.EDITS_ANYWHERE[kind]
    results = [edit(rng, name) for _ in range(300)]
    if kind == "deletion" and len(matching.fold(name).replace(" ", "")) <= 2:
        assert results == [None] * 300  # a name keeps two letters
        return
    folded = matching.fold(name).replace(" ", "")
    for typo in results:
        assert typo is not None
        typed = matching.fold(typo).replace(" ", "")
        assert OSA.distance(matching.fold(name), matching.fold(typo)) == 1, (name, typo)
        assert sb.edit_distance(name, typo) == 1
        assert len(typed) == len(folded) + {"deletion": -1, "insertion": 1}.get(kind, 0)
        if kind == "transposition":
            assert sorted(typed) == sorted(folded)
        assert typo[0].isupper()  # still capitalised
        assert {c for c in typo if not c.isalpha()} <= {c for c in name if not c.isalpha()}  # letters only
    first_letters = Counter(matching.fold(t)[0] for t in results if t)
    if kind == "transposition" and not name[1].isalpha():
        return  # O'Brien: the O has no neighbouring letter to swap with
    assert set(first_letters) - {matching.fold(name)[0]}  # the first letter is edited too ...
    if len(folded) > 3:
        assert first_letters.most_common(1)[0][0] == matching.fold(name)[0]  # ... though not most of the time


@pytest.mark.parametrize("name", ["Fitzgerald", "Nguyễn", "O'Brien", "Oakes-Smith", "Isabella"])
def test_two_edits_anywhere_are_two_edits(name):
    rng = random.Random(name)
    typos = [sb.edits_anywhere(rng, name, 2) for _ in range(200)]
    assert all(t is not None and sb.edit_distance(name, t) == 2 for t in typos), typos
    assert any(matching.fold(t)[0] != matching.fold(name)[0] for t in typos if t)
    assert all(sb.edit_distance(name, t) == 1 for t in (sb.edits_anywhere(rng, name, 1) for _ in range(50)) if t)


def test_short_names_take_no_second_edit():
    rng = random.Random(1)
    assert sb.edits_anywhere(rng, "Ali", 2) is None  # fewer than MIN_LETTERS_FOR_TWO_EDITS
    assert sb.edits_anywhere(rng, "Li", 1) is not None
    assert all(len(matching.fold(sb.edits_anywhere(rng, "Li", 1) or "")) >= 2 for _ in range(50))


def test_dataset_nickname_is_one_of_the_first_given_names_variants():
    rng = random.Random(2)
    drawn = {sb.dataset_nickname(rng, "Isabella Rose") for _ in range(200)}
    assert None not in drawn and len(drawn) > 1
    for nick in drawn:
        assert nick is not None and nick[0].isupper()
        assert matching.fold(nick) in matching.NICKNAMES["isabella"]
    assert sb.dataset_nickname(rng, "Zqxwvy") is None
    # both directions: a formal form for a nickname
    assert any(sb.dataset_nickname(rng, "Issy") == "Isabella" for _ in range(200))


def test_ages_school_years_and_dates_of_birth_as_referrers_give_them():
    assert sb.age_on(date(2012, 3, 31), TODAY) == 14
    assert sb.age_on(date(2012, 4, 1), TODAY) == 13
    assert sb.age_on(date(2026, 1, 1), TODAY) == 0
    autumn = date(2026, 10, 1)  # the 2026/27 academic year
    assert sb.school_year_on(date(2012, 9, 1), autumn) == 9  # Year 9: born 1 Sep 2012 .. 31 Aug 2013
    assert sb.school_year_on(date(2013, 8, 31), autumn) == 9
    assert sb.school_year_on(date(2013, 9, 1), autumn) == 8
    assert sb.school_year_on(date(2022, 8, 31), autumn) == 0  # Reception
    assert sb.school_year_on(date(2022, 9, 1), autumn) == -1  # not yet at school
    assert sb.school_year_on(date(2012, 9, 1), TODAY) == 8  # in 2025/26
    assert sb.swapped_dob(date(2015, 3, 7)) == date(2015, 7, 3)
    assert sb.swapped_dob(date(2015, 3, 13)) is None and sb.swapped_dob(date(2015, 4, 4)) is None
    rng = random.Random(3)
    assert {sb.year_out(rng, date(2015, 3, 7), TODAY) for _ in range(50)} == {date(2014, 3, 7), date(2016, 3, 7)}
    assert {sb.year_out(rng, date(2025, 6, 1), TODAY) for _ in range(50)} == {date(2024, 6, 1)}  # not the future
    assert sb.year_out(rng, date(2016, 2, 29), TODAY) is None


def test_school_years_agree_with_the_search():
    from familyhelp.people import search

    age_band = getattr(search, "age_band", None)
    if age_band is None:
        pytest.skip("the search has no age_band yet")
    for dob in (date(2012, 9, 1), date(2013, 8, 31), date(2020, 1, 15), date(2008, 12, 25)):
        for today in (TODAY, date(2026, 10, 1)):
            year = sb.school_year_on(dob, today)
            if 0 <= year <= 13:
                low, high = age_band(school_year=year, today=today).band
                assert low <= dob <= high, (dob, today, year)
            low, high = age_band(age=sb.age_on(dob, today), today=today).band
            assert low <= dob <= high


def _names_distance(q: sb.BenchQuery, population: sb.Population) -> tuple[int, int]:
    given = population.given[q.target].split(" ")[0]
    return sb.edit_distance(given, q.given_names), sb.edit_distance(population.family[q.target], q.family_name)


def _is_nickname(q: sb.BenchQuery, population: sb.Population) -> bool:
    first = matching.fold(population.given[q.target]).split(" ")[0]
    return matching.fold(q.given_names) in matching.NICKNAMES.get(first, ())


@pytest.mark.parametrize("key", list(sb.QUERY_SETS))
def test_each_query_set_makes_the_mistakes_it_claims(key):
    population = _population()
    query_set = sb.QUERY_SETS[key]
    queries = sb.build_query_set(population, query_set, seed=1, count=200, today=TODAY)
    assert len(queries) == 200
    for q in queries:
        dob = population.dob[q.target]
        assert dob is not None and q.target in population.eligible and q.set_name == key
        assert not (q.postcode or q.nhs_number or q.upn)  # names and what stands for the date of birth only
        given_edits, family_edits = _names_distance(q, population)
        nickname = _is_nickname(q, population)
        if query_set.names == "nickname" or (query_set.names == "mixed" and q.name_kind.startswith("nickname")):
            assert nickname and family_edits in (1, 2), q
        elif query_set.names in ("edits", "mixed"):
            assert 1 <= given_edits + family_edits <= 2, q
        elif query_set.names == "one edit":
            assert given_edits + family_edits == 1, q
        else:  # one edit or nickname
            assert (nickname and family_edits == 0) or given_edits + family_edits == 1, q
        if q.first_letter_changed:
            assert any(
                matching.fold(a)[:1] != matching.fold(b)[:1]
                for a, b in ((population.family[q.target], q.family_name), (population.given[q.target], q.given_names))
            )
        evidence = {"date_of_birth": q.date_of_birth, "age": q.age, "school_year": q.school_year,
                    "year_of_birth": q.year_of_birth}  # fmt: skip
        given = {k for k, v in evidence.items() if v is not None}
        if query_set.evidence == "exact":
            assert given == {"date_of_birth"} and q.date_of_birth == dob
        elif query_set.evidence == "swapped":
            assert given == {"date_of_birth"} and q.date_of_birth == date(dob.year, dob.day, dob.month) != dob
        elif query_set.evidence == "year out":
            assert given == {"date_of_birth"} and q.date_of_birth is not None and q.date_of_birth <= TODAY
            assert abs(q.date_of_birth.year - dob.year) == 1
            assert (q.date_of_birth.month, q.date_of_birth.day) == (dob.month, dob.day)
        elif query_set.evidence == "none":
            assert given == set()
            assert set(q.criteria_fields()) == {"given_names", "family_name", "date_of_birth", "postcode",
                                                "nhs_number", "upn"}  # fmt: skip
        elif query_set.evidence == "age":
            assert given == {"age"} and q.age == sb.age_on(dob, TODAY) and 0 <= q.age <= 25
            assert q.criteria_fields()["age"] == q.age
        elif query_set.evidence == "school year":
            assert given == {"school_year"} and q.school_year == sb.school_year_on(dob, TODAY)
            assert 0 <= q.school_year <= 13
        else:
            assert given == {"year_of_birth"} and q.year_of_birth == dob.year
    if query_set.evidence not in ("age", "school year"):  # otherwise only the young can be described so
        children = sum(1 for q in queries if population.is_child[q.target]) / len(queries)
        assert abs(children - (1 - sb.ADULT_SHARE)) < 0.08, children
    if query_set.names in ("edits", "mixed", "one edit", "nickname"):
        assert any(q.first_letter_changed for q in queries)  # typos anywhere, the first letter included
    if query_set.names in ("mixed", "one edit or nickname"):
        nicknames = sum(1 for q in queries if q.name_kind.startswith("nickname")) / len(queries)
        assert 0.4 < nicknames < 0.6, nicknames


def test_edits_anywhere_holds_one_and_two_edits_in_either_name():
    population = _population()
    queries = sb.build_query_set(population, sb.QUERY_SETS["edits"], seed=4, count=300, today=TODAY)
    totals = Counter(sum(_names_distance(q, population)) for q in queries)
    assert set(totals) == {1, 2} and abs(totals[2] / 300 - sb.TWO_EDITS_SHARE) < 0.1
    assert any(_names_distance(q, population) == (1, 1) for q in queries)
    assert any(_names_distance(q, population)[0] and not _names_distance(q, population)[1] for q in queries)
    assert any(_names_distance(q, population)[1] and not _names_distance(q, population)[0] for q in queries)


def test_query_sets_are_deterministic_for_a_seed_and_independent_of_each_other():
    population = _population()

    def build(key: str, seed: int) -> list[dict]:
        queries = sb.build_query_set(population, sb.QUERY_SETS[key], seed=seed, count=40, today=TODAY)
        return [(q.target, q.criteria_fields()) for q in queries]  # type: ignore[misc]

    for key in sb.QUERY_SETS:
        assert build(key, 1) == build(key, 1)
        assert build(key, 1) != build(key, 2)
    assert build("nickname", 1) != build("no-dob", 1)


def test_baseline_uses_an_age_and_runs_without_a_date_of_birth():
    population = _population()
    by_name: dict[str, list[int]] = {}
    for i in population.eligible:
        by_name.setdefault(population.names[i], []).append(i)
    for namesakes in sorted(by_name.values(), key=len, reverse=True):
        ages = Counter(sb.age_on(population.dob[i], TODAY) for i in namesakes)  # type: ignore[arg-type]
        unique = [i for i in namesakes if ages[sb.age_on(population.dob[i], TODAY)] == 1]  # type: ignore[arg-type]
        if len(namesakes) > 2 and unique:
            target = unique[-1]
            break
    else:
        pytest.fail("no namesakes of a unique age")
    given, family, dob = population.given[target], population.family[target], population.dob[target]
    assert dob is not None
    aged = sb.BenchQuery(target, "exact", "age", "none", given, family, None, age=sb.age_on(dob, TODAY))
    assert sb.baseline_search(population, aged, today=TODAY)[0] == target
    named = sb.BenchQuery(target, "exact", "none", "none", given, family, None)
    assert target in sb.baseline_search(population, named, limit=len(namesakes))


@pytest.mark.django_db
def test_bench_search_prints_each_query_sets_line_on_a_tiny_council():
    import io
    import re

    from django.core.management import call_command
    from django.db import transaction
    from freezegun import freeze_time

    from familyhelp.synthetic.generator import generate

    with freeze_time("2026-03-31 12:00", tick=True), transaction.atomic():
        generate(preset="tiny", seed=1, today=TODAY)
        out = io.StringIO()
        call_command(
            "bench", "search", "--in-process", "--queries", "20", "--queries-per-set", "10", "--baseline-queries",
            "10", "--name-only-queries", "0", "--scoped-queries", "3", stdout=out,
        )  # fmt: skip
        transaction.set_rollback(True)
    text = out.getvalue()
    from familyhelp.people.search import SearchCriteria

    supported = set(SearchCriteria.__dataclass_fields__)
    labels = ["standard"] + [s.label for s in sb.QUERY_SETS.values() if not s.needs or s.needs in supported]
    number = r"\s+\d+\.\d"
    percent = r"\s+\d+\.\d%"
    for label in labels:
        line = re.search(rf"^  {re.escape(label)}\s+(\d+){number * 3}{percent * 3}{number}\s+(\d+)  (.*)$", text, re.M)
        assert line is not None, (label, text)
        assert int(line.group(1)) == (20 if label == "standard" else 10)
        target = "top 20 >= 95%" if label == "no date of birth" else "top 5 >= 99%"
        assert line.group(3).startswith(target) and "p95 <= 25 ms" in line.group(3)
        baseline = 10 if label == "standard" else 1  # --baseline-queries; every tenth query of the others
        assert re.search(rf"^  {re.escape(label)}\s+baseline\s+{baseline}\s", text, re.M), label
        assert re.search(rf"^  {re.escape(label)}\s+3{number * 4}\s+\d+\.\d\dx  p95 <= 25 ms", text, re.M), label
    for skipped in (s for s in sb.QUERY_SETS.values() if s.needs and s.needs not in supported):
        assert f"skipped: {skipped.label}" in text
    assert "ages and school years on 2026-03-31" in text
    assert re.search(r"^  targets \(.*\): (all met|NOT met for .+)$", text, re.M)
