"""Panel services: making requests, building agendas (crisis first, deferred carried), decisions, chronology."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from freezegun import freeze_time

from familyhelp.accounts.models import Notification
from familyhelp.accounts.roles import Role
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.panels import services as svc
from familyhelp.panels.models import Panel, PanelAttendance, PanelDecision, PanelRequest
from familyhelp.panels.selectors import agenda_for_panel
from familyhelp.panels.tests.factories import open_case, sitting, submitted_request
from familyhelp.people.tests.factories import ChildFactory

D = datetime.date
TODAY = D(2025, 3, 10)
NOW = "2025-03-10 10:00"


@pytest.fixture
def case(world):  # type: ignore[no-untyped-def]
    return open_case(world.own, world.sw)


def _make(world, case, **kwargs):  # type: ignore[no-untyped-def]
    args = {"actor": world.sw, "case": case, "ask": "short_break", "reason": "Relationship breaking down"}
    args.update(kwargs)
    with freeze_time(NOW):
        return svc.request_make(**args)


# --- Making a request ------------------------------------------------------------------------------------
def test_a_worker_makes_a_request_written_to_the_chronology(world, case):
    request = _make(world, case, detail="Two nights a week for six weeks", urgency="crisis")
    assert (request.status, request.panel_kind, request.requested_on, request.requested_by) == (
        "submitted",
        "resource",
        TODAY,
        world.sw,
    )
    event = ChronologyEvent.objects.get(person=world.own, kind="panels.request_made")
    assert event.summary == "Request to the resource panel: a short break (crisis)"
    assert event.subject_id == str(request.pk)


def test_someone_who_cannot_work_the_case_cannot_make_a_request(world, case):
    for user in (world.cp_worker, world.leader, world.admin, world.specialist):
        with pytest.raises(ForbiddenError):
            _make(world, case, actor=user)
    assert not PanelRequest.objects.exists()


def test_therapeutic_support_needs_a_cost(world, case):
    with pytest.raises(DomainError) as exc:
        _make(world, case, ask="therapeutic_support")
    assert exc.value.errors == {"estimated_cost": ["Enter the estimated cost of the therapeutic support, in pounds"]}
    request = _make(world, case, ask="therapeutic_support", estimated_cost=Decimal("1250.00"))
    assert request.estimated_cost == Decimal("1250.00")


def test_admission_to_care_without_options_explored_is_refused_field_by_field(world, case):
    with pytest.raises(DomainError) as exc:
        _make(world, case, ask="admission_to_care")
    assert exc.value.errors == {
        "options_explored": ["Select the support options explored before asking for admission to care"]
    }
    with pytest.raises(DomainError) as exc:
        _make(
            world,
            case,
            ask="admission_to_care",
            options_explored=[("family_network", "An aunt could not care"), ("short_breaks", " ")],
        )
    assert exc.value.errors == {"what_happened_short_breaks": ["Enter what happened with short breaks"]}
    assert not PanelRequest.objects.exists()


def test_admission_to_care_records_options_and_goes_to_the_admission_panel(world, case):
    request = _make(
        world,
        case,
        ask="admission_to_care",
        options_explored=[
            ("family_network", "FGC held; no family carer"),
            ("intensive_family_support", "12 weeks; risk remains"),
        ],
    )
    assert request.panel_kind == "admission_to_care"
    assert [(o.option, o.what_happened) for o in request.options_explored.all()] == [
        ("family_network", "FGC held; no family carer"),
        ("intensive_family_support", "12 weeks; risk remains"),
    ]


def test_options_belong_only_to_admission_to_care(world, case):
    with pytest.raises(DomainError) as exc:
        _make(world, case, options_explored=[("other", "Tried")])
    assert "options_explored" in exc.value.errors


def test_explored_referrals_must_be_the_same_childs(world, case):
    from familyhelp.specialist.models import Service, ServiceReferral

    service = Service.objects.create(name="Intensive family support", kind="intensive_family_support")
    own = ServiceReferral.objects.create(
        service=service, case=case, person=world.own, reason="r", requested_by=world.sw, requested_on=D(2025, 2, 1)
    )
    other_case = open_case(world.team_child, world.colleague)
    other = ServiceReferral.objects.create(
        service=service,
        case=other_case,
        person=world.team_child,
        reason="r",
        requested_by=world.colleague,
        requested_on=D(2025, 2, 1),
    )
    options = [("intensive_family_support", "Worked for 12 weeks")]
    with pytest.raises(DomainError) as exc:
        _make(world, case, ask="admission_to_care", options_explored=options, explored_referrals=[own, other])
    assert exc.value.errors == {
        "explored_referrals": [
            "The referral to Intensive family support is not this child's: choose the child's own referrals"
        ]
    }
    request = _make(world, case, ask="admission_to_care", options_explored=options, explored_referrals=[own])
    assert list(request.explored_referrals.all()) == [own]


def test_a_retrospective_request_is_a_crisis_already_actioned(world, case):
    with pytest.raises(DomainError) as exc:
        _make(world, case, retrospective=True)
    assert set(exc.value.errors) == {"urgency", "actioned_on"}
    with pytest.raises(DomainError) as exc:
        _make(world, case, retrospective=True, urgency="crisis", actioned_on=D(2025, 3, 11))
    assert exc.value.errors == {"actioned_on": ["The date the support was put in place must be today or in the past"]}
    request = _make(world, case, retrospective=True, urgency="crisis", actioned_on=D(2025, 3, 8))
    assert request.retrospective and request.actioned_on == D(2025, 3, 8)
    assert (
        "put in place on 8 March 2025, for approval retrospectively"
        in ChronologyEvent.objects.get(kind="panels.request_made").summary
    )


# --- Agendas -----------------------------------------------------------------------------------------------
def test_the_agenda_lists_requests_of_its_kind_crisis_first_then_oldest(world, case):
    other = open_case(world.team_child, world.colleague)
    old = submitted_request(case, world.sw, requested_on=D(2025, 3, 1))
    crisis = submitted_request(other, world.colleague, urgency="crisis", requested_on=D(2025, 3, 7))
    newer = submitted_request(other, world.colleague, requested_on=D(2025, 3, 5))
    atc = submitted_request(case, world.sw, ask="admission_to_care", requested_on=D(2025, 3, 2))
    after = submitted_request(case, world.sw, requested_on=D(2025, 3, 12))  # made after the sitting's date
    panel = sitting(sits_on=D(2025, 3, 11), chair=world.manager)
    with freeze_time(NOW):
        added = svc.panel_agenda_build(actor=world.admin, panel=panel)
    assert {r.pk for r in added} == {old.pk, crisis.pk, newer.pk}
    assert [r.pk for r in agenda_for_panel(panel)] == [crisis.pk, old.pk, newer.pk]
    for r in (atc, after):
        r.refresh_from_db()
        assert (r.status, r.panel) == ("submitted", None)
    assert PanelRequest.objects.get(pk=old.pk).status == "on_agenda"


def test_only_panel_managers_build_agendas(world, case):
    panel = sitting(sits_on=D(2025, 3, 11), chair=world.manager)
    with pytest.raises(ForbiddenError):
        svc.panel_agenda_build(actor=world.sw, panel=panel)


def test_a_deferred_request_returns_to_the_next_agenda(world, case):
    first = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    second = sitting(sits_on=D(2025, 3, 17), chair=world.manager)
    request = submitted_request(case, world.sw)
    with freeze_time(NOW):
        svc.panel_agenda_build(actor=world.manager, panel=first)
        request.refresh_from_db()
        svc.request_decide(
            actor=world.manager,
            request=request,
            outcome="deferred",
            notes="Bring the school's view",
            expected_version=request.version,
        )
    request.refresh_from_db()
    assert (request.status, request.panel) == ("deferred", None)
    with freeze_time(NOW):
        added = svc.panel_agenda_build(actor=world.manager, panel=second)
    assert [r.pk for r in added] == [request.pk]
    # The first sitting's agenda still shows the item with its deferral.
    assert [r.pk for r in agenda_for_panel(first)] == [request.pk]
    with freeze_time("2025-03-17 10:00"):
        request.refresh_from_db()
        svc.request_decide(
            actor=world.leader,
            request=request,
            outcome="approved",
            conditions="Review weekly",
            review_on=D(2025, 5, 1),
            expected_version=request.version,
        )
    assert [d.outcome for d in PanelDecision.objects.filter(request=request)] == ["deferred", "approved"]
    assert [d.panel for d in PanelDecision.objects.filter(request=request)] == [first, second]


def test_an_item_moves_to_the_next_sitting(world, case):
    first = sitting(sits_on=D(2025, 3, 10), chair=world.manager)
    request = submitted_request(case, world.sw)
    with freeze_time(NOW):
        svc.panel_agenda_build(actor=world.admin, panel=first)
    request.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        svc.panel_item_move_next(actor=world.admin, request=request, expected_version=request.version)
    assert "schedule the next one first" in exc.value.message
    second = sitting(sits_on=D(2025, 3, 17), chair=world.manager)
    sitting(sits_on=D(2025, 3, 24), chair=world.manager)
    assert svc.panel_item_move_next(actor=world.admin, request=request, expected_version=request.version) == second
    request.refresh_from_db()
    assert (request.status, request.panel) == ("on_agenda", second)


# --- Decisions ---------------------------------------------------------------------------------------------
def _on_agenda(world, case, *, sits_on=TODAY, **kwargs):  # type: ignore[no-untyped-def]
    panel = sitting(sits_on=sits_on, chair=world.manager)
    request = submitted_request(case, world.sw, **kwargs)
    with freeze_time(NOW):
        svc.panel_agenda_build(actor=world.manager, panel=panel)
    request.refresh_from_db()
    return panel, request


def test_an_approval_is_written_to_the_chronology_and_the_requesters_tray(world, case):
    panel, request = _on_agenda(world, case)
    with freeze_time(NOW):
        svc.request_decide(
            actor=world.manager,
            request=request,
            outcome="approved",
            conditions="Two nights a week; the worker visits after each",
            review_on=D(2025, 4, 21),
            expected_version=request.version,
        )
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.review_on) == ("approved", world.manager, D(2025, 4, 21))
    event = ChronologyEvent.objects.get(person=world.own, kind="panels.request_decided")
    assert event.occurred_on == TODAY
    assert event.summary == (
        "Resource panel on 10 March 2025: a short break approved. Conditions: Two nights a "
        "week; the worker visits after each. Review by 21 April 2025"
    )
    note = Notification.objects.get(recipient=world.sw)
    assert note.person == world.own
    assert "approved your request for a short break" in note.message


def test_a_retrospective_crisis_request_is_approved_at_the_next_panel(world, case):
    panel, request = _on_agenda(world, case, urgency="crisis", retrospective=True, actioned_on=D(2025, 3, 8))
    with freeze_time(NOW):
        svc.request_decide(
            actor=world.leader,
            request=request,
            outcome="approved",
            review_on=D(2025, 4, 7),
            expected_version=request.version,
        )
    event = ChronologyEvent.objects.get(kind="panels.request_decided")
    assert "a short break approved retrospectively" in event.summary
    assert "approved retrospectively" in Notification.objects.get(recipient=world.sw).message


def test_decisions_are_refused_field_by_field(world, case):
    panel, request = _on_agenda(world, case)
    cases = [
        ({"outcome": "maybe"}, {"outcome": ["Choose the panel's decision"]}),
        ({"outcome": "approved"}, {"review_on": ["Enter the date the support will be reviewed"]}),
        (
            {"outcome": "approved", "review_on": TODAY},
            {"review_on": ["The review date must be after the panel (10 March 2025)"]},
        ),
        ({"outcome": "declined"}, {"notes": ["Enter why the panel declined the request"]}),
        (
            {"outcome": "deferred", "notes": "x", "conditions": "y"},
            {"conditions": ["Only an approved request has conditions"]},
        ),
    ]
    for kwargs, errors in cases:
        with freeze_time(NOW), pytest.raises(DomainError) as exc:
            svc.request_decide(actor=world.manager, request=request, expected_version=request.version, **kwargs)
        assert exc.value.errors == errors
    with freeze_time("2025-03-09 10:00"), pytest.raises(DomainError) as exc:
        svc.request_decide(
            actor=world.manager, request=request, outcome="declined", notes="n", expected_version=request.version
        )
    assert exc.value.errors == {
        "__all__": ["The panel sits on 10 March 2025: record its decisions on or after that day"]
    }
    assert PanelRequest.objects.get(pk=request.pk).status == "on_agenda"


def test_only_panel_members_decide(world, case):
    panel, request = _on_agenda(world, case)
    for user in (world.sw, world.admin, world.specialist):
        with freeze_time(NOW), pytest.raises(ForbiddenError):
            svc.request_decide(
                actor=user, request=request, outcome="declined", notes="n", expected_version=request.version
            )


def test_a_request_not_on_an_agenda_cannot_be_decided(world, case):
    request = submitted_request(case, world.sw)
    with freeze_time(NOW), pytest.raises(DomainError) as exc:
        svc.request_decide(
            actor=world.manager, request=request, outcome="declined", notes="n", expected_version=request.version
        )
    assert "only an item on a panel's agenda can be decided" in exc.value.message


def test_a_second_decision_from_a_stale_page_is_refused_and_names_the_first(world, case):
    panel, request = _on_agenda(world, case)
    version = request.version
    with freeze_time(NOW):
        svc.request_decide(
            actor=world.manager, request=request, outcome="approved", review_on=D(2025, 4, 7), expected_version=version
        )
        with pytest.raises(ConcurrentEditError) as exc:
            svc.request_decide(
                actor=world.leader, request=request, outcome="declined", notes="No", expected_version=version
            )
    assert exc.value.message.startswith(f"{world.manager} recorded a decision on this request (approved) at 10:00")
    assert PanelDecision.objects.filter(request=request).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_members_deciding_at_once_one_wins_the_other_is_told(world):
    case = open_case(world.own, world.sw)
    panel, request = _on_agenda(world, case)
    version = request.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    choices = {world.manager.username: ("approved", ""), world.leader.username: ("declined", "Too costly")}

    def decide(member):  # type: ignore[no-untyped-def]
        outcome, notes = choices[member.username]
        try:
            barrier.wait(timeout=10)
            svc.request_decide(
                actor=member,
                request=PanelRequest.objects.get(pk=request.pk),
                outcome=outcome,
                notes=notes,
                review_on=D(2025, 4, 7) if outcome == "approved" else None,
                expected_version=version,
            )
            outcomes[member.username] = "decided"
        except DomainError as exc:
            outcomes[member.username] = exc.message
        finally:
            connection.close()

    # freezegun patches the clock for every thread, and is not thread-safe: freezing inside each thread let one
    # thread's exit unfreeze the clock while the other was connecting, and psycopg's connect timeout expired.
    # The clock is frozen once, here, around both threads.
    threads = [threading.Thread(target=decide, args=(m,)) for m in (world.manager, world.leader)]
    with freeze_time(NOW):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert len(outcomes) == 2, outcomes
    assert list(outcomes.values()).count("decided") == 1, outcomes
    (winner,) = [u for u, v in outcomes.items() if v == "decided"]
    (told,) = [v for v in outcomes.values() if v != "decided"]
    assert "recorded a decision on this request" in told and "Your decision was not saved" in told
    assert PanelDecision.objects.filter(request=request).count() == 1
    stored = PanelRequest.objects.get(pk=request.pk)
    assert stored.status == choices[winner][0]
    assert ChronologyEvent.objects.filter(kind="panels.request_decided").count() == 1


# --- Sittings ----------------------------------------------------------------------------------------------
def test_scheduling_checks_the_date_and_chair(world):
    with freeze_time(NOW):
        panel = svc.panel_schedule(actor=world.admin, kind="resource", sits_on=D(2025, 3, 12), chair=world.manager)
        with pytest.raises(DomainError) as exc:
            svc.panel_schedule(actor=world.admin, kind="resource", sits_on=D(2025, 3, 12), chair=world.sw)
    assert exc.value.errors == {
        "sits_on": ["There is already a resource panel on 12 March 2025"],
        "chair": ["The chair must be someone who sits on panels"],
    }
    assert panel.status == "scheduled"
    with pytest.raises(ForbiddenError):
        svc.panel_schedule(actor=world.sw, kind="resource", sits_on=D(2025, 3, 19), chair=world.manager)


def test_a_panel_is_held_once_every_item_is_decided_and_attendance_recorded(world, case):
    panel, request = _on_agenda(world, case)
    with freeze_time(NOW):
        with pytest.raises(DomainError) as exc:
            svc.panel_mark_held(actor=world.manager, panel=panel, expected_version=Panel.objects.get().version)
        assert exc.value.errors == {
            "__all__": [
                "1 item on the agenda still needs a decision, or moving to the next panel",
                "Record who attended the panel",
            ]
        }
        svc.panel_attendance_add(
            actor=world.manager, panel=panel, user=world.manager, role="Chair", attendance="present"
        )
        svc.panel_attendance_add(
            actor=world.manager,
            panel=panel,
            name="Registered manager, short break centre",
            role="Short breaks",
            attendance="present",
        )
        with pytest.raises(DomainError) as exc:
            svc.panel_attendance_add(
                actor=world.manager, panel=panel, user=world.manager, role="x", attendance="present"
            )
        assert "already recorded" in exc.value.errors["user"][0]
        svc.request_decide(
            actor=world.manager,
            request=request,
            outcome="declined",
            notes="Not needed",
            expected_version=request.version,
        )
        held = svc.panel_mark_held(actor=world.manager, panel=panel, expected_version=Panel.objects.get().version)
    assert held.status == "held" and held.held_by == world.manager
    assert PanelAttendance.objects.filter(panel=panel).count() == 2
    with pytest.raises(DomainError):
        svc.panel_attendance_add(actor=world.manager, panel=panel, name="Late", role="x", attendance="present")


def test_withdrawing_takes_a_request_off_the_agenda(world, case):
    panel, request = _on_agenda(world, case)
    with freeze_time(NOW):
        with pytest.raises(ForbiddenError):
            svc.request_withdraw(actor=world.cp_worker, request=request, reason="x", expected_version=request.version)
        svc.request_withdraw(
            actor=world.sw, request=request, reason="Family found support", expected_version=request.version
        )
    request.refresh_from_db()
    assert (request.status, request.panel) == ("withdrawn", None)
    assert ChronologyEvent.objects.filter(kind="panels.request_withdrawn", person=world.own).count() == 1


def test_a_restricted_childs_request_needs_a_grant_to_decide(world):
    child = ChildFactory(is_restricted=True)
    worker = UserFactory(role=Role.SOCIAL_WORKER, team=world.team_a)
    case = open_case(child, worker)
    panel, request = _on_agenda(world, case)
    with freeze_time(NOW), pytest.raises(ForbiddenError):
        svc.request_decide(
            actor=world.leader, request=request, outcome="declined", notes="n", expected_version=request.version
        )


def test_a_panel_cannot_be_closed_without_the_version_read(world):
    """Closing a sitting is final: a request that did not read the sitting's version is refused."""
    import pytest as _pytest

    from familyhelp.core.errors import ConcurrentEditError
    from familyhelp.panels import services as panel_services
    from familyhelp.panels.models import Panel

    panel = Panel.objects.create(kind="resource", sits_on=datetime.date.today(), chair=world.manager)
    with _pytest.raises(ConcurrentEditError):
        panel_services.panel_mark_held(actor=world.manager, panel=panel, expected_version=None)
    assert Panel.objects.get(pk=panel.pk).status == "scheduled"
