# farebridge — one-command workflows. Every target bootstraps what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install test lint format bench bench-load bench-instructions migrate api worker clean js-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9

# Bytecode compiled once here: uv leaves it out, and where PYTHONDONTWRITEBYTECODE is set
# nothing writes it later, so every process (API, worker, each test's server) compiled its
# libraries again when it imported them: 4.4-5.2 s to import the API and the PDF code,
# 2.2-2.7 s compiled. A worker's first e-ticket did it mid-load, stalling the tickets.
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## create the virtual environment and install the locked dependencies

# The official Duffel JavaScript client for tests/duffel_clients/test_js_client.py:
# `npm ci` again whenever node_modules is gone or package.json / the lock changed.
JS_DIR := tests/duffel_clients/js
JS_STAMP := $(JS_DIR)/node_modules/.npm-ci.stamp

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.npm-ci.stamp; \
	else \
	  echo "npm not found: the Duffel JavaScript client tests will be skipped (install Node.js 18+)"; \
	fi

# axe-core for the web site's accessibility checks (tests/ui/accessibility.py).
AXE_DIR := tests/ui/axe
AXE_STAMP := $(AXE_DIR)/node_modules/.npm-ci.stamp

$(AXE_STAMP): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(AXE_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.npm-ci.stamp; \
	else \
	  echo "npm not found: the web site's accessibility checks will be skipped (install Node.js 18+)"; \
	fi

js-deps: $(JS_STAMP) $(AXE_STAMP)  ## install what the JS-driven tests need: the Duffel JS client, axe-core (npm ci)

migrate: install  ## apply database migrations (SQLite by default)
	$(BIN)/farebridge migrate

run: install  ## migrate, then start the API (:8000), the worker and the web UI (:8501); Ctrl-C stops all
	$(BIN)/farebridge run

api: install
	$(BIN)/farebridge api

worker: install
	$(BIN)/farebridge worker

# Two pytest-xdist workers (one per core; tests wait on subprocesses and sockets a lot),
# a worker that runs out of tests takes some of the other's (worksteal: a schemathesis or
# browser test takes a minute or two, and the run must not end on one worker alone),
# each with its own PostgreSQL database (tests/conftest.py). PYTEST_WORKERS=0 runs in-process.
# The 25 slowest tests are listed at the end, to keep the run (CI: under 20 minutes) in view.
PYTEST_WORKERS ?= 2

test: install js-deps  ## the whole test suite (PostgreSQL tests too when FAREBRIDGE_TEST_DATABASE_URL is set)
	$(BIN)/python -m compileall -q -j 0 src  # ours too: the tests start many processes
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist worksteal --durations=25

lint: install  ## ruff (lint + format check) and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install  ## print the benchmark figures (about 18 minutes)
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.realism
	$(BIN)/python -m benchmarks.search_world
	$(BIN)/python -m benchmarks.crash_api 200
	$(BIN)/python -m benchmarks.duffel_hop 15
	$(BIN)/python -m benchmarks.login_storm 300 100
	$(BIN)/python -m benchmarks.overload  # PostgreSQL: FAREBRIDGE_BENCH_DATABASE_URL
	$(BIN)/python -m benchmarks.worker_drain  # PostgreSQL: FAREBRIDGE_BENCH_DATABASE_URL

# Load on the booking path (issue 14): SQLite and PostgreSQL, 1 and 2 API processes and
# workers; about 3 minutes per configuration. BENCH_PROFILE=DIR adds py-spy profiles.
bench-load: install  ## bookings/s, GET order, search, ticketing lag, hot flight (PostgreSQL: FAREBRIDGE_BENCH_DATABASE_URL)
	$(BIN)/python -m benchmarks.request_cost
	$(BIN)/python -m benchmarks.documents
	$(BIN)/python -m benchmarks.job_costs  # PostgreSQL: FAREBRIDGE_BENCH_DATABASE_URL
	$(BIN)/python -m benchmarks.order_read
	$(BIN)/python -m benchmarks.load

bench-instructions: install  ## instructions per search and per order read, under callgrind (needs valgrind; a few minutes each)
	$(BIN)/python -m benchmarks.instructions

lock:  ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache farebridge.db farebridge.db-wal farebridge.db-shm farebridge.db-gate $(JS_DIR)/node_modules
