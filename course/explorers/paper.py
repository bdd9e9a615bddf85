"""The explorers on paper: a static figure of each, drawn from the numbers its view holds.

A widget needs a browser: LaTeX, and so the book's PDF, drops it. Each explorer therefore also
offers a vector figure (``application/pdf``) in its display bundle (``Explorer._repr_mimebundle_``
in ``_common.py``), next to the widget view. The HTML book shows the widget (the first choice of
myst-nb's HTML priority); the PDF, whose LaTeX builder takes ``application/pdf`` first, shows the
figure, in a numbered float whose caption (``PAPER[name].caption``: what the figure shows, what
to try on the live page, and that page's address) the book's Sphinx extension
``course._book_pdf`` adds.

Every number drawn here is read from the view's ``data`` (the payload the browser draws) at the
view's current control values, or at a few other positions of the same controls: nothing is
computed again, so the figure and the live page cannot disagree.

    from course.explorers.paper import figure; figure(activation_explorer())   # a Figure

Cost: one small matplotlib figure per explorer (well under a second).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..plotting import OKABE_ITO
from ._packing import unpack

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


def view_of(explorer: widgets.Widget) -> widgets.Widget:
    """The explorer's view: the widget holding ``data``, every number it can show."""
    return explorer.view


# Drawings: (fig, data, state) -> None, each reading only the payload -------------------------


def _activation(fig: Figure, data: dict, state: dict) -> None:
    """Three activations side by side: f, f′ and the shaded saturated region, with x marked."""
    names = data["names"]
    shown = [state["index"]]
    shown += [names.index(n) for n in ("sigmoid", "tanh", "relu") if n in names]
    shown = list(dict.fromkeys(shown))[:3]
    x = data["x"]
    axes = fig.subplots(1, len(shown), sharex=True)
    at = _grid_index(data["grid"], state["x"])
    for ax, a in zip(axes, shown, strict=True):
        f, df, sat = data["f"][a], data["df"][a], data["saturated"][a]
        ax.plot(x, f, color=BLUE, label="f(x)")
        ax.plot(x, df, color=ORANGE, linestyle="--", label="f′(x)")
        ymin, ymax = data["ylim"][a]
        ax.fill_between(
            x, ymin, ymax, where=[s == "1" for s in sat], color=GREY, alpha=0.2, linewidth=0
        )
        ax.axvline(x[at], color=INK, linestyle=":", linewidth=0.8)
        ax.plot([x[at]] * 2, [f[at], df[at]], "o", color=INK, markersize=3)
        ax.set(ylim=(ymin, ymax), xlabel="x", title=data["labels"][a])
        ax.text(
            0.03,
            0.97,
            f"x = {x[at]:g}\nf = {f[at]:.{data['digits']}f}\nf′ = {df[at]:.{data['digits']}f}",
            transform=ax.transAxes,
            va="top",
            fontsize=7,
        )
    axes[0].legend(loc="center left")


def _forward_pass(fig: Figure, data: dict, state: dict) -> None:
    """The network at the explorer's input and at a second input that turns other units off."""
    grid = data["grid"]
    here = (state["x1"], state["x2"])
    other = (-here[0] if here[0] else -1.0, -here[1] if here[1] else 1.0)
    for k, (x1, x2) in enumerate((here, other)):
        ax = fig.add_subplot(1, 2, k + 1)
        _network(ax, data, _grid_index(grid, x1) * grid["n"] + _grid_index(grid, x2), (x1, x2))


def _network(ax, data: dict, row: int, inputs: tuple[float, float]) -> None:
    dims, digits = data["dims"], data["digits"]
    values = [list(inputs)]
    on = [[True, True]]
    for layer, width in enumerate(dims[1:]):
        flat = data["outputs"][layer]
        values.append(flat[row * width : (row + 1) * width])
        if layer < len(data["active"]):
            bits = data["active"][layer][row * width : (row + 1) * width]
            on.append([b == "1" for b in bits])
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
                face, edge, style = _tint(tone, 0.15 + 0.85 * shade), INK, "-"
            ax.scatter(
                px, py, s=520, color=face, edgecolors=edge, linestyle=style, linewidths=1, zorder=2
            )
            text = f"{v:g}" if li == 0 else f"{v:.{digits}f}"
            dark = li > 0 and active and abs(v) / (scale[li] or 1.0) > 0.55
            ax.text(
                px,
                py,
                text,
                ha="center",
                va="center",
                fontsize=6.5,
                zorder=3,
                color="white" if dark else INK,
            )
    ax.set_title(f"input (x₁, x₂) = ({inputs[0]:g}, {inputs[1]:g})")
    ax.set_xlim(-0.4, len(dims) - 0.6)
    ax.set_ylim(-max(dims) / 2, max(dims) / 2)
    ax.axis("off")


def _tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = [int(color[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    return tuple(1 - amount * (1 - c) for c in rgb)


def _loss(fig: Figure, data: dict, state: dict) -> None:
    """The four losses and their gradients' sizes against ε, Huber at the explorer's δ."""
    eps = data["eps"]
    at = _grid_index(data["eps_grid"], state["eps"])
    d = _grid_index(data["delta_grid"], state["delta"])
    delta = data["delta_grid"]["lo"] + d * data["delta_grid"]["step"]
    curves = [
        ("MSE", data["mse"], BLUE, "-"),
        ("MAE", data["mae"], ORANGE, "--"),
        (f"Huber, δ = {delta:g}", data["huber"][d], GREEN, "-."),
        ("BCE", data["bce"], VERMILLION, ":"),
    ]
    left, right = fig.subplots(1, 2)
    for label, pair, color, style in curves:
        grad = [None if g is None else abs(g) for g in pair["grad"]]
        for ax, ys in ((left, pair["loss"]), (right, grad)):
            ax.plot(
                eps,
                [math.nan if y is None else y for y in ys],
                color=color,
                linestyle=style,
                label=label,
            )
            y = ys[at]
            if y is not None:
                ax.plot([eps[at]], [y], "o", color=color, markersize=3)
    for ax, what in ((left, "loss L(ε)"), (right, "|dL/dε|")):
        ax.axvline(eps[at], color=INK, linestyle=":", linewidth=0.8)
        ax.set(xlabel="ε (prediction error)", title=f"{what}, ε = {eps[at]:g}", ylim=(0, 4.5))
    left.legend(loc="upper center")


def _training(fig: Figure, data: dict, state: dict) -> None:
    """The predicted probability at three epochs of one run, and its loss curves."""
    index = _training_run(data, state)
    run = data["runs"][index]
    frames = unpack(run["frames"])
    pixels, box, levels = data["pixels"], data["box"], data["levels"]
    n_frames = len(frames) // pixels**2
    last = state["epoch"] // data["frame_every"]
    picks = sorted({0, min(last, n_frames - 1) // 4, min(last, n_frames - 1)})
    axes = fig.subplots(1, len(picks) + 1)
    points = data["points"][state["dataset"] * len(data["noises"]) + state["noise"]]
    xs, labels = points["x"], points["y"]
    cmap = _diverging()
    for ax, f in zip(axes, picks, strict=False):
        cells = frames[f * pixels**2 : (f + 1) * pixels**2]
        image = [
            [(cells[r * pixels + c] + 0.5) / levels for c in range(pixels)] for r in range(pixels)
        ]
        ax.imshow(
            image, extent=(-box, box, -box, box), cmap=cmap, vmin=0, vmax=1, interpolation="none"
        )
        ax.contour(
            _centres(pixels, box),
            _centres(pixels, box)[::-1],
            image,
            levels=[0.5],
            colors=INK,
            linewidths=1,
        )
        for label, marker, color in (("0", "o", ORANGE), ("1", "^", BLUE)):
            chosen = [p for p, y in zip(xs, labels, strict=True) if y == label]
            ax.scatter(
                [p[0] for p in chosen],
                [p[1] for p in chosen],
                s=6,
                marker=marker,
                c=color,
                edgecolors=INK,
                linewidths=0.3,
            )
        epoch = f * data["frame_every"] if f < n_frames - 1 or run["stopped"] is None else None
        epoch = run["stopped"] if epoch is None else epoch
        acc = run["train_acc"][f]
        ax.set_title(f"epoch {epoch}\ntraining accuracy {acc:g} %")
        ax.set(xlim=(-box, box), ylim=(-box, box), xticks=[-2, 0, 2], yticks=[-2, 0, 2])
        ax.set_aspect("equal")
        ax.grid(False)
    ax = axes[-1]
    ax.plot(run["train"], color=BLUE, label="training")
    ax.plot(run["val"], color=ORANGE, linestyle="--", label="validation")
    ax.set(xlabel="epoch", title="loss (BCE)", ylim=(0, None))
    ax.legend()
    setting = (
        f"{data['datasets'][state['dataset']]}, noise {data['noises'][state['noise']]:g}, "
        f"[2, w, w, 1] with w = {data['widths'][state['width']]}, "
        f"{data['activations'][state['activation']]}, learning rate {data['lrs'][state['lr']]:g}"
    )
    fig.suptitle(setting, fontsize=8.5)


def _training_run(data: dict, state: dict) -> int:
    index = state["dataset"]
    keys = (("noise", "noises"), ("width", "widths"), ("activation", "activations"), ("lr", "lrs"))
    for key, options in keys:
        index = index * len(data[options]) + state[key]
    return index


def _centres(pixels: int, box: float) -> list[float]:
    return [-box + (i + 0.5) * 2 * box / pixels for i in range(pixels)]


def _diverging():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("snn", [ORANGE, "#ffffff", BLUE])


OPTIMIZER_STYLE = {
    "SGD": (INK, "-"),
    "Momentum": (BLUE, "-"),
    "Nesterov": (SKY, "--"),
    "RMSProp": (GREEN, "-."),
    "Adam": (VERMILLION, ":"),
}


def _optimizer_paths(fig: Figure, data: dict, state: dict) -> None:
    """The five paths on the explorer's surface and on the two-basin surface, same settings."""
    shown = [state["surface"]]
    shown += [k for k, s in enumerate(data["surfaces"]) if s["label"] == "two basins"]
    shown = list(dict.fromkeys(shown))[:2]
    axes = fig.subplots(1, len(shown))
    lr, beta = data["lrs"][state["lr"]], data["betas"][state["beta"]]
    for ax, s in zip(axes, shown, strict=True):
        surface = data["surfaces"][s]
        x0, x1, y0, y1 = surface["box"]
        for contour in surface["contours"]:
            for line in contour["lines"]:
                ax.plot([p[0] for p in line], [p[1] for p in line], color="#bbbbbb", lw=0.6)
        for name in data["optimizers"]:
            by_beta = surface["paths"][name][state["lr"]]
            path = by_beta[state["beta"]] if len(by_beta) > 1 else by_beta[0]
            levels = unpack(path["xy"], 2)[: 2 * (state["step"] + 1)]
            m = data["coord_levels"]
            xs = [x0 + levels[k] / m * (x1 - x0) for k in range(0, len(levels), 2)]
            ys = [y0 + levels[k + 1] / m * (y1 - y0) for k in range(0, len(levels), 2)]
            color, style = OPTIMIZER_STYLE.get(name, (PURPLE, "-"))
            label = name if path["exit"] is None else f"{name} (diverged)"
            ax.plot(xs, ys, color=color, linestyle=style, linewidth=1.1, label=label)
            if path["exit"] is not None and path["exit"] <= state["step"]:
                ax.plot(xs[-1], ys[-1], "x", color=color, markersize=6)
        ax.plot(*surface["start"], "*", color=INK, markersize=9)
        ax.plot(*surface["minimum"], "+", color=INK, markersize=9, markeredgewidth=1.5)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="w₁", ylabel="w₂")
        ax.set_title(f"{surface['label']}: {state['step']} steps")
        ax.set_aspect("equal")
    axes[0].legend(loc="lower right", fontsize=6.5)
    fig.suptitle(f"learning rate {lr:g}, μ / β₁ = {beta:g}", fontsize=8.5)


def _gradient_flow(fig: Figure, data: dict, state: dict) -> None:
    """Activation RMS and weight-gradient norm per layer for the explorer's setting and two
    others: the same network with BatchNorm switched the other way, and ReLU with He init."""
    scales = data["scales"]

    def index(activation: int, init: int, scale: int, batchnorm: bool) -> int:
        return ((activation * len(data["inits"]) + init) * len(scales) + scale) * 2 + batchnorm

    here = (state["activation"], state["init"], state["scale"], bool(state["batchnorm"]))
    settings = [here, (*here[:3], not here[3])]
    if "ReLU" in data["activations"] and "He" in data["inits"]:
        relu = (data["activations"].index("ReLU"), data["inits"].index("He"), here[2], False)
        settings.append(relu)
    settings = list(dict.fromkeys(settings))
    left, right = fig.subplots(1, 2)
    styles = [(BLUE, "-", "o"), (ORANGE, "--", "s"), (GREEN, "-.", "^")]
    epoch = state["epoch"]
    for (a, i, s, bn), (color, style, marker) in zip(settings, styles, strict=False):
        run = data["runs"][index(a, i, s, bn)]
        label = f"{data['activations'][a]}, {data['inits'][i]}, s = {scales[s]:g}"
        label += ", BatchNorm" if bn else ""
        probes = run["probes"]
        probe = probes[min(epoch, len(probes) - 1)]
        for ax, values in ((left, probe["rms"]), (right, probe["grad"])):
            layers = range(1, len(values) + 1)
            ax.plot(
                layers,
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


def _grid_index(grid: dict, value: float) -> int:
    """The index of ``value`` on a ``Grid.to_json()`` grid (as ``Grid.index``)."""
    return min(grid["n"] - 1, max(0, round((value - grid["lo"]) / grid["step"])))


# What each explorer's figure shows, and what to try on the live page -----------------------


@dataclass(frozen=True)
class Paper:
    """One explorer on paper: its drawing, its height in inches and its caption's two halves."""

    draw: Callable[[Figure, dict, dict], None]
    height: float
    shows: str
    tries: str

    def caption(self, url: str) -> str:
        """The figure's caption, ending with the live page's address."""
        return f"{self.shows} On the live page, {self.tries}: {url}"


PAPER: dict[str, Paper] = {
    "activation": Paper(
        _activation,
        2.2,
        "The activation explorer: f (solid) and f′ (dashed) of three activations at one x, "
        "shaded where |f′| < 0.1, where a unit passes back a tenth of the gradient or less.",
        "pick any of the activations and drag x into the shaded tails",
    ),
    "forward-pass": Paper(
        _forward_pass,
        2.6,
        "The forward-pass explorer at two inputs: each neuron's output, a dashed grey circle "
        "for a ReLU that is off; edge width is |w|, solid blue positive, dashed orange negative.",
        "drag x₁ and x₂ and watch units switch off and on",
    ),
    "loss": Paper(
        _loss,
        2.4,
        "The loss explorer: each loss of one prediction against its error ε (left) "
        "and the size of its gradient (right).",
        "drag ε and Huber's δ, and compare the gradients far from zero",
    ),
    "training": Paper(
        _training,
        2.2,
        "The training explorer, one run: the predicted probability from orange (class 0) to "
        "blue (class 1) with the boundary σ(z) = 0.5, at three epochs, and the loss curves.",
        "press ▶ Play, and try the other datasets, widths and learning rates",
    ),
    "optimizer-paths": Paper(
        _optimizer_paths,
        3.1,
        "The optimizer-paths explorer: SGD, Momentum, Nesterov, RMSProp and Adam from ★ on "
        "the valley and on the two basins, with + the minimum.",
        "change the learning rate and μ / β₁, and play the paths step by step",
    ),
    "gradient-flow": Paper(
        _gradient_flow,
        2.5,
        "The gradient-flow explorer: per-layer activation size and weight-gradient norm of the "
        "12-layer network, for sigmoid with and without BatchNorm and for ReLU with He "
        "initialisation, on log axes.",
        "change the activation, initialisation and scale, and train for up to three epochs",
    ),
}


def figure(explorer: widgets.Widget) -> Figure:
    """The explorer's static figure at its view's current control values."""
    import matplotlib as mpl

    name = explorer.explorer_name
    paper = PAPER[name]
    view = view_of(explorer)
    state = {key: getattr(view, key) for key in view.trait_names(sync=True)}
    with mpl.rc_context(RC):
        fig = Figure(figsize=(WIDTH, paper.height), layout="constrained")
        paper.draw(fig, view.data, state)
    return fig


def figure_pdf(explorer: widgets.Widget) -> str:
    """``figure(explorer)`` as a PDF, base64-encoded (a notebook's ``application/pdf``).

    Byte for byte the same on every run: no creation date, matplotlib's fixed producer string.
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        figure(explorer).savefig(buffer, format="pdf", metadata={"CreationDate": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")
