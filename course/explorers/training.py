"""Training explorer (chapter 4): watch a small MLP learn a two-class problem in the plane.

    from course.explorers import training_explorer; training_explorer()

For every combination of the controls (4 datasets × 2 noise levels × 2 widths × 2 activations ×
3 learning rates = 96 runs) Python trains ``scratchnn.MLP([2, w, w, 1], act)`` in float64 with
``BCEWithLogitsLoss`` and ``scratchnn.optim.SGD``, full batch (one step per epoch on all 200
training points), for ``EPOCHS`` epochs, and records at every epoch the training and validation
loss and accuracy, and every ``FRAME_EVERY`` epochs the predicted probability σ(z) on a
``PIXELS`` × ``PIXELS`` grid over the square [−2, 2]², quantised to 64 levels.

A run whose training loss rises above its starting value is *stopped* there: the learning rate is
too large. Stopping is not only honest (the loss is no longer going down); it also keeps the page
machine-independent, because past that point training is chaotic, and the last bit in which two
machines' float64 sums differ would soon change every digit.

Same data seed for both noise levels (only the jitter's size changes, so the points move as the
noise slider does), same initial weights for every dataset and learning rate at a given width.
Cost: 96 runs, at most 201 full-batch steps each on 200 rows, plus forward passes on the 200
validation rows and 576 grid points: a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import traitlets

from scratchnn import ACTIVATIONS, MLP, BCEWithLogitsLoss, sigmoid
from scratchnn.optim import SGD

from ._axes import Axes, Axis
from ._common import F64, LEARNING_JS, Explorer, Grid, bundle, round_decimals
from ._packing import levels, pack, rounded_clear
from .planar import DATASETS
from .planar import LABELS as DATASET_LABELS

NOISES = (0.1, 0.25)
WIDTHS = (4, 16)
TRAINED = ("tanh", "relu")  # the activations the explorer trains with, from the registry
LRS = (0.03, 0.3, 10.0)
# The explorer's contract: its controls, settings, run index and the payload's axes block.
AXES = Axes(
    Axis("dataset", "data", tuple(DATASETS), tuple(DATASET_LABELS[d] for d in DATASETS)),
    Axis("noise", "noise", NOISES),
    Axis("width", "width", WIDTHS),
    Axis("activation", "activation", TRAINED, tuple(ACTIVATIONS[a].label for a in TRAINED)),
    Axis("lr", "learning rate", LRS),
)
EPOCHS = 200
FRAME_EVERY = 10  # the epoch slider's step: one heatmap per position
N_POINTS = 200  # training points, and as many validation points
DATA_SEED, INIT_SEED = 1, 2
BOX = 2.0  # the heatmap covers [−BOX, BOX]²
PIXELS = 24
LEVELS = 64  # probability levels of the heatmap: 1/64 is finer than the eye can see
DIGITS = 3  # decimals of every loss shown


def dataset_split(
    name: str, noise: float
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """x_train (200, 2), y_train (200, 1), x_val, y_val, all from one seeded generator."""
    generator = torch.Generator().manual_seed(DATA_SEED)
    x, y = DATASETS[name](N_POINTS, generator, noise)
    x_val, y_val = DATASETS[name](N_POINTS, generator, noise)
    return x, y, x_val, y_val


def pixel_inputs(pixels: int = PIXELS, box: float = BOX) -> torch.Tensor:
    """(pixels², 2) cell centres, row-major from the top-left: row r has x₂ falling, column c x₁."""
    centres = [(-box + (i + 0.5) * 2 * box / pixels) for i in range(pixels)]
    values = torch.tensor(centres, dtype=F64)
    x2, x1 = torch.meshgrid(values.flip(0), values, indexing="ij")
    return torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1)


@dataclass(frozen=True)
class TrainingRun:
    """One run's record, full float64. Lists hold one entry per epoch 0 … last (≤ EPOCHS).

    frames: (F, pixels²) σ(z) at ``frame_epochs`` (every FRAME_EVERY epochs up to the last, and
    the last epoch itself if the run stopped there). stopped: the epoch whose training loss first
    exceeded epoch 0's, or None.
    """

    train_loss: list[float]
    val_loss: list[float]
    train_acc: list[float]
    val_acc: list[float]
    frames: torch.Tensor
    frame_epochs: list[int]
    stopped: int | None


def _accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Share of rows where z > 0 (σ(z) > 0.5) agrees with the label."""
    return ((logits > 0).to(F64) == y).to(F64).mean().item()


def new_model(width: int, activation: str) -> MLP:
    """The run's network, before training: the same weights for every dataset and lr."""
    generator = torch.Generator().manual_seed(INIT_SEED)
    return MLP([2, width, width, 1], activation, generator=generator, dtype=F64)


def train_run(
    dataset: str,
    noise: float,
    width: int,
    activation: str,
    lr: float,
    *,
    epochs: int = EPOCHS,
    frame_every: int = FRAME_EVERY,
    model: MLP | None = None,
) -> TrainingRun:
    """Train one setting; ``model`` (default ``new_model``) lets a test start from other weights."""
    x, y, x_val, y_val = dataset_split(dataset, noise)
    model = model or new_model(width, activation)
    optimizer, loss, grid = SGD(model, lr), BCEWithLogitsLoss(), pixel_inputs()
    record: dict[str, list[float]] = {"train": [], "val": [], "train_acc": [], "val_acc": []}
    frames, frame_epochs, stopped = [], [], None
    for epoch in range(epochs + 1):
        logits = model.forward(x)
        train = loss.forward(logits, y).item()
        record["train"].append(train)
        record["train_acc"].append(_accuracy(logits, y))
        if epoch > 0 and not train <= record["train"][0]:  # also catches NaN
            stopped = epoch
        else:
            model.backward(loss.backward(), need_dx=False)  # dW, db kept for the step below
        val_logits = model.forward(x_val)  # overwrites forward caches, not the gradients
        record["val"].append(loss.forward(val_logits, y_val).item())
        record["val_acc"].append(_accuracy(val_logits, y_val))
        if epoch % frame_every == 0 or stopped is not None:
            frames.append(sigmoid(model.forward(grid))[:, 0])
            frame_epochs.append(epoch)
        if stopped is not None:
            break
        if epoch < epochs:
            optimizer.step()
    return TrainingRun(
        record["train"],
        record["val"],
        record["train_acc"],
        record["val_acc"],
        torch.stack(frames),
        frame_epochs,
        stopped,
    )


def settings() -> list[tuple[str, float, int, str, float]]:
    """Every (dataset, noise, width, activation, lr), in the order the payload stores them."""
    return AXES.settings()


def _run_payload(run: TrainingRun) -> dict:
    return {
        "train": rounded_clear(torch.tensor(run.train_loss, dtype=F64), DIGITS),
        "val": rounded_clear(torch.tensor(run.val_loss, dtype=F64), DIGITS),
        # Accuracies only where the slider can stop; as percentages (multiples of 0.5: exact).
        "train_acc": [round(100 * run.train_acc[e], 1) for e in run.frame_epochs],
        "val_acc": [round(100 * run.val_acc[e], 1) for e in run.frame_epochs],
        "frames": pack(levels(run.frames, 0.0, 1.0, LEVELS)),
        "stopped": run.stopped,
    }


def training_runs() -> list[TrainingRun]:
    """One run per setting, in the order of ``settings()``: the explorer's whole computation."""
    return [train_run(*setting) for setting in settings()]


def training_payload(runs: list[TrainingRun] | None = None) -> dict:
    """Everything the view shows (``runs``: default ``training_runs()``), rounded and packed."""
    runs = training_runs() if runs is None else runs
    points = []  # the datasets' points, indexed by the first two axes (dataset, noise)
    for name, noise in Axes(*AXES[:2]).settings():
        x, y, _, _ = dataset_split(name, noise)
        points.append({"x": round_decimals(x, 2), "y": "".join(str(int(v)) for v in y[:, 0])})
    return {
        "axes": AXES.to_json(),
        "epochs": EPOCHS,
        "frame_every": FRAME_EVERY,
        "pixels": PIXELS,
        "box": BOX,
        "levels": LEVELS,
        "digits": DIGITS,
        "points": points,
        "runs": [_run_payload(run) for run in runs],
    }


class TrainingExplorer(Explorer):
    """The probability heatmap with the training points, the loss curves and the readouts."""

    _esm = bundle(*LEARNING_JS, "training.js")
    explorer_name = "training"
    # One trait per axis of AXES (the chosen index; a test checks they match), and the epoch.
    dataset = traitlets.Int(0).tag(sync=True)
    noise = traitlets.Int(0).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    activation = traitlets.Int(0).tag(sync=True)
    lr = traitlets.Int(0).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)


def training_explorer(
    dataset: str = "moons",
    noise: float = 0.1,
    width: int = 16,
    activation: str = "tanh",
    lr: float = 0.3,
    epoch: int = EPOCHS,
) -> TrainingExplorer:
    """A control per axis of AXES (data, noise, width, activation, learning rate), an epoch
    slider and ▶ Play beside it."""
    start = AXES.start(dataset=dataset, noise=noise, width=width, activation=activation, lr=lr)
    epochs = Grid(0, EPOCHS, FRAME_EVERY)
    text = (
        "Press ▶ Play, drag the epoch slider, or drag across the loss plot (right; below it on "
        "a phone). Each setting is a real run: scratchnn.MLP("
        f"[2, w, w, 1]) trained by full-batch SGD on {N_POINTS} points with BCEWithLogitsLoss, "
        "in float64. Left (top on a phone): the predicted probability of class 1, σ(z), from "
        "orange (0) through white to blue (1); the black line is the decision boundary "
        "σ(z) = 0.5; discs are class 0, triangles class 1. Right (below it): the training "
        "(solid) and validation (dashed) loss. A run whose training loss rises above its "
        "starting value is stopped there: its learning rate is too large."
    )
    summary = (
        f"TrainingExplorer({len(settings())} runs: 4 datasets, MLP [2, w, w, 1], SGD, "
        f"{EPOCHS} epochs)"
    )
    return TrainingExplorer(
        data=training_payload(),
        controls=[*AXES.controls(), epochs.control("epoch", "epoch")],
        caption=text,
        **start,
        epoch=int(epochs.values()[epochs.index(epoch)]),
        summary=summary,
        lookup=lookup,
    )


def lookup(data: dict, **setting) -> dict:
    """The stored run (rounded, as the view shows it) of one setting: keywords dataset, noise,
    width, activation, lr. Returns ``{"train", "val": loss per epoch; "train_acc", "val_acc": %
    per FRAME_EVERY epochs; "frames"; "stopped": epoch or None}``."""
    return data["runs"][AXES.index(**setting)]


def run_of(
    explorer: Explorer, dataset: str, noise: float, width: int, activation: str, lr: float
) -> dict:
    """``explorer.lookup`` with the setting in ``settings()`` order, for a chapter's prose."""
    return explorer.lookup(dataset=dataset, noise=noise, width=width, activation=activation, lr=lr)
