"""Re-execute notebooks under nbval on several numeric paths, as if on several machines.

    python scripts/numeric_paths.py ci     NOTEBOOK...   (make nbval: the two paths CI runs)
    python scripts/numeric_paths.py unit   PYTEST-ARG... (make unit: pytest on the same two paths)
    python scripts/numeric_paths.py matrix NOTEBOOK...   (make nbval-matrix: every path here)

A *numeric path* is what decides the order and the kernels of floating-point arithmetic: the
number of threads, the vector kernels torch picks (``ATEN_CPU_CAPABILITY``: ``default``,
``avx2``, ``avx512`` on x86-64) and the code path MKL's BLAS takes (``MKL_CBWR``: ``COMPATIBLE``,
``AVX2``, ``AVX512``, ...). Setting them lets one machine imitate others. Every path must
reproduce the stored outputs exactly; a printed digit that moves between paths is a defect of the
notebook (print fewer digits, a bound, or compute in float64).

``ci`` runs the native path with one thread and the plainest path (``default`` kernels,
``MKL_CBWR=COMPATIBLE``) with two, side by side (two processes, three threads on two cores: the
1-thread run fills the gaps of the other), and fails if either fails. ``unit`` runs the unit tests
on the same two paths, side by side, so that a message or a compared text whose digits come from
rounding noise fails here and not on a reader's machine; the second path leaves out the tests of
the book's configuration and scripts, which compute nothing. ``matrix`` runs every path
this CPU offers, each with one and with two threads, then prints a table of which cells differ on
which path; it exits non-zero if any does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBVAL = [
    "-m",
    "pytest",
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    str(ROOT / "chapters" / "sanitize.cfg"),
    "-o",
    "testpaths=",
    "-p",
    "no:cacheprovider",
]

# (name, environment) pairs; an empty value means "leave the variable unset" (the native choice).
CI_PATHS = [
    ("native, 1 thread", {"threads": "1", "ATEN_CPU_CAPABILITY": "", "MKL_CBWR": ""}),
    (
        "default+COMPATIBLE, 2 threads",
        {"threads": "2", "ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"},
    ),
]
# Tests of the book's configuration and maintenance scripts: they compute no number, so the second
# unit path leaves them out.
COMPUTES_NOTHING = [
    "tests/test_book_config.py",
    "tests/test_book_tools.py",
    "tests/test_makefile.py",
    "tests/test_notebooks_tool.py",
]
# Kernel sets torch may pick on x86-64, each paired with the MKL path of the same width.
KERNELS = [("default", "COMPATIBLE"), ("avx2", "AVX2"), ("avx512", "AVX512")]


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def matrix_paths() -> list[tuple[str, dict[str, str]]]:
    flags = cpu_flags()
    offered = {"default": True, "avx2": "avx2" in flags, "avx512": "avx512f" in flags}
    paths = []
    for threads in ("1", "2"):
        paths.append((f"native, {threads}t", {"threads": threads}))
        for aten, mkl in KERNELS:
            if offered[aten]:
                env = {"threads": threads, "ATEN_CPU_CAPABILITY": aten, "MKL_CBWR": mkl}
                paths.append((f"{aten}+{mkl}, {threads}t", env))
    return paths


def environment(setting: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env["TQDM_DISABLE"] = "1"  # tqdm reads it: no progress bar in any compared output
    threads = setting.get("threads", "1")
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = threads
    for name in ("ATEN_CPU_CAPABILITY", "MKL_CBWR"):
        env.pop(name, None)
        if setting.get(name):
            env[name] = setting[name]
    return env


def start(name: str, setting: dict[str, str], args: list[str], log: Path) -> subprocess.Popen:
    """Start ``python args`` on one numeric path, its output into ``log``."""
    shown = " ".join(f"{k}={v}" for k, v in setting.items() if v and k != "threads")
    print(f"== {name} ({shown or 'no overrides'}, {setting.get('threads', '1')} thread(s))")
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, *args], env=environment(setting), cwd=ROOT, stdout=out, stderr=out
        )


def side_by_side(what: str, runs: list[tuple[str, dict[str, str], list[str]]]) -> bool:
    """Run each (name, setting, args) at once, then print each one's output in turn."""
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        logs = [Path(folder) / f"{index}.log" for index in range(len(runs))]
        started = [start(n, s, args, log) for (n, s, args), log in zip(runs, logs, strict=True)]
        codes = [process.wait() for process in started]
        for (name, _, _), log, code in zip(runs, logs, codes, strict=True):
            print(f"\n== {what}, {name}: {'passed' if code == 0 else 'FAILED'}")
            print(log.read_text().rstrip(), flush=True)
    print(f"== {what}: both paths in {time.perf_counter() - begin:.0f} s")
    failed = [name for (name, _, _), code in zip(runs, codes, strict=True) if code != 0]
    for name in failed:
        print(f"== {what} FAILED on the path: {name}")
    return not failed


def run(name: str, setting: dict[str, str], notebooks: list[str], report: Path | None) -> bool:
    shown = " ".join(f"{k}={v}" for k, v in setting.items() if v and k != "threads")
    print(f"== nbval: {name} ({shown or 'no overrides'})", flush=True)
    command = [sys.executable, *NBVAL, *notebooks]
    if report is not None:
        command += ["-q", f"--junitxml={report}"]
    begin = time.perf_counter()
    result = subprocess.run(command, env=environment(setting), cwd=ROOT)
    print(f"   {name}: {time.perf_counter() - begin:.0f} s", flush=True)
    return result.returncode == 0


def failed_cells(report: Path) -> list[str]:
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname', '')}::{case.get('name', '')}")
    return failed


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("ci", "unit", "matrix"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, rest = argv[0], argv[1:]
    if mode == "ci":
        runs = [(name, setting, [*NBVAL, *rest]) for name, setting in CI_PATHS]
        return 0 if side_by_side("nbval", runs) else 1
    if mode == "unit":
        (first, first_setting), (second, second_setting) = CI_PATHS
        computes = [f"--ignore={path}" for path in COMPUTES_NOTHING]
        runs = [
            (first, first_setting, ["-m", "pytest", *rest]),
            (second, second_setting, ["-m", "pytest", *computes, *rest]),
        ]
        return 0 if side_by_side("unit", runs) else 1
    notebooks = rest
    differing: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = matrix_paths()
        for index, (name, setting) in enumerate(paths):
            report = Path(folder) / f"{index}.xml"
            run(name, setting, notebooks, report)
            differing[name] = failed_cells(report) if report.exists() else ["(no report)"]
    print("\n== numeric-path matrix: cells that differ from the stored outputs")
    for name, cells in differing.items():
        print(f"   {name:<30} {'ok' if not cells else f'{len(cells)} cell(s) differ'}")
        for cell in cells:
            print(f"      {cell}")
    return 1 if any(differing.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
