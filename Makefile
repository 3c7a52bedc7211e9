# Everything installs into virtualenvs inside the clone; nothing is needed on the machine but python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHECKOV_VENV ?= .venv-checkov
BENCH_DATA ?= bench/data/extraction-bench

.PHONY: run test test-browser install lint package char-tables screenshot bench-cleaning bench-search bench-line-stats bench-memory bench-ingest bench-coldstart bench-faults bench-load bench-restart bench-alerts checkov-venv clean

# One line per step, and pip's own output: the first install downloads for a few minutes.
$(BIN)/.installed: pyproject.toml
	@echo "==> [1/3] virtualenv $(VENV) ($(PYTHON))"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] pip up to date"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> [3/3] archive-search and its test/local extras into $(VENV) (about 3 minutes the first time)"
	$(BIN)/pip install --progress-bar on -e '.[test]'
	@touch $@
	@echo "==> installed: $(BIN)/archive-search, $(BIN)/archive-search-local, $(BIN)/pytest"

install: $(BIN)/.installed

# checkov pins old versions of common packages, so it lives in a virtualenv of its own.
$(CHECKOV_VENV)/bin/checkov:
	@echo "==> checkov into $(CHECKOV_VENV) (the template tests run it; a minute or two the first time)"
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov>=3.2,<4'

checkov-venv: $(CHECKOV_VENV)/bin/checkov

# tests/browser drives Debian's chromium through Playwright (whose own browser download cannot
# work without the internet); installed once, a no-op when the file exists (CI runs as root).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: install
	$(BIN)/archive-search-local

test: lint checkov-venv $(CHROMIUM)
	CHECKOV_BIN=$(abspath $(CHECKOV_VENV))/bin/checkov $(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install $(CHROMIUM)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check functions infra tests bench tools
	$(BIN)/ruff format --check functions infra tests bench tools

# Each function's bundle for the Lambda runtime (build/bundles/<name>/ and .zip), with its sizes.
package: install
	$(BIN)/python tools/package.py

# `sam build` (BuildMethod: makefile, CodeUri: .) runs build-<LogicalId> with ARTIFACTS_DIR set:
# SearchFunction -> the `search` bundle of tools/package.py, IngestFunction -> `ingest`, and so on.
build-%Function:
	$(PYTHON) tools/package.py --bundle $(shell echo '$*' | tr '[:upper:]' '[:lower:]') --out "$(ARTIFACTS_DIR)" --no-zip

# The cleaner's lookup tables (a data file) for this Python and the Lambda runtime's.
char-tables: install
	$(BIN)/python -m tools.char_tables

# The search page's screenshot in the docs (docs/img/search-page.png), from the sample archive.
screenshot: install $(CHROMIUM)
	$(BIN)/python -m tools.screenshot

bench-cleaning: install
	BENCH_DATA=$(BENCH_DATA) $(BIN)/python bench/cleaning.py $(BENCH_ARGS)

bench-search: install
	$(BIN)/python -m bench.search $(BENCH_ARGS)

bench-line-stats: install
	$(BIN)/python bench/line_stats.py $(BENCH_ARGS)

bench-memory: install
	$(BIN)/python bench/memory.py $(BENCH_ARGS)

bench-ingest: install
	BENCH_DATA=$(BENCH_DATA) $(BIN)/python -m bench.ingest $(BENCH_ARGS)

bench-coldstart: install
	$(BIN)/python -m bench.coldstart $(BENCH_ARGS)

bench-faults: install
	$(BIN)/python bench/faults.py $(BENCH_ARGS)

bench-load: install
	$(BIN)/python bench/load.py $(BENCH_ARGS)

bench-restart: install
	$(BIN)/python bench/restart.py $(BENCH_ARGS)

bench-alerts: install
	$(BIN)/python -m bench.alerts $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .local build
