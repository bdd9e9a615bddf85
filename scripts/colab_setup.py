"""Give each chapter a first code cell that sets it up on Google Colab, and nowhere else.

    python scripts/colab_setup.py chapters/*.ipynb           add or update the cell (idempotent)
    python scripts/colab_setup.py --check chapters/*.ipynb   exit 1 if a notebook's cell is
                                                             missing or out of date

A chapter opened from the book's Colab button runs on a fresh Colab machine, which has torch,
numpy, matplotlib and scikit-learn but not this repository, ``anywidget`` (the explorers) or
``myst-nb`` (``glue``). The cell clones the repository named in ``_config.yml``
(``repository.url`` and ``repository.branch``: the one place a fork changes), puts it on
``sys.path``, installs those two packages at the versions pinned in ``requirements.txt``, and turns
on Colab's custom widget manager so that the explorers display. Outside Colab it does nothing and
prints nothing, so nbval and the stored outputs are unaffected; it is tagged ``remove-cell`` so the
book does not show it.

The cell goes before the notebook's first code cell (after the chapter's title). Running the script
again replaces the cell's source with the current one (after a change of URL, branch or pins) and
leaves an up-to-date notebook untouched. Changing the cell (a fork repointing it) leaves the stored
outputs current: ``scripts/notebooks.py`` leaves this cell out of a notebook's code hash. A cell
newly added has never run, which ``scripts/notebooks.py check`` reports: run ``make execute`` after.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CELL_ID = "colab-setup"
MARKER = {"colab_setup": True}  # under the cell's metadata["scratchnn"]
TAGS = ["remove-cell"]
# What a Colab machine lacks for the chapters, installed at the versions requirements.txt pins.
COLAB_PACKAGES = ("anywidget", "myst-nb")
CLONE_DIR = "/content/neural-networks-from-scratch"


def repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """(url, branch) from the book's _config.yml."""
    config = yaml.safe_load(config_path.read_text())
    repo = config.get("repository") or {}
    if not repo.get("url"):
        sys.exit(f"colab_setup: {config_path} has no repository.url")
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def pins(requirements: Path = ROOT / "requirements.txt") -> list[str]:
    """``name==version`` for each of COLAB_PACKAGES, as requirements.txt pins it."""
    found = {}
    for line in requirements.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s#;]+)", line)
        if match:
            found[match.group(1).lower().replace("_", "-")] = f"{match.group(1)}=={match.group(2)}"
    missing = [name for name in COLAB_PACKAGES if name not in found]
    if missing:
        sys.exit(f"colab_setup: {requirements} pins none of {missing}")
    return [found[name] for name in COLAB_PACKAGES]


def cell_source(url: str, branch: str, packages: list[str]) -> str:
    """The cell's code: already in ruff's format, so `make lint` passes on every chapter."""
    listed = ", ".join(f'"{p}"' for p in packages)
    return f'''\
# On Google Colab only: fetch the course's code and what Colab lacks. Elsewhere: nothing.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    url = "{url}"
    branch = "{branch}"
    packages = [{listed}]
    repo = "{CLONE_DIR}"
    if not os.path.isdir(repo):
        subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", branch, url, repo], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *packages], check=True)
    sys.path.insert(0, repo)  # import scratchnn from the clone
    from google.colab import output

    output.enable_custom_widget_manager()  # the explorers are Jupyter widgets'''


def setup_cell(url: str, branch: str, packages: list[str]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(cell_source(url, branch, packages))
    cell.metadata = {"tags": list(TAGS), "scratchnn": dict(MARKER)}
    return cell


def _is_setup_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.metadata.get("scratchnn", {}).get("colab_setup")


def _up_to_date(cell, wanted) -> bool:
    """Same source, tags and marker (other metadata, e.g. nbclient's timings, may differ)."""
    return cell.source == wanted.source and all(
        cell.metadata.get(key) == value for key, value in wanted.metadata.items()
    )


def apply(nb: nbformat.NotebookNode, url: str, branch: str, packages: list[str]) -> bool:
    """Insert or update the setup cell in ``nb``; True if ``nb`` changed."""
    wanted = setup_cell(url, branch, packages)
    existing = [i for i, cell in enumerate(nb.cells) if _is_setup_cell(cell)]
    for extra in reversed(existing[1:]):  # a duplicate (a copy-paste): keep only the first
        del nb.cells[extra]
    if existing:
        cell = nb.cells[existing[0]]
        if _up_to_date(cell, wanted):
            return len(existing) > 1  # changed only if a duplicate was removed
        cell.source = wanted.source
        cell.metadata.update(wanted.metadata)
        # Outside Colab the cell prints nothing, before and after: its execution count stays, so
        # a repointed notebook's stored outputs stay current (scripts/notebooks.py check).
        cell.outputs = []
        return True
    if nb.nbformat_minor >= 5:
        taken = {cell.get("id") for cell in nb.cells}
        wanted["id"] = CELL_ID if CELL_ID not in taken else f"{CELL_ID}-{len(taken)}"
    else:
        wanted.pop("id", None)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, wanted)
    return True


def status(nb: nbformat.NotebookNode, url: str, branch: str, packages: list[str]) -> str | None:
    """None if ``nb`` has one up-to-date setup cell before its other code cells, else why not."""
    wanted = setup_cell(url, branch, packages)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    setup = [cell for cell in code if _is_setup_cell(cell)]
    if not setup:
        return "no Colab setup cell"
    if len(setup) > 1:
        return f"{len(setup)} Colab setup cells"
    if code[0] is not setup[0]:
        return "the Colab setup cell is not the first code cell"
    if not _up_to_date(setup[0], wanted):
        return "the Colab setup cell is out of date (repository URL, branch or pins changed)"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    url, branch = repository()
    packages = pins()
    failures = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            problem = status(nb, url, branch, packages)
            if problem:
                failures += 1
                print(f"{path}: {problem}: run `python scripts/colab_setup.py {path}`")
        elif apply(nb, url, branch, packages):
            nbformat.write(nb, path)
            print(f"{path}: Colab setup cell written")
        else:
            print(f"{path}: Colab setup cell already up to date")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
