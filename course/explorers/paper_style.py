"""The explorers on paper (``paper.py``): the page's style and what the drawings share."""

from __future__ import annotations

import importlib
from typing import Any

from ..plotting import OKABE_ITO
from ._axes import Axes

BLUE, ORANGE, GREEN = OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"]
VERMILLION, PURPLE, SKY = OKABE_ITO["vermillion"], OKABE_ITO["purple"], OKABE_ITO["sky"]
INK, GREY = "#222222", "#999999"
WIDTH = 6.5  # inches: the PDF's text width less a margin
RC = {  # the book's plotting style (course.plotting), a little smaller for a printed page
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 7,
    "pdf.fonttype": 42,  # TrueType, not Type 3: the text stays text (pdftotext, search)
}


def axes_of(explorer) -> Axes:
    """The ``AXES`` declaration of the explorer's own module (the one its class is defined in):
    the contract behind its controls and ``lookup``. Read, not imported here, so that drawing
    one explorer loads no other explorer's module."""
    return importlib.import_module(type(explorer).__module__).AXES


def chosen(explorer, axes: Axes) -> dict[str, Any]:
    """The setting the view shows now: each controlled axis's value at the view's trait (the
    chosen index), by the axis's name, as ``explorer.lookup`` takes it."""
    return {a.name: a.values[getattr(explorer, a.name)] for a in axes if a.control}


def text(axes: Axes, name: str, value: Any) -> str:
    """How the control writes ``value`` of the axis ``name`` (its button or dropdown text)."""
    axis = axes[name]
    return axis.text(axis.index(value))


def tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = [int(color[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    return tuple(1 - amount * (1 - c) for c in rgb)


def diverging():
    """Orange (0) through white to blue (1): the training explorer's probability colours."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("snn", [ORANGE, "#ffffff", BLUE])


def centres(pixels: int, box: float) -> list[float]:
    """The centres of ``pixels`` equal cells across [−box, box]."""
    return [-box + (i + 0.5) * 2 * box / pixels for i in range(pixels)]
