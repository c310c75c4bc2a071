"""The synthetic front door: calibration to the national figures and the invariants of the history.

One small council (seed 1) is generated for the module and rolled back afterwards; the tests only read it.
Figures are recomputed here from the rows, independently of how the generator planned them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import F

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.models import ChronologyEvent
from familyhelp.core import calendar
from familyhelp.core.models import Counter as SequenceCounter
from familyhelp.frontdoor.models import Contact, PartnerCheck, ThresholdDecision
from familyhelp.frontdoor.services import OUTCOME_LEVELS, decision_due_at, previous_referral
from familyhelp.people.models import ProfessionalInvolvement
from familyhelp.synthetic.generator import GenerationResult, generate

TODAY = date(2025, 3, 31)
LONDON = ZoneInfo("Europe/London")
# "Now" for the queue: the middle of the reference day (the generated contacts stop at 07:00 that day).
NOON = datetime.combine(TODAY, time(12), tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[GenerationResult]:
    """The small council, generated once for the module inside a transaction that is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        result = generate(preset="small", seed=1, today=TODAY)
        yield result
        transaction.set_rollback(True)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


# --- Calibration ------------------------------------------------------------------------------------
def test_decisions_in_the_national_mix(small: GenerationResult) -> None:
    """NFA/advice/signpost ~45%, level 3 family support ~20%, S17 ~28%, S47 ~7% of decisions."""
    outcomes = Counter(
        ThresholdDecision.objects.filter(status=ThresholdDecision.Status.AUTHORISED).values_list("outcome", flat=True)
    )
    total = sum(outcomes.values())
    assert total > 2000
    low = outcomes["nfa"] + outcomes["advice"] + outcomes["signpost"]
    assert 42 <= _share(low, total) <= 48
    assert 17 <= _share(outcomes["family_support"], total) <= 23
    assert 25 <= _share(outcomes["single_assessment"], total) <= 31
    assert 5 <= _share(outcomes["strategy_discussion"], total) <= 9
    assert outcomes["nfa"] and outcomes["advice"] and outcomes["signpost"]


def test_contacts_are_two_and_a_half_to_three_times_the_referrals(small: GenerationResult) -> None:
    contacts = Contact.objects.count()
    referrals = CINEpisode.objects.count()
    assert referrals > 800
    assert 2.5 <= contacts / referrals <= 3.0
    # Every referral is a contact decided at S17 or S47, received on the referral date.
    decided = ThresholdDecision.objects.filter(
        status=ThresholdDecision.Status.AUTHORISED, outcome__in=["single_assessment", "strategy_discussion"]
    )
    assert decided.count() == referrals
    for episode in CINEpisode.objects.select_related("contact")[:300]:
        assert episode.contact is not None and episode.contact.child_id == episode.person_id
        assert episode.referral_date == episode.contact.received_at.astimezone(LONDON).date()
        assert episode.referral_source == episode.contact.referral_source


def test_referral_volume_follows_the_records(small: GenerationResult) -> None:
    """Referrals a year, per 10,000 children the records stand for (see docs/domain/synthetic-council.md)."""
    year_ago = TODAY - timedelta(days=365)
    referrals = CINEpisode.objects.filter(referral_date__gt=year_ago, referral_date__lte=TODAY).count()
    contacts = Contact.objects.filter(received_at__date__gt=year_ago).count()
    assert referrals > 300
    assert 2.0 <= contacts / referrals <= 3.2
    # Every child on a caseload now came through the front door as a case.
    allocated = ProfessionalInvolvement.objects.filter(
        role__in=["allocated_worker", "lead_practitioner"], end_date__isnull=True
    ).values_list("person_id", flat=True)
    assert set(allocated) <= set(Case.objects.values_list("person_id", flat=True))


def test_re_referrals_within_twelve_months_are_about_22_percent(small: GenerationResult) -> None:
    dates: dict[object, list[date]] = defaultdict(list)
    for person, referred in CINEpisode.objects.values_list("person_id", "referral_date"):
        dates[person].append(referred)
    again = total = 0
    for days in dates.values():
        days.sort()
        for i, day in enumerate(days):
            total += 1
            again += any(_year_before(day) <= earlier < day for earlier in days[:i])
    assert 19 <= _share(again, total) <= 25
    # The contact that made each referral says so, as contact_identify_child would have.
    flagged = CINEpisode.objects.filter(contact__is_rereferral=True).count()
    assert flagged == again
    repeated = [d for d in dates.values() if len(d) > 1]
    assert len(repeated) > 100


def test_closures_and_no_further_action_after_assessment(small: GenerationResult) -> None:
    episodes = CINEpisode.objects.all()
    total = episodes.count()
    reasons = Counter(episodes.values_list("closure_reason", flat=True))
    assert 5 <= _share(reasons["RC8"], total) <= 8  # national 6.5%
    assert reasons["RC7"] > reasons["RC9"] > reasons["RC8"]
    assert set(reasons) <= {"", "RC1", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"}
    assert 0.5 * total < episodes.filter(closed_on__isnull=False).count() < total  # most closed, the recent open
    assert not episodes.filter(closed_on__isnull=False, closure_reason="").exists()
    assert not episodes.filter(closed_on__isnull=True).exclude(closure_reason="").exists()
    old = episodes.filter(referral_date__lt=TODAY - timedelta(days=5 * 365))
    assert not old.filter(closed_on__isnull=True, case__status="awaiting_allocation").exists()


def test_domestic_abuse_and_referral_sources(small: GenerationResult) -> None:
    contacts = Contact.objects.all()
    total = contacts.count()
    assert 12 <= _share(contacts.filter(kind=Contact.Kind.DOMESTIC_ABUSE).count(), total) <= 18
    assert set(contacts.filter(kind=Contact.Kind.DOMESTIC_ABUSE).values_list("referral_source", flat=True)) == {"6"}
    sources = Counter(contacts.values_list("referral_source", flat=True))

    def group(prefixes: tuple[str, ...]) -> float:
        return _share(sum(n for code, n in sources.items() if code.startswith(prefixes) and code != "10"), total)

    assert 25 <= group(("6",)) <= 33  # police 29%
    assert 18 <= group(("2",)) <= 25  # schools and education 21%
    assert 12 <= group(("3",)) <= 18  # health 15%
    assert 5 <= group(("1A", "1B", "1C", "1D")) <= 9  # individuals 7%
    assert 9 <= group(("5",)) <= 15  # LA services 12%
    # The top factors: domestic abuse and parental mental health, each in about a third of referrals.
    referred = Contact.objects.filter(cin_episodes__isnull=False)
    factors = [set(f) for f in referred.values_list("factors", flat=True)]
    assert _share(sum(1 for f in factors if f & {"3A", "3B", "3C"}), len(factors)) > 30
    assert _share(sum(1 for f in factors if "4B" in f), len(factors)) > 30


# --- Invariants ---------------------------------------------------------------------------------------
def test_constraints_hold(small: GenerationResult) -> None:
    connection.check_constraints()
    assert not Contact.objects.filter(consent="given").exclude(lawful_basis="").exists()
    assert not Contact.objects.exclude(consent="given").filter(lawful_basis="").exists()


def test_one_open_case_and_episode_per_child_and_no_overlaps(small: GenerationResult) -> None:
    for model, opened in ((Case, "opened_on"), (CINEpisode, "referral_date")):
        spans: dict[object, list[tuple[date, date]]] = defaultdict(list)
        for person, start, end in model.objects.values_list("person_id", opened, "closed_on"):
            assert end is None or end >= start
            spans[person].append((start, end or date.max))
        for rows in spans.values():
            rows.sort()
            assert sum(1 for _, end in rows if end == date.max) <= 1
            for (_, end), (start, _) in zip(rows, rows[1:], strict=False):
                assert start > end, rows
    for episode in CINEpisode.objects.select_related("case"):
        assert episode.case.person_id == episode.person_id and episode.case.level == 4
        assert episode.case.closed_on == episode.closed_on
    assert not Case.objects.filter(level=3, cin_episodes__isnull=False).exists()


def test_open_cases_are_the_children_on_caseloads(small: GenerationResult) -> None:
    """Open cases: every child with an allocated worker or lead practitioner now, plus the duty bank."""
    allocated = set(
        ProfessionalInvolvement.objects.filter(
            role__in=["allocated_worker", "lead_practitioner"], end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    open_cases = Case.objects.filter(closed_on__isnull=True)
    assert set(open_cases.filter(status=Case.Status.OPEN).values_list("person_id", flat=True)) == allocated
    waiting = open_cases.filter(status=Case.Status.AWAITING_ALLOCATION)
    assert waiting.exists()
    assert not set(waiting.values_list("person_id", flat=True)) & allocated
    assert not waiting.filter(opened_on__lt=TODAY - timedelta(days=7)).exists()
    assert not Case.objects.filter(closed_on__isnull=False).exclude(status=Case.Status.CLOSED).exists()
    # A case at level 4 that is open has its open CIN episode.
    assert not open_cases.filter(level=4).exclude(cin_episodes__closed_on__isnull=True).exists()


def test_decisions_are_consistent_with_the_threshold_and_who_decides(small: GenerationResult) -> None:
    decisions = ThresholdDecision.objects.select_related("proposed_by", "authorised_by", "threshold_document")
    for decision in decisions:
        assert decision.level in OUTCOME_LEVELS[decision.outcome]
        assert decision.threshold_document.number == 1 and decision.threshold_document.status == "published"
        assert decision.proposed_by.role == "front_door"
        assert bool(decision.primary_need) == decision.makes_referral
        assert (decision.local_service_id is not None) == (decision.outcome == "signpost")
        if decision.status == ThresholdDecision.Status.AUTHORISED:
            assert decision.authorised_by is not None and decision.authorised_by != decision.proposed_by
            assert decision.authorised_by.role == "team_manager"
            assert decision.authorised_at is not None and decision.authorised_at >= decision.proposed_at
            assert decision.contact.decided_at == decision.authorised_at
    live = Counter(decisions.filter(status__in=["proposed", "authorised"]).values_list("contact_id", flat=True))
    assert max(live.values()) == 1
    assert decisions.filter(status=ThresholdDecision.Status.RETURNED).exists()


def test_clocks_checks_and_references(small: GenerationResult) -> None:
    for contact in Contact.objects.order_by("reference")[::40]:
        assert contact.decision_due_at == decision_due_at(contact.received_at)
        assert contact.received_at <= NOON
        if contact.decided_at is not None:
            assert contact.decided_at >= contact.received_at
            assert not contact.checks.filter(status=PartnerCheck.Status.REQUESTED).exists()
        for check in contact.checks.select_related("check_type"):
            assert check.due_at > check.requested_at >= contact.received_at
            assert check.due_at == calendar.add_working_hours(check.requested_at, check.check_type.due_hours)
            assert (check.status == "returned") == (check.returned_at is not None) == bool(check.rag)
    late = Contact.objects.filter(decided_at__isnull=False, decided_at__gt=F("decision_due_at")).count()
    assert 0 < late < 0.2 * Contact.objects.filter(decided_at__isnull=False).count()
    references = list(Contact.objects.order_by("received_at", "reference").values_list("reference", flat=True))
    assert all(re.fullmatch(r"C\d{7}", r) for r in references)
    assert references == sorted(references)
    assert SequenceCounter.objects.get(name="contact").value == len(references)
    cases = list(Case.objects.values_list("reference", flat=True))
    assert all(re.fullmatch(r"CASE\d{7}", r) for r in cases)
    assert SequenceCounter.objects.get(name="case").value == len(cases)


def test_re_referral_flags_agree_with_the_service(small: GenerationResult) -> None:
    for contact in Contact.objects.filter(child__isnull=False).select_related("child").order_by("reference")[::25]:
        received = contact.received_at.astimezone(LONDON).date()
        assert contact.previous_referral_date == previous_referral(contact.child, received)
        assert contact.is_rereferral == (contact.previous_referral_date is not None)


# --- The queue now ------------------------------------------------------------------------------------
def test_the_front_door_has_a_queue_with_work_in_every_state(small: GenerationResult) -> None:
    queue = Contact.objects.filter(decided_at__isnull=True)
    assert 20 <= queue.count() <= 60
    statuses = Counter(queue.values_list("status", flat=True))
    assert set(statuses) == {"new", "awaiting_checks", "awaiting_decision", "awaiting_authorisation"}
    assert not queue.filter(status=Contact.Status.NEW, child__isnull=False).exists()
    assert not queue.exclude(status=Contact.Status.NEW).filter(child__isnull=True).exists()
    for contact in queue:
        waiting = contact.checks.filter(status=PartnerCheck.Status.REQUESTED).exists()
        proposed = contact.decisions.filter(status=ThresholdDecision.Status.PROPOSED).exists()
        assert (contact.status == "awaiting_checks") == waiting
        assert (contact.status == "awaiting_authorisation") == proposed
    assert queue.filter(decision_due_at__lt=NOON).count() >= 5  # breached clocks
    overdue = PartnerCheck.objects.filter(status=PartnerCheck.Status.REQUESTED, due_at__lt=NOON)
    assert overdue.exists()
    assert queue.filter(kind=Contact.Kind.DOMESTIC_ABUSE).exists() or queue.count() < 30
    assert Contact.objects.filter(decided_at__date__gte=TODAY - timedelta(days=30)).count() > 30


def test_referrers_describe_children_with_realistic_mistakes(small: GenerationResult) -> None:
    identified = Contact.objects.filter(child__isnull=False).select_related("child")
    total = mistakes = 0
    kinds: Counter[str] = Counter()
    for contact in identified.iterator():
        child = contact.child
        assert child is not None
        total += 1
        given, family, dob = contact.child_given_names, contact.child_family_name, contact.child_date_of_birth
        if (given, family, dob) == (child.given_names, child.family_name, child.date_of_birth):
            continue
        mistakes += 1
        if dob is None and child.date_of_birth is not None:
            kinds["no dob"] += 1
        elif (
            dob and child.date_of_birth and (dob.month, dob.day) == (child.date_of_birth.day, child.date_of_birth.month)
        ):
            kinds["day and month swapped"] += 1
        elif family != child.family_name:
            kinds["family name"] += 1
        elif given != child.given_names:
            kinds["given name"] += 1
    assert 25 <= _share(mistakes, total) <= 50
    assert {"no dob", "day and month swapped", "family name", "given name"} <= set(kinds)
    assert identified.exclude(child_postcode="").count() > 0.8 * total


def test_chronology_records_contacts_decisions_cases_and_referrals(small: GenerationResult) -> None:
    events = ChronologyEvent.objects.filter(kind__startswith="frontdoor.") | ChronologyEvent.objects.filter(
        kind__startswith="casework."
    )
    kinds = Counter(events.values_list("kind", flat=True))
    identified = Contact.objects.filter(child__isnull=False)
    assert kinds["frontdoor.contact"] == identified.count()
    assert kinds["frontdoor.decision"] == identified.filter(decided_at__isnull=False).count()
    assert kinds["casework.case_opened"] == Case.objects.count()
    assert kinds["casework.referral"] == CINEpisode.objects.count()
    for event in events.filter(kind="casework.referral")[:100]:
        episode = CINEpisode.objects.get(pk=event.subject_id)
        assert event.person_id == episode.person_id and event.occurred_on == episode.referral_date


def test_partner_referrals_are_visible_to_the_partner(small: GenerationResult) -> None:
    partner_contacts = Contact.objects.filter(via=Contact.Via.PARTNER_FORM)
    assert partner_contacts.exists()
    assert not partner_contacts.filter(submitted_by__isnull=True).exists()
    for contact in partner_contacts.filter(child__isnull=False)[:200]:
        assert ProfessionalInvolvement.objects.filter(
            person_id=contact.child_id, worker_id=contact.submitted_by_id, role="referrer"
        ).exists()
    demo = Contact.objects.filter(submitted_by__username="partner")
    assert demo.exists() and demo.filter(decided_at__isnull=False, outcome_shared_at__isnull=False).exists()


def test_signposting_uses_the_directory(small: GenerationResult) -> None:
    signposted = ThresholdDecision.objects.filter(outcome="signpost").select_related("local_service")
    assert signposted.exists()
    kinds = Counter(d.local_service.kind for d in signposted if d.local_service)
    assert kinds["family_hub"] > kinds["voluntary"] > 0
