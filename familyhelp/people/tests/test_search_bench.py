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
        assert true_dob is not None
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
        population.dob[target],  # type: ignore[arg-type]
    )
    assert sb.baseline_search(population, query)[0] == target
