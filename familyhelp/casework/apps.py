from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CaseworkConfig(AppConfig):
    name = "familyhelp.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from familyhelp.casework.memo import forget_case_reads

        # Reads remembered for a page view (casework.memo, the policy included) are forgotten by any write to a
        # casework record.
        for model in self.get_models():
            for signal in (post_save, post_delete):
                signal.connect(forget_case_reads, sender=model, dispatch_uid=f"casework.forget_reads.{model.__name__}")
