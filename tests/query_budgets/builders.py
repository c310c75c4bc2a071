"""Rows for the query budgets: each builder adds `n` more of something a page lists, in the scope of the
shared `world`'s social worker (sw, team_a) so every role that sees her children sees the new rows."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from familyhelp.accounts.models import Notification
from familyhelp.casework.models import (
    Assessment,
    Case,
    CaseNote,
    CINEpisode,
    Plan,
    PlanAction,
    PlanGoal,
    S47Enquiry,
    StrategyDiscussion,
    Visit,
)
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.frontdoor.models import CheckType, Contact, ContactPerson, PartnerCheck
from familyhelp.people.models import Relationship
from familyhelp.people.tests.factories import AdultFactory, ChildFactory, InvolvementFactory

D = datetime.date
START = D(2024, 1, 1)
_refs = itertools.count(1)


def child_of(worker: Any, *, factory: Any = ChildFactory, **kwargs: Any) -> Any:
    """A child on the worker's caseload."""
    child = factory(**kwargs)
    InvolvementFactory(person=child, worker=worker, start_date=START)
    return child


def case_for(child: Any, worker: Any, *, level: int = 4, opened: datetime.date = START) -> Case:
    """An open case, allocated to the worker, with a CIN episode at level 4."""
    case = Case.objects.create(
        reference=f"QB{next(_refs):07d}",
        person=child,
        level=level,
        status=Case.Status.OPEN,
        opened_on=opened,
        team=worker.team,
        worker=worker,
        allocated_on=opened,
    )
    if level == 4:
        CINEpisode.objects.create(
            case=case, person=child, referral_date=opened, referral_source="2A", primary_need="N1"
        )
    return case


def casework(case: Case, worker: Any, n: int = 1) -> None:
    """History on a case: assessments, a plan with goals and actions, visits, notes, chronology events."""
    episode = case.cin_episodes.first()
    for i in range(n):
        day = case.opened_on + datetime.timedelta(days=7 * (i + 1))
        Assessment.objects.create(
            case=case,
            cin_episode=episode,
            person=case.person,
            kind=Assessment.Kind.SINGLE,
            started_on=day,
            due_on=day + datetime.timedelta(days=45),
        )
        Visit.objects.create(case=case, person=case.person, visited_on=day, seen=Visit.Seen.ALONE, visited_by=worker)
        CaseNote.objects.create(
            case=case, person=case.person, category=CaseNote.Category.CONTACT, occurred_on=day, text="Note"
        )
        ChronologyEvent.objects.create(
            person=case.person, kind="case_note", summary="A note", occurred_on=day, recorded_by=worker
        )
        if episode is not None:
            discussion = StrategyDiscussion.objects.create(
                case=case, cin_episode=episode, person=case.person, held_on=day, agencies=["Police"], decision="s47"
            )
            S47Enquiry.objects.create(
                case=case,
                cin_episode=episode,
                person=case.person,
                strategy_discussion=discussion,
                started_on=day,
                icpc_due_on=day + datetime.timedelta(days=15),
            )
    plan = case.plans.first() or Plan.objects.create(
        case=case, cin_episode=episode, person=case.person, kind=Plan.Kind.CIN, started_on=case.opened_on
    )
    for _ in range(n):
        goal = PlanGoal.objects.create(plan=plan, text="Zoë gets to school every day")
        PlanAction.objects.create(plan=plan, goal=goal, text="Walk to school together", due_on=D(2025, 1, 1))


def children_with_cases(
    world: Any, n: int, *, worker: Any = None, history: int = 1, opened: datetime.date = START
) -> list[Case]:
    """`n` children on the worker's caseload, each with an open case and a little history."""
    worker = worker or world.sw
    cases = []
    for _ in range(n):
        case = case_for(child_of(worker), worker, opened=opened)
        casework(case, worker, history)
        cases.append(case)
    return cases


def contacts(world: Any, n: int, *, child: Any = None, checks: int = 1, people: int = 1) -> list[Contact]:
    """`n` open contacts about identified children (a new child each unless `child`), with checks out and
    family members named."""
    from familyhelp.frontdoor.defaults import install

    install()
    now = timezone.now()
    types = list(CheckType.objects.order_by("order", "name")[:checks])
    made = []
    for _ in range(n):
        kid = child or child_of(world.sw)
        contact = Contact.objects.create(
            reference=f"QBC{next(_refs):07d}",
            received_at=now - datetime.timedelta(hours=2),
            child=kid,
            child_given_names=kid.given_names,
            child_family_name=kid.family_name,
            referral_source="2A",
            concerns="Worried about the child.",
            consent=Contact.Consent.GIVEN,
            decision_due_at=now + datetime.timedelta(hours=22),
            status=Contact.Status.AWAITING_CHECKS if types else Contact.Status.NEW,
            submitted_by=world.partner,
        )
        for check_type in types:
            PartnerCheck.objects.create(
                contact=contact, check_type=check_type, requested_at=now, due_at=now + datetime.timedelta(hours=4)
            )
        for _ in range(people):
            adult: Any = AdultFactory()
            Relationship.objects.create(person=adult, related_person=kid, type=Relationship.Type.PARENT)
            ContactPerson.objects.create(contact=contact, person=adult, relationship="mother")
        made.append(contact)
    return made


def notifications(user: Any, n: int, *, about: Any = None) -> None:
    for _ in range(n):
        Notification.objects.create(
            recipient=user, kind=Notification.Kind.choices[0][0], person=about, message="Something needs your attention"
        )


def taf_for_partner(world: Any, n: int) -> None:
    """`n` cases with the partner as a member of the team around the family, each with an open action."""
    from familyhelp.taf.tests.factories import PartnerTafMemberFactory, TafActionFactory, TafMeetingFactory

    for case in children_with_cases(world, n, history=0):
        member = PartnerTafMemberFactory(case=case, user=world.partner)
        meeting: Any = TafMeetingFactory(case=case)
        meeting.attendees.add(member)
        TafActionFactory(owner=member, meeting=meeting)


def referred_by_partner(world: Any, n: int) -> None:
    from familyhelp.people.tests.factories import ReferrerInvolvementFactory

    for _ in range(n):
        kid = child_of(world.cp_worker)
        ReferrerInvolvementFactory(person=kid, worker=world.partner, start_date=START)


def team_members(world: Any, n: int, *, team: Any = None) -> None:
    """`n` more workers in the team, each with two children."""
    from familyhelp.accounts.roles import Role
    from familyhelp.accounts.tests.factories import UserFactory

    for _ in range(n):
        worker = UserFactory(role=Role.SOCIAL_WORKER, team=team or world.team_a)
        child_of(worker)
        child_of(worker)


def refused_access(world: Any, n: int) -> None:
    """`n` refused reads and break-glass entries in the access log, by different users."""
    from familyhelp.accounts.roles import Role
    from familyhelp.accounts.tests.factories import UserFactory
    from familyhelp.audit.models import AccessLog

    for i in range(n):
        user: Any = UserFactory(role=Role.SOCIAL_WORKER, team=world.team_b)
        AccessLog.objects.create(
            user=user,
            action=AccessLog.Action.DENIED if i % 2 else AccessLog.Action.BREAK_GLASS,
            person=world.restricted,
            reason="Checking",
        )


def service(world: Any, **kwargs: Any) -> Any:
    from familyhelp.specialist.tests.factories import ServiceFactory

    return ServiceFactory(team=world.specialist.team, **kwargs)


def service_referrals(world: Any, svc: Any, n: int) -> list[Any]:
    """`n` children's cases referred to the service: a third waiting, the rest started."""
    from familyhelp.specialist.tests.factories import ReferralFactory, StartedReferralFactory

    made = []
    for i, case in enumerate(children_with_cases(world, n, history=0)):
        factory = ReferralFactory if i % 3 == 0 else StartedReferralFactory
        made.append(factory(service=svc, case=case, requested_by=world.sw))
    return made


def service_history(world: Any, referral: Any, n: int) -> None:
    """Sessions and short-break stays on one referral."""
    from familyhelp.specialist.models import ServiceContact, ShortBreakAdmission

    for i in range(n):
        day = D(2025, 1, 6) + datetime.timedelta(days=7 * i)
        ServiceContact.objects.create(referral=referral, date=day, by=world.specialist)
        ShortBreakAdmission.objects.create(referral=referral, admitted_on=day, left_on=day + datetime.timedelta(days=2))


def panel_requests(world: Any, n: int, *, case: Any = None, panel: Any = None) -> list[Any]:
    """`n` submitted requests (a new case each unless `case`), on the panel's agenda if given."""
    from familyhelp.panels.tests.factories import submitted_request

    cases = [case] * n if case is not None else children_with_cases(world, n, history=0)
    return [submitted_request(c, world.sw, panel=panel) for c in cases]


def taf_history(world: Any, case: Any, n: int) -> None:
    """Members (one a partner's user), meetings attended and actions on one case's team around the family."""
    from familyhelp.taf.tests.factories import TafActionFactory, TafMeetingFactory, TafMemberFactory

    for _ in range(n):
        member = TafMemberFactory(case=case)
        meeting: Any = TafMeetingFactory(case=case)
        meeting.attendees.add(member)
        TafActionFactory(owner=member, meeting=meeting)


def completions(world: Any, child: Any, n: int) -> None:
    """`n` finalised Graded Care Profiles of the child, each a review of the one before."""
    from freezegun import freeze_time

    from familyhelp.practice.defaults import install
    from familyhelp.practice.models import Completion
    from familyhelp.practice.tests.factories import final, gcp2

    install()  # a transactional test elsewhere may have emptied the tables the migration filled

    previous = Completion.objects.filter(person=child).order_by("-completed_on").first()
    start = previous.completed_on if previous else D(2025, 1, 6)
    for i in range(n):
        on = start + datetime.timedelta(days=7 * (i + 1))
        with freeze_time(on.isoformat()):  # recorded on the day
            previous = final(world.sw, child, "gcp2", on, gcp2(3, 3, 3, 3), review_of=previous)
