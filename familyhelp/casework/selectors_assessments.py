"""Reading assessments, strategy discussions and section 47 enquiries.

One record is read through its case (`case_get_for_user`), so every read is scoped and access-logged. Lists
are limited to the children inside the user's record scope; restricted children appear only to users with a
named grant to their record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.casework import clocks
from familyhelp.casework.models import Assessment, S47Enquiry, StrategyDiscussion
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.casework.services.assessments import OPEN_ASSESSMENT_STATUSES, s47_open_q
from familyhelp.core import clock
from familyhelp.people.models import Person
from familyhelp.people.permissions import scope_people


def assessment_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the assessment") -> Assessment:
    """One assessment whose case the user may see (the read is logged against the case)."""
    try:
        assessment = Assessment.objects.select_related("cin_episode", "submitted_by", "authorised_by").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError) as exc:
        raise Http404("No such assessment") from exc
    assessment.case = case_get_for_user(user, assessment.case_id, purpose=purpose)
    assessment.person = assessment.case.person
    return assessment


def s47_get_for_user(user: Any, pk: Any, *, purpose: str = "opened the section 47 enquiry") -> S47Enquiry:
    """One section 47 enquiry whose case the user may see (the read is logged against the case)."""
    try:
        enquiry = S47Enquiry.objects.select_related("strategy_discussion", "cin_episode").get(pk=pk)
    except (S47Enquiry.DoesNotExist, ValueError) as exc:
        raise Http404("No such enquiry") from exc
    enquiry.case = case_get_for_user(user, enquiry.case_id, purpose=purpose)
    enquiry.person = enquiry.case.person
    return enquiry


def strategy_discussion_get_for_user(
    user: Any, pk: Any, *, purpose: str = "opened the strategy discussion"
) -> StrategyDiscussion:
    """One strategy discussion whose case the user may see (the read is logged against the case)."""
    try:
        discussion = StrategyDiscussion.objects.select_related("cin_episode").get(pk=pk)
    except (StrategyDiscussion.DoesNotExist, ValueError) as exc:
        raise Http404("No such strategy discussion") from exc
    discussion.case = case_get_for_user(user, discussion.case_id, purpose=purpose)
    discussion.person = discussion.case.person
    return discussion


def _people_in_scope(user: Any) -> QuerySet[Person]:
    """Children inside the user's scope; restricted ones only with an unrevoked named grant."""
    people = scope_people(user, Person.objects.all())
    granted = Q(access_grants__user=user, access_grants__revoked_at__isnull=True)
    return people.filter(Q(is_restricted=False) | granted)


def _require_view(user: Any) -> None:
    if not has_verb(user, roles.VIEW_CASE):
        raise PermissionDenied("Your role cannot see cases.")


def assessment_list_for_user(user: Any, *, status: str = "", mine: bool = False) -> QuerySet[Assessment]:
    """Assessments in the user's scope (not yet authorised unless a status is asked for), soonest due first."""
    _require_view(user)
    qs = Assessment.objects.filter(person__in=_people_in_scope(user).values("pk"), case__closed_on__isnull=True)
    qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_ASSESSMENT_STATUSES)
    if mine:
        qs = qs.filter(Q(case__worker=user) | Q(case__supervisor=user))
    return qs.select_related("case", "person", "case__worker", "case__team").order_by("due_on", "started_on")


def s47_list_for_user(user: Any, *, mine: bool = False) -> QuerySet[S47Enquiry]:
    """Open section 47 enquiries in the user's scope (including those waiting for their conference)."""
    _require_view(user)
    qs = S47Enquiry.objects.filter(
        s47_open_q(), person__in=_people_in_scope(user).values("pk"), case__closed_on__isnull=True
    )
    if mine:
        qs = qs.filter(Q(case__worker=user) | Q(case__supervisor=user))
    return qs.select_related("case", "person", "case__worker").order_by("icpc_due_on", "started_on")


def strategy_discussion_list_for_user(user: Any) -> QuerySet[StrategyDiscussion]:
    """Strategy discussions about children in the user's scope, newest first."""
    _require_view(user)
    qs = StrategyDiscussion.objects.filter(person__in=_people_in_scope(user).values("pk"))
    return qs.order_by("-held_on", "-created_at")


@dataclass(frozen=True)
class Row:
    """An item with its clock, as lists and case pages show it."""

    item: Any
    clock: clocks.Clock | None


def with_assessment_clock(assessment: Assessment, today: date | None = None) -> Row:
    """The assessment's clock while it is not authorised (none afterwards)."""
    if assessment.status == Assessment.Status.AUTHORISED:
        return Row(assessment, None)
    return Row(assessment, clocks.Clock("Assessment due", assessment.due_on, today or clock.today()))


def with_icpc_clock(enquiry: S47Enquiry, today: date | None = None) -> Row:
    """The initial conference clock while the conference may still be needed and has not been held."""
    if enquiry.icpc_on is not None or (enquiry.concluded_on is not None and enquiry.outcome != "icpc"):
        return Row(enquiry, None)
    return Row(enquiry, clocks.Clock("Initial conference due", enquiry.icpc_due_on, today or clock.today()))
