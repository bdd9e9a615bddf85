"""Activation explorer (chapter 2): f and f′ of each activation, and where the unit saturates.

    from course.explorers import activation_explorer; activation_explorer()

Every value the view shows is the activation's own ``forward`` (f) and ``backward`` (f′, the
backward of an upstream gradient of ones) at the 201 points x = −5, −4.95, …, 5 that the slider
can take, for each activation in the registry ``scratchnn.activations.ACTIVATIONS`` with its
default parameters, under its ``label``. The registry is read when the explorer is built, so an
activation added to it appears in the table, the dropdown and the view with no change here.
Cost: one forward and backward pass over 201 points per activation, well under a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import traitlets

from scratchnn import activations as registry
from scratchnn.activations import Activation

from ._axes import Axis
from ._common import SHARED_JS, Explorer, Grid, bundle, round_decimals

X_GRID = Grid(-5.0, 5.0, 0.05)
SATURATION = 0.1  # |f′| below this counts as saturated: the gradient is cut ten-fold or more
DIGITS = 4  # decimals printed for f(x) and f′(x)


def registered() -> dict[str, type[Activation]]:
    """The activation registry as it is now: name -> class, in the dropdown's order."""
    return dict(registry.ACTIVATIONS)


@dataclass(frozen=True)
class ActivationTable:
    """f and f′ of every activation on the grid, full float64 precision.

    names: the registry's keys, in the dropdown's order; labels: each class's ``label``.
    x: (n,) grid.   f, df: (A, n), f(x) and f′(x) of the A activations.   saturated: (A, n) bool,
    ``|f′(x)| < SATURATION``.
    """

    names: list[str]
    labels: list[str]
    x: torch.Tensor
    f: torch.Tensor
    df: torch.Tensor
    saturated: torch.Tensor


def activation_table(
    grid: Grid = X_GRID, activations: dict[str, type[Activation]] | None = None
) -> ActivationTable:
    """Run each activation's forward and backward on the grid. Cost: O(A·n).

    activations: name -> class; default the registry as it is at the call.
    """
    activations = registered() if activations is None else dict(activations)
    x = grid.tensor()
    f, df = [], []
    for cls in activations.values():
        act = cls()  # default parameters: Leaky ReLU α = 0.01, ELU α = 1
        f.append(act.forward(x))
        df.append(act.backward(torch.ones_like(x)))  # dL/dy = 1, so dL/dx = f′(x)
    df_all = torch.stack(df)
    names = list(activations)
    labels = [activations[name].label for name in names]
    saturated = df_all.abs() < SATURATION
    return ActivationTable(names, labels, x, torch.stack(f), df_all, saturated)


def _payload(table: ActivationTable, grid: Grid) -> dict:
    ylims = []
    for f, df in zip(table.f, table.df, strict=True):
        lo = min(f.min().item(), df.min().item(), 0.0)
        hi = max(f.max().item(), df.max().item(), 1.0)
        pad = 0.06 * (hi - lo)
        ylims.append([round(lo - pad, 3), round(hi + pad, 3)])
    return {
        "grid": grid.to_json(),
        "x": grid.values(),
        "names": table.names,
        "labels": table.labels,
        "f": round_decimals(table.f, DIGITS),
        "df": round_decimals(table.df, DIGITS),
        "saturated": ["".join("1" if s else "0" for s in row) for row in table.saturated.tolist()],
        "threshold": SATURATION,
        "digits": DIGITS,
        "ylim": ylims,
    }


class ActivationExplorer(Explorer):
    """Canvas plot of f and f′ with the saturated region shaded, and the readouts at x."""

    _esm = bundle(*SHARED_JS, "activation.js")
    explorer_name = "activation"
    activation = traitlets.Int(0).tag(sync=True)  # its index in data["names"]
    x = traitlets.Float(0.0).tag(sync=True)


def activation_explorer(activation: str = "sigmoid", x: float = 0.0) -> ActivationExplorer:
    """A dropdown of every activation in the registry, an x slider on [−5, 5] and the live plot."""
    table = activation_table(X_GRID)
    names = table.names
    choice = Axis("activation", "f", tuple(names), texts=tuple(table.labels))
    text = (
        "Drag the x slider, or drag across the plot: the dashed line follows. Solid: f(x); "
        "dashed: f′(x). Shaded: "
        f"|f′(x)| &lt; {SATURATION}, where a unit passes back a tenth of the gradient or less "
        "(Leaky ReLU's slope 0.01 counts: small, but never zero). Every number is scratchnn's "
        "forward and backward at that x."
    )
    summary = (
        f"ActivationExplorer({len(names)} activations, x from {X_GRID.lo} to {X_GRID.hi} "
        f"step {X_GRID.step})"
    )
    return ActivationExplorer(
        data=_payload(table, X_GRID),
        controls=[choice.spec(), X_GRID.control("x", "x")],
        caption=text,
        activation=choice.index(activation),
        x=X_GRID.clamp(x),
        summary=summary,
        lookup=lookup,
    )


def lookup(data: dict, activation: str, x: float) -> dict:
    """What the view shows for ``activation`` (a registry name) at ``x``: ``{"x", "f", "df",
    "saturated"}``, rounded as printed."""
    if activation not in data["names"]:
        raise ValueError(f"activation: expected one of {data['names']}, got {activation!r}")
    a, i = data["names"].index(activation), Grid.from_json(data["grid"]).index(x)
    return {
        "x": data["x"][i],
        "f": data["f"][a][i],
        "df": data["df"][a][i],
        "saturated": data["saturated"][a][i] == "1",
    }
