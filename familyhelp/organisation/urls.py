from django.urls import path

from familyhelp.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("workers/", views.WorkerListView.as_view(), name="workers"),
    path("council/<uuid:pk>/edit/", views.LocalAuthorityEditView.as_view(), name="council_edit"),
    path("localities/new/", views.LocalityEditView.as_view(), name="locality_add"),
    path("localities/<uuid:pk>/edit/", views.LocalityEditView.as_view(), name="locality_edit"),
    path("teams/new/", views.TeamEditView.as_view(), name="team_add"),
    path("teams/<uuid:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("schools/new/", views.SchoolEditView.as_view(), name="school_add"),
    path("schools/<uuid:pk>/edit/", views.SchoolEditView.as_view(), name="school_edit"),
    path("agencies/new/", views.PartnerAgencyEditView.as_view(), name="agency_add"),
    path("agencies/<uuid:pk>/edit/", views.PartnerAgencyEditView.as_view(), name="agency_edit"),
    path("users/", views.UserAccountListView.as_view(), name="users"),
    path("users/new/", views.UserAccountEditView.as_view(), name="user_add"),
    path("users/<uuid:pk>/edit/", views.UserAccountEditView.as_view(), name="user_edit"),
    path("users/<uuid:pk>/<slug:action>/", views.UserAccountActionView.as_view(), name="user_action"),
]
