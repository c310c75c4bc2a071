"""Who may review possible duplicates and merge records.

The verb `dedup.manage_duplicates` lets a role open the review queue and run the batch job. Deciding a
pair (merge, not a duplicate, undo) also needs access to both records through `person_access`, the one
decision function for reading a record: a pair with a record outside the user's scope, or a restricted
record they hold no grant or break-glass access for, is not theirs to decide.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.people.models import Person
from familyhelp.people.permissions import children_q, person_access, scope_people


def can_manage_duplicates(user: Any) -> bool:
    """The user's role may use the review queue and run the batch job."""
    return has_verb(user, roles.MANAGE_DUPLICATES)


def can_review_pair(user: Any, a: Person, b: Person) -> bool:
    """The user may decide whether these two records are the same person (they can read both now)."""
    return can_manage_duplicates(user) and person_access(user, a).allowed and person_access(user, b).allowed


def scope_candidates(user: Any, qs: QuerySet) -> QuerySet:
    """Limit possible duplicates (or merges) to pairs whose two records are both inside the user's scope."""
    if not can_manage_duplicates(user):
        return qs.none()
    field_a, field_b = ("person_a", "person_b") if qs.model.__name__ == "DuplicateCandidate" else ("survivor", "merged")
    q = children_q(user)
    if q is None:
        return qs.none()
    if q == Q():  # scope "all": nothing to filter
        return qs
    ids = scope_people(user, Person.objects.all()).values("pk")
    return qs.filter(**{f"{field_a}__in": ids, f"{field_b}__in": ids})
