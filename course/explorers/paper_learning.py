"""The explorers on paper (``paper.py``): training, optimizer paths and gradient flow, whose
views look one run up in a table of runs.

Each drawing reads the setting the view shows now (its traits, through the module's ``AXES``:
``paper_style.chosen``), and every run it draws, that one or a neighbour, from
``explorer.lookup(**setting)``: the run index is the contract's (``_axes.Axes``), never
computed here.
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._axes import Axes
from ._common import Explorer
from ._packing import unpack
from .paper_style import (
    BLUE,
    GREEN,
    INK,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    axes_of,
    centres,
    chosen,
    diverging,
    text,
)


def training(fig: Figure, explorer: Explorer) -> None:
    """The predicted probability at three epochs of one run, and its loss curves."""
    data, axes = explorer.data, axes_of(explorer)
    setting = chosen(explorer, axes)
    run = explorer.lookup(**setting)
    frames = unpack(run["frames"])
    pixels, box, levels = data["pixels"], data["box"], data["levels"]
    n_frames = len(frames) // pixels**2
    last = min(explorer.epoch // data["frame_every"], n_frames - 1)
    picks = sorted({0, last // 4, last})
    panels = fig.subplots(1, len(picks) + 1)
    # The points are indexed by the first two axes, (dataset, noise), as in training_payload.
    where = {name: setting[name] for name in ("dataset", "noise")}
    points = data["points"][Axes(*axes[:2]).index(**where)]
    cmap = diverging()
    for ax, f in zip(panels, picks, strict=False):
        cells = frames[f * pixels**2 : (f + 1) * pixels**2]
        image = [
            [(cells[r * pixels + c] + 0.5) / levels for c in range(pixels)] for r in range(pixels)
        ]
        extent = (-box, box, -box, box)
        ax.imshow(image, extent=extent, cmap=cmap, vmin=0, vmax=1, interpolation="none")
        x = centres(pixels, box)
        ax.contour(x, x[::-1], image, levels=[0.5], colors=INK, linewidths=1)
        for label, marker, color in (("0", "o", ORANGE), ("1", "^", BLUE)):
            members = [p for p, y in zip(points["x"], points["y"], strict=True) if y == label]
            ax.scatter(
                [p[0] for p in members],
                [p[1] for p in members],
                s=6,
                marker=marker,
                c=color,
                edgecolors=INK,
                linewidths=0.3,
            )
        stopped = f == n_frames - 1 and run["stopped"] is not None
        epoch = run["stopped"] if stopped else f * data["frame_every"]
        ax.set_title(f"epoch {epoch}\ntraining accuracy {run['train_acc'][f]:g} %")
        ax.set(xlim=(-box, box), ylim=(-box, box), xticks=[-2, 0, 2], yticks=[-2, 0, 2])
        ax.set_aspect("equal")
        ax.grid(False)
    ax = panels[-1]
    ax.plot(run["train"], color=BLUE, label="training")
    ax.plot(run["val"], color=ORANGE, linestyle="--", label="validation")
    ax.set(xlabel="epoch", title="loss (BCE)", ylim=(0, None))
    ax.legend()
    said = {name: text(axes, name, value) for name, value in setting.items()}
    fig.suptitle(
        f"{said['dataset']}, noise {said['noise']}, [2, w, w, 1] with w = {said['width']}, "
        f"{said['activation']}, learning rate {said['lr']}",
        fontsize=8.5,
    )


OPTIMIZER_STYLE = {
    "SGD": (INK, "-"),
    "Momentum": (BLUE, "-"),
    "Nesterov": (SKY, "--"),
    "RMSProp": (GREEN, "-."),
    "Adam": (VERMILLION, ":"),
}
SECOND_SURFACE = "basins"  # drawn beside the explorer's surface


def optimizer_paths(fig: Figure, explorer: Explorer) -> None:
    """The five paths on the explorer's surface and on the two-basin surface, same settings."""
    data, axes = explorer.data, axes_of(explorer)
    setting, step = chosen(explorer, axes), explorer.step
    names = axes["surface"].values
    shown = [setting["surface"], *(n for n in (SECOND_SURFACE,) if n in names)]
    shown = list(dict.fromkeys(shown))[:2]
    panels = fig.subplots(1, len(shown), squeeze=False)[0]
    m = data["coord_levels"]
    for ax, name in zip(panels, shown, strict=True):
        surface = data["surfaces"][axes["surface"].index(name)]
        x0, x1, y0, y1 = surface["box"]
        for contour in surface["contours"]:
            for line in contour["lines"]:
                ax.plot([p[0] for p in line], [p[1] for p in line], color="#bbbbbb", lw=0.6)
        for optimizer in axes["optimizer"].values:
            path = explorer.lookup(**{**setting, "surface": name, "optimizer": optimizer})
            levels = unpack(path["xy"], 2)[: 2 * (step + 1)]
            xs = [x0 + levels[k] / m * (x1 - x0) for k in range(0, len(levels), 2)]
            ys = [y0 + levels[k + 1] / m * (y1 - y0) for k in range(0, len(levels), 2)]
            color, style = OPTIMIZER_STYLE.get(optimizer, (PURPLE, "-"))
            label = optimizer if path["exit"] is None else f"{optimizer} (diverged)"
            ax.plot(xs, ys, color=color, linestyle=style, linewidth=1.1, label=label)
            if path["exit"] is not None and path["exit"] <= step:
                ax.plot(xs[-1], ys[-1], "x", color=color, markersize=6)
        ax.plot(*surface["start"], "*", color=INK, markersize=9)
        ax.plot(*surface["minimum"], "+", color=INK, markersize=9, markeredgewidth=1.5)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="w₁", ylabel="w₂")
        ax.set_title(f"{surface['label']}: {step} steps")
        ax.set_aspect("equal")
    panels[0].legend(loc="lower right", fontsize=6.5)
    lr, beta = text(axes, "lr", setting["lr"]), text(axes, "beta", setting["beta"])
    fig.suptitle(f"learning rate {lr}, μ / β₁ = {beta}", fontsize=8.5)


def gradient_flow(fig: Figure, explorer: Explorer) -> None:
    """Activation RMS and weight-gradient norm per layer for the explorer's setting and two
    others: the same network with BatchNorm switched the other way, and ReLU with He init."""
    data, axes = explorer.data, axes_of(explorer)
    here = chosen(explorer, axes)
    settings = [here, {**here, "batchnorm": not here["batchnorm"]}]
    if "relu" in axes["activation"].values and "he" in axes["init"].values:
        settings.append({**here, "activation": "relu", "init": "he", "batchnorm": False})
    settings = list({tuple(s.values()): s for s in settings}.values())  # each once, in order
    left, right = fig.subplots(1, 2)
    styles = [(BLUE, "-", "o"), (ORANGE, "--", "s"), (GREEN, "-.", "^")]
    epoch = explorer.epoch
    for setting, (color, style, marker) in zip(settings, styles, strict=False):
        probes = explorer.lookup(**setting)["probes"]
        probe = probes[min(epoch, len(probes) - 1)]  # as the view: the last one measured
        label = ", ".join(text(axes, name, setting[name]) for name in ("activation", "init"))
        label += f", s = {text(axes, 'scale', setting['scale'])}"
        label += ", BatchNorm" if setting["batchnorm"] else ""
        for ax, values in ((left, probe["rms"]), (right, probe["grad"])):
            ax.plot(
                range(1, len(values) + 1),
                [v if v > 0 else math.nan for v in values],
                color=color,
                linestyle=style,
                marker=marker,
                markersize=3,
                label=label,
            )
    left.set(yscale="log", xlabel="hidden layer", title="RMS of each hidden layer's output")
    right.set(yscale="log", xlabel="Linear layer", title="‖∂L/∂W‖ of each Linear layer")
    lo, hi = data["decades"]
    for ax in (left, right):
        ax.set_ylim(10.0**lo, 10.0**hi)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.legend(loc="lower left", fontsize=6.5)
    fig.suptitle(f"after {epoch} epochs" if epoch else "at initialisation", fontsize=8.5)
