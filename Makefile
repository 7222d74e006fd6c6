# The two commands of the README: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the city's districts and start every process on SQLite + the filesystem bus.
run: install
	PATH="$(BIN):$$PATH" bash deploy/run-local.sh

NODE_STAMP := node_modules/.installed

# Mozilla ical.js, which the events tests run through node to check the iCal feeds.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Debian's Chromium, which the browser tests drive through Playwright (never a downloaded browser). When it cannot be
# installed (no root, no network) the tests still run: the browser tests skip with the reason, or fail when CI=true.
chromium:
	@test -x /usr/bin/chromium || apt-get install -y chromium || (apt-get update && apt-get install -y chromium) || \
		echo "make: could not install chromium; the browser tests will skip (or fail with CI=true)" >&2

## Install and run the whole test suite.
test: install $(NODE_STAMP) chromium
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check services tests bench

bench: install
	$(BIN)/python bench/bus.py
