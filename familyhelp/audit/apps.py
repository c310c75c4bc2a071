from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "familyhelp.audit"
    label = "audit"
    verbose_name = "Audit"
