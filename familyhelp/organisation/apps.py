from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_council_name(**kwargs: Any) -> None:
    from django.core.cache import cache

    from familyhelp.frontend.context_processors import COUNCIL_NAME_KEY

    cache.delete(COUNCIL_NAME_KEY)


class OrganisationConfig(AppConfig):
    name = "familyhelp.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from familyhelp.organisation.models import LocalAuthority

        for signal in (post_save, post_delete):
            signal.connect(_forget_council_name, sender=LocalAuthority, dispatch_uid="organisation.council_name")
