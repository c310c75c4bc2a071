from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "familyhelp.organisation"
    label = "organisation"
    verbose_name = "Organisation"
