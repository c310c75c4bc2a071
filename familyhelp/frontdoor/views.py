"""Front-door pages: the queue, recording a contact, finding the child, checks, decisions, the partner's
referral form and 'My referrals', and the administrator's threshold document and settings.

Views stay thin: reads through frontdoor.selectors (logged), writes through frontdoor.services.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.accounts.permissions import has_verb
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontdoor import forms as ff
from familyhelp.frontdoor import selectors, services
from familyhelp.frontdoor.models import CheckType, Contact, ThresholdDecision, ThresholdDocument
from familyhelp.frontdoor.permissions import can_authorise, can_propose, can_work_contact
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people import services as people_services
from familyhelp.people.codes import AssessmentFactor, ReferralSource
from familyhelp.people.forms import PersonSearchForm
from familyhelp.people.models import Person
from familyhelp.people.selectors import BreakGlassRequired, SearchCriteria, person_get_for_user, person_search_for_user


def _contact(request: HttpRequest, pk: Any, purpose: str) -> Contact | HttpResponse:
    try:
        return selectors.contact_get_for_user(request.user, pk, purpose=purpose)
    except BreakGlassRequired as exc:
        return redirect("people:break_glass", pk=exc.person.pk)


def _apply(form: forms.BaseForm, exc: DomainError, dates: dict[str, str]) -> None:
    """Put a service's field messages on the form, those about a step's date-time on its date input."""
    if exc.errors:
        exc = DomainError(errors={dates.get(field, field): messages for field, messages in exc.errors.items()})
    apply_domain_errors(form, exc)


def _local_initial(prefix: str, value: Any) -> dict[str, Any]:
    """The initial date and time inputs of a step already recorded."""
    if value is None:
        return {}
    local = timezone.localtime(value)
    return {f"{prefix}_on": local.date(), f"{prefix}_time": f"{local:%H:%M}"}


def _factor_labels(contact: Contact) -> list[str]:
    labels = dict(AssessmentFactor.choices)
    return [f"{code} {labels.get(code, '')}" for code in contact.factors]


class QueueView(View):
    """The front-door work tray: tabs with counts, filters, sorting, clocks."""

    required_permission = roles.VIEW_CONTACT

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = selectors.QueueFilters.from_query(request.GET)
        contacts = list(selectors.contact_queue_for_user(request.user, filters)[:200])
        counts = selectors.queue_counts_for_user(request.user)
        return render(
            request,
            "frontdoor/queue.html",
            {
                "contacts": contacts,
                "filters": filters,
                "tabs": [(key, label, counts[key]) for key, label in selectors.TABS],
                "sorts": [(k, v[1]) for k, v in selectors.SORTS.items()],
                "urgencies": Contact.Urgency.choices,
                "kinds": Contact.Kind.choices,
                "sources": ReferralSource.choices,
                "now": clock.now(),
                "can_add": has_verb(request.user, roles.ADD_CONTACT),
            },
        )


class ContactCreateView(View):
    """Record a contact (one per child named; siblings linked)."""

    required_permission = roles.ADD_CONTACT

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "frontdoor/contact_form.html", {"form": ff.ContactForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ff.ContactForm(request.POST)
        if form.is_valid() and "received_at" in form.cleaned_data:
            d = form.cleaned_data
            try:
                contacts = services.contact_create(
                    actor=request.user,
                    children=form.children(),
                    received_at=d["received_at"],
                    referral_source=d["referral_source"],
                    kind=d["kind"],
                    referrer_name=d["referrer_name"],
                    referrer_role=d["referrer_role"],
                    referrer_agency_name=d["referrer_agency_name"],
                    referrer_email=d["referrer_email"],
                    referrer_phone=d["referrer_phone"],
                    late_reason=d["late_reason"],
                    **form.service_values(),
                )
            except DomainError as exc:
                _apply(form, exc, {"received_at": "received_on"})
            else:
                refs = ", ".join(c.reference for c in contacts)
                messages.success(request, f"Contact recorded: {refs}")
                return redirect("frontdoor:contact", pk=contacts[0].pk)
        return render(request, "frontdoor/contact_form.html", {"form": form})


class ContactDetailView(View):
    """One contact: what was said, the child and their history, checks, the decision."""

    required_permission = roles.VIEW_CONTACT

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "opened the contact")
        if isinstance(contact, HttpResponse):
            return contact
        user = request.user
        decision = selectors.live_decision(contact)
        history = None
        if contact.child is not None:
            history = selectors.histories_for(
                [contact.child], on=timezone.localdate(contact.received_at), exclude_contact=contact
            )[contact.child.pk]
        policy = services.policy_get()
        return render(
            request,
            "frontdoor/contact.html",
            {
                "contact": contact,
                "factors": _factor_labels(contact),
                "history": history,
                "people": list(contact.people.select_related("person")),
                "siblings": selectors.siblings_of(contact),
                "checks": list(contact.checks.select_related("check_type")),
                "decision": decision,
                "past_decisions": list(contact.decisions.filter(status=ThresholdDecision.Status.RETURNED)),
                "now": clock.now(),
                "can_work": can_work_contact(user, contact),
                "can_propose": can_propose(user, contact) and decision is None,
                "can_authorise": decision is not None
                and decision.status == ThresholdDecision.Status.PROPOSED
                and can_authorise(user, decision, allow_self=policy.allow_self_authorisation),
                "outstanding": services.outstanding_required_checks(contact),
            },
        )


class ContactFindView(View):
    """Is this child known? Search (prefilled with what the referrer said), with each candidate's history."""

    required_permission = roles.ADD_CONTACT

    def _render(self, request: HttpRequest, contact: Contact, form: Any, results: Any) -> HttpResponse:
        target = request.GET.get("for", "child")
        on = timezone.localdate(contact.received_at)
        histories = selectors.histories_for([r.person for r in results or []], on=on)
        return render(
            request,
            "frontdoor/find.html",
            {
                "contact": contact,
                "form": form,
                "results": [(r, histories.get(r.person.pk)) for r in results] if results is not None else None,
                "found": results,  # SearchResults: total, more, needs_narrowing
                "target": "member" if target == "member" else "child",
                "relationship_form": ff.AddPersonForm(initial={"version": contact.version}),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "finding the child")
        if isinstance(contact, HttpResponse):
            return contact
        initial: dict[str, Any] = {"purpose": "new_contact"}
        if request.GET.get("for", "child") == "child":
            initial.update(
                given_names=contact.child_given_names,
                family_name=contact.child_family_name,
                date_of_birth=contact.child_date_of_birth,
                postcode=contact.child_postcode,
            )
        return self._render(request, contact, PersonSearchForm(initial=initial), None)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "finding the child")
        if isinstance(contact, HttpResponse):
            return contact
        form = PersonSearchForm(request.POST)
        results = None
        if form.is_valid():
            criteria = SearchCriteria(**form.criteria_values())
            try:
                results = person_search_for_user(request.user, criteria, purpose=form.cleaned_data["purpose"], limit=20)
            except DomainError as exc:
                apply_domain_errors(form, exc)
        return self._render(request, contact, form, results)


def _chosen_person(request: HttpRequest) -> Person:
    """The person chosen from search results, fetched through the logged, scoped selector."""
    try:
        pk = uuid.UUID(request.POST.get("person", ""))
        person, _ = person_get_for_user(request.user, pk, purpose="matched to a contact")
    except (ValueError, Http404) as exc:
        raise DomainError("Choose a person from the search results", field="person") from exc
    return person


class ContactIdentifyView(View):
    """This is the child: link the contact to the existing record."""

    required_permission = roles.ADD_CONTACT

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "matched the child")
        if isinstance(contact, HttpResponse):
            return contact
        try:
            person = _chosen_person(request)
            version = request.POST.get("version")
            contact = services.contact_identify_child(
                actor=request.user, contact=contact, person=person,
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("frontdoor:find", pk=contact.pk)
        if contact.is_rereferral:
            messages.warning(
                request, f"Re-referral: this child was referred on {contact.previous_referral_date:%-d %B %Y}"
            )
        messages.success(request, f"Contact matched to {person.reference}")
        return redirect("frontdoor:contact", pk=contact.pk)


class ContactAddPersonView(View):
    """Add an existing person (found by search) as a family member on the contact."""

    required_permission = roles.ADD_CONTACT

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "added a family member")
        if isinstance(contact, HttpResponse):
            return contact
        form = ff.AddPersonForm(request.POST)
        form.is_valid()
        try:
            person = _chosen_person(request)
            services.contact_add_person(
                actor=request.user, contact=contact, person=person,
                relationship=form.cleaned_data.get("relationship", ""),
                expected_version=form.cleaned_data.get("version"),
            )
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("frontdoor:find", args=[contact.pk]) + "?for=member")
        messages.success(request, "Family member added")
        return redirect(reverse("frontdoor:contact", args=[contact.pk]) + "#people")


class NewPersonForm(forms.Form):
    given_names = forms.CharField(label="Given names", required=False, max_length=200)
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    date_of_birth = ff.GovDateField(label="Date of birth", required=False)
    is_adult = forms.BooleanField(label="This person is an adult", required=False)
    relationship = forms.CharField(label="Relationship to the child (for a family member)", required=False,
                                   max_length=100)


class ContactNewPersonView(View):
    """Nobody matched: record a new person (refused unless you searched for them) and attach them."""

    required_permission = roles.ADD_CONTACT

    def _render(self, request: HttpRequest, contact: Contact, form: Any) -> HttpResponse:
        target = "member" if request.GET.get("for") == "member" else "child"
        return render(request, "frontdoor/new_person.html", {"contact": contact, "form": form, "target": target})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "recording a new person")
        if isinstance(contact, HttpResponse):
            return contact
        initial = {}
        if request.GET.get("for") != "member":
            initial = {
                "given_names": contact.child_given_names,
                "family_name": contact.child_family_name,
                "date_of_birth": contact.child_date_of_birth,
            }
        return self._render(request, contact, NewPersonForm(initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "recorded a new person")
        if isinstance(contact, HttpResponse):
            return contact
        if not has_verb(request.user, roles.ADD_PERSON):
            raise PermissionDenied
        form = NewPersonForm(request.POST)
        member = request.GET.get("for") == "member"
        if form.is_valid():
            d = form.cleaned_data
            try:
                from django.db import transaction

                with transaction.atomic():
                    person = people_services.person_create(
                        actor=request.user,
                        kind=Person.Kind.ADULT if member and d["is_adult"] else Person.Kind.CHILD,
                        given_names=d["given_names"],
                        family_name=d["family_name"],
                        date_of_birth=d["date_of_birth"],
                    )
                    if member:
                        services.contact_add_person(
                            actor=request.user, contact=contact, person=person, relationship=d["relationship"]
                        )
                    else:
                        services.contact_identify_child(actor=request.user, contact=contact, person=person)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Record created: {person.reference}")
                return redirect("frontdoor:contact", pk=contact.pk)
        return self._render(request, contact, form)


class SiblingAddView(View):
    """Another child in the family: a linked contact with the same concerns."""

    required_permission = roles.ADD_CONTACT

    def _render(self, request: HttpRequest, contact: Contact, form: Any) -> HttpResponse:
        return render(request, "frontdoor/sibling.html", {"contact": contact, "form": form})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "adding a sibling")
        if isinstance(contact, HttpResponse):
            return contact
        return self._render(request, contact, ff.SiblingForm(initial={
            "version": contact.version, "family_name": contact.child_family_name}))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "added a sibling")
        if isinstance(contact, HttpResponse):
            return contact
        form = ff.SiblingForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                sibling = services.contact_add_sibling(
                    actor=request.user,
                    contact=contact,
                    child=services.ChildAsGiven(
                        given_names=d["given_names"], family_name=d["family_name"], date_of_birth=d["date_of_birth"],
                        address=contact.child_address, postcode=contact.child_postcode,
                    ),
                    expected_version=d["version"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Linked contact recorded: {sibling.reference}")
                return redirect("frontdoor:contact", pk=sibling.pk)
        return self._render(request, contact, form)


class CheckRequestView(View):
    """Ask partner agencies for checks."""

    required_permission = roles.ADD_CONTACT

    def _available(self, contact: Contact) -> Any:
        asked = contact.checks.values_list("check_type_id", flat=True)
        return CheckType.objects.filter(is_active=True).exclude(pk__in=list(asked))

    def _render(self, request: HttpRequest, contact: Contact, form: Any) -> HttpResponse:
        return render(request, "frontdoor/checks_request.html", {"contact": contact, "form": form})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "requesting checks")
        if isinstance(contact, HttpResponse):
            return contact
        form = ff.CheckRequestForm(available=self._available(contact), initial={"version": contact.version})
        return self._render(request, contact, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "requested checks")
        if isinstance(contact, HttpResponse):
            return contact
        form = ff.CheckRequestForm(request.POST, available=self._available(contact))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.checks_request(
                    actor=request.user, contact=contact, check_types=list(d["check_types"]),
                    required=list(d["required"]), expected_version=d["version"],
                    requested_at=d["requested_at"], late_reason=d["late_reason"],
                )
            except DomainError as exc:
                _apply(form, exc, {"requested_at": "requested_on"})
            else:
                messages.success(request, "Checks requested")
                return redirect(reverse("frontdoor:contact", args=[contact.pk]) + "#checks")
        return self._render(request, contact, form)


class CheckResponseView(View):
    """Record what an agency said."""

    required_permission = roles.ADD_CONTACT

    def _render(self, request: HttpRequest, check: Any, form: Any) -> HttpResponse:
        return render(request, "frontdoor/check_response.html", {"check": check, "contact": check.contact,
                                                                  "form": form})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        try:
            check = selectors.check_get_for_user(request.user, pk)
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        form = ff.CheckResponseForm(initial={
            "version": check.version, "information": check.information, "rag": check.rag,
            "provided_by_name": check.provided_by_name, "late_reason": check.returned_late_reason,
            **_local_initial("returned", check.returned_at)})
        return self._render(request, check, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        try:
            check = selectors.check_get_for_user(request.user, pk)
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        form = ff.CheckResponseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.check_record_response(
                    actor=request.user, check=check, information=d["information"], rag=d["rag"],
                    provided_by_name=d["provided_by_name"], expected_version=d["version"],
                    returned_at=d["returned_at"], late_reason=d["late_reason"],
                )
            except DomainError as exc:
                _apply(form, exc, {"returned_at": "returned_on"})
            else:
                messages.success(request, f"{check.check_type.name} check recorded")
                return redirect(reverse("frontdoor:contact", args=[check.contact_id]) + "#checks")
        return self._render(request, check, form)


class DecisionProposeView(View):
    """Propose the level of need and outcome against the threshold document in force."""

    required_permission = roles.PROPOSE_DECISION

    def _render(self, request: HttpRequest, contact: Contact, form: Any) -> HttpResponse:
        document = services.threshold_document_in_force()
        return render(
            request,
            "frontdoor/decision_form.html",
            {
                "contact": contact,
                "form": form,
                "document": document,
                "levels": list(document.levels.all()),
                "outstanding": services.outstanding_required_checks(contact),
                "is_manager": has_verb(request.user, roles.AUTHORISE_DECISION),
            },
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "deciding")
        if isinstance(contact, HttpResponse):
            return contact
        return self._render(request, contact, ff.DecisionForm(initial={"version": contact.version}))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "proposed a decision")
        if isinstance(contact, HttpResponse):
            return contact
        form = ff.DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.decision_propose(
                    actor=request.user,
                    contact=contact,
                    level=d["level"],
                    outcome=d["outcome"],
                    rationale=d["rationale"],
                    primary_need=d["primary_need"],
                    local_service=d["local_service"],
                    feedback_to_referrer=d["feedback_to_referrer"],
                    checks_override_reason=d["checks_override_reason"],
                    expected_version=d["version"],
                    proposed_at=d["proposed_at"],
                    late_reason=d["late_reason"],
                )
            except DomainError as exc:
                _apply(form, exc, {"proposed_at": "proposed_on"})
            else:
                messages.success(request, "Decision proposed: it now needs a manager's authorisation")
                return redirect("frontdoor:contact", pk=contact.pk)
        return self._render(request, contact, form)


class DecisionAuthoriseView(View):
    """A manager authorises the proposal or returns it to the proposer."""

    required_permission = roles.AUTHORISE_DECISION

    def _render(self, request: HttpRequest, decision: ThresholdDecision, form: Any) -> HttpResponse:
        return render(
            request,
            "frontdoor/authorise.html",
            {
                "decision": decision,
                "contact": decision.contact,
                "form": form,
                "outstanding": services.outstanding_required_checks(decision.contact),
                "opens_case": services.opens_case(decision),
                "received_on": timezone.localdate(decision.contact.received_at),
            },
        )

    def _decision(self, request: HttpRequest, pk: Any) -> ThresholdDecision | HttpResponse:
        try:
            return selectors.decision_get_for_user(request.user, pk)
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        decision = self._decision(request, pk)
        if isinstance(decision, HttpResponse):
            return decision
        return self._render(request, decision, ff.AuthoriseForm())

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        decision = self._decision(request, pk)
        if isinstance(decision, HttpResponse):
            return decision
        form = ff.AuthoriseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if request.POST.get("action") == "return":
                    services.decision_return(
                        actor=request.user, decision=decision, comment=d["comment"],
                        returned_at=d["authorised_at"], late_reason=d["late_reason"],
                    )
                    messages.success(request, "Decision returned to the proposer")
                else:
                    services.decision_authorise(
                        actor=request.user, decision=decision, comment=d["comment"],
                        checks_override_reason=d["checks_override_reason"],
                        authorised_at=d["authorised_at"],
                        case_opened_on=d["case_opened_on"] if services.opens_case(decision) else None,
                        referral_date=d["referral_date"] if decision.makes_referral else None,
                        late_reason=d["late_reason"],
                    )
                    messages.success(request, "Decision authorised")
            except DomainError as exc:
                _apply(form, exc, {"authorised_at": "authorised_on", "returned_at": "authorised_on"})
            else:
                return redirect("frontdoor:contact", pk=decision.contact_id)
        return self._render(request, decision, form)


# --- Partners ---------------------------------------------------------------------------------------
class ReferralCreateView(View):
    """The partner referral form."""

    required_permission = roles.SUBMIT_REFERRAL

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "frontdoor/refer.html", {"form": ff.ReferralForm(),
                                                        "document": services.threshold_document_in_force()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ff.ReferralForm(request.POST)
        if form.is_valid():
            try:
                contacts = services.referral_submit(
                    actor=request.user, children=form.children(),
                    referrer_role=form.cleaned_data["referrer_role"], **form.service_values()
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Referral sent: {', '.join(c.reference for c in contacts)}. The front door will decide "
                    "within one working day; you will be told the outcome.",
                )
                return redirect("frontdoor:my_referral", pk=contacts[0].pk)
        return render(request, "frontdoor/refer.html", {"form": form,
                                                        "document": services.threshold_document_in_force()})


class MyReferralsView(View):
    """A partner's own referrals and their outcomes."""

    required_permission = roles.SUBMIT_REFERRAL

    def get(self, request: HttpRequest) -> HttpResponse:
        referrals = list(selectors.partner_referrals_for_user(request.user)[:200])
        outcomes = selectors.outcomes_for_referrer(referrals)
        rows = [(c, outcomes[c.pk]) for c in referrals]
        return render(request, "frontdoor/my_referrals.html", {"rows": rows})


class MyReferralDetailView(View):
    required_permission = roles.SUBMIT_REFERRAL

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        contact = _contact(request, pk, "viewed their referral")
        if isinstance(contact, HttpResponse):
            return contact
        if contact.submitted_by_id != request.user.pk:
            raise PermissionDenied
        return render(
            request,
            "frontdoor/my_referral.html",
            {"contact": contact, "outcome": selectors.outcome_for_referrer(contact),
             "factors": _factor_labels(contact), "siblings": selectors.siblings_of(contact)},
        )


# --- Threshold document and settings ------------------------------------------------------------------
class ThresholdView(View):
    """The threshold document in force and its earlier versions (every signed-in user)."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        documents = list(selectors.threshold_documents())
        try:
            in_force = services.threshold_document_in_force()
        except DomainError:
            in_force = None
        chosen = next((d for d in documents if str(d.number) == request.GET.get("version", "")), in_force)
        can_manage = has_verb(request.user, roles.MANAGE_FRONT_DOOR)
        if chosen is not None and chosen.status == ThresholdDocument.Status.DRAFT and not can_manage:
            chosen = in_force
        return render(
            request,
            "frontdoor/thresholds.html",
            {
                "documents": [d for d in documents if can_manage or d.status == ThresholdDocument.Status.PUBLISHED],
                "document": chosen,
                "in_force": in_force,
                "can_manage": can_manage,
                "draft": next((d for d in documents if d.status == ThresholdDocument.Status.DRAFT), None),
            },
        )


class ThresholdDraftView(View):
    """Start, change and publish a new version of the threshold document (administrators)."""

    required_permission = roles.MANAGE_FRONT_DOOR

    def _draft(self) -> ThresholdDocument | None:
        return ThresholdDocument.objects.filter(status=ThresholdDocument.Status.DRAFT).first()

    def _render(self, request: HttpRequest, draft: ThresholdDocument, form: Any, publish: Any) -> HttpResponse:
        return render(request, "frontdoor/threshold_draft.html", {"draft": draft, "form": form, "publish": publish})

    def _initial(self, draft: ThresholdDocument) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": draft.version, "title": draft.title, "summary": draft.summary}
        for level in draft.levels.all():
            initial[f"level_{level.level}_name"] = level.name
            initial[f"level_{level.level}_descriptor"] = level.descriptor
            initial[f"level_{level.level}_examples"] = level.examples
        return initial

    def get(self, request: HttpRequest) -> HttpResponse:
        draft = self._draft()
        if draft is None:
            return render(request, "frontdoor/threshold_start.html", {})
        return self._render(request, draft, ff.ThresholdDraftForm(initial=self._initial(draft)),
                            ff.PublishForm(initial={"version": draft.version}))

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "save")
        draft = self._draft()
        if action == "start":
            try:
                services.threshold_draft_create(actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("frontdoor:threshold_draft")
        if draft is None:
            raise Http404
        if action == "publish":
            publish = ff.PublishForm(request.POST)
            if publish.is_valid():
                try:
                    services.threshold_publish(actor=request.user, document=draft,
                                               in_force_from=publish.cleaned_data["in_force_from"],
                                               expected_version=publish.cleaned_data["version"])
                except DomainError as exc:
                    apply_domain_errors(publish, exc)
                else:
                    messages.success(request, f"Version {draft.number} published")
                    return redirect("frontdoor:thresholds")
            return self._render(request, draft, ff.ThresholdDraftForm(initial=self._initial(draft)), publish)
        form = ff.ThresholdDraftForm(request.POST)
        if form.is_valid():
            try:
                services.threshold_draft_update(
                    actor=request.user, document=draft, expected_version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"], summary=form.cleaned_data["summary"], levels=form.levels(),
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Draft saved")
                return redirect("frontdoor:threshold_draft")
        return self._render(request, draft, form, ff.PublishForm(initial={"version": draft.version}))


class SettingsView(View):
    """The decision clock, self-authorisation and the list of partner checks (administrators)."""

    required_permission = roles.MANAGE_FRONT_DOOR

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, "frontdoor/settings.html",
                      {"form": form, "check_types": CheckType.objects.all()})

    def get(self, request: HttpRequest) -> HttpResponse:
        policy = services.policy_get()
        return self._render(request, ff.PolicyForm(instance=policy, initial={"version": policy.version}))

    def post(self, request: HttpRequest) -> HttpResponse:
        policy = services.policy_get()
        form = ff.PolicyForm(request.POST, instance=type(policy).objects.get(pk=policy.pk))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.policy_update(actor=request.user, expected_version=form.cleaned_data["version"], **data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Front-door settings saved")
                return redirect("frontdoor:settings")
        return self._render(request, form)


class CheckTypeEditView(View):
    required_permission = roles.MANAGE_FRONT_DOOR

    def _object(self, pk: Any) -> CheckType | None:
        if pk is None:
            return None
        try:
            return CheckType.objects.get(pk=pk)
        except (CheckType.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def _render(self, request: HttpRequest, form: Any, obj: Any) -> HttpResponse:
        return render(request, "organisation/edit.html", {
            "form": form, "object": obj, "back_url": reverse("frontdoor:settings"),
            "title": "Change a partner check" if obj else "Add a partner check"})

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(pk)
        return self._render(request, ff.CheckTypeForm(instance=obj, initial={"version": obj.version if obj else None}),
                            obj)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self._object(pk)
        scratch = CheckType.objects.get(pk=obj.pk) if obj else None
        form = ff.CheckTypeForm(request.POST, instance=scratch)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.check_type_save(actor=request.user, check_type=obj,
                                         expected_version=form.cleaned_data["version"], **data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, "Partner check saved")
                return redirect("frontdoor:settings")
        return self._render(request, form, obj)
