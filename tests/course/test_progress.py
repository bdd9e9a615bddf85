"""course.progress: silent under SCRATCHNN_QUIET (so nbval's stored outputs never hold a bar),
a widget in a Jupyter kernel, one rewritten line in a terminal, and the loop's items unchanged."""

from __future__ import annotations

import io
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from course import progress as progress_mod
from course.progress import Progress, format_seconds, frontend, is_quiet, progress


class FakeClock:
    """A clock that advances by ``step`` seconds each time it is read."""

    def __init__(self, step: float = 1.0) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def loud(monkeypatch):
    monkeypatch.delenv("SCRATCHNN_QUIET", raising=False)


@pytest.mark.parametrize(
    ("value", "quiet"),
    [("1", True), ("yes", True), ("true", True), ("", False), ("0", False), ("false", False)],
)
def test_quiet_variable(monkeypatch, value, quiet):
    monkeypatch.setenv("SCRATCHNN_QUIET", value)
    assert is_quiet() is quiet


def test_quiet_wins_over_a_terminal(monkeypatch):
    monkeypatch.setenv("SCRATCHNN_QUIET", "1")
    monkeypatch.setattr(sys, "stderr", TTY())
    assert frontend() == "none"
    assert list(progress(range(5), desc="x")) == [0, 1, 2, 3, 4]
    assert sys.stderr.getvalue() == ""


def test_items_are_yielded_unchanged(loud):
    items = [object(), "a", 3.5, None]
    assert list(progress(items)) == items
    assert list(progress(iter(items), total=4)) == items  # a one-shot iterator
    assert list(progress(x * x for x in range(4))) == [0, 1, 4, 9]  # no len(): total unknown


def test_total_from_len_and_explicit(loud):
    assert len(progress(range(7))) == 7
    assert len(progress(iter(range(7)), total=7)) == 7
    with pytest.raises(TypeError, match="unknown"):
        len(progress(x for x in range(3)))
    with pytest.raises(ValueError, match="non-negative"):
        progress([], total=-1)


def test_status_text_counts_and_estimates(loud):
    bar = Progress(range(4), desc="epochs", clock=FakeClock(step=1.0))
    it = iter(bar)
    next(it)
    next(it)  # two items consumed; the second one counted once the third is requested
    next(it)
    text = bar.status()
    assert text.startswith("epochs: 2/4 · ")
    assert "left" in text
    bar.note("loss 0.1234")
    assert bar.status().endswith(" · loss 0.1234")
    assert "done" in bar.status(finished=True)


def test_format_seconds():
    assert format_seconds(4.24) == "4.2 s"
    assert format_seconds(185) == "3 min 05 s"
    assert format_seconds(3720) == "1 h 02 min"


def test_terminal_line_is_rewritten_and_throttled(loud, monkeypatch):
    stream = TTY()
    monkeypatch.setattr(sys, "stderr", stream)
    assert frontend() == "terminal"
    clock = FakeClock(step=0.01)  # each read advances 10 ms: far below the 0.5 s interval
    assert list(Progress(range(100), desc="fit", interval=0.5, clock=clock)) == list(range(100))
    out = stream.getvalue()
    updates = out.count("\r")
    assert 2 <= updates < 20, out  # opened, a few throttled updates, closed: not 100 lines
    last = out.rsplit("\r", 1)[1]
    assert last.startswith("fit: 100/100 · ") and last.endswith(" · done\n"), last


def test_a_loop_that_stops_early_says_so(loud, monkeypatch):
    stream = TTY()
    monkeypatch.setattr(sys, "stderr", stream)
    for i in progress(range(10), desc="fit"):
        if i == 2:
            break
    last = stream.getvalue().rsplit("\r", 1)[1]
    assert last.startswith("fit: 2/10 · ") and last.endswith(" · stopped\n"), last


def test_not_a_terminal_not_a_kernel_prints_nothing(loud, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert frontend() == "none"
    assert list(progress(range(3))) == [0, 1, 2]
    assert sys.stderr.getvalue() == ""
    assert capsys.readouterr().out == ""


def test_widget_in_a_jupyter_kernel(loud, monkeypatch):
    ipywidgets = pytest.importorskip("ipywidgets")
    monkeypatch.setattr(progress_mod, "_ipython_shell", lambda: "ZMQInteractiveShell")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert frontend() == "widget"
    bar = progress(range(5), desc="epochs")
    for i in bar:
        bar.note(f"step {i}")
    (box,) = shown  # one display, then updated in place
    assert isinstance(box, ipywidgets.HBox)
    widget, label = box.children
    assert (widget.value, widget.max, widget.bar_style) == (5, 5, "success")
    assert label.value.startswith("epochs: 5/5 · ") and label.value.endswith("done · step 4")


def test_widget_for_an_unknown_total_hides_the_bar(loud, monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(progress_mod, "_ipython_shell", lambda: "ZMQInteractiveShell")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert list(progress(x for x in range(3))) == [0, 1, 2]
    widget, label = shown[0].children
    assert widget.layout.display == "none"
    assert label.value.startswith("3 · ")


def test_no_ipywidgets_means_silence(loud, monkeypatch):
    monkeypatch.setattr(progress_mod, "_ipython_shell", lambda: "ZMQInteractiveShell")
    monkeypatch.setattr(progress_mod, "_make_widgets", lambda total: None)  # import failed
    bar = progress(range(3))
    assert list(bar) == [0, 1, 2]
    assert bar.mode == "none"


def _run_in_kernel(monkeypatch, quiet: str | None) -> list:
    """Execute a two-cell notebook with nbclient, as make execute and nbval do."""
    if quiet is None:
        monkeypatch.delenv("SCRATCHNN_QUIET", raising=False)
    else:
        monkeypatch.setenv("SCRATCHNN_QUIET", quiet)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from course.progress import progress\n"
            "total = 0\n"
            "for i in progress(range(50), desc='loop', interval=0):\n"
            "    total += i"
        ),
        nbformat.v4.new_code_cell("print(total)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return [cell.outputs for cell in nb.cells]


def test_executed_by_nbclient_under_quiet_stores_no_output(monkeypatch):
    loop_outputs, print_outputs = _run_in_kernel(monkeypatch, "1")
    assert loop_outputs == []
    assert print_outputs[0]["text"] == "1225\n"


def test_executed_by_nbclient_without_quiet_shows_a_widget(monkeypatch):
    # Why make execute and nbval must set SCRATCHNN_QUIET: a kernel cannot tell nbclient from a
    # person, so without it the stored outputs would hold a widget view.
    loop_outputs, _ = _run_in_kernel(monkeypatch, None)
    assert [o["output_type"] for o in loop_outputs] == ["display_data"]
    assert "application/vnd.jupyter.widget-view+json" in loop_outputs[0]["data"]
