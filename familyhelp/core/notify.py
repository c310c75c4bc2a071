"""Email (and later SMS) notifications through a pluggable notifier.

`FAMILYHELP_NOTIFIER` names the backend:
- "console" (development): writes the message to standard output;
- "memory" (the test suite): keeps messages in MemoryNotifier.outbox;
- "file" (demo, browser tests): appends one JSON line per message to FAMILYHELP_NOTIFIER_FILE;
- "notify": a GOV.UK Notify-style HTTP API (`POST {base}/v2/notifications/email` with a JWT signed
  with the service's secret key), configured with FAMILYHELP_NOTIFY_BASE_URL, FAMILYHELP_NOTIFY_SERVICE_ID,
  FAMILYHELP_NOTIFY_SECRET and FAMILYHELP_NOTIFY_TEMPLATES (our template name → the provider's template id).

Messages carry no personal data about children: they tell the recipient that something is ready and to
sign in (references only). Callers send after the transaction commits (ADR 0007). `send` hands the message to
the background queue (ADR 0018): the `email_deliver` task tries the notifier, and on a failure tries again
after 1, 5 and then 25 minutes (EMAIL_RETRY_DELAYS); after the last attempt the failure is logged without the
message's content. A failure never undoes the work that triggered it. With the immediate backend (tests) the
task runs at once and retries without waiting.
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
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task

from familyhelp.core import clock

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


# Waits before the 2nd, 3rd and 4th attempts: four attempts in all over about half an hour.
EMAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25))
EMAIL_PRIORITY = 10  # ahead of longer jobs waiting in the queue


def deliver(template: str, to: str, personalisation: dict[str, str]) -> None:
    """Send one message now through the configured notifier (raises when the backend fails)."""
    get_notifier().send(Message(template=template, to=to, personalisation=personalisation))


@task(priority=EMAIL_PRIORITY)
def email_deliver(*, template: str, to: str, personalisation: dict[str, str], attempt: int = 1) -> str:
    """Try to send the message; on failure queue the next attempt after its back-off delay.

    Returns "sent", "retrying" (a later attempt is queued) or "failed" (the last attempt failed: logged
    without the message's content). With a backend that cannot defer (the immediate backend in tests) the
    next attempt runs at once and this returns its outcome.
    """
    try:
        deliver(template, to, personalisation)
    except Exception as exc:  # noqa: BLE001 - a failed email must not break the work that caused it
        attempts = len(EMAIL_RETRY_DELAYS) + 1
        if attempt >= attempts:
            logger.error(
                "Notification %s could not be sent after %d attempts (%s); giving up",
                template,
                attempt,
                type(exc).__qualname__,
            )
            return "failed"
        delay = EMAIL_RETRY_DELAYS[attempt - 1]
        logger.warning(
            "Notification %s could not be sent (attempt %d of %d, %s); trying again in %d minutes",
            template,
            attempt,
            attempts,
            type(exc).__qualname__,
            delay.total_seconds() // 60,
        )
        retry = email_deliver
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=clock.now() + delay)
        result = retry.enqueue(template=template, to=to, personalisation=personalisation, attempt=attempt + 1)
        if result.is_finished:
            return str(result.return_value) if result.status == TaskResultStatus.SUCCESSFUL else "failed"
        return "retrying"
    return "sent"


def send(template: str, to: str, **personalisation: str) -> bool:
    """Queue one message (sent by the worker, with retries); returns False if it is known to have failed for
    good (only when tasks run at once, as in tests) or could not be queued."""
    if template not in TEMPLATES:
        raise ValueError(f"Unknown notification template {template!r}")
    try:
        result = email_deliver.enqueue(template=template, to=to, personalisation=dict(personalisation))
    except Exception as exc:  # noqa: BLE001 - a failed email must not break the work that caused it
        logger.error("Notification %s could not be queued (%s)", template, type(exc).__qualname__)
        return False
    if result.is_finished:
        return result.status == TaskResultStatus.SUCCESSFUL and result.return_value != "failed"
    return True
