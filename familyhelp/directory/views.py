"""The directory of local services: search for every member of staff; administrators add and change entries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.directory import forms as df
from familyhelp.directory import selectors, services
from familyhelp.directory.models import LocalService
from familyhelp.organisation.models import Locality
from familyhelp.organisation.views import EditView


class DirectoryView(View):
    required_permission = roles.VIEW_ORGANISATION

    def get(self, request: HttpRequest) -> HttpResponse:
        text = request.GET.get("q", "")[:100]
        kind = request.GET.get("kind", "")
        kind = kind if kind in LocalService.Kind.values else ""
        localities = list(Locality.objects.all())
        locality = next((x for x in localities if str(x.pk) == request.GET.get("locality", "")), None)
        can_manage = has_verb(request.user, roles.MANAGE_ORGANISATION)
        services_found = selectors.local_service_search(
            text=text, kind=kind, locality=locality, include_inactive=can_manage
        )
        return render(
            request,
            "directory/directory.html",
            {
                "services": services_found,
                "q": text,
                "kind": kind,
                "kinds": LocalService.Kind.choices,
                "localities": localities,
                "locality": locality,
                "can_manage": can_manage,
            },
        )


class LocalServiceEditView(EditView):
    form_class = df.LocalServiceForm
    noun = "local service"
    get_fn = staticmethod(lambda user, pk: selectors.local_service_get(pk))
    create_fn = staticmethod(services.local_service_create)
    update_fn = staticmethod(services.local_service_update)
    update_arg = "local_service"
    done_url = "directory:list"
