"""Blocking and scoring on plain records: typo'd pairs are found and queued, strangers and twins are not."""

from __future__ import annotations

import pytest

from familyhelp.dedup import linkage
from familyhelp.people.matching import fold, phonetic

_n = 0


def rec(given: str, family: str, dob: str = "", **kw: str) -> tuple:
    """A linkage record as services.load_records builds them."""
    global _n
    _n += 1
    aliases = tuple(
        (fold(g), fold(f), phonetic(g), phonetic(f))
        for g, f in kw.pop("aliases", [])  # type: ignore[attr-defined]
    )
    values = {
        "kind": "child",
        "sex": "F",
        "nhs": "",
        "upn": "",
        "former_upn": "",
        "postcode": "",
        "edd": "",
        **kw,
    }
    return (
        f"{_n:032x}",
        values["kind"],
        fold(given),
        fold(family),
        phonetic(given),
        phonetic(family),
        dob,
        values["edd"],
        values["sex"],
        values["nhs"],
        values["upn"],
        values["former_upn"],
        values["postcode"],
        aliases,
    )


# A background of unrelated people, so that name frequencies are realistic-ish and blocks have strangers.
BACKGROUND = [
    rec(g, f, f"20{10 + i % 8}-0{1 + i % 9}-{10 + i % 18}")
    for i, (g, f) in enumerate(
        (g, f)
        for g in ("Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Jack", "Grace", "Harry")
        for f in ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Patel", "Khan")
    )
]


def _freq(extra: list[tuple]) -> linkage.Frequencies:
    """Name frequencies as if the background were a sample of a council of a million records, plus `extra`."""
    freq = linkage.Frequencies(BACKGROUND)
    freq.total = 1_000_000
    for counter in (freq.family, freq.given, freq.full):
        for key in counter:
            counter[key] *= 1_000_000 // len(BACKGROUND)
    more = linkage.Frequencies(extra)
    freq.family.update(more.family)
    freq.given.update(more.given)
    freq.full.update(more.full)
    return freq


def _queued(a: tuple, b: tuple, **kw: bool) -> bool:
    records = [*BACKGROUND, a, b]
    pairs = linkage.candidate_pairs(records)
    n = len(records)
    i, j = n - 2, n - 1
    if i * n + j not in pairs:
        return False
    return linkage.score_pair(a, b, _freq([a, b]), **kw).weight >= linkage.MIN_WEIGHT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (rec("Olivia", "Thompson", "2016-03-04"), rec("Olivia", "Thomson", "2016-03-04")),  # family typo
        (rec("Katherine", "Wójcik", "2015-07-09"), rec("Kate", "Wojcik", "2015-07-09")),  # nickname, accents
        (rec("Aaliyah", "Begum", "2017-04-11"), rec("Aaliyah", "Begum", "2017-11-04")),  # day and month swapped
        (rec("Minh Anh", "Nguyễn", "2014-01-30"), rec("Minh", "Nguyen", "2014-01-30")),  # one given name
        (rec("Chloé", "Pritchard-Dubois", "2019-05-20"), rec("Chloe", "Pritchard", "2019-05-20")),  # double-barrel
        (rec("Siobhan", "Okafor", "2012-02-13"), rec("Okafor", "Siobhan", "2012-02-13")),  # names swapped
        (rec("Katherine", "Mensah", "2013-08-11"), rec("Kate", "Mensah", "2013-11-08")),  # two mistakes
        (rec("Zara", "Ali", "2018-06-01", nhs="9990000018"), rec("Zahra", "Aly", "", nhs="9990000018")),  # NHS
        (rec("Ruby", "Clarke", "", edd="2025-02-01"), rec("Ruby", "Clarke", "2025-01-27")),  # pre-birth record
    ],
    ids=[
        "family typo",
        "nickname",
        "dob swapped",
        "one given name",
        "double-barrelled",
        "names swapped",
        "two mistakes",
        "same NHS",
        "pre-birth",
    ],
)
def test_misspelt_second_records_are_blocked_and_queued(a, b):
    assert _queued(a, b)


@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        (rec("Oliver", "Smith", "2014-03-02"), rec("Olivia", "Smith", "2016-07-19"), {}),  # strangers, same surname
        (rec("Amelia", "Jones", "2017-05-05"), rec("Isla", "Jones", "2017-05-05"), {"related": True}),  # twins
        (rec("Amelia", "Jones", "2017-05-05"), rec("Ava", "Jones", "2017-05-05"), {}),  # twins, unrecorded
        (
            rec("James", "Hughes", "2015-01-01", nhs="9990000018"),
            rec("James", "Hughes", "2015-01-01", nhs="9990000026"),
            {},
        ),  # different NHS
        (rec("David", "Cole", "1980-04-04", kind="adult"), rec("David", "Cole", "2008-04-04"), {}),  # father, son
    ],
    ids=["strangers", "twins related", "twins", "different NHS numbers", "father and son"],
)
def test_different_people_are_not_queued(a, b, kw):
    assert not _queued(a, b, **kw)


def test_swapped_day_and_month_share_a_block_key_and_score_below_an_exact_date():
    assert linkage.dob_key("2017-04-11") == linkage.dob_key("2017-11-04")
    freq = _freq([])
    exact = linkage.score_pair(rec("Ava", "Smith", "2017-04-11"), rec("Ava", "Smith", "2017-04-11"), freq)
    swapped = linkage.score_pair(rec("Ava", "Smith", "2017-04-11"), rec("Ava", "Smith", "2017-11-04"), freq)
    assert swapped.weight < exact.weight
    assert "date of birth matches with the day and month swapped" in swapped.reasons


def test_rare_family_names_count_for_more_than_common_ones():
    freq = _freq([])
    common = linkage.score_pair(rec("Ava", "Smith", "2017-01-02"), rec("Ava", "Smith", "2017-01-02"), freq)
    rare = linkage.score_pair(rec("Ava", "Wójcik", "2017-01-02"), rec("Ava", "Wojcik", "2017-01-02"), freq)
    assert rare.weight > common.weight
    assert 0 < common.score < rare.score <= 1


def test_an_oversized_block_is_skipped_and_counted():
    crowd = [rec("Jack", "Smith", "2015-06-01") for _ in range(linkage.RULES["dob_family"][1] + 1)]
    stats = linkage.BlockingStats()
    linkage.candidate_pairs(crowd, stats)
    assert stats.skipped_blocks["dob_family"] == 1


def test_the_synthetic_councils_typos_are_small_keep_the_first_letter_and_are_found():
    import random

    from familyhelp.synthetic.duplicates import typo

    rng = random.Random(7)
    for original in ("Thompson", "Phillips", "Ó Súilleabháin", "Kowalczyk", "Mackenzie", "Okonkwo-Ibe", "Khan"):
        misspelt = typo(rng, original)
        assert misspelt != original and misspelt[0] == original[0]
        assert abs(len(misspelt) - len(original)) <= 2
        assert _queued(rec("Imogen", original, "2016-02-03"), rec("Imogen", misspelt, "2016-02-03")), misspelt
