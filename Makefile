# The README's commands. `make run` serves the demo on the embedded default (SQLite, tasks
# run in process); `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run install install-dev browser-deps office-deps test test-postgres lint typecheck format bench worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py import_aids
	$(BIN)/python manage.py recompute_cost_references
	$(BIN)/python manage.py rebuild_providers
	$(BIN)/python manage.py runserver $(HOST)

# Debian's chromium for the browser tests (never a browser download of its own).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# LibreOffice (Calc, no GUI) for the import tests, which make their .xlsx and .ods with it.
office-deps:
	@command -v soffice >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

test: install-dev browser-deps office-deps
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

worker: install
	$(BIN)/celery -A workers.celery_app worker -Q heavy,light -l info

beat: install
	$(BIN)/celery -A workers.celery_app beat -l info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
