"""`familyhelp bench web`: its arguments, the page classification, the figures and targets, the gunicorn
access-log parser, the lost-write check, and the plan and write look-up it runs inside the bench database.

No load is run here (that is the benchmark's job): the figures are computed from canned timings. The locust
users (familyhelp/core/locustfile.py) are not imported: locust patches the standard library for gevent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from familyhelp.core import bench_web as bw
from familyhelp.core.management.commands.bench import BENCHMARKS, Command

CASE = "/cases/3f2a1b4c-0d5e-4f60-8a7b-9c0d1e2f3a4b/"
PERSON = "/people/0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3/"


def parse(*args: str):
    return Command().create_parser("familyhelp", "bench").parse_args(["web", *args])


# --- Arguments -------------------------------------------------------------------------------------------------
def test_web_is_registered_with_the_bench_command():
    assert "web" in BENCHMARKS
    assert BENCHMARKS["web"].run is bw.bench_web


def test_defaults_are_the_issues_run():
    options = vars(parse())
    assert options["users"] == 50
    assert options["seconds"] == 120
    assert options["workers"] == 3
    assert options["preset"] == "small"
    assert options["spawn_rate"] is None
    assert options["database_url"] == ""
    assert options["json"] == ""
    assert (options["think_min"], options["think_max"]) == (1.0, 3.0)


def test_arguments_are_read():
    options = vars(
        parse(
            "--users", "5", "--seconds", "20", "--workers", "2", "--preset", "tiny", "--spawn-rate", "2.5",
            "--database-url", "postgres://postgres@127.0.0.1:5432/x", "--json", "figures.json", "--warmup", "0",
        )
    )  # fmt: skip
    assert options["users"] == 5
    assert options["seconds"] == 20
    assert options["workers"] == 2
    assert options["preset"] == "tiny"
    assert options["spawn_rate"] == 2.5
    assert options["database_url"] == "postgres://postgres@127.0.0.1:5432/x"
    assert options["json"] == "figures.json"
    assert options["warmup"] == 0


@pytest.mark.parametrize("args", [("--users", "0"), ("--seconds", "-1"), ("--workers", "0"), ("--users", "many")])
def test_counts_must_be_positive_whole_numbers(args):
    with pytest.raises(CommandError):
        parse(*args)


def test_spawn_rate_defaults_to_everyone_within_about_ten_seconds():
    assert bw.spawn_rate(50, None) == 5.0
    assert bw.spawn_rate(5, None) == 1.0  # at least one a second
    assert bw.spawn_rate(50, 2.0) == 2.0
    with pytest.raises(CommandError):
        bw.spawn_rate(50, 0)


def test_roles_are_assigned_in_proportion_and_a_short_run_has_every_role():
    assert set(bw.assign_roles(7)) == {u for u, _, _ in bw.ROLE_SHARES}
    assert bw.assign_roles(5) == ["socialworker", "frontdoor", "familyhelp", "manager", "leader"]
    fifty = bw.assign_roles(50)
    counts = {u: fifty.count(u) for u, _, _ in bw.ROLE_SHARES}
    assert counts == {"socialworker": 14, "frontdoor": 10, "familyhelp": 8, "manager": 8, "leader": 5, "analyst": 5}
    assert bw.assign_roles(100)[:50] == fifty


def test_every_role_has_a_mix_and_every_mix_measures_the_sign_in_page():
    for username, _, _ in bw.ROLE_SHARES:
        assert bw.ROLE_ACTIONS[username]["sign_in_page"] > 0


# --- Pages ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "page"),
    [
        ("GET", "/accounts/sign-in/", "sign-in page"),
        ("POST", "/accounts/sign-in/", "sign in (password check)"),
        ("GET", "/", "work tray (home)"),
        ("GET", CASE, "case page"),
        ("GET", PERSON, "child page"),
        ("GET", "/front-door/", "front-door queue"),
        ("POST", "/people/search/", "person search"),
        ("GET", "/people/search/", "person search form"),
        ("GET", "/performance/", "performance dashboard"),
        ("GET", "/api/v1/contacts/", "API contacts list"),
        ("GET", "/api/v1/contacts/?limit=50&offset=50", "API contacts list"),
        ("GET", "/static/familyhelp/familyhelp.464d1c7101a7.css", "static file"),
        ("GET", CASE + "notes/add/", "case note form"),
        ("POST", CASE + "notes/add/", "case note (write)"),
        ("GET", CASE + "notes/", "case notes"),
        ("GET", CASE + "visits/add/", "visit form"),
        ("POST", CASE + "visits/add/", "visit (write)"),
        ("GET", CASE + "visits/", "visits"),
        ("GET", PERSON + "chronology/new/", "chronology event form"),
        ("POST", PERSON + "chronology/new/", "chronology event (write)"),
        ("GET", "/front-door/contacts/new/", "front-door contact form"),
        ("POST", "/front-door/contacts/new/", "front-door contact (write)"),
        ("GET", "/front-door/contacts/" + CASE.split("/")[2] + "/", "contact page"),
        ("get", CASE, "case page"),
    ],
)
def test_requests_are_named_by_page(method, path, page):
    assert bw.classify(method, path) == page


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/cases/not-a-uuid/"), ("POST", CASE), ("GET", CASE + "allocate/"), ("DELETE", "/"), ("GET", "/static/")],
)
def test_anything_else_is_other(method, path):
    assert bw.classify(method, path) == f"other ({method.upper()})"


def test_the_classification_knows_every_page_the_users_open():
    pages = {page for _, _, page in bw.PAGES}
    assert len(pages) == len(bw.PAGES)  # one row per page
    for needed in ("case page", "child page", "front-door queue", "person search", "work tray (home)"):
        assert needed in pages
    for needed in ("performance dashboard", "API contacts list", "static file", bw.SIGN_IN_PAGE):
        assert needed in pages


# --- Figures ----------------------------------------------------------------------------------------------------
def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert bw.percentile(values, 0.50) == 50
    assert bw.percentile(values, 0.95) == 95
    assert bw.percentile(values, 0.99) == 99
    assert bw.percentile(reversed(values), 0.5) == 50
    assert bw.percentile([7.0], 0.99) == 7.0
    assert bw.percentile([1, 2, 3, 4], 0.5) == 2
    assert bw.percentile([], 0.5) == 0.0


def timings(method: str, path: str, values: list[float], **kwargs) -> list[bw.Timing]:
    return [bw.Timing(method=method, path=path, ms=ms, status=kwargs.get("status", 200)) for ms in values]


def canned() -> list[bw.Timing]:
    return [
        *timings("GET", "/accounts/sign-in/", [10.0] * 20),
        *timings("GET", CASE, [40.0] * 18 + [300.0, 400.0]),  # p50 40 (4x), p95 300
        *timings("GET", PERSON, [25.0] * 20),  # 2.5x
        *timings("GET", "/static/familyhelp/familyhelp.css", [1.0] * 10),
        *timings("POST", "/accounts/sign-in/", [900.0] * 5),  # not judged
    ]


def test_figures_per_page_with_the_multiple_of_the_sign_in_page():
    figures = bw.summarise(canned())
    case = figures["case page"]
    assert (case.requests, case.errors) == (20, 0)
    assert (case.p50, case.p95, case.p99) == (40.0, 300.0, 400.0)
    assert case.multiple == pytest.approx(4.0)
    assert figures["child page"].multiple == pytest.approx(2.5)
    assert figures["sign-in page"].multiple == pytest.approx(1.0)
    assert figures["static file"].multiple == pytest.approx(0.1)
    assert list(figures)[0] == "sign in (password check)"  # slowest p50 first
    assert list(figures)[1] == "case page"


def test_errors_are_statuses_from_400_no_response_and_client_side_failures():
    rows = [
        bw.Timing("GET", CASE, 5.0, 200),
        bw.Timing("GET", CASE, 5.0, 403),
        bw.Timing("GET", CASE, 5.0, 500),
        bw.Timing("GET", CASE, 5.0, 0, "no response (ConnectionError)"),
        bw.Timing("POST", CASE + "notes/add/", 5.0, 200, "form refused: Enter the note"),
        bw.Timing("POST", CASE + "notes/add/", 5.0, 302),
    ]
    figures = bw.summarise(rows)
    assert figures["case page"].errors == 3
    assert figures["case note (write)"].errors == 1
    assert bw.totals(rows, 2.0).errors == 4
    assert bw.totals(rows, 2.0).per_second == 3.0
    assert bw.error_reasons(rows) == [
        ("case note (write)", "form refused: Enter the note", 1),
        ("case page", "no response (ConnectionError)", 1),
        ("case page", "status 403", 1),
        ("case page", "status 500", 1),
    ]


def test_targets_not_met_name_the_pages_that_miss_them():
    verdict = bw.judge(bw.summarise(canned()))
    assert verdict.no_errors
    assert not verdict.multiple
    assert verdict.over_multiple == {"case page": pytest.approx(4.0)}  # the password check is not judged
    assert not verdict.p95
    assert verdict.over_p95 == {"case page": 300.0}
    assert verdict.sign_in_p50 == 10.0
    assert not verdict.met


def test_targets_met():
    rows = [
        *timings("GET", "/accounts/sign-in/", [10.0] * 20),
        *timings("GET", CASE, [30.0] * 19 + [250.0]),  # exactly 3x and p95 exactly 250: met
        *timings("POST", "/accounts/sign-in/", [900.0] * 5),
    ]
    verdict = bw.judge(bw.summarise(rows))
    assert verdict.met
    assert not bw.judge(bw.summarise(rows), lost_writes=1).met  # a lost write fails "0 errors"


def test_an_error_anywhere_fails_the_errors_target():
    rows = [*timings("GET", "/accounts/sign-in/", [10.0] * 5), *timings("GET", CASE, [10.0], status=500)]
    verdict = bw.judge(bw.summarise(rows))
    assert not verdict.no_errors
    assert verdict.errors == {"case page": 1}


def test_without_the_sign_in_page_the_multiple_cannot_be_judged():
    figures = bw.summarise(timings("GET", CASE, [10.0] * 5))
    assert figures["case page"].multiple is None
    assert not bw.judge(figures).multiple


def test_the_report_prints_both_sides_totals_writes_and_verdicts():
    server = canned()
    client = [bw.Timing(t.method, t.path, t.ms + 5, t.status) for t in server]
    check = bw.check_writes([{"kind": "note", "marker": "a" * 32, "ok": True}], {"note": ["a" * 32]})
    lines = bw.report_lines(
        bw.summarise(server),
        bw.summarise(client),
        bw.totals(server, 10.0),
        bw.totals(client, 10.0),
        check,
        "bench web: test",
    )
    text = "\n".join(lines)
    assert "inside a worker" in text and "at the client" in text
    case_row = next(line for line in lines if line.strip().startswith("case page"))
    assert "4.0x" in case_row  # server: 40 / 10
    assert "3.0x" in case_row  # client: 45 / 15
    assert "(not judged)" in next(line for line in lines if "password check" in line)
    assert "requests/s: 7.5 at the client" in text
    assert "writes acknowledged: 1 (note 1); lost writes: 0" in text
    assert "p95 <= 250 ms: NOT met (case page 300 ms)" in text


def test_the_report_says_when_no_sign_in_page_was_measured():
    rows = timings("GET", CASE, [10.0] * 5)
    figures = bw.summarise(rows)
    lines = bw.report_lines(
        figures, figures, bw.totals(rows, 1), bw.totals(rows, 1), bw.check_writes([], {}), "bench web: test"
    )
    assert "3x sign-in: NOT met (no sign-in page was measured" in "\n".join(lines)


def test_the_json_figures_hold_both_sides_and_the_verdicts(tmp_path):
    server = bw.summarise(canned())
    check = bw.check_writes([], {})
    data = bw.figures_json(server, server, bw.totals(canned(), 10), bw.totals(canned(), 10), check, {"users": 50})
    text = json.dumps(data)  # serialisable
    assert json.loads(text)["server"]["pages"]["case page"]["p95"] == 300.0
    assert data["server"]["verdict"]["met"] is False
    assert data["server"]["verdict"]["over_p95"] == {"case page": 300.0}
    assert data["targets"] == {"errors": 0, "lost_writes": 0, "p50_multiple_of_sign_in": 3.0, "p95_ms": 250.0}
    assert data["config"] == {"users": 50}


# --- The gunicorn access log -----------------------------------------------------------------------------------
def test_access_log_lines_give_method_path_status_and_time_inside_the_worker():
    lines = [
        "webbench GET /accounts/sign-in/ 200 9876",
        f"webbench POST {CASE}notes/add/ 302 151234",
        "[2026-12-07 23:52:29 +0000] [2425] [INFO] Booting worker with pid: 2429",  # not an access line
        "webbench GET / 200 notanumber",
        "webbench GET /",
        "",
    ]
    parsed = bw.parse_access_log(lines)
    assert parsed == [
        bw.Timing("GET", "/accounts/sign-in/", 9.876, 200),
        bw.Timing("POST", f"{CASE}notes/add/", 151.234, 302),
    ]


def test_access_lines_logged_as_json_are_read_from_their_message():
    lines = [
        json.dumps({"level": "INFO", "logger": "gunicorn.access", "message": "webbench GET /front-door/ 200 2500"}),
        json.dumps({"level": "INFO", "logger": "familyhelp.request", "message": "GET /front-door/ 200"}),
        "{not json",
        json.dumps(["a", "list"]),
    ]
    assert bw.parse_access_log(lines) == [bw.Timing("GET", "/front-door/", 2.5, 200)]


def test_the_bench_asks_gunicorn_for_that_format():
    line = bw.ACCESS_LOG_FORMAT % {"m": "GET", "U": "/front-door/", "s": "200", "D": "1500"}
    assert bw.parse_access_log([line]) == [bw.Timing("GET", "/front-door/", 1.5, 200)]


def test_only_the_measured_window_of_the_log_is_read(tmp_path):
    log = tmp_path / "access.log"
    before = "webbench GET / 200 1000\n"
    inside = "webbench GET /front-door/ 200 2000\nwebbench GET /performance/ 200 3000\n"
    after = "webbench GET / 200 4000\n"
    log.write_text(before + inside + after)
    start, end = len(before), len(before) + len(inside)
    window = bw.parse_access_log(bw.read_log_window(log, start, end))
    assert [t.path for t in window] == ["/front-door/", "/performance/"]
    assert len(bw.read_log_window(log, start, None)) == 3


def test_the_gunicorn_command_is_the_production_way(settings, tmp_path):
    options = vars(parse("--workers", "4", "--gunicorn-config", "none"))
    cmd = bw._gunicorn_command(options, 8123, tmp_path)
    assert cmd[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert cmd[cmd.index("--bind") + 1] == "127.0.0.1:8123"  # loopback only
    assert cmd[cmd.index("--workers") + 1] == "4"
    assert cmd[cmd.index("--access-logformat") + 1] == bw.ACCESS_LOG_FORMAT
    assert "--preload" in cmd
    assert cmd[cmd.index("--worker-class") + 1] == "sync"
    assert cmd[cmd.index("--timeout") + 1] == "30"
    assert "--config" not in cmd


def test_the_production_gunicorn_configuration_is_used_when_present(tmp_path):
    (tmp_path / "deploy").mkdir()
    assert bw.gunicorn_config("", tmp_path) is None
    (tmp_path / "deploy" / "gunicorn.conf.py").write_text("workers = 5\n")
    assert bw.gunicorn_config("", tmp_path) == tmp_path / "deploy" / "gunicorn.conf.py"
    assert bw.gunicorn_config("none", tmp_path) is None
    assert bw.gunicorn_config(str(tmp_path / "deploy" / "gunicorn.conf.py"), Path("/")) == (
        tmp_path / "deploy" / "gunicorn.conf.py"
    )
    with pytest.raises(CommandError):
        bw.gunicorn_config(str(tmp_path / "missing.py"), tmp_path)


def test_a_gunicorn_configuration_file_keeps_its_choices_but_not_where_it_listens(tmp_path):
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("workers = 5\n")
    options = vars(parse("--gunicorn-config", str(config)))
    cmd = bw._gunicorn_command(options, 8123, tmp_path)
    assert cmd[cmd.index("--config") + 1] == str(config)
    assert "--preload" not in cmd and "--timeout" not in cmd  # the file's own
    assert cmd[cmd.index("--bind") + 1] == "127.0.0.1:8123"
    assert cmd[cmd.index("--workers") + 1] == "3"


# --- Lost writes -------------------------------------------------------------------------------------------------
def test_an_acknowledged_write_missing_from_the_database_is_lost():
    a, b, c, d = ("a" * 32, "b" * 32, "c" * 32, "d" * 32)
    writes = [
        {"kind": "note", "marker": a, "ok": True},
        {"kind": "note", "marker": b, "ok": True},  # lost
        {"kind": "visit", "marker": c, "ok": False},  # failed at the client but saved
        {"kind": "contact", "marker": d, "ok": False},  # failed and not saved: an error, not a lost write
        {"kind": "event", "marker": a, "ok": True},  # a marker found under another kind does not count
    ]
    check = bw.check_writes(writes, {"note": [a], "visit": [c]})
    assert check.acknowledged == {"note": 2, "event": 1}
    assert check.lost == [("note", b), ("event", a)]
    assert check.refused_but_stored == [("visit", c)]


def test_no_writes_no_lost_writes():
    check = bw.check_writes([], {"note": []})
    assert (check.acknowledged, check.lost, check.refused_but_stored) == ({}, [], [])


def test_markers_are_read_from_the_saved_texts():
    marker = "0123456789abcdef0123456789abcdef"
    texts = [f"{bw.MARKER_PREFIX}note {marker}: written by familyhelp bench web.", "Visited the family.", None]
    assert bw.markers_in(texts) == {marker}  # type: ignore[arg-type]


# --- Steps inside the bench database ----------------------------------------------------------------------------
@pytest.fixture
def tiny_council(db):
    """The tiny council, dated from today (nothing here depends on the date: no clock is frozen, which would
    make the generator many times slower)."""
    from familyhelp.synthetic.generator import generate

    generate(preset="tiny", seed=1, progress=False)


def test_the_plan_gives_each_role_records_it_may_open(tiny_council):
    from familyhelp.accounts.models import User
    from familyhelp.casework.models import Case
    from familyhelp.casework.permissions import can_view_case, can_work_case
    from familyhelp.people.models import Person
    from familyhelp.people.permissions import can_add_chronology, can_view_person

    usernames = bw.assign_roles(12)
    plan = bw.build_plan(usernames, seed=1, per_role=10)
    assert plan["users"] == usernames
    assert set(plan["roles"]) == {u for u, _, _ in bw.ROLE_SHARES}
    sw = User.objects.get(username="socialworker")
    role = plan["roles"]["socialworker"]
    assert role["cases"] and role["work_cases"] and role["children"]
    for pk in role["cases"]:
        assert can_view_case(sw, Case.objects.get(pk=pk))
    for pk in role["work_cases"]:
        assert can_work_case(sw, Case.objects.get(pk=pk))
    for pk in role["children"]:
        assert can_view_person(sw, Person.objects.get(pk=pk))
    for pk in role["event_children"]:
        assert can_add_chronology(sw, Person.objects.get(pk=pk))
    assert set(role["actions"]) <= set(bw.ROLE_ACTIONS["socialworker"])
    assert "contact" not in plan["roles"]["socialworker"]["actions"]
    # Roles without the verb lose the action: the analyst cannot search or open children.
    assert set(plan["roles"]["analyst"]["actions"]) == {"home", "dashboard", "static", "sign_in_page"}
    assert "contact" in plan["roles"]["frontdoor"]["actions"]
    assert plan["roles"]["leader"]["work_cases"] == []
    for query in role["searches"]:
        assert query["family_name"] and date.fromisoformat(query["date_of_birth"])
    assert plan["password"]
    json.dumps(plan)  # it goes to the locust process as JSON


def test_the_plan_refuses_a_database_without_the_demo_logins(db):
    with pytest.raises(CommandError, match="generate"):
        bw.build_plan(["socialworker"], seed=1)


def test_writes_are_found_by_their_marker(tiny_council):
    from familyhelp.accounts.models import User
    from familyhelp.casework.models import Case
    from familyhelp.casework.permissions import can_work_case
    from familyhelp.casework.services.visits import case_note_record
    from familyhelp.core import clock

    sw = User.objects.get(username="socialworker")
    case = next(c for c in Case.objects.filter(closed_on__isnull=True) if can_work_case(sw, c))
    marker = "fedcba9876543210fedcba9876543210"
    case_note_record(
        actor=sw,
        case=case,
        category="direct_work",
        occurred_on=clock.today(),
        text=f"{bw.MARKER_PREFIX}note {marker}: written by familyhelp bench web.",
    )
    found = bw.find_markers()
    assert found["note"] == {marker}
    assert found["visit"] == found["event"] == found["contact"] == set()


# --- The bench settings --------------------------------------------------------------------------------------------
def test_bench_settings_are_production_over_plain_http_on_loopback():
    """Imported in a fresh interpreter: the production settings module refuses to load without its secrets."""
    code = (
        "import json, config.settings.bench as b, config.settings.production as p; print(json.dumps({"
        "'debug': b.DEBUG, 'session': b.SESSION_COOKIE_SECURE, 'csrf': b.CSRF_COOKIE_SECURE, "
        "'redirect': b.SECURE_SSL_REDIRECT, 'hsts': b.SECURE_HSTS_SECONDS, 'origins': b.CSRF_TRUSTED_ORIGINS, "
        "'storage': b.STORAGES['staticfiles']['BACKEND'], 'prod_session': p.SESSION_COOKIE_SECURE}))"
    )
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "session": False,
        "csrf": False,
        "redirect": False,
        "hsts": 0,
        "origins": ["http://127.0.0.1", "http://localhost"],
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "prod_session": True,
    }


# --- A real run, small and short (make test-slow) ---------------------------------------------------------------
@pytest.mark.slow
def test_a_short_run_against_sqlite_signs_in_measures_and_loses_no_write(tmp_path):
    """Two users for five seconds against gunicorn on SQLite with the tiny council: a few minutes, most of it
    migrating. Checks the run works end to end, not how fast it is."""
    from io import StringIO

    from django.core.management import call_command

    figures = tmp_path / "figures.json"
    out = StringIO()
    call_command(
        "bench", "web", "--users", "2", "--seconds", "5", "--warmup", "0", "--preset", "tiny", "--workers", "1",
        "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}", "--json", str(figures), stdout=out,
    )  # fmt: skip
    data = json.loads(figures.read_text())
    assert data["config"]["signed_in"] == 2
    assert data["client"]["totals"]["requests"] > 0
    assert data["server"]["totals"]["requests"] > 0
    assert data["client"]["totals"]["errors"] == 0
    assert data["server"]["totals"]["errors"] == 0
    assert data["writes"]["lost"] == 0
    assert "inside a worker" in out.getvalue()
