"""Email (and later SMS) notifications through a pluggable notifier.

`FAMILYHELP_NOTIFIER` names the backend:
- "console" (development): writes the message to standard output;
- "memory" (the test suite): keeps messages in MemoryNotifier.outbox;
- "file" (demo, browser tests): appends one JSON line per message to FAMILYHELP_NOTIFIER_FILE;
- "notify": a GOV.UK Notify-style HTTP API (`POST {base}/v2/notifications/email` with a JWT signed
  with the service's secret key), configured with FAMILYHELP_NOTIFY_BASE_URL, FAMILYHELP_NOTIFY_SERVICE_ID,
  FAMILYHELP_NOTIFY_SECRET and FAMILYHELP_NOTIFY_TEMPLATES (our template name → the provider's template id).

Messages carry no personal data about children: they tell the recipient that something is ready and to
sign in (references only). Sending happens after the transaction commits (ADR 0007); a failure is logged
without the message content and never undoes the work that triggered it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TEMPLATES: dict[str, tuple[str, str]] = {
    # name: (subject, body) with {placeholders}; no personal data about children.
    "referral_outcome": (
        "Family Help: the outcome of your referral {reference}",
        "The front door has made a decision about the referral you made on {submitted_on} "
        "(reference {reference}). Sign in to Family Help and open 'My referrals' to see the outcome.",
    ),
}


@dataclass(frozen=True)
class Message:
    template: str
    to: str
    personalisation: dict[str, str] = field(default_factory=dict)

    def render(self) -> tuple[str, str]:
        subject, body = TEMPLATES[self.template]
        return subject.format(**self.personalisation), body.format(**self.personalisation)


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleNotifier:
    """Prints the email (development)."""

    def send(self, message: Message) -> None:
        subject, body = message.render()
        print(f"--- email to {message.to}\nSubject: {subject}\n\n{body}\n---", flush=True)  # noqa: T201


class MemoryNotifier:
    """Keeps messages in a list (the test suite's backend; tests read and clear `outbox`)."""

    outbox: list[Message] = []  # noqa: RUF012 - shared on purpose, like Django's locmem mail outbox

    def send(self, message: Message) -> None:
        MemoryNotifier.outbox.append(message)


class FileNotifier:
    """Appends each message as a JSON line (tests and the demo can read what was sent)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.FAMILYHELP_NOTIFIER_FILE)

    def send(self, message: Message) -> None:
        subject, body = message.render()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"template": message.template, "to": message.to, "subject": subject, "body": body}))
            fh.write("\n")

    def sent(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def notify_token(service_id: str, secret: str, *, issued_at: int | None = None) -> str:
    """The JWT (HS256) a GOV.UK Notify-style API expects: iss = service id, iat = now."""
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(time.time()) if issued_at is None else issued_at}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


class NotifyApiNotifier:
    """A GOV.UK Notify-style adapter: the provider holds the templates, we send ids and personalisation."""

    def __init__(self) -> None:
        self.base_url = settings.FAMILYHELP_NOTIFY_BASE_URL.rstrip("/")
        self.service_id = settings.FAMILYHELP_NOTIFY_SERVICE_ID
        self.secret = settings.FAMILYHELP_NOTIFY_SECRET
        self.templates: dict[str, str] = settings.FAMILYHELP_NOTIFY_TEMPLATES

    def send(self, message: Message) -> None:
        body = json.dumps(
            {
                "email_address": message.to,
                "template_id": self.templates[message.template],
                "personalisation": message.personalisation,
                "reference": str(uuid.uuid4()),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the base URL is configuration, not user input
            f"{self.base_url}/v2/notifications/email",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {notify_token(self.service_id, self.secret)}",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"Notify API answered {response.status}")


BACKENDS = {
    "console": "familyhelp.core.notify.ConsoleNotifier",
    "file": "familyhelp.core.notify.FileNotifier",
    "memory": "familyhelp.core.notify.MemoryNotifier",
    "notify": "familyhelp.core.notify.NotifyApiNotifier",
}


def get_notifier() -> Notifier:
    name = settings.FAMILYHELP_NOTIFIER
    notifier: Notifier = import_string(BACKENDS.get(name, name))()
    return notifier


def send(template: str, to: str, **personalisation: str) -> bool:
    """Send one message now; returns False (and logs, without content) if the backend failed."""
    if template not in TEMPLATES:
        raise ValueError(f"Unknown notification template {template!r}")
    try:
        get_notifier().send(Message(template=template, to=to, personalisation=personalisation))
    except Exception:  # noqa: BLE001 - a failed email must not break the work that caused it
        logger.exception("Notification %s could not be sent", template)
        return False
    return True
