from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "familyhelp.returns"
    label = "returns"
    verbose_name = "Statutory returns"
