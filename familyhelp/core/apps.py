from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "familyhelp.core"
    label = "core"
    verbose_name = "Core"
