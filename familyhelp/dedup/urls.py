from django.urls import path

from familyhelp.dedup import views

app_name = "dedup"
urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("find/", views.FindView.as_view(), name="find"),
    path("<uuid:pk>/", views.CandidateDetailView.as_view(), name="detail"),
    path("<uuid:pk>/merge/", views.CandidateMergeView.as_view(), name="merge"),
    path("<uuid:pk>/not-duplicate/", views.CandidateNotDuplicateView.as_view(), name="not_duplicate"),
    path("merges/<uuid:pk>/undo/", views.MergeUndoView.as_view(), name="undo"),
]
