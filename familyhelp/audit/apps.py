from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "familyhelp.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from familyhelp.audit.append_only import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="familyhelp_audit_append_only")
