from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familyhelp.people"
    label = "people"
    verbose_name = "People"
