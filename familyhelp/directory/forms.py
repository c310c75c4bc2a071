from django import forms

from familyhelp.directory.models import LocalService
from familyhelp.organisation.forms import GovModelForm


class LocalServiceForm(GovModelForm):
    website = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = LocalService
        fields = ["name", "kind", "offer", "eligibility", "locality", "phone", "email", "website", "is_active"]
