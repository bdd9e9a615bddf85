"""Exercises of chapter 6 (BatchNorm and dropout): checks and solutions.

6.1 ``batchnorm_backward(xhat, gamma, inv_std, dout) -> (dx, dgamma, dbeta)``, checked by
    ``course.diagnosis.diagnose`` on a ``BatchNorm1d`` in training mode;
6.2 ``dropout_backward(dout, mask, p) -> dx``, checked by ``course.diagnosis.diagnose_function``;
6.3 ``update_running_stats(running_mean, running_var, x, momentum) -> (mean, var)``, against
    ``BatchNorm1d``'s forward in training mode.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from course.diagnosis import diagnose, diagnose_function
from scratchnn.batchnorm import BatchNorm1d
from scratchnn.checks.numerical import upstream

from ._check import F64, Result, call, describe, from_diagnosis, passed, same, wrong

__all__ = [
    "EXERCISES",
    "check_batchnorm_backward",
    "check_dropout_backward",
    "check_update_running_stats",
    "solution_batchnorm_backward",
    "solution_dropout_backward",
    "solution_update_running_stats",
]

B, N = 5, 3  # distinct and none is 2: a missing 1/B has one explanation


# --- 6.1 BatchNorm's backward pass -------------------------------------------------------------

BN = "Exercise 6.1 (BatchNorm's backward pass)"


def solution_batchnorm_backward(xhat, gamma, inv_std, dout):
    """Training mode. xhat (B, N), gamma (N,), inv_std = 1/σ (N,), dout (B, N)
    -> (dx (B, N), dgamma (N,), dbeta (N,)).

    dβ = Σ_i dout, dγ = Σ_i dout·x̂, and the three paths (direct, through μ, through σ) give
    dx = (γ/(B·σ))·(B·dout − dβ − x̂·dγ).
    """
    batch = xhat.shape[0]
    dbeta = dout.sum(dim=0)
    dgamma = (dout * xhat).sum(dim=0)
    dx = gamma * inv_std / batch * (batch * dout - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta


class YourBatchNorm(BatchNorm1d):
    """``BatchNorm1d`` whose backward is the reader's ``fn(xhat, gamma, inv_std, dout)``."""

    def __init__(self, fn: Callable, num_features: int) -> None:
        super().__init__(num_features, dtype=F64)
        self._fn = fn

    def _backward(self, dout: torch.Tensor) -> torch.Tensor:
        out = self._fn(self._xhat.clone(), self.gamma.clone(), self._inv_std.clone(), dout)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise TypeError(f"return (dx, dgamma, dbeta), not {describe(out)}")
        dx, self.dgamma, self.dbeta = out
        return dx


def _bn_layer(fn: Callable) -> tuple[YourBatchNorm, torch.Tensor]:
    gen = torch.Generator().manual_seed(61)
    x = 1.0 + 3.0 * torch.randn(B, N, generator=gen, dtype=F64)
    layer = YourBatchNorm(fn, N)
    layer.gamma = 0.5 + torch.rand(N, generator=gen, dtype=F64)  # not all ones: γ must appear
    layer.beta = torch.randn(N, generator=gen, dtype=F64)
    return layer, x


def _bn_partial(xhat, gamma, inv_std, dout, *, mean_path=True, var_path=True):
    """dx with some of the three paths left out (the mistakes 6.1's hints name)."""
    g = gamma * dout
    dx = g * inv_std
    if mean_path:
        dx = dx - (g * inv_std).mean(dim=0)
    if var_path:
        dx = dx - xhat * (g * xhat).mean(dim=0) * inv_std
    return dx


def check_batchnorm_backward(batchnorm_backward: Callable) -> Result:
    """Check ``batchnorm_backward(xhat, gamma, inv_std, dout)`` at B, N = 5, 3, training mode."""
    layer, x = _bn_layer(batchnorm_backward)
    probe = YourBatchNorm(batchnorm_backward, N)
    probe.gamma, probe.beta = layer.gamma.clone(), layer.beta.clone()
    probe.forward(x)
    dout = upstream((B, N))
    out, failed = call(BN, probe.backward, dout.clone())
    if failed:
        return failed
    if not torch.is_tensor(out) or out.shape != (B, N):
        return wrong(BN, f"Return dx of x's shape {(B, N)} first, not {describe(out)}.")
    diagnosis, failed = call(BN, diagnose, layer, x)
    if failed:
        return failed
    result = from_diagnosis(BN, diagnosis)
    if result.ok or diagnosis.tensor != "x":
        return result
    xhat, inv_std = probe._xhat, probe._inv_std
    known = (
        (
            dict(mean_path=False, var_path=False),
            "eval_form",
            "dx = γ·dout/σ is evaluation mode's gradient. In training mode μ and σ are computed "
            "from the batch, so every row's output depends on every x: add the paths through μ "
            "and through σ.",
        ),
        (
            dict(mean_path=True, var_path=False),
            "no_var_path",
            "dx has the direct path and the path through μ but not the path through σ: "
            "subtract x̂·Σ_i(dout·γ·x̂)/(B·σ).",
        ),
        (
            dict(mean_path=False, var_path=True),
            "no_mean_path",
            "dx lacks the path through μ: subtract Σ_i(γ·dout)/(B·σ), so each column sums to 0.",
        ),
    )
    for kwargs, key, hint in known:
        candidate = _bn_partial(xhat, probe.gamma, inv_std, dout, **kwargs)
        if same(out.detach().to(F64), candidate):
            return wrong(BN, f"{diagnosis.message.splitlines()[0]}\n- {hint}", key)
    return result


# --- 6.2 Dropout's backward pass ---------------------------------------------------------------

DROPOUT = "Exercise 6.2 (dropout's backward pass)"
P = 0.25


def solution_dropout_backward(dout, mask, p):
    """dout (B, N), mask (B, N) of 0 (dropped) and 1 (kept), rate p -> dx (B, N).

    Forward multiplied every entry by the constant mask/(1 − p); backward multiplies by the same.
    """
    return dout * mask / (1.0 - p)


def _mask() -> torch.Tensor:
    gen = torch.Generator().manual_seed(62)
    return (torch.rand(B, N, generator=gen, dtype=F64) >= P).to(F64)


def check_dropout_backward(dropout_backward: Callable) -> Result:
    """Check ``dropout_backward(dout, mask, p) -> dx`` with p = 0.25 on a (5, 3) batch."""
    mask = _mask()

    def dropout(x: torch.Tensor) -> torch.Tensor:  # forward with this fixed mask
        return x * mask / (1.0 - P)

    def backward(x, y, dout):
        return dropout_backward(dout, mask.clone(), P)

    x = torch.randn(B, N, generator=torch.Generator().manual_seed(63), dtype=F64)
    dout = upstream((B, N))
    dx, failed = call(DROPOUT, backward, x, dropout(x), dout.clone())
    if failed:
        return failed
    if not torch.is_tensor(dx):
        return wrong(DROPOUT, f"Return dx, a tensor of dout's shape {(B, N)}.")
    diagnosis, failed = call(DROPOUT, diagnose_function, dropout, backward, x)
    if failed:
        return failed
    result = from_diagnosis(DROPOUT, diagnosis)
    if result.ok:
        kept = int(mask.sum().item())
        return passed(
            DROPOUT,
            f"{result.detail} The {B * N - kept} dropped entries get no gradient, the {kept} "
            f"kept ones get dout·{1 / (1 - P):.4g}.",
        )
    known = (
        (dout * mask, "forgot_scale", "dx is dout·mask: multiply by 1/(1 − p) as forward did."),
        (dout / (1.0 - P), "forgot_mask", "dx ignores the mask: a dropped entry gets no gradient."),
        (
            dout * mask * (1.0 - P),
            "scale_inverted",
            "dx multiplies by 1 − p: forward divided by it, so backward divides too.",
        ),
        (dout * mask / P, "p_for_keep", "dx divides by p: the kept fraction is 1 − p."),
    )
    for candidate, key, hint in known:
        if same(dx.detach().to(F64), candidate):
            return wrong(DROPOUT, f"{diagnosis.message.splitlines()[0]}\n- {hint}", key)
    return result


# --- 6.3 The running statistics ----------------------------------------------------------------

RUNNING = "Exercise 6.3 (BatchNorm's running statistics)"
MOMENTUM = 0.1


def solution_update_running_stats(running_mean, running_var, x, momentum):
    """running_mean, running_var (N,), a training batch x (B, N), momentum m -> the new pair (N,).

    m weighs the newest batch (PyTorch's convention); the running variance stores the unbiased
    variance of the batch (÷ (B − 1)), although the normalisation itself uses the biased one.
    """
    mean = x.mean(dim=0)
    var = x.var(dim=0, unbiased=True)
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + (
        momentum * var
    )


def check_update_running_stats(update_running_stats: Callable) -> Result:
    """Check the update of two batches, B = 5, N = 3, momentum 0.1, against ``BatchNorm1d``."""
    gen = torch.Generator().manual_seed(64)
    batches = [2.0 + 3.0 * torch.randn(B, N, generator=gen, dtype=F64) for _ in range(2)]
    layer = BatchNorm1d(N, momentum=MOMENTUM, dtype=F64)
    mean, var = layer.running_mean.clone(), layer.running_var.clone()
    for step, x in enumerate(batches, start=1):
        layer.forward(x)
        out, failed = call(
            RUNNING, update_running_stats, mean.clone(), var.clone(), x.clone(), MOMENTUM
        )
        if failed:
            return failed
        ok_shape = isinstance(out, (tuple, list)) and len(out) == 2
        if not ok_shape or not all(torch.is_tensor(t) and t.shape == (N,) for t in out):
            return wrong(RUNNING, f"Return the pair (mean, var), each ({N},), not {describe(out)}.")
        got_mean, got_var = (t.detach().to(F64) for t in out)
        ok_mean = same(got_mean, layer.running_mean)
        ok_var = same(got_var, layer.running_var)
        if not (ok_mean and ok_var):
            hint, key = _running_hint(step, mean, var, x, got_mean, got_var, ok_mean)
            return wrong(RUNNING, hint, key)
        mean, var = got_mean, got_var
    return passed(
        RUNNING,
        f"Both batches match `BatchNorm1d(momentum={MOMENTUM})`; running_var is now "
        f"{', '.join(f'{v:.4f}' for v in var.tolist())}.",
    )


def _running_hint(step, mean, var, x, got_mean, got_var, ok_mean) -> tuple[str, str | None]:
    where = f"After batch {step}: "
    keras_mean = MOMENTUM * mean + (1 - MOMENTUM) * x.mean(dim=0)
    biased = (1 - MOMENTUM) * var + MOMENTUM * x.var(dim=0, unbiased=False)
    if same(got_mean, keras_mean):
        hint = (
            "your running mean gives weight 1 − m = 0.9 to the new batch. In PyTorch (and here) "
            "m is the weight of the newest batch: r ← (1 − m)·r + m·μ (Keras's 0.9 is 1 − m)."
        )
        return where + hint, "keras_momentum"
    if not ok_mean:
        return where + "the running mean is not (1 − m)·r + m·(mean of x over rows).", None
    if same(got_var, biased):
        hint = (
            "the mean is right; the variance is the biased one (÷ B). The running variance "
            f"stores the unbiased variance, ÷ (B − 1) = ÷ {B - 1}, as torch does."
        )
        return where + hint, "biased_var"
    hint = "the mean is right; the running variance is not (1 − m)·r + m·var(x, ÷ (B − 1))."
    return where + hint, None


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_batchnorm_backward, solution_batchnorm_backward),
    (check_dropout_backward, solution_dropout_backward),
    (check_update_running_stats, solution_update_running_stats),
)
