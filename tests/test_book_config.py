"""The book's configuration for readers and maintainers, checked without building it.

Launch buttons and the repository URL (one place), Binder's files, the Colab setup cell and alt
text in every notebook, the API reference covering the whole public API, the Makefile's checks,
the pre-commit pin, and the commands CONTRIBUTING.md tells a contributor to run.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import course
import scratchnn

REPO = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
NOTEBOOKS = [*sorted((REPO / "chapters").glob("*.ipynb")), REPO / "reproducibility.ipynb"]
# Not part of the API: the chapters' exercises (their solutions would be shown).
NOT_IN_REFERENCE = ("course.exercises",)


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"script_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirement_pin(name: str) -> str:
    match = re.search(rf"^{re.escape(name)}==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert match, f"requirements.txt does not pin {name}"
    return match.group(1)


# Launch buttons, one repository URL ------------------------------------------------------


def test_repository_url_is_set_once():
    repo = CONFIG["repository"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo["url"]), repo["url"]
    assert repo["branch"]
    text = (REPO / "_config.yml").read_text()
    assert text.count("github.com/") == 1, "the repository URL must appear once in _config.yml"


def test_launch_buttons_binder_and_colab_without_thebe():
    buttons = CONFIG["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert buttons.get("thebe") is False  # thebe would load its JavaScript from a CDN
    assert "use_thebe" not in str(CONFIG.get("sphinx", {}))
    html = CONFIG.get("html", {})
    assert html.get("use_download_button", True) is not False  # the .ipynb download


def test_readme_tells_a_fork_how_to_repoint_the_buttons():
    readme = (REPO / "README.md").read_text()
    assert CONFIG["repository"]["url"] in readme
    assert "scripts/colab_setup.py" in readme and "_config.yml" in readme


def test_binder_installs_the_pins_and_scratchnn():
    lines = [
        line.split("#", 1)[0].strip()
        for line in (REPO / "binder" / "requirements.txt").read_text().splitlines()
    ]
    lines = [line for line in lines if line]
    assert "-r ../requirements.txt" in lines  # relative to binder/: the root's pins
    assert (REPO / "binder" / "../requirements.txt").resolve() == REPO / "requirements.txt"
    assert "-e .[book]" in lines  # relative to pip's working directory: the root; with its extra
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    minimum = re.search(r'requires-python = ">=3\.(\d+)"', (REPO / "pyproject.toml").read_text())
    assert int(runtime.split(".")[1]) >= int(minimum.group(1))


def test_every_notebook_has_an_up_to_date_colab_cell():
    colab = load_script("colab_setup")
    url, branch = colab.repository()
    pins = colab.pins()
    import nbformat

    problems = {}
    for path in NOTEBOOKS:
        problem = colab.status(nbformat.read(path, as_version=4), url, branch, pins)
        if problem:
            problems[path.relative_to(REPO).as_posix()] = problem
    assert not problems, (
        f"{problems}: run `python scripts/colab_setup.py chapters/*.ipynb reproducibility.ipynb`"
        ", then `make execute`"
    )


# Figures -------------------------------------------------------------------------------


def test_every_figure_has_alt_text_or_a_caption():
    figures = load_script("figure_text")
    missing = [line for path in NOTEBOOKS for line in figures.missing(path)]
    assert not missing, "\n".join(
        [*missing, "set them with: python scripts/figure_text.py apply figures.yml"]
    )


# API reference -------------------------------------------------------------------------


def public_modules() -> list[str]:
    """scratchnn, course and their modules, less private ones (``_name``) and NOT_IN_REFERENCE.

    A subpackage with an ``__all__`` (``scratchnn.optim``, ``course.explorers``) declares its
    public API there; its modules' other names are implementation (``optim.optimizer.check_lr``).
    """
    public = ["scratchnn"]
    for root in (scratchnn, course):
        for info in pkgutil.walk_packages(root.__path__, f"{root.__name__}."):
            name = info.name
            parent, _, short = name.rpartition(".")
            if name.startswith(NOT_IN_REFERENCE) or any(p.startswith("_") for p in name.split(".")):
                continue
            package = importlib.import_module(parent)
            if parent != root.__name__ and short not in getattr(package, "__all__", [short]):
                continue
            public.append(name)
    return public


def public_members(module) -> dict[str, object]:
    """A module's public classes and functions: its __all__, or those it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
        ]
    members = {name: getattr(module, name) for name in names}
    return {
        f"{module.__name__}.{name}": value
        for name, value in members.items()
        if inspect.isclass(value) or inspect.isfunction(value)
    }


def public_api() -> dict[str, object]:
    api = {}
    for name in public_modules():
        api.update(public_members(importlib.import_module(name)))
    return api


def documented_objects() -> set[int]:
    """ids of the objects reference.md documents, by directive."""
    text = (REPO / "reference.md").read_text()
    documented = set()
    for kind, target in re.findall(
        r"^\.\. (autoclass|autofunction|automodule|py:data):: (\S+)", text, re.M
    ):
        path = target if target.startswith("scratchnn") else f"scratchnn.{target}"
        if kind == "automodule":
            members = public_members(importlib.import_module(path))
            documented |= {id(value) for value in members.values()}
        elif kind != "py:data":
            module_name, _, attr = path.rpartition(".")
            documented.add(id(getattr(importlib.import_module(module_name), attr)))
    return documented


def test_reference_documents_every_public_class_and_function():
    documented = documented_objects()
    missing = sorted(name for name, value in public_api().items() if id(value) not in documented)
    assert not missing, (
        f"not in reference.md: {missing}: add an autoclass/autofunction (or an automodule for a "
        "new module) in the section where it belongs"
    )


def test_reference_and_reproducibility_pages_are_in_the_toc():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "reference" in files and "reproducibility" in files


def test_sphinx_extensions_for_the_reference():
    sphinx = CONFIG["sphinx"]
    assert {"sphinx.ext.autodoc", "sphinx.ext.napoleon"} <= set(sphinx["extra_extensions"])
    for name, folder in sphinx["local_extensions"].items():
        assert (REPO / folder / f"{name}.py").is_file()


# Maintainers: Makefile, CI, pre-commit, CONTRIBUTING --------------------------------------


def makefile() -> str:
    return (REPO / "Makefile").read_text()


def dry_run(*targets: str) -> list[str]:
    """The commands ``make`` would run for ``targets`` (``make -n``: nothing is executed)."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", *targets],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_nbval_and_execute_see_every_notebook_including_the_root_pages():
    expected = {path.relative_to(REPO).as_posix() for path in NOTEBOOKS}
    for script in ("numeric_paths.py ci", "execute_notebooks.py"):
        (line,) = [line for line in dry_run("nbval", "execute") if script in line]
        assert set(line.split()) >= expected, (script, expected - set(line.split()))


def test_make_book_fails_fast_on_stale_outputs_errors_and_broken_links():
    book = makefile().split("\nbook:", 1)[1].split("\n\n", 1)[0]
    steps = [line.strip() for line in book.splitlines() if line.startswith("\t")]
    stale = next(i for i, s in enumerate(steps) if "check_notebooks.py $(NOTEBOOKS)" in s)
    build = next(i for i, s in enumerate(steps) if s.startswith("$(VENV)/bin/jupyter-book build"))
    links = next(i for i, s in enumerate(steps) if "check_links.py _build/html" in s)
    assert stale < build < links
    assert "--warningiserror" in steps[build]


def test_make_test_times_each_stage_and_ci_runs_it():
    text = makefile()
    stages = re.search(r"^STAGES := (.+)$", text, re.M).group(1).split()
    assert stages == ["install", "lint", "unit", "nbval", "book", "browser"]
    assert "== stage times" in text
    ci = (REPO / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci and re.search(r"^make test$", ci, re.M)


def test_pre_commit_runs_the_pinned_ruff_and_keeps_outputs():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"].endswith("/ruff-pre-commit")
    assert repo["rev"] == f"v{requirement_pin('ruff')}"
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format"}
    assert all("jupyter" in hook["types_or"] for hook in hooks.values())
    assert "nbstripout" not in (REPO / ".pre-commit-config.yaml").read_text().split("#")[0]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", makefile(), re.M))


@pytest.mark.parametrize("doc", ["CONTRIBUTING.md", "README.md"])
def test_the_commands_a_contributor_is_given_exist(doc):
    text = (REPO / doc).read_text()
    targets = set(re.findall(r"\bmake ([a-z][\w-]*)", text))
    assert targets, doc
    assert targets <= make_targets(), f"{doc} names make targets that do not exist"
    paths = set(re.findall(r"\b((?:scripts|chapters|tests|scratchnn|binder)/[\w./-]+\.\w+)", text))
    placeholder = re.compile(r"\*|NAME|NN_")  # chapters/NN_name.ipynb, explorers/NAME.py
    missing = sorted(p for p in paths if not placeholder.search(p) and not (REPO / p).exists())
    assert not missing, f"{doc} names files that do not exist: {missing}"
