"""Role-matrix rows for the scrutiny packs (merged by test_permission_coverage).

Team managers, senior leaders and analysts (`performance.view_performance`) list packs, read and download
published ones and get the on-the-fly pack PDF; senior leaders and analysts (`performance.manage_performance`)
also create drafts, write their narrative and publish. A draft is invisible (404) to those who only view.
`build(world)` adds a published pack (`world.published_pack`, its PDF stored as it would be) and a draft with
one section (`world.draft_pack`, `world.pack_section`), written directly so no PDF is rendered per test.
"""

from __future__ import annotations

from typing import Any

# ROLES order: frontdoor sw manager specialist leader analyst admin auditor partner anon
VIEW = "403 403 200 403 200 200 403 403 403 302"
MANAGE = "403 403 403 403 200 200 403 403 403 302"
MANAGE_POST = "403 403 403 403 302 302 403 403 403 302"
API_VIEW = "403 403 200 403 200 200 403 403 403 401"
API_CREATE = "403 403 403 403 201 201 403 403 403 401"
# The request passes the permission check and reaches the service, which refuses the stale version.
API_STALE = "403 403 403 403 409 409 403 403 403 401"
# A draft's section: viewers who may not manage packs do not see drafts.
API_DRAFT = "403 403 404 403 200 200 403 403 403 401"

PUBLISHED = {"pk": lambda w: w.published_pack.pk}
DRAFT = {"pk": lambda w: w.draft_pack.pk}
SECTION = {"pk": lambda w: w.pack_section.pk}

MATRIX: dict[str, tuple[str, dict[str, Any], Any, str]] = {
    "performance:pack_pdf": ("get", {}, None, VIEW),
    "performance:packs": ("get", {}, None, VIEW),
    "performance:pack_create": ("get", {}, None, MANAGE),
    "performance:pack": ("get", PUBLISHED, None, VIEW),
    "performance:pack_preview": ("get", PUBLISHED, None, VIEW),
    "performance:pack_download": ("get", PUBLISHED, None, VIEW),
    "performance:pack_publish": ("get", DRAFT, None, MANAGE),
    "performance:pack_delete": ("get", DRAFT, None, MANAGE),
    "performance:pack_section_add": ("get", DRAFT, None, MANAGE),
    "performance:pack_section_edit": ("get", SECTION, None, MANAGE),
    "performance:pack_section_delete": ("get", SECTION, None, MANAGE),
    "performance:pack_section_move": (
        "post",
        SECTION,
        lambda w: {"direction": "down", "version": str(w.draft_pack.version)},
        MANAGE_POST,
    ),
    "api:performance-pack-list": ("get", {}, None, API_VIEW),
    "api:performance-pack-detail": ("get", PUBLISHED, None, API_VIEW),
    "api:performance-pack-sections": (
        "post",
        DRAFT,
        lambda w: {"version": w.draft_pack.version, "title": "Actions", "body": "Recruit two social workers."},
        API_CREATE,
    ),
    "api:performance-pack-publish": ("post", DRAFT, lambda w: {"version": 999}, API_STALE),
    "api:performance-pack-pdf": ("get", PUBLISHED, None, API_VIEW),
    "api:performance-pack-current-pdf": ("get", {}, None, API_VIEW),
    "api:performance-pack-section-detail": ("get", SECTION, None, API_DRAFT),
    "api:performance-pack-section-move": ("post", SECTION, lambda w: {"version": 999, "direction": "up"}, API_STALE),
}


def build(world: Any) -> None:
    """A published pack (stored HTML and PDF bytes) and a draft with one narrative section."""
    from familyhelp.core import clock
    from familyhelp.performance.models import Pack, PackSection

    world.published_pack = Pack.objects.create(
        title="Performance: January to March 2025",
        period="2025-Q1",
        status=Pack.Status.PUBLISHED,
        published_at=clock.now(),
        published_by=world.leader,
        figures=[],
        html="<!DOCTYPE html><html lang='en-GB'><head><title>Pack</title></head><body><h1>Pack</h1></body></html>",
        pdf=b"%PDF-1.7\n%%EOF\n",
    )
    world.draft_pack = Pack.objects.create(title="Draft pack", period="2025-Q2", created_by=world.analyst)
    world.pack_section = PackSection.objects.create(pack=world.draft_pack, title="Introduction", body="Context.")
