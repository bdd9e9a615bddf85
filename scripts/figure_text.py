"""Alt text and captions for the book's figures: list what is missing, check, or set from a file.

    python scripts/figure_text.py list  chapters/*.ipynb     every figure cell, what it has, and
                                                            the plot's title(s) to start from
    python scripts/figure_text.py check chapters/*.ipynb     exit 1 if a figure has neither
    python scripts/figure_text.py apply figures.yml          set them from a mapping (idempotent)

A figure is a code cell with an image output (matplotlib's PNG). myst-nb reads two keys of the
cell's metadata (https://myst-nb.readthedocs.io, "Images and figures")::

    "mystnb": {
      "image": {"alt": "what the figure shows, for a reader who cannot see it"},
      "figure": {"caption": "a caption shown under it", "name": "a-label-for-{numref}"}
    }

``image.alt`` becomes the ``alt`` attribute of the ``<img>``; ``figure`` wraps the output in a
numbered figure with a visible caption. Every figure needs at least one of the two (alt text is
what a screen reader reads; a caption is read too and helps every reader).

The mapping file for ``apply`` is YAML, keyed by notebook path, then by cell id (the ``id`` that
``list`` prints; ids survive edits to the cell), each with ``alt`` and/or ``caption`` (and
optionally ``name``)::

    chapters/01_linear_layer.ipynb:
      de929f98:
        alt: Time of forward and backward against B·M·N, on log axes; the points lie on lines.
        caption: Forward and backward time grow in proportion to B·M·N.

Only metadata changes, never a code cell, so the stored outputs stay current
(``scripts/notebooks.py check``); the book must be rebuilt to show the new text.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import nbformat
import yaml

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
FIELDS = {"alt": ("image", "alt"), "caption": ("figure", "caption"), "name": ("figure", "name")}


def figure_cells(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    """(index, cell) for every code cell with an image among its stored outputs."""
    return [
        (index, cell)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and any(
            key in IMAGE_TYPES for out in cell.get("outputs", []) for key in out.get("data", {})
        )
    ]


def text_of(cell: nbformat.NotebookNode) -> dict[str, str]:
    """The cell's alt text, caption and name, those that are set and not blank."""
    meta = cell.metadata.get("mystnb", {})
    found = {}
    for field, (group, key) in FIELDS.items():
        value = (meta.get(group) or {}).get(key)
        if isinstance(value, str) and value.strip():
            found[field] = value.strip()
    return found


def missing(path: Path) -> list[str]:
    """``"path: cell N (id …): …"`` for each figure with neither alt text nor a caption."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for index, cell in figure_cells(nb):
        have = text_of(cell)
        if "alt" not in have and "caption" not in have:
            titles = "; ".join(plot_titles(cell.source)) or "no title found"
            found.append(
                f"{path}: cell {index} (id {cell.get('id', '?')}) has a figure without alt text "
                f"or caption (plot titles: {titles})"
            )
    return found


def plot_titles(source: str) -> list[str]:
    """String literals passed to set_title / title / suptitle in the cell: hints for alt text."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics
        return []
    titles = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("set_title", "title", "suptitle")
            and node.args
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                titles.append(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                titles.append(ast.unparse(arg))
    return titles


def set_text(cell: nbformat.NotebookNode, values: dict[str, str]) -> bool:
    """Set alt/caption/name on ``cell``'s metadata; True if anything changed."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}: use {sorted(FIELDS)}")
    meta = cell.metadata.setdefault("mystnb", {})
    changed = False
    for field, value in values.items():
        group, key = FIELDS[field]
        text = " ".join(str(value).split())  # one line: YAML folding and stray newlines removed
        if meta.setdefault(group, {}).get(key) != text:
            meta[group][key] = text
            changed = True
    return changed


def apply(mapping_path: Path, root: Path) -> list[str]:
    """Apply a mapping file; returns one line per notebook written. Unknown ids are errors."""
    mapping = yaml.safe_load(mapping_path.read_text()) or {}
    written, errors = [], []
    for notebook, cells in mapping.items():
        path = root / notebook
        nb = nbformat.read(path, as_version=4)
        by_id = {cell.get("id"): cell for _, cell in figure_cells(nb)}
        changed = False
        for cell_id, values in (cells or {}).items():
            cell = by_id.get(str(cell_id))
            if cell is None:
                errors.append(f"{notebook}: no figure cell with id {cell_id!r}")
                continue
            changed |= set_text(cell, values or {})
        if changed:
            nbformat.write(nb, path)
            written.append(f"{notebook}: figure text written")
    if errors:
        raise SystemExit("figure_text: " + "; ".join(errors))
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "check"):
        sub.add_parser(name).add_argument("notebooks", nargs="+", type=Path)
    sub.add_parser("apply").add_argument("mapping", type=Path)
    args = parser.parse_args(argv)
    if args.command == "apply":
        for line in apply(args.mapping, Path.cwd()):
            print(line)
        return 0
    if args.command == "check":
        found = [line for path in args.notebooks for line in missing(path)]
        for line in found:
            print(line)
        return 1 if found else 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        for index, cell in figure_cells(nb):
            have = text_of(cell)
            titles = "; ".join(plot_titles(cell.source)) or "-"
            status = ", ".join(f"{k}: {v!r}" for k, v in have.items()) or "MISSING alt and caption"
            print(f"{path}\tcell {index}\tid {cell.get('id', '?')}\t{status}\ttitles: {titles}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
