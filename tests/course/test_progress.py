"""course.progress: tqdm's bar, silent under TQDM_DISABLE, even in a notebook."""

import io

import pytest
from tqdm.notebook import tqdm as notebook_tqdm

from course import progress


@pytest.mark.parametrize(("value", "quiet"), [("1", True), ("true", True), (None, False)])
def test_tqdm_disable_decides(monkeypatch, value, quiet):
    if value is None:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
    else:
        monkeypatch.setenv("TQDM_DISABLE", value)
    assert progress.quiet() is quiet
    out = io.StringIO()
    bar = progress.tqdm(range(3), file=out, desc="epochs")
    assert bar.disable is quiet  # (closing a bar sets disable: ask before the loop)
    assert list(bar) == [0, 1, 2]  # the loop runs either way
    assert ("epochs" in out.getvalue()) is not quiet


def test_the_notebook_bar_alone_ignores_the_variable(monkeypatch):
    # Why the module exists: tqdm.notebook sets disable=False itself. If a tqdm release fixes
    # that, this test fails, and course.progress can go.
    monkeypatch.setenv("TQDM_DISABLE", "1")
    pytest.importorskip("ipywidgets")
    bar = notebook_tqdm(range(1), display=False)
    assert bar.disable is False
    bar.close()
