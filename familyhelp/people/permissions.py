"""Record scope for people: which records a user may see, on what basis, and restricted records.

A user sees a child's record when their role grants `people.view_person` and the child falls inside
their record scope (own caseload, team, service, all, or — for partner users — children they referred).
An adult's record is visible when the adult is related to a child the user can see.
A restricted record additionally needs a named grant or an unexpired break-glass access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, Q, QuerySet, Subquery

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.accounts.roles import SCOPE_ORDER, Scope
from familyhelp.core import clock
from familyhelp.core.middleware import forget_request_memo, request_memo
from familyhelp.organisation.models import Team
from familyhelp.people.models import Person, ProfessionalInvolvement, Relationship

Basis = str  # one of audit.AccessLog.Basis values

# Later apps add relationships (for example "referred this contact") as providers: (user) -> Q on Person.
RELATIONSHIP_PROVIDERS: dict[str, list[Callable[[Any], Q]]] = {"own": [], "referred": []}


def _active_involvements() -> QuerySet[ProfessionalInvolvement]:
    """Involvements that put a child in scope: current ones, and ones that ended in the last
    FAMILYHELP_SCOPE_AFTER_INVOLVEMENT_DAYS days (default 90, ADR 0003), so a closed case stays readable to
    the people who worked it while they finish recording, audit it or meet the family again."""
    since = clock.today() - timedelta(days=settings.FAMILYHELP_SCOPE_AFTER_INVOLVEMENT_DAYS)
    return ProfessionalInvolvement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=since))


def _caseload_involvements() -> QuerySet[ProfessionalInvolvement]:
    return _active_involvements().filter(role__in=ProfessionalInvolvement.CASELOAD_ROLES, worker__isnull=False)


def _basis_q(user: Any, basis: str) -> Q | None:
    """The Q selecting children related to the user on this basis (None = nobody)."""
    if basis == Scope.ALL:
        return Q()
    if basis == Scope.REFERRED:
        q = Q(pk__in=ProfessionalInvolvement.objects.filter(worker=user, role="referrer").values("person_id"))
        for provider in RELATIONSHIP_PROVIDERS["referred"]:
            q |= provider(user)
        return q
    if basis == Scope.OWN:
        # their caseload, and the records they created themselves (so a new record can be opened)
        q = Q(pk__in=_caseload_involvements().filter(worker=user).values("person_id")) | Q(created_by=user)
        for provider in RELATIONSHIP_PROVIDERS["own"]:
            q |= provider(user)
        return q
    team_id = getattr(user, "team_id", None)  # the id only: the team's row is read inside the query
    if team_id is None:
        return None
    if basis == Scope.TEAM:
        return Q(pk__in=_caseload_involvements().filter(worker__team_id=team_id).values("person_id"))
    if basis == Scope.SERVICE:
        service = Subquery(Team.objects.filter(pk=team_id).values("service")[:1])
        return Q(pk__in=_caseload_involvements().filter(worker__team__service=service).values("person_id"))
    return None


def _bases_within(scope: str) -> list[str]:
    """The bases a scope includes, narrowest first. Partner users only ever have 'referred'."""
    if scope == Scope.NONE:
        return []
    if scope == Scope.REFERRED:
        return [Scope.REFERRED]
    upto = SCOPE_ORDER.index(Scope(scope))
    return [Scope.REFERRED, *SCOPE_ORDER[2 : upto + 1]]


def children_q(user: Any) -> Q | None:
    """A Q selecting the children (and other people directly related to the user) inside the user's scope."""
    if not has_verb(user, roles.VIEW_PERSON):
        return None
    combined: Q | None = None
    for basis in _bases_within(user.scope):
        q = _basis_q(user, basis)
        if q is None:
            continue
        if basis == Scope.ALL:
            return Q()
        combined = q if combined is None else combined | q
    return combined


def scope_people(user: Any, qs: QuerySet[Person]) -> QuerySet[Person]:
    """Limit a queryset of people to those inside the user's record scope (restricted ones included)."""
    q = children_q(user)
    if q is None:
        return qs.none()
    if q == Q():
        return qs
    in_scope = Person.objects.filter(q).values("pk")
    if user.scope == Scope.REFERRED:  # partner users: only the children they referred, not the family
        return qs.filter(pk__in=in_scope)
    related_adults = Relationship.objects.filter(related_person__in=in_scope).values("person_id")
    return qs.filter(Q(pk__in=in_scope) | Q(kind=Person.Kind.ADULT, pk__in=related_adults))


# Record access is decided once per request per (user, record): every permission helper a page calls asks the
# same question (issue 15: 56 of a case page's 91 queries were this check). The memo lives on the request
# (core.middleware.request_memo) and is forgotten whenever something that can change the answer is written:
# grants, break-glass, involvements, relationships, the person or the user (see people.apps signals).
ACCESS_MEMO = "people.access"
_UNDECIDED = object()


def forget_access() -> None:
    """Forget the record-access decisions remembered in this request (after a write that can change them)."""
    forget_request_memo(ACCESS_MEMO)


def _memoised(kind: str, user: Any, person: Person, decide: Callable[[], Any]) -> Any:
    memo = request_memo(ACCESS_MEMO)
    if memo is None or getattr(user, "pk", None) is None or person.pk is None:
        return decide()
    key = (kind, user.pk, person.pk, person.is_restricted, person.merged_into_id)
    found = memo.get(key, _UNDECIDED)
    if found is _UNDECIDED:
        found = memo[key] = decide()
    return found


def scope_basis(user: Any, person: Person) -> Basis | None:
    """The narrowest basis on which the person is inside the user's scope, or None if outside it."""
    return _memoised("basis", user, person, lambda: _scope_basis(user, person))


def _scope_basis(user: Any, person: Person) -> Basis | None:
    """One query: an EXISTS per basis (narrowest first), and for an adult one per basis for a related child."""
    if not has_verb(user, roles.VIEW_PERSON):
        return None
    checks: dict[str, Exists] = {}
    widest: str | None = None
    for basis in _bases_within(user.scope):
        q = _basis_q(user, basis)
        if q is None:
            continue
        if basis == Scope.ALL:
            widest = str(basis)
            break
        checks[f"child_{basis}"] = Exists(Person.objects.filter(q, pk=person.pk))
        if basis != Scope.REFERRED and person.kind == Person.Kind.ADULT:
            # the adults around a referred child are not the partner's to see
            in_scope = Person.objects.filter(q).values("pk")
            checks[f"adult_{basis}"] = Exists(
                Relationship.objects.filter(person_id=person.pk, related_person__in=in_scope)
            )
    if checks:
        row = Person.objects.filter(pk=person.pk).values(**checks).first() or {}
        for name in checks:  # narrowest basis first
            if row.get(name):
                return name.split("_", 1)[1]
    return widest


def has_active_grant(user: Any, person: Person) -> bool:
    """True when the user holds an unrevoked named grant to this restricted record."""
    return person.access_grants.filter(user=user, revoked_at__isnull=True).exists()


def has_active_break_glass(user: Any, person: Person) -> bool:
    """True when the user broke glass on this record and that access has not expired."""
    return person.break_glass_accesses.filter(user=user, expires_at__gt=clock.now()).exists()


@dataclass(frozen=True)
class Access:
    """The decision about one user reading one person's record."""

    allowed: bool
    basis: Basis | None = None
    needs_break_glass: bool = False

    @property
    def denied(self) -> bool:
        return not self.allowed and not self.needs_break_glass


def person_access(user: Any, person: Person) -> Access:
    """Decide whether the user may read this person's record, and on what basis (once per request).

    A named grant on a restricted record opens it whatever the user's scope: the manager who granted
    it chose that person. Without a grant, the record must be inside scope, and restricted records
    then need break glass.
    """
    return _memoised("access", user, person, lambda: _person_access(user, person))


def _person_access(user: Any, person: Person) -> Access:
    if person.is_restricted and has_verb(user, roles.VIEW_PERSON) and has_active_grant(user, person):
        return Access(allowed=True, basis="grant")
    basis = scope_basis(user, person)
    if basis is None:
        return Access(allowed=False)
    if not person.is_restricted:
        return Access(allowed=True, basis=basis)
    if has_active_grant(user, person):
        return Access(allowed=True, basis="grant")
    if has_active_break_glass(user, person):
        return Access(allowed=True, basis="break_glass")
    if has_verb(user, roles.BREAK_GLASS):
        return Access(allowed=False, basis=basis, needs_break_glass=True)
    return Access(allowed=False, basis=basis)


def can_view_person(user: Any, person: Person) -> bool:
    """True when the user may read the person's record now (restricted records need a grant or break glass)."""
    return person_access(user, person).allowed


def can_break_glass(user: Any, person: Person) -> bool:
    """True when the user may open this restricted record by giving a reason."""
    return person_access(user, person).needs_break_glass


def can_change_person(user: Any, person: Person) -> bool:
    """Practitioners may change the records they can see; partner users never. A record merged into another
    is changed through the surviving record (undo the merge to change it again)."""
    return has_verb(user, roles.CHANGE_PERSON) and person.merged_into_id is None and can_view_person(user, person)


def can_add_chronology(user: Any, person: Person) -> bool:
    """Practitioners may add significant events to records they can see (not to a merged record)."""
    return has_verb(user, roles.ADD_CHRONOLOGY) and person.merged_into_id is None and can_view_person(user, person)


def can_restrict_person(user: Any, person: Person) -> bool:
    """Managers and leaders may restrict or unrestrict records inside their scope."""
    return has_verb(user, roles.RESTRICT_PERSON) and scope_basis(user, person) is not None


def can_grant_access(user: Any, person: Person) -> bool:
    """Managers and leaders may name who can see a restricted record they can see themselves."""
    return has_verb(user, roles.GRANT_ACCESS) and can_view_person(user, person)


def can_see_full_record(user: Any) -> bool:
    """Partner users see only what they referred and its outcome, not the full record."""
    return not getattr(user, "is_partner", False)
