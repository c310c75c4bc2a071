"""Pages of the specialist app."""

from __future__ import annotations

from django.urls import URLPattern, path

from familyhelp.specialist import views as v

app_name = "specialist"
urlpatterns: list[URLPattern] = [
    path("", v.ServiceListView.as_view(), name="services"),
    path("add/", v.ServiceAddView.as_view(), name="service_add"),
    path("<uuid:pk>/", v.ServiceDetailView.as_view(), name="service"),
    path("<uuid:pk>/edit/", v.ServiceEditView.as_view(), name="service_edit"),
    path("<uuid:pk>/coordinate/", v.ServiceCoordinateView.as_view(), name="coordinate"),
    path("refer/<uuid:pk>/", v.ReferralCreateView.as_view(), name="refer"),
    path("referrals/<uuid:pk>/", v.ReferralDetailView.as_view(), name="referral"),
    path("referrals/<uuid:pk>/decide/", v.ReferralDecideView.as_view(), name="referral_decide"),
    path("referrals/<uuid:pk>/start/", v.ReferralStartView.as_view(), name="referral_start"),
    path("referrals/<uuid:pk>/end/", v.ReferralEndView.as_view(), name="referral_end"),
    path("referrals/<uuid:pk>/details/", v.ReferralDetailsView.as_view(), name="referral_details"),
    path("referrals/<uuid:pk>/withdraw/", v.ReferralWithdrawView.as_view(), name="referral_withdraw"),
    path("referrals/<uuid:pk>/contacts/add/", v.ContactAddView.as_view(), name="contact_add"),
    path("referrals/<uuid:pk>/admissions/add/", v.AdmissionAddView.as_view(), name="admission_add"),
    path(
        "referrals/<uuid:pk>/admissions/<uuid:admission_pk>/leave/",
        v.AdmissionLeaveView.as_view(),
        name="admission_leave",
    ),
]
