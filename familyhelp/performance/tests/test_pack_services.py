"""Scrutiny pack drafts, narrative sections, publishing (frozen figures) and the pages and API around them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from familyhelp.audit.models import AccessLog
from familyhelp.core.errors import ConcurrentEditError, DomainError, ForbiddenError
from familyhelp.performance import engine
from familyhelp.performance import services_packs as svc
from familyhelp.performance.filters import Filters
from familyhelp.performance.models import Pack
from familyhelp.performance.pack import export_rows
from familyhelp.performance.periods import parse_period


@pytest.fixture
def draft(world):  # type: ignore[no-untyped-def]
    return svc.pack_create(actor=world.analyst, period="2025-Q1")


def test_create_reads_the_period_and_names_the_pack(world):  # type: ignore[no-untyped-def]
    made = svc.pack_create(actor=world.leader, period="2025q1", filters=Filters(level=4))
    assert (made.period, made.filters, made.status, made.version) == ("2025-Q1", {"level": "4"}, "draft", 1)
    assert made.title == "Children's services performance: January to March 2025 (calendar quarter)"
    with pytest.raises(DomainError) as caught:
        svc.pack_create(actor=world.leader, period="2025-Q9")
    assert "period" in caught.value.errors


def test_only_those_who_manage_packs_write_them(world, draft):  # type: ignore[no-untyped-def]
    with pytest.raises(ForbiddenError):
        svc.pack_create(actor=world.manager, period="2025-Q1")
    with pytest.raises(ForbiddenError):
        svc.pack_section_add(actor=world.manager, pack_row=draft, expected_version=1, title="A", body="B")


def test_sections_add_edit_move_delete_bump_the_version(world, draft):  # type: ignore[no-untyped-def]
    intro = svc.pack_section_add(actor=world.analyst, pack_row=draft, expected_version=1, title="Intro", body="Hi")
    actions = svc.pack_section_add(actor=world.analyst, pack_row=draft, expected_version=2, title="Actions", body="Do")
    assert [s.title for s in draft.sections.all()] == ["Intro", "Actions"]
    svc.pack_section_move(actor=world.analyst, section=actions, expected_version=3, direction="up")
    assert [s.title for s in draft.sections.all()] == ["Actions", "Intro"]
    svc.pack_section_edit(actor=world.leader, section=intro, expected_version=4, title="Introduction", body="Hello")
    svc.pack_section_delete(actor=world.leader, section=actions, expected_version=5)
    draft.refresh_from_db()
    assert draft.version == 6
    assert [(s.title, s.body, s.order) for s in draft.sections.all()] == [("Introduction", "Hello", 0)]


def test_a_concurrent_section_edit_is_refused(world, draft):  # type: ignore[no-untyped-def]
    section = svc.pack_section_add(actor=world.analyst, pack_row=draft, expected_version=1, title="Intro", body="A")
    # Two people open the pack at version 2; the first saves, the second's save is refused.
    svc.pack_section_edit(actor=world.analyst, section=section, expected_version=2, title="Intro", body="First")
    with pytest.raises(ConcurrentEditError):
        svc.pack_section_edit(actor=world.leader, section=section, expected_version=2, title="Intro", body="Second")
    section.refresh_from_db()
    assert section.body == "First"


def test_publishing_freezes_the_figures_and_refuses_edits(world, draft):  # type: ignore[no-untyped-def]
    section = svc.pack_section_add(actor=world.analyst, pack_row=draft, expected_version=1, title="Intro", body="A")
    published = svc.pack_publish(actor=world.leader, pack_row=draft, expected_version=2)
    published.refresh_from_db()
    assert published.status == Pack.Status.PUBLISHED and published.published_by == world.leader
    assert published.published_at is not None
    assert published.figures == export_rows(engine.build_report(parse_period("2025-Q1")))
    assert bytes(published.pdf).startswith(b"%PDF-") and "Intro" in published.html
    for attempt in (
        lambda: svc.pack_section_add(actor=world.leader, pack_row=published, expected_version=3, title="X", body="Y"),
        lambda: svc.pack_section_edit(actor=world.leader, section=section, expected_version=3, title="X", body="Y"),
        lambda: svc.pack_section_delete(actor=world.leader, section=section, expected_version=3),
        lambda: svc.pack_publish(actor=world.leader, pack_row=published, expected_version=3),
    ):
        with pytest.raises(DomainError, match="published"):
            attempt()
    # The frozen PDF is what is downloaded, and each download is logged without personal data.
    export = svc.pack_pdf_export(actor=world.manager, pack_row=published)
    assert export.content == bytes(published.pdf) and export.content_type == "application/pdf"
    log = AccessLog.objects.get(action="export", user=world.manager)
    assert log.criteria == {"period": "2025-Q1", "filters": {}, "format": "pdf"} and log.reason == "Scrutiny pack"


def test_viewers_see_published_packs_only(world, draft, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.manager)
    assert c.get(reverse("performance:pack", args=[draft.pk])).status_code == 404
    page = c.get(reverse("performance:packs"))
    assert page.status_code == 200 and reverse("performance:pack", args=[draft.pk]) not in page.content.decode()
    leader = client_for(world.leader)
    assert reverse("performance:pack", args=[draft.pk]) in leader.get(reverse("performance:packs")).content.decode()


def test_the_create_page_shows_the_error_summary(world, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.analyst)
    response = c.post(reverse("performance:pack_create"), {"period": "2025-Q7"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None and summary.select_one("a")["href"] == "#id_period"
    response = c.post(reverse("performance:pack_create"), {"period": "2025-Q1", "level": "4"})
    made = Pack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("performance:pack", args=[made.pk])
    assert made.filters == {"level": "4"}


def test_the_section_pages_refuse_a_stale_version(world, draft, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.analyst)
    add = reverse("performance:pack_section_add", args=[draft.pk])
    assert c.post(add, {"version": "1", "title": "Intro", "body": "First"}).status_code == 302
    section = draft.sections.get()
    edit = reverse("performance:pack_section_edit", args=[section.pk])
    response = c.post(edit, {"version": "1", "title": "Intro", "body": "Stale"})
    assert response.status_code == 400
    assert (
        "Someone else changed this pack"
        in BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary").get_text()
    )
    section.refresh_from_db()
    assert section.body == "First"
    missing = c.post(add, {"version": "2", "title": "", "body": ""})
    assert missing.status_code == 400 and b"Enter the section heading" in missing.content


def test_the_preview_allows_exactly_its_own_style(world, draft, client_for):  # type: ignore[no-untyped-def]
    from familyhelp.performance.pack import style_hash

    response = client_for(world.leader).get(reverse("performance:pack_preview", args=[draft.pk]))
    assert response.status_code == 200 and b"<h1>Children's services performance" in response.content.replace(
        b"&#x27;", b"'"
    )
    assert style_hash() in response["Content-Security-Policy"]


def test_pack_pdf_for_the_dashboard_filters(world, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.manager)
    url = reverse("performance:pack_pdf")
    bad = c.get(url, {"period": "2025-Q7"})
    assert bad.status_code == 400 and b"govuk-error-summary" in bad.content
    assert c.get(url, {"period": "2025-Q1", "team": "junk"}).status_code == 400
    assert not AccessLog.objects.filter(action="export").exists()
    response = c.get(url, {"period": "2025-Q1", "locality": world.locality.pk.hex})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="family-help-pack-2025-Q1-filtered.pdf"' in response["Content-Disposition"]
    log = AccessLog.objects.get(action="export")
    assert log.criteria == {"period": "2025-Q1", "filters": {"locality": world.locality.pk.hex}, "format": "pdf"}
    assert log.user == world.manager and log.channel == "ui"


def test_the_api_drafts_sections_publish_and_pdf(world, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.analyst)
    made = c.post(reverse("api:performance-pack-list"), {"period": "2025-Q1"}, content_type="application/json")
    assert made.status_code == 201
    pk, version = made.json()["id"], made.json()["version"]
    added = c.post(
        reverse("api:performance-pack-sections", args=[pk]),
        {"version": version, "title": "Actions", "body": "Recruit."},
        content_type="application/json",
    )
    assert added.status_code == 201
    section = added.json()["id"]
    stale = c.patch(
        reverse("api:performance-pack-section-detail", args=[section]),
        {"version": version, "body": "Stale"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert c.get(reverse("api:performance-pack-list")).json()["results"][0]["status"] == "draft"
    published = c.post(
        reverse("api:performance-pack-publish", args=[pk]), {"version": version + 1}, content_type="application/json"
    )
    assert published.status_code == 200
    body = published.json()
    assert body["status"] == "published" and body["figures"] and body["sections"][0]["title"] == "Actions"
    pdf = client_for(world.manager).get(reverse("api:performance-pack-pdf", args=[pk]), HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert AccessLog.objects.get(action="export").channel == "api"
    c = client_for(world.analyst)  # the same test client, signed in again as the analyst
    refused = c.post(
        reverse("api:performance-pack-sections", args=[pk]),
        {"version": version + 2, "title": "Late", "body": "Too late."},
        content_type="application/json",
    )
    assert refused.status_code == 400, refused.content


def _mark_published(pack_row: Pack, by) -> None:  # type: ignore[no-untyped-def]
    """Published without rendering (the publish service itself is tested above)."""
    from familyhelp.core import clock

    Pack.objects.filter(pk=pack_row.pk).update(status=Pack.Status.PUBLISHED, published_at=clock.now(), published_by=by)


def test_a_draft_can_be_deleted_with_its_sections_but_not_a_published_pack(world, draft):  # type: ignore[no-untyped-def]
    svc.pack_section_add(actor=world.analyst, pack_row=draft, expected_version=1, title="Intro", body="A")
    with pytest.raises(ForbiddenError):
        svc.pack_delete(actor=world.manager, pack_row=draft, expected_version=2)
    with pytest.raises(ConcurrentEditError):
        svc.pack_delete(actor=world.analyst, pack_row=draft, expected_version=1)
    assert Pack.objects.filter(pk=draft.pk).exists()
    svc.pack_delete(actor=world.leader, pack_row=draft, expected_version=2)
    assert not Pack.objects.exists()
    from familyhelp.performance.models import PackSection

    assert not PackSection.objects.exists()
    kept = svc.pack_create(actor=world.analyst, period="2025-Q1")
    _mark_published(kept, world.analyst)
    with pytest.raises(DomainError, match="published"):
        svc.pack_delete(actor=world.analyst, pack_row=kept, expected_version=1)
    assert Pack.objects.filter(pk=kept.pk).exists()


def test_deleting_a_draft_through_the_page_and_the_api(world, draft, client_for):  # type: ignore[no-untyped-def]
    c = client_for(world.analyst)
    detail = BeautifulSoup(c.get(reverse("performance:pack", args=[draft.pk])).content, "html.parser")
    assert detail.find("a", string="Delete the draft")["href"] == reverse("performance:pack_delete", args=[draft.pk])
    url = reverse("performance:pack_delete", args=[draft.pk])
    confirm = BeautifulSoup(c.get(url).content, "html.parser")
    assert confirm.select_one("input[name=version]")["value"] == "1"
    stale = c.post(url, {"version": "0"})
    assert stale.status_code == 400 and "Someone else changed this pack" in stale.content.decode()
    deleted = c.post(url, {"version": "1"})
    assert deleted.status_code == 302 and deleted["Location"] == reverse("performance:packs")
    assert not Pack.objects.filter(pk=draft.pk).exists()
    # the API: a stale version is 409, a published pack 400, a draft 204
    second = svc.pack_create(actor=world.analyst, period="2025-Q2")
    api = reverse("api:performance-pack-detail", args=[second.pk])
    assert c.delete(f"{api}?version=7").status_code == 409
    assert c.delete(api).status_code == 400
    assert client_for(world.manager).delete(f"{api}?version=1").status_code == 403
    assert client_for(world.analyst).delete(f"{api}?version=1").status_code == 204
    assert not Pack.objects.filter(pk=second.pk).exists()
    third = svc.pack_create(actor=world.analyst, period="2025-Q3")
    _mark_published(third, world.analyst)
    refused = client_for(world.analyst).delete(reverse("api:performance-pack-detail", args=[third.pk]) + "?version=1")
    assert refused.status_code == 400 and Pack.objects.filter(pk=third.pk).exists()
    page = client_for(world.analyst).get(reverse("performance:pack_delete", args=[third.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("performance:pack", args=[third.pk])
