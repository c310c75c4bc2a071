"""Specialist services pages: the catalogue, referral from a case, the referral page, the coordinator's page
(waiting list, capacity, decisions, sessions, short breaks and occupancy) and outcomes. Views stay thin: reads
through selectors (a referral read is logged), writes through services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from familyhelp.accounts import roles
from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.casework.permissions import can_view_case
from familyhelp.casework.selectors import case_get_for_user
from familyhelp.core import clock
from familyhelp.core.errors import DomainError
from familyhelp.frontend.forms import apply_domain_errors
from familyhelp.people.permissions import person_access
from familyhelp.people.selectors import BreakGlassRequired
from familyhelp.performance.periods import PeriodError, parse_period
from familyhelp.specialist import forms as f
from familyhelp.specialist import selectors, services
from familyhelp.specialist.models import Service, ServiceReferral, ShortBreakAdmission
from familyhelp.specialist.outcomes import add_months, service_outcomes
from familyhelp.specialist.permissions import (
    can_coordinate_service,
    can_list_services,
    can_manage_services,
    can_refer,
    can_withdraw_referral,
)
from familyhelp.specialist.transitions import OPEN_NOT_STARTED, can_move

S = ServiceReferral.Status


def default_outcome_period(today: date) -> tuple[date, date]:
    """The twelve whole months ending a year before this month began: every 12-month window of that cohort
    has passed."""
    first = today.replace(day=1)
    return add_months(first, -24), add_months(first, -12) - timedelta(days=1)


def _outcomes_context(request: HttpRequest, service: Service) -> dict[str, Any]:
    text = request.GET.get("period", "").strip()
    error = ""
    start, end = default_outcome_period(clock.today())
    if text:
        try:
            period = parse_period(text)
            start, end = period.start, period.end
        except PeriodError as exc:
            error = str(exc)
    return {
        "outcomes": service_outcomes(start, end, services=[service]),
        "outcome_start": start,
        "outcome_end": end,
        "period_text": text,
        "period_error": error,
    }


# --- the catalogue ----------------------------------------------------------------------------------------
class ServiceListView(View):
    """The catalogue of specialist services."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_list_services(request.user):
            raise PermissionDenied
        manage = can_manage_services(request.user)
        rows = [
            (service, selectors.capacity_used(service), can_coordinate_service(request.user, service))
            for service in selectors.service_list_for_user(request.user, include_inactive=manage)
        ]
        return render(request, "specialist/services.html", {"rows": rows, "can_manage": manage})


class ServiceDetailView(View):
    """One service: what it offers, eligibility, capacity and its outcomes."""

    required_permission = AUTHENTICATED

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        if not can_list_services(request.user):
            raise PermissionDenied
        service = selectors.service_get(pk)
        context = {
            "service": service,
            "capacity": selectors.capacity_used(service),
            "can_manage": can_manage_services(request.user),
            "can_coordinate": can_coordinate_service(request.user, service),
            **_outcomes_context(request, service),
        }
        return render(request, "specialist/service.html", context)


class _ServiceFormView(View):
    required_permission = roles.MANAGE_SERVICES

    def _render(self, request: HttpRequest, form: Any, service: Service | None) -> HttpResponse:
        title = f"Change {service.name}" if service else "Add a service"
        return render(request, "specialist/service_form.html", {"form": form, "service": service, "title": title})

    def _save(self, request: HttpRequest, form: Any, service: Service | None) -> HttpResponse:
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                if service is None:
                    service = services.service_create(actor=request.user, **data)
                    messages.success(request, f"{service.name} added to the catalogue")
                else:
                    service = services.service_update(
                        actor=request.user, service=service, expected_version=version, **data
                    )
                    messages.success(request, f"{service.name} saved")
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                return redirect("specialist:service", pk=service.pk)
        return self._render(request, form, service)


class ServiceAddView(_ServiceFormView):
    """An administrator adds a service to the catalogue."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, f.ServiceForm(initial={"is_active": True, "capacity_unit": "cases"}), None)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._save(request, f.ServiceForm(request.POST), None)


class ServiceEditView(_ServiceFormView):
    """An administrator changes a service."""

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        service = selectors.service_get(pk)
        initial = {name: getattr(service, name) for name in services.SERVICE_FIELDS}
        return self._render(request, f.ServiceForm(initial={**initial, "version": service.version}), service)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self._save(request, f.ServiceForm(request.POST), selectors.service_get(pk))


# --- the coordinator's page -------------------------------------------------------------------------------
class ServiceCoordinateView(View):
    """The coordinator's page: capacity, the waiting list with days waited, work in progress, recent endings
    and, for short breaks, admissions and monthly occupancy. Only for the services of the coordinator's team."""

    required_permission = roles.COORDINATE_SERVICE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        service = selectors.service_get(pk)
        if not can_coordinate_service(request.user, service):
            raise PermissionDenied
        today = clock.today()
        try:
            year = int(request.GET.get("year", today.year))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            year = today.year
        started = list(selectors.referrals_for_service(service, (S.STARTED,)))
        limit = service.max_duration_weeks
        context = {
            "service": service,
            "capacity": selectors.capacity_used(service),
            "waiting": selectors.waiting_list(service, today),
            "started": [
                (
                    r,
                    (today - r.started_on).days // 7 if r.started_on else 0,
                    bool(limit and r.started_on and (today - r.started_on).days > 7 * limit),
                )
                for r in started
            ],
            "ended": list(selectors.referrals_for_service(service, (S.ENDED, S.DECLINED, S.WITHDRAWN))[:50]),
            "is_short_breaks": service.kind == Service.Kind.SHORT_BREAKS,
            "year": year,
        }
        if context["is_short_breaks"]:
            context["occupancy"] = selectors.occupancy(service, year, today=today)
            context["admissions"] = list(
                ShortBreakAdmission.objects.filter(referral__service=service)
                .select_related("referral__person")
                .order_by("-admitted_on")[:50]
            )
        return render(request, "specialist/coordinate.html", context)


# --- referrals --------------------------------------------------------------------------------------------
class ReferralCreateView(View):
    """Refer the child on a case to a specialist service (from the case page)."""

    required_permission = roles.WORK_CASE

    def _case(self, request: HttpRequest, pk: Any) -> Any:
        try:
            case = case_get_for_user(request.user, pk, purpose="referring to a specialist service")
        except BreakGlassRequired as exc:
            return redirect("people:break_glass", pk=exc.person.pk)
        if not can_refer(request.user, case):
            raise PermissionDenied
        return case

    def _render(self, request: HttpRequest, case: Any, form: Any) -> HttpResponse:
        return render(request, "specialist/refer.html", {"case": case, "form": form, "title": "Refer to a service"})

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        initial = {"service": request.GET.get("service") or None, "requested_on": clock.today()}
        return self._render(request, case, f.ReferralForm(initial=initial))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        case = self._case(request, pk)
        if isinstance(case, HttpResponse):
            return case
        form = f.ReferralForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user,
                    case=case,
                    service=d["service"],
                    reason=d["reason"],
                    requested_on=d["requested_on"],
                    late_reason=d["late_reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, f"Referred to {referral.service.name}")
                return redirect("specialist:referral", pk=referral.pk)
        return self._render(request, case, form)


def _child_label(user: Any, referral: ServiceReferral) -> str:
    person = referral.person
    if person.is_restricted and not person_access(user, person).allowed:
        return "Restricted record"
    return str(person.full_name)


class ReferralDetailView(View):
    """A referral: the child's name and age, the reason, the decision, sessions, short breaks and the outcome.
    Never the case's notes or assessments (a coordinator does not see the case file)."""

    required_permission = roles.VIEW_CASE

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        referral = selectors.referral_get_for_user(request.user, pk)
        user = request.user
        coordinate = can_coordinate_service(user, referral.service)
        person = referral.person
        masked = _child_label(user, referral) == "Restricted record"
        context = {
            "referral": referral,
            "child_name": _child_label(user, referral),
            "age": None if masked else person.age_on(clock.today()),
            "contacts": list(referral.contacts.select_related("by")),
            "admissions": list(referral.admissions.all()),
            "can_coordinate": coordinate,
            "can_decide": coordinate and referral.status == S.REQUESTED,
            "can_start": coordinate and can_move(referral.status, S.STARTED),
            "can_end": coordinate and can_move(referral.status, S.ENDED),
            "can_contact": coordinate and referral.status in (S.STARTED, S.ENDED),
            "can_details": coordinate
            and referral.status in (S.ACCEPTED, S.WAITING, S.STARTED, S.ENDED)
            and (referral.service.spot_purchase or referral.service.kind == Service.Kind.FGC),
            "can_admit": coordinate
            and referral.status == S.STARTED
            and referral.service.kind == Service.Kind.SHORT_BREAKS,
            "can_withdraw": referral.status in OPEN_NOT_STARTED and can_withdraw_referral(user, referral),
            "can_see_case": can_view_case(user, referral.case),
        }
        return render(request, "specialist/referral.html", context)


class _ReferralFormView(View):
    """A form on one referral: a status move or a record added to it."""

    required_permission = roles.COORDINATE_SERVICE
    title = ""
    button = "Save"
    success = ""

    def _referral(self, request: HttpRequest, pk: Any) -> ServiceReferral:
        referral = selectors.referral_get_for_user(request.user, pk, purpose=f"{self.title.lower()} (service referral)")
        if not self._allowed(request.user, referral):
            raise PermissionDenied
        return referral

    def _allowed(self, user: Any, referral: ServiceReferral) -> bool:
        return can_coordinate_service(user, referral.service)

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        raise NotImplementedError

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        raise NotImplementedError

    def _render(self, request: HttpRequest, referral: ServiceReferral, form: Any) -> HttpResponse:
        context = {
            "referral": referral,
            "form": form,
            "title": self.title,
            "button": self.button,
            "child_name": _child_label(request.user, referral),
        }
        return render(request, "specialist/referral_form.html", context)

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        referral = self._referral(request, pk)
        return self._render(request, referral, self._form(referral))

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        referral = self._referral(request, pk)
        form = self._form(referral, request.POST)
        if form.is_valid():
            try:
                self._save(request, referral, form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, self.success)
                return redirect("specialist:referral", pk=referral.pk)
        return self._render(request, referral, form)


class ReferralDecideView(_ReferralFormView):
    """The coordinator accepts or declines a referral (with a reason)."""

    title = "Accept or decline the referral"
    success = "Decision recorded"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.DecideForm(data, initial={"version": referral.version, "decided_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.referral_decide(
            actor=request.user,
            referral=referral,
            accept=d["decision"] == "accept",
            decline_reason=d["decline_reason"],
            decided_on=d["decided_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class ReferralStartView(_ReferralFormView):
    """The service starts work with the family."""

    title = "Start the service"
    button = "Start"
    success = "Service started"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.StartForm(data, initial={"version": referral.version, "started_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.referral_start(
            actor=request.user,
            referral=referral,
            started_on=d["started_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class ReferralEndView(_ReferralFormView):
    """The service ends, with its outcome."""

    title = "End the service"
    button = "End the service"
    success = "Service ended"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.EndForm(data, initial={"version": referral.version, "ended_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.referral_end(
            actor=request.user,
            referral=referral,
            outcome=d["outcome"],
            outcome_notes=d["outcome_notes"],
            ended_on=d["ended_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )


class ReferralDetailsView(_ReferralFormView):
    """The family plan of a family group conference, or the provider and cost of a spot purchase."""

    title = "Record the plan or provider"
    success = "Details saved"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        initial = {
            "version": referral.version,
            "provider": referral.provider,
            "cost": referral.cost,
            "fgc_plan_agreed_on": referral.fgc_plan_agreed_on,
            "fgc_plan": referral.fgc_plan,
        }
        return f.DetailsForm(data, initial=initial, service=referral.service)

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.referral_record_details(
            actor=request.user,
            referral=referral,
            expected_version=d["version"],
            provider=d.get("provider", ""),
            cost=d.get("cost"),
            fgc_plan_agreed_on=d.get("fgc_plan_agreed_on"),
            fgc_plan=d.get("fgc_plan", ""),
        )


class ReferralWithdrawView(_ReferralFormView):
    """The case side withdraws a referral that has not started."""

    required_permission = roles.WORK_CASE
    title = "Withdraw the referral"
    button = "Withdraw"
    success = "Referral withdrawn"

    def _allowed(self, user: Any, referral: ServiceReferral) -> bool:
        return can_withdraw_referral(user, referral)

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.WithdrawForm(data, initial={"version": referral.version, "withdrawn_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.referral_withdraw(
            actor=request.user,
            referral=referral,
            reason=d["reason"],
            expected_version=d["version"],
            withdrawn_on=d["withdrawn_on"],
            late_reason=d["late_reason"],
        )


class ContactAddView(_ReferralFormView):
    """Record a session or contact (including out-of-hours sessions)."""

    title = "Record a session or contact"
    success = "Session recorded"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.ContactForm(data, initial={"date": clock.today(), "kind": "session"})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.contact_record(
            actor=request.user,
            referral=referral,
            on=d["date"],
            kind=d["kind"],
            notes=d["notes"],
            late_reason=d["late_reason"],
        )


class AdmissionAddView(_ReferralFormView):
    """Record a short-break admission (planned, emergency or crisis)."""

    title = "Record a short-break admission"
    success = "Admission recorded"

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        return f.AdmissionForm(data, initial={"kind": "planned", "admitted_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.admission_record(
            actor=request.user,
            referral=referral,
            admitted_on=d["admitted_on"],
            kind=d["kind"],
            left_on=d["left_on"],
            late_reason=d["late_reason"],
        )


class AdmissionLeaveView(_ReferralFormView):
    """Record the day a child left a short-break bed."""

    title = "Record the day the child left"
    success = "Leaving date recorded"

    def _admission(self, referral: ServiceReferral) -> ShortBreakAdmission:
        admission = referral.admissions.filter(pk=self.kwargs["admission_pk"]).first()
        if admission is None:
            raise Http404("No such admission")
        return admission

    def _form(self, referral: ServiceReferral, data: Any = None) -> Any:
        admission = self._admission(referral)
        return f.LeaveForm(data, initial={"version": admission.version, "left_on": clock.today()})

    def _save(self, request: HttpRequest, referral: ServiceReferral, d: dict[str, Any]) -> None:
        services.admission_leave(
            actor=request.user,
            admission=self._admission(referral),
            left_on=d["left_on"],
            expected_version=d["version"],
            late_reason=d["late_reason"],
        )
