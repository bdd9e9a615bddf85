"""What the explorers share: the slider grid, rounding for display, the view and box classes.

How an explorer works: Python computes every number the reader can see, with ``scratchnn``, at
every position a control can take (a grid that matches the slider's min, max and step), and hands
the table to a small ``anywidget`` view. The view's JavaScript only draws and looks values up.
The controls are ordinary ipywidgets tied to the view with ``jslink``, so the page reacts in the
browser with no Python kernel: it works in the static HTML book.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import anywidget
import ipywidgets as widgets
import torch
import traitlets

from ..plotting import OKABE_ITO

_HERE = Path(__file__).parent


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
        return torch.tensor(self.values(), dtype=torch.float64)

    def index(self, value: float) -> int:
        """The grid index nearest to ``value`` (clamped to the grid)."""
        return min(self.n - 1, max(0, round((value - self.lo) / self.step)))

    def to_json(self) -> dict[str, float | int]:
        return {"lo": self.lo, "hi": self.hi, "step": self.step, "n": self.n}

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
            layout=widgets.Layout(width="min(100%, 420px)"),
        )
        slider.add_class(css_class)
        return slider


def rounded(values: torch.Tensor, decimals: int) -> list:
    """A tensor's values rounded to the digits the view prints, as (nested) Python lists.

    The view prints ``value.toFixed(decimals)``, which shows a value already rounded in Python
    exactly as Python's ``f"{value:.{decimals}f}"`` would. ``+ 0.0`` turns −0.0 into 0.0.
    """
    if values.ndim == 0:
        return round(values.item(), decimals) + 0.0
    return [rounded(v, decimals) for v in values]


def bundle(*names: str) -> str:
    """The view's JavaScript: the shared helpers (``plot.js``) followed by the explorer's file.

    anywidget loads a view as one ES module from a string, so a view cannot ``import`` a sibling
    file; joining the files keeps the helpers in one place instead of copies in every view.
    """
    return "\n".join((_HERE / name).read_text() for name in names)


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
    """Controls, view and caption in one box, with a repr that never changes between runs."""

    def __init__(
        self, children: list[widgets.Widget], links: list, summary: str, name: str
    ) -> None:
        super().__init__(children=children)
        self.add_class("snn-explorer-box")
        self.add_class(f"snn-explorer-box-{name}")
        self.links = links  # the jslinks that tie controls to the view, in the browser
        self._summary = summary
        self.explorer_name = name

    def __repr__(self) -> str:
        return self._summary

    def _repr_mimebundle_(self, **kwargs) -> dict:
        """The widget view, and the same explorer as a static figure for the PDF (``paper.py``)."""
        from .paper import figure_pdf  # matplotlib is imported only when an explorer is shown

        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["application/pdf"] = figure_pdf(self)
        return bundle


# ipywidgets' sliders (noUiSlider) put role="slider" on a handle that their visible label, a
# <label> element, does not name: a screen reader announces "slider" and nothing else (axe's rule
# aria-input-field-name, a serious WCAG 2 violation). This view, hidden in each row of controls,
# points every such handle (and any input or select left unnamed) at the label the reader sees,
# in the browser, as the controls are drawn; it also gives every control a visible focus ring,
# which ipywidgets' style removes (outline: none).
_CONTROL_NAMES_JS = """
function nameControls(row) {
  for (const widget of row.querySelectorAll(".widget-inline-hbox")) {
    const label = widget.querySelector(":scope > label.widget-label");
    if (!label || !label.textContent.trim()) continue;
    for (const control of widget.querySelectorAll('[role="slider"], input, select')) {
      const named = control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")
        || (control.labels && control.labels.length);
      if (named) continue;
      if (!label.id) {
        let n = 0;
        while (document.getElementById(`snn-control-label-${n}`)) n += 1;
        label.id = `snn-control-label-${n}`;
      }
      control.setAttribute("aria-labelledby", label.id);
    }
  }
}

function render({ el }) {
  el.hidden = true;
  const start = () => {
    const row = el.parentElement;  // the row of controls, once this view is in it
    if (!row) return void requestAnimationFrame(start);
    nameControls(row);
    new MutationObserver(() => nameControls(row)).observe(row, { childList: true, subtree: true });
  };
  start();
}

export default { render };
"""

_CONTROL_FOCUS_CSS = """
.snn-explorer-box .widget-inline-hbox :is(.noUi-handle, .widget-readout, select, input,
    button):focus-visible {
  outline: 2px solid #0072b2 !important;
  outline-offset: 2px;
}
"""


class ControlNames(anywidget.AnyWidget):
    """Gives every control of its row an accessible name and a focus ring (see above); shows
    nothing."""

    _esm = _CONTROL_NAMES_JS
    _css = _CONTROL_FOCUS_CSS

    def __repr__(self) -> str:  # anywidget's default repr holds a memory address
        return "ControlNames()"


def controls(*children: widgets.Widget) -> widgets.HBox:
    """The explorer's controls in a row that wraps onto more lines on a narrow screen, each named
    for screen readers by its visible label (``ControlNames``)."""
    names = ControlNames(layout=widgets.Layout(display="none"))
    return widgets.HBox([*children, names], layout=widgets.Layout(flex_flow="row wrap"))


def caption(html: str) -> widgets.HTML:
    box = widgets.HTML(value=f'<p class="snn-caption">{html}</p>')
    box.add_class("snn-caption-box")
    return box
