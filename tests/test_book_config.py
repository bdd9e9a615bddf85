"""The book's configuration for readers and maintainers, checked without building it.

Launch buttons and the repository URL (one place), the locked environment and Binder's copy of
it, the Colab setup cell and alt text in every notebook, no page but chapter 7 reading chapter 7's
test images, and the API reference covering the whole public API. What `make`, CI and pre-commit
run: test_makefile.py.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re

import yaml
from book_scripts import CONFIG, NOTEBOOKS, REPO, dry_run, load_script

import course
import scratchnn

# Not part of the API: the chapters' exercises (their solutions would be shown), and the install
# check, a command (`python -m course.check_install`, README) rather than something to call.
NOT_IN_REFERENCE = ("course.exercises", "course.check_install")


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


# The locked environment ---------------------------------------------------------------


# Where `make`, CI and Binder run: Linux x86-64, CPython 3.11 (the newest patch release).
LINUX_311 = {
    "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
    "platform_machine": "x86_64", "python_version": "3.11", "python_full_version": "3.11.99",
    "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
}  # fmt: skip


def lock_entries(environment: dict[str, str] = LINUX_311) -> dict[str, tuple[str, list[str]]]:
    """requirements.lock as {name: (version, [hashes])}, for the lines whose environment marker
    holds in ``environment`` (the lock covers three platforms)."""
    from packaging.markers import Marker

    entries, name = {}, None
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line):
            marker = match.group(3)
            if marker and not Marker(marker).evaluate(environment):
                name = None  # another platform's line: skip its hashes
                continue
            name = match.group(1).lower().replace("_", "-")
            assert name not in entries, f"two lines for {name} on {environment['sys_platform']}"
            entries[name] = (match.group(2), [])
        elif (match := re.match(r"^\s+--hash=sha256:([0-9a-f]{64})", line)) and name:
            entries[name][1].append(match.group(1))
    return entries


def direct_pins() -> dict[str, str]:
    text = (REPO / "requirements.txt").read_text()
    pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+)", text, re.M)
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_the_lock_holds_every_direct_pin_and_hashes_every_package():
    locked = lock_entries()
    assert len(locked) > len(direct_pins())  # what the pins pull in is locked too
    stale = {
        name: (version, locked.get(name, ("missing",))[0])
        for name, version in direct_pins().items()
        # torch==2.13.0 resolves to the CPU build, 2.13.0+cpu
        if name not in locked or locked[name][0].split("+")[0] != version
    }
    assert not stale, f"requirements.lock is behind requirements.txt {stale}: run `make lock`"
    unhashed = sorted(name for name, (_, hashes) in locked.items() if not hashes)
    assert not unhashed, unhashed
    assert locked["torch"][0] == "2.13.0+cpu"  # never the multi-GB CUDA build
    for system, platform in (("darwin", "Darwin"), ("win32", "Windows")):
        other = lock_entries({**LINUX_311, "sys_platform": system, "platform_system": platform})
        assert other["torch"][0] == "2.13.0" and other["torch"][1]  # PyPI's: a CPU build there
        assert not [name for name in other if name.startswith("nvidia")]


def test_the_theme_is_the_one_without_a_second_search_bar():
    # sphinx-book-theme 1.2+ (pydata-sphinx-theme 0.16+) adds a search field in an empty band
    # above every page; tests/browser/test_accessibility.py counts the fields on every page.
    locked = lock_entries()
    assert locked["sphinx-book-theme"][0] == "1.1.4"
    assert locked["pydata-sphinx-theme"][0] == "0.15.4"


def test_the_lock_python_is_binders_and_makes():
    # The lock's '# python:' line: the Pythons it covers on each platform; make reads it.
    covered = re.search(r"^# python: (.+)$", (REPO / "requirements.lock").read_text(), re.M)
    assert covered and "linux 3.11" in covered.group(1), "run `make lock`"
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert re.search(r"^PYTHON \?= python3\.11$", (REPO / "Makefile").read_text(), re.M)
    install = dry_run("-B", "install")
    checked = next(i for i, line in enumerate(install) if "scripts/install_options.py" in line)
    assert "pip install" in install[checked]  # its options go to the install of the lock


def test_binder_installs_the_locked_versions_torch_cpu_and_scratchnn():
    binder_lock = load_script("binder_lock")
    text = (REPO / "binder" / "requirements.txt").read_text()
    assert text == binder_lock.render((REPO / "requirements.lock").read_text()), (
        "binder/requirements.txt is not requirements.lock's copy: run `make lock`"
    )
    from packaging.requirements import Requirement

    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert "-e .[book]" in lines  # relative to pip's working directory: the root; with its extra
    # Binder runs Linux: what pip installs there is what `make` installs here.
    pins = {}
    for line in lines:
        if "==" in line:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(LINUX_311):
                pins[requirement.name.lower()] = str(requirement.specifier).removeprefix("==")
    assert {name: version for name, (version, _) in lock_entries().items()} == pins


def test_make_lock_refreshes_the_lock_and_binders_copy_from_the_direct_pins():
    commands = dry_run("-o", ".venv/.installed", "lock")  # -o: as if installed
    assert "scripts/lock.py write" in commands[-2]  # tests/test_lock.py: what it resolves
    assert "scripts/binder_lock.py" in commands[-1]


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


# A progress bar shows how fast this machine ran the cell ("324.84it/s"): the book stores none. tqdm
# leaves one of three traces: a text bar, a widget view, or a progress model in the widget state.
PROGRESS_TEXT = re.compile(r"\d+(\.\d+)?(it/s|s/it)|\d+/\d+ \[\d")
PROGRESS_MODELS = {"FloatProgressModel", "IntProgressModel"}


def progress_bars(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts += [str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
            if any(PROGRESS_TEXT.search(text) or "█" in text for text in texts):
                found.append(f"cell {index}: a progress bar in a text output")
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model_id, model in state.get("state", {}).items():
        if model.get("model_name") in PROGRESS_MODELS:
            found.append(f"widget {model_id}: a {model['model_name']} in the widget state")
    return found


def test_no_stored_output_holds_a_progress_bar():
    import nbformat

    found = [
        f"{path.relative_to(REPO).as_posix()}, {problem}"
        for path in NOTEBOOKS
        for problem in progress_bars(nbformat.read(path, as_version=4))
    ]
    assert not found, "\n".join([*found, "re-execute with `make execute` (TQDM_DISABLE=1)"])


def test_the_progress_bar_check_sees_each_kind_of_bar():
    import nbformat

    nb = nbformat.v4.new_notebook()
    bar = "epochs: 100%|████| 200/200 [00:00<00:00, 324.84it/s]"
    nb.cells = [
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text=bar)]),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="loss 0.5\n")]),
    ]
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"m1": {"model_name": "FloatProgressModel", "state": {}}}
        }
    }
    assert len(progress_bars(nb)) == 2


# Figures -------------------------------------------------------------------------------


def test_every_figure_has_alt_text_or_a_caption():
    figures = load_script("figure_text")
    missing = [line for path in NOTEBOOKS for line in figures.missing(path)]
    assert not missing, "\n".join(
        [*missing, "set them with: python scripts/figure_text.py apply figures.yml"]
    )


# The digits' test set -------------------------------------------------------------------

# Chapter 7 reads the test part of its split of the digits once, at its end. No other page may
# read any of those images, through that split's other parts or through another split.
TEST_READER = "chapters/07_digits.ipynb"
PARTS = {"train", "val", "test"}


def is_parameter(node: ast.AST, name: str, parent: dict[ast.AST, ast.AST]) -> bool:
    """Whether ``name``, where ``node`` reads it, is a parameter of a function around it."""
    while node in parent:
        node = parent[node]
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            a = node.args
            if name in {
                p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if p
            }:
                return True
    return False


def digits_reads(source: str) -> list[tuple[int, set[str]]]:
    """Each ``digits_dataset(generator=torch.Generator().manual_seed(SEED))`` in ``source``: SEED
    (a number, or a name assigned one) and the parts the code reads from the result; all three where
    it is used other than indexed by a part's name (``digits[key]``, ``digits.items()``)."""
    tree = ast.parse(source)
    parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    numbers = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = [(target, value)]
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                pairs = zip(target.elts, value.elts, strict=False)
            numbers |= {
                t.id: v.value
                for t, v in pairs
                if isinstance(t, ast.Name) and isinstance(v, ast.Constant)
            }
    reads = []
    for call in ast.walk(tree):
        func = getattr(call, "func", None)
        if getattr(func, "id", getattr(func, "attr", None)) != "digits_dataset":
            continue
        (generator,) = [k.value for k in call.keywords if k.arg == "generator"]
        (seed,) = generator.args  # the seed of torch.Generator().manual_seed(seed)
        seed = numbers[seed.id] if isinstance(seed, ast.Name) else seed.value
        uses = [parent[call]]
        if isinstance(parent[call], ast.Assign):  # digits = digits_dataset(...): each use of digits
            name = parent[call].targets[0].id
            uses = [
                parent[n]
                for n in ast.walk(tree)
                if isinstance(n, ast.Name)
                and n.id == name
                and isinstance(n.ctx, ast.Load)
                and not is_parameter(n, name, parent)
            ]
        parts = set()
        for use in uses:
            key = getattr(use, "slice", None) if isinstance(use, ast.Subscript) else None
            parts |= {key.value} if getattr(key, "value", None) in PARTS else PARTS
        reads.append((seed, parts))
    return reads


def test_digits_reads_finds_the_seed_and_the_parts():
    source = "S, T = 3, 4\nd = digits_dataset(generator=torch.Generator().manual_seed(S))\n"
    assert digits_reads(source + 'x, y = d["train"]\nv = d["val"]') == [(3, {"train", "val"})]
    assert digits_reads(source + "for k, v in d.items(): pass") == [(3, PARTS)]
    assert digits_reads(source + 'x = d["val"]\ndef f(d): return d.items()') == [(3, {"val"})]
    assert digits_reads('x = data.digits_dataset(generator=G().manual_seed(0))["test"]') == [
        (0, {"test"})
    ]


def test_no_page_reads_chapter_7s_test_images():
    import functools

    import nbformat
    import torch

    from scratchnn.data import digits_dataset

    @functools.cache
    def images(seed: int, part: str) -> frozenset[tuple[float, ...]]:
        x = digits_dataset(generator=torch.Generator().manual_seed(seed))[part][0]
        rows = frozenset(tuple(row.tolist()) for row in x)
        assert len(rows) == len(x)  # no image occurs twice in the digits: a row names an image
        return rows

    sources = {
        path.relative_to(REPO).as_posix(): "\n".join(
            cell.source
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"
        )
        for path in NOTEBOOKS
    }
    sources |= {p.relative_to(REPO).as_posix(): p.read_text() for p in REPO.glob("course/**/*.py")}
    reads = {name: found for name, source in sources.items() if (found := digits_reads(source))}
    ((seed, parts),) = reads.pop(TEST_READER)
    assert "test" in parts
    test_images = images(seed, "test")
    overlaps = [
        f"{name} reads {len(images(s, part) & test_images)} of chapter 7's {len(test_images)} "
        f"test images: the {part!r} part of split {s} (chapter 7's is split {seed})"
        for name, found in reads.items()
        for s, read in found
        for part in sorted(read)
        if images(s, part) & test_images
    ]
    assert not overlaps, "\n".join(overlaps)
    # The scan sees the pages that train on the digits.
    chapters = ["02_activations", "04_losses", "05_optimizers", "06_batchnorm"]
    assert {f"chapters/{name}.ipynb" for name in chapters} <= reads.keys(), reads.keys()


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
        path = target if target.startswith(("scratchnn.", "course.")) else f"scratchnn.{target}"
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
    for name, folder in sphinx.get("local_extensions", {}).items():
        assert (REPO / folder / f"{name}.py").is_file()
