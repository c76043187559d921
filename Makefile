# Nithet: the two commands are `make run` and `make test`; everything else is set-up they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test lint unit e2e bench system-deps vendor demo clean static

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# TypeScript (pinned in package.json / package-lock.json) checks the tablet's JS; `npm ci` when missing or changed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.installed system-deps
	$(BIN)/python -m server serve --port $(PORT)

demo: $(VENV)/.installed
	$(BIN)/python -m server demo

system-deps:
	bash scripts/system-deps.sh

# The static files' brotli and gzip copies (build/static/); the server also builds missing ones at start.
static: $(VENV)/.installed
	$(BIN)/python -m server.static

lint: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	node_modules/.bin/tsc -p jsconfig.json

unit: $(VENV)/.installed
	$(BIN)/pytest -q -m "not e2e"

e2e: $(VENV)/.installed system-deps
	$(BIN)/pytest -q -m e2e

test: $(VENV)/.installed system-deps lint
	$(BIN)/pytest -q

bench: $(VENV)/.installed system-deps
	$(BIN)/python -m bench

vendor: $(VENV)/.installed
	$(BIN)/python scripts/vendor.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
