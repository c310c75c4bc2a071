from django.apps import AppConfig


class SpecialistConfig(AppConfig):
    name = "familyhelp.specialist"
    label = "specialist"
    verbose_name = "Specialist services"

    def ready(self) -> None:
        from familyhelp.specialist.outcomes import register_measure

        register_measure()
