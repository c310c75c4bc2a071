"""Organisation pages: the council, localities, teams, workers, schools, partner agencies, and user
accounts for administrators. Reads through organisation.selectors, writes through the services."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts import services as account_services
from familyhelp.accounts.permissions import has_verb
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.organisation import forms as of
from familyhelp.organisation import selectors
from familyhelp.organisation import services as org_services


class OverviewView(View):
    """The council at a glance: localities, teams, partner agencies and schools."""

    required_permission = roles.VIEW_ORGANISATION

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        return render(
            request,
            "organisation/overview.html",
            {
                "council": selectors.local_authority_list_for_user(user).first(),
                "localities": selectors.locality_list_for_user(user),
                "teams": selectors.team_list_for_user(user, include_inactive=True),
                "agencies": selectors.partner_agency_list_for_user(user, include_inactive=True),
                "schools": selectors.school_list_for_user(user),
                "can_manage": has_verb(user, roles.MANAGE_ORGANISATION),
                "can_manage_users": has_verb(user, roles.MANAGE_USERS),
            },
        )


class WorkerListView(View):
    """Council workers with their team, job, employment, FTE and caseload."""

    required_permission = roles.VIEW_ORGANISATION

    def get(self, request: HttpRequest) -> HttpResponse:
        teams = list(selectors.team_list_for_user(request.user))
        team = next((t for t in teams if str(t.pk) == request.GET.get("team", "")), None)
        workers = selectors.worker_list_for_user(request.user, team=team)
        return render(request, "organisation/workers.html", {"workers": workers, "teams": teams, "team": team})


class EditView(View):
    """Create or change one organisation record through its service, with optimistic locking."""

    required_permission = roles.MANAGE_ORGANISATION
    form_class: type[of.GovModelForm]
    noun = ""
    get_fn: Callable[[Any, Any], Any]
    create_fn: Callable[..., Any] | None = None
    update_fn: Callable[..., Any]
    update_arg = ""
    done_url = "organisation:overview"

    def _object(self, request: HttpRequest, pk: Any) -> Any:
        if pk is None:
            return None
        try:
            return type(self).get_fn(request.user, pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    def _render(self, request: HttpRequest, form: Any, obj: Any) -> HttpResponse:
        title = f"Change {self.noun}" if obj is not None else f"Add a {self.noun}"
        return render(
            request,
            "organisation/edit.html",
            {"form": form, "title": title, "object": obj, "back_url": reverse(self.done_url)},
        )

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(request, pk)
        if obj is None and self.create_fn is None:
            raise Http404
        return self._render(request, self.form_class(instance=obj), obj)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(request, pk)
        if obj is None and self.create_fn is None:
            raise Http404
        # The form validates a throwaway copy; the service changes the real record.
        scratch = type(obj).objects.get(pk=obj.pk) if obj is not None else None
        form = self.form_class(request.POST, instance=scratch)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                if obj is None:
                    create_fn = type(self).create_fn
                    assert create_fn is not None
                    accepted = inspect.signature(create_fn).parameters
                    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
                        data = {k: v for k, v in data.items() if k in accepted}
                    create_fn(actor=request.user, **data)
                else:
                    type(self).update_fn(
                        actor=request.user,
                        **{self.update_arg: obj},
                        expected_version=form.cleaned_data.get("version"),
                        **data,
                    )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"{self.noun.capitalize()} saved")
                return redirect(self.done_url)
        return self._render(request, form, obj)


class LocalAuthorityEditView(EditView):
    form_class = of.LocalAuthorityForm
    noun = "council details"
    get_fn = staticmethod(selectors.local_authority_get_for_user)
    update_fn = staticmethod(org_services.local_authority_update)
    update_arg = "local_authority"

    def _render(self, request: HttpRequest, form: Any, obj: Any) -> HttpResponse:
        return render(
            request,
            "organisation/edit.html",
            {"form": form, "title": "Change the council's details", "object": obj, "back_url": reverse(self.done_url)},
        )


class LocalityEditView(EditView):
    form_class = of.LocalityForm
    noun = "locality"
    get_fn = staticmethod(selectors.locality_get_for_user)
    create_fn = staticmethod(org_services.locality_create)
    update_fn = staticmethod(org_services.locality_update)
    update_arg = "locality"


class TeamEditView(EditView):
    form_class = of.TeamForm
    noun = "team"
    get_fn = staticmethod(selectors.team_get_for_user)
    create_fn = staticmethod(org_services.team_create)
    update_fn = staticmethod(org_services.team_update)
    update_arg = "team"


class SchoolEditView(EditView):
    form_class = of.SchoolForm
    noun = "school"
    get_fn = staticmethod(selectors.school_get_for_user)
    create_fn = staticmethod(org_services.school_create)
    update_fn = staticmethod(org_services.school_update)
    update_arg = "school"


class PartnerAgencyEditView(EditView):
    form_class = of.PartnerAgencyForm
    noun = "partner agency"
    get_fn = staticmethod(selectors.partner_agency_get_for_user)
    create_fn = staticmethod(org_services.partner_agency_create)
    update_fn = staticmethod(org_services.partner_agency_update)
    update_arg = "partner_agency"


@transaction.atomic
def _create_user(*, actor: Any, scope_override: str = "", phone: str = "", **data: Any) -> Any:
    """user_create does not take every field the form has: set the rest with an update (one transaction)."""
    user = account_services.user_create(actor=actor, **data)
    if scope_override or phone:
        account_services.user_update(
            actor=actor, user=user, expected_version=user.version, scope_override=scope_override, phone=phone
        )
    return user


class UserAccountEditView(EditView):
    required_permission = roles.MANAGE_USERS
    form_class = of.UserAccountForm
    noun = "user account"
    get_fn = staticmethod(selectors.user_account_get_for_user)
    create_fn = staticmethod(_create_user)
    update_fn = staticmethod(account_services.user_update)
    update_arg = "user"
    done_url = "organisation:users"


class UserAccountListView(View):
    """Every user account, for administrators: role, team or agency, two-factor, API token."""

    required_permission = roles.MANAGE_USERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, "organisation/users.html", {"accounts": selectors.user_account_list_for_user(request.user)}
        )


class UserAccountActionView(View):
    """Deactivate, reset two-factor, or issue an API token (POST only)."""

    required_permission = roles.MANAGE_USERS
    ACTIONS = {"deactivate", "reset-two-factor", "token"}

    def post(self, request: HttpRequest, pk: Any, action: str) -> HttpResponse:
        if action not in self.ACTIONS:
            raise Http404
        try:
            account = selectors.user_account_get_for_user(request.user, pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        try:
            if action == "deactivate":
                account_services.user_deactivate(actor=request.user, user=account)
                messages.success(request, f"{account} can no longer sign in")
            elif action == "reset-two-factor":
                account_services.user_reset_second_factor(actor=request.user, user=account)
                messages.success(request, f"{account} will set up two-factor authentication at next sign-in")
            else:
                key = account_services.api_token_issue(actor=request.user, user=account)
                response = render(request, "organisation/token.html", {"account": account, "key": key})
                response["Cache-Control"] = "no-store"
                return response
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("organisation:users")
