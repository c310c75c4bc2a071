from django.urls import path

from familyhelp.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.DirectoryView.as_view(), name="list"),
    path("new/", views.LocalServiceEditView.as_view(), name="add"),
    path("<uuid:pk>/edit/", views.LocalServiceEditView.as_view(), name="edit"),
]
