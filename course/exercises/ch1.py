"""Exercises of chapter 1 (the linear layer): checks and solutions.

1.1 ``linear_backward(x, W, dout) -> (dW, db, dx)``, checked by ``course.diagnosis.diagnose``;
1.2 ``predict_linear_flops(B, M, N, need_dx) -> (forward, backward)``, against ``linear_flops``;
1.3 ``sgd_update(params, grads, lr)``, in place, against the update by hand.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from course.diagnosis import diagnose
from scratchnn.cost import linear_flops
from scratchnn.linear import Linear

from ._check import F64, Result, as_float, call, from_diagnosis, passed, same, wrong

__all__ = [
    "EXERCISES",
    "check_linear_backward",
    "check_linear_flops",
    "check_sgd_update",
    "solution_linear_backward",
    "solution_linear_flops",
    "solution_sgd_update",
]

B, M, N = 5, 3, 4  # distinct and none is 2: every wrong factor has one explanation


# --- 1.1 Linear's backward pass ----------------------------------------------------------------

BACKWARD = "Exercise 1.1 (Linear's backward pass)"


def solution_linear_backward(x, W, dout):
    """x: (B, M), W: (M, N), dout = dL/dY: (B, N) -> dW: (M, N), db: (N,), dx: (B, M)."""
    dW = x.T @ dout  # (M, B)·(B, N): every sample's contribution, summed by the product
    db = dout.sum(dim=0)  # b was broadcast over the B rows, so its gradient sums over them
    dx = dout @ W.T  # (B, N)·(N, M)
    return dW, db, dx


class YourLinear(Linear):
    """A ``Linear`` whose backward is the reader's ``fn(x, W, dout) -> (dW, db, dx)``."""

    def __init__(self, fn: Callable, W: torch.Tensor, b: torch.Tensor) -> None:
        super().__init__(*W.shape, generator=torch.Generator().manual_seed(0), dtype=W.dtype)
        self.W, self.b, self._fn = W.clone(), b.clone(), fn

    def _backward(self, dout: torch.Tensor, need_dx: bool = True) -> torch.Tensor:
        self.dW, self.db, dx = self._fn(self._x, self.W, dout)
        return dx


def _linear_data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(B, M, generator=gen, dtype=F64)
    W = torch.randn(M, N, generator=gen, dtype=F64)
    b = torch.randn(N, generator=gen, dtype=F64)
    dout = torch.randn(B, N, generator=gen, dtype=F64)
    return x, W, b, dout


def check_linear_backward(linear_backward: Callable) -> Result:
    """Check ``linear_backward(x, W, dout) -> (dW, db, dx)`` at B, M, N = 5, 3, 4."""
    x, W, b, dout = _linear_data()
    out, failed = call(BACKWARD, linear_backward, x.clone(), W.clone(), dout.clone())
    if failed:
        return failed
    if not (isinstance(out, (tuple, list)) and len(out) == 3):
        return wrong(BACKWARD, "Return three tensors, in this order: dW, db, dx.", "wrong_shape")
    diagnosis, failed = call(BACKWARD, diagnose, YourLinear(linear_backward, W, b), x)
    return failed or from_diagnosis(BACKWARD, diagnosis)


# --- 1.2 Predict the FLOPs ---------------------------------------------------------------------

FLOPS = "Exercise 1.2 (the FLOPs of a layer)"
FLOP_CASES = ((256, 512, 512, True), (256, 512, 512, False), (64, 784, 128, False), (5, 3, 4, True))


def solution_linear_flops(B, M, N, need_dx):
    """FLOPs of Linear(M, N) on a batch of B rows -> (forward, backward).

    A multiply-add counts as 2 FLOPs; the bias additions, and the column sum of db, as B·N each.
    """
    forward = 2 * B * M * N + B * N  # B·N dot products of length M, then the bias
    backward = 2 * B * M * N + B * N  # dW = xᵀ·dout, and db = dout summed over the batch
    if need_dx:
        backward += 2 * B * M * N  # dx = dout·Wᵀ, skipped for a first layer fed with data
    return forward, backward


def _forward_hint(got: float, B: int, M: int, N: int) -> tuple[str, str]:
    known = {
        2 * B * M * N: (
            "counts the products but not the bias: adding b to each of the B·N outputs is B·N "
            "more FLOPs (this course counts them separately, as `scratchnn.linear_flops` does).",
            "bias_missing",
        ),
        B * M * N + B * N: (
            "counts a multiply-add as 1 FLOP; here it is 2, one multiplication and one addition.",
            "multiply_add",
        ),
        B * M * N: (
            "counts a multiply-add as 1 FLOP (here it is 2) and leaves out the bias (B·N more).",
            "multiply_add",
        ),
    }
    hint, key = known.get(
        got,
        (
            "is not the count this course makes. Per output: M multiply-adds (2 FLOPs each), "
            "then one addition for the bias.",
            None,
        ),
    )
    return f"your forward count {got:,.0f} {hint}", key


def _backward_hint(got: float, B: int, M: int, N: int, need_dx: bool) -> tuple[str, str | None]:
    right = linear_flops(B, M, N, need_dx=need_dx)
    other = linear_flops(B, M, N, need_dx=not need_dx).backward
    if got == 3 * right.forward:
        return (
            "is 3× the forward pass: the article's rule, which this chapter corrects. Only dW and "
            "dx are matrix products; db is a column sum.",
            "three_times",
        )
    if got == other and need_dx:
        return "leaves out dx = dout·Wᵀ, which need_dx=True asks for.", "need_dx"
    if got == other:
        return (
            "includes dx = dout·Wᵀ, which need_dx=False skips (the first layer's input is data).",
            "need_dx",
        )
    if got == right.backward - right.bias_grad:
        return "leaves out db: summing dout over the batch costs B·N additions.", "bias_missing"
    if got == 2 * right.forward and need_dx:
        return (
            "is exactly 2× the forward pass, which counts the bias twice: db is one column sum "
            "(B·N), not two.",
            "two_times",
        )
    return (
        "is not the count this course makes. Count each gradient as the forward pass was "
        "counted: dW = xᵀ·dout, db = dout summed over the batch, dx = dout·Wᵀ (only with "
        "need_dx).",
        None,
    )


def check_linear_flops(predict_linear_flops: Callable) -> Result:
    """Check ``predict_linear_flops(B, M, N, need_dx) -> (forward, backward)`` on four layers."""
    for B_, M_, N_, need_dx in FLOP_CASES:
        out, failed = call(FLOPS, predict_linear_flops, B_, M_, N_, need_dx)
        if failed:
            return failed
        pair = [as_float(v) for v in out] if isinstance(out, (tuple, list)) else []
        if len(pair) != 2 or None in pair:
            return wrong(FLOPS, "Return a pair of numbers: (forward FLOPs, backward FLOPs).")
        where = f"For B, M, N = {B_}, {M_}, {N_} and need_dx={need_dx}: "
        right = linear_flops(B_, M_, N_, need_dx=need_dx)
        if pair[0] != right.forward:
            hint, key = _forward_hint(pair[0], B_, M_, N_)
            return wrong(FLOPS, where + hint, key)
        if pair[1] != right.backward:
            hint, key = _backward_hint(pair[1], B_, M_, N_, need_dx)
            return wrong(FLOPS, f"{where}your backward count {pair[1]:,.0f} {hint}", key)
    B_, M_, N_, _ = FLOP_CASES[0]
    ratio = linear_flops(B_, M_, N_).backward / linear_flops(B_, M_, N_).forward
    return passed(
        FLOPS,
        f"All {len(FLOP_CASES)} layers match `scratchnn.linear_flops`. For B = {B_}, "
        f"M = N = {M_}, backward costs {ratio:.4f}× forward.",
    )


# --- 1.3 One SGD step, in place ----------------------------------------------------------------

SGD = "Exercise 1.3 (an SGD step, in place)"
LR = 0.1


def solution_sgd_update(params, grads, lr):
    """P ← P − lr·dP for every parameter, in place; returns nothing.

    params, grads: lists of tensors, grads[i] of params[i]'s shape. Cost: 2 FLOPs per parameter.
    """
    for p, g in zip(params, grads, strict=True):
        p.sub_(lr * g)  # in place: whoever holds p (the layer, an optimizer) sees the new values


def _sgd_data() -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    gen = torch.Generator().manual_seed(13)
    params = [torch.randn(M, N, generator=gen, dtype=F64), torch.randn(N, generator=gen, dtype=F64)]
    grads = [torch.randn(M, N, generator=gen, dtype=F64), torch.randn(N, generator=gen, dtype=F64)]
    return params, grads


def check_sgd_update(sgd_update: Callable) -> Result:
    """Check ``sgd_update(params, grads, lr)`` on a W (3, 4) and a b (4,), lr = 0.1."""
    params, grads = _sgd_data()
    held = list(params)  # what a layer or an optimizer holds: the same tensor objects
    before, grads_before = [p.clone() for p in params], [g.clone() for g in grads]
    expected = [p - LR * g for p, g in zip(before, grads, strict=True)]
    returned, failed = call(SGD, sgd_update, params, grads, LR)
    if failed:
        return failed
    if not all(same(g, g0, 1e-15) for g, g0 in zip(grads, grads_before, strict=True)):
        return wrong(SGD, "The step changed the gradients; it should change the parameters only.")
    if all(same(h, e) for h, e in zip(held, expected, strict=True)):
        return passed(
            SGD,
            "W and b moved by −lr·grad, in place: the tensors the caller holds have the new "
            "values.",
        )
    if all(torch.equal(h, h0) for h, h0 in zip(held, before, strict=True)):
        new = params if any(p is not h for p, h in zip(params, held, strict=True)) else returned
        tensors = list(new) if isinstance(new, (tuple, list)) else []
        if len(tensors) == 2 and all(
            torch.is_tensor(t) and same(t, e) for t, e in zip(tensors, expected, strict=True)
        ):
            return wrong(
                SGD,
                "You computed the right new values, but in new tensors: the tensors the layer "
                "holds did not change. Assigning a new tensor (`p = p - lr * g`, "
                "`params[i] = ...`) leaves the old one as it was; update in place with "
                "`p -= lr * g` or `p.sub_(lr * g)`.",
                "not_in_place",
            )
        return wrong(
            SGD,
            "The parameters did not change. `p = p - lr * g` makes a new tensor and rebinds the "
            "name p only, leaving the parameter as it was: update in place with `p -= lr * g` or "
            "`p.sub_(lr * g)`.",
            "no_step",
        )
    steps = torch.cat([(h - h0).reshape(-1) for h, h0 in zip(held, before, strict=True)])
    truth = torch.cat([(e - h0).reshape(-1) for e, h0 in zip(expected, before, strict=True)])
    c = (steps @ truth).item() / (truth @ truth).item()
    if same(steps, c * truth) and abs(c + 1) < 1e-9:
        return wrong(
            SGD,
            "The parameters moved along +lr·grad: uphill, where the loss grows fastest. Step "
            "against the gradient: P ← P − lr·dP.",
            "sign",
        )
    if same(steps, c * truth):
        return wrong(SGD, f"The step is {c:.3g}× the SGD step −lr·grad.", "constant_factor")
    return wrong(SGD, "The parameters moved, but not by −lr·grad.")


EXERCISES: tuple[tuple[Callable, Callable], ...] = (
    (check_linear_backward, solution_linear_backward),
    (check_linear_flops, solution_linear_flops),
    (check_sgd_update, solution_sgd_update),
)
