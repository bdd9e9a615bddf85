"""Loss explorer (chapter 4): MSE, MAE, Huber and BCE as functions of one prediction's error ε.

    from course.explorers import loss_explorer; loss_explorer()

Each value is the library loss of a single prediction (B·N = 1, so the mean is that one term):
``forward`` gives L(ε) and ``backward`` gives dL/dε, at every ε the slider can take
(−3, −2.95, …, 3) and, for Huber, at every δ its slider can take (0.1, 0.2, …, 3).

- MSE, MAE, Huber: prediction ε, target 0, so the error pred − target is ε.
- BCE works on a probability p ∈ [0, 1], so ε is the probability error p − y: for ε ≤ 0 the
  label is y = 1 and p = 1 + ε; for ε > 0 the label is y = 0 and p = ε. Either way
  ``L = −log(1 − |ε|)`` and ``dL/dε = dL/dp = sign(ε)/(1 − |ε|)``. It is defined only for
  ``|ε| < 1`` (``|ε| = 1`` is a certain, wrong prediction: log 0); there the view shows no
  value. At ε = 0 the slopes from the two sides are −1 and +1: like MAE's, the library returns 0
  there.

Cost: (3 + 30)·121 ≈ 4000 single-element losses (MSE, MAE, BCE, and Huber at 30 δ).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import traitlets

from scratchnn.losses import BCELoss, HuberLoss, Loss, MAELoss, MSELoss

from ._common import SHARED_JS, Explorer, Grid, bundle, round_decimals

EPS_GRID = Grid(-3.0, 3.0, 0.05)
DELTA_GRID = Grid(0.1, 3.0, 0.1)
DIGITS = 4  # decimals printed for every loss and gradient


def _one(loss: Loss, pred: float, target: float) -> tuple[float, float]:
    """(L, dL/dpred) of one prediction: a (1, 1) batch, so the mean is that single term."""
    p = torch.tensor([[pred]], dtype=torch.float64)
    y = torch.tensor([[target]], dtype=torch.float64)
    value = loss.forward(p, y)
    return value.item(), loss.backward().item()


def bce_point(eps: float) -> tuple[float, float] | None:
    """The (p, y) that BCE's ε stands for, or None where ``|ε| ≥ 1`` (no such probability)."""
    if abs(eps) >= 1.0:
        return None
    return (1.0 + eps, 1.0) if eps <= 0 else (eps, 0.0)


@dataclass(frozen=True)
class LossTable:
    """Loss values and gradients dL/dε on the grids, full float64 precision.

    eps: (n,).  deltas: (m,).  mse, mae, bce: (2, n) rows [L, dL/dε] (BCE: NaN where ``|ε| ≥ 1``).
    huber: (m, 2, n), one [L, dL/dε] pair of rows per δ.
    """

    eps: list[float]
    deltas: list[float]
    mse: torch.Tensor
    mae: torch.Tensor
    huber: torch.Tensor
    bce: torch.Tensor


def loss_table(eps_grid: Grid = EPS_GRID, delta_grid: Grid = DELTA_GRID) -> LossTable:
    """Evaluate each loss, one prediction at a time, at every ε (and every δ for Huber)."""
    eps, deltas = eps_grid.values(), delta_grid.values()
    nan = (float("nan"), float("nan"))

    def curve(loss: Loss) -> torch.Tensor:
        return torch.tensor([_one(loss, e, 0.0) for e in eps], dtype=torch.float64).T

    bce_rows = []
    for e in eps:
        point = bce_point(e)
        bce_rows.append(nan if point is None else _one(BCELoss(), *point))
    return LossTable(
        eps,
        deltas,
        curve(MSELoss()),
        curve(MAELoss()),
        torch.stack([curve(HuberLoss(delta)) for delta in deltas]),
        torch.tensor(bce_rows, dtype=torch.float64).T,
    )


def _payload(table: LossTable, eps_grid: Grid, delta_grid: Grid) -> dict:
    def pair(rows: torch.Tensor) -> dict:
        loss, grad = round_decimals(rows[0], DIGITS), round_decimals(rows[1], DIGITS)
        none = [None if v != v else v for v in loss]  # NaN (BCE's |ε| ≥ 1) -> null in JSON
        return {"loss": none, "grad": [None if v != v else v for v in grad]}

    return {
        "eps_grid": eps_grid.to_json(),
        "delta_grid": delta_grid.to_json(),
        "eps": table.eps,
        "mse": pair(table.mse),
        "mae": pair(table.mae),
        "huber": [pair(rows) for rows in table.huber],
        "bce": pair(table.bce),
        "digits": DIGITS,
    }


class LossExplorer(Explorer):
    """Loss and ``|dL/dε|`` plots of the four losses, and the readouts at ε."""

    _esm = bundle(*SHARED_JS, "loss.js")
    explorer_name = "loss"
    eps = traitlets.Float(0.0).tag(sync=True)
    delta = traitlets.Float(1.0).tag(sync=True)


def loss_explorer(eps: float = 0.5, delta: float = 1.0) -> LossExplorer:
    """An error slider on [−3, 3], a Huber δ slider on [0.1, 3] and the live plots."""
    table = loss_table(EPS_GRID, DELTA_GRID)
    text = (
        "Drag the ε slider, or drag across either plot: the dashed line follows. One "
        "prediction, so the mean is that one term. MSE, MAE and Huber: prediction ε, target 0. "
        "BCE takes a probability, so here ε is "
        "the probability error p − y (label y = 1 and p = 1 + ε for ε ≤ 0; y = 0 and p = ε for "
        "ε &gt; 0): L = −log(1 − |ε|), defined only for |ε| &lt; 1. Measured against the logit "
        "z instead, BCE's gradient is σ(z) − y = ε, never larger than 1. Every number is "
        "scratchnn's forward and backward at that ε."
    )
    summary = (
        f"LossExplorer(MSE, MAE, Huber, BCE; eps from {EPS_GRID.lo} to {EPS_GRID.hi} step "
        f"{EPS_GRID.step}; delta from {DELTA_GRID.lo} to {DELTA_GRID.hi} step {DELTA_GRID.step})"
    )
    return LossExplorer(
        data=_payload(table, EPS_GRID, DELTA_GRID),
        controls=[EPS_GRID.control("eps", "ε"), DELTA_GRID.control("delta", "Huber δ")],
        caption=text,
        eps=EPS_GRID.clamp(eps),
        delta=DELTA_GRID.clamp(delta),
        summary=summary,
        lookup=lookup,
    )


def lookup(data: dict, eps: float, delta: float = 1.0) -> dict:
    """What the view shows at error ``eps`` (and Huber's ``delta``): ``{name: {"loss", "grad"}}``
    for "mse", "mae", "huber", "bce", rounded as printed (None where BCE is undefined)."""
    i = Grid.from_json(data["eps_grid"]).index(eps)
    d = Grid.from_json(data["delta_grid"]).index(delta)
    rows = {"mse": data["mse"], "mae": data["mae"], "huber": data["huber"][d], "bce": data["bce"]}
    return {name: {"loss": r["loss"][i], "grad": r["grad"][i]} for name, r in rows.items()}
