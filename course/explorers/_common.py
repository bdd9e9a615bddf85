"""What the explorers share: the slider grid, rounding for display, the explorer's base class.

How an explorer works: Python computes every number the reader can see, with ``scratchnn``, at
every position a control can take (a grid that matches the slider's min, max and step, or every
combination of the choices declared in ``_axes.Axes``), and hands the table to one ``anywidget``
view. The view's JavaScript draws the controls, the drawing and the caption, and only looks
values up: the page reacts in the browser with no Python kernel, so it works in the static HTML
book, and it is one plain anywidget module (``render({model, el})``) wherever it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import torch
import traitlets

from ..plotting import OKABE_ITO

_HERE = Path(__file__).parent
F64 = torch.float64  # every explorer computes in float64: its digits are printed


@dataclass(frozen=True)
class Grid:
    """The n evenly spaced values lo, lo + step, …, hi that a slider with that min/max/step takes.

    Values are rounded to 10 decimals, so each is the float nearest to its decimal (0.15, not
    0.15000000000000002) and a reader who types that decimal gets exactly that point.
    """

    lo: float
    hi: float
    step: float

    @property
    def n(self) -> int:
        return round((self.hi - self.lo) / self.step) + 1

    def values(self) -> list[float]:
        return [round(self.lo + i * self.step, 10) for i in range(self.n)]

    def tensor(self) -> torch.Tensor:
        """(n,) float64."""
        return torch.tensor(self.values(), dtype=F64)

    def index(self, value: float) -> int:
        """The grid index nearest to ``value`` (clamped to the grid)."""
        return min(self.n - 1, max(0, round((value - self.lo) / self.step)))

    def clamp(self, value: float) -> float:
        """``value`` within [lo, hi], where the slider shows it."""
        return min(self.hi, max(self.lo, value))

    def to_json(self) -> dict[str, float | int]:
        return {"lo": self.lo, "hi": self.hi, "step": self.step, "n": self.n}

    @classmethod
    def from_json(cls, block: dict) -> Grid:
        """The grid a payload's ``to_json`` block describes."""
        return cls(block["lo"], block["hi"], block["step"])

    def control(self, name: str, label: str) -> dict:
        """A slider whose positions are exactly this grid's points, on the view's trait ``name``
        (controls.js ``makeControls`` draws it; its readout shows the step's decimals)."""
        decimals = max(0, -Decimal(str(self.step)).as_tuple().exponent)
        return {
            "kind": "slider",
            "name": name,
            "label": label,
            **self.to_json(),
            "decimals": decimals,
        }


def round_decimals(values: torch.Tensor, decimals: int) -> list | float:
    """A tensor's values rounded to ``decimals`` decimals (what the view prints), as (nested)
    Python lists.

    The view prints ``value.toFixed(decimals)``, which shows a value already rounded in Python
    exactly as Python's ``f"{value:.{decimals}f}"`` would. ``+ 0.0`` turns −0.0 into 0.0.
    (``course.book.rounded`` is another rounding: to significant digits, for the prose.)
    """
    if values.ndim == 0:
        return round(values.item(), decimals) + 0.0
    return [round_decimals(v, decimals) for v in values]


# The shared JavaScript, in the order each file needs the ones before it.
SHARED_JS = ("plot.js", "view.js", "controls.js")
LEARNING_JS = (*SHARED_JS, "packing.js", "learning.js")


def bundle(*names: str) -> str:
    """The view's JavaScript: the shared files ``names[:-1]``, then the explorer's own file.

    anywidget loads a view as one ES module from a string, so a view cannot ``import`` a sibling
    file. Each shared file runs in its own scope and exports what it offers into one namespace,
    ``snn`` (its last line, ``Object.assign(snn, {...})``); the explorer's file reads from it.
    """
    *shared, own = names
    return f"{namespace(*shared)}\n// ---- {own}\n{(_HERE / own).read_text()}"


def namespace(*names: str) -> str:
    """JavaScript that defines ``snn`` and runs each shared file ``names`` into it, in order."""
    parts = ["const snn = {};"]
    for name in names:
        parts.append(f"// ---- {name}\n((snn) => {{\n{(_HERE / name).read_text()}}})(snn);")
    return "\n".join(parts)


class Explorer(anywidget.AnyWidget):
    """One explorer: its controls, its drawing and its caption, drawn by one anywidget view.

    Traits (synced with the view): ``data``, every number it can show (read-only); ``controls``,
    the controls that controls.js draws above the drawing (``Grid.control``, ``_axes.Axis.spec``);
    ``caption`` (HTML); ``palette``. Each explorer's subclass adds its ``_esm`` (``bundle``) and
    one trait per control: a slider's value, or the index of a choice. ``lookup(**setting)`` is
    what the view shows at a setting (each explorer documents its keys), for a chapter's prose
    and the tests. Its repr, ``summary``, never changes between runs.
    """

    _css = _HERE / "explorers.css"
    data = traitlets.Dict().tag(sync=True)
    controls = traitlets.List().tag(sync=True)
    caption = traitlets.Unicode().tag(sync=True)
    palette = traitlets.Dict(dict(OKABE_ITO)).tag(sync=True)
    explorer_name: ClassVar[str]  # the view's data-explorer, and its class snn-explorer-box-<name>

    def __init__(
        self, *, summary: str, lookup: Callable[..., Any] | None = None, **traits: Any
    ) -> None:
        super().__init__(**traits)
        self._summary = summary
        self._lookup = lookup

    def lookup(self, **setting: Any) -> Any:
        """What the view shows at ``setting`` (keyword names: the explorer's controls)."""
        if self._lookup is None:
            raise TypeError(f"{self._summary}: this explorer has no lookup")
        return self._lookup(self.data, **setting)

    def __repr__(self) -> str:  # anywidget's default repr holds a memory address
        return self._summary

    def _repr_mimebundle_(self, **kwargs) -> tuple[dict, dict]:
        """The widget view, and the same explorer as a static figure for the PDF (``paper.py``):
        (data, metadata), as anywidget gives them."""
        from .paper import figure_pdf  # matplotlib is imported only when an explorer is shown

        data, metadata = super()._repr_mimebundle_(**kwargs)
        return {**data, "application/pdf": figure_pdf(self)}, metadata
