"""Write binder/requirements.txt from requirements.lock: the same pins, without their hashes.

    python scripts/binder_lock.py      (run by `make lock`; tests/test_book_config.py checks it)

Binder (repo2docker) installs ``binder/requirements.txt`` with ``pip install -r``, on Linux. It
gets every version that ``make`` installs there: the lock's lines, environment markers included
(pip picks Linux's, e.g. torch's CPU build ``2.13.0+cpu``, and skips macOS's and Windows'), from
PyPI and the PyTorch CPU index. requirements.lock hashes the torch wheel that ``make lock``
resolved (where the PyTorch CPU index cannot be reached, a local copy of 2.13.0+cpu), and pip's
hash-checking is all or nothing, so Binder's copy of the lock carries the pins alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
BINDER = ROOT / "binder" / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s\\]+(?:\s*;[^\\]+?)?)\s*\\?$")

HEADER = """\
# Written by scripts/binder_lock.py from requirements.lock (`make lock`): do not edit by hand.
#
# Binder (repo2docker) builds the environment from this folder: once binder/ exists, files at the
# repository's root are ignored. repo2docker runs `pip install -r binder/requirements.txt` from
# the repository's root, after copying the whole repository (an -e line makes it wait for it).
#
# The same lines as requirements.lock, markers included, without its hashes (see
# scripts/binder_lock.py): on Linux, torch's CPU build comes from the PyTorch CPU index, since
# PyPI's Linux wheel is the multi-GB CUDA build.
--extra-index-url https://download.pytorch.org/whl/cpu
"""
FOOTER = """\
# scratchnn and the course package, from the checkout (an -e path is relative to pip's working
# directory: the root); [book] names the course's dependencies, all pinned above.
-e .[book]
"""


def pins(lock_text: str) -> list[str]:
    """``name==version`` (with its environment marker, if any) for every line of the lock."""
    lines = lock_text.splitlines()
    found = [match.group(1).strip() for line in lines if (match := PIN.match(line))]
    if not found:
        sys.exit(f"binder_lock: no pinned package in {LOCK.name}")
    return found


def render(lock_text: str) -> str:
    return HEADER + "".join(f"{pin}\n" for pin in pins(lock_text)) + FOOTER


def main() -> None:
    lock_text = LOCK.read_text()
    BINDER.write_text(render(lock_text))
    print(f"binder_lock: {len(pins(lock_text))} pins -> {BINDER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
