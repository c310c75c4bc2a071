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
]
