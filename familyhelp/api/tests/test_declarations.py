"""Every API route declares the verb each of its methods needs (the deny-by-default rule)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from familyhelp.accounts.declare import declared_permission
from familyhelp.accounts.roles import ALL_VERBS
from familyhelp.api.permissions import declared_verb

KNOWN = set(ALL_VERBS) | {"authenticated", "public"}


def _api_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _api_patterns(pattern, route)
        elif route.startswith("api/"):
            found.append((route, pattern))
    return found


def test_every_api_route_and_action_declares_a_known_verb():
    patterns = _api_patterns(get_resolver())
    assert len(patterns) > 20
    checked = 0
    for route, pattern in patterns:
        callback = pattern.callback
        declared = declared_permission(callback)
        assert declared, f"{route} declares no permission"
        actions = getattr(callback, "actions", None)
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if actions:
            for method, action in actions.items():
                verb = declared_verb(view_class, action, method)
                assert verb in KNOWN, f"{method.upper()} {route} ({action}) declares {verb!r}"
                checked += 1
        else:
            verbs = declared.values() if isinstance(declared, dict) else [declared]
            assert set(verbs) <= KNOWN, route
            checked += 1
    assert checked > 40


def test_api_views_use_the_family_help_authentication():
    from familyhelp.api.authentication import ApiSessionAuthentication, ApiTokenAuthentication

    for route, pattern in _api_patterns(get_resolver()):
        view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        assert list(view_class.authentication_classes) == [
            ApiTokenAuthentication,
            ApiSessionAuthentication,
        ], route
