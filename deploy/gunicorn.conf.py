"""Gunicorn configuration for Family Help in production (docs/operations/production.md).

    gunicorn --config deploy/gunicorn.conf.py config.wsgi:application

Every value can be overridden from the environment file (deploy/env.example). The reload procedure:
`systemctl reload familyhelp-web` sends USR2: the master re-executes itself, loads the new code once
(preload_app), forks new workers beside the old ones on the same listening socket, and `when_ready` below
tells systemd the new master is the main process and stops the old master gracefully (TERM: its workers
finish the requests they are serving). No connection is refused, none is cut, and a release whose code
does not import leaves the old master serving. HUP would not do for a release: with preload_app it forks
new workers from the master's old code (it only rereads this file).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# --- Socket --------------------------------------------------------------------------------------
# Loopback only: nginx (deploy/nginx/familyhelp.conf) is the only client.
bind = [os.environ.get("FAMILYHELP_BIND", "127.0.0.1:8000")]
backlog = 2048  # connections wait here, never refused, while workers change over during a reload
# Addresses whose X-Forwarded-Proto gunicorn believes (Django believes it too: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Workers -------------------------------------------------------------------------------------
# Synchronous workers: nginx buffers slow clients, so a worker is busy only while Django works.
worker_class = "sync"
workers = _int("FAMILYHELP_WEB_WORKERS", 2 * _cores() + 1)
# A request still running after 30 s is killed (the worker is restarted): long work belongs to the jobs
# worker (familyhelp-worker.service). graceful_timeout: how long a stopping worker may finish its request.
timeout = _int("FAMILYHELP_WEB_TIMEOUT", 30)
graceful_timeout = _int("FAMILYHELP_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle each worker after about a thousand requests (jitter: not all at once), against slow leaks.
max_requests = _int("FAMILYHELP_WEB_MAX_REQUESTS", 1000)
max_requests_jitter = _int("FAMILYHELP_WEB_MAX_REQUESTS_JITTER", 100)
# Load Django once in the master and fork: workers start in milliseconds and share memory. This is what
# makes the USR2 reload safe (the new code is imported before any old worker stops); see the docstring.
preload_app = True
# The workers' heartbeat files live in memory, not on a disk that may stall (ProtectSystem=strict allows /dev).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - a directory, not a temp file
proc_name = "familyhelp-web"
# gunicornc's control socket is not used; two masters side by side during a reload would fight over it.
control_socket_disable = True

# --- Logs ----------------------------------------------------------------------------------------
# Everything to stderr (the journal) as JSON lines (familyhelp.core.logging). Django writes one line per
# request itself (familyhelp.request: method, path, status, duration_ms, user_id, request_id), so
# gunicorn's access log is off unless FAMILYHELP_GUNICORN_ACCESS_LOG=on. Its format leaves out the query
# string (%(q)s, and %(r)s which contains it) and the referrer (%(f)s, a URL with its query string): both
# may carry a name or a date of birth. %(U)s is the path alone; %(D)s the time taken in microseconds.
loglevel = os.environ.get("FAMILYHELP_LOG_LEVEL", "info").lower()
errorlog = "-"
accesslog = None
access_log_format = '%(h)s %({x-request-id}o)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)s'
_ACCESS_LOG_ON = os.environ.get("FAMILYHELP_GUNICORN_ACCESS_LOG", "off").lower() == "on"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "familyhelp.core.logging.JsonFormatter"}},
    "filters": {"request_id": {"()": "familyhelp.core.logging.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if _ACCESS_LOG_ON else "WARNING",
            "handlers": ["console"],
            "propagate": False,
        },
    },
}


# --- Hooks ---------------------------------------------------------------------------------------
def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """No database connection may cross a fork (preload_app): close any the master opened."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def _load_code(server) -> None:  # type: ignore[no-untyped-def]
    """Import the URL configuration, and with it every view, in the master before any worker forks.

    preload_app imports the WSGI application (settings, apps, models) but Django imports the URLconf on
    the first request, in each worker, from whatever is on disk by then. Imported here, the workers run
    exactly the code this master loaded, and a release whose views do not import stops this master
    (the old one keeps serving) instead of failing requests.
    """
    if not server.cfg.preload_app:  # each worker imports the application itself
        return
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf and every view it names
    for status in (400, 403, 404, 500):
        resolver.resolve_error_handler(status)


def when_ready(server):  # type: ignore[no-untyped-def]
    """Load the views; a master started by USR2 (systemctl reload) then takes over from its parent.

    It has loaded the new code and holds the same listening socket. It tells systemd that it is now the
    service's main process (NotifyAccess=all in familyhelp-web.service), then sends the old master TERM:
    the old workers stop accepting, finish the requests they are serving (up to graceful_timeout) and
    exit. Connections that arrive in between wait in the socket's backlog for the new workers.
    """
    _load_code(server)
    old_master = server.master_pid  # set only in a master re-executed by USR2
    if not old_master:
        return
    from gunicorn import systemd

    systemd.sd_notify(f"MAINPID={os.getpid()}\nREADY=1\nSTATUS=Reloaded", server.log)
    server.log.info("Reload: the new master %s is ready; stopping the old master %s", os.getpid(), old_master)
    with contextlib.suppress(ProcessLookupError):  # it stopped on its own meanwhile
        os.kill(old_master, signal.SIGTERM)
