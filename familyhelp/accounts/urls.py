from django.urls import path

from familyhelp.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("two-factor/set-up/", views.OtpSetupView.as_view(), name="otp_setup"),
    path("two-factor/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("notifications/<uuid:pk>/read/", views.notification_read, name="notification_read"),
    path("integration/", views.IntegrationAccountListView.as_view(), name="integration_list"),
    path("integration/new/", views.IntegrationAccountCreateView.as_view(), name="integration_add"),
    path("integration/<uuid:pk>/", views.IntegrationAccountDetailView.as_view(), name="integration_detail"),
    path("integration/<uuid:pk>/tokens/", views.IntegrationTokenIssueView.as_view(), name="integration_token_issue"),
    path(
        "integration/<uuid:pk>/tokens/<str:token_key>/<slug:action>/",
        views.IntegrationTokenActionView.as_view(),
        name="integration_token_action",
    ),
    path(
        "integration/<uuid:pk>/deactivate/",
        views.IntegrationAccountDeactivateView.as_view(),
        name="integration_deactivate",
    ),
]
