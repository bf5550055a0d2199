# Assistec — `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/assistec_test
export FLASK_APP := server
PWA := pwa
NPM ?= npm

.PHONY: install run test lint typecheck test-sqlite test-postgres bench clean pwa test-pwa test-e2e bench-pwa lock check-lock \
	bench-scale bench-load test-fuzz

# Exact versions with their hashes: requirements-dev.lock (what `make install` installs: the app and
# its tools) and requirements.lock (the app alone, for production: `pip install -r requirements.lock`),
# both written by `make lock` from pyproject.toml, from the indexes pip is configured with.
$(BIN)/.installed: requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed

# After changing pyproject.toml's dependencies: `make lock install`. Versions already in the locks
# are kept unless the change needs others; `make lock UPGRADE=--upgrade` moves everything up.
LOCK_FLAGS = --generate-hashes --universal --python-version 3.11 --index-strategy unsafe-best-match \
	--custom-compile-command "make lock" --quiet $(UPGRADE)
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) $$($(BIN)/python scripts/pip_indexes.py) \
	  -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $$($(BIN)/python scripts/pip_indexes.py) \
	  -c requirements-dev.lock -o requirements.lock

# The environment holds exactly what the lock says: nothing missing, nothing else, no other version.
check-lock: install
	$(BIN)/python scripts/check_lock.py requirements-dev.lock

# The PWA (pwa/): exact versions from package-lock.json. No browser is ever downloaded: the e2e
# tests and bench-pwa drive Debian's /usr/bin/chromium through Playwright for Python.
$(PWA)/node_modules/.installed: $(PWA)/package.json $(PWA)/package-lock.json
	cd $(PWA) && $(NPM) ci --no-audit --no-fund
	touch $@

pwa: $(PWA)/node_modules/.installed
	cd $(PWA) && $(NPM) run build

test-pwa: $(PWA)/node_modules/.installed
	@echo "== PWA unit tests (Vitest) =="
	cd $(PWA) && $(NPM) test

# Marked `e2e` and left out of the plain pytest runs (pyproject's addopts).
test-e2e: install pwa
	@echo "== PWA end-to-end tests (pytest + Playwright, Chromium) =="
	$(BIN)/pytest -m e2e tests/e2e

bench-pwa: install pwa
	$(BIN)/python -m scripts.bench_pwa

run: install pwa
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "Assistec em http://$(HOST):$(PORT) — API em /api, documentação em http://$(HOST):$(PORT)/api/docs"
	@echo "Web (gunicorn) e fila de tarefas (Huey: e-mails) juntos, pelo Procfile (honcho)."
	PATH="$(CURDIR)/$(BIN):$$PATH" BIND=$(HOST):$(PORT) $(BIN)/honcho start web worker push

test: check-lock lint test-pwa test-sqlite test-postgres test-e2e test-fuzz

lint: install $(PWA)/node_modules/.installed
	$(BIN)/ruff check server tests scripts bench migrations/env.py
	$(BIN)/ruff format --check server tests scripts bench migrations/env.py
	$(BIN)/mypy server bench
	@echo "== PWA: ESLint, Prettier --check, tsc --checkJs (pwa/package.json: lint) =="
	cd $(PWA) && $(NPM) run --silent lint

typecheck: install  # also part of `make lint`
	$(BIN)/mypy server bench

test-sqlite: install
	@echo "== pytest on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest

test-postgres: install
	@echo "== pytest on PostgreSQL ($(TEST_POSTGRES_URL)) =="
	@status=0; $(BIN)/python scripts/ensure_test_db.py "$(TEST_POSTGRES_URL)" || status=$$?; \
	if [ $$status -eq 2 ]; then \
	  if [ -n "$$CI" ]; then echo "FAIL: PostgreSQL is required in CI" >&2; exit 1; fi; \
	  echo "WARNING: PostgreSQL unreachable — the PostgreSQL run was NOT done" >&2; exit 0; \
	elif [ $$status -ne 0 ]; then exit $$status; fi; \
	TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest

# Schemathesis over /api/openapi.json as technician, scheduler and admin (70 s each, ~4 min in all),
# against gunicorn on a free loopback port with a fresh demo-seeded SQLite database (tests/fuzz/run.py).
# Excluded, and only these: POST /api/auth/logout and /api/auth/logout-all, which would end the
# fuzzing session (tests/test_auth_sessions.py covers both).
test-fuzz: install
	@echo "== schemathesis over /api/openapi.json (no 5xx, responses as documented) =="
	$(BIN)/python -m tests.fuzz.run

# Timing goals live here, not in the tests: prints measured figures and ratios from one run.
bench: install bench-pwa
	$(BIN)/python -m bench.sync
	$(BIN)/python -m bench.renders
	$(BIN)/python -m scripts.bench_documents

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Cost against the store's size: 1× and 100× stores on the local PostgreSQL (BENCH_POSTGRES_URL's server).
bench-scale: install
	$(BIN)/python -m bench.scale

# Under load: the Procfile's web + worker on loopback, 100 phones and 10 schedulers (about 5 minutes).
bench-load: install
	$(BIN)/python -m bench.load
