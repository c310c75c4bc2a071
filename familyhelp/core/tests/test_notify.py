"""The pluggable notifier: file backend, Notify-style HTTP adapter (signed token, template id), failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.test import override_settings

from familyhelp.core import notify


def test_file_backend_appends_json_lines(tmp_path):
    path = tmp_path / "sent.jsonl"
    with override_settings(FAMILYHELP_NOTIFIER="file", FAMILYHELP_NOTIFIER_FILE=str(path)):
        assert notify.send("referral_outcome", "dsl@example.org", reference="C0000001", submitted_on="9 March 2026")
    (sent,) = notify.FileNotifier(path).sent()
    assert sent["to"] == "dsl@example.org"
    assert "C0000001" in sent["subject"]


def test_notify_adapter_posts_a_signed_request():
    received: dict[str, object] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received["path"] = self.path
            received["auth"] = self.headers["Authorization"]
            received["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    with override_settings(
        FAMILYHELP_NOTIFIER="notify",
        FAMILYHELP_NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_port}",
        FAMILYHELP_NOTIFY_SERVICE_ID="service-1",
        FAMILYHELP_NOTIFY_SECRET="s3cret",
        FAMILYHELP_NOTIFY_TEMPLATES={"referral_outcome": "tmpl-42"},
    ):
        assert notify.send("referral_outcome", "dsl@example.org", reference="C1", submitted_on="today")
    thread.join(timeout=10)
    server.server_close()
    assert received["path"] == "/v2/notifications/email"
    body = received["body"]
    assert isinstance(body, dict)
    assert body["template_id"] == "tmpl-42" and body["personalisation"] == {"reference": "C1", "submitted_on": "today"}
    token = str(received["auth"]).removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    expected = hmac.new(b"s3cret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    assert json.loads(base64.urlsafe_b64decode(payload + "=="))["iss"] == "service-1"


def test_a_failing_backend_is_logged_not_raised(caplog):
    with override_settings(FAMILYHELP_NOTIFIER="notify", FAMILYHELP_NOTIFY_BASE_URL="http://127.0.0.1:9",
                           FAMILYHELP_NOTIFY_TEMPLATES={"referral_outcome": "x"}):
        assert notify.send("referral_outcome", "dsl@example.org", reference="C1", submitted_on="today") is False
    assert "could not be sent" in caplog.text
    assert "dsl@example.org" not in caplog.text
