# Two commands for a fresh clone:
#   make demo   builds a virtual environment, loads demo content into SQLite and serves the example site
#   make test   builds a virtual environment and runs lint, migration checks and the whole test suite
# WAGTAIL=7.4 make test runs against the oldest supported Wagtail (in .venv-wagtail7.4).

PYTHON ?= python3
WAGTAIL ?=
VENV ?= $(if $(WAGTAIL),.venv-wagtail$(WAGTAIL),.venv)
BIN := $(VENV)/bin
WAGTAIL_PIN := $(if $(WAGTAIL),"wagtail==$(WAGTAIL).*",)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint check browser-deps clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,postgres,redis]" $(WAGTAIL_PIN)
	touch $@

demo: $(BIN)/.installed
	cd example_site && ../$(BIN)/python manage.py migrate --noinput
	cd example_site && ../$(BIN)/python manage.py load_newsfeed_demo --demo-superuser
	@echo "Site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/ (user: admin, password: admin)"
	cd example_site && ../$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(BIN)/.installed
	cd example_site && ../$(BIN)/python manage.py check --fail-level WARNING
	cd example_site && ../$(BIN)/python manage.py makemigrations --check --dry-run

browser-deps:
	@bash scripts/ensure-chromium

test: $(BIN)/.installed browser-deps lint check
	$(BIN)/pytest

clean:
	rm -rf .venv .venv-wagtail* build dist *.egg-info example_site/db.sqlite3 example_site/media
