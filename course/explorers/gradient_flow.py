"""Gradient-flow explorer (chapter 6): activation sizes and weight gradients, layer by layer.

    from course.explorers import gradient_flow_explorer; gradient_flow_explorer()

The network is chapter 6's: ``DEPTH`` hidden layers of width ``WIDTH`` on scikit-learn's 8×8
digits (64 inputs, 10 classes, ``SoftmaxCELoss``), each hidden layer Linear → [BatchNorm1d] →
activation, in float64. For every setting of the controls (4 activations × 2 initialisations ×
5 scales × BatchNorm on/off = 80 networks) Python measures, on a fixed probe batch of 256
training rows in training mode, the RMS of every hidden activation and ‖∂L/∂W‖ (Frobenius) of
every Linear layer: at initialisation and after each of ``EPOCHS`` epochs of plain SGD
(``LR``, batches of ``BATCH``; the ragged last batch is dropped, so BatchNorm always sees
``BATCH`` rows).

Initialisation: Xavier is ``Linear``'s own N(0, 2/(M + N)); He rescales it to N(0, 2/M); the
scale slider then multiplies every weight (the standard deviation) by s.

A run whose batch loss becomes non-finite or exceeds ``LOSS_LIMIT`` has diverged: it is stopped
there and nothing after it is stored (past that point the numbers are overflow and chaos, not
something two machines would agree on). A tanh network without BatchNorm whose hidden weights
have σ_w = s·√(fan_in·Var W) ≥ ``CHAOS_SIGMA`` is not trained at all: it is deep in the chaotic
phase of tanh networks (σ_w > 1; Poole et al., 2016), where two starts that differ in the last
bit of one weight, or two CPUs that round one sum differently, give visibly different networks
after a single epoch. Only its initialisation, which is not chaotic in that sense, is stored.

Cost: 80 networks × (3 epochs × 9 steps + 4 probes) forward and backward passes through 13
Linear layers of width ≤ 64 on 128 or 256 rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import torch
import traitlets

from scratchnn import (
    ACTIVATIONS,
    Activation,
    BatchNorm1d,
    Linear,
    Sequential,
    SoftmaxCELoss,
    get_activation,
)
from scratchnn.data import batches, digits_dataset
from scratchnn.layer import Layer

from ._axes import Axes, Axis
from ._common import F64, LEARNING_JS, Explorer, Grid, bundle
from ._packing import rounded_clear

COMPARED = ("sigmoid", "tanh", "relu", "gelu")  # the activations compared, from the registry
INITS = ("xavier", "he")
SCALES = (0.5, 0.75, 1.0, 1.5, 2.0)
# The explorer's contract: its controls, settings, run index and the payload's axes block.
AXES = Axes(
    Axis("activation", "activation", COMPARED, tuple(ACTIVATIONS[a].label for a in COMPARED)),
    Axis("init", "init", INITS, ("Xavier", "He")),
    Axis("scale", "scale s", SCALES),
    Axis("batchnorm", "BatchNorm", (False, True), ("off", "on")),
)
DEPTH, WIDTH, N_CLASSES = 12, 32, 10
EPOCHS, LR, BATCH = 3, 0.1, 128
PROBE_ROWS = 256
LOSS_LIMIT = 1e3  # a batch loss above this (log 10 ≈ 2.3 is a uniform guess) has diverged
CHAOS_SIGMA = 2.0  # tanh without BatchNorm from this σ_w on: training is chaotic (see above)
DATA_SEED, INIT_SEED, SHUFFLE_SEED = 9, 0, 100  # DATA_SEED: the book's one split of the digits
SIGNIFICANT = 3  # significant digits of the bars' values and the ratios


@cache
def digits_train() -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's training split: x (1257, 64) float64, y (1257,) int64."""
    return digits_dataset(generator=torch.Generator().manual_seed(DATA_SEED))["train"]


def deep_net(activation: str, init: str, scale: float, batchnorm: bool) -> Sequential:
    """DEPTH × (Linear → [BatchNorm1d] → activation), then Linear to 10 logits; seeded."""
    generator = torch.Generator().manual_seed(INIT_SEED)
    layers: list[Layer] = []
    width_in = digits_train()[0].shape[1]
    for _ in range(DEPTH):
        linear = Linear(width_in, WIDTH, generator=generator, dtype=F64)
        he = math.sqrt((width_in + WIDTH) / width_in) if init == "he" else 1.0
        linear.W.mul_(he * scale)  # Xavier's N(0, 2/(M + N)) -> s·He's N(0, 2/M) or s·Xavier
        layers.append(linear)
        if batchnorm:
            layers.append(BatchNorm1d(WIDTH, dtype=F64))
        layers.append(get_activation(activation)())
        width_in = WIDTH
    output = Linear(width_in, N_CLASSES, generator=generator, dtype=F64)
    output.W.mul_(scale)
    layers.append(output)
    return Sequential(layers)


@dataclass(frozen=True)
class Probe:
    """One measurement on the probe batch, full float64.

    rms: (DEPTH,) RMS of each hidden activation's output.  grad: (DEPTH + 1,) ‖∂L/∂W‖ of each
    Linear (the last is the output layer).  loss: the probe batch's loss.
    """

    rms: list[float]
    grad: list[float]
    loss: float


def probe(model: Sequential) -> Probe:
    """Forward and backward on the first PROBE_ROWS training rows, in training mode."""
    x, y = digits_train()
    h, rms = x[:PROBE_ROWS], []
    for layer in model.layers:
        h = layer.forward(h)
        if isinstance(layer, Activation):
            rms.append(h.square().mean().sqrt().item())
    loss = SoftmaxCELoss()
    value = loss.forward(h, y[:PROBE_ROWS]).item()
    model.backward(loss.backward(), need_dx=False)
    grads = [layer.dW.norm().item() for layer in model.layers if isinstance(layer, Linear)]
    return Probe(rms, grads, value)


@dataclass(frozen=True)
class FlowRun:
    """probes[k]: after k epochs (k = 0 … last); diverged: (epoch, step, loss) or None.

    batch_losses[e]: every training batch's loss in epoch e + 1. chaotic: not trained, see
    ``sigma_w``.
    """

    probes: list[Probe]
    diverged: tuple[int, int, float] | None
    batch_losses: list[list[float]]
    chaotic: bool


def sigma_w(init: str, scale: float) -> float:
    """σ_w of the 32 → 32 hidden layers: Var W = σ_w²/fan_in (Xavier: 2/(32 + 32) = 1/32)."""
    return scale * (math.sqrt(2.0) if init == "he" else 1.0)


def is_chaotic(activation: str, init: str, scale: float, batchnorm: bool) -> bool:
    """Whether the setting is a tanh network without BatchNorm deep in the chaotic phase."""
    return activation == "tanh" and not batchnorm and sigma_w(init, scale) >= CHAOS_SIGMA


def flow_run(
    activation: str, init: str, scale: float, batchnorm: bool, *, model: Sequential | None = None
) -> FlowRun:
    """Probe at initialisation, then train EPOCHS epochs, probing after each.

    model: default ``deep_net`` of the setting (a test may pass a perturbed copy).
    """
    model = model or deep_net(activation, init, scale, batchnorm)
    x, y = digits_train()
    loss, shuffle = SoftmaxCELoss(), torch.Generator().manual_seed(SHUFFLE_SEED)
    probes, losses = [probe(model)], []
    if is_chaotic(activation, init, scale, batchnorm):
        return FlowRun(probes, None, losses, True)
    for epoch in range(1, EPOCHS + 1):
        losses.append([])
        for step, (xb, yb) in enumerate(batches(x, y, BATCH, generator=shuffle), start=1):
            if len(yb) < BATCH:
                continue  # the ragged last batch: see the module docstring
            value = loss.forward(model.forward(xb), yb).item()
            losses[-1].append(value)
            if not value <= LOSS_LIMIT:  # NaN fails this too
                return FlowRun(probes, (epoch, step, value), losses, False)
            model.backward(loss.backward(), need_dx=False)
            model.step(LR)
        probes.append(probe(model))
    return FlowRun(probes, None, losses, False)


def settings() -> list[tuple[str, str, float, bool]]:
    """Every (activation, init, scale, batchnorm), in the payload's order."""
    return AXES.settings()


def sig(value: float, digits: int = SIGNIFICANT) -> float:
    """``value`` to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    return rounded_clear(torch.tensor(value, dtype=F64), decimals)


def ratio_text(numerator: float, denominator: float) -> str:
    """numerator / denominator as the view prints it: 3 significant digits, or why not."""
    if denominator == 0:
        return "undefined (0 / 0)" if numerator == 0 else "infinite (÷ 0)"
    return f"{sig(numerator / denominator):.{SIGNIFICANT}g}"


def _probe_payload(p: Probe) -> dict:
    return {
        "rms": [sig(v) for v in p.rms],
        "grad": [sig(v) for v in p.grad],
        "loss": rounded_clear(torch.tensor(p.loss, dtype=F64), 4),
        "act_ratio": ratio_text(p.rms[-1], p.rms[0]),  # forward: what reaches the last layer
        "grad_ratio": ratio_text(p.grad[0], p.grad[-1]),  # backward: what reaches the first
    }


def flow_runs() -> list[FlowRun]:
    return [flow_run(*setting) for setting in settings()]


def flow_payload(runs: list[FlowRun] | None = None) -> dict:
    """Everything the view shows, one entry per setting (``settings`` order)."""
    runs = flow_runs() if runs is None else runs
    values = [v for run in runs for p in run.probes for v in p.rms + p.grad if v > 0]
    return {
        "axes": AXES.to_json(),
        "epochs": EPOCHS,
        "depth": DEPTH,
        # The bars' common log axis: whole decades around every value shown.
        "decades": [math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))],
        "runs": [
            {
                "probes": [_probe_payload(p) for p in run.probes],
                "chaotic": run.chaotic,
                "diverged": None
                if run.diverged is None
                else {
                    "epoch": run.diverged[0],
                    "step": run.diverged[1],
                    "loss": "not a number"
                    if math.isnan(run.diverged[2])
                    else f"{sig(run.diverged[2]):.{SIGNIFICANT}g}",
                },
            }
            for run in runs
        ],
    }


def lookup(data: dict, **setting) -> dict:
    """The stored run of one setting (keywords activation, init, scale, batchnorm), as the view
    shows it: ``{"probes": [after k epochs: {"rms", "grad", "loss", "act_ratio",
    "grad_ratio"}], "chaotic": bool, "diverged": None or {"epoch", "step", "loss"}}``; the ratios
    are text, as the readouts print them."""
    return data["runs"][AXES.index(**setting)]


def flow_of(explorer: Explorer, activation: str, init: str, scale: float, batchnorm: bool) -> dict:
    """``explorer.lookup`` with the setting in ``settings()`` order, for a chapter's prose."""
    return explorer.lookup(activation=activation, init=init, scale=scale, batchnorm=batchnorm)


class GradientFlowExplorer(Explorer):
    """Per-layer bars of activation RMS and ‖∂L/∂W‖ on log axes, and the ratio readouts."""

    _esm = bundle(*LEARNING_JS, "gradient_flow.js")
    explorer_name = "gradient-flow"
    # One trait per axis of AXES (the chosen index), and the epoch.
    activation = traitlets.Int(0).tag(sync=True)
    init = traitlets.Int(0).tag(sync=True)
    scale = traitlets.Int(0).tag(sync=True)
    batchnorm = traitlets.Int(0).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)


def gradient_flow_explorer(
    activation: str = "sigmoid",
    init: str = "xavier",
    scale: float = 1.0,
    batchnorm: bool = False,
    epoch: int = 0,
) -> GradientFlowExplorer:
    """A control per axis of AXES (activation, init, scale, BatchNorm) and an epochs slider."""
    start = AXES.start(activation=activation, init=init, scale=scale, batchnorm=batchnorm)
    epochs = Grid(0, EPOCHS, 1)
    text = (
        f"{DEPTH} hidden layers of width {WIDTH} on the digits (scratchnn, float64). Left (top "
        "on a phone): the RMS of each hidden layer's output; right (below it): ‖∂L/∂W‖ of each "
        f"Linear layer ({DEPTH + 1} is the output layer), both on a log scale, measured on "
        f"{PROBE_ROWS} training rows. 'epochs' 0 is the initialisation; k is after k epochs of "
        f"SGD (learning rate {LR}, batches of {BATCH}). The scale s multiplies every initial "
        "weight. A run that diverged, or was not trained, shows its last measured bars greyed, "
        "and says why."
    )
    summary = (
        f"GradientFlowExplorer({len(settings())} networks of {DEPTH} hidden layers, "
        f"{EPOCHS} epochs each)"
    )
    return GradientFlowExplorer(
        data=flow_payload(),
        controls=[*AXES.controls(), epochs.control("epoch", "epochs")],
        caption=text,
        **start,
        epoch=int(epochs.clamp(epoch)),
        summary=summary,
        lookup=lookup,
    )
