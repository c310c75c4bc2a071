"""The synthetic front door, generated afresh in each test: deterministic, the rest of the council unchanged,
and the volume of referrals scaled to the council's child population when the records can carry it.

(Separate from test_frontdoor.py, whose module-wide small council would be in the way of generating again.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.frontdoor.models import Contact
from familyhelp.people.models import Person
from familyhelp.synthetic import generator
from familyhelp.synthetic.frontdoor import REFERRALS_PER_10K, FrontDoorResult
from familyhelp.synthetic.generator import generate
from familyhelp.synthetic.presets import SMALL

TODAY = date(2025, 3, 31)

pytestmark = pytest.mark.django_db


def _contacts_fingerprint() -> list[tuple[object, ...]]:
    return list(
        Contact.objects.order_by("reference").values_list(
            "id", "reference", "child_id", "child_given_names", "received_at", "status"
        )
    )


def test_the_front_door_is_deterministic_and_leaves_the_rest_of_the_council_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate(preset="tiny", seed=1, today=TODAY)
            people = set(Person.objects.values_list("id", "reference", "given_names", "family_name"))
            runs.append((_contacts_fingerprint(), people))
            transaction.set_rollback(True)
    assert runs[0][0] and runs[0] == runs[1]

    class NoFrontDoor:
        def __init__(self, **kwargs: object) -> None:
            pass

        def run(self) -> FrontDoorResult:
            return FrontDoorResult()

    monkeypatch.setattr(generator, "FrontDoorBuilder", NoFrontDoor)
    with transaction.atomic():
        generate(preset="tiny", seed=1, today=TODAY)
        without = set(Person.objects.values_list("id", "reference", "given_names", "family_name"))
        assert not Contact.objects.exists()
        transaction.set_rollback(True)
    assert without == runs[0][1]


def test_tiny_has_a_front_door_too() -> None:
    with transaction.atomic():
        result = generate(preset="tiny", seed=1, today=TODAY)
        assert result.frontdoor is not None and result.frontdoor.contacts == Contact.objects.count() > 20
        assert Contact.objects.filter(decided_at__isnull=True).count() >= 10
        assert Case.objects.filter(closed_on__isnull=True).exists()
        connection.check_constraints()
        transaction.set_rollback(True)


def test_referrals_follow_the_national_rate_for_the_child_population() -> None:
    """With the small council's people standing for 6,000 children, recent years run at 530 per 10,000."""
    children = 6_000
    rate = REFERRALS_PER_10K * children / 10_000  # 318 referrals a year
    with transaction.atomic():
        generate(preset=replace(SMALL, child_population=children), seed=1, today=TODAY)
        years = []
        for n in range(4):
            end = TODAY - timedelta(days=365 * n)
            window = CINEpisode.objects.filter(referral_date__gt=end - timedelta(days=365), referral_date__lte=end)
            years.append(window.count())
        ratio = Contact.objects.count() / CINEpisode.objects.count()
        transaction.set_rollback(True)
    # One seeded draw of about 318 referrals varies by about 18 (5.6%) whenever the random stream changes (a
    # longer nickname list draws more often): the bounds are about 2.7 of those either side of the rate.
    assert 0.85 * rate <= years[0] <= 1.15 * rate, years
    assert all(n <= 1.15 * rate for n in years), years
    assert 2.5 <= ratio <= 3.0
