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

.PHONY: install book test lint unit nbval execute bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo "== install: $(VENV) from requirements.txt"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

book: install
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

test: lint unit nbval book
	@echo "== all tests passed"

execute: install
	$(PY) scripts/execute_notebooks.py $(CHAPTERS)

bench: install
	$(PY) benchmarks/bench_train_step.py

clean:
	rm -rf _build
