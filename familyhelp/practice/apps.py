from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "familyhelp.practice"
    label = "practice"
    verbose_name = "Practice tools"
