"""The notebooks' stored outputs: execute them, or check that they can still be trusted.

    python scripts/notebooks.py execute chapters/03_mlp_mse.ipynb [...]     (make execute)
    python scripts/notebooks.py check chapters/*.ipynb reproducibility.ipynb  (make book)

The book shows the outputs stored in the notebooks (execution is off in _config.yml), so they are
trustworthy only if they came from the notebook's current code and the current packages.

``execute`` re-runs each notebook in place with one thread (like the first of nbval's two passes)
and ``TQDM_DISABLE=1`` (no progress bar in a stored output), stores its outputs and its widget
state (the explorers stay live in the static book), and records in its metadata a hash of its code
cells and a hash of the sources of ``scratchnn/`` and ``course/``.

``check`` recomputes both hashes and fails with "stored outputs are stale: run `make execute`"
when either differs; it also fails on a stored error output (a cell that raised, unless tagged
``raises-exception``) and on a code cell never executed. It takes a second for the whole book, so
``make book`` alone refuses stale pages; the full check is nbval in ``make test``, which
re-executes every notebook and compares every printed output.

The code hash leaves out the Colab setup cell (the first code cell, tagged ``remove-cell``, that
starts with "# On Google Colab only"): it does nothing outside Colab, and a fork that repoints it
at itself (scripts/colab_setup.py) must not stale every notebook.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
# The notebooks' outputs depend on the subject (scratchnn) and on the course's machinery around
# it (explorers, exercises, helpers), so a change to either stales them.
PACKAGES = (ROOT / "scratchnn", ROOT / "course")
# What the package's behaviour (and so a notebook's outputs) can depend on: its code, and the
# explorers' views and styles, which are stored in the notebooks' widget state.
PACKAGE_SUFFIXES = (".py", ".js", ".css")
METADATA_KEY = "scratchnn"
REEXECUTE = "run `make execute`"
COLAB_CELL_START = "# On Google Colab only"


def _digest(chunks) -> str:
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(len(chunk).to_bytes(8, "little"))  # length-prefixed: no two inputs collide
        sha.update(chunk)
    return "sha256:" + sha.hexdigest()


def _text(data: bytes | str) -> bytes:
    """Bytes with \\n line ends, so a checkout with CRLF line ends hashes the same."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return raw.replace(b"\r\n", b"\n")


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def is_colab_cell(nb: nbformat.NotebookNode, cell) -> bool:
    """Whether ``cell`` is ``nb``'s Colab setup cell: its first code cell, tagged remove-cell,
    starting with "# On Google Colab only"."""
    code = _code_cells(nb)
    return (
        bool(code)
        and cell is code[0]
        and "remove-cell" in cell.metadata.get("tags", [])
        and cell.source.startswith(COLAB_CELL_START)
    )


def code_hash(nb: nbformat.NotebookNode) -> str:
    """A hash of the notebook's code cells' sources, in order, less the Colab setup cell
    (Markdown cells and metadata do not count)."""
    return _digest(_text(c.source) for c in _code_cells(nb) if not is_colab_cell(nb, c))


def package_files(package: Path) -> list[Path]:
    if not package.is_dir():
        sys.exit(f"notebooks: no package at {package}")
    return sorted(
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix in PACKAGE_SUFFIXES and "__pycache__" not in path.parts
    )


def package_hash(*packages: Path) -> str:
    """A hash of every source file of ``packages`` (default: ``scratchnn`` and ``course``): each
    file's path from its package's parent, and its bytes."""
    chunks = []
    for package in packages or PACKAGES:
        for path in package_files(package):
            chunks += [path.relative_to(package.parent).as_posix().encode()]
            chunks += [_text(path.read_bytes())]
    return _digest(chunks)


def record_source_hash(nb: nbformat.NotebookNode) -> None:
    """Store both hashes in ``nb.metadata["scratchnn"]``: call it right after executing ``nb``."""
    nb.metadata[METADATA_KEY] = {"code_hash": code_hash(nb), "package_hash": package_hash()}


def problems(path: Path, *, package_digest: str | None = None) -> list[str]:
    """Every reason not to trust ``path``'s stored outputs, as messages naming the notebook.

    ``package_digest`` is ``package_hash()``, computed once by the caller for many notebooks.
    """
    nb = nbformat.read(path, as_version=4)
    name = _display_name(path)
    found = []
    recorded = nb.metadata.get(METADATA_KEY, {})
    if "code_hash" not in recorded or "package_hash" not in recorded:
        found.append(
            f"{name}: stored outputs are stale: {REEXECUTE} (the notebook has no source hash: it "
            "was not executed by `scripts/notebooks.py execute`)"
        )
    else:
        changed = []
        if recorded["code_hash"] != code_hash(nb):
            changed.append("its code cells")
        if recorded["package_hash"] != (package_digest or package_hash()):
            changed.append("scratchnn/ or course/")
        if changed:
            found.append(
                f"{name}: stored outputs are stale: {REEXECUTE} "
                f"({' and '.join(changed)} changed since it was executed)"
            )
    never_run = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        expected_error = "raises-exception" in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not expected_error:
                error = f"{output.get('ename', '?')}: {output.get('evalue', '')}"
                found.append(
                    f"{name}: cell {index} stored an error, {error}: fix it and {REEXECUTE}"
                )
        if cell.source.strip() and cell.get("execution_count") is None:
            never_run.append(str(index))
    if never_run:
        cells = ", ".join(never_run[:5]) + (", …" if len(never_run) > 5 else "")
        found.append(
            f"{name}: {len(never_run)} code cell(s) never executed (cells {cells}): {REEXECUTE}"
        )
    return found


def _display_name(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def execute(path: Path) -> float:
    """Re-run ``path`` in place, storing outputs, widget state and the source hash; seconds."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # lets the static HTML book show live widgets
    ).execute()
    record_source_hash(nb)  # lets `check` see, without executing, that the outputs are current
    nbformat.write(nb, path)
    return time.perf_counter() - start


def run_execute(paths: list[Path]) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")  # tqdm reads it: no bar in a stored output
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)
    return 0


def run_check(paths: list[Path]) -> int:
    digest = package_hash()
    found = [message for path in paths for message in problems(path, package_digest=digest)]
    for message in found:
        print(message, file=sys.stderr)
    if found:
        print(f"notebooks: {len(found)} problem(s) in {len(paths)} notebook(s)", file=sys.stderr)
        return 1
    print(f"notebooks: {len(paths)} notebook(s): outputs current, no errors")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("execute", "re-run notebooks in place, storing outputs, widget state and source hash"),
        ("check", "fail on stale, never-run or error outputs (fast: hashes only)"),
    ]:
        command = commands.add_parser(name, help=help_text)
        command.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    run = run_execute if args.command == "execute" else run_check
    return run(args.notebooks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
