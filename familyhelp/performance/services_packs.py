"""Scrutiny packs: every write (create, narrative sections, publish) and the logged downloads.

A draft pack's narrative is edited by people with `performance.manage_performance`; every edit names the
pack version it started from (optimistic locking on the pack, so two people editing sections of the same
pack cannot overwrite each other). Publishing freezes the export rows, the HTML and the PDF; a published pack
cannot be changed. Every download is written to the access log with the period and filters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.audit.services import access_log_record
from familyhelp.core import clock
from familyhelp.core.concurrency import save_bumped
from familyhelp.core.errors import ConcurrentEditError, DomainError, require

from . import engine, pack
from .filters import Filters
from .models import Pack, PackSection
from .periods import Period, PeriodError, parse_period

REASON = "Scrutiny pack"


def pack_period(value: str) -> Period:
    """Read a pack's period, or raise DomainError on the period field."""
    try:
        return parse_period(value)
    except PeriodError as exc:
        raise DomainError(str(exc), field="period") from exc


def pack_filters(pack_row: Pack) -> Filters:
    return Filters.from_query(pack_row.filters or {})


def pack_list_for_user(user: Any) -> QuerySet[Pack]:
    """Packs the user may see: all of them for those who manage packs, published ones for everyone else."""
    packs = Pack.objects.select_related("published_by", "created_by")
    if has_verb(user, roles.MANAGE_PERFORMANCE):
        return packs
    return packs.filter(status=Pack.Status.PUBLISHED)


def pack_get_for_user(user: Any, pk: Any) -> Pack:
    """One pack the user may see (Pack.DoesNotExist otherwise: a draft is invisible to viewers)."""
    return pack_list_for_user(user).get(pk=pk)


def _require_manager(actor: Any) -> None:
    require(has_verb(actor, roles.MANAGE_PERFORMANCE), "You do not have permission to change scrutiny packs.")


def _locked_draft(actor: Any, pack_row: Pack, expected_version: int | None) -> Pack:
    """Lock the pack, check the version the edit started from and that it is still a draft."""
    _require_manager(actor)
    if expected_version is None:
        raise ConcurrentEditError("The form did not say which version of the pack it edits. Reload and try again.")
    locked = Pack.objects.select_for_update().get(pk=pack_row.pk)
    if locked.status == Pack.Status.PUBLISHED:
        raise DomainError("This pack has been published and can no longer be changed.")
    if locked.version != expected_version:
        raise ConcurrentEditError(
            "Someone else changed this pack after you opened it. Your changes were not saved: reload the pack "
            "to see the latest version, then make your changes again."
        )
    return locked


def _clean_text(value: str, field: str, label: str, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"Enter the {label}", field=field)
    if limit and len(text) > limit:
        raise DomainError(f"The {label} must be {limit} characters or fewer", field=field)
    return text


@transaction.atomic
def pack_create(*, actor: Any, period: str, filters: Filters | None = None, title: str = "") -> Pack:
    """A draft pack for a period and filters (the title defaults to the period's)."""
    _require_manager(actor)
    parsed = pack_period(period)
    filters = filters or Filters()
    title = (title or "").strip() or pack.pack_title(parsed)
    if len(title) > 200:
        raise DomainError("The title must be 200 characters or fewer", field="title")
    return Pack.objects.create(
        title=title,
        period=parsed.key,
        filters=filters.as_query(),
        created_by=actor,
        modified_by=actor,
    )


@transaction.atomic
def pack_delete(*, actor: Any, pack_row: Pack, expected_version: int | None) -> None:
    """Delete a draft pack and its narrative sections (a published pack is kept for ever)."""
    locked = _locked_draft(actor, pack_row, expected_version)
    locked.sections.all().delete()
    locked.delete()


@transaction.atomic
def pack_section_add(*, actor: Any, pack_row: Pack, expected_version: int | None, title: str, body: str) -> PackSection:
    """Add a narrative section at the end of a draft pack."""
    locked = _locked_draft(actor, pack_row, expected_version)
    title = _clean_text(title, "title", "section title", 200)
    body = _clean_text(body, "body", "section text")
    last = locked.sections.aggregate(last=Max("order"))["last"]
    section = PackSection.objects.create(
        pack=locked, title=title, body=body, order=0 if last is None else last + 1, created_by=actor, modified_by=actor
    )
    save_bumped(locked, actor=actor, fields=[])
    pack_row.version = locked.version
    return section


@transaction.atomic
def pack_section_edit(
    *, actor: Any, section: PackSection, expected_version: int | None, title: str, body: str
) -> PackSection:
    """Change a section's title and text (`expected_version` is the pack's)."""
    locked = _locked_draft(actor, section.pack, expected_version)
    section.title = _clean_text(title, "title", "section title", 200)
    section.body = _clean_text(body, "body", "section text")
    section.modified_at = clock.now()
    section.modified_by = actor
    section.save(update_fields=["title", "body", "modified_at", "modified_by"])
    save_bumped(locked, actor=actor, fields=[])
    section.pack.version = locked.version
    return section


@transaction.atomic
def pack_section_delete(*, actor: Any, section: PackSection, expected_version: int | None) -> Pack:
    """Remove a section from a draft pack."""
    locked = _locked_draft(actor, section.pack, expected_version)
    section.delete()
    _renumber(locked)
    save_bumped(locked, actor=actor, fields=[])
    return locked


@transaction.atomic
def pack_section_move(*, actor: Any, section: PackSection, expected_version: int | None, direction: str) -> Pack:
    """Move a section one place up or down."""
    if direction not in ("up", "down"):
        raise DomainError("Choose up or down", field="direction")
    locked = _locked_draft(actor, section.pack, expected_version)
    ordered = list(locked.sections.order_by("order", "created_at"))
    position = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = position - 1 if direction == "up" else position + 1
    if 0 <= other < len(ordered):
        ordered[position], ordered[other] = ordered[other], ordered[position]
    _renumber(locked, ordered)
    save_bumped(locked, actor=actor, fields=[])
    return locked


def _renumber(pack_row: Pack, ordered: list[PackSection] | None = None) -> None:
    ordered = ordered if ordered is not None else list(pack_row.sections.order_by("order", "created_at"))
    for number, item in enumerate(ordered):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


def pack_report(pack_row: Pack) -> engine.Report:
    return engine.build_report(pack_period(pack_row.period), pack_filters(pack_row))


def pack_render(pack_row: Pack, *, pdf: bool) -> pack.Rendered:
    """The pack as it would be published now (draft figures are live)."""
    sections = list(pack_row.sections.order_by("order", "created_at"))
    return pack.build_pack(pack_report(pack_row), sections, pdf=pdf, title=pack_row.title)


@transaction.atomic
def pack_publish(*, actor: Any, pack_row: Pack, expected_version: int | None) -> Pack:
    """Freeze the pack: its export rows, HTML and PDF as they stand now, with who published it and when."""
    locked = _locked_draft(actor, pack_row, expected_version)
    rendered = pack_render(locked, pdf=True)
    locked.figures = rendered.rows
    locked.html = rendered.html
    locked.pdf = rendered.pdf
    locked.status = Pack.Status.PUBLISHED
    locked.published_at = clock.now()
    locked.published_by = actor
    save_bumped(locked, actor=actor, fields=["figures", "html", "pdf", "status", "published_at", "published_by"])
    return locked


@dataclass(frozen=True)
class PackFile:
    content: bytes
    filename: str
    content_type: str


def log_pack_export(actor: Any, period: Period, filters: Filters, obj: Any = None, fmt: str = "pdf") -> None:
    """Write a pack download to the access log: the period and filters only (no personal data)."""
    access_log_record(
        actor=actor,
        action="export",
        obj=obj,
        criteria={"period": period.key, "filters": filters.as_query(), "format": fmt},
        reason=REASON,
    )


def filename_for(period: Period, filters: Filters, ext: str) -> str:
    suffix = "-filtered" if filters else ""
    return f"family-help-pack-{period.key}{suffix}.{ext}"


def pack_pdf_export(*, actor: Any, pack_row: Pack) -> PackFile:
    """A saved pack's PDF (the frozen one once published; rendered now for a draft), logged."""
    if pack_row.status != Pack.Status.PUBLISHED:
        _require_manager(actor)
    period, filters = pack_period(pack_row.period), pack_filters(pack_row)
    if pack_row.status == Pack.Status.PUBLISHED and pack_row.pdf:
        content = bytes(pack_row.pdf)
    else:
        content = pack_render(pack_row, pdf=True).pdf or b""
    log_pack_export(actor, period, filters, obj=pack_row)
    return PackFile(content, filename_for(period, filters, "pdf"), "application/pdf")


def current_pack_export(*, actor: Any, period: Period, filters: Filters, fmt: str = "pdf") -> PackFile:
    """A pack for any period and filters, rendered now with no narrative (the dashboard's download), logged."""
    require(has_verb(actor, roles.VIEW_PERFORMANCE), "You do not have permission to see performance figures.")
    rendered = pack.build_pack(engine.build_report(period, filters), pdf=fmt == "pdf")
    log_pack_export(actor, period, filters, fmt=fmt)
    if fmt == "pdf":
        return PackFile(rendered.pdf or b"", filename_for(period, filters, "pdf"), "application/pdf")
    return PackFile(rendered.html.encode(), filename_for(period, filters, "html"), "text/html; charset=utf-8")
