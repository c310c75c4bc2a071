"""Pages of the taf app: the team around the family on a case, the partner's view, and signposting."""

from __future__ import annotations

from django.urls import URLPattern, path

from familyhelp.taf import views

app_name = "taf"
urlpatterns: list[URLPattern] = [
    path("case/<uuid:pk>/", views.TafView.as_view(), name="case"),
    path("case/<uuid:pk>/members/new/", views.MemberAddView.as_view(), name="member_add"),
    path("case/<uuid:pk>/meetings/new/", views.MeetingAddView.as_view(), name="meeting_add"),
    path("case/<uuid:pk>/actions/new/", views.ActionAddView.as_view(), name="action_add"),
    path("members/<uuid:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<uuid:pk>/leave/", views.MemberLeaveView.as_view(), name="member_leave"),
    path("meetings/<uuid:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("actions/<uuid:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("actions/<uuid:pk>/status/", views.ActionStatusView.as_view(), name="action_status"),
    path("plan/<uuid:pk>/", views.PartnerPlanView.as_view(), name="plan"),
    path("my-actions/<uuid:pk>/status/", views.PartnerActionStatusView.as_view(), name="my_action_status"),
    path("plan-actions/<uuid:pk>/signpost/", views.PlanActionSignpostView.as_view(), name="plan_action_signpost"),
]
