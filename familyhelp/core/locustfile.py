"""The users of `familyhelp bench web`: signed-in practitioners, managers, the front door, leaders and analysts
doing a practitioner's mix against a running Family Help on loopback.

This module imports locust, which monkey-patches the standard library for gevent on import: never import it
from Django's process (or from tests). `familyhelp bench web` runs it as a subprocess:

    python -m familyhelp.core.locustfile --host http://127.0.0.1:PORT --plan plan.json --out results.json \\
        --users 50 --spawn-rate 5 --warmup 10 --seconds 120 --access-log access.log

The plan (written by `familyhelp bench web --plan`, inside the bench database) names each user's login, the
actions their role takes with their weights, and the records they may open. Each user signs in once, then, after
a think time, picks an action. Requests are timed here (including any time queued for a gunicorn worker);
only requests started inside the measured window are kept. Every write carries a marker in its text so the
bench can look for it in the database afterwards. Locust's own command line works too, for exploring
(`FAMILYHELP_BENCH_PLAN=plan.json locust -f familyhelp/core/locustfile.py --host http://127.0.0.1:PORT`).
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import gevent
from locust import HttpUser, between, task  # importing locust patches the standard library for gevent
from locust.clients import HttpSession
from locust.env import Environment
from locust.exception import StopUser

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')
_STATIC = re.compile(r'(?:href|src)="(/static/[^"?#]+)"')
_ERROR_ITEM = re.compile(r'class="govuk-error-summary__list">\s*<li>(.*?)</li>', re.S)
_TAG = re.compile(r"<[^>]+>")


class State:
    """What all the users in this process share (one process, one gevent loop: no locks needed)."""

    def __init__(self) -> None:
        self.plan: dict[str, Any] | None = None
        self.seed = 1
        self.timings: list[dict[str, Any]] = []  # requests started inside the measured window
        self.writes: list[dict[str, Any]] = []  # every write, whenever made: {"kind", "marker", "ok"}
        self.measuring = os.environ.get("FAMILYHELP_BENCH_PLAN") is not None  # locust's own CLI: always
        self.stopping = False
        self.signed_in = 0
        self.sign_in_failed = 0
        self.busy = 0  # users inside an action now
        self.started_users: list[str] = []
        self.numbers = itertools.count()


STATE = State()


def _plan() -> dict[str, Any]:
    if STATE.plan is None:
        with open(os.environ["FAMILYHELP_BENCH_PLAN"]) as f:
            STATE.plan = json.load(f)
    return STATE.plan


def _csrf(text: str) -> str:
    match = _CSRF.search(text)
    return (match.group(1) or match.group(2)) if match else ""


def _form_error(text: str) -> str:
    """The first message of a page's GOV.UK error summary (generic wording, never what was typed)."""
    match = _ERROR_ITEM.search(text)
    return html.unescape(_TAG.sub("", match.group(1))).strip()[:100] if match else ""


def _date_fields(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


class PractitionerUser(HttpUser):
    """One signed-in member of staff; their role (and so their mix) comes from the plan."""

    wait_time = between(1, 3)  # the bench sets --think-min/--think-max

    def on_start(self) -> None:
        plan = _plan()
        self.number = next(STATE.numbers)
        self.username = plan["users"][self.number % len(plan["users"])]
        STATE.started_users.append(self.username)
        self.role = plan["roles"][self.username]
        self.rng = random.Random(f"{STATE.seed}-{self.number}")
        self.zone = ZoneInfo(plan.get("time_zone", "Europe/London"))
        self.actions = list(self.role["actions"])
        self.weights = [self.role["actions"][a] for a in self.actions]
        self.anonymous = HttpSession(self.host, self.environment.events.request, self)
        self.token = ""
        self.static: list[str] = []
        if self._sign_in():
            STATE.signed_in += 1
        else:
            STATE.sign_in_failed += 1
            raise StopUser

    # --- Requests -------------------------------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        session: HttpSession | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Make a request (redirects not followed), time it, and keep it when it started inside the window.
        Returns the response when its status is expected, else None."""
        client = session or self.client
        in_window = STATE.measuring and not STATE.stopping
        started = time.perf_counter()
        response = client.request(
            method,
            path,
            name=_UUID.sub("<id>", path),
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )
        ms = (time.perf_counter() - started) * 1000
        status = int(getattr(response, "status_code", 0) or 0)
        error = ""
        if status == 0:
            error = f"no response ({type(getattr(response, 'error', None)).__name__})"
        elif status not in expect:
            if 300 <= status < 400:
                where = urlsplit(response.headers.get("Location", "")).path
                error = "redirected to sign-in" if where.startswith("/accounts/sign-in") else "unexpected redirect"
            elif status == 200 and method == "POST":
                error = "form refused" + (f": {_form_error(response.text)}" if response.text else "")
            else:
                error = f"status {status}"
        if in_window:
            STATE.timings.append({"method": method, "path": path, "ms": ms, "status": status, "error": error})
        if error:
            return None
        if session is None and status == 200 and "html" in response.headers.get("Content-Type", ""):
            # the signed-in session's token only: the anonymous sign-in page's token is another session's
            # (taking it made the next search a CSRF failure, 403)
            self.token = _csrf(response.text) or self.token
        return response

    def _get(self, path: str, **kwargs: Any) -> Any:
        return self._request("GET", path, **kwargs)

    def _sign_in(self) -> bool:
        page = self._get("/accounts/sign-in/")
        if page is None:
            return False
        self.static = sorted(set(_STATIC.findall(page.text))) or ["/static/familyhelp/familyhelp.css"]
        plan = _plan()
        response = self._request(
            "POST",
            "/accounts/sign-in/",
            expect=(302,),
            data={"csrfmiddlewaretoken": _csrf(page.text), "username": self.username, "password": plan["password"]},
        )
        if response is None:
            return False
        return self._get("/") is not None  # the work tray, which also gives the session's CSRF token

    def _now(self) -> datetime:
        return datetime.now(self.zone)

    def _marker(self, kind: str) -> tuple[str, str]:
        marker = uuid.uuid4().hex
        return marker, f"{_plan()['marker_prefix']}{kind} {marker}: written by familyhelp bench web."

    def _write(self, kind: str, form_path: str, fields: dict[str, str], marker: str, done_prefix: str) -> None:
        """Open the form, post it with its CSRF token, follow the redirect; note whether it was acknowledged."""
        form = self._get(form_path)
        if form is None:
            return
        data = {"csrfmiddlewaretoken": _csrf(form.text), **fields}
        response = self._request("POST", form_path, expect=(302,), data=data)
        location = urlsplit(response.headers.get("Location", "")).path if response is not None else ""
        ok = response is not None and location.startswith(done_prefix)
        STATE.writes.append({"kind": kind, "marker": marker, "ok": ok})
        if ok:
            self._get(location)

    # --- The mix ----------------------------------------------------------------------------------------------------
    @task
    def act(self) -> None:
        if STATE.stopping:
            raise StopUser
        action = self.rng.choices(self.actions, weights=self.weights)[0]
        STATE.busy += 1
        try:
            getattr(self, f"do_{action}")()
        except StopUser:
            raise
        except Exception as exc:  # a fault in this file, not the server's: counted as an error all the same
            if STATE.measuring and not STATE.stopping:
                STATE.timings.append(
                    {"method": "CLIENT", "path": action, "ms": 0.0, "status": 0, "error": type(exc).__name__}
                )
        finally:
            STATE.busy -= 1

    def do_home(self) -> None:
        self._get("/")

    def do_case(self) -> None:
        self._get(f"/cases/{self.rng.choice(self.role['cases'])}/")

    def do_child(self) -> None:
        self._get(f"/people/{self.rng.choice(self.role['children'])}/")

    def do_queue(self) -> None:
        self._get("/front-door/")

    def do_dashboard(self) -> None:
        self._get("/performance/")

    def do_api_contacts(self) -> None:
        self._get("/api/v1/contacts/", headers={"Accept": "application/json"})

    def do_static(self) -> None:
        self._get(self.rng.choice(self.static))

    def do_sign_in_page(self) -> None:
        """Someone arriving at the sign-in page (no session): the reference every page is compared with."""
        self.anonymous.cookies.clear()
        self._get("/accounts/sign-in/", session=self.anonymous)

    def do_search(self) -> None:
        if not self.token and self._get("/people/search/") is None:
            return
        query = self.rng.choice(self.role["searches"])
        born = date.fromisoformat(query["date_of_birth"])
        data = {
            "csrfmiddlewaretoken": self.token,
            "given_names": query["given_names"],
            "family_name": query["family_name"],
            **_date_fields("date_of_birth", born),
            "purpose": self.role["search_purpose"],
        }
        self._request("POST", "/people/search/", data=data)

    def do_note(self) -> None:
        case = self.rng.choice(self.role["work_cases"])
        marker, text = self._marker("note")
        fields = {"category": "direct_work", **_date_fields("occurred_on", self._now().date()), "text": text}
        self._write("note", f"/cases/{case}/notes/add/", fields, marker, f"/cases/{case}/notes/")

    def do_visit(self) -> None:
        case = self.rng.choice(self.role["work_cases"])
        marker, text = self._marker("visit")
        fields = {**_date_fields("visited_on", self._now().date()), "seen": "alone", "notes": text}
        self._write("visit", f"/cases/{case}/visits/add/", fields, marker, f"/cases/{case}/visits/")

    def do_event(self) -> None:
        child = self.rng.choice(self.role["event_children"])
        marker, text = self._marker("event")
        fields = {**_date_fields("occurred_on", self._now().date()), "summary": text}
        self._write("event", f"/people/{child}/chronology/new/", fields, marker, f"/people/{child}/")

    def do_contact(self) -> None:
        marker, text = self._marker("contact")
        now = self._now()
        values = _plan()["contact_form"]
        fields = {
            "child_given_names": "Bench",
            "child_family_name": f"Loadtest{self.rng.randrange(10_000)}",
            **_date_fields("child_date_of_birth", date(now.year - 1 - self.rng.randrange(15), 3, 14)),
            **_date_fields("received_on", now.date()),
            "received_time": f"{now:%H:%M}",
            "kind": values["kind"],
            "referral_source": values["referral_source"],
            "consent": values["consent"],
            "urgency": values["urgency"],
            "referrer_name": "Web bench",
            "concerns": text,
        }
        self._write("contact", "/front-door/contacts/new/", fields, marker, "/front-door/contacts/")


# --- Running headless from the bench ------------------------------------------------------------------------------
def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--access-log", action="append", default=[], help="A log the server writes its access lines to (repeatable)."
    )
    parser.add_argument("--drain", type=float, default=30.0, help="Seconds to let actions in flight finish.")
    return parser.parse_args(argv)


def _log_sizes(paths: list[str]) -> dict[str, int]:
    sizes = {}
    for path in paths:
        try:
            sizes[path] = os.path.getsize(path)
        except OSError:
            sizes[path] = 0
    return sizes


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tqdm import tqdm

    with open(args.plan) as f:
        STATE.plan = json.load(f)
    STATE.seed = args.seed
    STATE.measuring = False
    PractitionerUser.wait_time = between(args.think_min, args.think_max)
    env = Environment(user_classes=[PractitionerUser], host=args.host, stop_timeout=args.drain)
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    deadline = time.monotonic() + args.users / args.spawn_rate + 180
    with tqdm(total=args.users, desc="  signed in", unit=" users", file=sys.stderr, leave=False) as bar:
        while STATE.signed_in + STATE.sign_in_failed < args.users and time.monotonic() < deadline:
            gevent.sleep(0.2)
            bar.update(STATE.signed_in - bar.n)
    print(
        f"  {STATE.signed_in} of {args.users} users signed in"
        + (f" ({STATE.sign_in_failed} could not)" if STATE.sign_in_failed else ""),
        file=sys.stderr,
    )
    if args.warmup > 0:
        gevent.sleep(args.warmup)
    access_log_start = _log_sizes(args.access_log)
    STATE.measuring = True
    started = time.monotonic()
    with tqdm(total=int(args.seconds), desc="  measuring", unit=" s", file=sys.stderr, leave=False) as bar:
        while (elapsed := time.monotonic() - started) < args.seconds:
            gevent.sleep(min(1.0, args.seconds - elapsed))
            errors = sum(1 for t in STATE.timings if t["error"])
            bar.set_postfix_str(f"{len(STATE.timings):,} requests, {errors} errors", refresh=False)
            bar.update(int(time.monotonic() - started) - bar.n)
    measured = time.monotonic() - started
    STATE.stopping = True
    access_log_end = _log_sizes(args.access_log)  # requests finished inside the window, as the client's started
    drain_until = time.monotonic() + args.drain
    while STATE.busy > 0 and time.monotonic() < drain_until:
        gevent.sleep(0.1)
    runner.quit()
    errors = sum(1 for t in STATE.timings if t["error"])
    print(f"  {len(STATE.timings):,} requests in {measured:.0f} s, {errors} errors", file=sys.stderr)
    return {
        "users": STATE.started_users,
        "signed_in": STATE.signed_in,
        "measured_seconds": measured,
        "timings": STATE.timings,
        "writes": STATE.writes,
        "access_logs": {path: [start, access_log_end[path]] for path, start in access_log_start.items()},
    }


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    results = run(args)
    with open(args.out, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
