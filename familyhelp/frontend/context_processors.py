"""Values every page needs: council name, navigation for the user's role, session timeout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb

COUNCIL_NAME_KEY = "familyhelp.council_name"
COUNCIL_NAME_SECONDS = 300


def council_name_cached() -> str:
    """The council's name for the page header, read at most every five minutes per process (every page shows
    it; a rename is forgotten at once in the process that made it, see organisation.apps)."""
    from django.core.cache import cache

    from familyhelp.organisation.models import LocalAuthority

    name = cache.get(COUNCIL_NAME_KEY)
    if name is None:
        council = LocalAuthority.objects.only("name").first()
        name = council.name if council else "Family Help"
        cache.set(COUNCIL_NAME_KEY, name, COUNCIL_NAME_SECONDS)
    return str(name)


def session_seconds_left(request: HttpRequest) -> int:
    """How long the server will keep this session after this response: the whole idle timeout when this
    request renews it (core.middleware.SessionRenewalMiddleware renews at most once a minute), else what is
    left since the last renewal. The page's countdown starts from this, so it never outlasts the server's."""
    from familyhelp.core import clock
    from familyhelp.core.middleware import SESSION_RENEWED_KEY

    age = int(settings.SESSION_COOKIE_AGE)
    session = getattr(request, "session", None)
    renewed = session.get(SESSION_RENEWED_KEY) if session is not None else None
    if not isinstance(renewed, int):
        return age
    since = int(clock.now().timestamp()) - renewed
    if since >= settings.FAMILYHELP_SESSION_RENEW_SECONDS or session.modified:  # type: ignore[union-attr]
        return age  # renewed by this request
    return max(1, age - max(0, since))


def shell(request: HttpRequest) -> dict[str, Any]:
    """Council branding, navigation and session-timeout settings for the base template."""
    user = getattr(request, "user", None)
    council_name = council_name_cached()
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        nav.append(("frontend:home", "Work tray"))
        if has_verb(user, roles.VIEW_CONTACT):
            nav.append(("frontdoor:queue", "Front door"))
        if has_verb(user, roles.SUBMIT_REFERRAL):
            nav.append(("frontdoor:refer", "Make a referral"))
            nav.append(("frontdoor:my_referrals", "My referrals"))
        if has_verb(user, roles.SEARCH_PERSON):
            nav.append(("people:search", "Find a person"))
        if has_verb(user, roles.WORK_CASE):
            nav.append(("casework:my_work", "My work"))
        if has_verb(user, roles.ALLOCATE_CASE):
            nav.append(("casework:team", "Team"))
            nav.append(("casework:duty_bank", "Duty bank"))
        if has_verb(user, roles.MANAGE_DUPLICATES):
            nav.append(("dedup:queue", "Possible duplicates"))
        if has_verb(user, roles.MANAGE_FRONT_DOOR):
            nav.append(("frontdoor:settings", "Front-door settings"))
        if has_verb(user, roles.VIEW_ORGANISATION):
            nav.append(("organisation:overview", "Organisation"))
        if has_verb(user, roles.EXPORT_RETURNS) or has_verb(user, roles.VIEW_DATA_QUALITY):
            nav.append(("returns:index", "Returns"))
        if has_verb(user, roles.VIEW_PERFORMANCE):
            nav.append(("performance:dashboard", "Performance"))
        if has_verb(user, roles.MANAGE_DUPLICATES) or has_verb(user, roles.EXPORT_RETURNS):
            nav.append(("jobs:list", "Your jobs"))  # the background jobs they can start (duplicates, returns)
        if has_verb(user, roles.VIEW_ACCESS_LOG):
            nav.append(("audit:access_log", "Access log"))
    return {
        "council_name": council_name,
        "nav_items": nav,
        "session_timeout_seconds": session_seconds_left(request),
        "session_age_seconds": settings.SESSION_COOKIE_AGE,
        "session_renew_seconds": settings.FAMILYHELP_SESSION_RENEW_SECONDS,
        "session_warning_seconds": settings.FAMILYHELP_SESSION_WARNING_SECONDS,
    }
