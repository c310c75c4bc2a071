"""The synthetic council generator, on the tiny preset (fast)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test import RequestFactory
from stdnum.gb import nhs, upn

from familyhelp.accounts.models import RestrictedAccessGrant, User
from familyhelp.accounts.roles import Role
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.models import Counter as SequenceCounter
from familyhelp.organisation.models import LocalAuthority, Locality, School, Team
from familyhelp.people import identifiers
from familyhelp.people.models import Person, PersonAddress, ProfessionalInvolvement, Relationship
from familyhelp.people.permissions import scope_people
from familyhelp.synthetic.demo import DEMO_PASSWORD, DEMO_USERS, demo_logins
from familyhelp.synthetic.generator import DataExistsError, GenerationResult, generate

TODAY = date(2025, 3, 31)

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple[object, ...]]:
    return list(
        Person.objects.order_by("reference").values_list(
            "id", "reference", "given_names", "family_name", "date_of_birth", "nhs_number"
        )
    )


def _generate_and_roll_back(seed: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Generate inside a savepoint, fingerprint, and roll back (the chronology refuses deletes, so no flush)."""
    with transaction.atomic():
        generate(preset="tiny", seed=seed, today=TODAY)
        people = _fingerprint()
        links = list(Relationship.objects.order_by("id").values_list("id", "person_id", "related_person_id", "type"))
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    return people, links


@pytest.fixture
def tiny() -> GenerationResult:
    return generate(preset="tiny", seed=1, today=TODAY)


def test_same_seed_and_date_give_identical_data() -> None:
    first = _generate_and_roll_back(seed=1)
    second = _generate_and_roll_back(seed=1)
    assert first[0] and first[1]
    assert first == second


def test_a_different_seed_gives_different_data() -> None:
    assert _generate_and_roll_back(seed=1)[0] != _generate_and_roll_back(seed=2)[0]


def test_tiny_preset_size(tiny: None) -> None:
    assert LocalAuthority.objects.get().la_code == "873"
    assert 180 <= Person.objects.count() <= 260
    assert 15 <= User.objects.exclude(role="partner").count() <= 30


def test_refuses_to_generate_twice(tiny: None) -> None:
    with pytest.raises(DataExistsError):
        generate(preset="tiny", seed=1, today=TODAY)
    with pytest.raises(CommandError, match="only fills an empty database"):
        call_command("generate", "--preset", "tiny", "--quiet", stdout=StringIO())


def test_foreign_keys_and_constraints_hold(tiny: None) -> None:
    connection.check_constraints()


def test_identifiers_pass_their_check_digits(tiny: GenerationResult) -> None:
    children = Person.objects.filter(kind=Person.Kind.CHILD, is_unborn=False)
    # A duplicate record made on purpose may repeat its original's NHS number or UPN (synthetic.duplicates).
    originals = Person.objects.exclude(pk__in=[d.duplicate_id for d in tiny.duplicates])
    nhs_numbers = [n for n in originals.values_list("nhs_number", flat=True) if n]
    upns = [u for u in originals.values_list("upn", flat=True) if u]
    assert nhs_numbers and upns
    assert all(nhs.is_valid(n) for n in nhs_numbers)
    assert all(upn.is_valid(u) for u in upns)
    assert len(set(nhs_numbers)) == len(nhs_numbers)
    assert len(set(upns)) == len(upns)
    assert children.exclude(nhs_number="").count() > 0.8 * children.count()
    # Children without a UPN say why, as the CIN census asks.
    assert not children.filter(upn="", upn_unknown_reason="").exists()


def test_every_child_has_a_reference_and_the_counter_is_past_them(tiny: None) -> None:
    references = list(Person.objects.values_list("reference", flat=True))
    assert all(re.fullmatch(r"P\d{8}", r) for r in references)
    assert not Person.objects.filter(kind=Person.Kind.CHILD, reference="").exists()
    highest = max(int(r[1:]) for r in references)
    assert SequenceCounter.objects.get(name="person").value >= highest
    assert SequenceCounter.objects.get(name="family").value >= 1


def test_relationships_are_recorded_in_both_directions(tiny: None) -> None:
    rows = set(Relationship.objects.values_list("person_id", "related_person_id", "type"))
    assert rows
    for person, related, type_ in rows:
        assert (related, person, Relationship.INVERSE[Relationship.Type(type_)]) in rows
    kinds = Counter(t for _, _, t in rows)
    assert kinds["parent"] and kinds["sibling"] and kinds["grandparent"]


def test_unusual_names_are_ordinary_data(tiny: None) -> None:
    assert Person.objects.filter(family_name__contains="'").exists()  # O'Brien
    assert Person.objects.filter(Q(given_names="Zoë") | Q(family_name="Nguyễn")).exists()
    assert Person.objects.filter(family_name="Ní Bhriain").exists()
    assert Person.objects.filter(family_name__regex=r"^\w+-\w+$").exists()  # double-barrelled
    single = Person.objects.filter(family_name="").exclude(given_names="")
    assert single.exists()
    zoe = Person.objects.filter(given_names="Zoë").first()
    assert zoe is not None and zoe.search_given == "zoe"


def test_unborn_children(tiny: None) -> None:
    unborn = Person.objects.filter(is_unborn=True)
    assert unborn.exists()
    assert not unborn.filter(date_of_birth__isnull=False).exists()
    assert not unborn.filter(expected_date_of_birth__lte=TODAY).exists()


def test_addresses_have_one_current_and_real_format_postcodes(tiny: None) -> None:
    current = Counter(PersonAddress.objects.filter(end_date__isnull=True).values_list("person_id", flat=True))
    assert current and max(current.values()) == 1
    districts = set(" ".join(Locality.objects.values_list("postcode_districts", flat=True)).split())
    for postcode, locality in PersonAddress.objects.values_list("address__postcode", "address__locality"):
        assert identifiers.clean_postcode(postcode) == postcode
        assert (identifiers.postcode_district(postcode) in districts) == (locality is not None)


def test_every_kind_of_team_with_its_service(tiny: None) -> None:
    assert set(Team.objects.values_list("kind", flat=True)) == set(Team.Kind.values)
    for team in Team.objects.all():
        assert team.service == Team.SERVICE_OF_KIND[Team.Kind(team.kind)]
    school = School.objects.first()
    assert school is not None and re.fullmatch(r"\d{6}", school.urn) and school.named_contact is not None


def test_chronology_has_creation_and_moves_for_every_child(tiny: None) -> None:
    children = Person.objects.filter(kind=Person.Kind.CHILD)
    created = Counter(ChronologyEvent.objects.filter(kind="person.created").values_list("person_id", flat=True))
    assert set(created) == set(children.values_list("id", flat=True))
    assert set(created.values()) == {1}
    moves = ChronologyEvent.objects.filter(kind="person.address_added").count()
    assert moves == PersonAddress.objects.filter(person__kind=Person.Kind.CHILD).count()


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda d: d.username)
def test_demo_users_have_their_role_and_the_demo_password(tiny: None, demo: object) -> None:
    user = User.objects.get(username=demo.username)  # type: ignore[attr-defined]
    assert user.role == demo.role  # type: ignore[attr-defined]
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username=user.username, password=DEMO_PASSWORD) == user


def test_demo_logins_cover_every_role() -> None:
    logins = demo_logins()
    assert {u for _, u, _ in logins} == {d.username for d in DEMO_USERS}
    assert {d.role for d in DEMO_USERS} == set(Role.values)
    assert all(p == DEMO_PASSWORD for _, _, p in logins)


def test_demo_team_and_caseload(tiny: None) -> None:
    manager = User.objects.get(username="manager")
    worker = User.objects.get(username="socialworker")
    assert manager.role == "team_manager" and worker.team == manager.team
    assert User.objects.get(username="familysupport").team == manager.team
    caseload = ProfessionalInvolvement.objects.filter(
        worker=worker, role__in=ProfessionalInvolvement.CASELOAD_ROLES, end_date__isnull=True
    )
    assert caseload.count() >= 3


def test_restricted_demo_child_has_a_grant_for_the_manager(tiny: None) -> None:
    manager = User.objects.get(username="manager")
    child = Person.objects.get(is_restricted=True)
    assert child.restricted_by == manager and child.restricted_reason
    assert RestrictedAccessGrant.objects.filter(person=child, user=manager, revoked_at__isnull=True).exists()
    on_team_caseload = ProfessionalInvolvement.objects.filter(
        person=child,
        worker__team=manager.team,
        role__in=ProfessionalInvolvement.CASELOAD_ROLES,
        end_date__isnull=True,
    )
    assert on_team_caseload.exists()


def test_partner_has_referred_children_and_can_see_them(tiny: None) -> None:
    partner = User.objects.get(username="partner")
    referred = ProfessionalInvolvement.objects.filter(worker=partner, role="referrer")
    assert referred.exists()
    assert School.objects.filter(partner_agency=partner.partner_agency, dsl_email=partner.email).exists()
    visible = scope_people(partner, Person.objects.filter(kind=Person.Kind.CHILD))
    assert set(referred.values_list("person_id", flat=True)) <= set(visible.values_list("id", flat=True))


def test_workforce_mix(tiny: None) -> None:
    social_workers = User.objects.filter(job_role="social_worker")
    assert all(re.fullmatch(r"SW\d{1,7}", u.swe_number) for u in social_workers)
    assert not User.objects.exclude(job_role="social_worker").exclude(swe_number="").exists()
    assert User.objects.filter(is_active=False).exists()  # workers who have left
    assert not User.objects.filter(role="partner", partner_agency__isnull=True).exists()


def test_demo_setup_lists_the_logins_without_regenerating(tiny: None) -> None:
    out = StringIO()
    call_command("demo_setup", stdout=out)
    text = out.getvalue()
    assert "No council" not in text
    for _, username, _ in demo_logins():
        assert username in text
    assert DEMO_PASSWORD in text and "two-factor" in text


def test_a_few_misspelt_duplicate_records_as_front_doors_make_them(tiny: GenerationResult) -> None:
    """About the preset's share of people get a second record with realistic mistakes, created later."""
    people = Person.objects.count()
    assert tiny.duplicates
    assert len(tiny.duplicates) <= 0.03 * people
    for known in tiny.duplicates:
        original = Person.objects.get(pk=known.original_id)
        duplicate = Person.objects.get(pk=known.duplicate_id)
        assert duplicate.kind == original.kind
        assert duplicate.created_at > original.created_at and duplicate.reference > original.reference
        assert duplicate.merged_into_id is None
        if "none" not in known.mistakes and "no_dob" not in known.mistakes:
            details = (duplicate.given_names, duplicate.family_name, duplicate.date_of_birth)
            assert details != (original.given_names, original.family_name, original.date_of_birth), known
        if duplicate.nhs_number:
            assert duplicate.nhs_number == original.nhs_number


def test_duplicates_do_not_change_the_rest_of_the_council() -> None:
    """The duplicates draw from their own generator: without them, the same people (ids and names) exist."""
    from dataclasses import replace

    from familyhelp.synthetic.presets import TINY

    with transaction.atomic():
        result = generate(preset="tiny", seed=1, today=TODAY)
        made = {d.duplicate_id for d in result.duplicates}
        with_duplicates = {
            (str(pk), g, f) for pk, g, f in Person.objects.values_list("id", "given_names", "family_name")
        }
        transaction.set_rollback(True)
    with transaction.atomic():
        generate(preset=replace(TINY, duplicate_share=0.0), seed=1, today=TODAY)
        without = {(str(pk), g, f) for pk, g, f in Person.objects.values_list("id", "given_names", "family_name")}
        transaction.set_rollback(True)
    assert made and {row for row in with_duplicates if row[0] not in made} == without
