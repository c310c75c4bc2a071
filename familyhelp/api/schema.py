"""drf-spectacular customisations: the session scheme for our session class, and the verb in each operation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from familyhelp.accounts.declare import AUTHENTICATED


class ApiSessionScheme(OpenApiAuthenticationExtension):
    """Document ApiSessionAuthentication as the session cookie."""

    target_class = "familyhelp.api.authentication.ApiSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class FamilyHelpAutoSchema(AutoSchema):
    """Adds the permission each operation needs to its description."""

    def get_description(self) -> str:  # type: ignore[override]
        from familyhelp.api.permissions import declared_verb

        description = super().get_description() or ""
        verb = declared_verb(self.view, getattr(self.view, "action", None), self.method)
        if verb == AUTHENTICATED:
            needs = "Needs: any signed-in user."
        elif verb:
            needs = f"Needs the permission `{verb}`."
        else:
            needs = "Not available."
        return f"{description}\n\n{needs}".strip()
