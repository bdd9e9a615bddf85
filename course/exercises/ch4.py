"""Exercises of chapter 4 (loss functions): checks and solutions.

4.1 ``softmax_ce_backward(logits, labels) -> dlogits``, checked by ``course.diagnosis.diagnose``;
4.2 ``huber_backward(pred, target, delta) -> dpred``, checked by ``course.diagnosis.diagnose``;
4.3 ``bce_with_logits(z, y) -> loss``, a stable loss, against ``BCEWithLogitsLoss``;
4.4 ``loss_of_equal_logits(K) -> float``, the loss of a classifier that has learned nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from course.diagnosis import diagnose
from scratchnn.losses import BCEWithLogitsLoss, HuberLoss, SoftmaxCELoss

from ._check import F64, Result, as_float, call, describe, from_diagnosis, passed, same, wrong

__all__ = [
    "EXERCISES",
    "check_bce_with_logits",
    "check_huber_backward",
    "check_loss_of_equal_logits",
    "check_softmax_ce_backward",
    "solution_bce_with_logits",
    "solution_huber_backward",
    "solution_loss_of_equal_logits",
    "solution_softmax_ce_backward",
]

B, K = 5, 4  # distinct and none is 2: a missing 1/B has one explanation
N = 3
DELTA = 1.5


# --- 4.1 Softmax cross-entropy's backward pass -------------------------------------------------

CE = "Exercise 4.1 (softmax cross-entropy's backward pass)"


def solution_softmax_ce_backward(logits, labels):
    """logits: (B, K), labels: (B,) integers in [0, K) -> dL/dlogits = (P − Y)/B, (B, K).

    P is the row-wise softmax, Y the one-hot labels; the 1/B is the mean over samples.
    """
    shifted = logits - logits.amax(dim=1, keepdim=True)  # every exponent ≤ 0: no overflow
    P = torch.exp(shifted) / torch.exp(shifted).sum(dim=1, keepdim=True)
    Y = torch.zeros_like(P)
    Y[torch.arange(len(labels)), labels] = 1.0
    return (P - Y) / logits.shape[0]


class YourSoftmaxCE(SoftmaxCELoss):
    """``SoftmaxCELoss`` whose backward is the reader's ``fn(logits, labels) -> dlogits``."""

    def __init__(self, fn: Callable) -> None:
        self._fn = fn

    def _forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self._logits = logits
        return super()._forward(logits, labels)

    def _backward(self) -> torch.Tensor:
        return self._fn(self._logits, self._labels)


def _ce_data() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(41)
    logits = 2.0 * torch.randn(B, K, generator=gen, dtype=F64)
    labels = torch.tensor([0, 3, 1, 2, 1])
    return logits, labels


def check_softmax_ce_backward(softmax_ce_backward: Callable) -> Result:
    """Check ``softmax_ce_backward(logits, labels) -> dlogits`` at B, K = 5, 4."""
    logits, labels = _ce_data()
    grad, failed = call(CE, softmax_ce_backward, logits.clone(), labels.clone())
    if failed:
        return failed
    if not torch.is_tensor(grad):
        return wrong(CE, f"Return dlogits, a tensor of the logits' shape {tuple(logits.shape)}.")
    diagnosis, failed = call(CE, diagnose, YourSoftmaxCE(softmax_ce_backward), logits, labels)
    if failed:
        return failed
    result = from_diagnosis(CE, diagnosis, "dlogits")
    if result.ok or result.mistake is not None:
        return result
    shifted = logits - logits.amax(dim=1, keepdim=True)
    P = torch.exp(shifted) / torch.exp(shifted).sum(dim=1, keepdim=True)
    if same(grad.detach().to(F64), P / B):
        hint = "dlogits equals P/B: subtract the one-hot labels, (P − Y)/B."
        return wrong(CE, f"{result.detail.splitlines()[0]}\n- {hint}", "forgot_labels")
    return result


# --- 4.2 Huber's backward pass -----------------------------------------------------------------

HUBER = "Exercise 4.2 (Huber's backward pass)"


def solution_huber_backward(pred, target, delta):
    """pred, target: (B, N), delta > 0 -> dL/dpred, (B, N), for L = mean of Huber(pred − target).

    dℓ/dε is ε inside [−δ, δ] and δ·sign(ε) beyond: exactly ε clamped to [−δ, δ]. The mean
    divides by B·N.
    """
    return (pred - target).clamp(-delta, delta) / pred.numel()


class YourHuber(HuberLoss):
    """``HuberLoss`` whose backward is the reader's ``fn(pred, target, delta) -> dpred``."""

    def __init__(self, fn: Callable, delta: float) -> None:
        super().__init__(delta)
        self._fn = fn

    def _forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self._pred, self._target = pred, target
        return super()._forward(pred, target)

    def _backward(self) -> torch.Tensor:
        return self._fn(self._pred, self._target, self.delta)


def _huber_data() -> tuple[torch.Tensor, torch.Tensor]:
    # Errors on both sides of ±δ, none within 0.05 of a kink (central differences need a slope).
    gen = torch.Generator().manual_seed(46)
    pred = torch.randn(B, N, generator=gen, dtype=F64)
    target = pred - 2.0 * torch.randn(B, N, generator=gen, dtype=F64)
    return pred, target


def check_huber_backward(huber_backward: Callable) -> Result:
    """Check ``huber_backward(pred, target, delta) -> dpred`` at B, N = 5, 3 and δ = 1.5."""
    pred, target = _huber_data()
    grad, failed = call(HUBER, huber_backward, pred.clone(), target.clone(), DELTA)
    if failed:
        return failed
    if not torch.is_tensor(grad):
        return wrong(HUBER, f"Return dpred, a tensor of pred's shape {tuple(pred.shape)}.")
    diagnosis, failed = call(HUBER, diagnose, YourHuber(huber_backward, DELTA), pred, target)
    if failed:
        return failed
    result = from_diagnosis(HUBER, diagnosis)
    if result.ok or result.mistake is not None:
        return result
    err = pred - target
    known = (
        (
            err / err.numel(),
            "not_clipped",
            "dpred equals ε/(B·N) everywhere: beyond ±δ the loss is linear, so its slope stops "
            "growing at δ·sign(ε).",
        ),
        (
            err.sign() * DELTA / err.numel(),
            "not_quadratic",
            "dpred equals δ·sign(ε)/(B·N) everywhere: inside ±δ the loss is ½ε², with slope ε.",
        ),
        (
            err.clamp(-1.0, 1.0) / err.numel(),
            "delta_one",
            "dpred is clipped at ±1 instead of ±δ: use delta.",
        ),
    )
    for candidate, key, hint in known:
        if same(grad.detach().to(F64), candidate):
            return wrong(HUBER, f"{diagnosis.message.splitlines()[0]}\n- {hint}", key)
    return result


# --- 4.3 A stable BCE from logits --------------------------------------------------------------

BCE = "Exercise 4.3 (a stable BCE from logits)"
BCE_TOL = 1e-10


def solution_bce_with_logits(z, y):
    """z: logits, y: targets in [0, 1], same shape (B, N) -> 0-dim mean over all B·N entries.

    ℓ = max(z, 0) − z·y + log(1 + e^{−|z|}): only e^{−|z|} ≤ 1 is ever computed, so nothing
    overflows, and log1p stays accurate when e^{−|z|} is tiny.
    """
    return (z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()


def _bce_cases() -> list[tuple[str, torch.Tensor, torch.Tensor, str, str]]:
    gen = torch.Generator().manual_seed(43)
    z = 2.0 * torch.randn(B, N, generator=gen, dtype=F64)
    y = (torch.rand(B, N, generator=gen, dtype=F64) < 0.5).to(F64)
    huge = torch.tensor([[1000.0, -1000.0], [1000.0, -1000.0]], dtype=F64)
    huge_y = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=F64)
    sure = torch.tensor([[40.0, -40.0]], dtype=F64)
    sure_y = torch.tensor([[1.0, 0.0]], dtype=F64)
    return [
        (
            "ordinary logits (2·randn, B, N = 5, 3)",
            z,
            y,
            "ordinary",
            "The formula is wrong even where nothing overflows: start from "
            "ℓ = −[y·log σ(z) + (1 − y)·log(1 − σ(z))] and take the mean over all B·N entries.",
        ),
        (
            "huge logits z = ±1000 (two right, two wrong by 1000)",
            huge,
            huge_y,
            "clamped",
            "A logit wrong by 1000 costs 1000 (ℓ ≈ |z| for large |z|); clamping p, or σ(±1000) "
            "rounding to exactly 0 or 1, loses that. Rewrite ℓ so that only e^{−|z|} is computed.",
        ),
        (
            "confident and right, z = ±40 (loss e^{−40} ≈ 4.2e-18 each)",
            sure,
            sure_y,
            "log1p",
            "1 + e^{−40} rounds to exactly 1 in float64, so log(1 + e^{−40}) gives 0: use "
            "torch.log1p(torch.exp(−|z|)), accurate for tiny arguments.",
        ),
    ]


def check_bce_with_logits(bce_with_logits: Callable) -> Result:
    """Check ``bce_with_logits(z, y) -> loss`` on ordinary, huge and confident logits."""
    for what, z, y, key, hint in _bce_cases():
        got, failed = call(BCE, bce_with_logits, z.clone(), y.clone())
        if failed:
            return failed
        value = as_float(got)
        if value is None:
            return wrong(BCE, f"Return the mean loss, one number, not {describe(got)}.")
        right = BCEWithLogitsLoss().forward(z, y).item()
        if abs(value - right) <= BCE_TOL * abs(right):
            continue
        if not math.isfinite(value):
            return wrong(
                BCE,
                f"On {what}: the loss is {value}. e^{{1000}} overflows to inf, and σ(±1000) "
                "rounds to exactly 0 or 1, whose log is −inf: rewrite ℓ so that only e^{−|z|} "
                "is computed.",
                "not_finite",
            )
        ratio = value / right
        for factor, name in ((z.shape[1], "N"), (z.numel(), "B·N")):
            if factor > 1 and abs(ratio - factor) < 1e-9:
                return wrong(
                    BCE,
                    f"On {what}: {factor}× too large, and {factor} = {name}: the mean runs over "
                    "all B·N entries.",
                    "missing_mean",
                )
        return wrong(BCE, f"On {what}: your loss is {value:.6g}, not {right:.6g}. {hint}", key)
    return passed(
        BCE,
        "Exact (relative error < 1e-10) on ordinary logits, on z = ±1000, and on z = ±40 where "
        "each loss is about 4.2e-18.",
    )


# --- 4.4 The loss before training --------------------------------------------------------------

INITIAL = "Exercise 4.4 (the loss before training)"
CLASSES = (2, 10, 1000)
INITIAL_TOL = 1e-6  # relative: float32 arithmetic passes too


def solution_loss_of_equal_logits(K):
    """Cross-entropy when all K logits are equal: p = 1/K for every class, so ℓ = −log(1/K)."""
    return math.log(K)


def check_loss_of_equal_logits(loss_of_equal_logits: Callable) -> Result:
    """Check ``loss_of_equal_logits(K) -> float`` for K = 2, 10 and 1000."""
    for classes in CLASSES:
        got, failed = call(INITIAL, loss_of_equal_logits, classes)
        if failed:
            return failed
        value = as_float(got)
        if value is None:
            return wrong(INITIAL, f"Return one number, not {describe(got)}.")
        right = math.log(classes)
        if abs(value - right) <= INITIAL_TOL * right:
            continue
        known = (
            (1.0 / classes, "probability", "is p = 1/K, the probability; the loss is −log p."),
            (-right, "sign", "is log(1/K), negative: the loss is −log p, and p ≤ 1 makes it ≥ 0."),
            (math.log2(classes), "log_base", "uses log base 2; the loss uses the natural log."),
            (math.log10(classes), "log_base", "uses log base 10; the loss uses the natural log."),
        )
        for candidate, key, hint in known:
            if abs(value - candidate) <= INITIAL_TOL * abs(candidate):
                return wrong(INITIAL, f"For K = {classes}, your {value:.6g} {hint}", key)
        return wrong(
            INITIAL,
            f"For K = {classes}, your {value:.6g} is not the loss of equal logits: what is p for "
            "the right class, and what is −log p?",
        )
    return passed(
        INITIAL,
        f"log K: {math.log(10):.4f} for K = 10, the loss an untrained digits classifier should "
        "start near.",
    )


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_softmax_ce_backward, solution_softmax_ce_backward),
    (check_huber_backward, solution_huber_backward),
    (check_bce_with_logits, solution_bce_with_logits),
    (check_loss_of_equal_logits, solution_loss_of_equal_logits),
)
