from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "familyhelp.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door (MASH)"
