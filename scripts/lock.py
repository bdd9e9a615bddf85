"""requirements.lock for the three platforms learners use, and the check that it installs on each.

    python scripts/lock.py write [--upgrade]   (make lock: requirements.txt -> requirements.lock)
    python scripts/lock.py check               (make lock-check: not in CI; downloads 2.5 GB)

One lock, with environment markers and every file's hash, for CPython 3.11 to 3.13 on Linux
x86-64, macOS arm64 (14 and newer) and Windows x86-64 (``TARGETS``), as far as each one's files
exist: the lock's ``# python:`` line names what it covers, and `make install` reads it. On Linux
that is the Pythons whose CPU build of torch `make lock` could fetch and hash. torch is the one
package whose file differs by platform: PyPI's Linux wheel is the multi-GB CUDA build, so Linux
gets the CPU build (``2.13.0+cpu``) from the PyTorch CPU index, while PyPI's macOS and Windows
wheels are already CPU builds. requirements.txt says so with two markers.

``write`` resolves with ``uv pip compile --universal``: one resolution valid for every platform
and Python version, with the hashes of every file of every locked version on PyPI. uv does not
read pip's configuration, and the CPU build is not on PyPI, so the Linux wheels are first fetched
by pip, which does (a folder of wheels, a mirror) with the PyTorch CPU index added for that one
package, and handed to uv as a folder of wheels; the lock hashes those files.

``check`` asks pip, for each target, to download every package the lock's markers select there,
as that platform's pip would (``--platform``, ``--python-version``, wheels only), with the hashes
required: a package with no file for a target, or a file whose hash is not in the lock, fails.
PyPI's packages are fetched from PyPI itself, ignoring any local mirror; the Linux CPU build from
the PyTorch CPU index, or where that cannot be reached, from pip's own configuration (and the
report says so). It prints each target's download size.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PYPI = "https://pypi.org/simple"
# An index that cannot be reached costs one try of this many seconds, not pip's 5 retries.
QUICK = ["--retries", "0", "--timeout", "10"]
# The oldest Python the lock is resolved for; every newer one is in the same resolution.
LOWEST_PYTHON = "3.11"

HEADER = """\
# Written by `make lock` (scripts/lock.py) from requirements.txt: do not edit by hand.
# One lock for Linux x86-64, macOS arm64 (14+) and Windows x86-64, resolved once with
# `uv pip compile --universal`: the markers pick each platform's packages, and every file of every
# locked version is hashed. torch is the CPU build everywhere: +cpu from
# https://download.pytorch.org/whl/cpu on Linux, PyPI's wheel on macOS and Windows. The CPython
# versions it covers on each platform (sys.platform), as `make install` reads them
# (`make lock-check` downloads every file for each and checks its hash):
# python: {pythons}
"""


@dataclass(frozen=True)
class Target:
    """One platform and Python version the lock must install on."""

    name: str
    platforms: tuple[str, ...]  # pip --platform tags, newest first
    python: str  # "3.11"
    markers: dict[str, str]  # the environment markers of that platform

    def environment(self, full_version: str) -> dict[str, str]:
        return {
            **self.markers,
            "python_version": self.python,
            "python_full_version": full_version,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "extra": "",
        }


# glibc 2.28 is what torch's Linux CPU build needs; pip accepts every older manylinux tag too.
MANYLINUX = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
    "linux_x86_64",
)
PLATFORMS = {
    "Linux x86-64": (
        MANYLINUX,
        {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
         "platform_machine": "x86_64"},
    ),
    "macOS arm64": (
        ("macosx_14_0_arm64",),  # pip adds every older macOS version and universal2
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "arm64"},
    ),
    "Windows x86-64": (
        ("win_amd64",),
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
         "platform_machine": "AMD64"},
    ),
}  # fmt: skip
PYTHONS = ("3.11", "3.12", "3.13")
# A patch release above every real one: "3.11.99" stands for the newest 3.11.
PATCH_CEILING = 99
TARGETS = [
    Target(name, platforms, python, markers)
    for python in PYTHONS
    for name, (platforms, markers) in PLATFORMS.items()
]


def pip(*args: str, config: bool = True) -> subprocess.CompletedProcess:
    """Run this interpreter's pip; ``config=False`` ignores pip's configuration (PyPI only)."""
    env = dict(os.environ)
    if not config:
        env["PIP_CONFIG_FILE"] = os.devnull
        for name in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_NO_INDEX"):
            env.pop(name, None)
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True)


def pip_target(target: Target, full_version: str | None = None) -> list[str]:
    """pip's options that make it choose files as ``target``'s pip would, on ``full_version``
    (Requires-Python may name a patch release: soupsieve 4 needs 3.11.5)."""
    major, minor = target.python.split(".")
    platforms = [option for tag in target.platforms for option in ("--platform", tag)]
    version = full_version or f"{target.python}.{PATCH_CEILING}"
    return [*platforms, "--python-version", version, "--implementation", "cp",
            "--abi", f"cp{major}{minor}", "--only-binary=:all:", "--no-deps"]  # fmt: skip


def linux_cpu_torch() -> str:
    """The ``torch==X+cpu`` requirement of requirements.txt (the Linux line)."""
    for line in REQUIREMENTS.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement.startswith("torch==") and "+cpu" in requirement:
            return requirement.split(";", 1)[0].strip()
    sys.exit("lock: requirements.txt has no torch==...+cpu line for Linux")


def fetch_linux_torch(folder: Path) -> list[str]:
    """Download the CPU build of torch for Linux into ``folder``, one wheel per Python.

    pip's configuration applies (here: a local folder of wheels), plus the PyTorch CPU index,
    tried once. Returns the Pythons whose wheel was found; 3.11 is required.
    """
    torch = linux_cpu_torch()
    found = []
    for target in TARGETS:
        if target.name != "Linux x86-64":
            continue
        result = pip("download", *pip_target(target), *QUICK, "--extra-index-url",
                     TORCH_CPU_INDEX, "--dest", str(folder), torch)  # fmt: skip
        if result.returncode == 0:
            found.append(target.python)
        else:
            print(f"lock: no {torch} wheel for Linux CPython {target.python} here "
                  f"(neither pip's configuration nor {TORCH_CPU_INDEX} has it)")  # fmt: skip
    if LOWEST_PYTHON not in found:
        sys.exit(f"lock: {torch} for Linux CPython {LOWEST_PYTHON} is needed: reach "
                 f"{TORCH_CPU_INDEX}, or give pip a folder with it (PIP_FIND_LINKS)")  # fmt: skip
    return found


def write(upgrade: bool) -> None:
    uv = Path(sys.executable).with_name("uv")
    with tempfile.TemporaryDirectory(prefix="lock-torch-") as folder:
        found = fetch_linux_torch(Path(folder))
        print(f"lock: torch's Linux CPU build found for CPython {', '.join(found)}")
        command = [str(uv), "pip", "compile", "--quiet", "--universal",
                   "--python-version", LOWEST_PYTHON, "--generate-hashes", "--no-header",
                   "--index-url", PYPI, "--find-links", folder,
                   "--output-file", str(LOCK), str(REQUIREMENTS.relative_to(ROOT))]  # fmt: skip
        if upgrade:
            command.append("--upgrade")
        # uv keeps the versions already in the output file while they still fit.
        subprocess.run(command, cwd=ROOT, check=True)
    pythons = {"linux": found, "darwin": PYTHONS, "win32": PYTHONS}
    line = "; ".join(f"{name} {' '.join(versions)}" for name, versions in pythons.items())
    LOCK.write_text(HEADER.format(pythons=line) + LOCK.read_text())
    print(f"lock: wrote {LOCK.name}; check it on every platform with `make lock-check`")


@dataclass
class Entry:
    """One ``name==version ; marker`` of the lock and its hashes."""

    requirement: Requirement
    hashes: list[str]

    def applies(self, environment: dict[str, str]) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate(environment)

    def pin(self) -> str:
        return f"{self.requirement.name}{self.requirement.specifier}"


def entries(text: str) -> list[Entry]:
    """The lock's requirements with their hashes (``\\``-continued lines joined)."""
    found = []
    for block in re.sub(r"\\\n", " ", text).splitlines():
        line = block.split("#", 1)[0].strip() if not block.lstrip().startswith("--hash") else block
        if not line.strip() or line.strip().startswith("#"):
            continue
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        requirement = Requirement(re.sub(r"\s*--hash=\S+", "", line).strip())
        found.append(Entry(requirement, hashes))
    return found


def selected(lock: list[Entry], target: Target) -> dict[str, list[Entry]]:
    """The lock's entries that ``target`` installs, for its oldest and newest patch release
    (a marker may split a package on ``python_full_version``): ``{full_version: entries}``."""
    chosen = {}
    for full_version in (f"{target.python}.0", f"{target.python}.{PATCH_CEILING}"):
        environment = target.environment(full_version)
        chosen[full_version] = [entry for entry in lock if entry.applies(environment)]
    return chosen


def download(target: Target, full_version: str, dest: Path, chosen: list[Entry]) -> list[str]:
    """Download ``chosen`` for ``target`` on ``full_version`` into ``dest``, hashes required;
    returns the failures."""
    cpu_torch = [entry for entry in chosen if "+cpu" in entry.pin()]
    batches = [(cpu_torch, True), ([entry for entry in chosen if entry not in cpu_torch], False)]
    failures = []
    for batch, from_torch_index in batches:
        if not batch:
            continue
        hashed = dest / "requirements.txt"
        hashed.write_text("".join(f"{entry.pin()} " + " ".join(f"--hash=sha256:{h}" for h in
                                  entry.hashes) + "\n" for entry in batch))  # fmt: skip
        options = [*pip_target(target, full_version), "--require-hashes", "--dest", str(dest),
                   "-r", str(hashed)]  # fmt: skip
        if from_torch_index:
            result = pip("download", *options, *QUICK, "--index-url", TORCH_CPU_INDEX,
                         config=False)  # fmt: skip
            if result.returncode != 0:
                print(f"lock-check: {target.name} {target.python}: {batch[0].pin()} checked "
                      f"against pip's configuration ({TORCH_CPU_INDEX} not reached)")  # fmt: skip
                result = pip("download", *options)
        else:
            result = pip("download", *options, "--index-url", PYPI, config=False)
        if result.returncode == 0:
            continue
        if len(batch) > 1:  # pip stops at the first package it lacks: name each one
            for entry in batch:
                failures += download(target, full_version, dest, [entry])
        else:
            last = (result.stderr or result.stdout).strip().splitlines()[-1:]
            failures.append(f"{batch[0].pin()}: {' '.join(last)}")
    return failures


def covered(lock_text: str) -> dict[str, list[str]]:
    """The lock's ``# python:`` line: ``{sys.platform: [Python versions]}``."""
    match = re.search(r"^# python: (.+)$", lock_text, re.M)
    if not match:
        sys.exit(f"lock-check: {LOCK.name} has no '# python:' line: run `make lock`")
    return {name: versions for name, *versions in map(str.split, match.group(1).split(";"))}


def check_target(target: Target, lock: list[Entry], cache: Path) -> tuple[list[str], str]:
    """Download what ``target`` installs: its problems, and its line of the size table."""
    dest = cache / f"{target.name.split()[0]}-{target.python}"
    dest.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    checked: list[Entry] = []
    for full_version, chosen in selected(lock, target).items():
        names = [entry.requirement.name for entry in chosen]
        doubles = sorted({name for name in names if names.count(name) > 1})
        if doubles:
            problems.append(f"{target.name} CPython {full_version}: two pins for {doubles}")
            continue
        todo = [entry for entry in chosen if entry not in checked]  # the other patch release's
        for failure in download(target, full_version, dest, todo):
            problems.append(f"{target.name} CPython {full_version}: {failure}")
        checked += todo
    wheels = list(dest.glob("*.whl"))
    size = sum(path.stat().st_size for path in wheels)
    name = f"{target.name} CPython {target.python}"
    row = f"   {name:30} {len(wheels):4d} wheels {size / 1e6:5.0f} MB"
    return problems, row


def check() -> int:
    text = LOCK.read_text()
    lock = entries(text)
    problems = [f"{entry.pin()}: no hash" for entry in lock if not entry.hashes]
    problems += [f"{entry.pin()}: a CUDA package" for entry in lock
                 if entry.requirement.name.startswith("nvidia")]  # fmt: skip
    pythons = covered(text)
    targets = [t for t in TARGETS if t.python in pythons.get(t.markers["sys_platform"], [])]
    cache = Path(tempfile.gettempdir()) / "lock-check"
    print(f"lock-check: {len(lock)} entries in {LOCK.name}; files go to {cache}")
    for target in TARGETS:
        if target not in targets:
            print(f"lock-check: not covered (its '# python:' line): {target.name} {target.python}")
    # Each target's pip runs on its own: the time goes to waiting on the index, not the CPU.
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda target: check_target(target, lock, cache), targets))
    print("lock-check: the files each target downloads (every hash checked):")
    for target_problems, row in results:
        print(row)
        problems += target_problems
    for problem in problems:
        print(f"lock-check: PROBLEM {problem}")
    print(f"lock-check: {'FAILED' if problems else 'passed'}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write_parser = commands.add_parser("write", help="requirements.txt -> requirements.lock")
    write_parser.add_argument("--upgrade", action="store_true", help="take the newest versions")
    commands.add_parser("check", help="every package has a file with a locked hash everywhere")
    args = parser.parse_args()
    if args.command == "write":
        write(args.upgrade)
    else:
        sys.exit(check())


if __name__ == "__main__":
    main()
