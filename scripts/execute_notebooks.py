"""Re-execute chapter notebooks in place, storing outputs and widget state.

    python scripts/execute_notebooks.py chapters/01_linear_layer.ipynb [...]

The book is built from these stored outputs (execution is off in _config.yml), and nbval checks in
the test command that re-running every chapter prints exactly what is stored, so a stale output
fails CI. Runs with one thread, like the first of nbval's two passes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from check_notebooks import record_source_hash  # scripts/ is on sys.path: this script's folder
from nbclient import NotebookClient


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # lets the static HTML book show live widgets
    ).execute()
    record_source_hash(nb)  # lets `make book` see, without executing, that the outputs are current
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    os.environ.setdefault("SCRATCHNN_QUIET", "1")  # no progress bar in a stored output
    for path in map(Path, paths):
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
