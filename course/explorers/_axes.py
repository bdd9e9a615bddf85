"""An explorer's contract between Python and JavaScript: the axes of its table of runs.

One declaration, ``Axes(Axis(...), ...)``, is the single source of:

- the controls: a row of toggle buttons for an axis of two or three values, a dropdown for more
  (described here, ``Axes.controls``; drawn by controls.js's ``makeControls``);
- the settings: every combination of the axes' values, in one row-major order;
- the flat run index: where a setting's run sits in ``payload["runs"]``;
- the ``axes`` block of the payload (each axis's name, label, texts and size), which the view's
  one function ``runIndex`` (view.js) reads to find the run the controls point at.

An axis whose values the view shows side by side instead of choosing one (the optimizer paths'
five optimizers) is declared with ``control=False``: it indexes the runs but makes no control.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

TOGGLE_MAX = 3  # an axis with this many values or fewer is a row of toggle buttons
WIDE_TEXT = 24  # toggle buttons whose texts are longer than this in all take a whole row


@dataclass(frozen=True)
class Axis:
    """One axis of the runs: the view's trait ``name``, the control's ``label``, the values.

    texts: how each value is written on its button or in its dropdown (default ``f"{v:g}"`` for
    numbers, ``str`` otherwise). The view's trait holds the chosen value's index.
    """

    name: str
    label: str
    values: tuple
    texts: tuple[str, ...] | None = None
    control: bool = True

    def text(self, i: int) -> str:
        if self.texts is not None:
            return self.texts[i]
        value = self.values[i]
        return f"{value:g}" if isinstance(value, float) else str(value)

    def index(self, value: Any) -> int:
        """The position of ``value`` on this axis; a clear error names the values it has."""
        for i, v in enumerate(self.values):
            if v == value and isinstance(v, bool) == isinstance(value, bool):  # True is not 1
                return i
        raise ValueError(f"{self.name}: expected one of {list(self.values)}, got {value!r}")

    def spec(self) -> dict:
        """The control controls.js draws for this axis: toggle buttons (≤ TOGGLE_MAX values) or a
        dropdown. Its value, the view's trait ``name``, is the chosen value's index."""
        texts = [self.text(i) for i in range(len(self.values))]
        toggle = len(self.values) <= TOGGLE_MAX
        return {
            "kind": "toggle" if toggle else "dropdown",
            "name": self.name,
            "label": self.label,
            "texts": texts,
            # buttons whose texts are long take a whole row of the grid (explorers.css)
            "wide": toggle and sum(len(t) for t in texts) > WIDE_TEXT,
        }

    def to_json(self) -> dict:
        texts = [self.text(i) for i in range(len(self.values))]
        return {"name": self.name, "label": self.label, "texts": texts, "size": len(self.values)}


class Axes(tuple):
    """The axes of an explorer's runs, outermost first (row-major, like a C array)."""

    def __new__(cls, *axes: Axis) -> Axes:
        return super().__new__(cls, axes)

    def __getitem__(self, key):  # by position, or by an axis's name
        if isinstance(key, str):
            for axis in self:
                if axis.name == key:
                    return axis
            raise KeyError(f"no axis {key!r}; axes: {[a.name for a in self]}")
        return super().__getitem__(key)

    def settings(self) -> list[tuple]:
        """Every combination of values, in run-index order."""
        return list(itertools.product(*(axis.values for axis in self)))

    def size(self) -> int:
        n = 1
        for axis in self:
            n *= len(axis.values)
        return n

    def index(self, **setting: Any) -> int:
        """The flat run index of ``setting`` (one value per axis, by name)."""
        missing = [a.name for a in self if a.name not in setting]
        extra = sorted(set(setting) - {a.name for a in self})
        if missing or extra:
            raise TypeError(f"expected the axes {[a.name for a in self]}, got {sorted(setting)}")
        index = 0
        for axis in self:
            index = index * len(axis.values) + axis.index(setting[axis.name])
        return index

    def to_json(self) -> list[dict]:
        return [axis.to_json() for axis in self]

    def controls(self) -> list[dict]:
        """The control of each controlled axis (``Axis.spec``), in order."""
        return [axis.spec() for axis in self if axis.control]

    def start(self, **values: Any) -> dict[str, int]:
        """The view's traits for the controlled axes at ``values``: each value's index."""
        return {axis.name: axis.index(values[axis.name]) for axis in self if axis.control}
