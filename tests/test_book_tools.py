"""The book's maintenance scripts and checks: the build's reference and link checks, the Colab
setup cell, figure alt text, and the docstring fallback of the API reference. The notebooks'
stored outputs (scripts/notebooks.py): test_notebooks_tool.py."""

from __future__ import annotations

import contextlib
import io
import shlex
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml
from book_scripts import (
    BRANCH,
    CHAPTER,
    PINS,
    REPO,
    URL,
    colab_setup,
    executed_notebook,
    load_script,
    write,
)

figure_text = load_script("figure_text")


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
