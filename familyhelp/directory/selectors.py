"""Reads of the directory: search by words in the name, offer or eligibility, by kind and locality."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from familyhelp.directory.models import LocalService


def local_service_search(*, text: str = "", kind: str = "", locality: Any = None,
                         include_inactive: bool = False) -> QuerySet[LocalService]:
    qs = LocalService.objects.select_related("locality")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    for word in text.split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(offer__icontains=word) | Q(eligibility__icontains=word))
    if kind:
        qs = qs.filter(kind=kind)
    if locality is not None:
        qs = qs.filter(Q(locality=locality) | Q(locality__isnull=True))
    return qs.order_by("name")


def local_service_get(pk: Any) -> LocalService:
    return LocalService.objects.get(pk=pk)
