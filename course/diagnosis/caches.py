"""Recognising a backward that read the wrong cached tensor, or mishandled the batch.

The wrong cache: backward re-run with forward's input and output swapped in the cache (or, for an
element-wise layer, the true derivative evaluated at y instead of x) matches the learner's gradient.
The batch: the learner's parameter gradient equals one per-sample gradient, their unsummed stack, a
reduction over another axis, or outer(x.sum(0), dout.sum(0)) (summed before the product).
"""

from __future__ import annotations

import torch

from .findings import Evidence, Finding, _close, _close_values, _shape

_CACHE_HINT = "(σ′ = s(1 − s) takes the output s = σ(x); dW = xᵀ·dout takes the input x)"


def _wrong_cache(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding | None:
    for explanation, repaired in ev.swaps() if ev.swaps else []:
        if _close(repaired, n, ev.tol):
            return Finding("wrong_cache", f"{ev.label} {explanation} {_CACHE_HINT}.")
    if ev.at_output is not None and _close(a, ev.at_output(), ev.tol):
        return Finding(
            "wrong_cache",
            f"{ev.label} equals the true derivative evaluated at forward's output y instead of "
            f"its input x: backward read the output where the formula needs the input "
            f"{_CACHE_HINT}.",
        )
    return None


def _batch(a: torch.Tensor, n: torch.Tensor, ev: Evidence, bias_like: bool) -> Finding | None:
    P = ev.per_sample() if ev.per_sample else None
    if P is None:
        return None
    lab, tol = ev.label, ev.tol
    key = "bias_not_summed" if bias_like else "not_summed"
    if _close_values(a, P, tol):
        what = "dout itself" if bias_like else "one gradient per sample"
        return Finding(
            key,
            f"{lab} has shape {_shape(a)}, expected {_shape(n)}: it is {what}, never summed over "
            "the batch (axis 0). Every sample contributes to a parameter: sum the contributions"
            + (f": {lab} = dout.sum(0)." if bias_like else "."),
        )
    for b in range(P.shape[0]):
        if _close(a, P[b], tol):
            what = f"dout[{b}]" if bias_like else f"sample {b}'s contribution"
            return Finding(
                key,
                f"{lab} equals {what} alone: the other {P.shape[0] - 1} samples are left out. "
                "Every sample contributes to a parameter, so its gradient sums over the batch"
                + (f": {lab} = dout.sum(0)." if bias_like else " (for Linear, dW = xᵀ·dout)."),
            )
    for axis in range(1, P.ndim):
        for op in ("sum", "mean"):
            if _close_values(a, getattr(P, op)(dim=axis), tol):
                what = f"dout.{op}(axis={axis})" if bias_like else f"the per-sample gradients' {op}"
                where = "" if bias_like else f" over axis {axis}"
                fix = (
                    f"{lab} = dout.sum(0)."
                    if bias_like
                    else "sum the per-sample gradients over it."
                )
                return Finding(
                    "wrong_axis",
                    f"{lab} equals {what}{where}: reduced over the wrong axis. The batch is axis "
                    f"0: {fix}",
                )
    R, x = ev.upstream, ev.x
    if a.ndim == 2 and R is not None and x is not None and x.ndim == 2 and R.ndim == 2:
        outer = x.sum(0)[:, None] * R.sum(0)[None, :]
        if _close(a, outer, tol):
            return Finding(
                "wrong_axis",
                f"{lab} equals outer(x.sum(0), dout.sum(0)): the batch was summed before the "
                f"product. Sum the products instead: {lab} = xᵀ·dout = Σ_i x[i]ᵀ·dout[i].",
            )
    return None
