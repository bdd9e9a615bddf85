"""Exercises of chapter 3 (an MLP trained with MSE): checks and solutions.

3.1 ``mse_backward(pred, target) -> dpred``, checked by ``course.diagnosis.diagnose``;
3.2 ``count_parameters(dims) -> int``, against ``parameter_count``;
3.3 ``training_step_flops(dims, B) -> int``, against ``mlp_flops``;
3.4 ``sgd_one_step(x, y, w, b, lr) -> (w_new, b_new)``, against a ``Linear(1, 1)`` trained one step.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

from course.diagnosis import diagnose
from scratchnn.cost import mlp_flops, parameter_count
from scratchnn.linear import Linear
from scratchnn.losses import MSELoss

from ._check import F64, Result, as_float, call, describe, from_diagnosis, passed, wrong

__all__ = [
    "EXERCISES",
    "check_count_parameters",
    "check_mse_backward",
    "check_sgd_one_step",
    "check_training_step_flops",
    "solution_count_parameters",
    "solution_mse_backward",
    "solution_sgd_one_step",
    "solution_training_step_flops",
]

B, N = 5, 3  # distinct and none is 2: a missing 1/B, 1/N or 1/(B·N) has one explanation


# --- 3.1 MSE's backward pass -------------------------------------------------------------------

MSE = "Exercise 3.1 (MSE's backward pass)"


def solution_mse_backward(pred, target):
    """pred, target: (B, N) -> dL/dpred, (B, N), for L = mean of (pred − target)² over B·N entries.

    Each entry's square gives 2(pred − target); the mean divides by the number of entries, B·N.
    """
    return 2.0 * (pred - target) / pred.numel()


class YourMSE(MSELoss):
    """``MSELoss`` whose backward is the reader's ``fn(pred, target) -> dpred``."""

    def __init__(self, fn: Callable) -> None:
        self._fn = fn

    def _forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._pred, self._target = pred, target
        return super()._forward(pred, target)

    def _backward(self) -> torch.Tensor:
        return self._fn(self._pred, self._target)


def check_mse_backward(mse_backward: Callable) -> Result:
    """Check ``mse_backward(pred, target) -> dpred`` at B, N = 5, 3."""
    gen = torch.Generator().manual_seed(31)
    pred = torch.randn(B, N, generator=gen, dtype=F64)
    target = torch.randn(B, N, generator=gen, dtype=F64)
    grad, failed = call(MSE, mse_backward, pred.clone(), target.clone())
    if failed:
        return failed
    if not torch.is_tensor(grad):
        return wrong(MSE, f"Return dpred, a tensor of pred's shape {tuple(pred.shape)}.")
    diagnosis, failed = call(MSE, diagnose, YourMSE(mse_backward), pred, target)
    return failed or from_diagnosis(MSE, diagnosis)


# --- 3.2 Count the parameters ------------------------------------------------------------------

PARAMS = "Exercise 3.2 (count an MLP's parameters)"
PARAM_CASES = ([1, 64, 64, 1], [64, 64, 10], [784, 256, 128, 10])


def solution_count_parameters(dims):
    """Weights and biases of MLP(dims): each Linear(d_in, d_out) has d_in·d_out + d_out."""
    return sum(d_in * d_out + d_out for d_in, d_out in itertools.pairwise(dims))


def _as_int(value: object) -> int | None:
    number = as_float(value)
    return int(number) if number is not None and number == int(number) else None


def check_count_parameters(count_parameters: Callable) -> Result:
    """Check ``count_parameters(dims) -> int`` on three MLPs."""
    for dims in PARAM_CASES:
        got, failed = call(PARAMS, count_parameters, list(dims))
        if failed:
            return failed
        got = _as_int(got) if got is not None else None
        if got is None:
            return wrong(PARAMS, "Return the count as a whole number.")
        right = parameter_count(dims)
        pairs = list(itertools.pairwise(dims))
        weights = sum(a * b for a, b in pairs)
        known = {
            weights: (
                "is the weights alone: each layer also has a bias, one per output.",
                "biases",
            ),
            weights + sum(a for a, _ in pairs): (
                "gives each layer a bias per input; there is one per output (b has N entries).",
                "bias_size",
            ),
            weights + sum(dims): (
                "gives the input a bias too; only the Linear layers have one.",
                "bias_size",
            ),
        }
        if got != right:
            hint, key = known.get(got, ("is not the number of weights and biases.", None))
            return wrong(PARAMS, f"For dims = {dims}, your count {got:,} {hint}", key)
    shown = PARAM_CASES[0]
    return passed(
        PARAMS,
        f"All {len(PARAM_CASES)} MLPs match `scratchnn.parameter_count`; {shown} has "
        f"{parameter_count(shown):,} parameters.",
    )


# --- 3.3 The FLOPs of a training step ----------------------------------------------------------

STEP = "Exercise 3.3 (the FLOPs of a training step)"
STEP_CASES = (([1, 64, 64, 1], 64), ([64, 64, 10], 32), ([784, 256, 128, 10], 128))


def solution_training_step_flops(dims, B):
    """FLOPs of forward + backward through the Linear layers of MLP(dims), batch B.

    Per Linear(M, N): forward 2BMN + BN; backward dW 2BMN, db BN, and dx 2BMN except in the first
    layer, whose input is data. A multiply-add is 2 FLOPs; activations and the loss are left out.
    """
    total = 0
    for i, (M, N) in enumerate(itertools.pairwise(dims)):
        total += 2 * B * M * N + B * N  # forward
        total += 2 * B * M * N + B * N  # dW and db
        if i > 0:
            total += 2 * B * M * N  # dx, needed by the layer before
    return total


def check_training_step_flops(training_step_flops: Callable) -> Result:
    """Check ``training_step_flops(dims, B) -> int`` on three networks and batch sizes."""
    for dims, batch in STEP_CASES:
        got, failed = call(STEP, training_step_flops, list(dims), batch)
        if failed:
            return failed
        got = _as_int(got) if got is not None else None
        if got is None:
            return wrong(STEP, "Return the count as a whole number.")
        flops = mlp_flops(dims, batch)
        with_dx = mlp_flops(dims, batch, need_input_grad=True)
        params = parameter_count(dims)
        known = {
            flops.forward: ("is the forward pass only; add the backward pass.", "forward_only"),
            with_dx.total: (
                "includes dx for the first layer, whose input is data: nobody needs that gradient.",
                "first_dx",
            ),
            3 * flops.forward: (
                "is 3× the forward pass: close, but count each term (the first layer has no dx).",
                "rule_of_thumb",
            ),
            6 * batch * params: (
                "is 6 FLOPs per parameter per sample, the rule of thumb: close, but count each "
                "term (a bias costs B·N each way, not 3·B·N; the first layer has no dx).",
                "rule_of_thumb",
            ),
            flops.total - 2 * sum(layer.bias_grad for layer in flops.layers): (
                "leaves out the bias terms: B·N for adding b, and B·N for db.",
                "bias_missing",
            ),
        }
        if got != flops.total:
            hint, key = known.get(
                got,
                (
                    "is not the count of this course (2 FLOPs per multiply-add, B·N for a bias "
                    "and for its gradient, no dx for the first layer).",
                    None,
                ),
            )
            where = f"For dims = {dims} and B = {batch}, your count {got:,} "
            return wrong(STEP, where + hint, key)
    dims, batch = STEP_CASES[0]
    flops = mlp_flops(dims, batch)
    per = flops.total / (batch * parameter_count(dims))
    return passed(
        STEP,
        f"All {len(STEP_CASES)} networks match `scratchnn.mlp_flops(dims, B).total`. For "
        f"{dims} at B = {batch}: {flops.total:,} FLOPs, {per:.3f} per parameter per sample.",
    )


# --- 3.4 One SGD step by hand ------------------------------------------------------------------

ONE_STEP = "Exercise 3.4 (one SGD step, by hand)"
LR, STEP_B = 0.1, 8


def solution_sgd_one_step(x, y, w, b, lr):
    """One SGD step for ŷ = x·w + b under MSE.

    x, y: (B, 1); w: (1, 1); b: (1,) -> (w_new (1, 1), b_new (1,)).
    L = mean((ŷ − y)²) over the B samples, so dL/dŷ = 2(ŷ − y)/B, dw = xᵀ·dL/dŷ, db = Σ dL/dŷ.
    """
    residual = x @ w + b - y  # (B, 1)
    dpred = 2.0 * residual / residual.numel()
    dw = x.T @ dpred  # (1, 1)
    db = dpred.sum(dim=0)  # (1,)
    return w - lr * dw, b - lr * db


def _one_step_truth(x, y, w, b) -> tuple[torch.Tensor, torch.Tensor]:
    """The same step taken by the library: Linear(1, 1), MSELoss, backward, step."""
    model = Linear(1, 1, generator=torch.Generator().manual_seed(0), dtype=F64)
    model.W, model.b = w.clone(), b.clone()
    loss = MSELoss()
    loss.forward(model.forward(x), y)
    model.backward(loss.backward(), need_dx=False)
    model.step(LR)
    return model.W, model.b


def check_sgd_one_step(sgd_one_step: Callable) -> Result:
    """Check ``sgd_one_step(x, y, w, b, lr) -> (w_new, b_new)`` on 8 samples, lr = 0.1."""
    gen = torch.Generator().manual_seed(34)
    x = torch.randn(STEP_B, 1, generator=gen, dtype=F64)
    y = 2.0 * x - 1.0 + 0.1 * torch.randn(STEP_B, 1, generator=gen, dtype=F64)
    w = torch.tensor([[0.5]], dtype=F64)
    b = torch.tensor([0.2], dtype=F64)
    out, failed = call(ONE_STEP, sgd_one_step, x.clone(), y.clone(), w.clone(), b.clone(), LR)
    if failed:
        return failed
    got = [as_float(v) for v in out] if isinstance(out, (tuple, list)) else []
    if len(got) != 2 or None in got:
        return wrong(ONE_STEP, f"Return the pair (w_new, b_new), not {describe(out)}.")
    w_new, b_new = _one_step_truth(x, y, w, b)
    steps = {"w": (got[0] - w.item(), w_new.item() - w.item())}
    steps["b"] = (got[1] - b.item(), b_new.item() - b.item())
    off = {name: mine / true for name, (mine, true) in steps.items()}
    if all(abs(c - 1.0) < 1e-9 for c in off.values()):
        return passed(
            ONE_STEP,
            f"w: {w.item():.4f} -> {w_new.item():.4f}, b: {b.item():.4f} -> {b_new.item():.4f}, "
            "as Linear(1, 1) with MSELoss and step(0.1) gives.",
        )
    c_w, c_b = off["w"], off["b"]
    known = (
        (-1.0, "sign", "both moved uphill: step against the gradient, p − lr·dp."),
        (0.0, "no_step", "neither moved."),
        (0.5, "constant_factor", "both moved half as far as they should: the 2 of the square."),
        (float(STEP_B), "missing_batch_scale", f"both moved {STEP_B}× too far: MSE is a mean."),
        (
            1.0 / STEP_B,
            "extra_scale",
            f"both moved 1/{STEP_B} as far as they should: divided twice?",
        ),
    )
    for c, key, hint in known:
        if abs(c_w - c) < 1e-9 and abs(c_b - c) < 1e-9:
            return wrong(ONE_STEP, f"Your w and b {hint}", key)
    parts = [
        f"{name} moved {c:.3g}× as far as it should" if abs(c - 1.0) >= 1e-9 else f"{name} is right"
        for name, c in off.items()
    ]
    hint = "; ".join(parts) + "."
    if abs(c_b - 1.0) < 1e-9:
        hint += " Every sample's residual reaches w multiplied by that sample's x: dw = xᵀ·dL/dŷ."
    return wrong(ONE_STEP, hint)


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_mse_backward, solution_mse_backward),
    (check_count_parameters, solution_count_parameters),
    (check_training_step_flops, solution_training_step_flops),
    (check_sgd_one_step, solution_sgd_one_step),
)
