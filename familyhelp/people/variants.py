"""The council's own nickname additions (people.NameVariant): every write, and the mapping person search reads.

The maintained `nicknames` dataset (people.matching.NICKNAMES) knows most English short forms; a council adds
the ones its communities use that the dataset lacks ("Bubba" for Robert). Each pair is stored once, whichever
order it was typed in, folded like every searched name (matching.fold) with search_name < search_variant, and
is used both ways round. Adding and removing a pair is for administrators (people.manage_name_variants) and
each change writes an access-log row (who, when, from where, what), as changes to integration accounts do: a
removed pair leaves no row of its own behind.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.models import AccessLog
from familyhelp.audit.services import access_log_record
from familyhelp.core.errors import DomainError, full_clean_or_raise, require
from familyhelp.people import matching
from familyhelp.people.models import NameVariant

REFUSED = "Only an administrator can change the nicknames person search knows."
MAX_NAME = 60
MAX_NOTE = 200
_DIGITS = re.compile(r"\d")
_LABELS = {"name": "name", "variant": "other form of the name"}


def _clean_name(value: str, field: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    """(the name as written, stripped; its folded form), or ('', '') with a message added to `errors`."""
    label = _LABELS[field]
    value = " ".join((value or "").split())
    if not value:
        errors.setdefault(field, []).append(f"Enter the {label}")
    elif len(value) > MAX_NAME:
        errors.setdefault(field, []).append(f"The {label} must be {MAX_NAME} characters or fewer")
    elif _DIGITS.search(value):
        errors.setdefault(field, []).append(f"The {label} must not contain numbers")
    else:
        folded = matching.fold(value)
        if not folded:
            errors.setdefault(field, []).append(f"The {label} must contain letters")
        elif " " in folded:
            errors.setdefault(field, []).append(f"Enter the {label} as a single given name, without spaces or hyphens")
        else:
            return value, folded
    return "", ""


def _log(actor: Any, variant: NameVariant, event: str, reason: str) -> None:
    """An access-log row for a change to the council's nicknames (who, when, from where, which pair)."""
    access_log_record(
        actor=actor,
        action=AccessLog.Action.GRANT,
        obj=variant,
        reason=reason,
        criteria={"event": event, "name": variant.name, "variant": variant.variant, "note": variant.note},
    )


@transaction.atomic
def name_variant_add(*, actor: Any, name: str, variant: str, note: str = "") -> NameVariant:
    """Add two given names that stand for the same person (used both ways round by person search)."""
    require(has_verb(actor, roles.MANAGE_NAME_VARIANTS), REFUSED)
    errors: dict[str, list[str]] = {}
    name, folded_name = _clean_name(name, "name", errors)
    variant, folded_variant = _clean_name(variant, "variant", errors)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.setdefault("note", []).append(f"The note must be {MAX_NOTE} characters or fewer")
    if not errors and folded_name == folded_variant:
        errors["variant"] = ["Enter two different names"]
    if not errors and folded_variant in matching.NICKNAMES.get(folded_name, frozenset()):
        errors["variant"] = [f"Person search already knows that {name} and {variant} are the same name"]
    if errors:
        raise DomainError(errors=errors)
    if folded_variant < folded_name:  # each pair once, whichever order it was typed in
        name, variant, folded_name, folded_variant = variant, name, folded_variant, folded_name
    if NameVariant.objects.select_for_update().filter(search_name=folded_name, search_variant=folded_variant).exists():
        raise DomainError(f"{name} and {variant} are already in the list", field="variant")
    added = NameVariant(
        name=name,
        variant=variant,
        note=note,
        search_name=folded_name,
        search_variant=folded_variant,
        created_by=actor,
        modified_by=actor,
    )
    full_clean_or_raise(added)
    added.save()
    _log(actor, added, "people.name_variant_added", f"Added {added.name} / {added.variant} to person search")
    return added


@transaction.atomic
def name_variant_remove(*, actor: Any, variant: NameVariant) -> NameVariant:
    """Remove one of the council's nickname pairs; person search stops using it at once."""
    require(has_verb(actor, roles.MANAGE_NAME_VARIANTS), REFUSED)
    locked = NameVariant.objects.select_for_update().filter(pk=variant.pk).first()
    if locked is None:
        raise DomainError("This pair has already been removed")
    _log(actor, locked, "people.name_variant_removed", f"Removed {locked.name} / {locked.variant} from person search")
    locked.delete()
    return locked


def name_variant_list() -> list[NameVariant]:
    """Every pair the council has added, in alphabetical order (no personal data: names, not people)."""
    return list(NameVariant.objects.select_related("created_by").order_by("search_name", "search_variant"))

