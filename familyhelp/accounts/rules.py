"""Register role-only verbs with django-rules (autodiscovered), so rules.has_perm answers them too."""

from __future__ import annotations

from typing import Any

import rules

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb


def _verb_predicate(verb: str) -> rules.Predicate:
    def check(user: Any) -> bool:
        return has_verb(user, verb)

    return rules.predicate(check, name=verb)


for _verb in (
    roles.MANAGE_USERS,
    roles.MANAGE_ORGANISATION,
    roles.VIEW_ORGANISATION,
    roles.VIEW_ACCESS_LOG,
    roles.SEARCH_PERSON,
    roles.ADD_PERSON,
    roles.USE_API_TOKEN,
):
    if not rules.perm_exists(_verb):
        rules.add_perm(_verb, _verb_predicate(_verb))
