# The two commands of the README, and what they need. Each does all its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# PIP_CONSTRAINT also pins the build back-end (setuptools) in pip's isolated build.
PIP    := PIP_CONSTRAINT=requirements.lock $(BIN)/pip install --quiet --disable-pip-version-check
PYTEST := $(BIN)/pytest -n auto -p no:cacheprovider
# The voting booth's bundle, built from booth/ (a build output: never committed), not minified
# so that anyone can read what the page runs.
BOOTH  := src/openpeace/plebiscites/static/plebiscites/booth.js

.PHONY: serve test lint lock bench clean booth

serve: $(VENV)/.runtime $(BOOTH)
	$(BIN)/openpeace serve --demo

test: $(VENV)/.dev $(BOOTH)
	scripts/system-packages test
	$(BIN)/ruff check .
	$(BIN)/mypy
	@echo "== the booth against the test vectors =="
	cd booth && node --test test/*.test.js
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(PYTEST)
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== tests on PostgreSQL =="; \
	  $(PYTEST); \
	else echo "(DATABASE_URL is not set: the PostgreSQL run is skipped; .ci/run sets it)"; fi
	@[ -n "$$REDIS_URL" ] || echo "(REDIS_URL is not set: the RQ backend's tests on Redis are skipped; .ci/run sets it)"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy

$(VENV)/bin/python:
	PYTHON=$(PYTHON) scripts/system-packages venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"

$(VENV)/.runtime: $(VENV)/bin/python pyproject.toml requirements.lock
	$(PIP) -e .
	touch $@

$(VENV)/.dev: $(VENV)/bin/python pyproject.toml requirements.lock
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.runtime

booth: $(BOOTH)

# npm ci installs exactly the committed booth/package-lock.json (esbuild needs no install
# script: its binary comes in its platform package).
booth/node_modules/.installed: booth/package.json booth/package-lock.json
	scripts/system-packages node
	cd booth && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(BOOTH): booth/node_modules/.installed $(wildcard booth/src/*.js)
	cd booth && npm run --silent build

# Re-pin every dependency after changing pyproject.toml (then commit requirements.lock).
lock: $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --all --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis booth/node_modules \
	  $(BOOTH)
