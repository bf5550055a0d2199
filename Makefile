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

.PHONY: install run test lint typecheck test-sqlite test-postgres bench clean pwa test-pwa test-e2e bench-pwa test-fuzz

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

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
	PATH="$(CURDIR)/$(BIN):$$PATH" BIND=$(HOST):$(PORT) $(BIN)/honcho start web worker

test: lint typecheck test-pwa test-sqlite test-postgres test-e2e test-fuzz

lint: install
	$(BIN)/ruff check server tests scripts bench migrations/env.py
	$(BIN)/ruff format --check server tests scripts bench migrations/env.py

typecheck: install
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
	$(BIN)/python -m scripts.bench_documents

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
