"""Fail fast when a notebook's stored outputs cannot be trusted: stale, never run, or an error.

    python scripts/check_notebooks.py chapters/*.ipynb reproducibility.ipynb   (in `make book`)

The book shows the outputs stored in the notebooks (execution is off in _config.yml). They are
trustworthy only if they came from the notebook's current code and the current ``scratchnn``.
``scripts/execute_notebooks.py`` records, in each notebook's metadata, a hash of its code cells
and a hash of the package's sources (``record_source_hash``); this script recomputes both and
fails with "stored outputs are stale: run `make execute`" when either differs. It also fails on a
stored error output (a cell that raised, unless it is tagged ``raises-exception``) and on a code
cell that was never executed.

This is the fast check that lets ``make book`` alone refuse stale pages (a second or so for the
whole book). The full check is nbval in ``make test``, which re-executes every notebook and
compares every printed output.
"""

from __future__ import annotations

import hashlib
import sys
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


def code_hash(nb: nbformat.NotebookNode) -> str:
    """A hash of the notebook's code cells' sources, in order (Markdown cells do not count)."""
    return _digest(_text(cell.source) for cell in nb.cells if cell.cell_type == "code")


def package_files(package: Path) -> list[Path]:
    if not package.is_dir():
        sys.exit(f"check_notebooks: no package at {package}")
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
            f"{name}: stored outputs are stale: run `make execute` (the notebook has no "
            "source hash: it was not executed by scripts/execute_notebooks.py)"
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


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python scripts/check_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    digest = package_hash()
    found = [message for arg in argv for message in problems(Path(arg), package_digest=digest)]
    for message in found:
        print(message, file=sys.stderr)
    if found:
        print(
            f"check_notebooks: {len(found)} problem(s) in {len(argv)} notebook(s)", file=sys.stderr
        )
        return 1
    print(f"check_notebooks: {len(argv)} notebook(s): outputs current, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
