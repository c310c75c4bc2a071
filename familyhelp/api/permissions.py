"""DRF permission: every API view declares the verb each action needs (deny by default)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from familyhelp.accounts.declare import AUTHENTICATED, PUBLIC
from familyhelp.accounts.permissions import has_verb


def required_verb(view: Any, request: Any) -> str | None:
    """The verb this request needs, from the view's `required_permissions` (by action, then method)."""
    declared = getattr(view, "required_permissions", None) or getattr(view, "required_permission", None)
    if isinstance(declared, str):
        return declared
    if isinstance(declared, dict):
        action = getattr(view, "action", None)
        if action and action in declared:
            return str(declared[action])
        return declared.get(request.method.lower())  # type: ignore[no-any-return]
    return None


class DeclaredVerbPermission(BasePermission):
    """Allow only when the view declares a verb for this action and the user's role grants it."""

    message = "Your role does not allow this."

    def has_permission(self, request: Any, view: Any) -> bool:
        verb = required_verb(view, request)
        if verb is None:
            return False
        if verb == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if verb == AUTHENTICATED:
            return True
        return has_verb(request.user, verb)
