from django.urls import path

from familyhelp.frontdoor import views

app_name = "frontdoor"
urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact_add"),
    path("contacts/<uuid:pk>/", views.ContactDetailView.as_view(), name="contact"),
    path("contacts/<uuid:pk>/find/", views.ContactFindView.as_view(), name="find"),
    path("contacts/<uuid:pk>/identify/", views.ContactIdentifyView.as_view(), name="identify"),
    path("contacts/<uuid:pk>/people/", views.ContactAddPersonView.as_view(), name="add_person"),
    path("contacts/<uuid:pk>/new-person/", views.ContactNewPersonView.as_view(), name="new_person"),
    path("contacts/<uuid:pk>/sibling/", views.SiblingAddView.as_view(), name="sibling_add"),
    path("contacts/<uuid:pk>/checks/", views.CheckRequestView.as_view(), name="checks_request"),
    path("checks/<uuid:pk>/", views.CheckResponseView.as_view(), name="check_response"),
    path("contacts/<uuid:pk>/decision/", views.DecisionProposeView.as_view(), name="decide"),
    path("decisions/<uuid:pk>/authorise/", views.DecisionAuthoriseView.as_view(), name="authorise"),
    path("refer/", views.ReferralCreateView.as_view(), name="refer"),
    path("my-referrals/", views.MyReferralsView.as_view(), name="my_referrals"),
    path("my-referrals/<uuid:pk>/", views.MyReferralDetailView.as_view(), name="my_referral"),
    path("thresholds/", views.ThresholdView.as_view(), name="thresholds"),
    path("thresholds/draft/", views.ThresholdDraftView.as_view(), name="threshold_draft"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("settings/checks/new/", views.CheckTypeEditView.as_view(), name="check_type_add"),
    path("settings/checks/<uuid:pk>/", views.CheckTypeEditView.as_view(), name="check_type_edit"),
]
