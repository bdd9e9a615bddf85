"""The book's maintenance scripts and checks: the notebooks' stored outputs (execute, check), the
build's reference and link checks, the Colab setup cell, figure alt text, and the docstring
fallback of the API reference."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shlex
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CHAPTER = REPO / "chapters" / "01_linear_layer.ipynb"


def load_script(name: str):
    """Import scripts/<name>.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"script_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notebooks = load_script("notebooks")
colab_setup = load_script("colab_setup")
figure_text = load_script("figure_text")
NOTEBOOKS_SCRIPT = [sys.executable, str(REPO / "scripts" / "notebooks.py")]


def executed_notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook whose code cells look executed (an execution count each), with a hash recorded."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Title"))
    for count, source in enumerate(sources, start=1):
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = count
        nb.cells.append(cell)
    notebooks.record_source_hash(nb)
    return nb


def write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


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


URL, BRANCH = "https://github.com/someone/fork-of-the-book", "work"
PINS = ["anywidget==0.11.0", "myst-nb==1.4.0"]


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


# The build's checks: nitpicky Sphinx, lychee on the built HTML -----------------------------


def test_a_reference_to_nothing_fails_the_build_but_other_projects_names_do_not(tmp_path):
    """_config.yml's nitpicky settings, on a one-page Sphinx project with a misspelt reference."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())["sphinx"]["config"]
    (tmp_path / "conf.py").write_text(
        f"extensions = ['myst_parser']\nnitpicky = {config['nitpicky']!r}\n"
        f"nitpick_ignore_regex = {[tuple(pair) for pair in config['nitpick_ignore_regex']]!r}\n"
    )
    (tmp_path / "index.md").write_text(
        "# Page\n\n```{py:class} Linear\n```\n\n{py:class}`Linear`, {py:class}`torch.Tensor`, "
        "{py:class}`collections.abc.Sequence` and {py:class}`scratchnn.Lineer`.\n"
    )
    build = [sys.executable, "-m", "sphinx", "-q", "-W", "--keep-going", "-b", "html"]
    result = subprocess.run([*build, str(tmp_path), str(tmp_path / "html")], capture_output=True)
    warnings = result.stderr.decode()
    assert result.returncode != 0
    assert warnings.count("reference target not found") == 1, warnings
    assert "scratchnn.Lineer" in warnings


def lychee_command(html: Path) -> list[str]:
    """The link check `make book` runs (from its dry run), pointed at ``html``."""
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "book"], cwd=REPO, capture_output=True, text=True
    )
    line = dry.stdout.replace("\\\n", " ")
    command = next(cmd for cmd in line.splitlines() if "bin/lychee" in cmd)
    words = shlex.split(command.replace("_build/html", str(html)))
    words[0] = str(Path(sys.executable).with_name("lychee"))
    return words


def test_the_link_check_finds_missing_files_and_anchors_offline(tmp_path):
    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "_static" / "macros.html").write_text('<a href="{{ pathto(x) }}">a template</a>')
    (html / "index.html").write_text(
        '<h1 id="top">Book</h1><a href="chapters/one.html#intro">ok</a>'
        '<a href="#top">ok</a><a href="https://example.org/x">external, not followed</a>'
        '<a href="mailto:a@b.c">mail</a><img src="_static/logo.png" alt="logo">'
    )
    (html / "_static" / "logo.png").write_bytes(b"png")
    (html / "chapters" / "one.html").write_text(
        '<section id="intro"><a href="../index.html">up</a>'
        '<a href="two.html">missing page</a><a href="../index.html#gone">missing anchor</a>'
        '<img src="../_images/gone.png" alt="gone"></section>'
    )
    broken = subprocess.run(lychee_command(html), capture_output=True, text=True)
    assert broken.returncode != 0
    report = broken.stdout + broken.stderr
    for problem in ("two.html", "index.html#gone", "gone.png"):
        assert problem in report, (problem, report)
    assert "example.org" not in report.split("Errors")[-1]
    (html / "chapters" / "one.html").write_text('<p id="intro"><a href="../index.html#top">ok</a>')
    fixed = subprocess.run(lychee_command(html), capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


# colab_setup ---------------------------------------------------------------------------------


def test_repository_and_pins_come_from_the_config_and_requirements():
    url, branch = colab_setup.repository()
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert (url, branch) == (config["repository"]["url"], config["repository"]["branch"])
    requirements = (REPO / "requirements.txt").read_text()
    assert all(pin in requirements for pin in colab_setup.pins())


def chapter_without_colab_cell(path):
    """A copy of a real chapter, with its Colab setup cell taken out (every chapter has one)."""
    nb = nbformat.read(CHAPTER, as_version=4)
    nb.cells = [cell for cell in nb.cells if not colab_setup._is_setup_cell(cell)]
    nbformat.write(nb, path)


def test_setup_cell_is_inserted_before_the_first_code_cell_once(tmp_path):
    path = tmp_path / "chapter.ipynb"
    chapter_without_colab_cell(path)
    nb = nbformat.read(path, as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert colab_setup.status(nb, URL, BRANCH, PINS) == "no Colab setup cell"
    assert colab_setup.apply(nb, URL, BRANCH, PINS) is True
    cell = nb.cells[first_code]
    assert cell.metadata["tags"] == ["remove-cell"] and cell.get("id") == "colab-setup"
    assert colab_setup.status(nb, URL, BRANCH, PINS) is None
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}  # nbclient's timing
    assert colab_setup.status(nb, URL, BRANCH, PINS) is None
    assert colab_setup.apply(nb, URL, BRANCH, PINS) is False
    nbformat.validate(nb)
    nbformat.write(nb, path)
    before = path.read_bytes()
    again = nbformat.read(path, as_version=4)
    assert colab_setup.apply(again, URL, BRANCH, PINS) is False  # idempotent
    nbformat.write(again, path)
    assert path.read_bytes() == before


def test_setup_cell_follows_a_change_of_repository_and_drops_duplicates(tmp_path):
    nb = executed_notebook("x = 1")
    colab_setup.apply(nb, URL, BRANCH, PINS)
    nb.cells.append(nbformat.v4.new_code_cell(nb.cells[1].source, metadata=nb.cells[1].metadata))
    assert colab_setup.status(nb, URL, BRANCH, PINS) == "2 Colab setup cells"
    moved = "https://github.com/another/place"
    assert colab_setup.apply(nb, moved, BRANCH, PINS) is True
    assert colab_setup.status(nb, moved, BRANCH, PINS) is None
    assert sum(moved in cell.source for cell in nb.cells) == 1


def test_setup_cell_is_lint_clean(tmp_path):
    source = tmp_path / "cell.py"
    source.write_text(colab_setup.cell_source(URL, BRANCH, PINS) + "\n")
    ruff = Path(sys.executable).with_name("ruff")
    assert subprocess.run([ruff, "check", "--quiet", source], cwd=REPO).returncode == 0
    formatted = subprocess.run([ruff, "format", "--check", "--quiet", source], cwd=REPO)
    assert formatted.returncode == 0


def test_setup_cell_does_nothing_and_prints_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        exec(colab_setup.cell_source(URL, BRANCH, PINS), {})
    assert out.getvalue() == "" and calls == []


def test_setup_cell_on_colab_clones_installs_and_enables_widgets(monkeypatch, tmp_path):
    enabled = []
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: enabled.append(1))
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append(args))
    monkeypatch.setattr(sys, "path", list(sys.path))
    clone = str(tmp_path / "clone")
    exec(colab_setup.cell_source(URL, BRANCH, PINS).replace(colab_setup.CLONE_DIR, clone), {})
    git, pip = calls
    assert git[:2] == ["git", "clone"] and git[-2:] == [URL, clone] and BRANCH in git
    assert pip[:4] == [sys.executable, "-m", "pip", "install"] and pip[-2:] == PINS
    assert sys.path[0] == clone and enabled == [1]


def test_colab_check_command_reports_a_missing_cell(tmp_path):
    path = tmp_path / "chapter.ipynb"
    chapter_without_colab_cell(path)
    script = [sys.executable, str(REPO / "scripts" / "colab_setup.py")]
    missing = subprocess.run([*script, "--check", str(path)], capture_output=True, text=True)
    assert missing.returncode == 1 and "no Colab setup cell" in missing.stdout
    assert subprocess.run([*script, str(path)], capture_output=True).returncode == 0
    present = subprocess.run([*script, "--check", str(path)], capture_output=True, text=True)
    assert present.returncode == 0, present.stdout


# figure_text ---------------------------------------------------------------------------------


def figure_notebook() -> nbformat.NotebookNode:
    nb = executed_notebook(
        'fig, ax = plt.subplots()\nax.set_title("A parabola")\nplt.show()', "print('no figure')"
    )
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0K", "text/plain": "F"})
    ]
    nb.cells[1]["id"] = "fig1"
    return nb


def test_figures_without_text_are_listed_with_their_titles(tmp_path):
    path = write(figure_notebook(), tmp_path / "nb.ipynb")
    (line,) = figure_text.missing(path)
    assert "cell 1 (id fig1)" in line and "A parabola" in line


def test_apply_sets_alt_and_caption_idempotently(tmp_path, monkeypatch):
    write(figure_notebook(), tmp_path / "nb.ipynb")
    mapping = tmp_path / "figures.yml"
    mapping.write_text(
        "nb.ipynb:\n  fig1:\n    alt: A parabola opening upwards.\n"
        "    caption: >\n      The loss after one step,\n      a parabola.\n"
    )
    monkeypatch.chdir(tmp_path)
    assert figure_text.main(["apply", str(mapping)]) == 0
    cell = nbformat.read(tmp_path / "nb.ipynb", as_version=4).cells[1]
    assert cell.metadata["mystnb"] == {
        "image": {"alt": "A parabola opening upwards."},
        "figure": {"caption": "The loss after one step, a parabola."},
    }
    assert figure_text.missing(tmp_path / "nb.ipynb") == []
    assert figure_text.apply(mapping, tmp_path) == []  # nothing left to change
    mapping.write_text("nb.ipynb:\n  nope:\n    alt: x\n")
    with pytest.raises(SystemExit, match="no figure cell with id 'nope'"):
        figure_text.apply(mapping, tmp_path)


def test_a_caption_alone_is_enough():
    nb = figure_notebook()
    figure_text.set_text(nb.cells[1], {"caption": "Shown under the figure."})
    assert figure_text.text_of(nb.cells[1]) == {"caption": "Shown under the figure."}
    with pytest.raises(ValueError, match="unknown field"):
        figure_text.set_text(nb.cells[1], {"title": "x"})
