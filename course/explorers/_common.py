"""What the explorers share: the slider grid, rounding for display, the view and box classes.

How an explorer works: Python computes every number the reader can see, with ``scratchnn``, at
every position a control can take (a grid that matches the slider's min, max and step, or every
combination of the choices declared in ``_axes.Axes``), and hands the table to a small
``anywidget`` view. The view's JavaScript only draws and looks values up. The controls are
ordinary ipywidgets tied to the view with ``jslink``, so the page reacts in the browser with no
Python kernel: it works in the static HTML book.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import anywidget
import ipywidgets as widgets
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

    def to_json(self) -> dict[str, float | int]:
        return {"lo": self.lo, "hi": self.hi, "step": self.step, "n": self.n}

    @classmethod
    def from_json(cls, block: dict) -> Grid:
        """The grid a payload's ``to_json`` block describes."""
        return cls(block["lo"], block["hi"], block["step"])

    def slider(self, description: str, value: float, css_class: str) -> widgets.FloatSlider:
        """A FloatSlider whose positions are exactly this grid's points."""
        decimals = max(0, -Decimal(str(self.step)).as_tuple().exponent)
        slider = widgets.FloatSlider(
            value=value,
            min=self.lo,
            max=self.hi,
            step=self.step,
            description=description,
            readout_format=f".{decimals}f",
            continuous_update=True,
        )
        slider.add_class(css_class)
        return slider


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
SHARED_JS = ("plot.js", "view.js")
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


class ExplorerView(anywidget.AnyWidget):
    """Base of the canvas views: ``data`` holds every precomputed number, read-only."""

    _css = _HERE / "explorers.css"
    data = traitlets.Dict().tag(sync=True)
    palette = traitlets.Dict(dict(OKABE_ITO)).tag(sync=True)

    def __repr__(self) -> str:  # anywidget's default repr holds a memory address
        return f"{type(self).__name__}()"


V = TypeVar("V", bound=ExplorerView)


def linked_view(
    view_cls: type[V], data: dict, sources: dict[str, tuple[widgets.Widget, str]]
) -> tuple[V, list[widgets.widget_link.Link]]:
    """The view, holding ``data``, with each of its traits tied to a control in the browser.

    sources: the view's trait name -> (control, the control's trait), e.g. ``{"x": (slider,
    "value"), "index": (dropdown, "index")}``. The view starts at the controls' values, and each
    pair is ``jslink``ed (control -> view), in ``sources`` order, so that the page reacts with no
    Python kernel. Returns (view, links).
    """
    start = {name: getattr(control, trait) for name, (control, trait) in sources.items()}
    view = view_cls(data=data, **start)
    links = [widgets.jslink(source, (view, name)) for name, source in sources.items()]
    return view, links


class Explorer(widgets.VBox):
    """Controls, view and caption in one box, with a repr that never changes between runs.

    ``view`` and ``data`` are the view and its payload; ``lookup(**setting)`` is what the view
    shows at a setting (each explorer documents its keys), for a chapter's prose and the tests.
    """

    def __init__(
        self,
        children: list[widgets.Widget],
        links: list,
        summary: str,
        name: str,
        lookup: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(children=children)
        self.add_class("snn-explorer-box")
        self.add_class(f"snn-explorer-box-{name}")
        self.links = links  # the jslinks that tie controls to the view, in the browser
        self._summary = summary
        self.explorer_name = name
        self._lookup = lookup

    @property
    def controls(self) -> list[widgets.Widget]:
        """The controls, in the order the reader sees them."""
        return [c for c in self.children[0].children if not isinstance(c, anywidget.AnyWidget)]

    @property
    def view(self) -> ExplorerView:
        return self.children[1]

    @property
    def data(self) -> dict:
        """The view's payload: every number it can show."""
        return self.view.data

    def lookup(self, **setting: Any) -> Any:
        """What the view shows at ``setting`` (keyword names: the explorer's controls)."""
        if self._lookup is None:
            raise TypeError(f"{self._summary}: this explorer has no lookup")
        return self._lookup(self.data, **setting)

    def __repr__(self) -> str:
        return self._summary

    def _repr_mimebundle_(self, **kwargs) -> dict:
        """The widget view, and the same explorer as a static figure for the PDF (``paper.py``)."""
        from .paper import figure_pdf  # matplotlib is imported only when an explorer is shown

        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["application/pdf"] = figure_pdf(self)
        return bundle


def caption(html: str) -> widgets.HTML:
    box = widgets.HTML(value=f'<p class="snn-caption">{html}</p>')
    box.add_class("snn-caption-box")
    return box
