"""Person search, the child's page, and the forms that change a person's record. Views stay thin:
reads go through people.selectors (scoped and logged), writes through people.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.models import User
from familyhelp.accounts.permissions import has_verb
from familyhelp.chronology.kinds import GROUPS
from familyhelp.chronology.services import chronology_add_significant_event
from familyhelp.core.errors import DomainError
from familyhelp.dedup.permissions import can_manage_duplicates
from familyhelp.dedup.selectors import merges_for_person
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people import forms as pf
from familyhelp.people import selectors, services, variants
from familyhelp.people.models import Family, NameVariant, Person, ProfessionalInvolvement
from familyhelp.people.permissions import (
    can_add_chronology,
    can_change_person,
    can_grant_access,
    can_restrict_person,
    can_see_full_record,
)


class PersonSearchView(View):
    """Find a person. Searching is by POST so names and dates of birth never appear in URLs or logs."""

    required_permission = roles.SEARCH_PERSON

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "people/search.html", {"form": pf.PersonSearchForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = pf.PersonSearchForm(request.POST)
        results = None
        if form.is_valid():
            criteria = selectors.SearchCriteria(**form.criteria_values())
            try:
                results = selectors.person_search_for_user(request.user, criteria, purpose=form.cleaned_data["purpose"])
            except DomainError as exc:  # a malformed identifier, an age out of range
                apply_domain_errors(form, exc)
        return render(
            request,
            "people/search.html",
            {"form": form, "results": results, "can_add": has_verb(request.user, roles.ADD_PERSON)},
        )


def _person_or_break_glass(request: HttpRequest, pk: Any, purpose: str) -> tuple[Person | None, Any]:
    """Fetch the person through the logged selector; a restricted record sends the user to break glass."""
    try:
        person, access = selectors.person_get_for_user(request.user, pk, purpose=purpose)
    except selectors.BreakGlassRequired:
        return None, redirect("people:break_glass", pk=pk)
    return person, access


class PersonDetailView(View):
    """The child's page: details, family, professionals and chronology."""

    required_permission = roles.VIEW_PERSON

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person, access = _person_or_break_glass(request, pk, "opened the record")
        if person is None:
            return access
        if not can_see_full_record(request.user):
            return render(
                request,
                "people/detail_partner.html",
                {"person": person, "referred": selectors.referred_involvements(request.user, person)},
            )
        group = request.GET.get("group", "")
        kinds = GROUPS.get(group)
        events = list(selectors.chronology_list_for_person(person, kinds=kinds)[:500])
        context = {
            "person": person,
            "access": access,
            "events": events,
            "group": group if kinds else "",
            "groups": list(GROUPS),
            "can_change": can_change_person(request.user, person),
            "can_add_event": can_add_chronology(request.user, person),
            "can_restrict": can_restrict_person(request.user, person),
            "can_grant": can_grant_access(request.user, person) and person.is_restricted,
            "grants": list(person.access_grants.filter(revoked_at__isnull=True).select_related("user"))
            if person.is_restricted and can_grant_access(request.user, person)
            else [],
            **selectors.person_details(person),
            **merges_for_person(person),
            "can_manage_duplicates": can_manage_duplicates(request.user),
        }
        if request.headers.get("HX-Request") and request.GET.get("partial") == "chronology":
            return render(request, "people/_chronology.html", context)
        return render(request, "people/detail.html", context)


class PersonCreateView(View):
    """Record a new person."""

    required_permission = roles.ADD_PERSON

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "people/person_form.html", {"form": pf.PersonForm(), "creating": True})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = pf.PersonForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version", None)
            disabilities = data.pop("disabilities")
            kind = data.pop("kind")
            try:
                person = services.person_create(actor=request.user, kind=kind, disabilities=disabilities, **data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Record created: {person.reference}")
                return redirect("people:detail", pk=person.pk)
        return render(request, "people/person_form.html", {"form": form, "creating": True})


class PersonEditView(View):
    """Change a person's details. The form carries the version it started from."""

    required_permission = roles.CHANGE_PERSON

    def _initial(self, person: Person) -> dict[str, Any]:
        initial = {f: getattr(person, f) for f in services.PERSON_FIELDS if f in pf.PersonForm.base_fields}
        initial["disabilities"] = list(person.disabilities.values_list("code", flat=True))
        initial["version"] = person.version
        return initial

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person, access = _person_or_break_glass(request, pk, "opened to change details")
        if person is None:
            return access
        if not can_change_person(request.user, person):
            raise PermissionDenied
        return render(
            request, "people/person_form.html", {"form": pf.PersonForm(initial=self._initial(person)), "person": person}
        )

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person, access = _person_or_break_glass(request, pk, "changed details")
        if person is None:
            return access
        form = pf.PersonForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            disabilities = data.pop("disabilities")
            try:
                services.person_update(
                    actor=request.user, person=person, expected_version=version, disabilities=disabilities, **data
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Details saved")
                return redirect("people:detail", pk=person.pk)
        return render(request, "people/person_form.html", {"form": form, "person": person})


class BreakGlassView(View):
    """A restricted record: say why you need it. Logged, and the record's manager is alerted."""

    required_permission = roles.BREAK_GLASS

    def _person(self, request: HttpRequest, pk: Any) -> Person:
        try:
            return selectors.person_peek_for_break_glass(request.user, pk)
        except Person.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person = self._person(request, pk)
        return render(request, "people/break_glass.html", {"form": pf.BreakGlassForm(), "person": person})

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        person = self._person(request, pk)
        form = pf.BreakGlassForm(request.POST)
        if form.is_valid():
            try:
                services.break_glass(actor=request.user, person=person, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return redirect("people:detail", pk=person.pk)
        return render(request, "people/break_glass.html", {"form": form, "person": person})


class PersonActionView(View):
    """Base for a form that acts on one person: fetch (scoped, logged), check, call a service."""

    form_class: type[forms.Form]
    title = ""
    submit_label = "Save"
    success_message = "Saved"
    anchor = ""
    purpose = "changed the record"

    def allowed(self, person: Person) -> bool:
        return can_change_person(self.request.user, person)

    def perform(self, form: forms.Form, person: Person) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def initial(self, person: Person) -> dict[str, Any]:
        return {}

    def _render(self, form: forms.Form, person: Person) -> HttpResponse:
        return render(
            self.request,
            "people/action_form.html",
            {
                "form": form,
                "person": person,
                "title": self.title,
                "submit_label": self.submit_label,
                "back_url": reverse("people:detail", args=[person.pk]) + self.anchor,
            },
        )

    def _load(self, request: HttpRequest, pk: Any) -> tuple[Person | None, Any]:
        person, access = _person_or_break_glass(request, pk, self.purpose)
        if person is not None and not self.allowed(person):
            raise PermissionDenied
        return person, access

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        person, access = self._load(request, pk)
        if person is None:
            return access
        return self._render(self.form_class(initial=self.initial(person)), person)

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        person, access = self._load(request, pk)
        if person is None:
            return access
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form, person)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(reverse("people:detail", args=[person.pk]) + self.anchor)
        return self._render(form, person)


class AddressAddView(PersonActionView):
    required_permission = roles.CHANGE_PERSON
    form_class = pf.AddressForm
    title = "Record a new address"
    success_message = "Address recorded"
    anchor = "#details"

    def perform(self, form: forms.Form, person: Person) -> None:
        d = form.cleaned_data
        services.person_move_address(
            actor=self.request.user,
            person=person,
            line_1=d["line_1"],
            line_2=d["line_2"],
            town=d["town"],
            postcode=d["postcode"],
            moved_in_on=d["moved_in_on"],
            late_reason=d["late_reason"],
        )


class NameAddView(PersonActionView):
    required_permission = roles.CHANGE_PERSON
    form_class = pf.NameForm
    title = "Record another name"
    success_message = "Name recorded"
    anchor = "#details"

    def perform(self, form: forms.Form, person: Person) -> None:
        d = form.cleaned_data
        services.person_add_name(
            actor=self.request.user,
            person=person,
            kind=d["kind"],
            given_names=d["given_names"],
            family_name=d["family_name"],
            start_date=d["start_date"],
        )


def _person_by_reference(user: Any, reference: str, field: str) -> Person:
    """Look up another person by reference, inside the user's scope (logged as a view)."""
    # One message whether the reference does not exist or is not the user's to see, so that
    # references outside the user's scope cannot be probed.
    refused = DomainError("No person you can see has this reference", field=field)
    person = Person.objects.filter(reference=reference.strip().upper()).only("pk").first()
    if person is None:
        raise refused
    try:
        found, _ = selectors.person_get_for_user(user, person.pk, purpose="linked to another record")
    except PermissionDenied as exc:
        raise refused from exc
    return found


class RelationshipAddView(PersonActionView):
    required_permission = roles.CHANGE_PERSON
    form_class = pf.RelationshipForm
    title = "Record a relationship"
    success_message = "Relationship recorded"
    anchor = "#family"

    def perform(self, form: forms.Form, person: Person) -> None:
        d = form.cleaned_data
        other = _person_by_reference(self.request.user, d["related_reference"], "related_reference")
        services.relationship_add(
            actor=self.request.user,
            person=person,
            related_person=other,
            type=d["type"],
            has_parental_responsibility=d["has_parental_responsibility"],
            start_date=d["start_date"],
        )


class InvolvementAddView(PersonActionView):
    required_permission = roles.CHANGE_PERSON
    form_class = pf.InvolvementForm
    title = "Add a professional"
    success_message = "Professional added"
    anchor = "#professionals"

    def perform(self, form: forms.Form, person: Person) -> None:
        d = form.cleaned_data
        worker = None
        if d["worker_username"]:
            worker = User.objects.filter(username=d["worker_username"].strip()).exclude(role=roles.Role.PARTNER).first()
            if worker is None:
                raise DomainError("No council worker has this username", field="worker_username")
        services.involvement_add(
            actor=self.request.user,
            person=person,
            role=d["role"],
            worker=worker,
            professional_name=d["professional_name"],
            agency_name=d["agency_name"],
            contact_details=d["contact_details"],
            start_date=d["start_date"],
            late_reason=d["late_reason"],
        )


class InvolvementEndView(PersonActionView):
    required_permission = roles.CHANGE_PERSON
    form_class = pf.EndInvolvementForm
    title = "Record that a professional is no longer involved"
    success_message = "Involvement ended"
    anchor = "#professionals"

    def perform(self, form: forms.Form, person: Person) -> None:
        involvement = ProfessionalInvolvement.objects.filter(person=person, pk=self.kwargs["involvement_pk"]).first()
        if involvement is None:
            raise Http404
        services.involvement_end(
            actor=self.request.user,
            involvement=involvement,
            end_date=form.cleaned_data["end_date"],
            late_reason=form.cleaned_data["late_reason"],
        )


class SignificantEventAddView(PersonActionView):
    required_permission = roles.ADD_CHRONOLOGY
    form_class = pf.SignificantEventForm
    title = "Add a significant event to the chronology"
    success_message = "Event added to the chronology"
    anchor = "#chronology"

    def allowed(self, person: Person) -> bool:
        return can_add_chronology(self.request.user, person)

    def perform(self, form: forms.Form, person: Person) -> None:
        d = form.cleaned_data
        chronology_add_significant_event(
            actor=self.request.user,
            person=person,
            occurred_on=d["occurred_on"],
            occurred_time=d["occurred_time"],
            summary=d["summary"],
            late_reason=d["late_reason"],
        )


class RestrictView(PersonActionView):
    required_permission = roles.RESTRICT_PERSON
    form_class = pf.RestrictForm
    success_message = "Restriction changed"

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Remove the restriction" if self._restricted else "Restrict this record"

    _restricted = False

    def allowed(self, person: Person) -> bool:
        self._restricted = person.is_restricted
        return can_restrict_person(self.request.user, person)

    def perform(self, form: forms.Form, person: Person) -> None:
        if person.is_restricted:
            services.person_unrestrict(actor=self.request.user, person=person, reason=form.cleaned_data["reason"])
        else:
            services.person_restrict(actor=self.request.user, person=person, reason=form.cleaned_data["reason"])


class GrantAccessView(PersonActionView):
    required_permission = roles.GRANT_ACCESS
    form_class = pf.GrantForm
    title = "Give a worker access to this restricted record"
    success_message = "Access granted"

    def allowed(self, person: Person) -> bool:
        return can_grant_access(self.request.user, person) and person.is_restricted

    def perform(self, form: forms.Form, person: Person) -> None:
        user = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
        if user is None:
            raise DomainError("No worker has this username", field="username")
        services.access_grant(actor=self.request.user, person=person, user=user, reason=form.cleaned_data["reason"])


class GrantRevokeView(View):
    """Remove a named worker's access to a restricted record (POST only)."""

    required_permission = roles.GRANT_ACCESS

    def post(self, request: HttpRequest, pk: Any, grant_pk: Any) -> HttpResponse:
        person, access = _person_or_break_glass(request, pk, "changed access")
        if person is None:
            return access
        grant = person.access_grants.filter(pk=grant_pk).first()
        if grant is None:
            raise Http404
        try:
            services.access_revoke(actor=request.user, grant=grant)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Access removed")
        return redirect("people:detail", pk=person.pk)


class FamilyCreateView(PersonActionView):
    required_permission = roles.ADD_PERSON
    form_class = pf.FamilyForm
    title = "Record a family or household"
    success_message = "Family recorded"
    anchor = "#family"

    def initial(self, person: Person) -> dict[str, Any]:
        return {
            "name": f"{person.family_name} family" if person.family_name else "",
            "role": "child" if person.kind == Person.Kind.CHILD else "parent",
        }

    def perform(self, form: forms.Form, person: Person) -> None:
        services.family_create(
            actor=self.request.user, name=form.cleaned_data["name"], members=[(person, form.cleaned_data["role"])]
        )


class FamilyDetailView(View):
    """A family: the members the user may see, and the family's chronology."""

    required_permission = roles.VIEW_PERSON

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        try:
            family, members = selectors.family_get_for_user(request.user, pk)
        except Family.DoesNotExist as exc:
            raise Http404 from exc
        events = selectors.family_chronology(family, members)
        return render(
            request,
            "people/family.html",
            {"family": family, "members": members, "events": events, "form": pf.FamilyMemberForm()},
        )

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        try:
            family, members = selectors.family_get_for_user(request.user, pk)
        except Family.DoesNotExist as exc:
            raise Http404 from exc
        if not has_verb(request.user, roles.CHANGE_PERSON):
            raise PermissionDenied
        form = pf.FamilyMemberForm(request.POST)
        if form.is_valid():
            try:
                person = _person_by_reference(request.user, form.cleaned_data["reference"], "reference")
                services.family_add_member(
                    actor=request.user, family=family, person=person, role=form.cleaned_data["role"]
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Added to the family")
                return redirect("people:family", pk=family.pk)
        events = selectors.family_chronology(family, members)
        return render(
            request, "people/family.html", {"family": family, "members": members, "events": events, "form": form}
        )


class NameVariantListView(View):
    """The council's own nicknames for person search: the list, a remove button per pair, and the add form."""

    required_permission = roles.MANAGE_NAME_VARIANTS

    def _render(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        return render(request, "people/name_variants.html", {"form": form, "pairs": variants.name_variant_list()})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, pf.NameVariantForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = pf.NameVariantForm(request.POST)
        if form.is_valid():
            try:
                added = variants.name_variant_add(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Added: {added.name} and {added.variant} are now searched as the same name")
                return redirect("people:name_variants")
        return self._render(request, form)


class NameVariantRemoveView(View):
    """Remove one of the council's nickname pairs (POST only)."""

    required_permission = roles.MANAGE_NAME_VARIANTS

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        pair = NameVariant.objects.filter(pk=pk).first()
        if pair is None:
            raise Http404
        try:
            removed = variants.name_variant_remove(actor=request.user, variant=pair)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Removed: {removed.name} and {removed.variant}")
        return redirect("people:name_variants")
