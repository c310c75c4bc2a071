"""drf-spectacular customisations: our session scheme, tags, and the permission each operation needs."""

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
    """Tags by resource, operation ids without the version, and the permission each operation needs."""

    def _resource(self) -> str:
        parts = [p for p in self.path.split("/") if p and p not in ("api", "v1")]
        return parts[0] if parts else "api"

    def get_tags(self) -> list[str]:
        return [self._resource()]

    def get_operation_id(self) -> str:
        return str(super().get_operation_id()).removeprefix("v1_")

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        from familyhelp.api.permissions import declared_verb

        verb = declared_verb(self.view, getattr(self.view, "action", None), self.method)
        if verb == AUTHENTICATED:
            needs = "Needs: any signed-in user."
        elif verb:
            needs = f"Needs the permission `{verb}`."
        else:
            needs = "Not available."
        operation["description"] = f"{operation.get('description', '')}\n\n{needs}".strip()
        return operation
