# Everything a fresh machine needs, from Python 3.11 alone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export FLASK_APP = wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-services lint serve-prod clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

## run: install, migrate, seed demo content if the database is empty, serve on http://127.0.0.1:5000
run: $(STAMP)
	$(BIN)/flask db upgrade heads
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: install and run the whole test suite (embedded defaults: SQLite)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-services: the same suite against PostgreSQL (a fresh database), as CI runs it
test-services: $(STAMP)
	bash .ci/services-suite

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
