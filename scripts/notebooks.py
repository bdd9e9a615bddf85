"""The notebooks' stored outputs: execute them, or check that they can still be trusted.

    python scripts/notebooks.py execute [--all] NOTEBOOK...   (make execute; ALL=1 for --all)
    python scripts/notebooks.py check NOTEBOOK...             (make book)

The book shows the outputs stored in the notebooks (execution is off in _config.yml), so they are
trustworthy only if they came from the notebook's current code and the current sources it used.

``execute`` brings each notebook up to date, doing no more than the change needs:

- a notebook whose code cells, or one of the files it used, changed is re-run in place with one
  thread (like the first of nbval's two passes) and ``TQDM_DISABLE=1`` (no progress bar in a stored
  output); its outputs and widget state are stored (the explorers stay live in the static book);
- a notebook where only an explorer's JavaScript or CSS changed is *refreshed*: the stored widget
  code is replaced by the current files, with no re-execution (the view's code cannot change an
  output);
- a current notebook is left alone, byte for byte (``--all`` re-runs every one).

While a notebook runs, its kernel records every file of the repository it imports or opens (an
audit hook, installed by an IPython startup file). The notebook's metadata stores a hash of its
code cells and one hash per file it used, so a change to ``course/explorers/training.py`` stales
the chapter that shows the training explorer and no other. Nothing that changes from run to run
is stored: no execution timestamps; widget model ids derived from the cell and the position
where the widget appears instead of random ones; and the outputs of cells tagged
``nbval-ignore-output`` (timings, this CPU's rounding noise: they differ from run to run by
design) are kept as stored while the cell's source is unchanged (``--fresh`` retakes them). So
re-executing an unchanged notebook rewrites no byte, and a diff shows only what changed (printed
text is stored as one output per run of prints, however the kernel happened to split it).

``check`` recomputes the hashes and fails with "stored outputs are stale: run `make execute`"
(naming what changed) when any differs; it also fails on a stored error output (a cell that
raised, unless tagged ``raises-exception``) and on a code cell never executed. It takes a second
for the whole book, so ``make book`` alone refuses stale pages; the full check is nbval in
``make test``, which re-executes every notebook and compares every printed output.

The code hash leaves out the Colab setup cell (the first code cell, tagged ``remove-cell``, that
starts with "# On Google Colab only"): it does nothing outside Colab, and a fork that repoints it
at itself (scripts/colab_setup.py) must not stale every notebook.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
METADATA_KEY = "scratchnn"
REEXECUTE = "run `make execute`"
COLAB_CELL_START = "# On Google Colab only"
# Files a kernel may open under the repository that are not sources of its outputs.
NOT_SOURCES = {".venv", "node_modules", "_build", ".git", "__pycache__", ".ipynb_checkpoints"}
# A change to these alone changes how an explorer draws, never what a cell computes.
VIEW_SUFFIXES = (".js", ".css")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IGNORED = "nbval-ignore-output"


def _digest(chunks) -> str:
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(len(chunk).to_bytes(8, "little"))  # length-prefixed: no two inputs collide
        sha.update(chunk)
    return "sha256:" + sha.hexdigest()


def _text(data: bytes | str) -> bytes:
    """Bytes with \\n line ends, so a checkout with CRLF line ends hashes the same."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return raw.replace(b"\r\n", b"\n")


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def is_colab_cell(nb: nbformat.NotebookNode, cell) -> bool:
    """Whether ``cell`` is ``nb``'s Colab setup cell: its first code cell, tagged remove-cell,
    starting with "# On Google Colab only"."""
    code = _code_cells(nb)
    return (
        bool(code)
        and cell is code[0]
        and "remove-cell" in cell.metadata.get("tags", [])
        and cell.source.startswith(COLAB_CELL_START)
    )


def code_hash(nb: nbformat.NotebookNode) -> str:
    """A hash of the notebook's code cells' sources, in order, less the Colab setup cell
    (Markdown cells and metadata do not count)."""
    return _digest(_text(c.source) for c in _code_cells(nb) if not is_colab_cell(nb, c))


def file_hash(path: Path) -> str:
    """A short hash of one file's bytes (line ends folded), or "missing"."""
    if not path.is_file():
        return "missing"
    return _digest([_text(path.read_bytes())])[:23]  # "sha256:" and 16 hex digits


def source_hashes(names, root: Path = ROOT) -> dict[str, str]:
    """{path relative to ``root``: file_hash} for the files a notebook used."""
    return {name: file_hash(root / name) for name in sorted(names)}


def record_source_hash(nb: nbformat.NotebookNode, used=(), root: Path = ROOT) -> None:
    """Store the code hash and one hash per file in ``used`` (paths relative to ``root``) in
    ``nb.metadata["scratchnn"]``: call it right after executing ``nb``."""
    nb.metadata[METADATA_KEY] = {"code_hash": code_hash(nb), "sources": source_hashes(used, root)}


def changed_sources(nb: nbformat.NotebookNode, root: Path = ROOT) -> list[str]:
    """The files ``nb`` used whose contents changed (or vanished) since it was executed."""
    recorded = nb.metadata.get(METADATA_KEY, {}).get("sources", {})
    return [name for name, digest in recorded.items() if file_hash(root / name) != digest]


def only_views_changed(nb: nbformat.NotebookNode, root: Path = ROOT) -> bool:
    """True when ``nb``'s code is current and only explorers' JavaScript or CSS changed: the
    stored widget code can be refreshed without re-executing."""
    recorded = nb.metadata.get(METADATA_KEY, {})
    changed = changed_sources(nb, root)
    return (
        "sources" in recorded
        and recorded.get("code_hash") == code_hash(nb)
        and bool(changed)
        and all(name.endswith(VIEW_SUFFIXES) and (root / name).is_file() for name in changed)
    )


def problems(path: Path, *, root: Path = ROOT) -> list[str]:
    """Every reason not to trust ``path``'s stored outputs, as messages naming the notebook."""
    nb = nbformat.read(path, as_version=4)
    name = _display_name(path)
    found = []
    recorded = nb.metadata.get(METADATA_KEY, {})
    if "code_hash" not in recorded or "sources" not in recorded:
        found.append(
            f"{name}: stored outputs are stale: {REEXECUTE} (the notebook has no source hash: it "
            "was not executed by `scripts/notebooks.py execute`)"
        )
    else:
        changed = changed_sources(nb, root)
        if only_views_changed(nb, root):
            found.append(
                f"{name}: stored widget code is stale: {REEXECUTE}, which refreshes it without "
                f"re-executing ({', '.join(changed)} changed since it was stored)"
            )
        elif recorded["code_hash"] != code_hash(nb) or changed:
            what = (["its code cells"] if recorded["code_hash"] != code_hash(nb) else []) + changed
            found.append(
                f"{name}: stored outputs are stale: {REEXECUTE} "
                f"({', '.join(what)} changed since it was executed)"
            )
    never_run = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        expected_error = "raises-exception" in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not expected_error:
                error = f"{output.get('ename', '?')}: {output.get('evalue', '')}"
                found.append(
                    f"{name}: cell {index} stored an error, {error}: fix it and {REEXECUTE}"
                )
        if cell.source.strip() and cell.get("execution_count") is None:
            never_run.append(str(index))
    if never_run:
        cells = ", ".join(never_run[:5]) + (", …" if len(never_run) > 5 else "")
        found.append(
            f"{name}: {len(never_run)} code cell(s) never executed (cells {cells}): {REEXECUTE}"
        )
    return found


def _display_name(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# The kernel's side of the bookkeeping: an IPython startup file records every file the notebook
# opens (an audit hook sees open() calls, including an explorer reading its JavaScript), and a last
# cell, run after the notebook's own and then removed, prints those files and every module loaded.
TRACKER_STARTUP = """
import os as _os, sys as _sys
__notebook_opened__ = set()
def _notebook_audit(event, args, _opened=__notebook_opened__):
    if event == "open" and isinstance(args[0], (str, bytes, _os.PathLike)):
        _opened.add(_os.fsdecode(_os.path.abspath(args[0])))
_sys.addaudithook(_notebook_audit)
"""
TRACKER_CELL = """
import json as _json, sys as _sys
_files = {getattr(m, "__file__", None) for m in list(_sys.modules.values())}
print(_json.dumps(sorted({f for f in _files | __notebook_opened__ if f})))
"""


def used_files(paths: list[str], notebook: Path, root: Path = ROOT) -> list[str]:
    """The repository's files among ``paths`` (absolute), relative to ``root``: sources, not the
    notebook itself, nor anything under .venv, node_modules, _build or a cache."""
    used = set()
    for raw in paths:
        path = Path(raw).resolve()
        if not path.is_relative_to(root) or path == notebook.resolve() or not path.is_file():
            continue
        relative = path.relative_to(root)
        if not NOT_SOURCES.intersection(relative.parts):
            used.add(relative.as_posix())
    return sorted(used)


def stable_widget_ids(nb: nbformat.NotebookNode) -> None:
    """Rename the widget models of ``nb`` (random uuids, new on every run) after where they are
    used: the n-th model reached from a cell's outputs gets a hash of (cell id, n); models no
    output shows (links between controls) get a hash of their own state. Same notebook, same ids."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return
    new: dict[str, str] = {}

    def refs(model_id: str) -> list[str]:
        text = json.dumps(state[model_id].get("state", {}), sort_keys=True)
        return [ref for ref in re.findall(r"IPY_MODEL_([0-9a-f]{32})", text) if ref in state]

    def visit(model_id: str, seed: str) -> None:
        if model_id in new or model_id not in state:
            return
        new[model_id] = hashlib.sha256(f"{seed}/{len(new)}".encode()).hexdigest()[:32]
        for ref in refs(model_id):
            visit(ref, seed)

    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"], cell.get("id", str(index)))
    rest = [model_id for model_id in state if model_id not in new]
    keys = {}
    for model_id in rest:
        text = json.dumps(state[model_id].get("state", {}), sort_keys=True)
        for old, renamed in new.items():
            text = text.replace(old, renamed)
        keys[model_id] = text
    for model_id in sorted(rest, key=lambda m: keys[m]):
        visit(model_id, "unshown:" + keys[model_id])
    text = json.dumps(nb)
    for old, renamed in new.items():
        text = text.replace(old, renamed)
    nb.update(nbformat.from_dict(json.loads(text)))


def merge_streams(nb: nbformat.NotebookNode) -> None:
    """Join each run of consecutive stream outputs of one name into one output: how a kernel
    splits printed text into messages depends on timing, and the page shows the same text."""
    for cell in _code_cells(nb):
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        cell.outputs = merged


def refresh_views(nb: nbformat.NotebookNode) -> int:
    """Replace the JavaScript and CSS stored in ``nb``'s widget state by what each explorer's
    class gives now; the number of models refreshed."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    refreshed = 0
    for model in state.values():
        fields = model.get("state", {})
        if "_anywidget_id" not in fields:
            continue
        module_name, _, class_name = fields["_anywidget_id"].rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        for key in ("_esm", "_css"):
            if key in fields and hasattr(cls, key):
                fields[key] = str(getattr(cls, key))
        refreshed += 1
    return refreshed


def _machine_dependent(nb: nbformat.NotebookNode) -> dict[str, object]:
    """{cell id: cell} for the cells whose outputs nbval ignores (timings, this CPU's rounding
    noise): they differ from run to run by design."""
    return {
        cell.id: cell
        for cell in _code_cells(nb)
        if IGNORED in cell.metadata.get("tags", []) and "id" in cell
    }


def _keep_machine_dependent(nb, before: dict, kept: dict) -> dict[str, str]:
    """Put back the stored outputs of machine-dependent cells whose source has not changed since
    they were taken (``kept``: {cell id: source hash}), so that re-executing a notebook changes
    only what its change changed; a cell whose stored output shows a widget is taken anew (its
    model is gone). Returns the source hashes to record."""
    hashes = {}
    for cell_id, cell in _machine_dependent(nb).items():
        digest = _digest([_text(cell.source)])[:23]
        old = before.get(cell_id)
        shows_widget = old is not None and any(
            WIDGET_VIEW in o.get("data", {}) for o in old["outputs"]
        )
        if old is not None and kept.get(cell_id) == digest and not shows_widget:
            cell.outputs = old["outputs"]
        hashes[cell_id] = digest
    return hashes


def execute(path: Path, root: Path = ROOT, fresh: bool = False) -> float:
    """Re-run ``path`` in place, storing outputs, widget state and the source hashes; seconds.
    Machine-dependent outputs of unchanged cells are kept unless ``fresh``."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    kept = {} if fresh else nb.metadata.get(METADATA_KEY, {}).get("machine_dependent", {})
    before = {key: copy.deepcopy(cell) for key, cell in _machine_dependent(nb).items()}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps of an earlier run
    nb.cells.append(nbformat.v4.new_code_cell(TRACKER_CELL))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as ipython_dir:
        startup = Path(ipython_dir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-track-files.py").write_text(TRACKER_STARTUP)
        os.environ["IPYTHONDIR"] = ipython_dir
        NotebookClient(
            nb,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            store_widget_state=True,  # lets the static HTML book show live widgets
            record_timing=False,  # no timestamps: the same notebook re-executes to the same bytes
        ).execute()
    os.environ.pop("IPYTHONDIR")
    tracker = nb.cells.pop()
    printed = "".join(o.get("text", "") for o in tracker.outputs if o.output_type == "stream")
    merge_streams(nb)
    machine_dependent = _keep_machine_dependent(nb, before, kept)
    stable_widget_ids(nb)
    record_source_hash(nb, used_files(json.loads(printed), path, root), root)
    nb.metadata[METADATA_KEY]["machine_dependent"] = machine_dependent
    nbformat.write(nb, path)
    return time.perf_counter() - start


def refresh(path: Path, root: Path = ROOT) -> int:
    """Store the current explorers' code in ``path`` and its files' new hashes, no execution."""
    nb = nbformat.read(path, as_version=4)
    count = refresh_views(nb)
    recorded = nb.metadata[METADATA_KEY]
    record_source_hash(nb, recorded["sources"], root)
    nb.metadata[METADATA_KEY]["machine_dependent"] = recorded.get("machine_dependent", {})
    nbformat.write(nb, path)
    return count


def run_execute(paths: list[Path], everything: bool = False, fresh: bool = False) -> int:
    os.environ["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "1")
    os.environ["MKL_NUM_THREADS"] = os.environ.get("MKL_NUM_THREADS", "1")
    os.environ["TQDM_DISABLE"] = "1"  # tqdm reads it: no bar in a stored output, ever
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not everything and only_views_changed(nb):
            print(f"{path}: widget code refreshed ({refresh(path)} models), not re-executed")
        elif everything or fresh or problems(path):
            print(f"{path}: executed in {execute(path, fresh=fresh):.1f} s", flush=True)
        else:
            print(f"{path}: current")
    return 0


def run_check(paths: list[Path]) -> int:
    found = [message for path in paths for message in problems(path)]
    for message in found:
        print(message, file=sys.stderr)
    if found:
        print(f"notebooks: {len(found)} problem(s) in {len(paths)} notebook(s)", file=sys.stderr)
        return 1
    print(f"notebooks: {len(paths)} notebook(s): outputs current, no errors")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    execute_command = commands.add_parser(
        "execute", help="bring notebooks up to date: re-run stale ones, refresh widget code"
    )
    execute_command.add_argument("--all", action="store_true", help="re-run every notebook")
    execute_command.add_argument(
        "--fresh", action="store_true", help="re-run and take machine-dependent outputs anew too"
    )
    check = commands.add_parser("check", help="fail on stale, never-run or error outputs")
    for command in (execute_command, check):
        command.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "execute":
        return run_execute(args.notebooks, everything=args.all, fresh=args.fresh)
    return run_check(args.notebooks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
