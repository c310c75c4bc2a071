from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "familyhelp.synthetic"
    label = "synthetic"
