"""Scrutiny pack pages under /performance/packs/: the list, a draft's narrative sections, preview, PDF and
publishing; and `performance:pack_pdf`, the pack for the dashboard's current period and filters.

Views stay thin: writes and the logged downloads are in services_packs; rendering is in pack.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors

from . import pack as pack_render
from . import services_packs as services
from .filters import FilterError
from .forms_dashboard import latest_complete_quarter
from .forms_packs import MoveForm, PackCreateForm, PackDownloadForm, PackSectionForm, VersionForm
from .models import Pack, PackSection
from .periods import Period


def _pack(request: HttpRequest, pk: Any) -> Pack:
    try:
        return services.pack_get_for_user(request.user, pk)
    except Pack.DoesNotExist as exc:
        raise Http404("No such pack") from exc


def _draft_section(pk: Any) -> PackSection:
    return get_object_or_404(PackSection.objects.select_related("pack"), pk=pk)


def _published_redirect(request: HttpRequest, pack_row: Pack) -> HttpResponse | None:
    """A published pack cannot be changed: back to its page with a message."""
    if pack_row.status != Pack.Status.PUBLISHED:
        return None
    messages.error(request, "This pack has been published and can no longer be changed.")
    return redirect("performance:pack", pk=pack_row.pk)


def _describe(pack_row: Pack) -> str:
    try:
        return services.pack_filters(pack_row).describe()
    except FilterError:
        return "Unknown filters"


def _period(pack_row: Pack) -> Period | None:
    try:
        return services.pack_period(pack_row.period)
    except DomainError:
        return None


def _period_label(pack_row: Pack) -> str:
    """The pack's period by its months ("April to June 2025 (Q1 2025-26)"), or its key if it cannot be read."""
    period = _period(pack_row)
    return period.label if period else pack_row.period


def _file_response(export: services.PackFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


class PackListView(View):
    """Scrutiny packs: published ones for everyone who sees performance; drafts too for those who manage packs."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        packs = [
            {"pack": p, "period": _period_label(p), "filters": _describe(p)}
            for p in services.pack_list_for_user(request.user)
        ]
        can_manage = has_verb(request.user, roles.MANAGE_PERFORMANCE)
        return render(request, "performance/packs.html", {"packs": packs, "can_manage": can_manage})


class PackCreateView(View):
    """Start a draft pack for a period and filters."""

    required_permission = roles.MANAGE_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PackCreateForm(initial={"period": latest_complete_quarter().key})
        return render(request, "performance/pack_create.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PackCreateForm(request.POST)
        if form.is_valid():
            try:
                created = services.pack_create(
                    actor=request.user,
                    period=form.cleaned_data["period"],
                    filters=form.filters(),
                    title=form.cleaned_data["title"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Draft pack created: add the narrative sections, then publish it")
                return redirect("performance:pack", pk=created.pk)
        return render(request, "performance/pack_create.html", {"form": form}, status=400)


class PackDetailView(View):
    """One pack: what it covers, its narrative sections (editable while a draft), preview, PDF, publishing."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        context = {
            "pack": pack_row,
            "period": _period_label(pack_row),
            "period_dates": period.dates if (period := _period(pack_row)) else "",
            "filters": _describe(pack_row),
            "sections": list(pack_row.sections.order_by("order", "created_at")),
            "can_edit": pack_row.status == Pack.Status.DRAFT and has_verb(request.user, roles.MANAGE_PERFORMANCE),
        }
        return render(request, "performance/pack_detail.html", context)


class PackSectionAddView(View):
    """Add a narrative section to a draft pack."""

    required_permission = roles.MANAGE_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        if refused := _published_redirect(request, pack_row):
            return refused
        form = PackSectionForm(initial={"version": pack_row.version})
        return self._render(request, pack_row, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        form = PackSectionForm(request.POST)
        if form.is_valid():
            try:
                services.pack_section_add(
                    actor=request.user,
                    pack_row=pack_row,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Section “{form.cleaned_data['title']}” added")
                return redirect("performance:pack", pk=pack_row.pk)
        return self._render(request, pack_row, form, status=400)

    def _render(self, request: HttpRequest, pack_row: Pack, form: Any, status: int = 200) -> HttpResponse:
        context = {"pack": pack_row, "form": form, "heading": "Add a section"}
        return render(request, "performance/pack_section.html", context, status=status)


class PackSectionEditView(View):
    """Change a section's heading and text."""

    required_permission = roles.MANAGE_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        section = _draft_section(pk)
        if refused := _published_redirect(request, section.pack):
            return refused
        form = PackSectionForm(initial={"version": section.pack.version, "title": section.title, "body": section.body})
        return self._render(request, section, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        section = _draft_section(pk)
        form = PackSectionForm(request.POST)
        if form.is_valid():
            try:
                services.pack_section_edit(
                    actor=request.user,
                    section=section,
                    expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Section “{section.title}” saved")
                return redirect("performance:pack", pk=section.pack.pk)
        return self._render(request, section, form, status=400)

    def _render(self, request: HttpRequest, section: PackSection, form: Any, status: int = 200) -> HttpResponse:
        context = {"pack": section.pack, "form": form, "heading": "Change a section", "section": section}
        return render(request, "performance/pack_section.html", context, status=status)


class PackSectionDeleteView(View):
    """Confirm, then remove a section."""

    required_permission = roles.MANAGE_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        section = _draft_section(pk)
        if refused := _published_redirect(request, section.pack):
            return refused
        form = VersionForm(initial={"version": section.pack.version})
        return render(request, "performance/pack_section_delete.html", {"section": section, "form": form})

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        section = _draft_section(pk)
        form = VersionForm(request.POST)
        form.is_valid()
        try:
            services.pack_section_delete(
                actor=request.user, section=section, expected_version=form.cleaned_data.get("version")
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
            return render(
                request, "performance/pack_section_delete.html", {"section": section, "form": form}, status=400
            )
        messages.success(request, f"Section “{section.title}” removed")
        return redirect("performance:pack", pk=section.pack.pk)


class PackSectionMoveView(View):
    """Move a section up or down (a button on the pack page)."""

    required_permission = roles.MANAGE_PERFORMANCE

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        section = _draft_section(pk)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose whether to move the section up or down")
            return redirect("performance:pack", pk=section.pack.pk)
        try:
            services.pack_section_move(
                actor=request.user,
                section=section,
                expected_version=form.cleaned_data["version"],
                direction=form.cleaned_data["direction"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("performance:pack", pk=section.pack.pk)


class _ConfirmPackView(View):
    """A confirmation page for one change to a whole draft pack: GET shows it with the pack's version, POST
    makes the change through `act` (a stale version or a published pack is shown in the error summary)."""

    required_permission = roles.MANAGE_PERFORMANCE
    template_name = ""

    def act(self, request: HttpRequest, pack_row: Pack, version: int | None) -> HttpResponse:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        if refused := _published_redirect(request, pack_row):
            return refused
        form = VersionForm(initial={"version": pack_row.version})
        return render(request, self.template_name, {"pack": pack_row, "form": form})

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        form = VersionForm(request.POST)
        form.is_valid()
        try:
            return self.act(request, pack_row, form.cleaned_data.get("version"))
        except DomainError as exc:
            apply_domain_errors(form, exc)
            return render(request, self.template_name, {"pack": pack_row, "form": form}, status=400)


class PackPublishView(_ConfirmPackView):
    """Confirm, then publish: the figures, HTML and PDF are frozen and the pack can no longer be changed."""

    template_name = "performance/pack_publish.html"

    def act(self, request: HttpRequest, pack_row: Pack, version: int | None) -> HttpResponse:
        services.pack_publish(actor=request.user, pack_row=pack_row, expected_version=version)
        messages.success(request, "Pack published: its figures are now fixed")
        return redirect("performance:pack", pk=pack_row.pk)


class PackDeleteView(_ConfirmPackView):
    """Confirm, then delete a draft pack with its narrative (published packs cannot be deleted)."""

    template_name = "performance/pack_delete.html"

    def act(self, request: HttpRequest, pack_row: Pack, version: int | None) -> HttpResponse:
        services.pack_delete(actor=request.user, pack_row=pack_row, expected_version=version)
        messages.success(request, f"Draft pack deleted: {pack_row.title}")
        return redirect("performance:packs")


class PackPreviewView(View):
    """The pack as an HTML document (live figures for a draft, the frozen HTML once published)."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        if pack_row.status == Pack.Status.PUBLISHED and pack_row.html:
            html = pack_row.html
        else:
            html = services.pack_render(pack_row, pdf=False).html
        response = HttpResponse(html)
        response["Cache-Control"] = "no-store"
        response._csp_update = {"style-src": [pack_render.style_hash()]}  # type: ignore[attr-defined]
        return response


class PackDownloadView(View):
    """A saved pack's PDF (logged)."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pack_row = _pack(request, pk)
        return _file_response(services.pack_pdf_export(actor=request.user, pack_row=pack_row))


class PackPdfView(View):
    """The pack PDF for the dashboard's period and filters (GET period, team, locality, level, worker), logged.
    Without a period: the last complete quarter (numbered by the financial year)."""

    required_permission = roles.VIEW_PERFORMANCE

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PackDownloadForm(request.GET)
        if not form.is_valid():
            return render(request, "performance/pack_download_error.html", {"form": form}, status=400)
        key = form.cleaned_data.get("period")
        period = services.pack_period(key) if key else latest_complete_quarter()
        export = services.current_pack_export(actor=request.user, period=period, filters=form.cleaned_data["filters"])
        return _file_response(export)


def pack_pdf_url(query: dict[str, str]) -> str:
    """The URL of the on-the-fly pack for a period key and filters (for links from other pages)."""
    from urllib.parse import urlencode

    return f"{reverse('performance:pack_pdf')}?{urlencode(query)}"


urlpatterns: list[Any] = [
    path("pack.pdf", PackPdfView.as_view(), name="pack_pdf"),
    path("packs/", PackListView.as_view(), name="packs"),
    path("packs/new/", PackCreateView.as_view(), name="pack_create"),
    path("packs/<uuid:pk>/", PackDetailView.as_view(), name="pack"),
    path("packs/<uuid:pk>/preview/", PackPreviewView.as_view(), name="pack_preview"),
    path("packs/<uuid:pk>/pdf/", PackDownloadView.as_view(), name="pack_download"),
    path("packs/<uuid:pk>/publish/", PackPublishView.as_view(), name="pack_publish"),
    path("packs/<uuid:pk>/delete/", PackDeleteView.as_view(), name="pack_delete"),
    path("packs/<uuid:pk>/sections/new/", PackSectionAddView.as_view(), name="pack_section_add"),
    path("packs/sections/<uuid:pk>/edit/", PackSectionEditView.as_view(), name="pack_section_edit"),
    path("packs/sections/<uuid:pk>/delete/", PackSectionDeleteView.as_view(), name="pack_section_delete"),
    path("packs/sections/<uuid:pk>/move/", PackSectionMoveView.as_view(), name="pack_section_move"),
]
