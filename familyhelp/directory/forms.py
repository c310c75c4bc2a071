from familyhelp.directory.models import LocalService
from familyhelp.organisation.forms import GovModelForm


class LocalServiceForm(GovModelForm):
    class Meta:
        model = LocalService
        fields = ["name", "kind", "offer", "eligibility", "locality", "phone", "email", "website", "is_active"]
