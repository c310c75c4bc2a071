from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "familyhelp.api"
    label = "api"

    def ready(self) -> None:
        from familyhelp.api import schema  # noqa: F401  (registers the drf-spectacular extension)
