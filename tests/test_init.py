"""scratchnn is the subject alone: importing it loads torch, nothing of the course's machinery."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import scratchnn

COURSE_ONLY = ("matplotlib", "IPython", "ipywidgets", "anywidget", "sklearn", "course")


def test_import_loads_torch_alone():
    # A fresh interpreter: this test process has long since imported everything.
    code = (
        "import json, sys; import scratchnn, scratchnn.optim; "
        f"print(json.dumps([m for m in {COURSE_ONLY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_no_module_of_the_subject_imports_the_course_at_import_time():
    # A function may import an optional package when called (scratchnn.data.digits_dataset needs
    # scikit-learn); a module-level import would make it a requirement of `import scratchnn`.
    package = Path(scratchnn.__file__).parent
    for path in sorted(package.rglob("*.py")):
        for line in path.read_text().splitlines():
            if line.startswith(("import ", "from ")):  # module level: not indented
                assert line.split()[1].split(".")[0] not in COURSE_ONLY, (path, line)
