"""The client's address behind the reverse proxy.

Gunicorn listens on loopback behind nginx, so every request's REMOTE_ADDR is the proxy's own address. The
audit trail records the client's address (`familyhelp.core.middleware.client_address`), so when the request
comes from a trusted proxy (`FAMILYHELP_TRUSTED_PROXIES`: addresses or networks) this middleware replaces
REMOTE_ADDR with the `X-Real-IP` header that proxy set (deploy/nginx/familyhelp.conf sets it to nginx's
`$remote_addr`, overwriting whatever the client sent). From any other peer, or with a malformed header,
REMOTE_ADDR is left alone. With no trusted proxies configured (development, tests) it does nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in trusted if item.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Use the proxy's `X-Real-IP` as REMOTE_ADDR when the request came from a trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = tuple(getattr(settings, "FAMILYHELP_TRUSTED_PROXIES", ()))
        if trusted:
            peer = _address(str(request.META.get("REMOTE_ADDR", "")))
            real = _address(str(request.META.get("HTTP_X_REAL_IP", "")))
            if peer is not None and real is not None and any(peer in net for net in _networks(trusted)):
                request.META["REMOTE_ADDR"] = str(real)
        return self.get_response(request)
