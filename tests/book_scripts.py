"""Shared by the tests of the book's configuration and scripts: the repository's config, notebooks
and pins, `make -n`, importing a script of scripts/, a notebook that looks executed (its source hash
recorded), and the settings of a fork's Colab cell."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import nbformat
import yaml

REPO = Path(__file__).resolve().parent.parent
CHAPTER = REPO / "chapters" / "01_linear_layer.ipynb"
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
NOTEBOOKS = [*sorted((REPO / "chapters").glob("*.ipynb")), REPO / "reproducibility.ipynb"]


def load_script(name: str):
    """Import scripts/<name>.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"script_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirement_pin(name: str) -> str:
    match = re.search(rf"^{re.escape(name)}==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert match, f"requirements.txt does not pin {name}"
    return match.group(1)


def dry_run(*targets: str) -> list[str]:
    """The commands ``make`` would run for ``targets`` (``make -n``: nothing is executed)."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", *targets],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.replace("\\\n", " ").splitlines()  # a command continued with \ is one


notebooks = load_script("notebooks")
colab_setup = load_script("colab_setup")

# A fork's Colab cell: where it clones from, and what it installs.
URL, BRANCH = "https://github.com/someone/fork-of-the-book", "work"
PINS = ["anywidget==0.11.0", "myst-nb==1.4.0"]


def executed_notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook whose code cells look executed (an execution count each), with a hash recorded."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Title"))
    for count, source in enumerate(sources, start=1):
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = count
        nb.cells.append(cell)
    notebooks.record_source_hash(nb)
    return nb


def write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path
