"""The catalogue of common backward mistakes, and how ``diagnose`` recognises each one.

Every check is a hypothesis test. It takes the learner's gradient ``a`` and the central-difference
truth ``n`` (float64, same point, same upstream gradient), applies one suspected mistake to the
truth (or undoes it on ``a``) and asks whether the two now agree to ``tol`` in the max-norm
relative error. A mistake is named only on such an exact match: a gradient that is merely "about
twice as big here and there" is reported as unexplained, with the place where it disagrees most.

The checks, in the order they are tried (the first that matches wins):

1. never set, NaN/inf, or all zeros;
2. a constant factor: the least-squares c = ⟨a, n⟩/⟨n, n⟩ leaves no residual. Then c = −1 is a
   flipped sign; c = B, N or B·N (the batch, the row width, their product) is a missing 1/B,
   1/N or 1/(B·N); their reciprocals are an extra one, or, for a bias, a mean where a sum belongs;
   any other c is reported as "≈ c× too large";
3. a transpose: the shape is reversed, or, square, ``a`` equals ``nᵀ`` (times a factor of step 2);
   or dx equals dout·W for a square weight W of the layer, where dout·Wᵀ belongs;
4. the wrong cache. Where the object exposes its caches, every cached tensor equal to forward's
   input x (or output y) is replaced by y (or x), and backward is run again: if that repairs the
   gradient, backward read the one where it needed the other (σ′ computed from x instead of σ(x);
   dW from the output instead of the input). A function pair ``backward(x, y, dout)`` is called
   with x and y swapped in the same way. For an element-wise layer a second pattern needs no
   cache at all: ``a`` equals the true derivative evaluated at y instead of x;
5. the batch (parameters of layers only). The per-sample gradients P[i], the gradients with the
   upstream gradient kept on row i alone, sum to the truth. ``a`` equal to one P[i], or to the
   unsummed stack P, was not summed over the batch; equal to P reduced over another axis (for a
   bias, P = dout: db = dout.sum(1)) was reduced over the wrong axis; and for a (M, N) weight,
   equal to outer(x.sum(0), dout.sum(0)), was summed over the batch before the product;
6. the right values in the wrong shape (a ``keepdim`` too many).

Limits: a mistake in forward is invisible (the truth is the learner's own forward, differentiated);
points on a kink (ReLU at 0) have no derivative; when B, N and 2 are not all distinct, a factor
cannot say which it was (the message says so); the wrong-cache swap needs the cache in a plain
attribute, and its pattern fallback only covers a derivative evaluated at y instead of x.

This module holds the catalogue and the order of the checks; the checks themselves live in
``factors`` (2, 3), ``caches`` (4, 5), their shared types in ``findings`` and the printing of
numbers in ``digits``.
"""

from __future__ import annotations

import torch

from scratchnn.checks.numerical import relative_error

from .caches import _batch, _wrong_cache
from .digits import NOISE, _digits, _distinct
from .factors import _scale_finding, _transposed
from .findings import Evidence, Finding, _close, _close_values, _factor, _shape

MISTAKES: dict[str, str] = {
    "transposed": "a gradient returned transposed (operands of a product in the wrong order)",
    "wrong_axis": "a reduction over the wrong axis, or before the product instead of after",
    "missing_batch_scale": "the 1/B, 1/N or 1/(B·N) of a mean missing: B, N or B·N times too big",
    "extra_scale": "divided by B, N or B·N once too often",
    "sign": "the sign flipped",
    "bias_not_summed": "the bias gradient not summed over the batch (one row, the mean, no sum)",
    "not_summed": "a weight gradient not summed over the batch",
    "constant_factor": "off by another constant factor (a lost 2 or ½)",
    "wrong_cache": "backward read the wrong cached tensor (forward's input instead of output)",
    "wrong_shape": "the right values in the wrong shape",
    "zero_gradient": "all zeros",
    "missing": "backward never set the gradient",
    "not_finite": "NaN or inf in the gradient",
}


def _largest_disagreement(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding:
    flat = int((a - n).abs().reshape(-1).argmax())
    index, rest = [], flat
    for size in reversed(n.shape):  # unravel the flat index, last axis fastest
        rest, i = divmod(rest, size)
        index.insert(0, i)
    at = f"{ev.label}[{', '.join(map(str, index))}]" if index else ev.label
    # Central differences know the truth to about 1e-9 of the gradient's scale (rounding and
    # truncation at the default step): no printed digit is finer than that.
    noise = NOISE * n.abs().max().item()
    gave, truth = _distinct(a.reshape(-1)[flat].item(), n.reshape(-1)[flat].item(), noise, 4)
    error = _digits(relative_error(a, n), NOISE, 2)
    return Finding(
        None,
        f"{ev.label}: no common mistake matches (relative error {error}). "
        f"Largest disagreement at {at}: backward gave {gave}, central differences give {truth}.",
    )


def classify(a: torch.Tensor | None, n: torch.Tensor, ev: Evidence) -> Finding:
    """Name the mistake that turns the true gradient ``n`` into the learner's ``a``."""
    lab, tol = ev.label, ev.tol
    if a is None:
        return Finding("missing", f"{lab} was never set: backward must assign it (or return it).")
    if not torch.is_tensor(a):
        return Finding(None, f"{lab} is a {type(a).__name__}, not a tensor.")
    a = a.detach().to(torch.float64)
    if not bool(torch.isfinite(a).all()):
        return Finding("not_finite", f"{lab} contains NaN or inf: look for log(0), 0/0 or exp.")
    if a.numel() and a.abs().max().item() == 0.0 and n.abs().max().item() > 0.0:
        return Finding("zero_gradient", f"{lab} is all zeros: was it computed but never stored?")
    R = ev.upstream
    bias_like = (
        ev.is_param and R is not None and R.ndim >= 1 and _close(R.sum(0), n, tol) and ev.B > 1
    )
    if a.shape == n.shape:
        c = _factor(a, n, tol)
        if c is not None:
            return _scale_finding(c, ev, bias_like)
    if a.ndim == 2 and n.ndim == 2 and a.shape == n.shape[::-1]:
        found = _transposed(a, n, ev)
        if found is not None:
            return found
    for name, W in (ev.weights or {}).items():
        if R is not None and R.ndim == 2 and R.shape[1] == W.shape[0] and _close(a, R @ W, tol):
            return Finding(
                "transposed",
                f"{lab} equals dout·{name}, where dout·{name}ᵀ belongs: {name} is square "
                f"{_shape(W)}, so no shape error caught the missing transpose.",
            )
    found = _wrong_cache(a, n, ev)
    if found is None and ev.is_param and ev.B > 1:
        found = _batch(a, n, ev, bias_like)
    if found is not None:
        return found
    if a.shape != n.shape:
        if a.ndim == 2 and n.ndim == 2 and a.shape == n.shape[::-1]:
            return Finding(
                "transposed",
                f"{lab} has shape {_shape(a)}, expected {_shape(n)}: transposed? Even transposed "
                f"it disagrees (relative error {relative_error(a.T, n):.2g}): fix the shape "
                "first, then check again.",
            )
        if _close_values(a, n, tol):
            return Finding(
                "wrong_shape",
                f"{lab} has the right values but shape {_shape(a)}, expected {_shape(n)}: a "
                "keepdim=True too many, or a missing squeeze/reshape?",
            )
        return Finding(
            None,
            f"{lab} has shape {_shape(a)}, expected {_shape(n)}, and no common mistake explains "
            "it: a gradient always has the shape of what it is the gradient of.",
        )
    return _largest_disagreement(a, n, ev)
