"""Opening cases and CIN episodes from front-door decisions. The casework issue adds the rest.

Invariants enforced here, at entry (not only at export): one open case and at most one open CIN episode
per child (also database constraints), and an episode never closes before its referral date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from familyhelp.casework.models import Case, CINEpisode
from familyhelp.chronology.services import chronology_record
from familyhelp.core.errors import DomainError
from familyhelp.core.sequences import next_value
from familyhelp.people.models import Person


def case_reference(number: int) -> str:
    return f"CASE{number:07d}"


def open_case_for(person: Person) -> Case | None:
    return Case.objects.filter(person=person, closed_on__isnull=True).first()


def open_cin_episode_for(person: Person) -> CINEpisode | None:
    return CINEpisode.objects.filter(person=person, closed_on__isnull=True).first()


@transaction.atomic
def case_open_from_front_door(
    *,
    actor: Any,
    person: Person,
    level: int,
    contact: Any,
    opened_on: date,
    referral_source: str = "",
    primary_need: str = "",
    route: str = "",
) -> tuple[Case, CINEpisode | None]:
    """Open (or step up) the child's case after an authorised threshold decision.

    Level 3 opens a family support case. Level 4 opens a case with a CIN episode (referral date, source
    and primary need); if the child already has an open level 3 case, that case steps up to level 4 in
    the same journey rather than a second case starting.
    """
    case = Case.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    if level == Case.Level.TARGETED:
        if case is not None:
            raise DomainError(
                f"This child already has an open case ({case.reference}): pass the information to its worker",
                field="outcome",
            )
    elif open_cin_episode_for(person) is not None:
        raise DomainError(
            "This child already has an open children in need episode: pass the information to the allocated worker",
            field="outcome",
        )
    if case is None:
        case = Case.objects.create(
            reference=case_reference(next_value("case")),
            person=person,
            level=level,
            opened_on=opened_on,
            contact=contact,
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.case_opened",
            summary=f"Case {case.reference} opened at {case.get_level_display().lower()}",
            occurred_on=opened_on,
            person=person,
            subject=case,
        )
    elif case.level < level:
        case.level = level
        case.version += 1
        case.modified_by = actor
        case.save(update_fields=["level", "version", "modified_by", "modified_at"])
        chronology_record(
            actor=actor,
            kind="casework.stepped_up",
            summary=f"Case {case.reference} stepped up to {case.get_level_display().lower()} by the front door",
            occurred_on=opened_on,
            person=person,
            subject=case,
        )
    episode = None
    if level == Case.Level.STATUTORY:
        episode = CINEpisode.objects.create(
            case=case,
            person=person,
            referral_date=opened_on,
            referral_source=referral_source,
            primary_need=primary_need,
            route=route or CINEpisode.Route.SINGLE_ASSESSMENT,
            contact=contact,
            created_by=actor,
            modified_by=actor,
        )
        chronology_record(
            actor=actor,
            kind="casework.referral",
            summary=f"Referral to children's social care: {episode.get_route_display().lower()}",
            occurred_on=opened_on,
            person=person,
            subject=episode,
        )
    return case, episode
