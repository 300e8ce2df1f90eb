# The two commands: `make run` serves the demo, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine. `make bench SIZE=N` measures (docs/benchmarks.md);
# `make fuzz` runs the OpenAPI contract test long and at random (docs/testing.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LINTER_DIR := tools/cypher-lint
LINTER := $(LINTER_DIR)/node_modules/.installed
# The browser tests of the explorer (tests/explorer) drive Debian's Chromium.
CHROMIUM := /usr/bin/chromium
SIZE ?= 100000
BENCH_ARGS ?=
PYTEST_ARGS ?=
FUZZ_EXAMPLES ?= 200

.PHONY: run test bench fuzz screenshots install linter clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: $(INSTALLED)  ## serve the demo on http://127.0.0.1:8000 (embedded engine, demo data)
	$(BIN)/crmgraph demo --host 127.0.0.1 --port 8000

test: $(INSTALLED) $(LINTER) $(CHROMIUM)  ## check the code style and run the whole test suite
	$(BIN)/ruff check graph api cli seed bench explorer tests
	$(BIN)/ruff format --check graph api cli seed bench explorer tests
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(INSTALLED)  ## measure crmgraph against SQLite, PostgreSQL, plain Python (and Neo4j) on SIZE generated organisations
	@if [ -n "$$CRMGRAPH_BENCH_POSTGRES_DSN" ] || [ -S /var/run/postgresql/.s.PGSQL.5432 ] || [ -S /tmp/.s.PGSQL.5432 ]; then \
		$(BIN)/python -m pip install --quiet -e '.[test,bench]'; fi
	$(BIN)/python -m bench --size $(SIZE) $(BENCH_ARGS)

fuzz: $(INSTALLED)  ## call every API operation FUZZ_EXAMPLES times with random input; every answer must match /openapi.json
	CRMGRAPH_CONTRACT_EXAMPLES=$(FUZZ_EXAMPLES) CRMGRAPH_CONTRACT_RANDOM=1 \
		$(BIN)/pytest tests/api/test_openapi_contract.py -k "every_answer and falkordb" $(PYTEST_ARGS)

screenshots: $(INSTALLED) $(CHROMIUM)  ## take the explorer's screenshots in docs/ (docs/explorer.md)
	EXPLORER_SCREENSHOTS=docs $(BIN)/pytest tests/explorer/test_screenshots.py $(PYTEST_ARGS)

install: $(INSTALLED)  ## create .venv and install crmgraph with its test dependencies

linter: $(LINTER)  ## install Neo4j's Cypher linter from npm into tools/cypher-lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(LINTER): $(LINTER_DIR)/package.json $(LINTER_DIR)/package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix $(LINTER_DIR) --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM):
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

clean:  ## remove .venv and the linter (the data directory is kept)
	rm -rf $(VENV) $(LINTER_DIR)/node_modules
