# Two commands do everything on a fresh machine (see README.md):
#   make book   install what is needed, then build the HTML book into _build/html
#   make test   install, lint, run pytest, re-execute every chapter under nbval, build the book
#               and test it in a real browser
# Other targets: make execute (re-run the chapters and store their outputs), make bench.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: install assets book test lint unit nbval browser execute bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo "== install: $(VENV) from requirements.txt"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# The JavaScript the book serves itself (widget manager, anywidget, RequireJS, MathJax): pinned in
# package-lock.json, installed with npm ci, copied into book_js/ for Sphinx to publish. No CDN.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@echo "== npm: the book's JavaScript, from package-lock.json"
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

assets: install $(NODE_STAMP)
	$(PY) scripts/book_assets.py

book: install assets
	@echo "== book: jupyter-book build (Sphinx warnings are errors)"
	$(VENV)/bin/jupyter-book build . --all --warningiserror --keep-going
	@echo "Built: _build/html/index.html"

lint: install
	@echo "== lint: ruff on the package, tests, benchmarks and notebooks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: install
	@echo "== unit: pytest tests/"
	$(PY) -m pytest tests -m "not browser"

# Every chapter is re-executed and its printed outputs compared with the stored ones, with one and
# with two threads: a number that differs between the two must not be printed.
nbval: install
	@for threads in 1 2; do \
	  echo "== nbval: chapters with OMP_NUM_THREADS=$$threads"; \
	  OMP_NUM_THREADS=$$threads MKL_NUM_THREADS=$$threads $(PY) -m pytest \
	    --nbval --nbval-sanitize-with chapters/sanitize.cfg --nbval-current-env \
	    -o testpaths= $(CHAPTERS) || exit 1; \
	done

# The built book in Chromium, offline: the explorers react to keyboard and mouse with the numbers
# scratchnn gives, and no page loads anything from another host. Under CI, as root, Chromium is
# installed if missing; elsewhere a missing Chromium skips these tests with a message.
browser: install
	@echo "== browser: the built book in Chromium, offline"
	@if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] && ! command -v chromium >/dev/null; then \
	  apt-get update && apt-get install -y chromium; \
	fi
	$(PY) -m pytest tests/browser -m browser

test: lint unit nbval book browser
	@echo "== all tests passed"

execute: install
	$(PY) scripts/execute_notebooks.py $(CHAPTERS)

bench: install
	$(PY) benchmarks/bench_train_step.py
	$(PY) benchmarks/bench_layers.py

clean:
	rm -rf _build
