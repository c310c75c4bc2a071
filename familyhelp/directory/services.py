"""Writes to the directory of local services (administrators)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from familyhelp.accounts import roles
from familyhelp.accounts.permissions import has_verb
from familyhelp.core.concurrency import save_versioned
from familyhelp.core.errors import DomainError, full_clean_or_raise, require
from familyhelp.directory.models import LocalService

FIELDS = {"name", "kind", "offer", "eligibility", "locality", "phone", "email", "website", "is_active"}


def _check(fields: dict[str, Any], exclude_pk: Any = None) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"Unknown local service fields: {sorted(unknown)}")
    name = (fields.get("name") or "").strip()
    if name and LocalService.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise DomainError("A service with this name is already in the directory", field="name")


@transaction.atomic
def local_service_create(*, actor: Any, **fields: Any) -> LocalService:
    require(has_verb(actor, roles.MANAGE_ORGANISATION), "Only an administrator can change the directory.")
    _check(fields)
    service = LocalService(created_by=actor, modified_by=actor, **fields)
    full_clean_or_raise(service)
    service.save()
    return service


@transaction.atomic
def local_service_update(
    *, actor: Any, local_service: LocalService, expected_version: int | None, **fields: Any
) -> LocalService:
    require(has_verb(actor, roles.MANAGE_ORGANISATION), "Only an administrator can change the directory.")
    _check(fields, exclude_pk=local_service.pk)
    for key, value in fields.items():
        setattr(local_service, key, value)
    full_clean_or_raise(local_service)
    save_versioned(local_service, actor=actor, expected_version=expected_version, fields=list(fields))
    return local_service
