# Two commands do everything on a fresh machine (see README.md):
#   make book   install what is needed, check that the stored outputs are current, build the HTML
#               book into _build/html and check its internal links
#   make test   install, lint, run pytest, re-execute every notebook under nbval, build the book
#               and test it in a real browser; prints how long each stage took
# Other targets: make execute (re-run the notebooks and store their outputs), make bench.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
# Every notebook of the book: the chapters and the pages at the root that run code.
NOTEBOOKS := $(CHAPTERS) reproducibility.ipynb
# Progress bars (course.progress) stay silent while notebooks are executed or checked, so that no
# stored output ever holds one; a reader running a chapter interactively sees them.
export SCRATCHNN_QUIET := 1
# OpenMP threads that finish early sleep instead of spinning: with 2 threads on a busy 2-core
# machine, spinning made small training steps up to 30x slower. Results are unaffected.
export OMP_WAIT_POLICY := PASSIVE
# The stages of `make test`, in order; each one's time is printed at the end.
STAGES := install lint unit nbval book browser

.PHONY: install assets book test lint unit nbval nbval-matrix browser execute bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo "== install: $(VENV) from requirements.txt"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e ".[book]"
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

# Before building: every notebook's stored outputs must come from its current code and the current
# scratchnn, with no error output (fast: hashes, no execution). After: every internal link, anchor
# and {py:...} reference in the built pages must resolve. Sphinx warnings are errors.
book: install assets
	@echo "== book: stored outputs current and error-free"
	$(PY) scripts/check_notebooks.py $(NOTEBOOKS)
	@echo "== book: jupyter-book build (Sphinx warnings are errors)"
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --all --warningiserror --keep-going
	$(PY) scripts/check_links.py _build/html
	@echo "Built: _build/html/index.html"

lint: install
	@echo "== lint: ruff on the package, tests, benchmarks and notebooks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: install
	@echo "== unit: pytest tests/"
	$(PY) -m pytest tests -m "not browser"

# Every notebook is re-executed and its printed outputs compared with the stored ones on two
# numeric paths, as if on two machines: the native kernels with one thread, and torch's plain
# kernels with MKL's most compatible path and two threads (scripts/numeric_paths.py). A digit
# that moves between them must not be printed.
nbval: install
	$(PY) scripts/numeric_paths.py ci $(NOTEBOOKS)

# Not in CI (about 8 nbval runs): every kernel set this CPU offers, each with 1 and 2 threads;
# prints a table of the cells that differ on each path.
nbval-matrix: install
	$(PY) scripts/numeric_paths.py matrix $(NOTEBOOKS)

# The built book in Chromium, offline: the explorers react to keyboard and mouse with the numbers
# scratchnn gives, and no page loads anything from another host. Under CI, as root, Chromium is
# installed if missing; elsewhere a missing Chromium skips these tests with a message.
browser: install
	@echo "== browser: the built book in Chromium, offline"
	@if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] && ! command -v chromium >/dev/null; then \
	  apt-get update && apt-get install -y chromium; \
	fi
	$(PY) -m pytest tests/browser -m browser

# Each stage runs as its own make, timed; a failing stage stops the run and is named.
test:
	@times=""; all_start=$$(date +%s); \
	for stage in $(STAGES); do \
	  start=$$(date +%s); \
	  if ! $(MAKE) --no-print-directory $$stage; then \
	    echo "== stage '$$stage' FAILED after $$(( $$(date +%s) - start )) s"; exit 1; \
	  fi; \
	  times="$$times$$(printf '   %-8s %5d s' $$stage $$(( $$(date +%s) - start )))\n"; \
	done; \
	printf "== stage times\n$$times   %-8s %5d s\n" total $$(( $$(date +%s) - all_start )); \
	echo "== all tests passed"

execute: install
	$(PY) scripts/execute_notebooks.py $(NOTEBOOKS)

bench: install
	$(PY) benchmarks/bench_train_step.py
	$(PY) benchmarks/bench_layers.py

clean:
	rm -rf _build
