# The README's commands. Every target installs what it needs, so a fresh clone works.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := tests/browser/vendor/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install migrate content demo run test test-fast lint format bench mutate screens clean

help:
	@echo "make run    install, migrate, load content and demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   ruff, migration check and the whole test suite (DATABASE_URL picks the database)"
	@echo "make test-fast  the suite without the long load tests marked slow (make test runs them)"
	@echo "make bench  measure throughput of the main pages (see docs/benchmark.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

var:
	@mkdir -p var

migrate: install | var
	$(BIN)/python manage.py migrate --no-input

content: migrate
	$(BIN)/python manage.py load_content

demo: content
	$(BIN)/python manage.py load_demo --base-url http://$(HOST):$(PORT)

run: demo
	@echo ""
	@echo "CollabAssess is starting on http://$(HOST):$(PORT)/  (the framework: http://$(HOST):$(PORT)/framework/)"
	@echo "Create the first admin with:  $(BIN)/python manage.py createsuperuser"
	@echo "then sign in at http://$(HOST):$(PORT)/admin/"
	@echo "In production, run daily: manage.py clearsessions && manage.py apply_retention (README: Scheduled jobs)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

$(AXE):
	@bash scripts/fetch_axe.sh || echo "axe-core could not be fetched: the browser tests will say so."

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite runs in one process per core (pytest-xdist); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto

test: install | var $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The edit-and-test loop: everything but the long load tests (marked slow), which make test runs.
test-fast: install | var $(AXE)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

# Apply each patch of tests/mutations/ in a throwaway git worktree of HEAD and check its tests fail.
mutate: install | var $(AXE)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python scripts/mutate.py

# wrk drives the pages-against-/healthz/ benchmark: installed from Debian's packages if missing.
bench: content
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_release.py
	$(BIN)/python scripts/bench_ratio.py $(if $(BENCH_SQLITE),--sqlite,)

# Screenshots of the partner's journey and the facilitator's results at 375 and 1280 px into docs/screens/ (needs Chromium).
screens: install | var
	$(BIN)/python scripts/screens.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
