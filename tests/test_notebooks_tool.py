"""scripts/notebooks.py: ``check`` finds stale, unexecuted or failed stored outputs (a changed
code cell or source file, a missing hash), ``execute`` stores outputs and the files they used."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
from book_scripts import (
    BRANCH,
    CHAPTER,
    PINS,
    REPO,
    URL,
    colab_setup,
    executed_notebook,
    notebooks,
    write,
)

NOTEBOOKS_SCRIPT = [sys.executable, str(REPO / "scripts" / "notebooks.py")]


# notebooks.py check ------------------------------------------------------------------------


def test_a_freshly_recorded_notebook_is_current(tmp_path):
    path = write(executed_notebook("x = 1", "print(x)"), tmp_path / "nb.ipynb")
    assert notebooks.problems(path) == []


def test_editing_a_code_cell_makes_outputs_stale(tmp_path):
    nb = executed_notebook("x = 1", "print(x)")
    nb.cells[1].source = "x = 2"
    (message,) = notebooks.problems(write(nb, tmp_path / "nb.ipynb"))
    assert "stored outputs are stale: run `make execute`" in message
    assert "its code cells changed" in message


def test_editing_markdown_or_metadata_does_not(tmp_path):
    nb = executed_notebook("x = 1")
    nb.cells[0].source = "# Another title"
    nb.cells[1].metadata["mystnb"] = {"image": {"alt": "text"}}
    assert notebooks.problems(write(nb, tmp_path / "nb.ipynb")) == []


def test_repointing_the_colab_cell_leaves_outputs_current(tmp_path):
    """A fork rewrites every Colab cell (scripts/colab_setup.py): no notebook goes stale."""
    nb = executed_notebook("x = 1", "print(x)")
    colab_setup.apply(nb, URL, BRANCH, PINS)
    nb.cells[1].execution_count = 1
    notebooks.record_source_hash(nb)
    before = nb.metadata["scratchnn"]["code_hash"]
    assert before == notebooks.code_hash(executed_notebook("x = 1", "print(x)"))
    colab_setup.apply(nb, "https://github.com/another/place", "main", PINS)
    assert notebooks.code_hash(nb) == before
    assert notebooks.problems(write(nb, tmp_path / "nb.ipynb")) == []


def test_only_the_first_code_cell_can_be_the_colab_cell():
    nb = executed_notebook("x = 1")
    colab_setup.apply(nb, URL, BRANCH, PINS)
    colab = nb.cells[1]
    assert notebooks.is_colab_cell(nb, colab)
    lookalike = nbformat.v4.new_code_cell(colab.source, metadata=dict(colab.metadata))
    nb.cells.append(lookalike)  # the same text further down is ordinary code: it counts
    assert not notebooks.is_colab_cell(nb, lookalike)
    untagged = executed_notebook(colab.source, "x = 1")  # without its remove-cell tag: counts
    assert not notebooks.is_colab_cell(untagged, untagged.cells[1])


def test_a_changed_source_file_makes_outputs_stale_and_names_it(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "b.py").write_text("y = 1\n")
    nb = executed_notebook("x = 1")
    notebooks.record_source_hash(nb, ["pkg/a.py"], tmp_path)  # used a.py, not b.py
    path = write(nb, tmp_path / "nb.ipynb")
    (tmp_path / "pkg" / "b.py").write_text("y = 2\n")  # a file it did not use: still current
    assert notebooks.problems(path, root=tmp_path) == []
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    (message,) = notebooks.problems(path, root=tmp_path)
    assert "stored outputs are stale" in message and "(pkg/a.py changed since" in message
    (tmp_path / "pkg" / "a.py").unlink()  # a file it used is gone: stale too
    assert notebooks.problems(path, root=tmp_path)


def test_a_view_only_change_asks_for_a_refresh_not_a_re_execution(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "view.js").write_text("let a;\n")
    nb = executed_notebook("x = 1")
    notebooks.record_source_hash(nb, ["pkg/a.py", "pkg/view.js"], tmp_path)
    (tmp_path / "pkg" / "view.js").write_text("let b;\n")
    assert notebooks.only_views_changed(nb, tmp_path)
    (message,) = notebooks.problems(write(nb, tmp_path / "nb.ipynb"), root=tmp_path)
    assert "stored widget code is stale" in message and "pkg/view.js" in message
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")  # and Python: re-execute
    assert not notebooks.only_views_changed(nb, tmp_path)


def test_only_repository_sources_count_as_used(tmp_path):
    notebook = tmp_path / "chapters" / "nb.ipynb"
    for name in ["pkg/a.py", "pkg/view.js", ".venv/lib/x.py", "pkg/__pycache__/a.pyc"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    notebook.parent.mkdir(exist_ok=True)
    notebook.write_text("{}")
    opened = [str(tmp_path / n) for n in ["pkg/a.py", "pkg/view.js", ".venv/lib/x.py"]]
    opened += [str(tmp_path / "pkg/__pycache__/a.pyc"), str(notebook), "/usr/lib/python3/os.py"]
    assert notebooks.used_files(opened, notebook, tmp_path) == ["pkg/a.py", "pkg/view.js"]


def widget_notebook(ids: list[str]) -> nbformat.NotebookNode:
    """A cell showing a box (ids[0]) whose child is a slider (ids[1]), and a link (ids[2])."""
    nb = executed_notebook("box")
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    view = {"model_id": ids[0], "version_major": 2, "version_minor": 0}
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={notebooks.WIDGET_VIEW: view})
    ]
    state = {
        ids[0]: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{ids[1]}"]}},
        ids[1]: {"model_name": "FloatSliderModel", "state": {"value": 0.5}},
        ids[2]: {"model_name": "LinkModel", "state": {"source": [f"IPY_MODEL_{ids[1]}", "v"]}},
    }
    nb.metadata["widgets"] = {notebooks.WIDGET_STATE: {"state": state}}
    return nb


def test_widget_ids_come_from_where_the_widgets_are_shown_not_from_chance():
    first = widget_notebook(["a" * 32, "b" * 32, "c" * 32])
    second = widget_notebook(["1" * 32, "2" * 32, "3" * 32])  # the same widgets, other uuids
    for nb in (first, second):
        notebooks.stable_widget_ids(nb)
    assert nbformat.writes(first) == nbformat.writes(second)
    state = first.metadata["widgets"][notebooks.WIDGET_STATE]["state"]
    box = first.cells[1].outputs[0]["data"][notebooks.WIDGET_VIEW]["model_id"]
    (child,) = state[box]["state"]["children"]
    assert child.removeprefix("IPY_MODEL_") in state  # references follow the new names


def test_machine_dependent_outputs_are_kept_while_their_cell_is_unchanged():
    nb = executed_notebook("t = 1", "print('timing')")
    timing = nb.cells[2]
    timing.id, timing.metadata["tags"] = "timing-cell", [notebooks.IGNORED]
    timing.outputs = [nbformat.v4.new_output("stream", text="3.1 µs\n")]
    before = {"timing-cell": nbformat.from_dict(dict(timing))}
    kept = notebooks._keep_machine_dependent(nb, before, {})  # first run: nothing to keep
    timing.outputs = [nbformat.v4.new_output("stream", text="2.9 µs\n")]  # a new run's timing
    assert notebooks._keep_machine_dependent(nb, before, kept) == kept
    assert timing.outputs[0]["text"] == "3.1 µs\n"  # the stored one, kept
    timing.source += "  # edited"
    timing.outputs = [nbformat.v4.new_output("stream", text="2.9 µs\n")]
    notebooks._keep_machine_dependent(nb, before, kept)
    assert timing.outputs[0]["text"] == "2.9 µs\n"  # an edited cell's output is taken anew


def test_no_hash_means_not_executed_by_make_execute(tmp_path):
    nb = executed_notebook("x = 1")
    del nb.metadata["scratchnn"]
    (message,) = notebooks.problems(write(nb, tmp_path / "nb.ipynb"))
    assert "stale" in message and "no source hash" in message


def test_error_outputs_and_unexecuted_cells_are_reported(tmp_path):
    nb = executed_notebook("1 / 0", "y = 2", "raise KeyError('expected')")
    nb.cells[1].outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero")
    ]
    nb.cells[2].execution_count = None
    nb.cells[3].outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="'expected'")]
    nb.cells[3].metadata["tags"] = ["raises-exception"]  # a deliberate error is fine
    messages = notebooks.problems(write(nb, tmp_path / "nb.ipynb"))
    assert len(messages) == 2, messages
    assert "cell 1 stored an error, ZeroDivisionError: division by zero" in messages[0]
    assert "1 code cell(s) never executed (cells 2)" in messages[1]


def test_file_hash_ignores_line_ends_and_sees_content(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\n")
    before = notebooks.file_hash(path)
    path.write_bytes(b"x = 1\r\n")  # a CRLF checkout
    assert notebooks.file_hash(path) == before
    path.write_bytes(b"x = 2\n")
    assert notebooks.file_hash(path) != before
    assert notebooks.file_hash(tmp_path / "gone.py") == "missing"


def test_a_real_chapter_copy_edited_fails_the_command(tmp_path):
    """What `make book` runs: a copy of a chapter, hashed as `make execute` would, then edited."""
    path = tmp_path / CHAPTER.name
    shutil.copy(CHAPTER, path)
    nb = nbformat.read(path, as_version=4)
    notebooks.record_source_hash(nb, nb.metadata["scratchnn"]["sources"])
    nbformat.write(nb, path)
    command = [*NOTEBOOKS_SCRIPT, "check", str(path)]
    ok = subprocess.run(command, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    code_cell = [c for c in nb.cells if c.cell_type == "code"][1]  # past the Colab cell
    code_cell.source += "\n# edited"
    nbformat.write(nb, path)
    stale = subprocess.run(command, capture_output=True, text=True)
    assert stale.returncode == 1
    assert f"{path}: stored outputs are stale: run `make execute`" in stale.stderr


# notebooks.py execute ----------------------------------------------------------------------


def test_execute_stores_outputs_and_the_files_used_and_is_byte_stable(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os\nprint(os.environ['TQDM_DISABLE'], 6 * 7)"),
        nbformat.v4.new_code_cell("import course.book"),
    ]
    path = write(nb, REPO / "chapters" / f"_test_execute_{tmp_path.name}.ipynb")
    try:
        run = subprocess.run([*NOTEBOOKS_SCRIPT, "execute", str(path)], capture_output=True)
        assert run.returncode == 0, run.stderr
        executed = nbformat.read(path, as_version=4)
        assert executed.cells[0].outputs[0]["text"] == "1 42\n"  # quiet: no progress bar
        assert "execution" not in executed.cells[0].metadata  # no timestamps
        recorded = executed.metadata["scratchnn"]
        assert recorded["code_hash"] == notebooks.code_hash(executed)
        assert "course/book.py" in recorded["sources"]  # imported by the notebook
        assert "scratchnn/batchnorm.py" not in recorded["sources"]  # never imported
        check = subprocess.run([*NOTEBOOKS_SCRIPT, "check", str(path)], capture_output=True)
        assert check.returncode == 0, check.stderr
        first = path.read_bytes()
        again = [*NOTEBOOKS_SCRIPT, "execute", "--all", str(path)]
        assert subprocess.run(again, capture_output=True).returncode == 0
        assert path.read_bytes() == first  # re-executing an unchanged notebook changes no byte
        current = subprocess.run([*NOTEBOOKS_SCRIPT, "execute", str(path)], capture_output=True)
        assert b"current" in current.stdout  # and a current one is not re-executed at all
    finally:
        path.unlink()
    usage = subprocess.run([*NOTEBOOKS_SCRIPT, "refresh", str(path)], capture_output=True)
    assert usage.returncode == 2
