"""DRF permission: every API view declares the verb each action needs (deny by default)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from familyhelp.accounts.declare import AUTHENTICATED, PUBLIC
from familyhelp.accounts.permissions import has_verb


def declared_verb(view: Any, action: str | None, method: str | None) -> str | None:
    """The verb a view declares for an action (or, failing that, an HTTP method), or None."""
    declared = getattr(view, "required_permissions", None) or getattr(view, "required_permission", None)
    if isinstance(declared, str):
        return declared
    if isinstance(declared, dict):
        if action and action in declared:
            return str(declared[action])
        verb = declared.get((method or "").lower())
        return str(verb) if verb else None
    return None


def required_verb(view: Any, request: Any) -> str | None:
    """The verb this request needs, from the view's `required_permissions` (by action, then method)."""
    return declared_verb(view, getattr(view, "action", None), request.method)


def _handles_method(view: Any, request: Any) -> bool:
    method = request.method.lower()
    return method in getattr(view, "http_method_names", ()) and getattr(view, method, None) is not None


class DeclaredVerbPermission(BasePermission):
    """Allow only when the view declares a verb for this action and the user's role grants it.

    A signed-in user calling a method the view does not implement at all is let through, so that DRF
    answers 405 Method Not Allowed rather than 403 (nothing runs).
    """

    message = "Your role does not allow this."

    def has_permission(self, request: Any, view: Any) -> bool:
        verb = required_verb(view, request)
        authenticated = bool(request.user and request.user.is_authenticated)
        if verb is None:
            return authenticated and not _handles_method(view, request)
        if verb == PUBLIC:
            return True
        if not authenticated:
            return False
        if verb == AUTHENTICATED:
            return True
        return has_verb(request.user, verb)
