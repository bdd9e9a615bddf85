"""Is this computer ready for the chapters? ``python -m course.check_install`` says.

It prints the versions the chapters depend on (and, run from a checkout, which of them differ from
the pins of requirements.txt: the book's numbers were computed with those), whether torch is a
CPU build, whether JupyterLab's widget extensions are installed (without them an explorer shows as
a line of text), then runs a tiny gradient check: a float64 ``MLP([3, 5, 2], "tanh")``'s
``backward`` against central differences (``scratchnn.checks.gradient_errors``), which exercises
torch's matrix multiply and elementwise kernels on this machine. Cost: 2 forward passes of a
(6, 3) batch per checked number, 32 parameters and 18 inputs: well under a second.

Exit status 0 when the chapters can run here, 1 otherwise, with what to do.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# The distributions whose versions matter to the chapters, in the order printed.
PACKAGES = (
    "torch",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "anywidget",
    "ipywidgets",
    "ipykernel",
    "jupyterlab",
    "scratchnn",
)
# The JupyterLab extensions the explorers need, as folders under share/jupyter/labextensions:
# anywidget's own and ipywidgets' widget manager (scripts/lab.py checks them too).
WIDGET_EXTENSIONS = ("anywidget", "@jupyter-widgets/jupyterlab-manager")
# A correct backward in float64 gives ~1e-10 (eps = 1e-6 balances truncation and rounding); a
# wrong one gives ~1. 1e-6 leaves four orders of magnitude either way.
GRADIENT_TOLERANCE = 1e-6
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def installed_versions() -> dict[str, str | None]:
    """``{distribution: version}`` for each of ``PACKAGES``; None where it is not installed."""
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def pinned_versions(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """``{distribution: version}`` as ``requirements`` pins them (empty outside a checkout).

    torch's Linux pin ``2.13.0+cpu`` and its macOS/Windows pin ``2.13.0`` both read ``2.13.0``:
    the build tag says where the wheel came from, not what it computes.
    """
    if not requirements.is_file():
        return {}
    pins = {}
    for line in requirements.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;#+]+)", line):
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def missing_widget_extensions(prefix: Path | None = None) -> list[str]:
    """The ``WIDGET_EXTENSIONS`` not installed in the environment at ``prefix`` (this one)."""
    folder = Path(sys.prefix if prefix is None else prefix) / "share" / "jupyter" / "labextensions"
    return [name for name in WIDGET_EXTENSIONS if not (folder / name / "package.json").is_file()]


def gradient_check(model=None) -> float:
    """The largest relative error of ``model``'s gradients (default: a seeded float64
    ``MLP([3, 5, 2], "tanh")`` at a seeded (6, 3) input) against central differences."""
    import torch

    from scratchnn import MLP
    from scratchnn.checks import gradient_errors

    generator = torch.Generator().manual_seed(0)
    if model is None:
        model = MLP([3, 5, 2], activation="tanh", generator=generator, dtype=torch.float64)
    x = torch.randn(6, 3, generator=generator, dtype=torch.float64)
    return max(gradient_errors(model, x).values())


def report(model=None) -> tuple[list[str], list[str]]:
    """The lines to print and the problems found (each one says what to do)."""
    width = max(map(len, PACKAGES)) + 1
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    lines = [f"{'Python':<{width}} {python} on {platform.system()} {platform.machine()}"]
    problems = []
    versions = installed_versions()
    pins = pinned_versions()
    for name, found in versions.items():
        pin = pins.get(name)
        differs = found is not None and pin is not None and found.split("+")[0] != pin
        lines.append(f"{name:<{width}} {found or 'MISSING'}{f'  (pin: {pin})' if differs else ''}")
        if found is None:
            problems.append(f"{name} is not installed: install requirements.lock (README)")
    if versions["torch"] is not None:
        import torch

        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU"
        lines.append(f"{'torch build':<{width}} {build} (the chapters use the CPU)")
    missing = missing_widget_extensions()
    found_widgets = "MISSING " + ", ".join(missing) if missing else "installed"
    lines.append(f"{'widgets':<{width}} {found_widgets} (JupyterLab's, for the explorers)")
    if missing:
        problems.append(f"JupyterLab lacks {missing}: the explorers would show as text")
    if versions["torch"] is not None and versions["scratchnn"] is not None:
        error = gradient_check(model)
        verdict = "ok" if error < GRADIENT_TOLERANCE else "WRONG"
        lines.append(f"{'gradients':<{width}} largest relative error {error:.1e} "
                     f"({verdict}: below {GRADIENT_TOLERANCE:.0e} expected)")  # fmt: skip
        if verdict != "ok":
            problems.append("the gradient check failed: torch or scratchnn is broken here")
    return lines, problems


def main() -> int:
    lines, problems = report()
    print("\n".join(lines))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("Ready for the chapters." if not problems else "Not ready: see PROBLEM above.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
