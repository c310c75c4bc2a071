"""Browser journeys in Debian's Chromium (never a downloaded browser), each page checked with axe."""

from __future__ import annotations

import os
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FAMILYHELP_CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct-horse-battery"


HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """Mark the browser journeys (and only them) so `-m "not e2e"` leaves them out."""
    for item in items:
        if str(item.path).startswith(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args():  # type: ignore[no-untyped-def]
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def axe_check():  # type: ignore[no-untyped-def]
    """Run axe (WCAG 2.2 A/AA) on the page and fail with the violations listed."""
    axe = Axe()

    def check(page) -> None:  # type: ignore[no-untyped-def]
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response.get("violations", [])
        summary = [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in violations]
        assert not violations, f"axe violations on {page.url}:\n" + "\n".join(summary)

    return check


@pytest.fixture
def sign_in(live_server, axe_check):  # type: ignore[no-untyped-def]
    """Sign in through the real form (setting up two-factor where the role needs it)."""

    def do(page, username: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(f"{live_server.url}/accounts/sign-in/")
        axe_check(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if "/two-factor/set-up/" in page.url:
            axe_check(page)
            secret = page.locator("#otp-secret").inner_text().replace(" ", "")
            code = f"{totp(b32decode(secret)):06d}"
            page.get_by_label("Code from your authenticator app").fill(code)
            page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()

    return do
