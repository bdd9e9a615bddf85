"""course.progress: tqdm's bar, silent under SCRATCHNN_QUIET (so that no stored output, which nbval
compares, ever holds one), with the loop's items unchanged."""

from __future__ import annotations

import io

import nbformat
import pytest
from nbclient import NotebookClient

from course.progress import is_quiet, progress


@pytest.mark.parametrize(
    ("value", "quiet"),
    [("1", True), ("yes", True), ("true", True), ("", False), ("0", False), ("false", False)],
)
def test_quiet_variable(monkeypatch, value, quiet):
    monkeypatch.setenv("SCRATCHNN_QUIET", value)
    assert is_quiet() is quiet
    if quiet:
        assert progress(range(3)).disable


def test_items_are_yielded_unchanged_and_the_total_is_known(monkeypatch):
    monkeypatch.setenv("SCRATCHNN_QUIET", "1")
    items = [object(), "a", 3.5, None]
    assert list(progress(items)) == items
    assert list(progress(iter(items), total=4)) == items  # a one-shot iterator
    assert progress(enumerate(items), total=len(items)).total == 4
    bar = progress(range(7), desc="epochs")
    assert (bar.total, bar.disable) == (7, True)


def test_a_terminal_sees_the_bar_and_its_postfix(monkeypatch):
    monkeypatch.delenv("SCRATCHNN_QUIET", raising=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = progress(range(3), desc="fit", file=stream, mininterval=0)
    for _ in bar:
        bar.set_postfix_str("loss 0.1234")
    out = stream.getvalue()
    assert "fit: 100%" in out and "3/3" in out and "loss 0.1234" in out, out


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
            "for i in (bar := progress(range(50), desc='loop')):\n"
            "    total += i\n"
            "    bar.set_postfix_str(f'total {total}')"
        ),
        nbformat.v4.new_code_cell("print(total)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return [cell.outputs for cell in nb.cells]


def test_executed_by_nbclient_under_quiet_stores_no_output(monkeypatch):
    loop_outputs, print_outputs = _run_in_kernel(monkeypatch, "1")
    assert loop_outputs == []
    assert print_outputs[0]["text"] == "1225\n"


def test_executed_by_nbclient_without_quiet_stores_a_widget(monkeypatch):
    # Why make execute and nbval must set SCRATCHNN_QUIET: a kernel cannot tell nbclient from a
    # reader, so without it the stored outputs would hold the bar's widget.
    loop_outputs, _ = _run_in_kernel(monkeypatch, None)
    assert [o["output_type"] for o in loop_outputs] == ["display_data"]
    assert "application/vnd.jupyter.widget-view+json" in loop_outputs[0]["data"]
