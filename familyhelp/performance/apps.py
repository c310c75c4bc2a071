from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "familyhelp.performance"
    label = "performance"
    verbose_name = "Performance framework"
