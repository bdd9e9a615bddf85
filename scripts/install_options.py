"""The pip options that install requirements.lock on this machine, printed for `make install`.

    .venv/bin/python scripts/install_options.py      (prints nothing, or --extra-index-url URL)

It first stops with a clear message if this Python is not one the lock covers on this platform
(the lock's ``# python:`` line, written by `make lock`).

On Linux the lock pins torch's CPU build (``torch==2.13.0+cpu``), which is on the PyTorch CPU
index, not on PyPI. If pip already finds it through its own configuration (a folder of wheels, a
mirror: ``pip install --dry-run``, about a second), nothing is added, and the install never asks
that index for anything. Otherwise the index is tried once, with a short timeout, and named for
pip. Adding it blindly would cost, where it cannot be reached, pip's retries for every one of
the lock's ~180 packages: about 9 s each, half an hour in all. On macOS and Windows the lock's
torch is PyPI's, and nothing is printed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PROBE_TIMEOUT_S = 10


def lock_pythons(lock_text: str, platform: str) -> list[str]:
    """The Python versions the lock covers on ``platform`` (``sys.platform``), from its header
    line ``# python: linux 3.11; darwin 3.11 3.12; win32 3.11 3.12``."""
    match = re.search(r"^# python: (.+)$", lock_text, re.M)
    if not match:
        sys.exit(f"install: {LOCK.name} has no '# python:' line: run `make lock`")
    for part in match.group(1).split(";"):
        name, *versions = part.split()
        if name == platform:
            return versions
    return []


def check_python(lock_text: str) -> None:
    here = "{}.{}".format(*sys.version_info[:2])
    covered = lock_pythons(lock_text, sys.platform)
    if here not in covered:
        sys.exit(
            f"install: {LOCK.name} covers CPython {' and '.join(covered) or 'no version'} on "
            f"{sys.platform}, and this is {here}: remove .venv and run make with "
            f"PYTHON=python{covered[0] if covered else '3.11'} (README: 'Run the chapters on "
            "your computer' says where to get one)"
        )


def cpu_torch(lock_text: str) -> str | None:
    """``torch==X+cpu`` if the lock pins torch's CPU build for Linux, else None."""
    match = re.search(r"^(torch==\S+\+cpu)\b", lock_text, re.M)
    return match.group(1) if match else None


def pip_finds(requirement: str) -> bool:
    """Whether pip, as configured here, finds ``requirement`` (resolved only, not downloaded)."""
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
               "--ignore-installed", "--only-binary=:all:", requirement]  # fmt: skip
    return subprocess.run(command, capture_output=True).returncode == 0


def reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


def options(lock_text: str) -> list[str]:
    """The pip options for ``pip install -r requirements.lock`` here."""
    torch = cpu_torch(lock_text)
    if not sys.platform.startswith("linux") or torch is None or pip_finds(torch):
        return []
    if not reachable(f"{TORCH_CPU_INDEX}/torch/"):
        sys.exit(
            f"install: {torch} (torch's CPU build, for Linux) is on {TORCH_CPU_INDEX}, which "
            f"could not be reached (waiting at most {PROBE_TIMEOUT_S} s), and pip's configuration "
            "does not provide it: reach that index, or give pip a folder holding the wheel "
            "(PIP_FIND_LINKS)"
        )
    return ["--extra-index-url", TORCH_CPU_INDEX]


def main() -> None:
    lock_text = LOCK.read_text()
    check_python(lock_text)
    print(" ".join(options(lock_text)))


if __name__ == "__main__":
    main()
