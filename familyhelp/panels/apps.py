from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "familyhelp.panels"
    label = "panels"
    verbose_name = "Resource and admission-to-care panels"
