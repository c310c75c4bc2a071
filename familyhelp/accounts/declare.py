"""Every view declares the permission it needs; undeclared views are refused (deny by default).

- Class-based views set `required_permission` (a verb from accounts.roles, AUTHENTICATED or PUBLIC).
- Function views use the `@permission(...)` decorator.
- DRF views set `required_permissions`, a mapping of action (or HTTP method, lower case) to verb.
The middleware `PermissionDeclaredMiddleware` checks the declaration on every request, and the
permission-coverage test enumerates every URL pattern and fails on a view without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PUBLIC = "public"  # no sign-in (sign-in page, error pages)
AUTHENTICATED = "authenticated"  # any signed-in user (home, own profile)
OTP_SETUP = "otp_setup"  # signed in by password, second factor not yet verified


def permission(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the verb a function view needs."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        view.fh_permission = verb  # type: ignore[attr-defined]
        return view

    return decorator


def declared_permission(callback: Callable[..., Any]) -> str | dict[str, str] | None:
    """The permission a resolved URL callback declares, or None if it declares none."""
    verb = getattr(callback, "fh_permission", None)
    if verb:
        return verb
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        declared = getattr(view_class, "required_permissions", None) or getattr(view_class, "required_permission", None)
        if declared:
            return declared
    return None
