"""accounts.services: creating and changing user accounts, deactivation, two-factor reset, API tokens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken as Token

from familyhelp.accounts import services
from familyhelp.accounts.models import User
from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import PartnerAgencyFactory, TeamFactory, UserFactory
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError

pytestmark = pytest.mark.django_db


def new_user(world, **overrides):
    values = {
        "username": "jbloggs",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo.bloggs@council.example",
        "role": Role.FAMILY_SUPPORT_WORKER,
        "job_role": User.JobRole.FAMILY_SUPPORT_WORKER,
        "team": world.team_a,
    } | overrides
    return services.user_create(actor=world.admin, **values)


def errors(excinfo):
    return excinfo.value.errors


# --- user_create ----------------------------------------------------------------------------------


def test_user_create_without_password_makes_an_account_that_cannot_sign_in(world):
    user = new_user(world, first_name="  Siobhán ", swe_number="")
    assert (user.first_name, user.team, user.fte, user.employment) == (
        "Siobhán",
        world.team_a,
        Decimal("1.00"),
        "permanent",
    )
    assert not user.has_usable_password()
    record = user.history.get()
    assert record.history_type == "+" and record.history_user == world.admin


def test_user_create_with_a_password_validates_it(world):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, password="short")
    assert "This password is too short. It must contain at least 12 characters." in errors(excinfo)["password"]
    assert not User.objects.filter(username="jbloggs").exists()
    user = new_user(world, password="a-long-enough-passphrase-7")
    assert user.check_password("a-long-enough-passphrase-7")


def test_user_create_refused_for_a_non_administrator(world):
    with pytest.raises(ForbiddenError):
        services.user_create(
            actor=world.manager,
            username="x",
            first_name="X",
            last_name="Y",
            email="x@council.example",
            role=Role.SOCIAL_WORKER,
            job_role="social_worker",
            team=world.team_a,
            swe_number="SW999999",
        )
    assert not User.objects.filter(username="x").exists()


def test_partner_user_needs_an_agency_and_no_team(world):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, role=Role.PARTNER, job_role=User.JobRole.PARTNER, team=world.team_a)
    assert errors(excinfo) == {
        "partner_agency": ["Choose the partner agency this user works for"],
        "team": ["A partner agency user cannot belong to a council team"],
    }
    agency = PartnerAgencyFactory()
    user = new_user(world, role=Role.PARTNER, job_role=User.JobRole.PARTNER, team=None, partner_agency=agency)
    assert user.partner_agency == agency and user.is_partner


def test_staff_cannot_belong_to_a_partner_agency_or_take_the_partner_job_role(world):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, partner_agency=PartnerAgencyFactory(), job_role=User.JobRole.PARTNER)
    assert errors(excinfo) == {
        "partner_agency": ["Only partner agency users belong to a partner agency"],
        "job_role": ["Only partner agency users can have the job role ‘Partner agency worker’"],
    }


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR, Role.ADMINISTRATOR, Role.SENIOR_LEADER])
def test_council_wide_roles_need_no_team(world, role):
    assert new_user(world, role=role, job_role=role, team=None).team is None


@pytest.mark.parametrize("role", [Role.FRONT_DOOR, Role.TEAM_MANAGER, Role.SPECIALIST_COORDINATOR])
def test_other_staff_roles_need_a_team(world, role):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, role=role, team=None)
    assert errors(excinfo) == {"team": ["Choose the user's team"]}


def test_a_social_worker_needs_a_unique_swe_number(world):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, role=Role.SOCIAL_WORKER, job_role=User.JobRole.SOCIAL_WORKER)
    assert errors(excinfo) == {"swe_number": ["Enter the social worker's Social Work England number, like SW123456"]}
    with pytest.raises(DomainError) as excinfo:
        new_user(world, role=Role.SOCIAL_WORKER, job_role=User.JobRole.SOCIAL_WORKER, swe_number="sw 123456")
    assert errors(excinfo) == {
        "swe_number": ["Another user account already has the Social Work England number SW123456"]
    }
    with pytest.raises(DomainError) as excinfo:
        new_user(world, role=Role.SOCIAL_WORKER, job_role=User.JobRole.SOCIAL_WORKER, swe_number="123")
    assert errors(excinfo) == {"swe_number": ["Enter the Social Work England number, like SW123456"]}
    user = new_user(world, role=Role.SOCIAL_WORKER, job_role=User.JobRole.SOCIAL_WORKER, swe_number="sw 654321")
    assert user.swe_number == "SW654321"


def test_duplicate_username_and_email_are_refused_whatever_their_case(world):
    with pytest.raises(DomainError) as excinfo:
        new_user(world, username="SW", email=world.sw.email.upper())
    assert errors(excinfo) == {
        "username": ["The username SW is already taken"],
        "email": ["Another user account already uses this email address"],
    }


def test_closed_team_and_bad_fte_are_refused(world):
    closed = TeamFactory(local_authority=world.la, name="Old team", is_active=False)
    with pytest.raises(DomainError) as excinfo:
        new_user(world, team=closed, fte=Decimal("1.50"))
    assert errors(excinfo)["team"] == ["Old team is closed: choose an open team"]
    with pytest.raises(DomainError) as excinfo:
        new_user(world, fte=Decimal("1.50"))
    assert errors(excinfo)["fte"] == ["Ensure this value is less than or equal to 1.00."]


# --- user_update ----------------------------------------------------------------------------------


def test_user_update_changes_fields_bumps_version_and_records_who(world):
    user = world.colleague
    before = user.history.count()
    updated = services.user_update(
        actor=world.admin,
        user=user,
        expected_version=1,
        team=world.team_a2,
        employment="agency",
        fte=Decimal("0.60"),
    )
    assert (updated.team, updated.employment, updated.fte, updated.version) == (
        world.team_a2,
        "agency",
        Decimal("0.60"),
        2,
    )
    assert user.history.count() == before + 1
    assert user.history.first().history_user == world.admin


def test_user_update_with_a_stale_or_missing_version_changes_nothing(world):
    services.user_update(actor=world.admin, user=world.colleague, expected_version=1, phone="0121 496 0000")
    with pytest.raises(ConcurrentEditError):
        services.user_update(actor=world.admin, user=world.colleague, expected_version=1, phone="0121 496 0999")
    with pytest.raises(ConcurrentEditError):
        services.user_update(actor=world.admin, user=world.colleague, expected_version=None, phone="0")
    assert User.objects.get(pk=world.colleague.pk).phone == "0121 496 0000"


def test_user_update_rechecks_the_combined_values(world):
    with pytest.raises(DomainError) as excinfo:
        services.user_update(actor=world.admin, user=world.colleague, expected_version=1, role=Role.PARTNER)
    assert set(errors(excinfo)) == {"partner_agency", "team", "job_role"}


def test_an_administrator_cannot_change_their_own_role(world):
    with pytest.raises(DomainError) as excinfo:
        services.user_update(
            actor=world.admin,
            user=world.admin,
            expected_version=1,
            role=Role.ANALYST,
            job_role=User.JobRole.ANALYST,
        )
    assert errors(excinfo) == {"role": ["You cannot change your own role: ask another administrator"]}


def test_user_update_refused_for_a_non_administrator(world):
    with pytest.raises(ForbiddenError):
        services.user_update(actor=world.manager, user=world.colleague, expected_version=1, team=world.team_b)


# --- deactivate, reset two-factor -----------------------------------------------------------------


def test_user_deactivate_stops_sign_in_and_deletes_their_token(world):
    Token.objects.create(world.analyst)
    user = services.user_deactivate(actor=world.admin, user=world.analyst)
    assert not user.is_active and user.version == 2
    assert not Token.objects.filter(user=world.analyst).exists()
    with pytest.raises(DomainError, match="already deactivated"):
        services.user_deactivate(actor=world.admin, user=world.analyst)


def test_user_deactivate_not_yourself_and_only_administrators(world):
    with pytest.raises(DomainError, match="cannot deactivate your own account"):
        services.user_deactivate(actor=world.admin, user=world.admin)
    with pytest.raises(ForbiddenError):
        services.user_deactivate(actor=world.manager, user=world.sw)
    assert User.objects.get(pk=world.sw.pk).is_active


def test_user_reset_second_factor_deletes_their_devices(world):
    TOTPDevice.objects.create(user=world.sw, name="phone", confirmed=True)
    services.user_reset_second_factor(actor=world.admin, user=world.sw)
    assert not TOTPDevice.objects.filter(user=world.sw).exists()
    with pytest.raises(DomainError, match="has not set up two-factor"):
        services.user_reset_second_factor(actor=world.admin, user=world.sw)


def test_user_reset_second_factor_not_yourself_and_only_administrators(world):
    TOTPDevice.objects.create(user=world.admin, name="phone", confirmed=True)
    with pytest.raises(DomainError, match="ask another administrator"):
        services.user_reset_second_factor(actor=world.admin, user=world.admin)
    TOTPDevice.objects.create(user=world.sw, name="phone", confirmed=True)
    with pytest.raises(ForbiddenError):
        services.user_reset_second_factor(actor=world.manager, user=world.sw)
    assert TOTPDevice.objects.filter(user=world.sw).exists()


# --- API tokens -----------------------------------------------------------------------------------


def test_api_token_issue_rotates_the_key(world):
    first = services.api_token_issue(actor=world.admin, user=world.analyst)
    second = services.api_token_issue(actor=world.admin, user=world.analyst)
    assert first != second and first.startswith("fhp_")
    (stored,) = Token.objects.filter(user=world.analyst)  # only the newest, and only its digest
    assert second.startswith(stored.token_key) and second not in stored.digest


def test_api_token_only_for_roles_that_may_use_one(world):
    with pytest.raises(DomainError) as excinfo:
        services.api_token_issue(actor=world.admin, user=world.sw)
    assert excinfo.value.message == "This user's role (Social worker) cannot use the API with a token"
    assert not Token.objects.filter(user=world.sw).exists()
    assert services.api_token_issue(actor=world.admin, user=world.partner)


def test_api_token_not_for_deactivated_accounts_and_only_issued_by_administrators(world):
    gone = UserFactory(role=Role.ANALYST, team=None, is_active=False)
    with pytest.raises(DomainError, match="deactivated"):
        services.api_token_issue(actor=world.admin, user=gone)
    with pytest.raises(ForbiddenError):
        services.api_token_issue(actor=world.analyst, user=world.analyst)
