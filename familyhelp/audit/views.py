"""The access log for auditors: who saw what, when, from where and why."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from familyhelp.accounts import roles
from familyhelp.audit.models import AccessLog
from familyhelp.audit.selectors import AccessLogFilter, access_log_list_for_user
from familyhelp.frontend.forms import GovDateField


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    person_reference = forms.CharField(label="Person reference", required=False, max_length=20)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action")] + list(AccessLog.Action.choices)
    )
    date_from = GovDateField(label="From", required=False)
    date_to = GovDateField(label="To", required=False)


class AccessLogView(View):
    """Search the access log. Filters are references and usernames, never names of children."""

    required_permission = roles.VIEW_ACCESS_LOG

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AccessLogFilterForm(request.GET or None)
        page = None
        if not form.is_bound or form.is_valid():  # an invalid filter shows its errors, not the whole log
            filters = AccessLogFilter(**form.cleaned_data) if form.is_bound else AccessLogFilter()
            qs = access_log_list_for_user(request.user, filters)
            page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "audit/access_log.html", {"form": form, "page": page, "query": query.urlencode()})
