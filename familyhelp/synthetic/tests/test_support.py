"""The synthetic council's specialist services and panels: invariants and calibration, recomputed from the rows
of one small council (seed 1, rolled back afterwards)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db import transaction

from familyhelp.casework.models import CINEpisode
from familyhelp.panels.models import Panel, PanelRequest
from familyhelp.specialist.models import Service, ServiceReferral, ShortBreakAdmission
from familyhelp.synthetic.generator import GenerationResult, generate

TODAY = date(2025, 3, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[GenerationResult]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield generate(preset="small", seed=1, today=TODAY)
        transaction.set_rollback(True)


def test_the_catalogue_and_referrals_follow_the_casework(small: GenerationResult) -> None:
    kinds = set(Service.objects.values_list("kind", flat=True))
    assert {"intensive_family_support", "fgc", "short_breaks", "exploitation_missing", "therapeutic"} <= kinds
    assert Service.objects.get(kind="exploitation_missing").max_age == 25
    referrals = list(ServiceReferral.objects.select_related("service"))
    assert referrals
    for referral in referrals:
        assert referral.requested_on <= referral.started_on <= TODAY
        assert referral.person_id == referral.case.person_id
        if referral.status == "ended":
            assert referral.ended_on is not None and referral.ended_on >= referral.started_on and referral.outcome
        else:
            assert referral.status == "started" and referral.ended_on is None
        if referral.service.kind == "intensive_family_support":
            assert (referral.ended_on or TODAY) - referral.started_on <= timedelta(weeks=12)
    # about 7% of referrals a year get intensive family support, 5% a family group conference (Wolverhampton)
    by_kind = Counter(r.service.kind for r in referrals)
    episodes = CINEpisode.objects.count()
    assert 0.05 <= by_kind["intensive_family_support"] / episodes <= 0.09
    assert 0.03 <= by_kind["fgc"] / episodes <= 0.06


def test_short_breaks_are_typed_and_within_their_referral(small: GenerationResult) -> None:
    admissions = list(ShortBreakAdmission.objects.select_related("referral"))
    assert admissions
    kinds = Counter(a.kind for a in admissions)
    assert kinds["planned"] > kinds["emergency"] and kinds["planned"] > kinds["crisis"]
    for admission in admissions:
        assert admission.referral.started_on <= admission.admitted_on <= TODAY
        assert admission.left_on is None or admission.left_on >= admission.admitted_on


def test_panels_hold_the_requests_and_admissions_show_the_options_explored(small: GenerationResult) -> None:
    requests = list(PanelRequest.objects.select_related("panel"))
    assert {r.panel_kind for r in requests} == {"resource", "admission_to_care"}
    for request in requests:
        assert request.panel is not None and request.panel.kind == request.panel_kind
        assert request.panel.sits_on > request.requested_on
        if request.retrospective:
            assert request.urgency == "crisis" and request.actioned_on <= request.panel.sits_on
        if request.panel.status == "held":
            assert request.status == "approved" and request.decided_at is not None
        if request.panel_kind == "admission_to_care":
            assert request.options_explored.exists()
            assert all(r.person_id == request.person_id for r in request.explored_referrals.all())
    resource_days = {p.sits_on.weekday() for p in Panel.objects.filter(kind="resource")}
    assert resource_days == {2}  # weekly, on Wednesdays
    assert Panel.objects.filter(status="held", attendance__isnull=False).exists()


def test_support_is_deterministic(small: GenerationResult) -> None:
    assert small.counts["specialist_servicereferral"] == ServiceReferral.objects.count()
    assert small.counts["panels_panelrequest"] == PanelRequest.objects.count()
