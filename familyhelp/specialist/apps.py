from django.apps import AppConfig


class SpecialistConfig(AppConfig):
    name = "familyhelp.specialist"
    label = "specialist"
    verbose_name = "Specialist services"
