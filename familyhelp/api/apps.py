from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "familyhelp.api"
    label = "api"
