"""JupyterLab on the chapters, with the explorers live: what `make lab` runs.

    .venv/bin/python scripts/lab.py [more jupyter lab options]

The explorers are anywidget widgets: JupyterLab draws them through two of its extensions, which
the lock installs as files of the environment (anywidget's, and ipywidgets' widget manager
``@jupyter-widgets/jupyterlab-manager``). Without them a cell shows a text placeholder instead of
the explorer, so this script checks that both are there before it starts JupyterLab (the check
of ``python -m course.check_install``). The server
serves the repository (chapters/ and the pages at its root) and opens on chapters/; the news feed
and the update check, which would reach other hosts, are off.

tests/browser/test_jupyterlab.py starts its server with ``command`` from this script.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from course.check_install import missing_widget_extensions

ROOT = Path(__file__).resolve().parent.parent


def command(root: Path = ROOT, *options: str, open_at: str = "chapters") -> list[str]:
    """The command that starts JupyterLab on ``root``, opening the folder ``open_at`` in it."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{open_at}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *options,
    ]


def main() -> None:
    missing = missing_widget_extensions()
    if missing:
        sys.exit(
            f"lab: the explorers need the JupyterLab extensions {missing}, missing from "
            f"{sys.prefix}: install requirements.lock into it (make install)"
        )
    try:
        sys.exit(subprocess.run(command(ROOT, *sys.argv[1:])).returncode)
    except KeyboardInterrupt:  # Ctrl+C stops JupyterLab; no traceback for it
        sys.exit(0)


if __name__ == "__main__":
    main()
