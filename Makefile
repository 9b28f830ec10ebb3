# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the mail `make run` prints (and its worker sends) go to the port served.
run: export SITE_URL ?= http://$(HOST):$(PORT)
export DJANGO_SETTINGS_MODULE := chapterhouse.settings

.PHONY: run test lint migrate demo messages serve bench clean

$(BIN)/chapterhouse: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## Create the environment, migrate var/chapterhouse.sqlite3, load the demo and serve it.
run: $(BIN)/chapterhouse
	DEBUG=1 $(BIN)/chapterhouse migrate --noinput
	DEBUG=1 $(BIN)/chapterhouse demo
	@echo ""
	@echo "  Chapterhouse is serving at http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/ (sign in as shown above)"
	@echo ""
	@echo "  The background worker (e-mail, view counts) runs beside it; mail prints here."
	DEBUG=1 $(BIN)/chapterhouse db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/chapterhouse runserver $(HOST):$(PORT)

## The whole gate: formatting, lint, types, tests.
test: $(BIN)/chapterhouse
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

## Recompile the interface translations after editing a .po file.
messages: $(BIN)/chapterhouse
	cd src/chapterhouse && ../../$(BIN)/chapterhouse compilemessages

bench: $(BIN)/chapterhouse
	$(BIN)/python bench/registry_bench.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
