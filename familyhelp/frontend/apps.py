from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "familyhelp.frontend"
    label = "frontend"
