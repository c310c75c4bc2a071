from django.apps import AppConfig


class TafConfig(AppConfig):
    name = "familyhelp.taf"
    label = "taf"
    verbose_name = "Team around the family"
