"""Optimizer-paths explorer (chapter 5): five optimizers from one start on a two-parameter loss.

    from course.explorers import optimizer_paths_explorer; optimizer_paths_explorer()

On each surface of ``surfaces.SURFACES`` (the chapter's valley, aligned and turned by 45°, and a
tilted double well), Python runs ``scratchnn.optim``'s SGD, Momentum, Nesterov, RMSProp and Adam
for ``STEPS`` steps from the surface's start, in float64, at every learning rate of ``LRS`` and,
for the three that have one, every momentum μ / Adam β₁ of ``BETAS`` (RMSProp keeps α = 0.99,
Adam β₂ = 0.999). The model is a bare parameter ``w`` (``Point``) whose gradient is set from the
surface's formula before each ``step()``, as in the chapter.

A path that leaves the plotted square is cut there and marked as diverged: beyond it the numbers
grow without bound (and, for the nonlinear surface, chaotically), so nothing after the exit is
stored. Each stored path also records its loss at every step (4 decimals) and the first step at
which it comes within ``TOL`` of the minimum (Euclidean distance).

Cost: 3 surfaces × (12 + 12 + 3·12·5) = 612 paths of 100 steps on two numbers, and 3 contour
grids of 121 × 121 points.
"""

from __future__ import annotations

import contourpy
import torch
import traitlets

from scratchnn.layer import Layer
from scratchnn.optim import SGD, Adam, Momentum, Optimizer, RMSProp

from ._axes import Axes, Axis
from ._common import F64, LEARNING_JS, Explorer, Grid, bundle, round_decimals
from ._packing import levels, pack, rounded_clear
from .surfaces import SURFACES, Surface

OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "RMSProp", "Adam")
USES_BETA = ("Momentum", "Nesterov", "Adam")
LRS = (0.001, 0.002, 0.005, 0.012, 0.019, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
BETAS = (0.5, 0.8, 0.9, 0.95, 0.99)
STEPS = 100
TOL = 0.01  # "at the minimum": within this distance of it
DIGITS = 4  # decimals of the loss readouts
# Path coordinates: the nearest of 2049 points across the square, two characters each. A power
# of two puts 0 at a level's centre and every level edge at a decimal with 10 or more digits, so
# a path through a short decimal (w₂ = 2.5 after two momentum steps) is never on an edge.
COORD_LEVELS = 2048
# The explorer's contract. The view draws the five optimizers together: their axis indexes the
# runs but makes no control. SGD and RMSProp have no μ / β₁: their run at every beta is one
# run, stored once (at the first beta) and referred to by its index at the others.
AXES = Axes(
    Axis("surface", "surface", tuple(s.name for s in SURFACES), tuple(s.label for s in SURFACES)),
    Axis("optimizer", "optimizer", OPTIMIZERS, control=False),
    Axis("lr", "learning rate", LRS),
    Axis("beta", "μ / β₁", BETAS),
)
CONTOUR_GRID = 121
CONTOUR_LEVELS = {
    "valley": [0.5, 2, 8, 32, 128, 512],
    "basins": [-0.2, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0],
}


class Point(Layer):
    """A bare model: one parameter ``w`` (2,), whose gradient ``dw`` the caller sets."""

    param_names = ("w",)

    def __init__(self, w: torch.Tensor) -> None:
        self.w = w.clone()
        self.dw: torch.Tensor | None = None


def make_optimizer(name: str, model: Layer, lr: float, beta: float) -> Optimizer:
    """The named optimizer; ``beta`` is μ for the momentums, β₁ for Adam, unused otherwise."""
    if name == "SGD":
        return SGD(model, lr)
    if name in ("Momentum", "Nesterov"):
        return Momentum(model, lr, momentum=beta, nesterov=name == "Nesterov")
    if name == "RMSProp":
        return RMSProp(model, lr)
    return Adam(model, lr, betas=(beta, 0.999))


def inside(surface: Surface, w: torch.Tensor) -> bool:
    """Whether w (2,) is finite and inside the plotted square (edges included)."""
    x0, x1, y0, y1 = surface.box
    w1, w2 = w.tolist()
    return x0 <= w1 <= x1 and y0 <= w2 <= y1  # False for NaN as well


def descend(
    surface: Surface, name: str, lr: float, beta: float, steps: int = STEPS
) -> tuple[torch.Tensor, int | None]:
    """Positions w₀, w₁, … (k + 1, 2) up to the last one inside the square, and the exit step.

    The exit step is the first step whose position is outside the square (None if none is):
    the path is cut just before it.
    """
    point = Point(torch.tensor(surface.start, dtype=F64))
    optimizer = make_optimizer(name, point, lr, beta)
    path = [point.w.clone()]
    for step in range(1, steps + 1):
        point.dw = surface.grad(point.w)
        optimizer.step()
        if not inside(surface, point.w):
            return torch.stack(path), step
        path.append(point.w.clone())
    return torch.stack(path), None


def first_within(surface: Surface, path: torch.Tensor, tol: float = TOL) -> int | None:
    """The first step whose distance to the minimum is below ``tol``, or None."""
    distance = (path - torch.tensor(surface.minimum(), dtype=F64)).square().sum(-1).sqrt()
    close = (distance < tol).nonzero()
    return int(close[0, 0]) if len(close) else None


def contours(surface: Surface, n: int = CONTOUR_GRID) -> list[dict]:
    """Contour lines of L at the surface's levels: [{level, lines: [[[w₁, w₂], …], …]}]."""
    x0, x1, y0, y1 = surface.box
    # The grid from Python floats: torch.linspace rounds differently with each CPU's kernels,
    # and a grid point that moves by one bit can move where contourpy starts a closed line.
    w1 = torch.tensor([x0 + (x1 - x0) * k / (n - 1) for k in range(n)], dtype=F64)
    w2 = torch.tensor([y0 + (y1 - y0) * k / (n - 1) for k in range(n)], dtype=F64)
    g2, g1 = torch.meshgrid(w2, w1, indexing="ij")  # rows: w₂, columns: w₁
    z = surface.loss(torch.stack([g1, g2], dim=-1))
    generator = contourpy.contour_generator(g1.numpy(), g2.numpy(), z.numpy())
    out = []
    for level in CONTOUR_LEVELS[surface.kind]:
        lines = generator.lines(level)
        drawn = [round_decimals(torch.from_numpy(ln), 2) for ln in lines]
        out.append({"level": level, "lines": drawn})
    return out


def betas_of(name: str) -> tuple[float, ...]:
    """The μ / β₁ values an optimizer is run with (one placeholder for SGD and RMSProp)."""
    return BETAS if name in USES_BETA else (0.0,)


Paths = dict[str, list[list[tuple[torch.Tensor, int | None]]]]


def surface_paths(surface: Surface) -> Paths:
    """descend() for every optimizer, lr and beta: paths[name][lr index][beta index]."""
    return {
        name: [[descend(surface, name, lr, beta) for beta in betas_of(name)] for lr in LRS]
        for name in OPTIMIZERS
    }


def _path_payload(surface: Surface, path: torch.Tensor, exit_step: int | None) -> dict:
    x0, x1, y0, y1 = surface.box
    coords = torch.stack(
        [
            levels(path[:, 0], x0, x1, COORD_LEVELS, nearest=True),
            levels(path[:, 1], y0, y1, COORD_LEVELS, nearest=True),
        ],
        dim=1,
    )
    return {
        "xy": pack(coords, chars=2),
        "loss": rounded_clear(surface.loss(path), DIGITS),
        "reached": first_within(surface, path),
        "exit": exit_step,
    }


def paths_payload(tables: list[Paths] | None = None) -> dict:
    """Everything the view shows: each surface's drawing, and ``runs`` in ``AXES`` order.

    tables: ``surface_paths`` of each surface in SURFACES (computed when not given).
    """
    tables = [surface_paths(s) for s in SURFACES] if tables is None else tables
    surfaces, runs = [], []
    for surface, paths in zip(SURFACES, tables, strict=True):
        surfaces.append(
            {
                "label": surface.label,
                "box": list(surface.box),
                "start": list(surface.start),
                "minimum": round_decimals(torch.tensor(surface.minimum(), dtype=F64), 3),
                "contours": contours(surface),
            }
        )
        for name in OPTIMIZERS:
            for by_beta in paths[name]:
                for b in range(len(BETAS)):
                    if name in USES_BETA or b == 0:
                        runs.append(_path_payload(surface, *by_beta[b]))
                    else:  # the same run for every beta: refer to the one stored at b = 0
                        runs.append(len(runs) - b)
    return {
        "axes": AXES.to_json(),
        "steps": STEPS,
        "tol": TOL,
        "digits": DIGITS,
        "coord_levels": COORD_LEVELS,
        "surfaces": surfaces,
        "runs": runs,
    }


class OptimizerPathsExplorer(Explorer):
    """Contours, the five paths up to the chosen step, and each optimizer's readouts."""

    _esm = bundle(*LEARNING_JS, "optimizer_paths.js")
    explorer_name = "optimizer-paths"
    # One trait per controlled axis of AXES (the chosen index), and the step.
    surface = traitlets.Int(0).tag(sync=True)
    lr = traitlets.Int(0).tag(sync=True)
    beta = traitlets.Int(0).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)


def optimizer_paths_explorer(
    surface: str = "valley", lr: float = 0.019, beta: float = 0.9, step: int = STEPS
) -> OptimizerPathsExplorer:
    """A control per controlled axis of AXES (surface, learning rate, μ / β₁), a step slider
    and ▶ Play beside it."""
    start = AXES.start(surface=surface, lr=lr, beta=beta)
    steps = Grid(0, STEPS, 1)
    text = (
        "Press ▶ Play, drag the step slider, or drag across the loss plot (right; below on a "
        "phone). All five optimizers start at ★ with the same "
        "learning rate; μ / β₁ is the momentum of Momentum and Nesterov and Adam's β₁ "
        "(RMSProp keeps α = 0.99, Adam β₂ = 0.999). + marks the minimum. A path that leaves "
        f"the square has diverged and is cut there (✕). 'Within {TOL}' is the first step at "
        f"which a path comes within {TOL} of the minimum. Every point is a scratchnn.optim "
        "step, in float64."
    )
    summary = (
        f"OptimizerPathsExplorer({len(SURFACES)} surfaces, {len(OPTIMIZERS)} optimizers, "
        f"{len(LRS)} learning rates, {STEPS} steps)"
    )
    return OptimizerPathsExplorer(
        data=paths_payload(),
        controls=[*AXES.controls(), steps.control("step", "step")],
        caption=text,
        **start,
        step=int(steps.clamp(step)),
        summary=summary,
        lookup=lookup,
    )


def lookup(data: dict, **setting) -> dict:
    """The stored path of one setting (keywords surface, optimizer, lr, beta; ``beta`` is any of
    BETAS for SGD and RMSProp, which ignore it), as the view shows it: ``{"xy", "loss": per
    step, rounded; "reached": first step within TOL or None; "exit": the step that left the
    square or None}``."""
    run = data["runs"][AXES.index(**setting)]
    return data["runs"][run] if isinstance(run, int) else run


def path_of(explorer: Explorer, surface: str, optimizer: str, lr: float, beta: float) -> dict:
    """``explorer.lookup`` with the setting in ``AXES`` order, for a chapter's prose."""
    return explorer.lookup(surface=surface, optimizer=optimizer, lr=lr, beta=beta)
