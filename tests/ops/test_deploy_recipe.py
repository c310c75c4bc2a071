"""The production recipe (deploy/, docs/operations/production.md): what can be checked on this machine.

- gunicorn's configuration parses and says what the recipe says (timeouts, preload, no query strings);
- the systemd units verify (`systemd-analyze verify` with the paths pointed at this checkout) and carry
  the keys the reload procedure depends on;
- the nginx example has the directives Django relies on (nginx is not installed here: a text check);
- a reload under load drops no request: gunicorn started with the recipe's configuration and production
  settings on SQLite, four threads asking /healthz and /readyz without pause while the master gets HUP
  (configuration reload) and then USR2 (`systemctl reload`: the new code's master takes over); every
  request must get a 200: none refused, reset or failed. About 10 s on an idle machine (two Django boots).
"""

from __future__ import annotations

import configparser
import datetime
import http.client
import json
import os
import re
import runpy
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
WEB_UNIT = DEPLOY / "systemd" / "familyhelp-web.service"
WORKER_UNIT = DEPLOY / "systemd" / "familyhelp-worker.service"
SCHEDULE_UNIT = DEPLOY / "systemd" / "familyhelp-schedule.service"
SCHEDULE_TIMER = DEPLOY / "systemd" / "familyhelp-schedule.timer"
NGINX = DEPLOY / "nginx" / "familyhelp.conf"
ENV_EXAMPLE = DEPLOY / "env.example"
BIN = Path(sys.executable).parent
NGINX_ID = "0f5c2d7e9a4b41c3b8d6e1f2a3b4c5d6"

# Variables of the developer's or the test run's environment that must not leak into gunicorn.
_OURS = ("DJANGO_", "DATABASE_URL", "FAMILYHELP_", "GUNICORN", "NOTIFY_SOCKET", "FORWARDED_ALLOW_IPS", "LISTEN_")


def _production_env(tmp_path: Path, database: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_OURS)}
    (tmp_path / "var" / "static").mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="ops-test-" + "k" * 60,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{database}",
        FAMILYHELP_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for key in list(os.environ):
        if key.startswith(_OURS):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(GUNICORN_CONF))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(path)
    return parser


# --- gunicorn ---------------------------------------------------------------------------------------


def test_gunicorn_configuration_passes_gunicorns_own_check(tmp_path):
    database = tmp_path / "db.sqlite3"
    result = subprocess.run(  # noqa: S603 - our own gunicorn, our own configuration
        [str(BIN / "gunicorn"), "--check-config", "--config", str(GUNICORN_CONF), "config.wsgi:application"],
        cwd=REPO,
        env=_production_env(tmp_path, database),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_gunicorn_configuration_says_what_the_recipe_says(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    cores = len(os.sched_getaffinity(0))
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * cores + 1
    assert conf["worker_class"] == "sync"
    assert conf["timeout"] == 30
    assert conf["graceful_timeout"] == 30
    assert conf["preload_app"] is True
    assert conf["max_requests"] == 1000 and conf["max_requests_jitter"] == 100
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["control_socket_disable"] is True  # two masters side by side during a reload
    assert callable(conf["when_ready"]) and callable(conf["pre_fork"])
    overridden = _gunicorn_settings(
        monkeypatch, FAMILYHELP_BIND="127.0.0.1:9001", FAMILYHELP_WEB_WORKERS="3", FAMILYHELP_WEB_TIMEOUT="20"
    )
    assert (overridden["bind"], overridden["workers"], overridden["timeout"]) == (["127.0.0.1:9001"], 3, 20)


def test_the_access_log_has_the_request_id_and_duration_but_never_the_query_string(monkeypatch):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    fmt = _gunicorn_settings(monkeypatch)["access_log_format"]
    atoms = set(re.findall(r"%\(([^)]+)\)s", fmt))
    assert {"D", "{x-request-id}o", "m", "U", "s"} <= atoms
    assert not atoms & {"q", "r", "f", "{referer}i"}  # the query string, the request line, the referrer

    # Format a line exactly as gunicorn does, for a search whose query string names a child.
    config = Config()
    config.set("access_log_format", fmt)
    logger = Logger.__new__(Logger)  # atoms() needs no handlers; do not touch this process's logging
    logger.cfg = config
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/people/search/?given_names=Zo%C3%AB&dob=2016-03-04",
        "PATH_INFO": "/people/search/",
        "QUERY_STRING": "given_names=Zo%C3%AB&dob=2016-03-04",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://familyhelp.example.org/people/search/?given_names=Zo%C3%AB",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", NGINX_ID)])
    request = SimpleNamespace(headers=[("X-REQUEST-ID", NGINX_ID)])
    line = fmt % SafeAtoms(logger.atoms(response, request, environ, datetime.timedelta(microseconds=1234)))
    assert line == f'127.0.0.1 {NGINX_ID} "GET /people/search/ HTTP/1.1" 200 512 1234'
    assert "given_names" not in line and "2016" not in line


# --- systemd ----------------------------------------------------------------------------------------


def _units_pointed_here(tmp_path: Path) -> list[Path]:
    """Copies of the units whose paths exist on this machine (verify checks that commands exist)."""
    (tmp_path / "var").mkdir(exist_ok=True)
    (tmp_path / "familyhelp.env").write_text("")
    copies = []
    for unit in (WEB_UNIT, WORKER_UNIT, SCHEDULE_UNIT, SCHEDULE_TIMER):
        text = unit.read_text()
        text = text.replace("/etc/familyhelp/familyhelp.env", str(tmp_path / "familyhelp.env"))
        text = text.replace("/srv/familyhelp/var", str(tmp_path / "var"))
        text = text.replace("/srv/familyhelp/.venv/bin/", f"{BIN}/")
        text = text.replace("/srv/familyhelp", str(REPO))
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(copy)
    return copies


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    result = subprocess.run(  # noqa: S603
        [shutil.which("systemd-analyze") or "systemd-analyze", "verify", *map(str, _units_pointed_here(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # warnings too (an unknown or misspelt key, say)


HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "ReadWritePaths": "/srv/familyhelp/var",
    "User": "familyhelp",
    "EnvironmentFile": "/etc/familyhelp/familyhelp.env",
    "WorkingDirectory": "/srv/familyhelp",
    "KillMode": "mixed",
}


@pytest.mark.parametrize("unit", [WEB_UNIT, WORKER_UNIT], ids=lambda p: p.name)
def test_both_units_run_hardened_as_the_service_user(unit):
    service = _unit(unit)["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == value, (unit.name, key)
    assert service.get("CapabilityBoundingSet") == ""


def test_the_web_unit_reloads_by_handing_over_to_a_new_master(monkeypatch):
    service = _unit(WEB_UNIT)["Service"]
    conf = _gunicorn_settings(monkeypatch)
    assert service["Type"] == "notify"  # gunicorn says READY=1 once it listens
    assert service["NotifyAccess"] == "all"  # the new master, not yet the main process, sends MAINPID=
    assert service["ExecReload"] == "/bin/kill -s USR2 $MAINPID"
    assert service["Restart"] == "on-failure"
    assert service["ExecStart"].split() == [
        "/srv/familyhelp/.venv/bin/gunicorn",
        "--config",
        "/srv/familyhelp/deploy/gunicorn.conf.py",
        "config.wsgi:application",
    ]
    # systemd waits longer than gunicorn lets a stopping worker finish its request.
    assert int(service["TimeoutStopSec"]) > conf["graceful_timeout"]


def test_the_worker_unit_runs_the_jobs_queue():
    service = _unit(WORKER_UNIT)["Service"]
    assert service["ExecStart"].split()[:2] == ["/srv/familyhelp/.venv/bin/familyhelp", "db_worker"]
    assert service["Restart"] == "always"
    assert int(service["TimeoutStopSec"]) >= 120  # the job in hand may finish (a duplicates search: ~60 s)


# --- nginx ------------------------------------------------------------------------------------------


def _nginx_statements() -> list[str]:
    """The example's statements without comments, one per `;`, `{` or `}` (and the braces balance)."""
    text = "\n".join(line.split("#", 1)[0] for line in NGINX.read_text().splitlines())
    depth = 0
    statements = []
    for match in re.finditer(r"[^;{}]*[;{}]", text, flags=re.S):
        token = " ".join(match.group().split())
        depth += token.endswith("{") - token.endswith("}")
        assert depth >= 0, token
        statements.append(token)
    assert depth == 0
    assert re.sub(r"[^;{}]*[;{}]", "", text, flags=re.S).strip() == ""  # nothing left unterminated
    return statements


def test_nginx_example_passes_what_django_and_gunicorn_rely_on(monkeypatch):
    statements = _nginx_statements()
    joined = "\n".join(statements)
    bind = _gunicorn_settings(monkeypatch)["bind"][0]
    for required in (
        f"server {bind};",
        "listen 443 ssl;",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Request-ID $request_id;",
        "location /static/ {",
        "alias /srv/familyhelp/var/static/;",  # STATIC_ROOT with FAMILYHELP_VAR_DIR from env.example
        "client_max_body_size 20m;",
        "location = /healthz {",
        "location = /readyz {",
        "return 301 https://$host$request_uri;",
    ):
        assert required in joined, required
    hsts = re.findall(r'add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', joined)
    assert hsts and all(int(age) >= 31536000 for age in hsts)
    read_timeouts = [int(t) for t in re.findall(r"proxy_read_timeout (\d+)s;", joined)]
    assert max(read_timeouts) > _gunicorn_settings(monkeypatch)["timeout"]
    probes = [i for i, s in enumerate(statements) if re.fullmatch(r"location = /(healthz|readyz) \{", s)]
    assert len(probes) == 4  # on port 80 (plain HTTP from inside the network) and on 443
    for i in probes:  # proxied to gunicorn and not logged
        assert statements[i + 1 : i + 4] == ["access_log off;", "proxy_pass http://familyhelp_web;", "}"]


def test_nginx_never_logs_a_query_string_or_a_referrer():
    (log_format,) = [s for s in _nginx_statements() if s.startswith("log_format ")]
    variables = set(re.findall(r"\$([a-z_]+)", log_format))
    assert "uri" in variables and "request_id" in variables
    assert not variables & {"request", "request_uri", "args", "query_string", "http_referer", "is_args"}
    access_logs = [s for s in _nginx_statements() if s.startswith("access_log /")]
    assert access_logs and all(" familyhelp " in s for s in access_logs)  # never the default "combined"


def test_the_example_environment_names_what_the_units_and_settings_read():
    values = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#")
    )
    assert values["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert values["FAMILYHELP_VAR_DIR"] == "/srv/familyhelp/var"
    assert values["FAMILYHELP_BIND"] == "127.0.0.1:8000"
    assert len(values["DJANGO_SECRET_KEY"]) < 50  # the placeholder is refused: the service will not start
    for key in ("DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "FORWARDED_ALLOW_IPS", "FAMILYHELP_TRUSTED_PROXIES"):
        assert values.get(key), key


# --- a reload under load ----------------------------------------------------------------------------


def _migrated_database(path: Path) -> Path:
    """A SQLite database whose migration records list every migration of the code, as after `migrate`.

    The probes read only `django_migrations`; a full migrate takes about a minute on this machine.
    """
    from django.db.migrations.loader import MigrationLoader

    nodes = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY AUTOINCREMENT, app varchar(255) NOT NULL,"
            " name varchar(255) NOT NULL, applied datetime NOT NULL)"
        )
        db.executemany("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-01-01 00:00:00')", nodes)
    db.close()
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _gone(pid: int) -> bool:
    """The process has exited (an orphan that nobody reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


def _stop(pid: int) -> None:
    if _gone(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _gone(pid):
        os.kill(pid, signal.SIGKILL)


class Notifications:
    """A stand-in for systemd's notification socket (NOTIFY_SOCKET): collects what gunicorn says."""

    def __init__(self, path: Path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[dict[str, str]] = []

    def wait_for(self, key: str, timeout: float, exclude: str | None = None) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if key in message and message[key] != exclude:
                    return message[key]
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            self.messages.append(dict(line.split("=", 1) for line in data.splitlines() if "=" in line))
        raise AssertionError(f"gunicorn did not notify {key} within {timeout} s: {self.messages}")

    def close(self) -> None:
        self.sock.close()


class Load:
    """Threads asking /healthz and /readyz in turn, a new connection per request (as nginx does)."""

    def __init__(self, port: int, threads: int = 4):
        self.port = port
        self.results: list[tuple[float, str, object]] = []  # (time, path, status or the error)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, index: int) -> None:
        paths = ("/healthz", "/readyz")
        n = index
        while not self.stopping.is_set():
            path = paths[n % 2]
            n += 1
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                outcome: object = response.status
            except (OSError, http.client.HTTPException) as exc:
                outcome = repr(exc)
            finally:
                connection.close()
            self.results.append((time.monotonic(), path, outcome))
            time.sleep(0.01)  # ~300 requests a second in all: any refusal window of a few ms is hit

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=70)

    def count_since(self, moment: float) -> int:
        return sum(1 for at, _, outcome in self.results if at > moment and outcome == 200)


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="gunicorn runs on its own SQLite file: the SQLite pass of make test runs this already",
)
def test_a_reload_under_load_drops_no_request(tmp_path):
    database = _migrated_database(tmp_path / "familyhelp.sqlite3")
    port = _free_port()
    notify = Notifications(tmp_path / "notify.sock")
    log_path = tmp_path / "gunicorn.log"
    env = _production_env(
        tmp_path,
        database,
        FAMILYHELP_BIND=f"127.0.0.1:{port}",
        FAMILYHELP_WEB_WORKERS="2",
        NOTIFY_SOCKET=str(notify.path),
    )
    with log_path.open("wb") as log:
        master = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "config.wsgi:application"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    masters = [master.pid]
    load = Load(port)
    started = time.monotonic()
    phases: dict[str, float] = {}
    try:
        assert notify.wait_for("READY", timeout=120) == "1"  # Type=notify: listening, workers forked
        phases["boot"] = time.monotonic() - started
        load.start()
        _wait_until(lambda: load.count_since(0) >= 10, 60, "requests before the reloads")

        # HUP: gunicorn rereads its configuration and replaces the workers (code already in memory).
        os.kill(master.pid, signal.SIGHUP)
        hup = time.monotonic()
        _wait_until(lambda: load.count_since(hup) >= 20, 60, "requests after HUP")
        phases["hup"] = time.monotonic() - hup

        # USR2, what `systemctl reload familyhelp-web` sends: a new master takes over.
        os.kill(master.pid, signal.SIGUSR2)
        usr2 = time.monotonic()
        new_master = int(notify.wait_for("MAINPID", timeout=120, exclude=str(master.pid)))
        masters.append(new_master)
        assert new_master != master.pid
        master.wait(timeout=60)  # the new master stopped the old one, which let its workers finish
        handed_over = time.monotonic()
        phases["usr2 hand-over"] = handed_over - usr2
        _wait_until(lambda: load.count_since(handed_over) >= 20, 60, "requests served by the new master")
    finally:
        load.stop()
        for pid in reversed(masters):
            _stop(pid)
        master.wait(timeout=30)
        notify.close()

    log_text = log_path.read_text()
    outcomes = [outcome for _, _, outcome in load.results]
    failures = [outcome for outcome in outcomes if outcome != 200]
    print(f"{len(outcomes)} requests, phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
    assert failures == [], (failures[:5], log_text[-3000:])
    assert master.returncode == 0  # the old master stopped cleanly (TERM), not killed
    assert len(outcomes) >= 50

    # Every line gunicorn and Django wrote is JSON; the requests' lines carry their ids, the hand-over is logged.
    lines = [json.loads(line) for line in log_text.splitlines() if line.strip()]
    assert any(line["message"].startswith("Reload: the new master") for line in lines)
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
