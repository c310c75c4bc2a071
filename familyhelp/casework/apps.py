from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "familyhelp.casework"
    label = "casework"
    verbose_name = "Casework"
