"""Reads for the front door: the queue, one contact (logged), a child's history with services, and the
partner's own referrals. Every read of a contact about an identified child is written to the access log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.frontdoor.models import CheckType, Contact, PartnerCheck, ThresholdDecision, ThresholdDocument
from familyhelp.frontdoor.permissions import can_view_contact, is_submitter
from familyhelp.people.models import Person
from familyhelp.people.permissions import person_access
from familyhelp.people.selectors import BreakGlassRequired

TABS: list[tuple[str, str]] = [
    ("open", "All open"),
    ("new", "New"),
    ("checks", "Awaiting checks"),
    ("decision", "Awaiting decision"),
    ("authorisation", "Awaiting authorisation"),
    ("domestic_abuse", "Domestic abuse"),
    ("breached", "Breached clocks"),
    ("decided", "Decided (last 30 days)"),
]
SORTS = {
    "due": ("decision_due_at", "Decision due (soonest first)"),
    "received": ("-received_at", "Received (newest first)"),
    "urgency": ("urgency_rank", "Urgency (most urgent first)"),
}


def _overdue_check() -> Exists:
    return Exists(
        PartnerCheck.objects.filter(
            contact=OuterRef("pk"), status=PartnerCheck.Status.REQUESTED, due_at__lt=clock.now()
        )
    )


def _tab_q(tab: str) -> Q:
    now = clock.now()
    undecided = Q(decided_at__isnull=True)
    return {
        "open": undecided,
        "new": Q(status=Contact.Status.NEW),
        "checks": Q(status=Contact.Status.AWAITING_CHECKS),
        "decision": Q(status=Contact.Status.AWAITING_DECISION),
        "authorisation": Q(status=Contact.Status.AWAITING_AUTHORISATION),
        "domestic_abuse": undecided & Q(kind=Contact.Kind.DOMESTIC_ABUSE),
        "breached": undecided & (Q(decision_due_at__lt=now) | Q(has_overdue_check=True)),
        "decided": Q(decided_at__gte=now - timedelta(days=30)),
    }[tab]


@dataclass
class QueueFilters:
    tab: str = "open"
    urgency: str = ""
    kind: str = ""
    source: str = ""
    sort: str = "due"

    @classmethod
    def from_query(cls, data: Any) -> QueueFilters:
        tab = data.get("tab", "open")
        sort = data.get("sort", "due")
        return cls(
            tab=tab if tab in dict(TABS) else "open",
            urgency=data.get("urgency", "") if data.get("urgency", "") in Contact.Urgency.values else "",
            kind=data.get("kind", "") if data.get("kind", "") in Contact.Kind.values else "",
            source=data.get("source", "")[:3],
            sort=sort if sort in SORTS else "due",
        )


def _base_queue(user: Any) -> QuerySet[Contact]:
    if not has_verb(user, roles.VIEW_CONTACT):
        raise PermissionDenied("Your role cannot see the front door's contacts.")
    return Contact.objects.annotate(has_overdue_check=_overdue_check())


def contact_queue_for_user(user: Any, filters: QueueFilters) -> QuerySet[Contact]:
    """The front-door work tray: one tab, filtered and sorted. Restricted children show no name."""
    qs = _base_queue(user).filter(_tab_q(filters.tab))
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.source:
        qs = qs.filter(referral_source=filters.source)
    qs = qs.annotate(
        urgency_rank=SqlCase(
            When(urgency=Contact.Urgency.IMMEDIATE, then=Value(0)),
            When(urgency=Contact.Urgency.SAME_DAY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        checks_out=Count("checks", filter=Q(checks__status=PartnerCheck.Status.REQUESTED), distinct=True),
    )
    order = SORTS[filters.sort][0]
    return qs.select_related("child", "referrer_agency").order_by(order, "decision_due_at", "reference")


def queue_counts_for_user(user: Any) -> dict[str, int]:
    """How many contacts are in each tab (one query)."""
    qs = _base_queue(user)
    aggregates = {tab: Count("pk", filter=_tab_q(tab)) for tab, _ in TABS}
    return qs.aggregate(**aggregates)


def contact_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the contact") -> Contact:
    """One contact, for front-door staff or the partner who submitted it; the read is access-logged."""
    try:
        contact = Contact.objects.select_related("child", "referrer_agency", "submitted_by").get(pk=pk)
    except (Contact.DoesNotExist, ValueError) as exc:
        raise Http404("No such contact") from exc
    if is_submitter(user, contact) and not has_verb(user, roles.VIEW_CONTACT):
        access_log_record(
            actor=user, action=AccessLog.Action.VIEW, person=contact.child, obj=contact, basis="referred",
            reason="viewed their referral",
        )
        return contact
    if has_verb(user, roles.VIEW_CONTACT) and contact.child is not None and contact.child.is_restricted:
        access = person_access(user, contact.child)
        if not access.allowed:
            access_log_record(
                actor=user, action=AccessLog.Action.DENIED, person=contact.child, obj=contact,
                basis=access.basis or "none", reason="restricted record: break glass offered",
            )
            if access.needs_break_glass:
                raise BreakGlassRequired(contact.child)
            raise PermissionDenied("You do not have access to this record.")
    if not can_view_contact(user, contact):
        access_log_record(actor=user, action=AccessLog.Action.DENIED, person=contact.child, obj=contact,
                          basis="none", reason="not front-door staff")
        raise PermissionDenied("You cannot see this contact.")
    access_log_record(
        actor=user, action=AccessLog.Action.VIEW, person=contact.child, obj=contact, basis="front_door",
        reason=purpose,
    )
    return contact


def check_get_for_user(user: Any, pk: Any) -> PartnerCheck:
    try:
        check = PartnerCheck.objects.select_related("contact", "check_type").get(pk=pk)
    except (PartnerCheck.DoesNotExist, ValueError) as exc:
        raise Http404("No such check") from exc
    contact_get_for_user(user, check.contact_id, purpose="recorded a partner check")
    return check


def decision_get_for_user(user: Any, pk: Any) -> ThresholdDecision:
    try:
        decision = ThresholdDecision.objects.select_related("contact", "proposed_by").get(pk=pk)
    except (ThresholdDecision.DoesNotExist, ValueError) as exc:
        raise Http404("No such decision") from exc
    contact_get_for_user(user, decision.contact_id, purpose="worked on the decision")
    return decision


def siblings_of(contact: Contact) -> list[Contact]:
    return list(
        Contact.objects.filter(sibling_group=contact.sibling_group).exclude(pk=contact.pk).select_related("child")
    )


def live_decision(contact: Contact) -> ThresholdDecision | None:
    return (
        contact.decisions.filter(status__in=[ThresholdDecision.Status.PROPOSED, ThresholdDecision.Status.AUTHORISED])
        .select_related("proposed_by", "authorised_by", "threshold_document", "local_service", "checks_override_by")
        .first()
    )


def partner_referrals_for_user(user: Any) -> QuerySet[Contact]:
    """The referrals a partner user submitted, newest first, with their outcome once decided."""
    if not has_verb(user, roles.SUBMIT_REFERRAL):
        raise PermissionDenied("Your role cannot submit referrals.")
    return Contact.objects.filter(submitted_by=user).order_by("-received_at")


def outcome_for_referrer(contact: Contact) -> ThresholdDecision | None:
    """The authorised decision the referrer may see (None while the front door is still deciding)."""
    return contact.decisions.filter(status=ThresholdDecision.Status.AUTHORISED).select_related("local_service").first()


def outcomes_for_referrer(contacts: list[Contact]) -> dict[Any, ThresholdDecision | None]:
    """`outcome_for_referrer` for many contacts in one query: contact pk -> its authorised decision or None."""
    out: dict[Any, ThresholdDecision | None] = {c.pk: None for c in contacts}
    decisions = (
        ThresholdDecision.objects.filter(contact__in=list(out), status=ThresholdDecision.Status.AUTHORISED)
        .select_related("local_service")
        .order_by(*(ThresholdDecision._meta.ordering or ["pk"]))
    )
    for decision in decisions:
        if out.get(decision.contact_id) is None:
            out[decision.contact_id] = decision
    return out


def check_types_active() -> QuerySet[CheckType]:
    return CheckType.objects.filter(is_active=True)


def threshold_documents() -> QuerySet[ThresholdDocument]:
    return ThresholdDocument.objects.prefetch_related("levels")


# --- A child's history with services (for search results and the contact page) ---------------------
@dataclass
class History:
    """What the front door needs to know about a candidate's previous involvement."""

    open_case: Any = None
    cases: list[Any] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)
    contacts: int = 0
    last_contact: date | None = None
    last_referral: date | None = None
    rereferral: bool = False
    closed_within_year: Any = None  # the latest case closed in the 12 months before (a reopening is a re-referral)

    @property
    def known(self) -> bool:
        return bool(self.cases or self.referrals or self.contacts)


def histories_for(people: list[Person], *, on: date | None = None, exclude_contact: Any = None) -> dict[Any, History]:
    """Previous involvement for several people at once (a fixed number of queries)."""
    from familyhelp.casework.models import Case, CINEpisode

    on = on or clock.today()
    year_ago = on.replace(year=on.year - 1) if not (on.month == 2 and on.day == 29) else on.replace(
        year=on.year - 1, day=28
    )
    ids = [p.pk for p in people]
    out: dict[Any, History] = {pk: History() for pk in ids}
    for case in Case.objects.filter(person_id__in=ids).order_by("-opened_on"):
        h = out[case.person_id]
        h.cases.append(case)
        if case.closed_on is None:
            h.open_case = case
        elif year_ago <= case.closed_on <= on and (
            h.closed_within_year is None or case.closed_on > h.closed_within_year.closed_on
        ):
            h.closed_within_year = case
    for episode in CINEpisode.objects.filter(person_id__in=ids).order_by("-referral_date"):
        h = out[episode.person_id]
        h.referrals.append(episode)
        if h.last_referral is None or episode.referral_date > h.last_referral:
            h.last_referral = episode.referral_date
        if year_ago <= episode.referral_date < on:
            h.rereferral = True
    contacts = Contact.objects.filter(child_id__in=ids)
    if exclude_contact is not None:
        contacts = contacts.exclude(pk=exclude_contact.pk)
    for row in contacts.values("child_id").annotate(n=Count("pk")):
        out[row["child_id"]].contacts = row["n"]
    for child_id, received in contacts.order_by("child_id", "-received_at").values_list("child_id", "received_at"):
        h = out[child_id]
        if h.last_contact is None:
            h.last_contact = timezone.localdate(received)
    return out


def contacts_for_person(person: Person) -> QuerySet[Contact]:
    return Contact.objects.filter(child=person).order_by("-received_at")
