"""The explorers on paper (``paper.py``): activation, forward pass and loss, whose views hold
curves or a network on a grid of slider positions.

Each drawing reads the view's current values (its traits), the numbers shown there from
``explorer.lookup``, and the whole curves from ``explorer.data``: nothing is computed again.
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from ._common import Explorer, Grid
from .paper_style import BLUE, GREEN, GREY, INK, ORANGE, VERMILLION, tint


def activation(fig: Figure, explorer: Explorer) -> None:
    """Three activations side by side: f, f′ and the shaded saturated region, with x marked."""
    data = explorer.data
    names = data["names"]
    shown = [names[explorer.activation], *(n for n in ("sigmoid", "tanh", "relu") if n in names)]
    shown = list(dict.fromkeys(shown))[:3]
    axes = fig.subplots(1, len(shown), sharex=True, squeeze=False)[0]
    x = data["x"]
    for ax, name in zip(axes, shown, strict=True):
        a, here = names.index(name), explorer.lookup(activation=name, x=explorer.x)
        ax.plot(x, data["f"][a], color=BLUE, label="f(x)")
        ax.plot(x, data["df"][a], color=ORANGE, linestyle="--", label="f′(x)")
        ymin, ymax = data["ylim"][a]
        saturated = [s == "1" for s in data["saturated"][a]]
        ax.fill_between(x, ymin, ymax, where=saturated, color=GREY, alpha=0.2, linewidth=0)
        ax.axvline(here["x"], color=INK, linestyle=":", linewidth=0.8)
        ax.plot([here["x"]] * 2, [here["f"], here["df"]], "o", color=INK, markersize=3)
        ax.set(ylim=(ymin, ymax), xlabel="x", title=data["labels"][a])
        digits = data["digits"]
        readout = f"x = {here['x']:g}\nf = {here['f']:.{digits}f}\nf′ = {here['df']:.{digits}f}"
        ax.text(0.03, 0.97, readout, transform=ax.transAxes, va="top", fontsize=7)
    axes[0].legend(loc="center left")


def forward_pass(fig: Figure, explorer: Explorer) -> None:
    """The network at the explorer's input and at a second input that turns other units off."""
    grid = Grid.from_json(explorer.data["grid"])
    values = grid.values()
    here = (values[grid.index(explorer.x1)], values[grid.index(explorer.x2)])
    other = (-here[0] if here[0] else -1.0, -here[1] if here[1] else 1.0)
    for k, inputs in enumerate((here, other)):
        _network(fig.add_subplot(1, 2, k + 1), explorer, inputs)


def _network(ax, explorer: Explorer, inputs: tuple[float, float]) -> None:
    data = explorer.data
    dims, digits = data["dims"], data["digits"]
    outputs = explorer.lookup(x1=inputs[0], x2=inputs[1])  # each layer's outputs, as printed
    values = [list(inputs), *outputs]
    # Which ReLUs are on: the payload's "active" bits, laid out as its "outputs" (unit u of
    # layer l at grid input k = i·n + j is entry k·width + u; forward_pass.py's ``_payload``).
    grid = Grid.from_json(data["grid"])
    row = grid.index(inputs[0]) * grid.n + grid.index(inputs[1])
    on = [[True] * dims[0]]
    for layer, width in enumerate(dims[1:]):
        if layer < len(data["active"]):  # the hidden layers' ReLUs; the output has none
            on.append([b == "1" for b in data["active"][layer][row * width : (row + 1) * width]])
        else:
            on.append([True] * width)
    pos = [[(li, (n - 1) / 2 - i) for i in range(n)] for li, n in enumerate(dims)]
    wmax = max(abs(w) for W in data["weights"] for row_ in W for w in row_)
    for li, W in enumerate(data["weights"]):
        for i, row_ in enumerate(W):
            for j, w in enumerate(row_):
                (xa, ya), (xb, yb) = pos[li][i], pos[li + 1][j]
                ax.plot(
                    [xa, xb],
                    [ya, yb],
                    color=BLUE if w >= 0 else ORANGE,
                    linestyle="-" if w >= 0 else "--",
                    linewidth=0.3 + 2.2 * abs(w) / wmax,
                    alpha=0.85 if on[li][i] else 0.15,
                    zorder=1,
                )
    scale = [1.0, *data["scale"]]
    for li, layer in enumerate(pos):
        last = li == len(dims) - 1
        for i, (px, py) in enumerate(layer):
            v, active = values[li][i], on[li][i]
            if li == 0:
                face, edge, style = "white", INK, "-"
            elif not active:
                face, edge, style = "white", GREY, "--"
            else:
                shade = min(1.0, abs(v) / (scale[li] or 1.0))
                tone = BLUE if (v >= 0 or not last) else ORANGE
                face, edge, style = tint(tone, 0.15 + 0.85 * shade), INK, "-"
            ax.scatter(
                px, py, s=520, color=face, edgecolors=edge, linestyle=style, linewidths=1, zorder=2
            )
            label = f"{v:g}" if li == 0 else f"{v:.{digits}f}"
            dark = li > 0 and active and abs(v) / (scale[li] or 1.0) > 0.55
            ink = "white" if dark else INK
            ax.text(px, py, label, ha="center", va="center", fontsize=6.5, zorder=3, color=ink)
    ax.set_title(f"input (x₁, x₂) = ({inputs[0]:g}, {inputs[1]:g})")
    ax.set_xlim(-0.4, len(dims) - 0.6)
    ax.set_ylim(-max(dims) / 2, max(dims) / 2)
    ax.axis("off")


def loss(fig: Figure, explorer: Explorer) -> None:
    """The four losses and their gradients' sizes against ε, Huber at the explorer's δ."""
    data = explorer.data
    eps_grid, delta_grid = Grid.from_json(data["eps_grid"]), Grid.from_json(data["delta_grid"])
    eps, at = data["eps"], eps_grid.index(explorer.eps)
    d = delta_grid.index(explorer.delta)
    here = explorer.lookup(eps=explorer.eps, delta=explorer.delta)  # each loss at ε, as printed
    curves = [
        ("MSE", "mse", data["mse"], BLUE, "-"),
        ("MAE", "mae", data["mae"], ORANGE, "--"),
        (f"Huber, δ = {delta_grid.values()[d]:g}", "huber", data["huber"][d], GREEN, "-."),
        ("BCE", "bce", data["bce"], VERMILLION, ":"),
    ]
    left, right = fig.subplots(1, 2)
    for label, key, pair, color, style in curves:
        grad = [None if g is None else abs(g) for g in pair["grad"]]
        point = here[key]["grad"]
        marks = (here[key]["loss"], None if point is None else abs(point))
        for ax, ys, y in ((left, pair["loss"], marks[0]), (right, grad, marks[1])):
            curve = [math.nan if v is None else v for v in ys]
            ax.plot(eps, curve, color=color, linestyle=style, label=label)
            if y is not None:
                ax.plot([eps[at]], [y], "o", color=color, markersize=3)
    for ax, what in ((left, "loss L(ε)"), (right, "|dL/dε|")):
        ax.axvline(eps[at], color=INK, linestyle=":", linewidth=0.8)
        ax.set(xlabel="ε (prediction error)", title=f"{what}, ε = {eps[at]:g}", ylim=(0, 4.5))
    left.legend(loc="upper center")
