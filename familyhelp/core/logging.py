"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

Used by config/settings/production.py (Django's loggers) and deploy/gunicorn.conf.py (gunicorn's own).
A line has `time` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id` (null outside a request), then
the record's extra fields when they are plain values (str, int, float, bool, None): `method`, `path`,
`status`, `duration_ms` and `user_id` on the request lines of `familyhelp.request`. Anything else a library
attaches to a record is left out: Django's `django.request` attaches the whole request object, whose text
includes the query string, which may carry personal data.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from familyhelp.core.request_id import META_KEY, current_request_id, is_well_formed

_LEFT_OUT = frozenset(RESERVED_ATTRS) | {"taskName", "request", "server_time", "request_id", "color_message"}
_PLAIN = (str, int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record (None outside a request); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id() or _attached_request_id(record)
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with a fixed set of leading fields and plain-valued extras only."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        created = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        log_data["time"] = created.isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data["request_id"] = (
            getattr(record, "request_id", None) or current_request_id() or _attached_request_id(record)
        )
        for key, value in record.__dict__.items():
            if key not in _LEFT_OUT and not key.startswith("_") and key not in log_data and isinstance(value, _PLAIN):
                log_data[key] = value
        for key, value in message_dict.items():  # exc_info, stack_info
            log_data[key] = value


def _attached_request_id(record: logging.LogRecord) -> str | None:
    """The id of a request the record was written about after the request's context had ended.

    Django's `django.request` logs a 4xx/5xx answer once the middleware has returned, with the request
    attached (RequestIdMiddleware stored the id it used in META); gunicorn's access log (when turned on)
    passes its atoms as the record's args, the response's X-Request-ID header among them.
    """
    request = getattr(record, "request", None)
    meta = getattr(request, "META", None)
    if isinstance(meta, dict):
        value = meta.get(META_KEY)
        return value if isinstance(value, str) and is_well_formed(value) else None
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        value = record.args.get("{x-request-id}o")
        return value if isinstance(value, str) and is_well_formed(value) else None
    return None
