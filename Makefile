# The two commands of the README: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench system-packages messages

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

# Debian packages the tests drive: Chromium for the browser journeys (through Playwright, never a downloaded
# browser), nginx for the gateway test, and prometheus for promtool (the alert rules and dashboard queries). When
# they cannot be installed (no root, no network) the tests still run: those tests skip with the reason, or fail
# when CI=true.
system-packages:
	@test -x /usr/bin/chromium -a -x /usr/sbin/nginx || apt-get install -y chromium nginx-light || \
		(apt-get update && apt-get install -y chromium nginx-light) || \
		echo "make: could not install chromium and nginx-light; their tests will skip (or fail with CI=true)" >&2
	@test -x /usr/bin/promtool || apt-get install -y --no-install-recommends prometheus || \
		(apt-get update && apt-get install -y --no-install-recommends prometheus) || \
		echo "make: could not install prometheus (promtool); its tests will skip (or fail with CI=true)" >&2

# The suite runs two workers per core (pytest-xdist): its tests wait on servers, processes, the browser and injected
# faults' sleeps as much as they compute, so a second worker on each core uses the waits (on a 2-core machine -n 4
# took 8 min 24 s where -n 2 took 9 min 17 s, in one hour, nothing else running). Tests that share a module's (or the
# browser's) set-up stay on one worker (--dist loadgroup, the groups are given in tests/conftest.py).
# TEST_WORKERS=0 runs them all in this one process.
TEST_WORKERS ?= $(shell echo $$((2 * $$(nproc))))

## Install and run the whole test suite.
test: install $(NODE_STAMP) system-packages
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(BIN)/ruff check services tests bench

## Extract every page's and e-mail's words into the catalogue template (services/ui/babel.cfg says which files), then
## give each new one its Polish words in services/ui/translations/pl/LC_MESSAGES/messages.po (tests/ui/test_i18n.py
## checks both). The .po is edited by hand, not merged by `pybabel update`, which would reorder all of it.
messages: install
	$(BIN)/pybabel extract -F services/ui/babel.cfg -k _l -k N_ --no-location --omit-header -o services/ui/translations/messages.pot services

bench: install
	$(BIN)/python bench/bus.py
