"""An explorer's contract between Python and JavaScript: the axes of its table of runs.

One declaration, ``Axes(Axis(...), ...)``, is the single source of:

- the controls: a toggle button row for an axis of two or three values, a dropdown for more;
- the settings: every combination of the axes' values, in one row-major order;
- the flat run index: where a setting's run sits in ``payload["runs"]``;
- the ``axes`` block of the payload (each axis's name, label, texts and size), which the view's
  one function ``runIndex`` (view.js) reads to find the run the controls point at.

An axis whose values the view shows side by side instead of choosing one (the optimizer paths'
five optimizers) is declared with ``control=False``: it indexes the runs but makes no control.

The rest of the module is the row of controls itself: one aligned grid of label and control,
each named for screen readers by its visible label.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anywidget
import ipywidgets as widgets

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

    def widget(self, value: Any) -> widgets.Widget:
        """Toggle buttons (≤ TOGGLE_MAX values) or a dropdown, on the index of ``value``."""
        options = [(self.text(i), i) for i in range(len(self.values))]
        common = {"options": options, "value": self.index(value), "description": self.label}
        if len(self.values) <= TOGGLE_MAX:
            control = widgets.ToggleButtons(**common, style={"button_width": "auto"})
        else:
            control = widgets.Dropdown(**common)
        control.add_class(f"snn-control-{self.name}")
        if len(self.values) <= TOGGLE_MAX and sum(len(t) for t, _ in options) > WIDE_TEXT:
            control.add_class("snn-control-wide")  # its buttons take a whole row (explorers.css)
        return control

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

    def controls(self, start: dict[str, Any]) -> Iterator[tuple[str, widgets.Widget]]:
        """(trait name, control) of each controlled axis, at the values of ``start``."""
        for axis in self:
            if axis.control:
                yield axis.name, axis.widget(start[axis.name])


# ipywidgets' sliders (noUiSlider) put role="slider" on a handle that their visible label, a
# <label> element, does not name: a screen reader announces "slider" and nothing else (axe's rule
# aria-input-field-name, a serious WCAG 2 violation). This view, hidden in each row of controls,
# points every such handle (and any input, select or group of toggle buttons left unnamed) at
# the label the reader sees, in the browser, as the controls are drawn. Its style gives every
# control a visible focus ring, which ipywidgets' style removes (outline: none).
_CONTROL_NAMES_JS = """
function labelId(label) {
  if (!label.id) {
    let n = 0;
    while (document.getElementById(`snn-control-label-${n}`)) n += 1;
    label.id = `snn-control-label-${n}`;
  }
  return label.id;
}

function nameControls(row) {
  for (const widget of row.children) {
    const label = widget.querySelector(":scope > label.widget-label");
    if (!label || !label.textContent.trim()) continue;
    const group = widget.classList.contains("widget-toggle-buttons")
      ? widget.querySelector(":scope > div") : null;
    if (group && !group.getAttribute("role")) {
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", labelId(label));
    }
    for (const button of widget.querySelectorAll("button.widget-toggle-button")) {
      button.setAttribute("aria-pressed", String(button.classList.contains("mod-active")));
    }
    for (const control of widget.querySelectorAll('[role="slider"], input, select')) {
      const named = control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")
        || (control.labels && control.labels.length);
      if (!named) control.setAttribute("aria-labelledby", labelId(label));
    }
  }
}

function render({ el }) {
  el.hidden = true;
  const start = () => {
    const row = el.parentElement;  // the row of controls, once this view is in it
    if (!row) return void requestAnimationFrame(start);
    nameControls(row);
    const watch = { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] };
    new MutationObserver(() => nameControls(row)).observe(row, watch);
  };
  start();
}

export default { render };
"""

_CONTROL_FOCUS_CSS = """
.snn-explorer-box .snn-controls :is(.noUi-handle, .widget-readout, select, input,
    button):focus-visible {
  outline: 2px solid var(--snn-focus, #0072b2) !important;
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


def controls(*children: widgets.Widget) -> widgets.Box:
    """The explorer's controls as one aligned grid of label and control (explorers.css lays it
    out: one column on a phone, two on a wide page), each named by its visible label."""
    names = ControlNames(layout=widgets.Layout(display="none"))
    row = widgets.Box([*children, names])
    row.add_class("snn-controls")
    return row
