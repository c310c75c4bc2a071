from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_access(**kwargs: Any) -> None:
    from familyhelp.people.permissions import forget_access

    forget_access()


class PeopleConfig(AppConfig):
    name = "familyhelp.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Record access is remembered for the rest of a request (people.permissions); a write to anything the
        # decision reads makes the request decide again.
        from familyhelp.accounts.models import BreakGlassAccess, IntegrationAccount, RestrictedAccessGrant, User
        from familyhelp.people.models import Person, ProfessionalInvolvement, Relationship

        for model in (
            Person,
            ProfessionalInvolvement,
            Relationship,
            RestrictedAccessGrant,
            BreakGlassAccess,
            User,
            IntegrationAccount,
        ):
            for signal in (post_save, post_delete):
                signal.connect(_forget_access, sender=model, dispatch_uid=f"people.forget_access.{model.__name__}")
