# Everything a fresh machine needs, from Python 3.11 alone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# `make run` needs only what running needs; the dev and test tools come with `make test`.
RUN_STAMP = $(VENV)/.run-installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
export FLASK_APP = wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-deps test-services lint serve-prod clean i18n-extract i18n-update i18n-compile i18n-pseudo i18n-check

# Interface translations (forum/i18n.py): English is the source; a catalog per shipped locale.
# The .mo files are compiled from the .po files by `make run` and `make test` and never committed.
TRANSLATIONS = forum/translations
POT = $(TRANSLATIONS)/messages.pot
CATALOGS = $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED = $(CATALOGS:.po=.mo)

# --ignore-dirs: by default pybabel skips every directory whose name starts with "_" (the templates'
# _macros and _partials among them).
## i18n-extract: collect the marked strings of the Python code and templates into messages.pot
i18n-extract: $(RUN_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k lazy_ngettext:1,2 -k plural_forms:1,2 --add-location=file --sort-output \
		--ignore-dirs ".* node_modules" \
		--project PeerCare --copyright-holder "PeerCare" -o $(POT) .

## i18n-update: merge messages.pot into every catalog (new strings appear untranslated, changed ones fuzzy)
i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) --ignore-obsolete --no-fuzzy-matching

## i18n-compile: build the .mo files the app reads (run and test do it themselves)
i18n-compile: $(RUN_STAMP) $(COMPILED)

## i18n-check: fail on an untranslated or fuzzy entry in a shipped catalog (the test suite runs it too)
i18n-check: $(STAMP)
	$(BIN)/python -m tests.catalog_check

## i18n-pseudo: build the en_001 pseudo-locale (every catalog string in ⟦…⟧) to spot unmarked text
i18n-pseudo: $(STAMP)
	$(BIN)/python -m tests.pseudo_locale

# Listed after the install stamp wherever it is a prerequisite, so pybabel is there when it runs.
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -i $< -o $@ -l $*

# Test-only browser tools from npm (axe-core for the accessibility gate), pinned by package-lock.json.
NODE_STAMP = node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

$(RUN_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.run-installed-* && touch $@

## run: install, migrate, seed demo content if the database is empty, serve on http://$(HOST):$(PORT)
## (another port: make run PORT=8080). Plain log lines, not JSON, at a terminal.
run: export LOG_FORMAT ?= text
run: $(RUN_STAMP) $(COMPILED)
	@$(BIN)/flask db upgrade heads
	@$(BIN)/flask seed-demo --if-empty
	@echo "PeerCare is starting: open http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: install and run the whole test suite (embedded defaults: SQLite)
test: $(STAMP) $(NODE_STAMP) $(COMPILED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-deps: install what the suites need, without running them (CI, before running both at once)
test-deps: $(STAMP) $(NODE_STAMP) $(COMPILED)

## test-services: the same suite against PostgreSQL (a fresh database), as CI runs it
test-services: $(STAMP) $(NODE_STAMP) $(COMPILED)
	bash .ci/services-suite

lint: $(STAMP)
	$(BIN)/ruff check .

## serve-prod: migrate, then run gunicorn, a Celery worker and Celery beat until Ctrl-C.
## Needs DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis) and a SECRET_KEY of 32+ characters.
PROD_PORT ?= 8000
WEB_WORKERS ?= 4
ANONYMOUS_PAGE_CACHE_SECONDS ?= 10
serve-prod: SHELL := /bin/bash
serve-prod: $(STAMP) $(COMPILED)
	@test -n "$$DATABASE_URL" || { echo "serve-prod: set DATABASE_URL (e.g. postgresql://user@host/peercare)" >&2; exit 1; }
	@test -n "$$CELERY_BROKER_URL" || { echo "serve-prod: set CELERY_BROKER_URL (e.g. redis://host:6379/0)" >&2; exit 1; }
	PEERCARE_ENV=$${PEERCARE_ENV:-production} $(BIN)/flask db upgrade heads
	@export PEERCARE_ENV=$${PEERCARE_ENV:-production} ANONYMOUS_PAGE_CACHE_SECONDS=$(ANONYMOUS_PAGE_CACHE_SECONDS); \
	$(BIN)/celery -A wsgi.celery worker --loglevel=INFO & worker=$$!; \
	$(BIN)/celery -A wsgi.celery beat --loglevel=INFO --schedule instance/celerybeat-schedule & beat=$$!; \
	$(BIN)/gunicorn -w $(WEB_WORKERS) -b $(HOST):$(PROD_PORT) wsgi:app & web=$$!; \
	trap 'kill $$web $$worker $$beat 2>/dev/null; wait' INT TERM EXIT; \
	wait -n $$web $$worker $$beat; echo "serve-prod: a process exited; stopping the others" >&2

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
