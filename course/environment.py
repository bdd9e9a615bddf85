"""What a run's numbers depend on besides the code: the versions, the CPU, the threads, the BLAS.

``environment()`` collects it as a dict of strings; ``environment_table()`` shows it as a Markdown
table in a notebook. The book prints its own build environment on the page "Why might my numbers
differ?", so a reader whose digits differ can see what differs.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import torch

# The environment variables that set how many threads the math libraries use.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def cpu_model() -> str:
    """The CPU's marketing name (``"AMD EPYC 7B13"``), or ``platform.processor()`` if unknown."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():  # Linux
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(errors="replace"), re.M)
        if match:
            return match.group(1).strip()
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            )
            if out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def torch_blas() -> str:
    """The BLAS torch multiplies matrices with, from its build settings (``mkl``, ``open``, …)."""
    match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return match.group(1) if match else "unknown"


def torch_parallel_backend() -> str:
    """``OpenMP``, ``native thread pool`` or ``TBB``: who runs torch's threads."""
    match = re.search(r"ATen parallel backend: (.+)", torch.__config__.parallel_info())
    return match.group(1).strip() if match else "unknown"


def numpy_blas() -> str:
    """The BLAS numpy was built with (``scipy-openblas 0.3.x``, ``accelerate``, …)."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip()
    except Exception:  # the layout of show_config differs across numpy versions
        return "unknown"


def environment() -> dict[str, str]:
    """Everything this module knows about the run: ``{name: value}`` strings, in a fixed order."""
    import numpy as np

    import scratchnn

    threads = ", ".join(f"{name}={os.environ.get(name, 'unset')}" for name in THREAD_VARIABLES)
    return {
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "operating system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "CPU": cpu_model(),
        "logical cores": str(os.cpu_count()),
        "torch": torch.__version__,
        "torch CPU capability": torch.backends.cpu.get_cpu_capability(),
        "torch threads (intra-op)": str(torch.get_num_threads()),
        "torch parallel backend": torch_parallel_backend(),
        "torch BLAS": torch_blas(),
        "torch default dtype": str(torch.get_default_dtype()).removeprefix("torch."),
        "thread variables": threads,
        "numpy": np.__version__,
        "numpy BLAS": numpy_blas(),
        "scratchnn": scratchnn.__version__,
    }


def environment_table(env: dict[str, str] | None = None):
    """``environment()`` as a two-column Markdown table (an ``IPython.display.Markdown``)."""
    from IPython.display import Markdown

    env = environment() if env is None else env
    rows = ["| what | value |", "|---|---|"]
    rows += [f"| {name} | {value.replace('|', '/')} |" for name, value in env.items()]
    return Markdown("\n".join(rows))
