# Family Help. Quick start: `make demo` (set up, build a synthetic council, serve on 127.0.0.1:8000)
# and `make test` (the whole suite: lint, SQLite, PostgreSQL, browser journeys).
# Works on a machine with only Python 3.11 and apt: it installs uv, PostgreSQL and Chromium if missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v python3.11 || command -v python3)
PYTHON := $(UV_PYTHON)
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
FH := $(VENV)/bin/familyhelp
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: help demo serve test test-all bench-web lint test-sqlite test-postgres test-e2e bootstrap ensure-uv ensure-postgres \
        ensure-chromium assets bench-generate clean dfe-validators test-slow

help:
	@echo "make demo   - install, migrate, build the synthetic council (small), print logins, serve on 127.0.0.1:8000"
	@echo "make test   - ruff, mypy, tests on SQLite and PostgreSQL, browser journeys in Chromium"
	@echo "make assets - rebuild the GOV.UK/MOJ front-end assets (needs Node; the built files are committed)"

ensure-uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		(echo "Installing uv, the Python package manager (pip install uv)" && \
		 $(PYTHON) -m pip install --quiet --disable-pip-version-check uv)

bootstrap: ensure-uv
	@[ -x $(FH) ] || echo "Installing Family Help's Python packages into .venv (the first time takes a minute or two)"
	@$(UV) sync --frozen --quiet

# make demo says what it is doing at each step (a newcomer's first two minutes are otherwise silent), then runs
# the jobs worker and the schedule beside the development server and stops all three together.
demo: bootstrap
	@mkdir -p var
	@echo "[1/4] Python packages are installed ($(VENV))."
	@echo "[2/4] Creating or updating the database (var/familyhelp.sqlite3): applying migrations..."
	@set -o pipefail; $(FH) migrate --noinput -v 1 | grep -E "^  Applying|No migrations" | awk 'BEGIN{n=0} /Applying/{n++; if (n%25==0) printf "      %d migrations applied...\n", n} END{printf "      %d migrations applied.\n", n}'
	@echo "[3/4] The demonstration council (generated the first time, about a minute) and its logins:"
	@$(FH) demo_setup
	@echo "[4/4] Starting the jobs worker (familyhelp db_worker), the schedule (familyhelp run_schedule) and the"
	@echo "      server on http://127.0.0.1:8000/ - sign in with a login above. Stop all three with Ctrl+C."
	@$(FH) db_worker --no-reload --no-startup-delay & worker=$$!; \
	  $(FH) run_schedule --every 300 & schedule=$$!; \
	  trap 'kill $$worker $$schedule 2>/dev/null; wait $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	  $(FH) runserver 127.0.0.1:8000

serve: bootstrap
	@$(FH) runserver 127.0.0.1:8000

# The whole suite, timed (the target is 30 minutes on a 2-core machine; issue 15).
test:
	@start=$$(date +%s); $(MAKE) --no-print-directory test-all; status=$$?; took=$$(( $$(date +%s) - start )); \
	  echo "make test took $$((took / 60)) min $$((took % 60)) s"; exit $$status

test-all: bootstrap lint test-sqlite test-postgres test-e2e
	@echo "All checks passed."

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy familyhelp config
	$(FH) makemigrations --check --dry-run -v 0
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') DJANGO_ALLOWED_HOSTS=familyhelp.example.org \
		$(FH) check --deploy --fail-level WARNING --settings=config.settings.production

test-sqlite: bootstrap dfe-validators
	$(PY) -m pytest -m "not e2e and not slow" -n 2 -q $(PYTEST_ARGS)

# The DfE validators pin pandas<2: they get their own environment, used only by the tests that run them.
DFE_VENV := .venv-dfe
dfe-validators: $(DFE_VENV)/.installed

$(DFE_VENV)/.installed:
	$(PYTHON) -m venv $(DFE_VENV)
	$(DFE_VENV)/bin/pip install --quiet --disable-pip-version-check csc-validator-be-cin==0.1.13 \
		csc-validator-be-903==0.1.17 "numpy<1.25" lxml pytest
	touch $@

ensure-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

# PostgreSQL runs a quarter of the time-truth journeys (500; SQLite runs 2,000): the dates are the same logic;
# and only the tests that touch a database (FAMILYHELP_DATABASE_TESTS_ONLY, see conftest.py).
test-postgres: bootstrap ensure-postgres dfe-validators
	FAMILYHELP_TIME_TRUTH_SCALE=0.25 FAMILYHELP_DATABASE_TESTS_ONLY=1 bash scripts/with-postgres.sh $(PY) -m pytest -m "not e2e and not slow" -n 2 -q $(PYTEST_ARGS)

# Long property runs (issue 13's time-truth journeys, ten times the suite's count); not part of `make test`.
test-slow: bootstrap
	$(PY) -m pytest -m slow -q -p no:xdist $(PYTEST_ARGS)

ensure-chromium:
	@command -v chromium >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2)

test-e2e: bootstrap ensure-chromium
	$(PY) -m pytest -m e2e tests/e2e -q -p no:xdist $(PYTEST_ARGS)

assets:
	bash frontend/build.sh

bench-generate: bootstrap
	$(FH) bench generate --preset large --seed 1

# The web bench (issue 15): gunicorn on a throwaway PostgreSQL with the small council; BENCH_ARGS to change it.
bench-web: bootstrap ensure-postgres
	$(FH) bench web $(BENCH_ARGS)

clean:
	rm -rf var/static .pytest_cache
