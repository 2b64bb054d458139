# Two commands for a fresh clone:
#   make demo   builds a virtual environment, loads demo content into SQLite and serves the example site
#   make test   builds a virtual environment and runs lint, migration checks and the whole test suite
# WAGTAIL=7.4 make test runs against the oldest supported Wagtail (in .venv-wagtail7.4);
# PYTHON=python3.13 DJANGO=6.1 make test against Python 3.13 and Django 6.1 (in .venv-django6.1).

PYTHON ?= python3
WAGTAIL ?=
DJANGO ?=
VENV ?= $(if $(WAGTAIL),.venv-wagtail$(WAGTAIL),$(if $(DJANGO),.venv-django$(DJANGO),.venv))
BIN := $(VENV)/bin
# PYTHON picks the interpreter when a virtual environment is made; an existing one keeps its own.
# Asking for another Python than the one it was made with is an error, not a silent mismatch.
ifneq ($(filter command line environment,$(origin PYTHON)),)
ifneq ($(wildcard $(BIN)/python),)
PY_VERSION = import sys; print("%d.%d" % sys.version_info[:2])
ifneq ($(shell $(BIN)/python -c '$(PY_VERSION)'),$(shell $(PYTHON) -c '$(PY_VERSION)'))
$(error $(VENV) was made with another Python than $(PYTHON): run `make clean` first, or give it a VENV of its own)
endif
endif
endif
WAGTAIL_PIN := $(if $(WAGTAIL),"wagtail==$(WAGTAIL).*",)
DJANGO_PIN := $(if $(DJANGO),"django==$(DJANGO).*",)
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: pytest-xdist spreads test files over the cores (a file's tests stay together, so
# the servers a file starts are started once), one more than there are cores: tests that wait on
# servers, browsers and sleeps leave a core idle otherwise (measured: 8.7 min instead of 10.9).
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
# SHARD=i/n runs shard i of n of the test files (tests/sharding.py): CI spreads one database's
# run over several rows that way.
SHARD ?=
# Which tests: MARKERS narrows the selection (e.g. MARKERS="not processes"); BROWSERS=0 leaves out
# the browser tests, which run in a pytest of their own (a worker must not go on to other tests
# with Playwright's event loop and its connections behind it).
MARKERS ?=
BROWSERS ?= 1

.PHONY: demo test suite browsers lint check messages browser-deps js clean

# Where PYTHONDONTWRITEBYTECODE is set (as on CI machines), every pytest worker rewrote the asserts
# of all ~240 test modules again and every server and `manage.py` process compiled the project's
# own modules again: collecting the suite took 18.4 s a process instead of 8.1 s, and a
# `manage.py check` 3.2 s instead of 2.7 s. Bytecode goes to __pycache__ (ignored by git, left
# out of the wheel).
unexport PYTHONDONTWRITEBYTECODE

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on CI machines), every
# process would otherwise compile Django and Wagtail again as it starts (measured: `manage.py check`
# 4.7 s instead of 1.9 s, the SQLite suite 6 min 23 s instead of 5 min 8 s).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e ".[test,postgres,redis]" $(WAGTAIL_PIN) $(DJANGO_PIN)
	touch $@

demo: $(BIN)/.installed
	cd example_site && ../$(BIN)/python manage.py migrate --noinput
	cd example_site && ../$(BIN)/python manage.py load_newsfeed_demo --demo-superuser --force --site-url http://$(HOST):$(PORT)
	@echo "Site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/ (user: admin, password: admin)"
	cd example_site && ../$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(BIN)/.installed
	cd example_site && ../$(BIN)/python manage.py check --fail-level WARNING
	cd example_site && ../$(BIN)/python manage.py makemigrations --check --dry-run

# Compile the translations (GNU gettext's msgfmt): a broken .po fails the build.
messages: $(BIN)/.installed
	@bash scripts/ensure-gettext
	cd wagtail_newsfeed && ../$(BIN)/django-admin compilemessages

# Debian's Chromium, and from the npm registry (package-lock.json) axe-core for the accessibility
# tests, jsdom for live.js's unit tests, acorn to hold live.js to ES2020 and standardwebhooks to
# verify webhook signatures as Node receivers do; npm ci again whenever the lock file is newer.
browser-deps: node_modules/.package-lock.json
	@bash scripts/ensure-chromium

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# live.js's unit tests: Node's own test runner, jsdom, a fake clock and a fake fetch (no server).
js: node_modules/.package-lock.json
	node --test tests/js/

test: $(BIN)/.installed browser-deps js lint check messages suite

# The pytest runs alone (CI runs the checks once and the suite on every row).
suite: $(BIN)/.installed browser-deps
	$(BIN)/pytest -n $(JOBS) --dist loadfile -m "not browser$(if $(MARKERS), and ($(MARKERS)),)" $(if $(SHARD),--shard $(SHARD),)
ifeq ($(BROWSERS),1)
	$(MAKE) --no-print-directory browsers
endif

browsers: $(BIN)/.installed browser-deps
	$(BIN)/pytest -n $(JOBS) --dist loadfile -m "browser$(if $(MARKERS), and ($(MARKERS)),)"

clean:
	rm -rf .venv .venv-wagtail* .venv-django* node_modules build dist *.egg-info example_site/db.sqlite3 example_site/media
