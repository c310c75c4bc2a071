"""Sign-in and two-factor forms."""

from __future__ import annotations

from typing import Any

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

    def confirm_login_allowed(self, user: Any) -> None:
        """An integration account (a script) never signs in to the web interface, even with a password."""
        if getattr(user, "is_integration", False):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        super().confirm_login_allowed(user)


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


class IntegrationAccountForm(forms.Form):
    """A new integration account: its name, what it is for and its scopes (the service checks them again)."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Name the script or system, like ‘Power BI refresh’ or ‘Nightly education data load’",
        error_messages={"required": "Enter a name for the integration account, like ‘Power BI refresh’"},
    )
    purpose = forms.CharField(
        label="What it does and who looks after it",
        required=False,
        widget=forms.Textarea,
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        help_text="Choose only what the script needs. Each scope allows a fixed set of API calls.",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        from familyhelp.accounts.roles import IntegrationScope

        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = IntegrationScope.choices


class TokenIssueForm(forms.Form):
    """How many days a new token lasts (blank: the council's default)."""

    expires_in_days = forms.IntegerField(
        label="Days until the token expires",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter the number of days as a whole number, like 90"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["expires_in_days"].help_text = (
            f"Leave blank for {settings.FAMILYHELP_API_TOKEN_DAYS} days. "
            f"At most {settings.FAMILYHELP_API_TOKEN_MAX_DAYS} days."
        )
        self.fields["expires_in_days"].error_messages["min_value"] = "A token must last at least 1 day"
