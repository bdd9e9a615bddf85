"""Forward-pass explorer (chapter 3): a fixed 2→4→4→1 ReLU network, drawn neuron by neuron.

    from course.explorers import forward_pass_explorer; forward_pass_explorer()

The network is ``scratchnn.MLP([2, 4, 4, 1], "relu")`` in float64. Its weights are MLP's own
Xavier initialisation from seed ``SEED``; its biases, zero at initialisation, are then drawn from
N(0, 0.5²) with the same generator, so that the origin is not a special point (with zero biases a
ReLU network is positively homogeneous: f(a·x) = a·f(x) for a > 0).

Python runs ``MLP.forward`` layer by layer on every input the two sliders can reach, the
41 × 41 grid x₁, x₂ ∈ {−2, −1.9, …, 2}, in one batch of 1681 rows, and the view looks the
outputs up. Cost: one forward pass with B = 1681, about 2·B·(2·4 + 4·4 + 4·1) ≈ 94 000 FLOPs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import traitlets

from scratchnn.activations import ReLU
from scratchnn.mlp import MLP

from ._common import F64, SHARED_JS, Explorer, Grid, bundle, round_decimals

DIMS = [2, 4, 4, 1]
SEED = 7  # chosen so that every hidden unit is active on part of the grid and off on the rest
BIAS_STD = 0.5
INPUT_GRID = Grid(-2.0, 2.0, 0.1)
DIGITS = 3  # decimals printed for each neuron's output


def forward_pass_network() -> MLP:
    """The explorer's network, the same on every call (seeded, float64)."""
    generator = torch.Generator().manual_seed(SEED)
    net = MLP(DIMS, "relu", generator=generator, dtype=F64)
    for layer in net.layers[0::2]:  # the Linear layers
        layer.b = BIAS_STD * torch.randn(layer.b.shape, generator=generator, dtype=F64)
    return net


def grid_inputs(grid: Grid = INPUT_GRID) -> torch.Tensor:
    """(n², 2): row i·n + j is the input (x₁, x₂) = (grid[i], grid[j])."""
    values = grid.tensor()
    x1, x2 = torch.meshgrid(values, values, indexing="ij")
    return torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1)


@dataclass(frozen=True)
class ForwardTable:
    """Each layer's output on every grid input, full float64 precision.

    inputs: (n², 2).   outputs: [(n², 4), (n², 4), (n², 1)], after ReLU for the hidden layers.
    active: [(n², 4), (n², 4)] bool, the ReLU passes its input (its derivative is 1).
    weights: [(2, 4), (4, 4), (4, 1)] and biases: [(4,), (4,), (1,)], as in ``Linear``.
    """

    inputs: torch.Tensor
    outputs: list[torch.Tensor]
    active: list[torch.Tensor]
    weights: list[torch.Tensor]
    biases: list[torch.Tensor]


def forward_table(net: MLP | None = None, grid: Grid = INPUT_GRID) -> ForwardTable:
    """Run ``net`` (default: ``forward_pass_network()``) layer by layer on every grid input."""
    if net is None:
        net = forward_pass_network()
    h = inputs = grid_inputs(grid)
    outputs, active = [], []
    for layer in net.layers:
        h = layer.forward(h)
        if isinstance(layer, ReLU):
            outputs.append(h)
            # ReLU's backward of ones is its derivative: 1 where the unit is on, 0 where off.
            active.append(layer.backward(torch.ones_like(h)) == 1.0)
    outputs.append(h)  # the last Linear: no activation after it
    linears = net.layers[0::2]
    return ForwardTable(
        inputs, outputs, active, [lin.W for lin in linears], [lin.b for lin in linears]
    )


def _payload(table: ForwardTable, grid: Grid) -> dict:
    return {
        "grid": grid.to_json(),
        "dims": DIMS,
        "weights": [round_decimals(W, 4) for W in table.weights],
        # Flat, row-major: unit u of layer l at grid input k = i·n + j is entry k·width + u.
        "outputs": [round_decimals(out.reshape(-1), DIGITS) for out in table.outputs],
        "active": [
            "".join("1" if a else "0" for a in act.reshape(-1).tolist()) for act in table.active
        ],
        "scale": [round(out.abs().max().item(), 3) for out in table.outputs],
        "digits": DIGITS,
    }


class ForwardPassExplorer(Explorer):
    """The network drawing and the layer outputs for the input (x1, x2)."""

    _esm = bundle(*SHARED_JS, "forward_pass.js")
    explorer_name = "forward-pass"
    x1 = traitlets.Float(0.0).tag(sync=True)
    x2 = traitlets.Float(0.0).tag(sync=True)


def forward_pass_explorer(x1: float = 1.0, x2: float = -0.5) -> ForwardPassExplorer:
    """Two input sliders on [−2, 2] and the network, coloured by what each neuron outputs."""
    table = forward_table(forward_pass_network(), INPUT_GRID)
    text = (
        "A fixed, seeded 2→4→4→1 ReLU network (scratchnn.MLP, float64). Each circle shows the "
        "neuron's output; the stronger its colour, the larger (the output neuron: blue if "
        "positive, orange if negative). A hollow grey circle with a dashed "
        "outline is a ReLU that is off (output 0, gradient 0): the edges leaving it are faded "
        "because they carry nothing. Edge thickness is |w|; positive weights are solid blue, "
        "negative ones dashed orange. Every number is scratchnn's forward pass at that input."
    )
    summary = (
        f"ForwardPassExplorer(MLP {'→'.join(map(str, DIMS))}, relu, seed {SEED}, "
        f"x1, x2 from {INPUT_GRID.lo} to {INPUT_GRID.hi} step {INPUT_GRID.step})"
    )
    return ForwardPassExplorer(
        data=_payload(table, INPUT_GRID),
        controls=[INPUT_GRID.control("x1", "x₁"), INPUT_GRID.control("x2", "x₂")],
        caption=text,
        x1=INPUT_GRID.clamp(x1),
        x2=INPUT_GRID.clamp(x2),
        summary=summary,
        lookup=lookup,
    )


def lookup(data: dict, x1: float, x2: float) -> list[list[float]]:
    """What the view shows at input (x1, x2): each layer's outputs after the input, rounded as
    printed, ``[[h1 units], [h2 units], [output]]``."""
    grid = Grid.from_json(data["grid"])
    k = grid.index(x1) * grid.n + grid.index(x2)
    widths = DIMS[1:]
    return [flat[k * w : (k + 1) * w] for flat, w in zip(data["outputs"], widths, strict=True)]
