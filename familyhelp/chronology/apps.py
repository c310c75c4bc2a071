from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "familyhelp.chronology"
    label = "chronology"
    verbose_name = "Chronology"
