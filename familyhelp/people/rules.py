"""Register record-level person permissions with django-rules (autodiscovered)."""

from __future__ import annotations

import rules

from familyhelp.accounts import roles
from familyhelp.people import permissions as p

for _verb, _fn in (
    (roles.VIEW_PERSON, p.can_view_person),
    (roles.CHANGE_PERSON, p.can_change_person),
    (roles.RESTRICT_PERSON, p.can_restrict_person),
    (roles.GRANT_ACCESS, p.can_grant_access),
    (roles.BREAK_GLASS, p.can_break_glass),
    (roles.ADD_CHRONOLOGY, p.can_add_chronology),
):
    if not rules.perm_exists(_verb):
        rules.add_perm(_verb, rules.predicate(_fn, name=_verb))
