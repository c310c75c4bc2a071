"""The home page (a work tray per role) and error pages. Error pages never show personal data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from familyhelp.accounts.declare import AUTHENTICATED, PUBLIC, permission
from familyhelp.frontend import selectors


class HomeView(TemplateView):
    """The signed-in user's work tray: what is on their desk today, depending on their role."""

    required_permission = AUTHENTICATED
    template_name = "frontend/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tray"] = selectors.work_tray_for_user(self.request.user)
        return context


@permission(PUBLIC)
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: says what happened, without saying anything about the record."""
    return render(request, "frontend/403.html", status=403)


@permission(PUBLIC)
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 without echoing the requested path."""
    return render(request, "frontend/404.html", status=404)


@permission(PUBLIC)
def server_error(request: HttpRequest) -> HttpResponse:
    """500 without any detail of the error."""
    return render(request, "frontend/500.html", status=500)
