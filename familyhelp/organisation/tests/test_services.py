"""organisation.services: happy paths, refusals, duplicate and field errors, concurrent edits, history."""

from __future__ import annotations

import pytest

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import (
    PartnerAgencyFactory,
    PartnerUserFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.organisation import services
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return excinfo.value.errors


# --- local authority ------------------------------------------------------------------------------


def test_local_authority_update_changes_fields_bumps_version_and_writes_history(la, admin):
    before = la.history.count()
    updated = services.local_authority_update(
        actor=admin,
        local_authority=la,
        expected_version=1,
        name="  Testshire   Council ",
        child_population=61000,
    )
    assert updated.name == "Testshire Council"
    la.refresh_from_db()
    assert (la.child_population, la.version, la.modified_by) == (61000, 2, admin)
    assert la.history.count() == before + 1
    latest = la.history.first()
    assert latest.child_population == 61000 and latest.history_user == admin


def test_local_authority_update_refused_for_a_practitioner(la, social_worker):
    with pytest.raises(ForbiddenError):
        services.local_authority_update(actor=social_worker, local_authority=la, expected_version=1, name="X")
    la.refresh_from_db()
    assert la.name == "Brackenford Council"


def test_local_authority_update_with_stale_version_changes_nothing(la, admin):
    services.local_authority_update(actor=admin, local_authority=la, expected_version=1, name="First")
    stale = LocalAuthority.objects.get(pk=la.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        services.local_authority_update(actor=admin, local_authority=stale, expected_version=1, name="Second")
    assert LocalAuthority.objects.get(pk=la.pk).name == "First"


def test_local_authority_update_without_version_is_refused(la, admin):
    with pytest.raises(ConcurrentEditError):
        services.local_authority_update(actor=admin, local_authority=la, expected_version=None, name="X")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"la_code": "33"}, "la_code", "Enter the 3-digit DfE local authority code, like 334"),
        ({"late_recording_days": 400}, "late_recording_days", "less than or equal to 365"),
        ({"name": "   "}, "name", "Enter the council's name"),
        (
            {"child_population_year": 1800},
            "child_population_year",
            "Enter the year of the population estimate",
        ),
    ],
)
def test_local_authority_update_field_errors(la, admin, fields, field, message):
    with pytest.raises(DomainError) as excinfo:
        services.local_authority_update(actor=admin, local_authority=la, expected_version=1, **fields)
    assert any(message in m for m in errors_of(excinfo)[field])


def test_local_authority_update_rejects_unknown_fields(la, admin):
    with pytest.raises(TypeError):
        services.local_authority_update(actor=admin, local_authority=la, expected_version=1, version=5)


# --- localities -----------------------------------------------------------------------------------


def test_locality_create_normalises_districts(la, admin):
    locality = services.locality_create(actor=admin, name=" South ", postcode_districts="b92, B93  b92")
    assert (locality.name, locality.postcode_districts, locality.local_authority) == ("South", "B92 B93", la)
    assert locality.created_by == admin
    assert locality.history.count() == 1


def test_locality_create_refuses_a_duplicate_name_whatever_its_case(locality, admin):
    with pytest.raises(DomainError) as excinfo:
        services.locality_create(actor=admin, name="north")
    assert errors_of(excinfo) == {"name": ["There is already a locality called north"]}


def test_locality_create_refuses_bad_and_already_used_districts(locality, admin):
    with pytest.raises(DomainError) as excinfo:
        services.locality_create(actor=admin, name="South", postcode_districts="B9X1")
    assert errors_of(excinfo)["postcode_districts"] == [
        "B9X1 is not a postcode district: enter outward codes like B90 B91"
    ]
    with pytest.raises(DomainError) as excinfo:
        services.locality_create(actor=admin, name="South", postcode_districts="B91 B92")
    assert errors_of(excinfo)["postcode_districts"] == ["B91 is already in the North locality"]


def test_locality_create_needs_a_local_authority(db):
    actor = UserFactory(role=Role.ADMINISTRATOR, team=None)
    with pytest.raises(DomainError, match="Set up the local authority"):
        services.locality_create(actor=actor, name="North")


def test_locality_create_refused_for_a_practitioner(la, social_worker):
    with pytest.raises(ForbiddenError):
        services.locality_create(actor=social_worker, name="South")
    assert not Locality.objects.filter(name="South").exists()


def test_locality_update_and_concurrent_edit(locality, admin):
    services.locality_update(actor=admin, locality=locality, expected_version=1, postcode_districts="B90")
    assert Locality.objects.get(pk=locality.pk).postcode_districts == "B90"
    with pytest.raises(ConcurrentEditError):
        services.locality_update(actor=admin, locality=locality, expected_version=1, name="Renamed")
    assert Locality.objects.get(pk=locality.pk).name == "North"


def test_locality_update_may_keep_its_own_districts_and_name(locality, admin):
    services.locality_update(
        actor=admin, locality=locality, expected_version=1, name="North", postcode_districts="B91 B90"
    )
    assert Locality.objects.get(pk=locality.pk).version == 2


# --- teams ----------------------------------------------------------------------------------------


def test_team_create_sets_the_service_from_the_kind(la, locality, admin):
    team = services.team_create(actor=admin, name="Early Help South", kind=Team.Kind.EARLY_HELP, locality=locality)
    assert (team.service, team.local_authority, team.locality) == (Team.Service.FAMILY_HELP, la, locality)
    assert team.history.count() == 1


def test_team_create_refuses_duplicates_and_bad_kinds(team, admin):
    with pytest.raises(DomainError) as excinfo:
        services.team_create(actor=admin, name="ASSESSMENT NORTH", kind="nonsense")
    assert errors_of(excinfo) == {
        "name": ["There is already a team called ASSESSMENT NORTH"],
        "kind": ["Choose the kind of team"],
    }


def test_team_create_refused_for_a_practitioner(la, social_worker):
    with pytest.raises(ForbiddenError):
        services.team_create(actor=social_worker, name="New", kind=Team.Kind.FGC)


def test_team_update_changing_kind_changes_service_and_records_history(team, admin):
    before = team.history.count()
    services.team_update(actor=admin, team=team, expected_version=1, kind=Team.Kind.FGC)
    team.refresh_from_db()
    assert (team.kind, team.service, team.version) == (Team.Kind.FGC, Team.Service.SPECIALIST, 2)
    assert team.history.count() == before + 1
    assert team.history.first().service == Team.Service.SPECIALIST


def test_team_cannot_close_with_active_members(team, admin, social_worker):
    with pytest.raises(DomainError) as excinfo:
        services.team_update(actor=admin, team=team, expected_version=1, is_active=False)
    assert errors_of(excinfo) == {"is_active": ["Move the team's 1 active member to another team before closing it"]}
    social_worker.is_active = False
    social_worker.save()
    services.team_update(actor=admin, team=team, expected_version=1, is_active=False)
    assert not Team.objects.get(pk=team.pk).is_active


def test_team_update_stale_version(team, admin):
    with pytest.raises(ConcurrentEditError):
        services.team_update(actor=admin, team=team, expected_version=7, name="Renamed")
    assert Team.objects.get(pk=team.pk).name == "Assessment North"


def test_team_update_refuses_another_teams_name(la, team, admin):
    other = TeamFactory(local_authority=la, name="Other")
    with pytest.raises(DomainError) as excinfo:
        services.team_update(actor=admin, team=other, expected_version=1, name="Assessment north")
    assert errors_of(excinfo)["name"] == ["There is already a team called Assessment north"]


# --- schools --------------------------------------------------------------------------------------


def test_school_create_normalises_postcode(locality, admin, social_worker):
    school = services.school_create(
        actor=admin,
        urn=" 123456 ",
        name="Oak Primary",
        phase=School.Phase.PRIMARY,
        locality=locality,
        postcode="b913qb",
        dsl_name="Ms A Teacher",
        dsl_email="dsl@oak.sch.uk",
        named_contact=social_worker,
    )
    assert (school.urn, school.postcode, school.named_contact) == ("123456", "B91 3QB", social_worker)


def test_school_create_refuses_a_used_urn_naming_the_school(locality, admin):
    SchoolFactory(locality=locality, urn="123456", name="Oak Primary")
    with pytest.raises(DomainError) as excinfo:
        services.school_create(actor=admin, urn="123456", name="Elm", phase="primary", locality=locality)
    assert errors_of(excinfo) == {"urn": ["URN 123456 is already used by Oak Primary"]}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"urn": "12345"}, "urn", "Enter the school's 6-digit unique reference number (URN), like 103456"),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a real postcode, like B91 3QB"),
        ({"phase": "college"}, "phase", "Choose the school's phase"),
        ({"locality": None}, "locality", "Choose the locality the school is in"),
        ({"dsl_email": "not-an-email"}, "dsl_email", "Enter a valid email address."),
    ],
)
def test_school_create_field_errors(locality, admin, fields, field, message):
    values = {"urn": "654321", "name": "Elm", "phase": "primary", "locality": locality} | fields
    with pytest.raises(DomainError) as excinfo:
        services.school_create(actor=admin, **values)
    assert errors_of(excinfo)[field] == [message]


def test_school_named_contact_must_be_an_active_council_worker(la, locality, admin, social_worker):
    partner = PartnerUserFactory()
    for contact in (partner, UserFactory(team=TeamFactory(local_authority=la), is_active=False)):
        with pytest.raises(DomainError) as excinfo:
            services.school_create(
                actor=admin,
                urn="654321",
                name="Elm",
                phase="primary",
                locality=locality,
                named_contact=contact,
            )
        assert errors_of(excinfo) == {"named_contact": ["The named contact must be an active council worker"]}


def test_school_update_links_a_school_agency_once(locality, admin):
    school = SchoolFactory(locality=locality, name="Oak Primary")
    other = SchoolFactory(locality=locality, name="Elm Primary")
    agency = PartnerAgencyFactory(name="Oak Primary School", kind="school")
    services.school_update(actor=admin, school=school, expected_version=1, partner_agency=agency)
    assert School.objects.get(pk=school.pk).partner_agency == agency
    with pytest.raises(DomainError) as excinfo:
        services.school_update(actor=admin, school=other, expected_version=1, partner_agency=agency)
    assert errors_of(excinfo) == {"partner_agency": ["This partner agency is already linked to Oak Primary"]}
    police = PartnerAgencyFactory(kind="police")
    with pytest.raises(DomainError) as excinfo:
        services.school_update(actor=admin, school=other, expected_version=1, partner_agency=police)
    assert errors_of(excinfo) == {"partner_agency": ["Choose a partner agency of the kind ‘School’"]}


def test_school_update_concurrent_edit_and_refusal(locality, admin, social_worker):
    school = SchoolFactory(locality=locality, name="Oak Primary")
    with pytest.raises(ForbiddenError):
        services.school_update(actor=social_worker, school=school, expected_version=1, name="X")
    services.school_update(actor=admin, school=school, expected_version=1, dsl_name="New DSL")
    with pytest.raises(ConcurrentEditError):
        services.school_update(actor=admin, school=school, expected_version=1, dsl_name="Older DSL")
    assert School.objects.get(pk=school.pk).dsl_name == "New DSL"


# --- partner agencies -----------------------------------------------------------------------------


def test_partner_agency_create_and_duplicate(la, admin):
    agency = services.partner_agency_create(
        actor=admin, name=" West  Midlands Police ", kind="police", email="mash@wmp.police.uk"
    )
    assert agency.name == "West Midlands Police"
    with pytest.raises(DomainError) as excinfo:
        services.partner_agency_create(actor=admin, name="west midlands police", kind="nonsense")
    assert errors_of(excinfo) == {
        "name": ["There is already a partner agency called west midlands police"],
        "kind": ["Choose the kind of agency"],
    }


def test_partner_agency_create_refused_for_a_practitioner(la, social_worker):
    with pytest.raises(ForbiddenError):
        services.partner_agency_create(actor=social_worker, name="Police", kind="police")
    assert not PartnerAgency.objects.exists()


def test_partner_agency_cannot_close_with_active_users(la, admin):
    agency = PartnerAgencyFactory(kind="police")
    user = PartnerUserFactory(partner_agency=agency)
    with pytest.raises(DomainError) as excinfo:
        services.partner_agency_update(actor=admin, partner_agency=agency, expected_version=1, is_active=False)
    assert errors_of(excinfo) == {"is_active": ["Deactivate the agency's 1 active user account before closing it"]}
    user.is_active = False
    user.save()
    services.partner_agency_update(actor=admin, partner_agency=agency, expected_version=1, is_active=False)
    assert not PartnerAgency.objects.get(pk=agency.pk).is_active


def test_partner_agency_update_stale_version(la, admin):
    agency = PartnerAgencyFactory(name="Police")
    services.partner_agency_update(actor=admin, partner_agency=agency, expected_version=1, phone="0121 000")
    with pytest.raises(ConcurrentEditError):
        services.partner_agency_update(actor=admin, partner_agency=agency, expected_version=1, phone="0121 111")
    assert PartnerAgency.objects.get(pk=agency.pk).phone == "0121 000"
