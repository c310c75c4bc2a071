"""organisation.selectors: right counts, the verb checked, lists in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import (
    PartnerAgencyFactory,
    PartnerUserFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from familyhelp.core import clock
from familyhelp.organisation import selectors
from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.people.tests.factories import ChildFactory, InvolvementFactory

pytestmark = pytest.mark.django_db


def test_team_list_counts_active_members_and_hides_closed_teams(la, team, social_worker):
    UserFactory(team=team, role=Role.FAMILY_SUPPORT_WORKER)
    UserFactory(team=team, role=Role.FAMILY_SUPPORT_WORKER, is_active=False)
    closed = TeamFactory(local_authority=la, name="Closed", is_active=False)
    teams = {t.name: t for t in selectors.team_list_for_user(social_worker)}
    assert teams["Assessment North"].member_count == 2
    assert "Closed" not in teams
    assert selectors.team_get_for_user(social_worker, closed.pk).member_count == 0
    assert "Closed" in {t.name for t in selectors.team_list_for_user(social_worker, include_inactive=True)}


def test_worker_caseload_counts_children_with_an_active_caseload_involvement(team, social_worker):
    today = clock.today()
    a, b, c, d = ChildFactory(), ChildFactory(), ChildFactory(), ChildFactory()
    InvolvementFactory(person=a, worker=social_worker, start_date=datetime.date(2024, 1, 1))
    # the same child twice (allocated worker and lead practitioner) counts once
    InvolvementFactory(
        person=a,
        worker=social_worker,
        role=ProfessionalInvolvement.Role.LEAD_PRACTITIONER,
        start_date=datetime.date(2024, 1, 1),
    )
    InvolvementFactory(person=b, worker=social_worker, start_date=datetime.date(2024, 1, 1), end_date=today)
    InvolvementFactory(
        person=c,
        worker=social_worker,
        start_date=datetime.date(2024, 1, 1),
        end_date=today - datetime.timedelta(days=1),
    )  # ended: not on the caseload
    InvolvementFactory(
        person=d,
        worker=social_worker,
        role=ProfessionalInvolvement.Role.REFERRER,
        start_date=datetime.date(2024, 1, 1),
    )  # not a caseload role
    worker = selectors.worker_get_for_user(social_worker, social_worker.pk)
    assert worker.caseload == 2


def test_worker_list_excludes_partner_users_and_inactive_workers(team, social_worker):
    PartnerUserFactory()
    gone = UserFactory(team=team, is_active=False)
    workers = list(selectors.worker_list_for_user(social_worker))
    assert all(w.role != Role.PARTNER for w in workers)
    assert gone not in workers and social_worker in workers
    assert gone in selectors.worker_list_for_user(social_worker, include_inactive=True)
    assert (
        list(selectors.worker_list_for_user(social_worker, team=TeamFactory(local_authority=team.local_authority)))
        == []
    )


def test_lists_run_in_a_fixed_number_of_queries(la, locality, team, social_worker, django_assert_num_queries):
    for _ in range(5):
        member = UserFactory(team=TeamFactory(local_authority=la, locality=locality))
        InvolvementFactory(person=ChildFactory(), worker=member, start_date=datetime.date(2024, 1, 1))
        SchoolFactory(locality=locality, named_contact=member, partner_agency=PartnerAgencyFactory())
    with django_assert_num_queries(1):
        assert [(t.locality.name, t.member_count) for t in selectors.team_list_for_user(social_worker)]
    with django_assert_num_queries(1):
        assert [(w.team.name, w.caseload) for w in selectors.worker_list_for_user(social_worker)]
    with django_assert_num_queries(1):
        rows = [
            (s.locality.name, str(s.named_contact), s.partner_agency.name)
            for s in selectors.school_list_for_user(social_worker)
        ]
        assert len(rows) == 5
    with django_assert_num_queries(1):
        assert [a.user_count for a in selectors.partner_agency_list_for_user(social_worker)]
    with django_assert_num_queries(1):
        assert [(loc.team_count, loc.school_count) for loc in selectors.locality_list_for_user(social_worker)]


def test_user_accounts_only_for_administrators(team, admin, social_worker):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    accounts = {u.pk: u for u in selectors.user_account_list_for_user(admin)}
    assert accounts[admin.pk].has_second_factor and not accounts[social_worker.pk].has_second_factor
    with pytest.raises(PermissionDenied):
        selectors.user_account_list_for_user(social_worker)


def test_partner_users_cannot_read_the_organisation(la):
    partner = PartnerUserFactory()
    for read in (
        selectors.team_list_for_user,
        selectors.worker_list_for_user,
        selectors.school_list_for_user,
        selectors.partner_agency_list_for_user,
        selectors.locality_list_for_user,
        selectors.local_authority_list_for_user,
    ):
        with pytest.raises(PermissionDenied):
            read(partner)
