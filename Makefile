# Matchmaker: `make run` serves the demo cluster, `make test` runs the whole suite.
# Both start from a fresh clone: they build what they need and skip what is up to date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
TRANSLATIONS := matchmaker/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: install run web scheduler test test-deps lint translations-extract translations-update bench clean

install: $(STAMP) $(MO_FILES)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Catalogues are compiled here, never committed compiled.
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -l $*

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) matching rebuild --if-needed
	@echo "Serving on http://$(HOST):$(PORT) (web) with the scheduler beside it. Ctrl-C stops both."
	@$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test-deps:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
		echo "Installing PostgreSQL for the test database"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: install test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

translations-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".*" -o $(TRANSLATIONS)/messages.pot --no-location --sort-output --project Matchmaker .

translations-update: translations-extract
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

bench: install
	$(BIN)/python benchmarks/matching_speed.py --n 1000 10000 100000
	$(BIN)/python benchmarks/matching_quality.py
	$(BIN)/python benchmarks/outbox.py
	$(BIN)/python benchmarks/guestlist.py
	$(BIN)/python benchmarks/dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO_FILES)
