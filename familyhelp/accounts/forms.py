"""Sign-in and two-factor forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Username and password, with GOV.UK wording."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. After 5 wrong attempts your account is locked "
        "for an hour.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].label = "Password"
        self.fields["password"].error_messages["required"] = "Enter your password"


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, like 123456",
        max_length=8,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6 digits shown in your authenticator app")
        return token
