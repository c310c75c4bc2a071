"""Pages of the panels app."""

from __future__ import annotations

from django.urls import URLPattern, path

from familyhelp.panels import views

app_name = "panels"
urlpatterns: list[URLPattern] = [
    path("", views.PanelListView.as_view(), name="list"),
    path("schedule/", views.PanelScheduleView.as_view(), name="schedule"),
    path("<uuid:pk>/", views.PanelDetailView.as_view(), name="panel"),
    path("<uuid:pk>/agenda/", views.PanelAgendaBuildView.as_view(), name="agenda_build"),
    path("<uuid:pk>/attendance/", views.PanelAttendanceView.as_view(), name="attendance"),
    path("<uuid:pk>/held/", views.PanelHoldView.as_view(), name="hold"),
    path("requests/<uuid:pk>/", views.RequestDetailView.as_view(), name="request"),
    path("requests/<uuid:pk>/decide/", views.RequestDecideView.as_view(), name="decide"),
    path("requests/<uuid:pk>/move/", views.PanelItemMoveView.as_view(), name="move"),
    path("requests/<uuid:pk>/withdraw/", views.RequestWithdrawView.as_view(), name="withdraw"),
    path("cases/<uuid:pk>/", views.CaseRequestsView.as_view(), name="case_requests"),
    path("cases/<uuid:pk>/request/", views.RequestMakeView.as_view(), name="request_make"),
]
