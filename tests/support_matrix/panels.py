"""Role-matrix rows for the panels app (merged by test_permission_coverage).

`build(world)` runs after the casework builders (`world.case`: the social worker's open level 4 case for
`world.own`). It schedules a resource panel sitting today chaired by the manager (`world.panel`) and one a
week later, makes a short-break request on the case and builds today's agenda (`world.panel_request`).
"""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
PANEL = {"pk": lambda w: w.panel.pk}
REQUEST = {"pk": lambda w: w.panel_request.pk}
CASE = {"pk": lambda w: w.case.pk}
MANAGE = "403 403 200 403 200 403 200 403 403 302"
MANAGE_POST = "403 403 302 403 302 403 302 403 403 302"
SIT = "403 403 200 403 200 403 403 403 403 302"
SIT_REFUSED = "403 403 400 403 400 403 403 403 403 302"  # allowed, but the panel still has undecided items
VIEW = "403 200 200 403 200 403 403 403 403 302"
WORK = "403 200 200 403 403 403 403 403 403 302"
API_MANAGE = "403 403 200 403 200 403 200 403 403 401"
API_SIT = "403 403 200 403 200 403 403 403 403 401"
API_VIEW = "403 200 200 403 200 403 403 403 403 401"
API_WORK = "403 200 200 403 403 403 403 403 403 401"


def _version(obj: Any) -> int:
    return int(type(obj).objects.get(pk=obj.pk).version)


MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "panels:list": ("get", {}, None, MANAGE),
    "panels:schedule": ("get", {}, None, MANAGE),
    "panels:panel": ("get", PANEL, None, MANAGE),
    "panels:agenda_build": ("post", PANEL, None, MANAGE_POST),
    "panels:attendance": ("get", PANEL, None, SIT),
    "panels:hold": ("post", PANEL, lambda w: {"version": _version(w.panel)}, SIT_REFUSED),
    "panels:request": ("get", REQUEST, None, VIEW),
    "panels:decide": ("get", REQUEST, None, SIT),
    "panels:move": ("post", REQUEST, lambda w: {"version": _version(w.panel_request)}, MANAGE_POST),
    "panels:withdraw": ("get", REQUEST, None, WORK),
    "panels:case_requests": ("get", CASE, None, VIEW),
    "panels:request_make": ("get", CASE, None, WORK),
    "api:panel-list": ("get", {}, None, API_MANAGE),
    "api:panel-detail": ("get", PANEL, None, API_MANAGE),
    "api:panel-build-agenda": ("post", PANEL, None, API_MANAGE),
    "api:panel-attendance": (
        "post",
        PANEL,
        lambda w: {"name": "Registered manager, short break centre", "role": "Short breaks", "attendance": "present"},
        API_SIT,
    ),
    "api:panel-held": (
        "post",
        PANEL,
        lambda w: {"version": _version(w.panel)},
        "403 403 400 403 400 403 403 403 403 401",
    ),
    # No ?case= given: refused field by field for those who may view cases.
    "api:panel-request-list": ("get", {}, None, "403 400 400 400 400 403 403 403 403 401"),
    "api:panel-request-detail": ("get", REQUEST, None, API_VIEW),
    "api:panel-request-decide": (
        "post",
        REQUEST,
        lambda w: {"outcome": "declined", "notes": "Not needed now", "version": _version(w.panel_request)},
        API_SIT,
    ),
    "api:panel-request-withdraw": (
        "post",
        REQUEST,
        lambda w: {"reason": "The family found support", "version": _version(w.panel_request)},
        API_WORK,
    ),
    "api:panel-request-move": ("post", REQUEST, lambda w: {"version": _version(w.panel_request)}, API_MANAGE),
}


def build(world: Any) -> None:
    """Today's resource panel with a short-break request on its agenda, and next week's sitting."""
    import datetime

    from familyhelp.core import clock
    from familyhelp.panels import services as svc

    today = clock.today()
    world.panel = svc.panel_schedule(actor=world.admin, kind="resource", sits_on=today, chair=world.manager)
    world.next_panel = svc.panel_schedule(
        actor=world.admin, kind="resource", sits_on=today + datetime.timedelta(days=7), chair=world.leader
    )
    world.panel_request = svc.request_make(
        actor=world.sw, case=world.case, ask="short_break", reason="Relationship breaking down", urgency="crisis"
    )
    svc.panel_agenda_build(actor=world.admin, panel=world.panel)
